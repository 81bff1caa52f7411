"""Gatekeeping: block a check in its setup, record its processes, settle its reports.

A check is blocked in ``pytest_runtest_setup`` when fail-fast says an earlier
failure blocks it (or it is mutating and mutation is not allowed). From its setup
to its teardown every process it starts is recorded, and the mutation guard
watches those of a preflight check. Each report is settled where pytest settles
outcomes: in ``makereport``.

Like pytest's own ``skipping.py`` for xfail, a ``pytest_runtest_makereport``
wrapper decides before any reader sees the report, so the terminal, JUnit XML,
pytest-html, ``-x``/``--maxfail``, pytest-rerunfailures and every other plugin
see one outcome:

- secrets are redacted from the report's text, skip or xfail reason, captured
  output and user properties (collect reports, warnings and live logs get the
  same redactor through the run's lookout, with :mod:`pytest_cutover.run.redaction`);
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

import functools
import time
from collections.abc import Generator, Mapping
from datetime import datetime, timezone

import pytest

from pytest_cutover import messages
from pytest_cutover.model.decision import FAILING, Outcome
from pytest_cutover.model.failfast import Failure, block_reason
from pytest_cutover.model.vocabulary import settled_message
from pytest_cutover.model.waivers import active_waiver
from pytest_cutover.run.concurrency import GateStarter
from pytest_cutover.run.items import VERDICT_KEY, PlanCheckItem, SignoffItem
from pytest_cutover.run.observations import RESULTS_KEY, command_records, results_of
from pytest_cutover.run.redaction import redact_report
from pytest_cutover.run.state import CheckState, RunState, refuse_mutation
from pytest_cutover.safety.audit import Attachment, ProcessStart, Recorder, Relay, attach, detach

#: The name :class:`Gatekeeper` is registered under.
GATEKEEPER_NAME = "cutover-gatekeeper"
#: The name :class:`StatusWords` is registered under.
STATUS_WORDS_NAME = "cutover-status-words"


class Running:
    """The check pytest is running now, and the recording of its processes."""

    __slots__ = ("charged", "item", "left", "recorder", "state")

    def __init__(self, item: pytest.Item, state: CheckState, recorder: Recorder) -> None:
        self.item = item
        self.state = state
        self.recorder = recorder
        #: Whether a refused command has failed one of its reports already.
        self.charged = False
        #: The outcome the gatekeeper left each of its reports with.
        self.left: dict[str, str] = {}


class StatusWords:
    """The status of a blocked, waived or advisory check in pytest's terminal output.

    Registered from the first check that needs them on, because pytest asks every
    report of the run for its status.
    """

    def __init__(self, checks: Mapping[str, CheckState]) -> None:
        self.checks = checks

    def pytest_report_teststatus(
        self, report: pytest.TestReport
    ) -> tuple[str, str, tuple[str, dict[str, bool]]] | None:
        if report.outcome != "skipped":
            return None
        state = self.checks.get(report.nodeid)
        if state is None:
            return None
        if state.outcome is Outcome.BLOCKED and report.when == "setup":
            return "blocked", "B", ("BLOCKED", {"yellow": True})
        if state.settled is Outcome.WAIVED:
            return "waived", "W", ("WAIVED", {"yellow": True})
        if state.settled is Outcome.WARNED:
            return "warned", "w", ("WARN", {"yellow": True})
        return None


#: The name :class:`ReportLog` is registered under.
REPORT_LOG_NAME = "cutover-report-log"


class ReportLog:
    """Hands each logged report to the gatekeeper, once there is one.

    Registered when the run opens, so in a run with a plan before the conftests of
    subfolders: pytest calls a ``tryfirst`` hook registered later first, so this one
    reads a report after such a conftest rewrote it in ``pytest_runtest_logreport``,
    and the gatekeeper turns a failure made a pass back into a failure before the
    terminal and JUnit read it.
    """

    def __init__(self) -> None:
        self.gatekeeper: Gatekeeper | None = None

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.gatekeeper is not None:
            self.gatekeeper.log_report(report)


class Gatekeeper:
    """Registered once collection found a cutover run, after every conftest, so that its
    ``makereport`` wrapper is outside theirs: one outcome for every reader of a report."""

    def __init__(self, config: pytest.Config, run: RunState, starter: GateStarter) -> None:
        self.config = config
        self.run = run
        self.starter = starter
        self.running: Running | None = None
        #: Points the audit hook at the running check.
        self.relay = Relay()
        self.attachment: Attachment | None = None
        self.status_words = StatusWords(run.checks)

    def attach(self) -> None:
        """Point the audit hook at this gatekeeper's relay (when checks were selected)."""
        self.attachment = attach(self.relay)

    def show_status_words(self) -> None:
        """From the first check that needs them on: BLOCKED, WAIVED and WARN in the terminal."""
        if not self.config.pluginmanager.is_registered(self.status_words):
            self.config.pluginmanager.register(self.status_words, STATUS_WORDS_NAME)

    # -- setup: block, or start recording -------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        run = self.run
        state = run.checks.get(item.nodeid)
        if state is None:
            return
        self._begin(item, state)
        settings = run.settings
        cause = block_reason(settings.fail_fast, state.gate, run.failures) if run.failures else None
        if cause is None and state.flags.mutating and not settings.allow_mutation:
            cause = messages.BLOCKED_MUTATING
        if cause is not None:
            state.outcome, state.reason = Outcome.BLOCKED, cause
            self.show_status_words()
            pytest.skip(messages.BLOCKED.format(cause=cause))
        if state.declared:
            self.starter.start_gate(item, state)

    def _begin(self, item: pytest.Item, state: CheckState) -> None:
        """Record every process the check starts, from its setup to its teardown."""
        if self.running is not None:  # its teardown was never reported
            self.finish(stopped=True)
        if state.started is not None:  # it ran before: pytest-rerunfailures runs it again
            _next_attempt(item, state)
        guard = functools.partial(refuse_mutation, self.run) if state.preflight else None
        recorder = self.relay.to = Recorder(guard=guard)
        self.running = Running(item, state, recorder)
        state.started = time.time()

    def finish(self, stopped: bool = False) -> None:
        """Stop recording the running check, and keep what it observed as evidence
        (all of its output when it failed, or when the session ``stopped`` inside it)."""
        running, self.running = self.running, None
        if running is None:
            return
        self.relay.to = None
        redact = self.run.redact
        state = running.state
        running.recorder.close(functools.partial(_late, state))
        state.finished = time.time()
        starts = running.recorder.starts
        handle = self.starter.take(state.nodeid) if state.declared else None
        results = results_of(running.item)
        seen_by_item = bool(results)
        if handle is not None:
            execution = handle.execution()
            if execution is not None:
                # Its own run time: pytest's reports of it timed mostly the wait for the pool.
                state.started, state.finished = execution.started, execution.finished
                state.duration = execution.finished - execution.started
                unrecorded = execution.result  # the item stopped waiting for it (a timeout)
                if unrecorded is not None and unrecorded not in results:
                    results, seen_by_item = [*results, unrecorded], False
            handle.recorder.close(functools.partial(_late, state))
            starts = [*handle.recorder.starts, *starts]
        if results or starts:
            failing = stopped or state.outcome in FAILING
            state.warnings = tuple(redact(w) for r in results for w in r.warnings)
            state.commands = command_records(results, starts, redact, failing=failing)
        # A result the item stopped waiting for is evidence, not why the check ended.
        if seen_by_item and state.outcome is not Outcome.BLOCKED and not state.disagreement:
            state.message = redact(results[-1].message)

    def close(self) -> None:
        """The session ends: the check it stopped in the middle of is finished, and the
        audit hook let go."""
        self.finish(stopped=True)
        if self.attachment is not None:
            detach(self.attachment)
            self.attachment = None

    def refused(self, state: CheckState) -> BaseException | None:
        """What the mutation guard refused the running check, if it refused anything."""
        running = self.running
        if running is None or running.state is not state:
            return None
        handle = self.starter.handle(state.nodeid)
        if handle is not None and handle.recorder.refused is not None:
            return handle.recorder.refused
        return running.recorder.refused

    # -- makereport: one outcome for every reader ------------------------------------

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
        running = self.running
        if state is None or running is None or running.state is not state:
            return report
        disagreement = _disagreement(item, call, report)
        if disagreement is not None:
            state.disagreement = run.redact(disagreement)
            _fail(report, state, state.disagreement)
        refused = self.refused(state)
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
        self.show_status_words()
        state.message = state.message or report_message(report)
        path, line, _ = report.location
        report.outcome = "skipped"
        why = settled_message(state.settled, state.reason or state.message)
        report.longrepr = (path, (line or 0) + 1, why)

    # -- logreport: record what each report says -------------------------------------

    def log_report(self, report: pytest.TestReport) -> None:
        """Record what the report says of its check (settled already, in ``makereport``);
        called by the run's :class:`ReportLog`."""
        run = self.run
        state = run.checks.get(report.nodeid)
        if state is None:
            return
        running = self.running
        if running is not None and running.state is state:
            left = running.left.get(report.when)
            if disagrees(left, report.outcome):  # changed by a plugin outside the gatekeeper
                state.disagreement = messages.REPORT_DISAGREES.format(
                    reported=report.outcome, truth=messages.SETTLED_AS.format(outcome=left)
                )
                report.outcome = "failed"
                report.longrepr = messages.CHECK_FAILED.format(
                    check=state.check_id, problem=state.disagreement
                )
        state.duration += report.duration
        # A passed setup or teardown changes nothing but the duration.
        if report.outcome != "passed" or report.when == "call":
            was_failing = state.outcome in FAILING
            apply_report(state, report)
            if report.failed and state.outcome in FAILING and not was_failing:
                run.failures.append(Failure(state.check_id, state.gate))
        if report.when == "teardown":
            if report.sections:
                state.output = tuple((title, text) for title, text in report.sections if text)
            self.finish()


