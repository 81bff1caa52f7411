"""From check outcomes to gate statuses to the go/no-go decision. Fail-closed.

GO only when every gate in scope ran and passed. The scope is every gate of
the phases the run decides (see :mod:`pytest_cutover.run.selection`); a gate with
a deselected, uncollected, skipped, unrun or xfail-marked check is INCOMPLETE,
and a run with no gate in scope, a check that could not be collected, an
interruption or an internal error is NO-GO. A failure covered by a valid
waiver makes its gate WAIVED and the decision at best CONDITIONAL-GO; a failed
advisory check is WARNED and blocks nothing; a failed rollback trigger makes
the decision ROLLBACK, whatever else happened.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Sequence
from collections.abc import Set as AbstractSet
from typing import NamedTuple

from pytest_cutover import messages
from pytest_cutover.model.cutover import Gate
from pytest_cutover.model.vocabulary import FAILING, LEFT_OUT, PASSING, Outcome, counts

#: Outcome and FAILING belong to :mod:`pytest_cutover.model.vocabulary`; named here too,
#: where the decision's readers have always found them.
__all__ = [
    "FAILING",
    "CheckOutcome",
    "Decision",
    "GateResult",
    "GateStatus",
    "Outcome",
    "Verdict",
    "decide",
    "gate_status",
]


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
    """One check's outcome, with the words that explain it (a block reason, say)."""

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
        return counts(check.outcome for check in self.checks)


class Decision(NamedTuple):
    """The verdict, the gates it rests on, and why."""

    verdict: Verdict
    name: str
    gates: tuple[GateResult, ...]
    out_of_scope: tuple[Gate, ...]
    reasons: tuple[str, ...]
    notes: tuple[str, ...] = ()
    #: The phases the run decided, in timeline order.
    phases: tuple[str, ...] = ()
    #: What kept checks from being collected (among the reasons too).
    problems: tuple[str, ...] = ()

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
    if not outcomes or outcomes - PASSING - {Outcome.WAIVED}:
        return GateStatus.INCOMPLETE
    if Outcome.WAIVED in outcomes:
        return GateStatus.WAIVED
    return GateStatus.PASSED


def decide(
    name: str,
    gates: Sequence[Gate],
    checks: Sequence[CheckOutcome],
    *,
    phases: Collection[str] | None = None,
    problems: Sequence[str] = (),
    interrupted: bool = False,
    internal_error: bool = False,
    triggers: AbstractSet[str] = frozenset(),
    window_problems: Sequence[str] = (),
    enforce_window: bool = False,
) -> Decision:
    """Decide for a run of ``checks`` over ``gates`` (in run order).

    ``phases`` are the phases the run decides (all of the gates' phases when
    None); ``problems`` what kept checks of the run from being collected, each a
    sentence that blocks. ``triggers`` are the ids of rollback-trigger checks;
    ``window_problems`` the phases that ran outside their time window, blocking
    with ``enforce_window``.
    """
    by_gate: dict[str, list[CheckOutcome]] = {gate.id: [] for gate in gates}
    for check in checks:
        by_gate.setdefault(check.gate, []).append(check)
    decided = {gate.phase for gate in gates} if phases is None else set(phases)
    in_scope = [gate for gate in gates if gate.phase in decided]
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
    blocking.extend(problems)
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
    out_of_scope = tuple(gate for gate in gates if gate.phase not in decided)
    notes = () if enforce_window else tuple(window_problems)
    ordered = tuple(dict.fromkeys(g.phase for g in gates if g.phase in decided))
    return Decision(
        verdict,
        name,
        results,
        out_of_scope,
        (*blocking, *waived),
        notes,
        ordered,
        tuple(problems),
    )


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
        detail = _listing(result.checks, set(Outcome) - PASSING)
    return messages.REASON_GATE.format(gate=result.gate.label(), status=status.value, detail=detail)


def _listing(checks: Sequence[CheckOutcome], outcomes: AbstractSet[Outcome]) -> str:
    """Name the checks with these outcomes, grouped by outcome (and how they were left out).

    >>> _listing([CheckOutcome("a", "G1", Outcome.FAILED)], {Outcome.FAILED})
    'a failed'
    >>> _listing([CheckOutcome("b", "G1", Outcome.DESELECTED, "-k 'a'")], {Outcome.DESELECTED})
    "b deselected (-k 'a')"
    """
    parts = []
    for outcome in Outcome:
        if outcome not in outcomes:
            continue
        groups: dict[str, list[str]] = {}
        for check in checks:
            if check.outcome is outcome:
                how = check.reason if outcome in LEFT_OUT else ""
                groups.setdefault(how, []).append(check.check_id)
        for how, ids in groups.items():
            parts.append(f"{', '.join(ids)} {outcome.value}" + (f" ({how})" if how else ""))
    return "; ".join(parts)
