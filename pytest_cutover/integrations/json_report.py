"""pytest-json-report integration: the cutover decision in the ``--json-report`` file.

Registered only when pytest-json-report writes a report (``--json-report``); it adds a
``cutover`` key through that plugin's own ``pytest_json_modifyreport`` hook, so nothing
of it is imported here. The key holds the verdict, the cutover's name, each gate with its
status and its checks' outcomes, the gates out of scope, the reasons and warnings, the
exit status and what it means (:func:`decision_section`). A cutover run that selected no
check says so (``verdict`` null, with the terminal's sentence), never GO.

pytest-json-report builds its report in a ``tryfirst`` ``pytest_sessionfinish`` that
pytest may call before the one that decides, so the hook has the run decided first
(:meth:`~pytest_cutover.run.session.SessionEnd.finish` decides once), and the report's
own ``exitcode`` is the one the run ends with.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pytest_cutover import messages
from pytest_cutover.model.decision import Decision, Verdict
from pytest_cutover.run.keys import STATE_KEY
from pytest_cutover.run.session import SESSION_END_NAME, SessionEnd

#: The key of the report that holds the cutover.
KEY = "cutover"


def exit_meaning(code: int, decision: Decision | None, *, strict: bool) -> str:
    """What the run's exit status ``code`` means for the cutover.

    >>> exit_meaning(5, None, strict=False)
    'exit 5: no cutover decision was made; it says nothing of the cutover'
    """
    if decision is None:
        return messages.EXIT_NO_DECISION.format(code=code)
    verdict = decision.verdict.value
    if code == 0:
        return messages.EXIT_PROCEED.format(code=code, verdict=verdict)
    if not decision.go:
        return messages.EXIT_DECIDED_STOP.format(code=code, verdict=verdict)
    if decision.verdict is Verdict.CONDITIONAL_GO and strict:
        return messages.EXIT_STRICT_STOP.format(code=code)
    return messages.EXIT_OTHER_STOP.format(code=code, verdict=verdict)


def decision_section(
    decision: Decision, code: int, *, strict: bool, redact: Callable[[str], str]
) -> dict[str, Any]:
    """The report's ``cutover`` key for a decided run; every sentence redacted."""
    return {
        "verdict": decision.verdict.value,
        "go": decision.go,
        "name": redact(decision.name),
        "gates": [
            {
                "id": result.gate.id,
                "title": redact(result.gate.title),
                "phase": result.gate.phase,
                "status": result.status.value,
                "checks": [
                    {"id": check.check_id, "outcome": check.outcome.value}
                    for check in result.checks
                ],
            }
            for result in decision.gates
        ],
        "out_of_scope": [{"id": gate.id, "phase": gate.phase} for gate in decision.out_of_scope],
        "reasons": [redact(reason) for reason in decision.reasons],
        "warnings": [redact(warning) for warning in decision.warnings],
        "exit_status": code,
        "exit_meaning": exit_meaning(code, decision, strict=strict),
    }


def undecided_section(code: int, note: str) -> dict[str, Any]:
    """The report's ``cutover`` key for a cutover run without a decision: never GO.

    >>> undecided_section(0, "no cutover check selected: no cutover decision")["verdict"] is None
    True
    """
    return {
        "verdict": None,
        "go": False,
        "note": note,
        "exit_status": code,
        "exit_meaning": exit_meaning(code, None, strict=False),
    }


class JsonReportDecision:
    """Registered with ``--json-report``: writes the decision into pytest-json-report's report."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.session: pytest.Session | None = None

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.session = session

    @pytest.hookimpl(optionalhook=True)
    def pytest_json_modifyreport(self, json_report: dict[str, Any]) -> None:
        config, session = self.config, self.session
        run = config.stash.get(STATE_KEY, None)
        if run is None or not run.cutover or session is None:
            return  # not a cutover run: the plugin is inert
        ending = config.pluginmanager.get_plugin(SESSION_END_NAME)
        if isinstance(ending, SessionEnd):
            ending.finish(session, session.exitstatus)
        code = int(session.exitstatus)
        json_report["exitcode"] = code
        decision = run.decision
        if decision is not None:
            json_report[KEY] = decision_section(
                decision, code, strict=run.settings.strict, redact=run.redact
            )
        elif run.no_decision:
            json_report[KEY] = undecided_section(code, messages.NO_CUTOVER_SELECTED)
        else:
            json_report[KEY] = undecided_section(code, messages.NO_DECISION_MADE)
