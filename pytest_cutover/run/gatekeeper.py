"""Settle each report of a cutover check where pytest settles outcomes: in ``makereport``.

Like pytest's own ``skipping.py`` for xfail, a ``pytest_runtest_makereport``
wrapper decides before any reader sees the report, so the terminal, JUnit XML,
pytest-html, ``-x``/``--maxfail``, pytest-rerunfailures and every other plugin
see one outcome:

- secrets are redacted from the report's text, skip or xfail reason, captured
  output and user properties (collect reports, warnings and live logs get the
  same redactor through the run's own hooks, with :func:`redact_report`,
  :func:`redact_warning` and :func:`redact_log_handlers`);
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

import logging
import os
import warnings
from collections.abc import Callable, Generator
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import pytest

from pytest_cutover import messages
from pytest_cutover.model.decision import Outcome
from pytest_cutover.model.vocabulary import settled_message
from pytest_cutover.model.waivers import active_waiver
from pytest_cutover.run.items import VERDICT_KEY, PlanCheckItem, SignoffItem
from pytest_cutover.safety.redact import MARKER, is_secret_name

if TYPE_CHECKING:
    from pytest_cutover.run.session import CheckState, CutoverRun

Redact = Callable[[str], str]

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
        if (
            report.longrepr is not None
            or report.sections
            or report.user_properties
            or hasattr(report, "wasxfail")
        ):
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
        why = settled_message(state.settled, state.reason or state.message)
        report.longrepr = (path, (line or 0) + 1, why)


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


def redact_report(report: pytest.TestReport | pytest.CollectReport, redact: Redact) -> None:
    """Replace secrets in a report's failure text or skip reason, its xfail reason, its
    captured output and its user properties (``record_property``)."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):
        path, line, reason = longrepr
        cleaned = redact(str(reason))
        if cleaned != reason:
            report.longrepr = (path, line, cleaned)
    elif longrepr is not None:
        text = str(longrepr)
        cleaned = redact(text)
        if cleaned != text:
            report.longrepr = cleaned
    wasxfail = getattr(report, "wasxfail", None)
    if isinstance(wasxfail, str) and wasxfail:
        report.wasxfail = redact(wasxfail)  # type: ignore[union-attr]  # set by pytest's skipping
    if report.sections:
        report.sections = [(title, redact(content)) for title, content in report.sections]
    properties = getattr(report, "user_properties", None)
    if properties:
        report.user_properties = [  # type: ignore[union-attr]  # test reports only
            (name, MARKER if is_secret_name(str(name)) else _redacted(redact, value))
            for name, value in properties
        ]


def _redacted(redact: Redact, value: object) -> object:
    """A property value redacted: a string as text, anything else as the text it shows."""
    if isinstance(value, str):
        return redact(value)
    shown = str(value)
    cleaned = redact(shown)
    return value if cleaned == shown else cleaned


def disagrees(left: str | None, logged: str) -> bool:
    """Whether a report reached the log as a pass although it was settled as something else
    (a plugin outside this wrapper changed it); a rerun's "rerun" is no disagreement.

    >>> disagrees("failed", "passed"), disagrees("failed", "rerun"), disagrees(None, "passed")
    (True, False, False)
    """
    return left is not None and left != "passed" and logged == "passed"


def redact_warning(warning_message: warnings.WarningMessage, redact: Redact) -> None:
    """Replace secrets in a recorded warning's text, keeping its category where it can."""
    message = warning_message.message
    text = str(message)
    cleaned = redact(text)
    if cleaned == text:
        return
    replacement: Warning | str = cleaned
    try:
        candidate = type(message)(cleaned) if isinstance(message, Warning) else cleaned
    except Exception:  # a warning class with a constructor of its own: keep the text
        candidate = cleaned
    if str(candidate) == cleaned:
        replacement = candidate
    warning_message.message = replacement


class RedactingFormatter(logging.Formatter):
    """A log handler's formatter whose every line goes through the redactor."""

    def __init__(self, inner: logging.Formatter, redact: Redact) -> None:
        super().__init__()
        self.inner = inner
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(self.inner.format(record))


#: The handlers of pytest's logging plugin that write where a person reads.
LOG_HANDLERS = ("log_cli_handler", "log_file_handler")


def redact_log_handlers(config: pytest.Config, redact: Redact) -> None:
    """Put the redactor into live logging (``--log-cli-level``) and ``--log-file``.

    pytest's logging plugin is found by its registered name and its handlers by
    what they are (``logging.StreamHandler``); a handler writing to the null device
    (no ``--log-file``) or none at all (no live logging) is left alone, so a run
    without them pays nothing.
    """
    plugin = config.pluginmanager.get_plugin("logging-plugin")
    for name in LOG_HANDLERS:
        handler = getattr(plugin, name, None)
        if not isinstance(handler, logging.StreamHandler):
            continue
        if isinstance(handler, logging.FileHandler) and handler.baseFilename == os.devnull:
            continue
        formatter = handler.formatter or logging.Formatter()
        if not isinstance(formatter, RedactingFormatter):
            handler.setFormatter(RedactingFormatter(formatter, redact))
