"""From check outcomes to gate statuses to the go/no-go decision. Fail-closed.

GO only when every gate in scope ran and passed. The scope is every gate of
every phase the run selected a check from; a gate with a deselected, skipped,
unrun or xfail-marked check is INCOMPLETE, and a run with no selected check,
an interruption or an internal error is NO-GO. A failure covered by a valid
waiver makes its gate WAIVED and the decision at best CONDITIONAL-GO; a failed
advisory check is WARNED and blocks nothing; a failed rollback trigger makes
the decision ROLLBACK, whatever else happened.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from typing import NamedTuple

from pytest_cutover import messages
from pytest_cutover.model import Gate


class Outcome(str, enum.Enum):
    """What happened to one check in this run."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "errored"
    BLOCKED = "blocked"
    WAIVED = "waived"
    WARNED = "warned"
    SKIPPED = "skipped"
    XFAILED = "xfailed"
    XPASSED = "xpassed"
    DESELECTED = "deselected"
    NOT_RUN = "not run"


class GateStatus(str, enum.Enum):
    """A gate's result, worst first."""

    FAILED = "FAILED"
    BLOCKED = "BLOCKED"
    INCOMPLETE = "INCOMPLETE"
    WAIVED = "WAIVED"
    PASSED = "PASSED"


class Verdict(str, enum.Enum):
    """The run's go/no-go decision."""

    GO = "GO"
    CONDITIONAL_GO = "CONDITIONAL-GO"
    NO_GO = "NO-GO"
    ROLLBACK = "ROLLBACK"


class CheckOutcome(NamedTuple):
    """One check's outcome, with the words that explain it (a block reason, say).

    A named tuple: one is made per check at the end of every run, and a frozen
    dataclass costs three times as much to make.
    """

    check_id: str
    gate: str
    outcome: Outcome
    reason: str = ""
    warnings: tuple[str, ...] = ()
    message: str = ""


class GateResult(NamedTuple):
    """A gate in scope, its status and its checks' outcomes."""

    gate: Gate
    status: GateStatus
    checks: tuple[CheckOutcome, ...]

    def counts(self) -> str:
        """The checks' outcomes counted, like ``2 passed, 1 failed``."""
        tally = Counter(check.outcome for check in self.checks)
        return ", ".join(f"{tally[o]} {o.value}" for o in Outcome if tally[o]) or "no checks"


class Decision(NamedTuple):
    """The verdict, the gates it rests on, and why."""

    verdict: Verdict
    name: str
    gates: tuple[GateResult, ...]
    out_of_scope: tuple[Gate, ...]
    reasons: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def go(self) -> bool:
        """Whether the cutover may proceed (a CONDITIONAL-GO may, on its waivers)."""
        return self.verdict in (Verdict.GO, Verdict.CONDITIONAL_GO)

    @property
    def warnings(self) -> tuple[str, ...]:
        """What did not block the decision but must be seen: advisory failures, findings."""
        advisories: list[str] = []
        findings: list[str] = []
        for result in self.gates:
            for check in result.checks:
                if check.outcome is Outcome.WARNED:
                    advisories.append(
                        messages.REASON_WARNED.format(check=check.check_id, message=check.message)
                    )
                if check.warnings:
                    findings.extend(f"{check.check_id}: {warning}" for warning in check.warnings)
        return (*advisories, *findings, *self.notes)


#: Outcomes that fail a gate.
FAILING = frozenset({Outcome.FAILED, Outcome.ERROR})
_PASSING = {Outcome.PASSED, Outcome.WARNED}


def gate_status(checks: Sequence[CheckOutcome]) -> GateStatus:
    """The status of a gate whose checks had these outcomes.

    >>> gate_status([CheckOutcome("a", "G1", Outcome.PASSED)]).value
    'PASSED'
    >>> gate_status([]).value
    'INCOMPLETE'
    """
    outcomes = {check.outcome for check in checks}
    if outcomes & FAILING:
        return GateStatus.FAILED
    if Outcome.BLOCKED in outcomes:
        return GateStatus.BLOCKED
    if not outcomes or outcomes - _PASSING - {Outcome.WAIVED}:
        return GateStatus.INCOMPLETE
    if Outcome.WAIVED in outcomes:
        return GateStatus.WAIVED
    return GateStatus.PASSED


