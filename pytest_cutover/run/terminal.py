"""The "cutover decision" section at the end of the terminal output."""

from __future__ import annotations

from collections.abc import Sequence

from pytest_cutover import messages
from pytest_cutover.model.cutover import Rollback
from pytest_cutover.model.decision import Decision, GateStatus, Verdict
from pytest_cutover.model.waivers import WaiverRecord

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
) -> list[tuple[str, str]]:
    """Lines of the section, each with the colour to write it in ("" for none)."""
    headline = messages.DECISION_HEADLINE.format(verdict=decision.verdict.value, name=decision.name)
    colour = {Verdict.GO: "green", Verdict.CONDITIONAL_GO: "yellow"}.get(decision.verdict, "red")
    lines = [(headline, colour)]
    rows = [
        (result.gate.id, result.gate.phase, result.status.value, result.gate.title, result.counts())
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
