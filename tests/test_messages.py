"""The sentences of the clock, the runbook and ``verify`` come from ``messages.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_cutover import messages
from pytest_cutover.__main__ import main
from pytest_cutover.model.clock import parse_instant, utc, window_problems, windows
from pytest_cutover.model.cutover import Timeline
from pytest_cutover.plan.load import load_plan
from pytest_cutover.run.show_plan import runbook_lines

T0 = "2026-12-01T22:00:00Z"


def test_a_time_without_an_offset_is_refused_in_the_clock_s_words() -> None:
    with pytest.raises(ValueError, match="offset") as excinfo:
        parse_instant("2026-12-01T22:00:00")
    assert str(excinfo.value) == messages.INSTANT_NOT_A_TIME.format(text="2026-12-01T22:00:00")


def test_a_phase_run_outside_its_window_is_said_in_the_clock_s_words() -> None:
    t0 = parse_instant(T0)
    planned = windows(Timeline(), t0)
    assert window_problems(planned, {"T+30": (t0, t0)}) == [
        messages.PHASE_OUTSIDE_WINDOW.format(
            phase="T+30",
            first=utc(t0),
            last=utc(t0),
            start=utc(planned["T+30"].start),
            end=messages.OPEN_END,
        )
    ]


def test_the_runbook_is_written_in_the_runbook_s_words(tmp_path: Path) -> None:
    path = tmp_path / "cutover.yaml"
    path.write_text(
        "cutover: Words\ngates: [{id: G1, phase: T-10}]\nchecks: []\n",
        encoding="utf-8",
    )
    lines = runbook_lines(load_plan(path), None)
    assert lines[:2] == [
        messages.RUNBOOK_TITLE.format(name="Words"),
        messages.RUNBOOK_T0.format(t0=messages.RUNBOOK_NO_T0),
    ]
    assert messages.RUNBOOK_NO_ROLLBACK in lines


def test_verify_says_each_problem_of_a_bundle_on_its_own_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", str(tmp_path)]) == 1
    problem = messages.NO_MANIFEST.format(manifest="MANIFEST.sha256", path=tmp_path)
    assert capsys.readouterr().err.splitlines() == [
        messages.VERIFY_PROBLEM.format(bundle=tmp_path, problem=problem),
        messages.VERIFY_NOT_INTACT.format(bundle=tmp_path, count=1),
    ]
