"""report.html as a string: escaped, self-contained, failures open, fast for big runs."""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence

import pytest
from jsonschema import Draft202012Validator
from markupsafe import escape

from pytest_cutover.evidence.bundle import evidence_schema
from pytest_cutover.evidence.document import build_document
from pytest_cutover.evidence.records import (
    CheckRecord,
    CommandRecord,
    EvidenceDocument,
    OutputRecord,
)
from pytest_cutover.evidence.report import render_report
from pytest_cutover.model.cutover import Gate, Timeline
from pytest_cutover.model.decision import CheckOutcome, Outcome, decide

PAYLOAD = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
GATES = (
    Gate("G1", "T-60", "Tooling ready"),
    Gate("G2", "T-30", "Config valid"),
    Gate("G4", "T0", "Switched"),
)
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def make_command(
    argv: Sequence[str] = ("systemctl", "is-active", "billing"),
    *,
    exit_code: int | None = 0,
    stdout: str = "",
    stderr: str = "",
    timed_out: bool = False,
    source: str = "check",
) -> CommandRecord:
    """One command a check ran, as the evidence records it."""
    return {
        "argv": list(argv),
        "cwd": "/srv/billing",
        "exit_code": exit_code,
        "duration": None if source == "audit" else 0.25,
        "timed_out": timed_out,
        "stdout": stdout,
        "stderr": stderr,
        "env": [],
        "source": source,
    }


def make_check(
    check_id: str,
    outcome: str = "passed",
    *,
    gate: str = "G1",
    message: str = "",
    reason: str = "",
    nodeid: str | None = None,
    warnings: Sequence[str] = (),
    commands: Sequence[CommandRecord] = (),
    output: Sequence[OutputRecord] = (),
) -> CheckRecord:
    """One check of the evidence; its phase is its gate's."""
    phase = next(g.phase for g in GATES if g.id == gate)
    return {
        "id": check_id,
        "nodeid": nodeid or f"cutover.yaml::{check_id}",
        "gate": gate,
        "phase": phase,
        "outcome": outcome,
        "duration": 0.5,
        "message": message,
        "reason": reason,
        "warnings": list(warnings),
        "commands": [c.copy() for c in commands],
        "output": [o.copy() for o in output],
    }


def make_document(
    checks: Sequence[CheckRecord], *, plan_name: str = "Billing cutover"
) -> EvidenceDocument:
    """A valid evidence document of ``checks``, decided and built as a real run would be."""
    outcomes = [
        CheckOutcome(c["id"], c["gate"], Outcome(c["outcome"]), c["reason"], tuple(c["warnings"]))
        for c in checks
    ]
    document = build_document(
        plan={"name": plan_name, "path": "/srv/billing/cutover.yaml", "sha256": "ab" * 32},
        run={
            "run_id": "6f1c2a9e-0000-4000-8000-000000000001",
            "started": "2025-03-01T02:00:00Z",
            "finished": "2025-03-01T02:04:10Z",
            "host": "ops-1",
            "user": "oncall",
            "cwd": "/srv/billing",
            "argv": ["pytest", "--cutover-phase", "T-60"],
            "python": "3.11.9",
            "pytest": "8.3.4",
            "plugin": "0.1.0",
            "git": {"commit": "0123456789abcdef0123456789abcdef01234567", "dirty": False},
            "exit_status": 0,
        },
        timeline=Timeline(),
        gates=GATES,
        decision=decide(plan_name, GATES, outcomes, phases={"T-60"}),
        checks=checks,
        interrupted=False,
        internal_error=False,
    )
    Draft202012Validator(evidence_schema()).validate(document)
    return document


def details_tag(html: str, check_id: str) -> str:
    """The opening ``<details>`` tag of one check."""
    match = re.search(rf'<details [^>]*id="check-{re.escape(check_id)}"[^>]*>', html)
    assert match is not None, check_id
    return match.group(0)


def test_a_go_run_shows_a_green_go_banner_with_the_plan_name() -> None:
    html = render_report(make_document([make_check("tools.present")]))

    assert '<header id="decision" class="banner go">' in html
    assert '<p class="verdict">GO</p>' in html
    assert "<h1>Billing cutover</h1>" in html


def test_a_no_go_run_shows_a_red_banner_with_its_reasons_and_warnings() -> None:
    document = make_document(
        [
            make_check("db.reachable", "failed", message="connection refused"),
            make_check("disk.space", warnings=["82% used"]),
        ]
    )
    html = render_report(document)

    assert '<header id="decision" class="banner nogo">' in html
    assert '<p class="verdict">NO-GO</p>' in html
    assert document["decision"]["reasons"]
    for line in [*document["decision"]["reasons"], "disk.space: 82% used"]:
        assert f"<li>{escape(line)}</li>" in html


