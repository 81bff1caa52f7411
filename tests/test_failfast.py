"""A failed gate blocks every later gate; what counts as failed; the three modes."""

from __future__ import annotations

import pytest
from cutover_project import CutoverProject

from pytest_cutover import messages
from pytest_cutover.model.cutover import Gate
from pytest_cutover.model.failfast import FailFast, Failure, block_reason

#: G1 passes, G2 has a failing check between two passing ones, G3..G5 pass.
CHECKS = """
    checks:
      - {id: g1-ok, gate: G1, command: ["true"]}
      - {id: g2-first, gate: G2, command: ["true"]}
      - {id: g2-broken, gate: G2, command: ["false"]}
      - {id: g2-last, gate: G2, command: ["true"]}
      - {id: g3-ok, gate: G3, command: ["true"]}
      - {id: g4-ok, gate: G4, command: ["true"]}
      - {id: g5-ok, gate: G5, command: ["true"]}
"""
BLOCKED_BY_G2 = messages.BLOCKED.format(
    cause=messages.BLOCKED_BY_GATE.format(gate="G2 'Config valid'")
)


def test_a_failure_in_g2_blocks_g3_to_g5_and_the_terminal_says_blocked(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.five_gates(CHECKS)
    result = cutover_project.run("-v")
    result.stdout.fnmatch_lines(
        [
            "cutover.yaml::g1-ok PASSED*",
            "cutover.yaml::g2-first PASSED*",
            "cutover.yaml::g2-broken FAILED*",
            "cutover.yaml::g2-last PASSED*",
            f"cutover.yaml::g3-ok BLOCKED ({BLOCKED_BY_G2})*",
            "cutover.yaml::g4-ok BLOCKED*",
            "cutover.yaml::g5-ok BLOCKED*",
        ]
    )
    result.stdout.fnmatch_lines(["*= 1 failed, 3 passed, 3 blocked in *"])
    result.stdout.fnmatch_lines(
        [
            "NO-GO: Test cutover",
            "  G1  T-60  PASSED   Tooling ready  1 passed  * s",
            "  G2  T-30  FAILED   Config valid   2 passed, 1 failed  * s",
            "  G3  T-10  BLOCKED  Build green    1 blocked",
            "  G4  T0    BLOCKED  Switched       1 blocked",
            "  G5  T+10  BLOCKED  Healthy        1 blocked",
            "reasons:",
            "  - gate G2 'Config valid' FAILED: g2-broken failed",
            "  - gate G3 'Build green' BLOCKED: gate G2 'Config valid' failed",
            "  - gate G4 'Switched' BLOCKED: gate G2 'Config valid' failed",
            "  - gate G5 'Healthy' BLOCKED: gate G2 'Config valid' failed",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_blocked_checks_are_not_plain_skips(cutover_project: CutoverProject) -> None:
    cutover_project.five_gates(CHECKS)
    outcomes = cutover_project.run().parseoutcomes()
    assert outcomes == {"failed": 1, "passed": 3, "blocked": 3}


def test_blocked_python_checks_do_not_even_set_up_their_fixtures(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.test_modules(
        test_b="""
        import pytest

        @pytest.fixture
        def touches_production(tmp_path_factory):
            raise AssertionError("a blocked check must not set up its fixtures")

        @pytest.mark.gate("G1")
        def test_fails():
            assert False, "G1 is not ready"

        @pytest.mark.gate("G2")
        def test_later(touches_production):
            pass
        """
    )
    result = cutover_project.run("-v")
    result.stdout.fnmatch_lines(["*::test_later BLOCKED (blocked: gate G1 failed)*"])
    assert "must not set up" not in result.stdout.str()


def test_an_error_in_setup_fails_its_gate_like_a_failure(cutover_project: CutoverProject) -> None:
    cutover_project.test_modules(
        """
        import pytest

        @pytest.fixture
        def broken():
            raise RuntimeError("cannot reach the database")

        @pytest.mark.gate("G1")
        def test_uses_broken(broken):
            pass

        @pytest.mark.gate("G2")
        def test_later():
            pass
        """
    )
    result = cutover_project.run()
    result.stdout.fnmatch_lines(
        [
            "  G1  T-60  FAILED   1 errored  * s",
            "  G2  T-60  BLOCKED  1 blocked",
            "reasons:",
            "  - gate G1 FAILED: *::test_uses_broken errored",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_an_error_in_teardown_fails_its_gate(cutover_project: CutoverProject) -> None:
    cutover_project.test_modules(
        """
        import pytest

        @pytest.fixture
        def leaves_mess():
            yield
            raise RuntimeError("cleanup failed")

        @pytest.mark.gate("G1")
        def test_passes_then_teardown_fails(leaves_mess):
            pass

        @pytest.mark.gate("G2")
        def test_later():
            pass
        """
    )
    result = cutover_project.run()
    result.stdout.fnmatch_lines(
        ["  G1  T-60  FAILED   1 errored  * s", "  G2  T-60  BLOCKED  1 blocked"]
    )


def test_fail_fast_check_blocks_the_rest_of_the_failing_gate_too(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.five_gates(CHECKS)
    result = cutover_project.run("-v", "--cutover-fail-fast=check")
    cause = messages.BLOCKED_BY_CHECK.format(check="g2-broken")
    result.stdout.fnmatch_lines(
        [
            "cutover.yaml::g2-broken FAILED*",
            "cutover.yaml::g2-last BLOCKED (blocked: check g2-broken*",
            "cutover.yaml::g3-ok BLOCKED*",
        ]
    )
    result.stdout.fnmatch_lines([f"  - gate G3 'Build green' BLOCKED: {cause}"])
    assert result.parseoutcomes() == {"failed": 1, "passed": 2, "blocked": 4}
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_fail_fast_off_runs_everything_and_still_decides_no_go(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.five_gates(CHECKS)
    result = cutover_project.run("--cutover-fail-fast=off")
    assert result.parseoutcomes() == {"failed": 1, "passed": 6}
    result.stdout.fnmatch_lines(["NO-GO: Test cutover"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


@pytest.mark.parametrize(
    ("how", "source"),
    [
        ("option", "--cutover-fail-fast"),
        ("ini", "cutover_fail_fast in tox.ini"),
        ("env", "PYTEST_CUTOVER_FAIL_FAST"),
    ],
)
def test_a_bad_fail_fast_value_names_its_source_and_the_choices(
    cutover_project: CutoverProject,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
    source: str,
) -> None:
    cutover_project.test_modules("def test_x(): pass")
    args = []
    if how == "option":
        args = ["--cutover-fail-fast=gates"]
    elif how == "ini":
        cutover_project.ini("[pytest]\ncutover_fail_fast = gates\n")
    else:
        monkeypatch.setenv("PYTEST_CUTOVER_FAIL_FAST", "gates")
    result = cutover_project.run(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: "
            + messages.BAD_CHOICE.format(source=source, value="gates", allowed="gate, check, off")
        ]
    )


def test_the_fail_fast_option_wins_over_ini_and_environment(
    cutover_project: CutoverProject,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cutover_project.five_gates(CHECKS)
    cutover_project.ini("[pytest]\ncutover_fail_fast = check\n")
    monkeypatch.setenv("PYTEST_CUTOVER_FAIL_FAST", "gate")
    assert cutover_project.run("--cutover-fail-fast=off").parseoutcomes()["passed"] == 6
    assert cutover_project.run().parseoutcomes()["blocked"] == 4


def test_block_reason_names_the_earliest_failed_gate() -> None:
    g1, g2, g3 = Gate("G1", "T-60", "Tooling"), Gate("G2", "T-60"), Gate("G3", "T-30")
    failures = [Failure("a", g1), Failure("b", g2)]
    assert block_reason(FailFast.GATE, g3, failures) == "gate G1 'Tooling' failed"
    assert block_reason(FailFast.GATE, g2, [Failure("b", g2)]) is None
    assert block_reason(FailFast.CHECK, g2, [Failure("b", g2)]) == (
        messages.BLOCKED_BY_CHECK.format(check="b")
    )
    assert block_reason(FailFast.OFF, g3, failures) is None
    assert block_reason(FailFast.GATE, g3, []) is None
