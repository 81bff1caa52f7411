"""The "cutover decision" section at the end of the terminal output, and the plan's header line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import pytest

from pytest_cutover import messages
from pytest_cutover.model.clock import ran_spans
from pytest_cutover.model.cutover import Rollback
from pytest_cutover.model.decision import Decision, GateStatus, Verdict
from pytest_cutover.model.vocabulary import NOT_RAN, shown_seconds
from pytest_cutover.model.waivers import WaiverRecord, waiver_records

if TYPE_CHECKING:
    from pytest_cutover.run.state import RunState

#: The name :class:`TerminalSummary` is registered under.
TERMINAL_SUMMARY_NAME = "cutover-terminal-summary"

_COLOURS = {
    GateStatus.PASSED: "green",
    GateStatus.FAILED: "red",
    GateStatus.BLOCKED: "yellow",
    GateStatus.INCOMPLETE: "yellow",
    GateStatus.WAIVED: "yellow",
}


def decision_lines(
    decision: Decision,
    waivers: Sequence[WaiverRecord] = (),
    rollback: Rollback | None = None,
    durations: Mapping[str, float] | None = None,
) -> list[tuple[str, str]]:
    """Lines of the section, each with the colour to write it in ("" for none); a gate in
    ``durations`` (seconds, by gate id: those that ran) shows how long it ran."""
    durations = durations or {}
    headline = messages.DECISION_HEADLINE.format(verdict=decision.verdict.value, name=decision.name)
    colour = {Verdict.GO: "green", Verdict.CONDITIONAL_GO: "yellow"}.get(decision.verdict, "red")
    lines = [(headline, colour)]
    rows = [
        (
            result.gate.id,
            result.gate.phase,
            result.status.value,
            result.gate.title,
            result.counts(),
            shown_seconds(durations[result.gate.id]) if result.gate.id in durations else "",
        )
        for result in decision.gates
    ]
    widths = [max(len(cell) for cell in column) for column in zip(*rows, strict=True)]
    for row, result in zip(rows, decision.gates, strict=True):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True) if width]
        lines.append((f"  {'  '.join(cells).rstrip()}", _COLOURS[result.status]))
    if decision.reasons:
        lines.append(("reasons:", ""))
        lines.extend((f"  - {reason}", "") for reason in decision.reasons)
    warnings = decision.warnings
    if warnings:
        lines.append(("warnings:", "yellow"))
        lines.extend((f"  - {warning}", "yellow") for warning in warnings)
    if waivers:
        lines.append(("waivers:", ""))
        lines.extend((f"  - {messages.WAIVER_LINE.format(**w)}", "") for w in waivers)
    if decision.verdict is Verdict.ROLLBACK and rollback is not None:
        lines.append((messages.ROLLBACK_COMMAND.format(command=rollback.command), "red"))
        if rollback.runbook:
            lines.append((messages.ROLLBACK_RUNBOOK.format(runbook=rollback.runbook), "red"))
    if decision.out_of_scope:
        gates = ", ".join(f"{gate.id} ({gate.phase})" for gate in decision.out_of_scope)
        lines.append((messages.OUT_OF_SCOPE.format(gates=gates), ""))
    return lines


def gate_durations(run: RunState) -> dict[str, float]:
    """How long each gate that ran ran: from the first start to the last end of its checks
    that ran, as the evidence says."""
    spans = ran_spans(
        (state.gate.id, state.started, state.finished)
        for state in run.checks.values()
        if state.started is not None and state.finished is not None and state.outcome not in NOT_RAN
    )
    return {gate: span.seconds for gate, span in spans.items()}


class TerminalSummary:
    """The plan in the report header and the "cutover decision" section at the end."""

    def __init__(self, run: RunState) -> None:
        self.run = run

    def pytest_report_header(self) -> list[str] | None:
        run = self.run
        plan = run.plan
        if plan is None or not run.cutover:
            return None
        return [
            messages.PLAN_HEADER.format(
                path=run.settings.plan_shown_as,
                name=plan.name,
                gates=len(plan.gates),
                checks=len(plan.checks),
            )
        ]

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        run = self.run
        if run.no_decision:
            terminalreporter.write_line(messages.NO_CUTOVER_SELECTED)
            return
        if run.decision is None:
            return
        terminalreporter.write_sep("=", messages.DECISION_TITLE, bold=True)
        rollback = run.plan.rollback if run.plan is not None else None
        waivers = waiver_records(run.waivers, run.applied, datetime.now(timezone.utc))
        lines = decision_lines(run.decision, waivers, rollback, gate_durations(run))
        if run.bundle_note is not None:
            lines.append(run.bundle_note)
        for text, colour in lines:
            markup = {colour: True, "bold": True} if colour else {}
            terminalreporter.write_line(run.redact(text), **markup)
