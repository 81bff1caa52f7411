"""The evidence document (``evidence.json``): one run, everything it proved, as plain data.

Every other part of the bundle (the HTML report, the closeout, the JUnit XML)
is rendered from this document, and ``verify`` recomputes the decision from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from pytest_cutover.model.clock import (
    Span,
    offset_text,
    parse_instant,
    utc,
    utc_precise,
    window_problems,
    windows,
)
from pytest_cutover.model.cutover import Gate, Timeline
from pytest_cutover.model.decision import CheckOutcome, Decision, Outcome, decide
from pytest_cutover.safety.mutation import deny_list, mutating_commands

if TYPE_CHECKING:
    from pytest_cutover.evidence.records import (
        CheckRecord,
        EvidenceDocument,
        GateTimes,
        ListedCommand,
        PlanRecord,
        RollbackRecord,
        RunInfo,
        SettingsRecord,
        SignoffRecord,
        WaiverRecord,
    )

SCHEMA_VERSION = 1
OUT_OF_SCOPE = "OUT OF SCOPE"


def build_document(
    *,
    plan: PlanRecord,
    run: RunInfo,
    timeline: Timeline,
    gates: Sequence[Gate],
    decision: Decision,
    checks: Sequence[CheckRecord],
    interrupted: bool,
    internal_error: bool,
    runbook: RunbookFacts | None = None,
) -> EvidenceDocument:
    """The evidence document of a run; ``checks`` are in run order."""
    runbook = runbook or RunbookFacts()
    statuses = {result.gate.id: result.status.value for result in decision.gates}
    commands: list[ListedCommand] = [
        {"check": check["id"], "argv": command["argv"], "exit_code": command["exit_code"]}
        for check in checks
        for command in check["commands"]
    ]
    planned = windows(timeline, runbook.t0) if runbook.t0 is not None else {}
    deny = deny_list(runbook.deny)
    ran = [c["argv"] for check in checks for c in check["commands"] if c["source"] != "blocked"]
    document: EvidenceDocument = {
        "schema_version": SCHEMA_VERSION,
        "plan": {**plan},
        "run": {**run, "interrupted": interrupted, "internal_error": internal_error},
        "settings": {**runbook.settings},
        "decision": {
            "verdict": decision.verdict.value,
            "reasons": list(decision.reasons),
            "warnings": list(decision.warnings),
            "problems": list(decision.problems),
        },
        "t0": utc(runbook.t0) if runbook.t0 is not None else None,
        "phases": [
            {
                "name": phase,
                "preflight": timeline.is_preflight(phase),
                "in_scope": phase in decision.phases,
                "window_start": utc(planned[phase].start) if phase in planned else None,
                "window_end": _utc_or_none(planned[phase].end) if phase in planned else None,
                "actual_start": utc(runbook.times[phase][0]) if phase in runbook.times else None,
                "actual_end": utc(runbook.times[phase][1]) if phase in runbook.times else None,
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
                **_gate_times(runbook.gate_times.get(gate.id)),
            }
            for gate in gates
        ],
        "checks": list(checks),
        "commands": {
            "count": len(ran),
            "blocked": sum(c["source"] == "blocked" for k in checks for c in k["commands"]),
            "mutating": mutating_commands(deny, ran),
            "deny": [" ".join(pattern) for pattern in deny.patterns],
            "list": commands,
        },
        "signoff": runbook.signoff,
        "waivers": list(runbook.waivers),
        "rollback": runbook.rollback,
    }
    if runbook.t0 is not None:
        document["t0_offset"] = offset_text(runbook.t0)
    return document


#: The settings of a run given none.
_DEFAULT_SETTINGS: SettingsRecord = {
    "fail_fast": "gate",
    "strict": False,
    "enforce_window": False,
    "allow_mutation": False,
    "allow_unreadable": False,
}


@dataclass(frozen=True)
class RunbookFacts:
    """What the runbook added to a run: the clock, sign-offs, waivers, rollback, settings."""

    t0: datetime | None = None
    times: Mapping[str, tuple[datetime, datetime]] = field(default_factory=dict)
    #: When each gate that ran ran, by its id.
    gate_times: Mapping[str, Span] = field(default_factory=dict)
    signoff: SignoffRecord | None = None
    waivers: Sequence[WaiverRecord] = ()
    rollback: RollbackRecord | None = None
    deny: Sequence[str] = ()
    settings: SettingsRecord = field(default_factory=_DEFAULT_SETTINGS.copy)


def _gate_times(span: Span | None) -> GateTimes:
    """When a gate ran and how long, to the millisecond; nothing for a gate that did not run."""
    if span is None:
        return {}
    return {
        "started": utc_precise(span.start),
        "finished": utc_precise(span.end),
        "duration": round(span.seconds, 3),
    }


def _utc_or_none(moment: datetime | None) -> str | None:
    return utc(moment) if moment is not None else None


def recompute(document: EvidenceDocument) -> Decision:
    """The decision the recorded outcomes lead to, by the same rules as the run."""
    gates = [Gate(g["id"], g["phase"], g["title"]) for g in document["gates"]]
    checks = [
        CheckOutcome(
            c["id"],
            c["gate"],
            Outcome(c["outcome"]),
            c["reason"],
            tuple(c["warnings"]),
            c["message"],
        )
        for c in document["checks"]
    ]
    rollback = document["rollback"]
    return decide(
        document["plan"]["name"],
        gates,
        checks,
        phases={p["name"] for p in document["phases"] if p["in_scope"]},
        problems=document["decision"].get("problems", []),
        interrupted=document["run"]["interrupted"],
        internal_error=document["run"]["internal_error"],
        triggers=set(rollback["triggers"]) if rollback is not None else set(),
        window_problems=_recorded_window_problems(document),
        enforce_window=document["settings"]["enforce_window"],
    )


def _recorded_window_problems(document: EvidenceDocument) -> list[str]:
    """The window problems the recorded phase times show, by the same rule as the run."""
    if document["t0"] is None:
        return []
    timeline = Timeline(tuple(p["name"] for p in document["phases"]))
    actual = {
        p["name"]: (parse_instant(p["actual_start"]), parse_instant(p["actual_end"]))
        for p in document["phases"]
        if p["actual_start"] is not None and p["actual_end"] is not None
    }
    return window_problems(windows(timeline, parse_instant(document["t0"])), actual)


def disagreements(document: EvidenceDocument) -> list[str]:
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