def apply_report(state: CheckState, report: pytest.TestReport) -> None:
    """Bring ``state``'s outcome and message up to date with one more of its reports."""
    if state.disagreement:
        state.outcome, state.message = Outcome.ERROR, state.disagreement
    else:
        state.outcome = state.settled or next_outcome(state.outcome, report)
    if report.outcome != "passed" and not state.message:
        state.message = report_message(report)


def next_outcome(current: Outcome, report: pytest.TestReport) -> Outcome:
    """A check's outcome after one more of its reports (setup, call or teardown).

    pytest-rerunfailures reports an attempt it will run again as "rerun": that
    attempt failed (its next attempt starts from nothing).
    """
    outcome, when = report.outcome, report.when
    if outcome in ("failed", "rerun"):
        if when == "call" or current is Outcome.FAILED:
            return Outcome.FAILED
        return Outcome.ERROR
    if outcome == "skipped":
        if current is Outcome.BLOCKED:
            return current
        return Outcome.XFAILED if hasattr(report, "wasxfail") else Outcome.SKIPPED
    if when == "call":
        return Outcome.XPASSED if hasattr(report, "wasxfail") else Outcome.PASSED
    return current


def _next_attempt(item: pytest.Item, state: CheckState) -> None:
    """Keep the attempt that ended as evidence; the check starts again from nothing."""
    attempts = state.attempts = state.attempts or []
    attempts.append(state.last_attempt())
    state.outcome, state.reason, state.message, state.settled = Outcome.NOT_RUN, "", "", None
    state.duration, state.commands, state.warnings, state.output = 0.0, (), (), ()
    state.disagreement = ""
    if RESULTS_KEY in item.stash:
        item.stash[RESULTS_KEY] = []


def _late(state: CheckState, start: ProcessStart) -> None:
    """Keep a process a thread of ``state`` started after the check had ended."""
    if state.late is None:
        state.late = []
    state.late.append(start)


def keep_late_starts(run: RunState) -> None:
    """Processes a check's threads started after the check ended: on its record, as late."""
    for state in run.checks.values():
        if state.late:
            late = command_records((), state.late, run.redact, failing=True)
            for record in late:
                record["source"] = "blocked" if record["source"] == "blocked" else "late"
            state.commands = [*state.commands, *late]


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


def disagrees(left: str | None, logged: str) -> bool:
    """Whether a report reached the log as a pass although it was settled as something else
    (a plugin outside this wrapper changed it); a rerun's "rerun" is no disagreement.

    >>> disagrees("failed", "passed"), disagrees("failed", "rerun"), disagrees(None, "passed")
    (True, False, False)
    """
    return left is not None and left != "passed" and logged == "passed"
