"""Put cutover checks in run order without moving any other test."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TypeVar

T = TypeVar("T")

_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[Any, ...]:
    """Sort key that reads digit runs as numbers, so G2 sorts before G10.

    >>> sorted(["G10", "G2", "G1"], key=natural_key)
    ['G1', 'G2', 'G10']
    """
    return tuple(int(part) if part.isdigit() else part for part in _DIGITS.split(text))


def same_line_key(nodeid: str) -> tuple[Any, ...]:
    """Sort key between tests of one file and line: parameters in natural order.

    Only parametrized ids need the (costlier) natural key; checks are keyed at
    collection, so this runs for each of them.

    >>> sorted(["t.py::f[10]", "t.py::f[9]"], key=same_line_key)
    ['t.py::f[9]', 't.py::f[10]']
    """
    return natural_key(nodeid) if "[" in nodeid else (nodeid,)


def reorder(items: Sequence[T], keys: Sequence[Any]) -> list[T]:
    """Sort the items whose key (``keys[i]`` for ``items[i]``) is not None among the
    places they hold.

    Items with key None stay exactly where they are; the others are sorted
    (stably) and put back into the same positions.

    >>> reorder(["b2", "x", "a1", "y", "a0"], ["b2", None, "a1", None, "a0"])
    ['a0', 'x', 'a1', 'y', 'b2']
    """
    places = [index for index, key in enumerate(keys) if key is not None]
    ordered = sorted(places, key=lambda place: keys[place])
    result = list(items)
    for index, source in zip(places, ordered, strict=True):
        result[index] = items[source]
    return result
