"""The gates of a run in order, from the plan or, without one, from the markers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from pytest_cutover import messages
from pytest_cutover.errors import MarkerError
from pytest_cutover.model.cutover import Gate, Plan, Timeline
from pytest_cutover.model.ordering import natural_key

__all__ = ["Catalog", "MarkedCheck", "MarkerError", "from_marks", "from_plan", "resolve"]


class MarkedCheck(NamedTuple):
    """What a test's markers say about it as a cutover check; checks with the same
    markers share one."""

    gate: str
    phase: str | None
    preflight: bool
    advisory: bool = False
    trigger: bool = False
    mutating: bool = False


class Catalog(NamedTuple):
    """Every gate of the run in run order: by phase, then as declared (or by id)."""

    timeline: Timeline
    gates: tuple[Gate, ...]
    name: str = "cutover"
    plan: Plan | None = None

    def rank(self, gate_id: str) -> int:
        """Position of the gate in run order."""
        return next(rank for rank, gate in enumerate(self.gates) if gate.id == gate_id)

    def by_id(self) -> dict[str, Gate]:
        """The gates by id."""
        return {gate.id: gate for gate in self.gates}


def from_plan(plan: Plan) -> Catalog:
    """The plan's gates, ordered by phase and then as the plan lists them."""
    gates = sorted(plan.gates, key=lambda gate: plan.timeline.position(gate.phase))
    return Catalog(plan.timeline, tuple(gates), plan.name, plan)


def from_marks(checks: Iterable[tuple[str, MarkedCheck]], timeline: Timeline) -> Catalog:
    """Gates named by markers, ordered by phase and then by id (G2 before G10).

    A gate takes the phase its checks are marked with; a gate none of whose
    checks has a phase marker belongs to the first phase of the timeline.

    >>> g10, g2 = MarkedCheck("G10", None, False), MarkedCheck("G2", None, False)
    >>> marks = [("t::a", g10), ("t::b", g2)]
    >>> [gate.id for gate in from_marks(marks, Timeline()).gates]
    ['G2', 'G10']
    """
    phases: dict[str, str | None] = {}
    seen: set[MarkedCheck] = set()
    for nodeid, marks in checks:
        if marks in seen:
            continue  # thousands of checks share a few markings
        seen.add(marks)
        if marks.phase is not None and marks.phase not in timeline.phases:
            raise MarkerError(
                messages.MARKER_UNKNOWN_PHASE.format(
                    nodeid=nodeid, phase=marks.phase, phases=", ".join(timeline.phases)
                )
            )
        known = phases.setdefault(marks.gate, marks.phase)
        if marks.phase is None:
            continue
        if known is None:
            phases[marks.gate] = marks.phase
        elif known != marks.phase:
            raise MarkerError(
                messages.MARKER_PHASE_MISMATCH.format(
                    nodeid=nodeid, marked=marks.phase, gate=marks.gate, phase=known
                )
            )
    gates = [Gate(gate_id, phase or timeline.phases[0]) for gate_id, phase in phases.items()]
    gates.sort(key=lambda gate: (timeline.position(gate.phase), natural_key(gate.id)))
    return Catalog(timeline, tuple(gates))


def resolve(catalog: Catalog, nodeid: str, marks: MarkedCheck) -> Gate:
    """The gate a marked check belongs to, after checking its markers agree with it."""
    gates = catalog.by_id()
    if marks.gate not in gates:
        plan = catalog.plan.path if catalog.plan is not None else "(none)"
        raise MarkerError(
            messages.MARKER_UNKNOWN_GATE.format(
                nodeid=nodeid, gate=marks.gate, plan=plan, gates=", ".join(gates)
            )
        )
    gate = gates[marks.gate]
    if marks.phase is not None and marks.phase != gate.phase:
        raise MarkerError(
            messages.MARKER_PHASE_MISMATCH.format(
                nodeid=nodeid, marked=marks.phase, gate=gate.id, phase=gate.phase
            )
        )
    if marks.preflight and not catalog.timeline.is_preflight(gate.phase):
        raise MarkerError(
            messages.MARKER_PREFLIGHT_AFTER_T0.format(nodeid=nodeid, gate=gate.id, phase=gate.phase)
        )
    return gate
