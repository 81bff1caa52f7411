"""The evidence document (``evidence.json``): one run, everything it proved, as plain data.

Every other part of the bundle (the HTML report, the closeout, the JUnit XML)
is rendered from this document, and ``verify`` recomputes the decision from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pytest_cutover.decision import CheckOutcome, Decision, Outcome, decide
from pytest_cutover.model import Gate, Timeline

SCHEMA_VERSION = 1
OUT_OF_SCOPE = "OUT OF SCOPE"


def build_document(
    *,
    plan: Mapping[str, Any],
    run: Mapping[str, Any],
    timeline: Timeline,
    gates: Sequence[Gate],
    decision: Decision,
    checks: Sequence[Mapping[str, Any]],
    interrupted: bool,
    internal_error: bool,
) -> dict[str, Any]:
    """The evidence document of a run; ``checks`` are in run order."""
    statuses = {result.gate.id: result.status.value for result in decision.gates}
    commands = [
        {"check": check["id"], "argv": command["argv"], "exit_code": command["exit_code"]}
        for check in checks
        for command in check["commands"]
    ]
    return {
        "schema_version": SCHEMA_VERSION,
        "plan": dict(plan),
        "run": {**run, "interrupted": interrupted, "internal_error": internal_error},
        "decision": {
            "verdict": decision.verdict.value,
            "reasons": list(decision.reasons),
            "warnings": list(decision.warnings),
        },
        "phases": [
            {
                "name": phase,
                "preflight": timeline.is_preflight(phase),
                "in_scope": any(g.phase == phase and g.id in statuses for g in gates),
            }
            for phase in timeline.phases
        ],
        "gates": [
            {
                "id": gate.id,
                "title": gate.title,
                "phase": gate.phase,
                "status": statuses.get(gate.id, OUT_OF_SCOPE),
                "checks": [check["id"] for check in checks if check["gate"] == gate.id],
            }
            for gate in gates
        ],
        "checks": [dict(check) for check in checks],
        "commands": {"count": len(commands), "list": commands},
    }


def recompute(document: Mapping[str, Any]) -> Decision:
    """The decision the recorded outcomes lead to, by the same rules as the run."""
    gates = [Gate(g["id"], g["phase"], g["title"]) for g in document["gates"]]
    checks = [
        CheckOutcome(c["id"], c["gate"], Outcome(c["outcome"]), c["reason"], tuple(c["warnings"]))
        for c in document["checks"]
    ]
    return decide(
        document["plan"]["name"],
        gates,
        checks,
        interrupted=document["run"]["interrupted"],
        internal_error=document["run"]["internal_error"],
    )


def disagreements(document: Mapping[str, Any]) -> list[str]:
    """Where the recorded decision and gate statuses differ from the recomputed ones."""
    decision = recompute(document)
    problems = []
    recorded = document["decision"]
    if recorded["verdict"] != decision.verdict.value:
        problems.append(
            f"the recorded decision is {recorded['verdict']}, but the recorded outcomes "
            f"decide {decision.verdict.value}"
        )
    if list(recorded["reasons"]) != list(decision.reasons):
        problems.append("the recorded reasons do not follow from the recorded outcomes")
    statuses = {result.gate.id: result.status.value for result in decision.gates}
    for gate in document["gates"]:
        expected = statuses.get(gate["id"], OUT_OF_SCOPE)
        if gate["status"] != expected:
            problems.append(
                f"gate {gate['id']} is recorded as {gate['status']}, but its checks make it "
                f"{expected}"
            )
    return problems
