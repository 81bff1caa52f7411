"""The runbook in the plan: the clock, sign-off, waivers, advisory checks, rollback, mutation."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pytest_cutover import messages
from pytest_cutover.evidence.bundle import verify_bundle
from pytest_cutover.model.clock import parse_instant
from pytest_cutover.model.cutover import Waiver

HEADER = """
cutover: Runbook test
gates:
  - {id: G1, title: Tooling, phase: T-60}
  - {id: G2, title: Config, phase: T-30}
  - {id: G6, title: Healthy, phase: T+10}
  - {id: G7, title: Closure, phase: T+30}
"""


def plan(pytester: pytest.Pytester, body: str, header: str = HEADER) -> Path:
    path = pytester.path / "cutover.yaml"
    path.write_text(textwrap.dedent(header).lstrip() + textwrap.dedent(body).lstrip())
    return path


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def evidence(pytester: pytest.Pytester) -> dict[str, object]:
    document: dict[str, object] = json.loads((pytester.path / "ev" / "evidence.json").read_text())
    return document


# -- timeline on the clock ---------------------------------------------------------------

CLOCK_CHECKS = """
checks:
  - {id: early, gate: G1, command: ["true"]}
  - {id: config, gate: G2, command: ["true"]}
"""


def test_a_phase_run_inside_its_window_has_no_warning(pytester: pytest.Pytester) -> None:
    t0 = now() + timedelta(minutes=45)  # T-60 runs from 15 minutes ago for 30 minutes
    plan(pytester, f"t0: '{iso(t0)}'\n" + CLOCK_CHECKS)
    result = pytester.runpytest("-m", "phase(name='T-60')")
    result.stdout.fnmatch_lines(["GO: Runbook test"])
    assert "outside its window" not in result.stdout.str()
    assert result.ret == pytest.ExitCode.OK


def test_a_phase_run_outside_its_window_is_a_warning(pytester: pytest.Pytester) -> None:
    t0 = now() + timedelta(days=3)
    plan(pytester, f"t0: '{iso(t0)}'\n" + CLOCK_CHECKS)
    result = pytester.runpytest("-m", "phase(name='T-60')")
    result.stdout.fnmatch_lines(
        ["GO: Runbook test", "warnings:", "  - phase T-60 ran * outside its window *"]
    )
    assert result.ret == pytest.ExitCode.OK


def test_enforce_window_makes_a_phase_outside_its_window_no_go(pytester: pytest.Pytester) -> None:
    t0 = now() - timedelta(days=1)
    plan(pytester, f"t0: '{iso(t0)}'\n" + CLOCK_CHECKS)
    result = pytester.runpytest("-m", "phase(name='T-60')", "--cutover-enforce-window")
    result.stdout.fnmatch_lines(
        ["NO-GO: Runbook test", "reasons:", "  - phase T-60 ran * outside its window *"]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_the_t0_option_overrides_the_plan_and_offsets_are_honoured(
    pytester: pytest.Pytester,
) -> None:
    plan(pytester, "t0: '2020-01-01T00:00:00+00:00'\n" + CLOCK_CHECKS)
    inside = (now() + timedelta(minutes=45)).astimezone(timezone(timedelta(hours=-5)))
    result = pytester.runpytest(
        "-m",
        "phase(name='T-60')",
        f"--cutover-t0={iso(inside)}",
        "--cutover-enforce-window",
        "--cutover-evidence=ev",
    )
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    document = evidence(pytester)
    assert document["t0"] == (inside.astimezone(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    t_60 = document["phases"][0]  # type: ignore[index]
    assert t_60["window_start"] == (inside - timedelta(minutes=60)).astimezone(
        timezone.utc
    ).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert t_60["actual_start"] is not None
    assert document["phases"][1]["actual_start"] is None  # type: ignore[index]


@pytest.mark.parametrize("t0", ["2026-12-01", "2026-12-01T22:00:00", "tomorrow"])
def test_a_t0_without_a_time_and_offset_is_a_usage_error(
    pytester: pytest.Pytester, t0: str
) -> None:
    plan(pytester, f"t0: '{t0}'\n" + CLOCK_CHECKS)
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[0] == (
        f"ERROR: cutover.yaml:7: t0: '{t0}' is not a date and time with an offset, like "
        "2026-12-01T22:00:00+01:00"
    )


def test_a_bad_t0_option_names_the_option(pytester: pytest.Pytester) -> None:
    plan(pytester, CLOCK_CHECKS)
    result = pytester.runpytest("--cutover-t0=2026-12-01")
    result.stderr.fnmatch_lines(
        ["ERROR: --cutover-t0: '2026-12-01' is not a date and time with an offset*"]
    )


def test_cutover_phase_runs_one_phase(pytester: pytest.Pytester) -> None:
    plan(pytester, CLOCK_CHECKS)
    pytester.makepyfile(test_plain="def test_unrelated(): pass")
    result = pytester.runpytest("-v", "--cutover-phase=T-30")
    result.assert_outcomes(passed=1, deselected=2)
    result.stdout.fnmatch_lines(["cutover.yaml::config PASSED*", "GO: Runbook test"])


def test_an_unknown_cutover_phase_is_a_usage_error(pytester: pytest.Pytester) -> None:
    plan(pytester, CLOCK_CHECKS)
    result = pytester.runpytest("--cutover-phase=T-45")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: "
            + messages.UNKNOWN_PHASE_OPTION.format(
                phase="T-45", phases="T-60, T-30, T-10, T0, T+10, T+30"
            )
        ]
    )


def test_show_plan_prints_the_runbook_on_the_clock_and_runs_nothing(
    pytester: pytest.Pytester,
) -> None:
    marker = pytester.path / "ran"
    plan(
        pytester,
        f"""
