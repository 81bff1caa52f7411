"""The picture of the window in report.html: what it draws, on which clock, and escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

from jsonschema import Draft202012Validator
from test_report_html import make_check

from pytest_cutover.evidence.bundle import evidence_schema
from pytest_cutover.evidence.document import RunbookFacts, build_document
from pytest_cutover.evidence.records import CheckRecord, EvidenceDocument
from pytest_cutover.evidence.report import render_report
from pytest_cutover.evidence.timeline import timeline_svg
from pytest_cutover.model.clock import Span, parse_instant
from pytest_cutover.model.cutover import Gate, Timeline
from pytest_cutover.model.decision import CheckOutcome, Outcome, decide

HOSTILE = '"><script>alert(1)</script><rect onload="x'
GATES = (
    Gate("G1", "T-60", "Tooling ready"),
    Gate("G2", "T-30", HOSTILE),
    Gate("G3", "T-10", "Build green"),
)
T0 = parse_instant("2026-12-01T22:00:00+01:00")


def ran_at(minutes: float, seconds: float) -> Span:
    """A gate that started ``minutes`` from T0 and ran for ``seconds``."""
    start = T0 + timedelta(minutes=minutes)
    return Span(start, start + timedelta(seconds=seconds))


def timeline_document(
    t0: datetime | None = T0, gate_times: dict[str, Span] | None = None
) -> EvidenceDocument:
    """G1 and G2 ran (G2 failed, 28 minutes after G1), G3 was blocked: a valid document."""
    checks: list[CheckRecord] = [
        {**make_check("a"), "gate": "G1", "phase": "T-60"},
        {**make_check("b", "failed"), "gate": "G2", "phase": "T-30"},
        {**make_check("c", "blocked"), "gate": "G3", "phase": "T-10"},
    ]
    outcomes = [
        CheckOutcome(c["id"], c["gate"], Outcome(c["outcome"]), c["reason"], ()) for c in checks
    ]
    times = {"G1": ran_at(-56, 0.4), "G2": ran_at(-28, 70)} if gate_times is None else gate_times
    document = build_document(
        plan={"name": "Billing", "path": "cutover.yaml", "sha256": None},
        run={
            "run_id": "r1",
            "started": "2026-12-01T20:04:00Z",
            "finished": "2026-12-01T20:33:30Z",
            "host": "ops-1",
            "user": "oncall",
            "cwd": "/srv",
            "argv": ["pytest"],
            "python": "3.11.9",
            "pytest": "8.3.4",
            "plugin": "0.1.0",
            "git": {"commit": None, "dirty": None},
            "exit_status": 1,
        },
        timeline=Timeline(),
        gates=GATES,
        decision=decide("Billing", GATES, outcomes, phases={"T-60", "T-30", "T-10"}),
        checks=checks,
        interrupted=False,
        internal_error=False,
        runbook=RunbookFacts(t0=t0, gate_times=times),
    )
    Draft202012Validator(evidence_schema()).validate(document)
    return document


def parsed(document: EvidenceDocument) -> ET.Element:
    return ET.fromstring(str(timeline_svg(document)))


def bars(svg: ET.Element) -> list[ET.Element]:
    return [rect for rect in svg.iter("rect") if "bar" in rect.get("class", "").split()]


def test_each_gate_that_ran_has_one_bar_labelled_in_words_and_one_that_did_not_has_none() -> None:
    svg = parsed(timeline_document())
    assert [bar.get("data-gate") for bar in bars(svg)] == ["G1", "G2"]
    assert [bar.get("class") for bar in bars(svg)] == ["bar s-passed", "bar s-failed"]
    texts = ["".join(text.itertext()) for text in svg.iter("text")]
    assert "G1 Tooling ready: PASSED, 0.40 s" in texts
    assert "G3 Build green: BLOCKED, did not run" in texts


def test_a_bar_spans_its_gates_time_and_a_short_gate_still_shows() -> None:
    first, second = bars(parsed(timeline_document()))
    assert float(first.get("width", "0")) >= 4, "0.4 s on a two-hour axis: drawn 4 units wide"
    assert float(second.get("width", "0")) > float(first.get("width", "0"))
    assert float(first.get("x", "0")) < float(second.get("x", "0"))


def test_the_t0_clock_shows_the_windows_t0_and_ticks_in_t0s_offset() -> None:
    svg = parsed(timeline_document())
    texts = ["".join(text.itertext()) for text in svg.iter("text")]
    assert [t for t in texts if t.startswith("T")] == [
        "T-60",
        "T-30",
        "T-10",
        "T0",
        "T+10",
        "T+30 (open end)",
        "T0",
    ]
    ticks = [t for t in texts if re.fullmatch(r"\d\d:\d\d", t)]
    assert "22:00" in ticks, "T0 is 22:00 in its own offset (21:00 UTC)"
    assert "21:00" in ticks, "the T-60 window starts at 21:00 in T0's offset"


def test_without_t0_the_run_s_own_clock_has_no_windows_and_no_t0_mark() -> None:
    document = timeline_document(t0=None)
    svg = parsed(document)
    texts = ["".join(text.itertext()) for text in svg.iter("text")]
    assert not [t for t in texts if t.startswith("T")]
    assert texts[0] == "0 s"
    assert [bar.get("data-gate") for bar in bars(svg)] == ["G1", "G2"]
    assert "No T0 in this run, so no planned windows and no T0 mark" in render_report(document)


def test_every_text_is_escaped_and_the_picture_has_no_script_or_style_attribute() -> None:
    markup = str(timeline_svg(timeline_document()))
    assert "<script" not in markup
    assert 'onload="' not in markup
    assert "&lt;script&gt;" in markup
    assert " style=" not in markup
    assert "<style" not in markup
    ET.fromstring(markup)  # well-formed: the hostile title broke out of nothing


def test_a_run_where_no_gate_ran_draws_no_bar() -> None:
    svg = parsed(timeline_document(gate_times={}))
    assert bars(svg) == []