@pytest.mark.parametrize(
    ("verdict", "style"),
    [("CONDITIONAL-GO", "conditional"), ("ROLLBACK", "nogo"), ("NO-GO", "nogo")],
)
def test_each_verdict_has_its_own_banner_style(verdict: str, style: str) -> None:
    document = make_document([make_check("tools.present")])
    document["decision"]["verdict"] = verdict

    html = render_report(document)

    assert f'<header id="decision" class="banner {style}">' in html
    assert f'<p class="verdict">{verdict}</p>' in html


@pytest.mark.parametrize("place", ["plan name", "message", "stdout", "nodeid", "reason"])
def test_markup_from_the_document_is_escaped_and_never_raw(place: str) -> None:
    command = make_command(stdout=PAYLOAD if place == "stdout" else "active")
    check = make_check(
        "svc.active",
        "blocked",
        message=PAYLOAD if place == "message" else "",
        reason=PAYLOAD if place == "reason" else "waiting for G0",
        nodeid=PAYLOAD if place == "nodeid" else None,
        commands=[command],
    )
    plan_name = PAYLOAD if place == "plan name" else "Billing cutover"

    html = render_report(make_document([check], plan_name=plan_name))

    assert ESCAPED in html
    assert PAYLOAD not in html
    assert "<script" not in html


def test_failed_and_errored_checks_are_open_and_the_others_closed() -> None:
    html = render_report(
        make_document(
            [
                make_check("db.reachable", "failed"),
                make_check("dns.resolves", "errored", gate="G2"),
                make_check("tools.present", "passed"),
                make_check("cache.warm", "skipped", reason="not needed"),
            ]
        )
    )

    assert " open" in details_tag(html, "db.reachable")
    assert " open" in details_tag(html, "dns.resolves")
    assert " open" not in details_tag(html, "tools.present")
    assert " open" not in details_tag(html, "cache.warm")


def test_a_blocked_check_names_its_reason_in_its_summary_line() -> None:
    html = render_report(make_document([make_check("switch.dns", "blocked", reason="G1 failed")]))

    assert re.search(r"<summary>[^\n]*BLOCKED[^\n]*switch\.dns[^\n]*: G1 failed</summary>", html)


def test_a_command_shows_quoted_argv_exit_duration_and_output() -> None:
    argv = ["psql", "-c", "select 1; -- it's"]
    commands = [
        make_command(argv, exit_code=2, stderr="FATAL: no"),
        make_command(["sleep", "99"], exit_code=None, timed_out=True),
        make_command(["curl", "-s", "localhost"], exit_code=None, source="audit"),
    ]
    html = render_report(make_document([make_check("db.query", "failed", commands=commands)]))

    assert f"<code>{escape(shlex.join(argv))}</code>" in html
    assert "<dt>Exit</dt><dd>2</dd>" in html
    assert "<dt>Exit</dt><dd>timed out</dd>" in html
    assert "<dt>Exit</dt><dd>not recorded</dd>" in html
    assert "<pre>FATAL: no</pre>" in html
    assert "3 commands ran;" in html
    assert "none of them matches the mutation deny list" in html


def test_the_page_loads_no_external_asset_and_forbids_scripts() -> None:
    html = render_report(make_document([make_check("tools.present")]))

    assert html.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in html
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in html
    assert '<meta name="referrer" content="no-referrer">' in html
    for marker in ("<link", "<script", "@import", "http://", "https://", "src="):
        assert marker not in html


def test_the_sections_come_in_order_and_sign_off_and_rollback_say_not_configured() -> None:
    html = render_report(make_document([make_check("tools.present")]))

    ids = ["decision", "run", "gates", "timeline", "signoff", "rollback", "commands", "evidence"]
    positions = [html.index(f'id="{section}"') for section in ids]
    assert positions == sorted(positions)
    assert html.count("<p>Not configured in this plan.</p>") == 2


def test_the_gate_table_and_timeline_show_status_words_and_counts() -> None:
    html = render_report(
        make_document([make_check("a", "passed"), make_check("b", "failed"), make_check("c")])
    )

    assert '<td class="st s-failed">FAILED</td><td>2 passed, 1 failed</td>' in html
    assert '<td class="st s-out-of-scope">OUT OF SCOPE</td><td>no checks</td>' in html
    assert '<a href="#gate-G1">G1</a> <span class="st s-failed">FAILED</span>' in html
    assert '<section class="gate" id="gate-G4">' in html


def test_five_thousand_checks_render_as_five_thousand_check_sections() -> None:
    checks = [
        make_check(f"check-{n}", "failed" if n % 100 == 0 else "passed", gate=f"G{n % 2 + 1}")
        for n in range(5000)
    ]

    html = render_report(make_document(checks))

    assert html.count("<details ") == 5000
    assert len(re.findall(r'<details class="check s-[a-z-]+" id="check-check-\d+"', html)) == 5000


def test_captured_output_of_a_python_check_is_shown_escaped() -> None:
    output: list[OutputRecord] = [{"section": "Captured stdout call", "text": "<b>deploy ok</b>\n"}]
    html = render_report(make_document([make_check("py.check", output=output)]))
    assert "<p>Captured stdout call</p><pre>&lt;b&gt;deploy ok&lt;/b&gt;\n</pre>" in html
