"""When a check must not run because something before it failed."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import NamedTuple

from pytest_cutover import messages
from pytest_cutover.model.cutover import Gate


class FailFast(str, enum.Enum):
    """How far a failure reaches: the later gates, every later check, or nothing."""

    GATE = "gate"
    CHECK = "check"
    OFF = "off"


class Failure(NamedTuple):
    """A check that failed or errored, and its gate."""

    check_id: str
    gate: Gate


def block_reason(mode: FailFast, gate: Gate, failures: Sequence[Failure]) -> str | None:
    """What stops a check of ``gate`` from running after ``failures``, or None if it may run.

    Checks run in gate order, so with ``gate`` every failure in another gate
    is in an earlier one: the whole failing gate still runs, later gates not.

    >>> g1, g2 = Gate("G1", "T-60", "Tooling"), Gate("G2", "T-60")
    >>> block_reason(FailFast.GATE, g2, [Failure("bun", g1)])
    "gate G1 'Tooling' failed"
    >>> block_reason(FailFast.GATE, g1, [Failure("bun", g1)]) is None
    True
    """
    if mode is FailFast.OFF or not failures:
        return None
    if mode is FailFast.CHECK:
        return messages.BLOCKED_BY_CHECK.format(check=failures[0].check_id)
    earlier = next((f.gate for f in failures if f.gate.id != gate.id), None)
    return None if earlier is None else messages.BLOCKED_BY_GATE.format(gate=earlier.label())
