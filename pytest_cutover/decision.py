"""From check outcomes to gate statuses to the go/no-go decision. Fail-closed.

GO only when every gate in scope ran and passed. The scope is every gate of
every phase the run selected a check from; a gate with a deselected, skipped,
unrun or xfail-marked check is INCOMPLETE, and a run with no selected check,
an interruption or an internal error is NO-GO.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from pytest_cutover import messages
from pytest_cutover.model import Gate


class Outcome(str, enum.Enum):
    """What happened to one check in this run."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "errored"
    BLOCKED = "blocked"
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
    PASSED = "PASSED"


class Verdict(str, enum.Enum):
    """The run's go/no-go decision."""

    GO = "GO"
    NO_GO = "NO-GO"


@dataclass(frozen=True)
class CheckOutcome:
    """One check's outcome, with the words that explain it (a block reason, say)."""

    check_id: str
    gate: str
    outcome: Outcome
    reason: str = ""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class GateResult:
    """A gate in scope, its status and its checks' outcomes."""

    gate: Gate
    status: GateStatus
    checks: tuple[CheckOutcome, ...]

    def counts(self) -> str:
        """The checks' outcomes counted, like ``2 passed, 1 failed``."""
        tally = Counter(check.outcome for check in self.checks)
        return ", ".join(f"{tally[o]} {o.value}" for o in Outcome if tally[o]) or "no checks"


@dataclass(frozen=True)
class Decision:
    """The verdict, the gates it rests on, and why."""

    verdict: Verdict
    name: str
    gates: tuple[GateResult, ...]
    out_of_scope: tuple[Gate, ...]
    reasons: tuple[str, ...]

    @property
    def go(self) -> bool:
        """Whether the cutover may proceed."""
        return self.verdict is Verdict.GO

    @property
    def warnings(self) -> tuple[str, ...]:
        """Findings of checks in scope that did not fail them, each naming its check."""
        return tuple(
            f"{check.check_id}: {warning}"
            for result in self.gates
            for check in result.checks
            for warning in check.warnings
        )


#: Outcomes that fail a gate.
FAILING = frozenset({Outcome.FAILED, Outcome.ERROR})
_PASSING = {Outcome.PASSED}


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
    if not outcomes or outcomes - _PASSING:
        return GateStatus.INCOMPLETE
    return GateStatus.PASSED


def decide(
    name: str,
    gates: Sequence[Gate],
    checks: Sequence[CheckOutcome],
    *,
    interrupted: bool = False,
    internal_error: bool = False,
) -> Decision:
    """Decide GO or NO-GO for a run of ``checks`` over ``gates`` (in run order)."""
    selected = {c.gate for c in checks if c.outcome is not Outcome.DESELECTED}
    phases = {gate.phase for gate in gates if gate.id in selected}
    in_scope = [gate for gate in gates if gate.phase in phases]
    results = tuple(
        _gate_result(gate, [c for c in checks if c.gate == gate.id]) for gate in in_scope
    )
    reasons: list[str] = []
    if internal_error:
        reasons.append(messages.REASON_INTERNAL_ERROR)
    if interrupted:
        reasons.append(messages.REASON_INTERRUPTED)
    if not results:
        reasons.append(messages.REASON_NOTHING_RAN)
    reasons.extend(_reason(result) for result in results if result.status is not GateStatus.PASSED)
    verdict = Verdict.NO_GO if reasons else Verdict.GO
    out_of_scope = tuple(gate for gate in gates if gate.phase not in phases)
    return Decision(verdict, name, results, out_of_scope, tuple(reasons))


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