t0: '2026-12-01T22:00:00+01:00'
checks:
  - {{id: touches, gate: G1, command: [touch, '{marker}']}}
  - {{id: health, gate: G6, command: ['true']}}
signoff: {{gate: G7, roles: [release-manager]}}
rollback: {{command: [deploy/rollback.sh], runbook: docs/rollback.md, triggers: [health]}}
""",
    )
    pytester.makepyfile(test_py="import pytest\n@pytest.mark.gate('G2')\ndef test_config(): pass\n")
    result = pytester.runpytest("--cutover-show-plan")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        [
            "Runbook test: runbook",
            "T0: 2026-12-01T21:00:00Z",
            "T-60  2026-12-01T20:00:00Z to 2026-12-01T20:30:00Z  (preflight)",
            "  G1 'Tooling'",
            f"    - touches: command touch {marker}",
            "T-30  2026-12-01T20:30:00Z to 2026-12-01T20:50:00Z  (preflight)",
            "    - test_py.py::test_config",
            "*T+30  2026-12-01T21:30:00Z to open end  (after T0)",
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
        cwd=pytester.path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert cli.returncode == 0
    assert cli.stdout.splitlines()[:3] == [
        "Runbook test: runbook",
        "T0: 2026-12-01T21:00:00Z",
        "T-60  2026-12-01T20:00:00Z to 2026-12-01T20:30:00Z  (preflight)",
    ]


def test_utc_and_offset_times_are_the_same_instant() -> None:
    assert parse_instant("2026-12-01T22:00:00+01:00") == parse_instant("2026-12-01T21:00:00Z")
    assert parse_instant("2026-12-01T21:00:00+00:00") == parse_instant("2026-12-01T16:00:00-05:00")


# -- sign-off ----------------------------------------------------------------------------

SIGNOFF = """
checks:
  - {id: health, gate: G6, command: ["true"]}
