"""The runbook as text: phases on the clock, gates, checks, sign-off, rollback, waivers.

Printed by ``pytest --cutover-show-plan`` (with the Python checks too) and by
``python -m pytest_cutover plan`` (the plan alone); nothing is run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import pytest

from pytest_cutover import messages
from pytest_cutover.model.clock import on_both_clocks, span_on_both_clocks, windows
from pytest_cutover.model.cutover import Plan, PlanCheck, Waiver
from pytest_cutover.model.vocabulary import shown_command
from pytest_cutover.safety.mutation import DEFAULT_DENY

if TYPE_CHECKING:
    from pytest_cutover.run.state import RunState


def runbook_lines(
    plan: Plan,
    t0: datetime | None,
    waivers: Sequence[Waiver] = (),
    python_checks: Mapping[str, Sequence[str]] | None = None,
) -> list[str]:
    """The runbook of ``plan``; ``python_checks`` maps gate ids to the Python checks found."""
    planned = windows(plan.timeline, t0) if t0 is not None else {}
    lines = [
        messages.RUNBOOK_TITLE.format(name=plan.name),
        messages.RUNBOOK_T0.format(t0=on_both_clocks(t0) if t0 else messages.RUNBOOK_NO_T0),
    ]
    for phase in plan.timeline.phases:
        window = planned.get(phase)
        when = ""
        if window is not None:
            when = messages.RUNBOOK_WINDOW.format(span=span_on_both_clocks(*window))
        preflight = plan.timeline.is_preflight(phase)
        kind = messages.RUNBOOK_PREFLIGHT if preflight else messages.RUNBOOK_AFTER_T0
        lines.append(messages.RUNBOOK_PHASE.format(phase=phase, window=when, kind=kind))
        for gate in (g for g in plan.gates if g.phase == phase):
            lines.append(f"  {gate.label()}")
            lines.extend(
                f"    - {check.label()}: {_what(check)}"
                for check in plan.checks
                if check.gate == gate.id
            )
            if plan.signoff is not None and plan.signoff.gate == gate.id:
                lines.extend(
                    f"    - {messages.RUNBOOK_SIGNOFF.format(role=role)}"
                    for role in plan.signoff.roles
                )
            lines.extend(f"    - {nodeid}" for nodeid in (python_checks or {}).get(gate.id, ()))
    lines.extend(_rollback(plan))
    lines.extend(
        messages.RUNBOOK_WAIVER.format(check=w.check, status=w.describe(), source=w.source)
        for w in waivers
    )
    extra = messages.RUNBOOK_GUARD_EXTRA.format(patterns=", ".join(plan.deny)) if plan.deny else ""
    lines.append(messages.RUNBOOK_GUARD.format(count=len(DEFAULT_DENY), extra=extra))
    return lines


def _what(check: PlanCheck) -> str:
    shown = shown_command(check.params[check.kind])
    flags = [
        word
        for word, on in (
            (messages.RUNBOOK_ADVISORY, check.severity == "warn"),
            (messages.RUNBOOK_MUTATING, check.mutating),
        )
        if on
    ]
    return f"{check.kind} {shown}" + (f" [{', '.join(flags)}]" if flags else "")


def _rollback(plan: Plan) -> list[str]:
    rollback = plan.rollback
    if rollback is None:
        return [messages.RUNBOOK_NO_ROLLBACK]
    lines = [messages.RUNBOOK_ROLLBACK_COMMAND.format(command=rollback.command)]
    if rollback.runbook:
        lines.append(messages.ROLLBACK_RUNBOOK.format(runbook=rollback.runbook))
    if rollback.triggers:
        lines.append(messages.RUNBOOK_TRIGGERS.format(triggers=", ".join(rollback.triggers)))
    return lines


#: The name :class:`ShowPlan` is registered under.
SHOW_PLAN_NAME = "cutover-show-plan"


class ShowPlan:
    """``--cutover-show-plan``: print the runbook instead of running anything."""

    def __init__(self, config: pytest.Config, run: RunState) -> None:
        self.config = config
        self.run = run

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        run = self.run
        if run.plan is None:
            raise pytest.UsageError(messages.SHOW_PLAN_WITHOUT_PLAN)
        python_checks: dict[str, list[str]] = {}
        for state in run.checks.values():
            if state.check_id == state.nodeid and state.selected:
                python_checks.setdefault(state.gate.id, []).append(state.check_id)
        writer = self.config.get_terminal_writer()
        for line in runbook_lines(run.plan, run.t0, run.waivers, python_checks):
            writer.line(line)
        return True
