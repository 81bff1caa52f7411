"""The cutover markers: read ``gate`` / ``phase`` from a test, write them back normalised.

``@pytest.mark.gate("G1")`` and ``@pytest.mark.gate(id="G1")`` mean the same; the
plugin adds the keyword form so that ``-m "gate(id='G1')"`` selects by gate with
pytest's own ``-m``, and adds ``preflight`` to every check before T0.
"""

from __future__ import annotations

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


def read_marks(item: pytest.Item) -> MarkedCheck | None:
    """The cutover markers of ``item``, or None when it is not a cutover check."""
    gate = _single_string(item, "gate", "id", "gate id", "G1")
    phase = _single_string(item, "phase", "name", "phase name", "T-10")
    if gate is None:
        if phase is not None:
            raise MarkerError(messages.PHASE_WITHOUT_GATE.format(nodeid=item.nodeid))
        return None
    preflight = item.get_closest_marker("preflight") is not None
    return MarkedCheck(gate, phase, preflight)


def apply_marks(item: pytest.Item, gate: Gate, timeline: Timeline) -> None:
    """Give ``item`` the normalised ``gate``, ``phase`` and ``preflight`` markers."""
    item.add_marker(pytest.mark.phase(name=gate.phase), append=False)
    item.add_marker(pytest.mark.gate(id=gate.id), append=False)
    if timeline.is_preflight(gate.phase) and item.get_closest_marker("preflight") is None:
        item.add_marker(pytest.mark.preflight)


def _single_string(
    item: pytest.Item, marker: str, keyword: str, kind: str, example: str
) -> str | None:
    mark = item.get_closest_marker(marker)
    if mark is None:
        return None
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
            nodeid=item.nodeid, marker=marker, kind=kind, example=example, keyword=keyword
        )
    )
