"""Sign-off: the roles a gate waits for, given as options or a file, recorded with name and time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cutover_project import CutoverProject, iso, now

from pytest_cutover import messages
from pytest_cutover.model.clock import parse_instant

SIGNOFF = """
checks:
  - {id: health, gate: G6, command: ["true"]}
signoff: {gate: G7, roles: [release-manager, sre-on-call]}
"""


def test_a_missing_sign_off_fails_its_gate_with_what_to_do(cutover_project: CutoverProject) -> None:
    cutover_project.runbook(SIGNOFF)
    result = cutover_project.run(
        "-v", "--cutover-phase=T+30", "--cutover-signoff", "sre-on-call=Bo Chen"
    )
    result.stdout.fnmatch_lines(
        [
            "cutover.yaml::signoff-release-manager FAILED*",
            "cutover.yaml::signoff-sre-on-call PASSED*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "cutover check signoff-release-manager failed: "
            + messages.NO_SIGNATURE.format(role="release-manager")
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_sign_offs_are_recorded_with_name_and_time(cutover_project: CutoverProject) -> None:
    cutover_project.runbook(SIGNOFF)
    result = cutover_project.run(
        "--cutover-phase=T+30",
        "--cutover-signoff=release-manager=Ana Lima",
        "--cutover-signoff=sre-on-call=Bo Chen",
        "--cutover-evidence=ev",
    )
    assert result.ret == pytest.ExitCode.OK
    signoff = result.evidence["signoff"]
    assert signoff is not None
    roles = signoff["roles"]
    assert [(r["role"], r["name"]) for r in roles] == [
        ("release-manager", "Ana Lima"),
        ("sre-on-call", "Bo Chen"),
    ]
    assert all(
        r["at"] is not None and parse_instant(r["at"]) <= now() + timedelta(seconds=1)
        for r in roles
    )
    closeout = (cutover_project.path / "ev" / "closeout.md").read_text()
    assert "- [x] release-manager: Ana Lima, " in closeout


def test_a_sign_off_file_is_read_with_its_times(cutover_project: CutoverProject) -> None:
    cutover_project.runbook(SIGNOFF)
    cutover_project.write(
        "signoff.yaml",
        "release-manager: {name: Ana Lima, at: '2026-12-01T22:05:00+01:00'}\n"
        "sre-on-call: Bo Chen\n",
    )
    result = cutover_project.run(
        "--cutover-phase=T+30", "--cutover-signoff-file=signoff.yaml", "--cutover-evidence=ev"
    )
    assert result.ret == pytest.ExitCode.OK
    signoff = result.evidence["signoff"]
    assert signoff is not None
    roles = signoff["roles"]
    assert roles[0]["at"] == "2026-12-01T21:05:00Z"


@pytest.mark.parametrize(
    "entry",
    [
        'release-manager: ""',
        "release-manager: '   '",
        "release-manager: {name: '', at: '2026-12-01T22:05:00+01:00'}",
        "release-manager: {name: ' ', at: '2026-12-01T22:05:00+01:00'}",
    ],
)
def test_a_blank_name_in_the_sign_off_file_signs_nothing_and_is_a_usage_error(
    cutover_project: CutoverProject, entry: str
) -> None:
    cutover_project.runbook(SIGNOFF)
    cutover_project.write("signoff.yaml", f"{entry}\nsre-on-call: Bo Chen\n")
    result = cutover_project.run(
        "--cutover-phase=T+30", "--cutover-signoff-file=signoff.yaml", "--cutover-evidence=ev"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    source = str(cutover_project.path / "signoff.yaml")
    assert result.stderr.lines[0] == "ERROR: " + messages.BLANK_SIGNOFF_NAME.format(
        source=source, role="release-manager"
    )
    assert not (cutover_project.path / "ev" / "evidence.json").exists()


def test_a_sign_off_dated_in_the_future_is_a_usage_error(cutover_project: CutoverProject) -> None:
    cutover_project.runbook(SIGNOFF)
    later = now() + timedelta(hours=2)
    cutover_project.write(
        "signoff.yaml",
        f"release-manager: {{name: Ana Lima, at: '{iso(later)}'}}\nsre-on-call: Bo Chen\n",
    )
    result = cutover_project.run("--cutover-phase=T+30", "--cutover-signoff-file=signoff.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[0].startswith(
        f"ERROR: {cutover_project.path / 'signoff.yaml'}: "
        "the sign-off of 'release-manager' is dated "
        f"{later.strftime('%Y-%m-%dT%H:%M:%SZ')}, later than now ("
    )


def test_a_sign_off_a_minute_ahead_of_this_clock_is_within_the_allowed_skew(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.runbook(SIGNOFF)
    ahead = now() + timedelta(minutes=1)
    cutover_project.write(
        "signoff.yaml",
        f"release-manager: {{name: Ana Lima, at: '{iso(ahead)}'}}\nsre-on-call: Bo Chen\n",
    )
    result = cutover_project.run("--cutover-phase=T+30", "--cutover-signoff-file=signoff.yaml")
    result.assert_outcomes(passed=2, deselected=1)
    assert result.ret == pytest.ExitCode.OK


@pytest.mark.parametrize(
    ("argument", "error"),
    [
        (
            "--cutover-signoff=release-manager= ",
            messages.BAD_SIGNOFF.format(value="release-manager= "),
        ),
        (
            "--cutover-signoff=ops=Ana",
            "--cutover-signoff: unknown sign-off role 'ops'; the plan's roles: release-manager, "
            "sre-on-call",
        ),
        ("--cutover-signoff=release-manager", messages.BAD_SIGNOFF.format(value="release-manager")),
    ],
)
def test_an_unknown_role_or_a_malformed_sign_off_is_a_usage_error(
    cutover_project: CutoverProject, argument: str, error: str
) -> None:
    cutover_project.runbook(SIGNOFF)
    result = cutover_project.run(argument)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[0] == f"ERROR: {error}"
