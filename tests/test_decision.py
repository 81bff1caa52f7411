"""The go/no-go decision: GO only when every gate in scope ran and passed."""

from __future__ import annotations

import pytest
from cutover_project import CutoverProject

from pytest_cutover import messages
from pytest_cutover.model.cutover import Gate
from pytest_cutover.model.decision import (
    CheckOutcome,
    GateStatus,
    Outcome,
    Verdict,
    decide,
    gate_status,
)
from pytest_cutover.run.gatekeeper import next_outcome

G1, G2, G3 = Gate("G1", "T-60", "Tooling"), Gate("G2", "T-60", "Assets"), Gate("G3", "T+10")
GATES = (G1, G2, G3)


def outcome(check_id: str, gate: Gate, result: Outcome) -> CheckOutcome:
    return CheckOutcome(check_id, gate.id, result)


# -- plain functions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcomes", "status"),
    [
        ([Outcome.PASSED, Outcome.PASSED], GateStatus.PASSED),
        ([Outcome.PASSED, Outcome.FAILED], GateStatus.FAILED),
        ([Outcome.ERROR, Outcome.BLOCKED], GateStatus.FAILED),
        ([Outcome.PASSED, Outcome.BLOCKED], GateStatus.BLOCKED),
        ([Outcome.PASSED, Outcome.SKIPPED], GateStatus.INCOMPLETE),
        ([Outcome.PASSED, Outcome.DESELECTED], GateStatus.INCOMPLETE),
        ([Outcome.PASSED, Outcome.NOT_RUN], GateStatus.INCOMPLETE),
        ([Outcome.PASSED, Outcome.XFAILED], GateStatus.INCOMPLETE),
        ([Outcome.PASSED, Outcome.XPASSED], GateStatus.INCOMPLETE),
        ([], GateStatus.INCOMPLETE),
    ],
)
def test_gate_status_is_the_worst_of_its_checks(
    outcomes: list[Outcome], status: GateStatus
) -> None:
    assert gate_status([outcome(f"c{i}", G1, o) for i, o in enumerate(outcomes)]) is status


def test_go_when_every_gate_of_the_decided_phases_passed() -> None:
    checks = [outcome("a", G1, Outcome.PASSED), outcome("b", G2, Outcome.PASSED)]
    decision = decide("x", GATES, checks, phases={"T-60"})
    assert decision.verdict is Verdict.GO
    assert decision.reasons == ()
    assert [r.gate.id for r in decision.gates] == ["G1", "G2"]
    assert decision.out_of_scope == (G3,)


def test_without_phase_selection_every_phase_is_decided() -> None:
    """Only -m and --cutover-phase select phases; a phase with nothing run is not left out."""
    checks = [outcome("a", G1, Outcome.PASSED), outcome("b", G2, Outcome.PASSED)]
    decision = decide("x", GATES, checks)
    assert decision.verdict is Verdict.NO_GO
    assert decision.reasons == ("gate G3 INCOMPLETE: it has no checks",)
    assert decision.phases == ("T-60", "T+10")


def test_a_gate_of_a_decided_phase_with_no_checks_is_no_go() -> None:
    decision = decide("x", GATES, [outcome("a", G1, Outcome.PASSED)], phases={"T-60"})
    assert decision.verdict is Verdict.NO_GO
    assert decision.reasons == (
        messages.REASON_GATE.format(
            gate="G2 'Assets'", status="INCOMPLETE", detail=messages.REASON_NO_CHECKS
        ),
    )


def test_a_deselected_check_makes_its_gate_incomplete() -> None:
    checks = [
        outcome("a", G1, Outcome.PASSED),
        outcome("b", G2, Outcome.PASSED),
        CheckOutcome("c", G2.id, Outcome.DESELECTED, "-k 'a or b'"),
    ]
    decision = decide("x", GATES, checks, phases={"T-60"})
    assert decision.verdict is Verdict.NO_GO
    assert decision.reasons == ("gate G2 'Assets' INCOMPLETE: c deselected (-k 'a or b')",)


def test_a_check_left_out_of_collection_makes_its_gate_incomplete_and_says_how() -> None:
    checks = [
        outcome("a", G1, Outcome.PASSED),
        CheckOutcome("b", G1.id, Outcome.NOT_COLLECTED, "--ignore"),
        outcome("c", G2, Outcome.PASSED),
    ]
    decision = decide("x", GATES, checks, phases={"T-60"})
    assert decision.reasons == ("gate G1 'Tooling' INCOMPLETE: b not collected (--ignore)",)


