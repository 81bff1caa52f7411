"""pytest-html integration: the decision and the gates in the user's ``--html`` report.

Built only with pytest-html's own hooks. pytest-html inserts what these hooks
return as raw HTML, so every value is escaped here.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

import pytest

from pytest_cutover.run.keys import STATE_KEY
from pytest_cutover.run.lookout import run_redactor
from pytest_cutover.safety.redact import redact_metadata

if TYPE_CHECKING:
    from pytest_cutover.run.state import RunState

_STYLE = (
    "<style>.cutover-decision{border:2px solid #b00020;padding:.5em 1em;margin:.5em 0}"
    ".cutover-decision.go{border-color:#1b7f3b}.cutover-decision h3{margin:.2em 0}"
    ".cutover-gates td,.cutover-gates th{padding:.1em .6em;text-align:left}</style>"
)


class HtmlReportEnrichment:
    """Registered next to pytest-html when the user asks it for a report; it reads the run
    state from ``config.stash`` (a run without cutover checks has none)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    @property
    def run(self) -> RunState | None:
        """The run state, once the run has one."""
        return self.config.stash.get(STATE_KEY, None)

    @pytest.hookimpl(tryfirst=True)  # before pytest-html writes the report
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """The environment table once more, with the secrets the run has seen since it began
        (pytest-html shows the very mapping pytest-metadata keeps)."""
        try:
            # untyped; imported only with --html
            from pytest_metadata.plugin import metadata_key  # type: ignore[import-untyped]  # noqa: PLC0415
        except ImportError:  # pragma: no cover - pytest-html depends on pytest-metadata
            return
        metadata = session.config.stash.get(metadata_key, None)
        if isinstance(metadata, dict):
            redact_metadata(metadata, run_redactor(self.config))

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_header(self, cells: list[str]) -> None:
        cells[1:1] = [
            '<th class="sortable" data-column-type="gate">Gate</th>',
            '<th class="sortable" data-column-type="phase">Phase</th>',
            '<th class="sortable" data-column-type="cutover">Status</th>',
        ]

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_row(self, report: pytest.TestReport, cells: list[str]) -> None:
        run = self.run
        state = run.checks.get(report.nodeid) if run is not None else None
        gate, phase, status = ("", "", "")
        if state is not None:
            gate, phase, status = state.gate.id, state.gate.phase, state.outcome.value.upper()
        cells[1:1] = [
            f'<td class="col-gate">{escape(gate)}</td>',
            f'<td class="col-phase">{escape(phase)}</td>',
            f'<td class="col-cutover">{escape(status)}</td>',
        ]

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_summary(
        self, prefix: list[str], summary: list[str], postfix: list[str], session: Any
    ) -> None:
        run = self.run
        decision = run.decision if run is not None else None
        if decision is None:
            return
        rows = "".join(
            f"<tr><td>{escape(r.gate.id)}</td><td>{escape(r.gate.title)}</td>"
            f"<td>{escape(r.gate.phase)}</td><td>{escape(r.status.value)}</td>"
            f"<td>{escape(r.counts())}</td></tr>"
            for r in decision.gates
        )
        reasons = "".join(f"<li>{escape(reason)}</li>" for reason in decision.reasons)
        warnings = "".join(f"<li>{escape(warning)}</li>" for warning in decision.warnings)
        kind = "go" if decision.go else "no-go"
        prefix.append(
            f'{_STYLE}<div class="cutover-decision {kind}">'
            f"<h3>Cutover decision: {escape(decision.verdict.value)}</h3>"
            f"<p>{escape(decision.name)}</p>"
            + (f"<p>Reasons:</p><ul>{reasons}</ul>" if reasons else "")
            + (f"<p>Warnings:</p><ul>{warnings}</ul>" if warnings else "")
            + '<table class="cutover-gates"><tr><th>Gate</th><th>Title</th><th>Phase</th>'
            f"<th>Status</th><th>Checks</th></tr>{rows}</table></div>"
        )
