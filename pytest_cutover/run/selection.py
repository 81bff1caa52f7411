"""How a run chose its checks: the phases it decides, and how a left-out check was left out.

Scope comes from phase selection only. A phase is decided unless ``-m``
leaves it out, judged by the plan's gates and their ``gate``, ``phase`` and
``preflight`` markers, or ``--cutover-phase`` names other phases. Every other
way a check of a decided phase can be left out (``-k``, ``--deselect``,
``--lf``, ``--sw``, a path argument, ``--ignore``, a collection error, another
plugin) makes its gate INCOMPLETE, and the reason says which it was.

Plain functions; the pytest shell hands them the run's options as a :class:`Shrinkers`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any, NamedTuple

import pytest

from pytest_cutover import messages
from pytest_cutover.model.cutover import Gate, Timeline
from pytest_cutover.run.markexpr import Marked, MarkerMatch, Selector, matcher


class Shrinkers(NamedTuple):
    """The options of a run that leave tests out, as given."""

    markexpr: str = ""
    keyword: str = ""
    deselect: tuple[str, ...] = ()
    last_failed: bool = False
    stepwise: bool = False


def gate_marks(gate: Gate, timeline: Timeline) -> list[pytest.Mark]:
    """The markers every check of ``gate`` carries: what ``-m`` judges a phase by."""
    marks = [pytest.mark.gate(id=gate.id).mark, pytest.mark.phase(name=gate.phase).mark]
    if timeline.is_preflight(gate.phase):
        marks.append(pytest.mark.preflight.mark)
    return marks


#: The markers that place a check on the cutover's timeline.
CUTOVER_MARKERS = frozenset({"gate", "phase", "preflight"})


def asks_for_cutover(selects: Selector, gates: Iterable[Gate], timeline: Timeline) -> bool:
    """Whether a ``-m`` expression asks for the cutover: it selects no test without markers,
    and it selects some of the plan's gates or names a cutover marker (``-m preflight``
    does, also with no preflight gate; ``-m "not preflight"`` and ``-m slow`` do not).

    >>> from pytest_cutover.run.markexpr import compile_expression
    >>> gates = [Gate("G1", "T-60"), Gate("G6", "T+10")]
    >>> [asks_for_cutover(compile_expression(e), gates, Timeline()) for e in
    ...  ("preflight", "not preflight", "slow", "gate(id='G6')", "phase(name='T-45')")]
    [True, False, False, True, True]
    """
    asked: set[str] = set()

    def recording(match: MarkerMatch) -> MarkerMatch:
        def record(name: str, /, **kwargs: Any) -> bool:
            asked.add(name)
            return match(name, **kwargs)

        return record

    if selects(recording(matcher(()))):
        return False
    if any(selects(recording(matcher(gate_marks(gate, timeline)))) for gate in gates):
        return True
    return bool(asked & CUTOVER_MARKERS)


def decided_phases(
    timeline: Timeline,
    gates: Sequence[Gate],
    *,
    selects: Selector | None,
    phases: Collection[str] = (),
    selected: Collection[str] = (),
) -> tuple[str, ...]:
    """The phases a run decides, in timeline order.

    ``selects`` is the run's ``-m`` (None without one), ``phases`` the phases
    ``--cutover-phase`` named (all when empty), ``selected`` the phases of the
    checks that were selected in the end. A phase ``-m`` leaves out is still
    decided when one of its checks ran anyway (``-m slow`` is no phase selection).

    >>> from pytest_cutover.run.markexpr import compile_expression
    >>> gates = [Gate("G1", "T-60"), Gate("G2", "T-30"), Gate("G6", "T+10")]
    >>> decided_phases(Timeline(), gates, selects=None)
    ('T-60', 'T-30', 'T+10')
    >>> decided_phases(Timeline(), gates, selects=compile_expression("preflight"))
    ('T-60', 'T-30')
    >>> decided_phases(Timeline(), gates, selects=compile_expression("slow"), selected={"T+10"})
    ('T+10',)
    """
    marked = {
        gate.phase
        for gate in gates
        if selects is None or selects(matcher(gate_marks(gate, timeline)))
    }
    chosen = (marked | set(selected)) & set(phases or timeline.phases)
    return tuple(phase for phase in timeline.phases if phase in chosen)


def selected_out(
    shrinkers: Shrinkers, nodeid: str, marks: Iterable[Marked], selects: Selector | None
) -> bool:
    """Whether only ``-m`` or ``-k`` left a check out: the ways an ordinary run may select
    no cutover check at all (``--deselect``, ``--lf``, ``--sw`` or a plugin may not).

    >>> selected_out(Shrinkers(keyword="g1"), "cutover.yaml::g2", [], None)
    True
    >>> selected_out(Shrinkers(keyword="g1", last_failed=True), "t.py::a", [], None)
    False
    >>> selected_out(Shrinkers(deselect=("t.py",)), "t.py::a", [], None)
    False
    """
    if selects is not None and not selects(matcher(marks)):
        return True
    if any(nodeid.startswith(prefix) for prefix in shrinkers.deselect):
        return False
    return bool(shrinkers.keyword) and not shrinkers.last_failed and not shrinkers.stepwise


def left_out_by(
    shrinkers: Shrinkers, nodeid: str, marks: Iterable[Marked], selects: Selector | None
) -> str:
    """How a check reported as deselected was left out, as an operator would retrace it.

    >>> left_out_by(Shrinkers(keyword="g1"), "cutover.yaml::g2", [], None)
    "-k 'g1'"
    >>> left_out_by(Shrinkers(keyword="g1", last_failed=True), "t.py::a", [], None)
    "-k 'g1' or --lf"
    """
    if selects is not None and not selects(matcher(marks)):
        return f"-m '{shrinkers.markexpr}'"
    if any(nodeid.startswith(prefix) for prefix in shrinkers.deselect):
        return "--deselect"
    ways = [f"-k '{shrinkers.keyword}'"] if shrinkers.keyword else []
    ways += ["--lf"] if shrinkers.last_failed else []
    ways += ["--sw"] if shrinkers.stepwise else []
    return " or ".join(ways) or messages.DESELECTED_BY_PLUGIN
