"""Read the cutover markers of a test, and write them back normalised.

``@pytest.mark.gate("G1")`` and ``@pytest.mark.gate(id="G1")`` mean the same; the
plugin adds the keyword form so that ``-m "gate(id='G1')"`` selects by gate with
pytest's own ``-m``, and adds ``preflight`` to every check before T0.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Protocol

import pytest

from pytest_cutover import messages
from pytest_cutover.errors import MarkerError
from pytest_cutover.model.catalog import MarkedCheck
from pytest_cutover.model.cutover import Gate, Timeline
from pytest_cutover.plan.schema import name_pattern
from pytest_cutover.run.markers import READ


class MarkReader:
    """Reads the cutover markers of the items of one collection, closest first.

    What a parent (a module, a class) passes on is read once for all of its
    items, which come one after another.
    """

    def __init__(self) -> None:
        self._parent: object = None
        self._inherited: dict[str, pytest.Mark] = {}

    def read(self, item: pytest.Item) -> MarkedCheck | None:
        """The cutover markers of ``item``, or None when it is not a cutover check."""
        parent = item.parent
        if parent is not self._parent:
            self._parent = parent
            self._inherited = _closest(parent.iter_parents()) if parent is not None else {}
        own = _closest((item,))
        closest = {**self._inherited, **own} if own and self._inherited else own or self._inherited
        if not closest:
            return None
        gate = _single_string(item, "gate", closest.get("gate"))
        phase = _single_string(item, "phase", closest.get("phase"))
        if gate is None:
            if phase is not None:
                raise MarkerError(messages.PHASE_WITHOUT_GATE.format(nodeid=item.nodeid))
            return None
        return _marked_check(
            gate,
            phase,
            "preflight" in closest,
            "cutover_advisory" in closest,
            "rollback_trigger" in closest,
            "mutating" in closest,
        )


class _Marked(Protocol):
    own_markers: list[pytest.Mark]


def _closest(nodes: Iterable[_Marked]) -> dict[str, pytest.Mark]:
    """The cutover markers of ``nodes`` (closest first), the closest of each name."""
    closest: dict[str, pytest.Mark] = {}
    for node in nodes:
        for mark in node.own_markers:
            if mark.name in READ and mark.name not in closest:
                closest[mark.name] = mark
    return closest


#: One shared (immutable) instance per combination: thousands of checks share a few.
_marked_check = functools.cache(MarkedCheck)


#: The normalised markers of a check, and the same as keywords.
Normalised = tuple[tuple[pytest.Mark, ...], dict[str, pytest.Mark]]


def normalised_marks(gate: Gate, timeline: Timeline, marks: MarkedCheck) -> Normalised:
    """The ``gate``, ``phase`` and (before T0) ``preflight`` markers a check of ``gate`` gets.

    They are immutable, so the checks of a gate share them.
    """
    decorators = [pytest.mark.gate(id=gate.id), pytest.mark.phase(name=gate.phase)]
    if timeline.is_preflight(gate.phase) and not marks.preflight:
        decorators.append(pytest.mark.preflight)
    normalised = tuple(decorator.mark for decorator in decorators)
    return normalised, {mark.name: mark for mark in normalised}


def apply_marks(item: pytest.Item, normalised: Normalised) -> None:
    """Give ``item`` its normalised markers.

    What ``item.add_marker(mark, append=False)`` does for each, done at once:
    put them before the item's own markers, and among its keywords.
    """
    marks, keywords = normalised
    item.own_markers[:0] = marks
    item.keywords.update(keywords)


#: For each marker with one value: its keyword, what the value is, an example.
_VALUE = {"gate": ("id", "gate id", "G1"), "phase": ("name", "phase name", "T-10")}


def _single_string(item: pytest.Item, marker: str, mark: pytest.Mark | None) -> str | None:
    if mark is None:
        return None
    keyword, kind, example = _VALUE[marker]
    args, kwargs = mark.args, mark.kwargs
    if len(args) + len(kwargs) == 1:
        value = args[0] if args else kwargs.get(keyword)
        if isinstance(value, str) and _is_name(value):
            return value
    raise MarkerError(
        messages.MARKER_ARGS.format(
            nodeid=item.nodeid, marker=marker, kind=kind, example=example, keyword=keyword
        )
    )


@functools.lru_cache(maxsize=1024)
def _is_name(value: str) -> bool:
    """Whether ``value`` may name a gate or a phase (a few distinct values, read per check)."""
    return re.match(name_pattern(), value) is not None
