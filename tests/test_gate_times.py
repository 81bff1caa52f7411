"""When each gate ran and for how long: in evidence.json, in the terminal's decision table."""

from __future__ import annotations

import pytest
from cutover_project import CutoverProject
from jsonschema import Draft202012Validator
from processes import verify

from pytest_cutover.evidence.bundle import evidence_schema
from pytest_cutover.model.clock import parse_instant
from pytest_cutover.model.cutover import Gate
from pytest_cutover.model.decision import CheckOutcome, Outcome, decide
from pytest_cutover.run.terminal import decision_lines

THREE_GATES = """
    cutover: Gate times
    gates:
      - {id: G1, title: Tooling, phase: T-60}
      - {id: G2, title: Config, phase: T-30}
      - {id: G3, title: Build, phase: T-10}
    checks:
      - {id: a, gate: G1, command: [sleep, "0.3"]}
      - {id: b, gate: G1, command: [sleep, "0.3"]}
      - {id: c, gate: G2, command: [sh, -c, "sleep 0.2; exit 1"]}
      - {id: d, gate: G3, command: ["true"]}
"""


def test_each_gate_that_ran_has_its_start_end_and_duration_and_a_blocked_one_none(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.plan(THREE_GATES)
    result = cutover_project.run("--cutover-evidence=ev")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    gates = {gate["id"]: gate for gate in result.evidence["gates"]}
    for gate, least in (("G1", 0.3), ("G2", 0.2)):
        started, finished = (
            parse_instant(gates[gate]["started"]),
            parse_instant(gates[gate]["finished"]),
        )
        assert least <= gates[gate]["duration"] < 60, gates[gate]
        assert gates[gate]["duration"] == pytest.approx(
            (finished - started).total_seconds(), abs=0.002
        )
    assert parse_instant(gates["G1"]["finished"]) <= parse_instant(gates["G2"]["started"])
    assert gates["G3"]["status"] == "BLOCKED"
    assert not {"started", "finished", "duration"} & set(gates["G3"])
    Draft202012Validator(evidence_schema()).validate(result.evidence)
    checked = verify(cutover_project.path / "ev")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    result.stdout.fnmatch_lines(
        [
            "NO-GO: Gate times",
            "  G1  T-60  PASSED   Tooling  2 passed   0.* s",
            "  G2  T-30  FAILED   Config   1 failed   0.* s",
            "  G3  T-10  BLOCKED  Build    1 blocked",
        ]
    )


def test_the_schema_wants_a_gates_times_all_together() -> None:
    gate = {"id": "G1", "title": "", "phase": "T-60", "status": "PASSED", "checks": []}
    gates = evidence_schema()["properties"]["gates"]["items"]
    validator = Draft202012Validator({**gates, "$defs": evidence_schema().get("$defs", {})})
    assert validator.is_valid(gate)
    timed = {**gate, "started": "2026-12-01T21:00:00.000Z", "finished": "2026-12-01T21:00:01.250Z"}
    assert validator.is_valid({**timed, "duration": 1.25})
    assert not validator.is_valid(timed)


def test_the_decision_table_shows_how_long_each_gate_that_ran_ran() -> None:
    gates = [Gate("G1", "T-60", "Tooling"), Gate("G2", "T-60", "Config")]
    checks = [
        CheckOutcome("a", "G1", Outcome.FAILED, "", (), "broken"),
        CheckOutcome("b", "G2", Outcome.BLOCKED, "G1 failed", (), ""),
    ]
    decision = decide("Plan", gates, checks, phases={"T-60"})
    lines = [text for text, _ in decision_lines(decision, durations={"G1": 0.4213})]
    assert lines[1:3] == [
        "  G1  T-60  FAILED   Tooling  1 failed   0.42 s",
        "  G2  T-60  BLOCKED  Config   1 blocked",
    ]