signoff: {gate: G7, roles: [release-manager, sre-on-call]}
"""


def test_a_missing_sign_off_fails_its_gate_with_what_to_do(pytester: pytest.Pytester) -> None:
    plan(pytester, SIGNOFF)
    result = pytester.runpytest(
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


def test_sign_offs_are_recorded_with_name_and_time(pytester: pytest.Pytester) -> None:
    plan(pytester, SIGNOFF)
    result = pytester.runpytest(
        "--cutover-phase=T+30",
        "--cutover-signoff=release-manager=Ana Lima",
        "--cutover-signoff=sre-on-call=Bo Chen",
        "--cutover-evidence=ev",
    )
    assert result.ret == pytest.ExitCode.OK
    roles = evidence(pytester)["signoff"]["roles"]  # type: ignore[index]
    assert [(r["role"], r["name"]) for r in roles] == [
        ("release-manager", "Ana Lima"),
        ("sre-on-call", "Bo Chen"),
    ]
    assert all(parse_instant(r["at"]) <= now() + timedelta(seconds=1) for r in roles)
    closeout = (pytester.path / "ev" / "closeout.md").read_text()
    assert "- [x] release-manager: Ana Lima, " in closeout


def test_a_sign_off_file_is_read_with_its_times(pytester: pytest.Pytester) -> None:
    plan(pytester, SIGNOFF)
    (pytester.path / "signoff.yaml").write_text(
        "release-manager: {name: Ana Lima, at: '2026-12-01T22:05:00+01:00'}\nsre-on-call: Bo Chen\n"
    )
    result = pytester.runpytest(
        "--cutover-phase=T+30", "--cutover-signoff-file=signoff.yaml", "--cutover-evidence=ev"
    )
    assert result.ret == pytest.ExitCode.OK
    roles = evidence(pytester)["signoff"]["roles"]  # type: ignore[index]
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
    pytester: pytest.Pytester, entry: str
) -> None:
    plan(pytester, SIGNOFF)
    (pytester.path / "signoff.yaml").write_text(f"{entry}\nsre-on-call: Bo Chen\n")
    result = pytester.runpytest(
        "--cutover-phase=T+30", "--cutover-signoff-file=signoff.yaml", "--cutover-evidence=ev"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    source = str(pytester.path / "signoff.yaml")
    assert result.stderr.lines[0] == "ERROR: " + messages.BLANK_SIGNOFF_NAME.format(
        source=source, role="release-manager"
    )
    assert not (pytester.path / "ev" / "evidence.json").exists()


def test_a_sign_off_dated_in_the_future_is_a_usage_error(pytester: pytest.Pytester) -> None:
    plan(pytester, SIGNOFF)
    later = now() + timedelta(hours=2)
    (pytester.path / "signoff.yaml").write_text(
        f"release-manager: {{name: Ana Lima, at: '{iso(later)}'}}\nsre-on-call: Bo Chen\n"
    )
    result = pytester.runpytest("--cutover-phase=T+30", "--cutover-signoff-file=signoff.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[0].startswith(
        f"ERROR: {pytester.path / 'signoff.yaml'}: the sign-off of 'release-manager' is dated "
        f"{later.strftime('%Y-%m-%dT%H:%M:%SZ')}, later than now ("
    )


def test_a_sign_off_a_minute_ahead_of_this_clock_is_within_the_allowed_skew(
    pytester: pytest.Pytester,
) -> None:
    plan(pytester, SIGNOFF)
    ahead = now() + timedelta(minutes=1)
    (pytester.path / "signoff.yaml").write_text(
        f"release-manager: {{name: Ana Lima, at: '{iso(ahead)}'}}\nsre-on-call: Bo Chen\n"
    )
    result = pytester.runpytest("--cutover-phase=T+30", "--cutover-signoff-file=signoff.yaml")
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
    pytester: pytest.Pytester, argument: str, error: str
) -> None:
    plan(pytester, SIGNOFF)
    result = pytester.runpytest(argument)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[0] == f"ERROR: {error}"


# -- waivers -----------------------------------------------------------------------------


def waiver_plan(pytester: pytest.Pytester, expires: datetime) -> None:
    plan(
        pytester,
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
    pytester: pytest.Pytester,
) -> None:
    waiver_plan(pytester, now() + timedelta(days=2))
    result = pytester.runpytest("-v", "-m", "preflight", "--cutover-evidence=ev")
    result.stdout.fnmatch_lines(
        [
            "cutover.yaml::frontend-build WAIVED*",
            "cutover.yaml::config PASSED*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "CONDITIONAL-GO: Runbook test",
            "  G1  T-60  WAIVED  Tooling  1 waived",
            "  G2  T-30  PASSED  Config   1 passed",
            "  - gate G1 'Tooling' WAIVED: frontend-build waived by Ana Lima (CHG-4711) until *: "
            "frontend build is a placeholder until Step 23",
            "waivers:",
            "  - frontend-build: APPLIED, approved by Ana Lima, expires *",
        ]
    )
    assert result.ret == pytest.ExitCode.OK
    assert verify_bundle(pytester.path / "ev") == []
    closeout = (pytester.path / "ev" / "closeout.md").read_text()
    assert "Waiver of frontend-build: APPLIED, approved by Ana Lima (CHG-4711)" in closeout


@pytest.mark.parametrize("stop_early", ["-x", "--maxfail=1"])
def test_a_waived_failure_does_not_count_towards_maxfail(
    pytester: pytest.Pytester, stop_early: str
) -> None:
    """The run settles the failure before pytest's session counts it for -x/--maxfail."""
    waiver_plan(pytester, now() + timedelta(days=2))
    result = pytester.runpytest("-v", "-m", "preflight", stop_early)
    result.stdout.fnmatch_lines(
        ["cutover.yaml::frontend-build WAIVED*", "cutover.yaml::config PASSED*"]
    )
    result.stdout.fnmatch_lines(["CONDITIONAL-GO: Runbook test"])
    assert result.ret == pytest.ExitCode.OK