def test_a_collection_problem_blocks_even_when_every_gate_passed() -> None:
    checks = [outcome("a", G1, Outcome.PASSED), outcome("b", G2, Outcome.PASSED)]
    problem = "checks/test_db.py could not be collected (a collection error)"
    decision = decide("x", GATES, checks, phases={"T-60"}, problems=[problem])
    assert decision.verdict is Verdict.NO_GO
    assert decision.reasons == (problem,)
    assert decision.problems == (problem,)


def test_nothing_selected_is_no_go() -> None:
    decision = decide("x", GATES, [outcome("a", G1, Outcome.DESELECTED)], phases=())
    assert decision.verdict is Verdict.NO_GO
    assert decision.reasons == (messages.REASON_NOTHING_RAN,)


def test_an_interrupted_or_crashed_run_is_no_go_even_if_every_gate_passed() -> None:
    checks = [outcome("a", G1, Outcome.PASSED), outcome("b", G2, Outcome.PASSED)]
    interrupted = decide("x", GATES, checks, phases={"T-60"}, interrupted=True)
    assert interrupted.reasons == (messages.REASON_INTERRUPTED,)
    assert decide("x", GATES, checks, phases={"T-60"}, internal_error=True).verdict is Verdict.NO_GO


def test_the_decision_is_the_same_for_the_same_outcomes() -> None:
    checks = [outcome("a", G1, Outcome.FAILED), outcome("b", G2, Outcome.BLOCKED)]
    assert decide("x", GATES, checks) == decide("x", GATES, list(checks))


# -- end to end: the terminal section and the exit code ---------------------------------

PASSING = """
    checks:
      - {id: g1-a, gate: G1, command: ["true"]}
      - {id: g1-b, gate: G1, command: ["true"]}
      - {id: g2, gate: G2, command: ["true"]}
      - {id: g3, gate: G3, command: ["true"]}
      - {id: g4, gate: G4, command: ["true"]}
      - {id: g5, gate: G5, command: ["true"]}
"""


def test_every_gate_passing_is_go_with_exit_zero(cutover_project: CutoverProject) -> None:
    cutover_project.five_gates(PASSING)
    result = cutover_project.run()
    result.stdout.fnmatch_lines(
        [
            "*= cutover decision =*",
            "GO: Test cutover",
            "  G1  T-60  PASSED  Tooling ready  2 passed  * s",
            "  G2  T-30  PASSED  Config valid   1 passed  * s",
            "  G3  T-10  PASSED  Build green    1 passed  * s",
            "  G4  T0    PASSED  Switched       1 passed  * s",
            "  G5  T+10  PASSED  Healthy        1 passed  * s",
        ]
    )
    assert "reasons:" not in result.stdout.str()
    assert result.ret == pytest.ExitCode.OK


