"""Waivers: a failure approved until an instant is WAIVED and the decision CONDITIONAL-GO."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from cutover_project import CutoverProject, iso, now

from pytest_cutover.evidence.bundle import verify_bundle
from pytest_cutover.model.clock import parse_instant
from pytest_cutover.model.cutover import Waiver


def waiver_plan(cutover_project: CutoverProject, expires: datetime) -> None:
    cutover_project.runbook(
        f"""
        checks:
          - {{id: frontend-build, gate: G1, command: [sh, -c, "echo placeholder build; exit 1"]}}
          - {{id: config, gate: G2, command: ["true"]}}
        waivers:
          - check: frontend-build
            justification: frontend build is a placeholder until Step 23
            approver: Ana Lima
            ticket: CHG-4711
            expires: '{iso(expires)}'
        """.replace("\n        ", "\n"),
    )


def test_a_waived_failure_is_waived_and_the_decision_conditional_go(
    cutover_project: CutoverProject,
) -> None:
    waiver_plan(cutover_project, now() + timedelta(days=2))
    result = cutover_project.run("-v", "-m", "preflight", "--cutover-evidence=ev")
    result.stdout.fnmatch_lines(
        [
            "cutover.yaml::frontend-build WAIVED*",
            "cutover.yaml::config PASSED*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "CONDITIONAL-GO: Runbook test",
            "  G1  T-60  WAIVED  Tooling  1 waived  * s",
            "  G2  T-30  PASSED  Config   1 passed  * s",
            "  - gate G1 'Tooling' WAIVED: frontend-build waived by Ana Lima (CHG-4711) until *: "
            "frontend build is a placeholder until Step 23",
            "waivers:",
            "  - frontend-build: APPLIED, approved by Ana Lima, expires *",
        ]
    )
    assert result.ret == pytest.ExitCode.OK
    assert verify_bundle(cutover_project.path / "ev") == []
    closeout = (cutover_project.path / "ev" / "closeout.md").read_text()
    assert "Waiver of frontend-build: APPLIED, approved by Ana Lima (CHG-4711)" in closeout


@pytest.mark.parametrize("stop_early", ["-x", "--maxfail=1"])
def test_a_waived_failure_does_not_count_towards_maxfail(
    cutover_project: CutoverProject, stop_early: str
) -> None:
    """The run settles the failure before pytest's session counts it for -x/--maxfail."""
    waiver_plan(cutover_project, now() + timedelta(days=2))
    result = cutover_project.run("-v", "-m", "preflight", stop_early)
    result.stdout.fnmatch_lines(
        ["cutover.yaml::frontend-build WAIVED*", "cutover.yaml::config PASSED*"]
    )
    result.stdout.fnmatch_lines(["CONDITIONAL-GO: Runbook test"])
    assert result.ret == pytest.ExitCode.OK


def test_strict_makes_a_conditional_go_exit_one(cutover_project: CutoverProject) -> None:
    waiver_plan(cutover_project, now() + timedelta(days=2))
    result = cutover_project.run("-m", "preflight", "--cutover-strict")
    result.stdout.fnmatch_lines(["CONDITIONAL-GO: Runbook test"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_an_expired_waiver_is_not_applied_and_shows_as_expired(
    cutover_project: CutoverProject,
) -> None:
    waiver_plan(cutover_project, now() - timedelta(minutes=1))
    result = cutover_project.run("-m", "preflight")
    result.stdout.fnmatch_lines(
        [
            "NO-GO: Runbook test",
            "  G1  T-60  FAILED   Tooling  1 failed  * s",
            "  G2  T-30  BLOCKED  Config   1 blocked",
            "waivers:",
            "  - frontend-build: EXPIRED, approved by Ana Lima, expires *",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_waiver_ends_at_its_exact_instant() -> None:
    expires = parse_instant("2026-12-01T22:00:00+01:00")
    waiver = Waiver("x", "why", "who", expires)
    assert not waiver.expired(expires - timedelta(microseconds=1))
    assert waiver.expired(expires)
    assert waiver.expired(parse_instant("2026-12-01T21:00:00Z"))


def test_a_waiver_for_an_unknown_check_is_a_usage_error(cutover_project: CutoverProject) -> None:
    cutover_project.runbook(
        """
checks:
  - {id: config, gate: G2, command: ["true"]}
waivers:
  - {check: no-such-check, justification: x, approver: y, expires: '2099-01-01T00:00:00Z'}
""",
    )
    result = cutover_project.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[0] == (
        "ERROR: cutover.yaml:10: waiver for unknown check 'no-such-check'; checks: config"
    )


def test_a_waiver_expiry_without_a_zone_is_a_usage_error(cutover_project: CutoverProject) -> None:
    cutover_project.runbook(
        """
checks:
  - {id: config, gate: G2, command: ["true"]}
waivers:
  - {check: config, justification: x, approver: y, expires: 2099-01-01}
""",
    )
    result = cutover_project.run()
    assert result.stderr.lines[0] == (
        "ERROR: cutover.yaml:10: waivers[0].expires: '2099-01-01' is not a date and time with "
        "an offset, like 2026-12-01T22:00:00+01:00"
    )


def test_waivers_come_from_a_waivers_file_too(cutover_project: CutoverProject) -> None:
    cutover_project.runbook('checks:\n  - {id: flaky, gate: G1, command: ["false"]}\n')
    cutover_project.write(
        "waivers.yaml",
        "- {check: flaky, justification: known, approver: Ana, "
        f"expires: '{iso(now() + timedelta(hours=1))}'}}\n",
    )
    result = cutover_project.run("-m", "phase(name='T-60')", "--cutover-waivers=waivers.yaml")
    result.stdout.fnmatch_lines(
        [
            "CONDITIONAL-GO: Runbook test",
            "  - flaky: APPLIED, approved by Ana, expires * (waivers.yaml:1)",
        ]
    )