def decide(
    name: str,
    gates: Sequence[Gate],
    checks: Sequence[CheckOutcome],
    *,
    interrupted: bool = False,
    internal_error: bool = False,
    triggers: AbstractSet[str] = frozenset(),
    window_problems: Sequence[str] = (),
    enforce_window: bool = False,
) -> Decision:
    """Decide for a run of ``checks`` over ``gates`` (in run order).

    ``triggers`` are the ids of rollback-trigger checks; ``window_problems`` the
    phases that ran outside their time window, blocking with ``enforce_window``.
    """
    by_gate: dict[str, list[CheckOutcome]] = {gate.id: [] for gate in gates}
    for check in checks:
        by_gate.setdefault(check.gate, []).append(check)
    selected = {
        gate_id
        for gate_id, members in by_gate.items()
        if any(c.outcome is not Outcome.DESELECTED for c in members)
    }
    phases = {gate.phase for gate in gates if gate.id in selected}
    in_scope = [gate for gate in gates if gate.phase in phases]
    results = tuple(_gate_result(gate, by_gate[gate.id]) for gate in in_scope)
    fired = [c for c in checks if c.check_id in triggers and c.outcome in FAILING]
    blocking: list[str] = [
        messages.REASON_TRIGGER.format(check=c.check_id, message=c.message) for c in fired
    ]
    if internal_error:
        blocking.append(messages.REASON_INTERNAL_ERROR)
    if interrupted:
        blocking.append(messages.REASON_INTERRUPTED)
    if not results:
        blocking.append(messages.REASON_NOTHING_RAN)
    if enforce_window:
        blocking.extend(window_problems)
    unpassed = [r for r in results if r.status not in (GateStatus.PASSED, GateStatus.WAIVED)]
    blocking.extend(_reason(result) for result in unpassed)
    waived = [_reason(r) for r in results if r.status is GateStatus.WAIVED]
    if fired:
        verdict = Verdict.ROLLBACK
    elif blocking:
        verdict = Verdict.NO_GO
    else:
        verdict = Verdict.CONDITIONAL_GO if waived else Verdict.GO
    out_of_scope = tuple(gate for gate in gates if gate.phase not in phases)
    notes = () if enforce_window else tuple(window_problems)
    return Decision(verdict, name, results, out_of_scope, (*blocking, *waived), notes)


def _gate_result(gate: Gate, checks: Sequence[CheckOutcome]) -> GateResult:
    return GateResult(gate, gate_status(checks), tuple(checks))


def _reason(result: GateResult) -> str:
    status = result.status
    if not result.checks:
        detail = messages.REASON_NO_CHECKS
    elif status is GateStatus.FAILED:
        detail = _listing(result.checks, FAILING)
    elif status is GateStatus.BLOCKED:
        detail = next(c.reason for c in result.checks if c.outcome is Outcome.BLOCKED)
    elif status is GateStatus.WAIVED:
        detail = "; ".join(c.reason for c in result.checks if c.outcome is Outcome.WAIVED)
    else:
        detail = _listing(result.checks, set(Outcome) - _PASSING)
    return messages.REASON_GATE.format(gate=result.gate.label(), status=status.value, detail=detail)


def _listing(checks: Sequence[CheckOutcome], outcomes: AbstractSet[Outcome]) -> str:
    """Name the checks with these outcomes, grouped by outcome.

    >>> _listing([CheckOutcome("a", "G1", Outcome.FAILED)], {Outcome.FAILED})
    'a failed'
    """
    parts = []
    for outcome in Outcome:
        if outcome in outcomes:
            ids = [check.check_id for check in checks if check.outcome is outcome]
            if ids:
                parts.append(f"{', '.join(ids)} {outcome.value}")
    return "; ".join(parts)