def test_a_k_partial_run_is_no_go_with_exit_one(cutover_project: CutoverProject) -> None:
    cutover_project.five_gates(PASSING)
    result = cutover_project.run("-k", "g1-a")
    result.assert_outcomes(passed=1, deselected=5)
    result.stdout.fnmatch_lines(
        [
            "NO-GO: Test cutover",
            "  - gate G1 'Tooling ready' INCOMPLETE: g1-b deselected (-k 'g1-a')",
            "  - gate G2 'Config valid' INCOMPLETE: g2 deselected (-k 'g1-a')",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_one_gate_of_a_phase_alone_is_no_go(cutover_project: CutoverProject) -> None:
    cutover_project.plan(
        """
        cutover: Two gates in one phase
        gates:
          - {id: G1, phase: T-60}
          - {id: G2, phase: T-60}
        checks:
          - {id: one, gate: G1, command: ["true"]}
          - {id: two, gate: G2, command: ["true"]}
        """
    )
    result = cutover_project.run("-m", "gate(id='G1')")
    result.stdout.fnmatch_lines(
        ["NO-GO: *", "  - gate G2 INCOMPLETE: two deselected (-m 'gate(id='G1')')"]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_an_empty_gate_is_no_go_even_when_no_test_failed(cutover_project: CutoverProject) -> None:
    cutover_project.plan(
        """
        cutover: Empty gate
        gates:
          - {id: G1, title: Tooling, phase: T-60}
          - {id: G2, title: Nobody wrote checks, phase: T-60}
        checks:
          - {id: sh, gate: G1, tool: sh}
        """
    )
    result = cutover_project.run()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "  G2  T-60  INCOMPLETE  Nobody wrote checks  no checks",
            "  - gate G2 'Nobody wrote checks' INCOMPLETE: it has no checks",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_preflight_can_be_go_while_later_phases_are_not_run(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.five_gates(PASSING)
    result = cutover_project.run("-m", "preflight")
    result.assert_outcomes(passed=4, deselected=2)
    result.stdout.fnmatch_lines(
        ["GO: Test cutover", "not in this run (phase not selected): G4 (T0), G5 (T+10)"]
    )
    assert result.ret == pytest.ExitCode.OK


def test_a_skipped_or_xfailed_check_leaves_its_gate_incomplete(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.test_modules(
        test_s="""
        import pytest

        @pytest.mark.gate("G1")
        def test_skips():
            pytest.skip("not today")

        @pytest.mark.gate("G1")
        @pytest.mark.xfail(reason="known broken")
        def test_xfails():
            assert False
        """
    )
    result = cutover_project.run()
    result.stdout.fnmatch_lines(
        [
            "NO-GO: cutover",
            "  - gate G1 INCOMPLETE: test_s.py::test_skips skipped; test_s.py::test_xfails xfailed",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_maxfail_leaves_the_rest_not_run_and_no_go(cutover_project: CutoverProject) -> None:
    cutover_project.test_modules(
        test_m="""
        import pytest

        def test_unrelated_failure():
            assert False

        @pytest.mark.gate("G1")
        def test_never_reached():
            pass
        """
    )
    result = cutover_project.run("--maxfail=1")
    result.stdout.fnmatch_lines(
        [
            "NO-GO: cutover",
            "  - gate G1 INCOMPLETE: test_m.py::test_never_reached not run "
            "(the run stopped before it: stopping after 1 failures)",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_an_interrupted_run_is_no_go_and_exits_two(cutover_project: CutoverProject) -> None:
    cutover_project.test_modules(
        test_i="""
        import pytest

        @pytest.mark.gate("G1")
        def test_operator_presses_ctrl_c():
            raise KeyboardInterrupt

        @pytest.mark.gate("G1")
        def test_after():
            pass
        """
    )
    result = cutover_project.run_subprocess()
    result.stdout.fnmatch_lines(["NO-GO: cutover", f"  - {messages.REASON_INTERRUPTED}"])
    assert result.ret == pytest.ExitCode.INTERRUPTED


def test_a_plan_with_nothing_selected_is_no_go(cutover_project: CutoverProject) -> None:
    cutover_project.five_gates(PASSING)
    result = cutover_project.run("-m", "not preflight and phase(name='T-45')")
    result.stdout.fnmatch_lines(["NO-GO: Test cutover", f"  - {messages.REASON_NOTHING_RAN}"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_the_decision_hook_receives_the_decision(cutover_project: CutoverProject) -> None:
    cutover_project.conftest(
        """
        def pytest_cutover_decision(config, decision):
            print("hook saw", decision.verdict.value, *[g.status.value for g in decision.gates])
        """
    )
    cutover_project.test_modules(
        """
        import pytest

        @pytest.mark.gate("G1")
        def test_ok():
            pass
        """
    )
    result = cutover_project.run("-s")
    result.stdout.fnmatch_lines(["*hook saw GO PASSED"])


def test_collect_only_decides_nothing(cutover_project: CutoverProject) -> None:
    cutover_project.five_gates(PASSING)
    result = cutover_project.run("--collect-only")
    assert "cutover decision" not in result.stdout.str()
    assert result.ret == pytest.ExitCode.OK


@pytest.mark.parametrize(
    ("current", "outcome", "when", "expected"),
    [
        (Outcome.NOT_RUN, "passed", "setup", Outcome.NOT_RUN),
        (Outcome.NOT_RUN, "passed", "call", Outcome.PASSED),
        (Outcome.PASSED, "failed", "teardown", Outcome.ERROR),
        (Outcome.FAILED, "failed", "teardown", Outcome.FAILED),
        (Outcome.NOT_RUN, "failed", "setup", Outcome.ERROR),
        (Outcome.NOT_RUN, "skipped", "setup", Outcome.SKIPPED),
        (Outcome.BLOCKED, "skipped", "setup", Outcome.BLOCKED),
        # pytest-rerunfailures logs a failed attempt as "rerun": that attempt failed.
        (Outcome.NOT_RUN, "rerun", "call", Outcome.FAILED),
        (Outcome.NOT_RUN, "rerun", "setup", Outcome.ERROR),
    ],
)
def test_each_report_moves_a_check_to_its_next_outcome(
    current: Outcome, outcome: str, when: str, expected: Outcome
) -> None:
    # "rerun" (pytest-rerunfailures' word) and a "when" string are outside pytest's Literal types.
    report = pytest.TestReport("t.py::t", ("t.py", 0, "t"), {}, outcome, None, when)  # type: ignore[arg-type]
    assert next_outcome(current, report) is expected
