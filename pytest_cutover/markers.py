"""The cutover markers: read ``gate`` / ``phase`` from a test, write them back normalised.

``@pytest.mark.gate("G1")`` and ``@pytest.mark.gate(id="G1")`` mean the same; the
plugin adds the keyword form so that ``-m "gate(id='G1')"`` selects by gate with
pytest's own ``-m``, and adds ``preflight`` to every check before T0.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import pytest

from pytest_cutover import messages
from pytest_cutover.model import Gate, Timeline
from pytest_cutover.plan_schema import name_pattern

MARKERS = (
    "gate(id): the cutover gate this check belongs to, like gate('G1') or gate(id='G1')",
    "phase(name): the timeline phase of this check's gate, like phase('T-10')",
    "preflight: a check before T0; added by pytest-cutover to every such check",
)


class MarkerError(Exception):
    """A cutover marker is used in a way the plugin cannot read."""


@dataclass(frozen=True)
class MarkedCheck:
    """What a test's markers say about it as a cutover check."""

    gate: str
    phase: str | None
    preflight: bool
    advisory: bool = False
    trigger: bool = False
    mutating: bool = False


_READ = frozenset(
    {"gate", "phase", "preflight", "cutover_advisory", "rollback_trigger", "mutating"}
)


def read_marks(item: pytest.Item) -> MarkedCheck | None:
    """The cutover markers of ``item``, or None when it is not a cutover check.

    One walk over the item's markers, closest first: thousands of checks are
    read at collection, so every walk counts.
    """
    closest: dict[str, pytest.Mark] = {}
    for mark in item.iter_markers():
        if mark.name in _READ:
            closest.setdefault(mark.name, mark)
    gate = _single_string(item.nodeid, "gate", closest.get("gate"))
    phase = _single_string(item.nodeid, "phase", closest.get("phase"))
    if gate is None:
        if phase is not None:
            raise MarkerError(messages.PHASE_WITHOUT_GATE.format(nodeid=item.nodeid))
        return None
    return MarkedCheck(
        gate,
        phase,
        "preflight" in closest,
        "cutover_advisory" in closest,
        "rollback_trigger" in closest,
        "mutating" in closest,
    )


def apply_marks(item: pytest.Item, gate: Gate, timeline: Timeline, marks: MarkedCheck) -> None:
    """Give ``item`` the normalised ``gate``, ``phase`` and ``preflight`` markers."""
    item.add_marker(_keyword_mark("phase", "name", gate.phase), append=False)
    item.add_marker(_keyword_mark("gate", "id", gate.id), append=False)
    if timeline.is_preflight(gate.phase) and not marks.preflight:
        item.add_marker(_keyword_mark("preflight", "", ""))


@functools.cache
def _keyword_mark(marker: str, keyword: str, value: str) -> pytest.MarkDecorator:
    """One shared decorator per marker and value (they are immutable)."""
    decorator: pytest.MarkDecorator = getattr(pytest.mark, marker)
    return decorator(**{keyword: value}) if keyword else decorator


#: For each marker with one value: its keyword, what the value is, an example.
_VALUE = {"gate": ("id", "gate id", "G1"), "phase": ("name", "phase name", "T-10")}


def _single_string(nodeid: str, marker: str, mark: pytest.Mark | None) -> str | None:
    if mark is None:
        return None
    keyword, kind, example = _VALUE[marker]
    values = [*mark.args, *mark.kwargs.values()]
    if (
        set(mark.kwargs) <= {keyword}
        and len(values) == 1
        and isinstance(values[0], str)
        and re.match(name_pattern(), values[0])
    ):
        return values[0]
    raise MarkerError(
        messages.MARKER_ARGS.format(
            nodeid=nodeid, marker=marker, kind=kind, example=example, keyword=keyword
        )
    )
