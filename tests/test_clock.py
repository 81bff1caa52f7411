"""The timeline on the clock: T0 from the plan or the option, phase windows, one phase a run."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest
from cutover_project import CutoverProject, iso, now

from pytest_cutover import messages
from pytest_cutover.model.clock import parse_instant

CLOCK_CHECKS = """
checks:
  - {id: early, gate: G1, command: ["true"]}
  - {id: config, gate: G2, command: ["true"]}
"""


def test_a_phase_run_inside_its_window_has_no_warning(cutover_project: CutoverProject) -> None:
    t0 = now() + timedelta(minutes=45)  # T-60 runs from 15 minutes ago for 30 minutes
    cutover_project.runbook(f"t0: '{iso(t0)}'\n" + CLOCK_CHECKS)
    result = cutover_project.run("-m", "phase(name='T-60')")
    result.stdout.fnmatch_lines(["GO: Runbook test"])
    assert "outside its window" not in result.stdout.str()
    assert result.ret == pytest.ExitCode.OK


def test_a_phase_run_outside_its_window_is_a_warning(cutover_project: CutoverProject) -> None:
    t0 = now() + timedelta(days=3)
    cutover_project.runbook(f"t0: '{iso(t0)}'\n" + CLOCK_CHECKS)
    result = cutover_project.run("-m", "phase(name='T-60')")
    result.stdout.fnmatch_lines(
        ["GO: Runbook test", "warnings:", "  - phase T-60 ran * outside its window *"]
    )
    assert result.ret == pytest.ExitCode.OK


def test_enforce_window_makes_a_phase_outside_its_window_no_go(
    cutover_project: CutoverProject,
) -> None:
    t0 = now() - timedelta(days=1)
    cutover_project.runbook(f"t0: '{iso(t0)}'\n" + CLOCK_CHECKS)
    result = cutover_project.run("-m", "phase(name='T-60')", "--cutover-enforce-window")
    result.stdout.fnmatch_lines(
        ["NO-GO: Runbook test", "reasons:", "  - phase T-60 ran * outside its window *"]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_the_t0_option_overrides_the_plan_and_offsets_are_honoured(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.runbook("t0: '2020-01-01T00:00:00+00:00'\n" + CLOCK_CHECKS)
    inside = (now() + timedelta(minutes=45)).astimezone(timezone(timedelta(hours=-5)))
    result = cutover_project.run(
        "-m",
        "phase(name='T-60')",
        f"--cutover-t0={iso(inside)}",
        "--cutover-enforce-window",
        "--cutover-evidence=ev",
    )
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    document = result.evidence
    assert document["t0"] == (inside.astimezone(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    t_60 = document["phases"][0]
    assert t_60["window_start"] == (inside - timedelta(minutes=60)).astimezone(
        timezone.utc
    ).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert t_60["actual_start"] is not None
    assert document["phases"][1]["actual_start"] is None


@pytest.mark.parametrize("t0", ["2026-12-01", "2026-12-01T22:00:00", "tomorrow"])
def test_a_t0_without_a_time_and_offset_is_a_usage_error(
    cutover_project: CutoverProject, t0: str
) -> None:
    cutover_project.runbook(f"t0: '{t0}'\n" + CLOCK_CHECKS)
    result = cutover_project.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[0] == (
        f"ERROR: cutover.yaml:7: t0: '{t0}' is not a date and time with an offset, like "
        "2026-12-01T22:00:00+01:00"
    )


def test_a_bad_t0_option_names_the_option(cutover_project: CutoverProject) -> None:
    cutover_project.runbook(CLOCK_CHECKS)
    result = cutover_project.run("--cutover-t0=2026-12-01")
    result.stderr.fnmatch_lines(
        ["ERROR: --cutover-t0: '2026-12-01' is not a date and time with an offset*"]
    )


def test_cutover_phase_runs_one_phase(cutover_project: CutoverProject) -> None:
    cutover_project.runbook(CLOCK_CHECKS)
    cutover_project.test_modules(test_plain="def test_unrelated(): pass")
    result = cutover_project.run("-v", "--cutover-phase=T-30")
    result.assert_outcomes(passed=1, deselected=2)
    result.stdout.fnmatch_lines(["cutover.yaml::config PASSED*", "GO: Runbook test"])


def test_an_unknown_cutover_phase_is_a_usage_error(cutover_project: CutoverProject) -> None:
    cutover_project.runbook(CLOCK_CHECKS)
    result = cutover_project.run("--cutover-phase=T-45")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: "
            + messages.UNKNOWN_PHASE_OPTION.format(
                phase="T-45", phases="T-60, T-30, T-10, T0, T+10, T+30"
            )
        ]
    )


def test_utc_and_offset_times_are_the_same_instant() -> None:
    assert parse_instant("2026-12-01T22:00:00+01:00") == parse_instant("2026-12-01T21:00:00Z")
    assert parse_instant("2026-12-01T21:00:00+00:00") == parse_instant("2026-12-01T16:00:00-05:00")