def test_strict_makes_a_conditional_go_exit_one(pytester: pytest.Pytester) -> None:
    waiver_plan(pytester, now() + timedelta(days=2))
    result = pytester.runpytest("-m", "preflight", "--cutover-strict")
    result.stdout.fnmatch_lines(["CONDITIONAL-GO: Runbook test"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_an_expired_waiver_is_not_applied_and_shows_as_expired(pytester: pytest.Pytester) -> None:
    waiver_plan(pytester, now() - timedelta(minutes=1))
    result = pytester.runpytest("-m", "preflight")
    result.stdout.fnmatch_lines(
        [
            "NO-GO: Runbook test",
            "  G1  T-60  FAILED   Tooling  1 failed",
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


def test_a_waiver_for_an_unknown_check_is_a_usage_error(pytester: pytest.Pytester) -> None:
    plan(
        pytester,
        """
checks:
  - {id: config, gate: G2, command: ["true"]}
waivers:
  - {check: no-such-check, justification: x, approver: y, expires: '2099-01-01T00:00:00Z'}
""",
    )
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[0] == (
        "ERROR: cutover.yaml:10: waiver for unknown check 'no-such-check'; checks: config"
    )


def test_a_waiver_expiry_without_a_zone_is_a_usage_error(pytester: pytest.Pytester) -> None:
    plan(
        pytester,
        """
checks:
  - {id: config, gate: G2, command: ["true"]}
waivers:
  - {check: config, justification: x, approver: y, expires: 2099-01-01}
""",
    )
    result = pytester.runpytest()
    assert result.stderr.lines[0] == (
        "ERROR: cutover.yaml:10: waivers[0].expires: '2099-01-01' is not a date and time with "
        "an offset, like 2026-12-01T22:00:00+01:00"
    )


def test_waivers_come_from_a_waivers_file_too(pytester: pytest.Pytester) -> None:
    plan(pytester, 'checks:\n  - {id: flaky, gate: G1, command: ["false"]}\n')
    (pytester.path / "waivers.yaml").write_text(
        "- {check: flaky, justification: known, approver: Ana, "
        f"expires: '{iso(now() + timedelta(hours=1))}'}}\n"
    )
    result = pytester.runpytest("-m", "phase(name='T-60')", "--cutover-waivers=waivers.yaml")
    result.stdout.fnmatch_lines(
        [
            "CONDITIONAL-GO: Runbook test",
            "  - flaky: APPLIED, approved by Ana, expires * (waivers.yaml:1)",
        ]
    )


# -- advisory checks ---------------------------------------------------------------------

ADVISORY = """
checks:
  - {id: docs-lint, gate: G1, severity: warn, command: [sh, -c, "echo 3 broken links; exit 1"]}
  - {id: config, gate: G2, command: ["true"]}
"""


def test_a_failed_advisory_check_is_a_warning_that_blocks_nothing(
    pytester: pytest.Pytester,
) -> None:
    plan(pytester, ADVISORY)
    result = pytester.runpytest("-v", "-m", "preflight")
    result.stdout.fnmatch_lines(["cutover.yaml::docs-lint WARN*", "cutover.yaml::config PASSED*"])
    result.stdout.fnmatch_lines(
        [
            "GO: Runbook test",
            "  G1  T-60  PASSED  Tooling  1 warned",
            "warnings:",
            "  - "
            + messages.REASON_WARNED.format(check="docs-lint", message="sh exited 1, expected 0"),
        ]
    )
    assert result.ret == pytest.ExitCode.OK


def test_strict_turns_advisory_failures_into_blocking_ones(pytester: pytest.Pytester) -> None:
    plan(pytester, ADVISORY)
    result = pytester.runpytest("-m", "preflight", "--cutover-strict")
    result.stdout.fnmatch_lines(["NO-GO: Runbook test", "  G1  T-60  FAILED   Tooling  1 failed"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_the_advisory_marker_works_for_python_checks(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_adv="""
        import pytest

        @pytest.mark.gate("G1")
        @pytest.mark.cutover_advisory
        def test_nice_to_have():
            assert False, "optional dashboard missing"
        """
    )
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(
        [
            "GO: cutover",
            "  - advisory check test_adv.py::test_nice_to_have failed: "
            "*optional dashboard missing*",
        ]
    )
    assert result.ret == pytest.ExitCode.OK


def test_placeholder_scripts_warn_and_fail_under_strict(pytester: pytest.Pytester) -> None:
    (pytester.path / "package.json").write_text(
        '{"scripts": {"build": "echo TODO", "test": "bun test"}}'
    )
    plan(pytester, "checks:\n  - {id: scripts, gate: G1, package_json: package.json}\n")
    relaxed = pytester.runpytest("-m", "phase(name='T-60')")
    relaxed.stdout.fnmatch_lines(
        ["GO: Runbook test", "  - scripts: script 'build' is a placeholder: 'echo TODO'"]
    )
    strict = pytester.runpytest("-m", "phase(name='T-60')", "--cutover-strict")
    strict.stdout.fnmatch_lines(
        [
            "cutover check scripts (package_json package.json) failed: "
            "strict: script 'build' is a placeholder: 'echo TODO'"
        ]
    )
    assert strict.ret == pytest.ExitCode.TESTS_FAILED


# -- rollback triggers -------------------------------------------------------------------


def test_a_failed_trigger_at_t_plus_10_decides_rollback_and_never_runs_the_command(
    pytester: pytest.Pytester,
) -> None:
    marker = pytester.path / "rolled-back"
    plan(
        pytester,
        f"""
checks:
  - {{id: app-healthy, gate: G6, command: [sh, -c, "echo 503 Service Unavailable; exit 22"]}}
rollback:
  command: [touch, '{marker}']
  runbook: https://runbooks.example.invalid/step22-rollback
  triggers: [app-healthy]
""",
    )
    result = pytester.runpytest("--cutover-phase=T+10", "--cutover-evidence=ev")
    result.stdout.fnmatch_lines(
        [
            "ROLLBACK: Runbook test",
            "  G6  T+10  FAILED  Healthy  1 failed",
            "  - rollback trigger app-healthy failed: sh exited 22, expected 0",
            f"roll back with (pytest-cutover never runs it): touch {marker}",
            "rollback runbook: https://runbooks.example.invalid/step22-rollback",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert not marker.exists()
    document = evidence(pytester)
    assert document["decision"]["verdict"] == "ROLLBACK"  # type: ignore[index]
    assert document["rollback"]["fired"] == ["app-healthy"]  # type: ignore[index]
    assert verify_bundle(pytester.path / "ev") == []
    report = (pytester.path / "ev" / "report.html").read_text()
    assert "https://runbooks.example.invalid/step22-rollback" in report
    closeout = (pytester.path / "ev" / "closeout.md").read_text()
    assert "- Decision: **ROLLBACK**" in closeout
    assert f"- Command (never run by pytest-cutover): `touch {marker}`" in closeout


def test_the_rollback_trigger_marker_works_for_python_checks(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_health="""
        import pytest

        @pytest.mark.gate("G6")
        @pytest.mark.phase("T+10")
        @pytest.mark.rollback_trigger
        def test_error_rate():
            assert 0.05 < 0.01, "5xx rate 5%"
        """
    )
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(
        [
            "ROLLBACK: cutover",
            "  - rollback trigger test_health.py::test_error_rate failed: *5xx rate 5%*",
        ]
    )


def test_a_trigger_in_a_preflight_phase_is_a_usage_error(pytester: pytest.Pytester) -> None:
    plan(
        pytester,
        "checks:\n  - {id: early, gate: G1, tool: sh}\nrollback: {command: x, triggers: [early]}\n",
    )
    result = pytester.runpytest()
    assert result.stderr.lines[0] == (
        "ERROR: cutover.yaml:9: rollback.triggers[0]: "
        + messages.TRIGGER_IN_PREFLIGHT.format(check="early")
    )


def test_a_trigger_marker_in_preflight_and_an_unknown_trigger_are_usage_errors(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_t=(
            "import pytest\n@pytest.mark.gate('G1')\n@pytest.mark.rollback_trigger\n"
            "def test_x(): pass\n"
        )
    )
    result = pytester.runpytest()
    assert result.stderr.lines[0] == "ERROR: " + messages.TRIGGER_PREFLIGHT_MARKER.format(
        nodeid="test_t.py::test_x", phase="T-60"
    )
    (pytester.path / "test_t.py").unlink()
    plan(
        pytester,
        "checks:\n  - {id: late, gate: G6, tool: sh}\nrollback: {command: x, triggers: [nope]}\n",
    )
    result = pytester.runpytest()
    assert result.stderr.lines[0] == "ERROR: " + messages.TRIGGER_UNKNOWN_CHECK.format(
        source="cutover.yaml", check="nope"
    )


# -- mutation guard ----------------------------------------------------------------------


def test_a_mutating_check_in_preflight_is_a_usage_error(pytester: pytest.Pytester) -> None:
    plan(pytester, "checks:\n  - {id: migrate, gate: G1, mutating: true, command: ['true']}\n")
    result = pytester.runpytest()
    assert result.stderr.lines[0] == (
        "ERROR: cutover.yaml:8: checks[0] (migrate).mutating: "
        + messages.MUTATING_IN_PREFLIGHT.format(check="migrate")
    )


def test_a_mutating_check_after_t0_runs_only_when_allowed(pytester: pytest.Pytester) -> None:
    marker = pytester.path / "migrated"
    plan(
        pytester,
        f"checks:\n  - {{id: migrate, gate: G6, mutating: true, command: [touch, '{marker}']}}\n",
    )
    blocked = pytester.runpytest("-v", "--cutover-phase=T+10")
    blocked.stdout.fnmatch_lines(["cutover.yaml::migrate BLOCKED (blocked: mutating check*"])
    blocked.stdout.fnmatch_lines(
        ["NO-GO: Runbook test", "  - gate G6 'Healthy' BLOCKED: " + messages.BLOCKED_MUTATING]
    )
    assert not marker.exists()
    allowed = pytester.runpytest("--cutover-phase=T+10", "--cutover-allow-mutation")
    allowed.stdout.fnmatch_lines(["GO: Runbook test"])
    assert marker.exists()


def test_compose_down_from_a_preflight_check_is_blocked_and_recorded(
    pytester: pytest.Pytester,
) -> None:
    (pytester.path / "docker-compose.yml").write_text(
        "services:\n  app:\n    image: example/app:1\n"
    )
    plan(pytester, "checks:\n  - {id: compose-config, gate: G1, compose: docker-compose.yml}\n")
    pytester.makepyfile(
        test_cleanup="""
        import subprocess
        import pytest

        @pytest.mark.gate("G1")
        def test_tidies_up_the_stack():
            subprocess.run(["docker", "compose", "-f", "docker-compose.yml", "down"], check=True)
        """
    )
    result = pytester.runpytest("-m", "preflight", "--cutover-evidence=ev")
    result.stdout.fnmatch_lines(
        [
            "cutover check test_cleanup.py::test_tidies_up_the_stack failed: "
            "blocked mutating command: "
            "docker compose -f docker-compose.yml down (matches 'docker compose down')",
        ]
    )
    result.stdout.fnmatch_lines(["NO-GO: Runbook test"])
    document = evidence(pytester)
    config, cleanup = document["checks"]  # type: ignore[misc]
    assert config["outcome"] == "passed", "the real compose binary ran `config` unhindered"
    assert [c["argv"][-1] for c in config["commands"] if c["source"] == "check"][-1] == "--quiet"
    assert cleanup["outcome"] == "failed"
    assert [(c["argv"], c["source"]) for c in cleanup["commands"]] == [
        (["docker", "compose", "-f", "docker-compose.yml", "down"], "blocked")
    ]
    commands = document["commands"]
    assert commands["blocked"] == 1  # type: ignore[index]
    assert commands["mutating"] == []  # type: ignore[index]
    assert commands["count"] == 2  # type: ignore[index]  # docker compose version + config
    closeout = (pytester.path / "ev" / "closeout.md").read_text()
    assert "none of them matches the mutation deny list" in closeout
    assert "1 mutating command blocked before starting." in closeout


def test_a_test_that_is_no_check_is_neither_guarded_nor_recorded(
    pytester: pytest.Pytester,
) -> None:
    plan(pytester, "checks: []\nmutation_guard: {deny: ['echo tidy']}\n")
    pytester.makepyfile(
        test_mixed="""
        import subprocess
        import pytest

        @pytest.mark.gate("G1")
        def test_preflight_check():
            subprocess.run(["echo", "checked"], check=True)

        def test_ordinary():
            subprocess.run(["echo", "tidy"], check=True)
        """
    )
    result = pytester.runpytest("-p", "no:randomly", "--cutover-evidence=ev")
    result.assert_outcomes(passed=2)
    checks = evidence(pytester)["checks"]
    assert [c["id"] for c in checks] == ["test_mixed.py::test_preflight_check"]  # type: ignore[index,union-attr]
    assert [c["argv"] for c in checks[0]["commands"]] == [["echo", "checked"]]  # type: ignore[index]


def test_the_deny_list_is_extended_by_the_plan(pytester: pytest.Pytester) -> None:
    plan(
        pytester,
        "checks:\n  - {id: purge, gate: G1, command: [psql, -c, 'delete from jobs']}\n"
        "mutation_guard: {deny: ['psql -c']}\n",
    )
    result = pytester.runpytest("-m", "preflight")
    result.stdout.fnmatch_lines(
        [
            "cutover check purge failed: blocked mutating command: "
            "psql -c 'delete from jobs' (matches 'psql -c')"
        ]
    )
