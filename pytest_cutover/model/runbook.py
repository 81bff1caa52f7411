"""The runbook's rules at run time: advisory checks, waivers, rollback triggers, mutation.

Plain functions over plain values; the run's registry and session call them from their hooks.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from pytest_cutover import messages
from pytest_cutover.model.catalog import MarkedCheck
from pytest_cutover.model.cutover import Gate, Plan, PlanCheck, Timeline, Waiver


class CheckFlags(NamedTuple):
    """What the plan or the markers say about one check beyond its gate."""

    advisory: bool = False
    trigger: bool = False
    mutating: bool = False


def flags_of(
    check_id: str, marks: MarkedCheck, declared: PlanCheck | None, triggers: Iterable[str]
) -> CheckFlags:
    """A check's flags: from its plan entry, or from the markers of a Python test."""
    if declared is not None:
        return _flags(declared.severity == "warn", check_id in triggers, declared.mutating)
    return _flags(marks.advisory, check_id in triggers or marks.trigger, marks.mutating)


@functools.cache
def _flags(advisory: bool, trigger: bool, mutating: bool) -> CheckFlags:
    """One shared instance per combination: thousands of checks share eight."""
    return CheckFlags(advisory, trigger, mutating)


def flag_problem(nodeid: str, flags: CheckFlags, gate: Gate, timeline: Timeline) -> str | None:
    """Why these flags are not allowed on a check of ``gate``, if they are not."""
    if not timeline.is_preflight(gate.phase):
        return None
    if flags.trigger:
        return messages.TRIGGER_PREFLIGHT_MARKER.format(nodeid=nodeid, phase=gate.phase)
    if flags.mutating:
        return messages.MUTATING_PREFLIGHT_MARKER.format(nodeid=nodeid, phase=gate.phase)
    return None


def reference_problems(
    plan: Plan | None, waivers: Sequence[Waiver], check_ids: Iterable[str]
) -> list[str]:
    """Waivers and rollback triggers that name no check of this run."""
    known = sorted(set(check_ids))
    shown = ", ".join(known[:20]) + (" …" if len(known) > 20 else "")
    problems = [
        messages.WAIVER_UNKNOWN_CHECK.format(source=w.source, check=w.check, checks=shown)
        for w in waivers
        if w.check not in known
    ]
    if plan is not None and plan.rollback is not None:
        problems += [
            messages.TRIGGER_UNKNOWN_CHECK.format(source=plan.path.name, check=trigger)
            for trigger in plan.rollback.triggers
            if trigger not in known
        ]
    return problems
