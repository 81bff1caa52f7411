"""The runbook on the clock, from --cutover-show-plan and `python -m pytest_cutover plan`."""

from __future__ import annotations

import subprocess
import sys

import pytest
from cutover_project import CutoverProject


def test_show_plan_prints_the_runbook_on_the_clock_and_runs_nothing(
    cutover_project: CutoverProject,
) -> None:
    marker = cutover_project.path / "ran"
    cutover_project.runbook(
        f"""
t0: '2026-12-01T22:00:00+01:00'
checks:
  - {{id: touches, gate: G1, command: [touch, '{marker}']}}
  - {{id: health, gate: G6, command: ['true']}}
signoff: {{gate: G7, roles: [release-manager]}}
rollback: {{command: [deploy/rollback.sh], runbook: docs/rollback.md, triggers: [health]}}
""",
    )
    cutover_project.test_modules(
        test_py="import pytest\n@pytest.mark.gate('G2')\ndef test_config(): pass\n"
    )
    result = cutover_project.run("--cutover-show-plan")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        [
            "Runbook test: runbook",
            "T0: 2026-12-01T22:00:00+01:00, UTC 2026-12-01T21:00:00Z",
            "T-60  2026-12-01T21:00:00+01:00 to 2026-12-01T21:30:00+01:00,"
            " UTC 2026-12-01T20:00:00Z to 2026-12-01T20:30:00Z  (preflight)",
            "  G1 'Tooling'",
            f"    - touches: command touch {marker}",
            "T-30  2026-12-01T21:30:00+01:00 to 2026-12-01T21:50:00+01:00,"
            " UTC 2026-12-01T20:30:00Z to 2026-12-01T20:50:00Z  (preflight)",
            "    - test_py.py::test_config",
            "*T+30  2026-12-01T22:30:00+01:00 to open end, UTC 2026-12-01T21:30:00Z to open end"
            "  (after T0)",
            "  G7 'Closure'",
            "    - signoff-release-manager: sign-off by release-manager",
            "rollback command (never run by pytest-cutover): deploy/rollback.sh",
            "rollback runbook: docs/rollback.md",
            "rollback triggers: health",
        ]
    )
    assert not marker.exists()
    assert "cutover decision" not in result.stdout.str()
    cli = subprocess.run(
        [sys.executable, "-m", "pytest_cutover", "plan", "cutover.yaml"],
        cwd=cutover_project.path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert cli.returncode == 0
    assert cli.stdout.splitlines()[:3] == [
        "Runbook test: runbook",
        "T0: 2026-12-01T22:00:00+01:00, UTC 2026-12-01T21:00:00Z",
        "T-60  2026-12-01T21:00:00+01:00 to 2026-12-01T21:30:00+01:00,"
        " UTC 2026-12-01T20:00:00Z to 2026-12-01T20:30:00Z  (preflight)",
    ]


def plan_cli(project: CutoverProject, *arguments: str) -> list[str]:
    """``python -m pytest_cutover plan`` in the project; its lines (it must succeed)."""
    cli = subprocess.run(
        [sys.executable, "-m", "pytest_cutover", "plan", *arguments],
        cwd=project.path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert cli.returncode == 0, cli.stderr
    return cli.stdout.splitlines()


def test_each_time_is_shown_in_the_offset_t0_is_given_in_and_in_utc(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.runbook(
        "t0: '2026-12-01T22:00:00+01:00'\nchecks: [{id: c, gate: G1, command: ['true']}]\n"
    )

    # --t0 wins over the plan's, and its offset is the one shown.
    lines = plan_cli(cutover_project, "--t0", "2026-12-01T15:30:00-05:30")
    assert lines[1:3] == [
        "T0: 2026-12-01T15:30:00-05:30, UTC 2026-12-01T21:00:00Z",
        "T-60  2026-12-01T14:30:00-05:30 to 2026-12-01T15:00:00-05:30,"
        " UTC 2026-12-01T20:00:00Z to 2026-12-01T20:30:00Z  (preflight)",
    ]
    # A T0 given in UTC is shown once, in UTC.
    lines = plan_cli(cutover_project, "--t0", "2026-12-01T21:00:00Z")
    assert lines[1:3] == [
        "T0: 2026-12-01T21:00:00Z",
        "T-60  2026-12-01T20:00:00Z to 2026-12-01T20:30:00Z  (preflight)",
    ]
    # pytest's --cutover-show-plan, with --cutover-t0 in yet another offset.
    result = cutover_project.run("--cutover-show-plan", "--cutover-t0=2026-12-02T06:00:00+09:00")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        [
            "T0: 2026-12-02T06:00:00+09:00, UTC 2026-12-01T21:00:00Z",
            "T+30  2026-12-02T06:30:00+09:00 to open end, UTC 2026-12-01T21:30:00Z to open end"
            "  (after T0)",
        ]
    )
