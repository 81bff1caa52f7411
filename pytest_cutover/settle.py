"""Settle each report of a cutover check where pytest settles outcomes: in ``makereport``.

Like pytest's own ``skipping.py`` for xfail, a ``pytest_runtest_makereport``
wrapper decides before any reader sees the report, so the terminal, JUnit XML,
pytest-html, ``-x``/``--maxfail``, pytest-rerunfailures and every other plugin
see one outcome:

- secrets are redacted from the report's text and captured output;
- a report another plugin turned into a pass, although the check failed (its
  own result for a declared check, an exception for a Python test), fails, and
  the check is recorded as an ERROR;
- a command the mutation guard refused fails the check, also when the test
  caught the refusal;
- a failure covered by a valid waiver is WAIVED, an advisory check's failure
  WARN: both skipped, with their reason.

Registered once collection found a cutover run, after every conftest, so that
its wrapper is outside theirs.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import pytest

from pytest_cutover import messages
from pytest_cutover.decision import Outcome
from pytest_cutover.items import VERDICT_KEY, PlanCheckItem, SignoffItem
from pytest_cutover.waivers import active_waiver

if TYPE_CHECKING:
    from pytest_cutover.engine import CheckState, CutoverRun

#: The name :class:`Gatekeeper` is registered under.
GATEKEEPER_NAME = "cutover-gatekeeper"


class Gatekeeper:
    """The run's ``makereport`` wrapper: one outcome for every reader of a report."""

    def __init__(self, run: CutoverRun) -> None:
        self.run = run

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        run = self.run
        if report.longrepr is not None or report.sections:
            redact_report(report, run.redact)
        state = run.checks.get(report.nodeid)
        running = run.running
        if state is None or running is None or running.state is not state:
            return report
        disagreement = _disagreement(item, call, report)
        if disagreement is not None:
            state.disagreement = run.redact(disagreement)
            _fail(report, state, state.disagreement)
        refused = run.refused(state)
        if refused is not None and not running.charged and report.outcome != "skipped":
            running.charged = True
            state.message = run.redact(str(refused))
            _fail(report, state, state.message)
        if report.failed and disagreement is None:
            self._settle(state, report)
        running.left[report.when] = report.outcome
        return report

    def _settle(self, state: CheckState, report: pytest.TestReport) -> None:
        """A waived failure is WAIVED, an advisory check's failure WARN: both skipped."""
        run = self.run
        waiver = active_waiver(run.waivers, state.check_id, datetime.now(timezone.utc))
        if waiver is not None:
            run.applied.add(run.waivers.index(waiver))
            state.settled, state.reason = Outcome.WAIVED, f"{state.check_id} {waiver.describe()}"
        elif state.flags.advisory and not run.settings.strict:
            state.settled = Outcome.WARNED
        else:
            return
        run.show_status_words()
        state.message = state.message or report_message(report)
        path, line, _ = report.location
        report.outcome = "skipped"
        report.longrepr = (
            path,
            (line or 0) + 1,
            f"{state.settled.value}: {state.reason or state.message}",
        )


def _disagreement(
    item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport
) -> str | None:
    """Why a passed report cannot be true, if it cannot: the check failed by its own account."""
    if not report.passed:
        return None
    declared = report.when == "call" and type(item) in (PlanCheckItem, SignoffItem)
    if declared and not item.stash.get(VERDICT_KEY, False):
        truth = "did not hold"
    elif call.excinfo is not None:
        truth = f"raised {call.excinfo.typename}: {call.excinfo.value}"
    else:
        return None
    return messages.REPORT_DISAGREES.format(reported="passed", truth=truth)


def _fail(report: pytest.TestReport, state: CheckState, message: str) -> None:
    report.outcome = "failed"
    report.longrepr = f"cutover check {state.check_id} failed: {message}"


def report_message(report: pytest.TestReport) -> str:
    """The one line that says why a report did not pass: the crash message or skip reason."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):
        return str(longrepr[2])
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None:
        return str(crash.message)
    lines = str(longrepr or "").strip().splitlines()
    return lines[0] if lines else report.outcome


def redact_report(report: pytest.TestReport, redact: Callable[[str], str]) -> None:
    """Replace secrets in a report's failure text and captured output."""
    if report.longrepr is not None and not isinstance(report.longrepr, tuple):
        text = str(report.longrepr)
        cleaned = redact(text)
        if cleaned != text:
            report.longrepr = cleaned
    if report.sections:
        report.sections = [(title, redact(content)) for title, content in report.sections]


def disagrees(left: str | None, logged: str) -> bool:
    """Whether a report reached the log as a pass although it was settled as something else
    (a plugin outside this wrapper changed it); a rerun's "rerun" is no disagreement.

    >>> disagrees("failed", "passed"), disagrees("failed", "rerun"), disagrees(None, "passed")
    (True, False, False)
    """
    return left is not None and left != "passed" and logged == "passed"
