"""Run the declared checks of one gate at the same time, on a bounded pool of threads.

pytest still reports each check in order, one after the other: when the first
declared check of a gate is set up, every declared check of that gate is handed
to the pool, and each item's ``runtest`` waits for its own result. Gates stay in
order: the pool never sees a check of gate N+1 before gate N has been reported.
Each task records its own process starts (the audit hook's recorder lives in the
task's context), so commands are attributed to the right check and the mutation
guard applies to each. A task that pytest can no longer wait for (a timeout
fired, the run was interrupted) is cancelled: its commands are killed at once.

With one worker, or ``--cutover-fail-fast=check``, each declared check is handed
to the pool alone when it is set up, so that they run one after another and
pytest's thread still only waits: while it waits it shows the check's progress
(:mod:`pytest_cutover.run.progress`).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

import pytest

from cutover_checks.cancel import Cancellation, cancellable
from cutover_checks.result import CheckResult
from cutover_checks.retry import RetryProgress
from pytest_cutover import messages
from pytest_cutover.model.decision import Outcome
from pytest_cutover.model.failfast import FailFast
from pytest_cutover.run.items import STARTED_AHEAD_KEY, PlanCheckItem
from pytest_cutover.run.logs import CHECK_ID, LOG
from pytest_cutover.run.observations import command_records
from pytest_cutover.run.state import refuse_mutation
from pytest_cutover.safety.audit import ProcessStart, Recorder, recording

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

    from pytest_cutover.run.progress import ProgressDisplay
    from pytest_cutover.run.state import CheckState, RunState


class Execution(NamedTuple):
    """What running one check in the pool produced: a result or an error, and its processes."""

    result: CheckResult | None
    error: BaseException | None
    #: In seconds since the epoch.
    started: float
    finished: float
    starts: Sequence[ProcessStart] = ()
    #: What the mutation guard refused the check, if it refused anything.
    refused: BaseException | None = None


class Handle:
    """One check handed to the pool: its future, and what it did so far (readable while it runs)."""

    __slots__ = (
        "begun",
        "cancellation",
        "display",
        "future",
        "label",
        "nodeid",
        "progress",
        "recorder",
    )

    def __init__(
        self,
        recorder: Recorder,
        label: str = "",
        progress: RetryProgress | None = None,
        display: ProgressDisplay | None = None,
        nodeid: str = "",
    ) -> None:
        self.recorder = recorder
        #: The check's id, for its progress and its log records, and its item's node id.
        self.label, self.nodeid = label, nodeid
        #: The attempts of a retried check, kept up to date by the task.
        self.progress = progress
        #: Shows the check's progress while pytest waits for it.
        self.display = display
        self.cancellation = Cancellation()
        self.future: Future[Execution] | None = None
        #: When a worker started the check (``time.monotonic()``); None while it waits for one.
        self.begun: float | None = None

    def execution(self) -> Execution | None:
        """The check's execution, if it has finished."""
        future = self.future
        if future is None or not future.done() or future.cancelled():
            return None
        return future.result()

    def stop(self) -> None:
        """Cancel the check (kill its commands, start none) and wait until it has ended."""
        self.cancellation.cancel()
        future = self.future
        if future is not None and not future.cancel():
            from concurrent.futures import wait  # noqa: PLC0415 - see GatePool.submit

            wait([future])

    def wait(self) -> CheckResult:
        """The check's result (or its error, raised here), waited for; stopped when the wait
        is interrupted (a timeout plugin's alarm, SIGTERM, Ctrl-C), so that none of its
        commands outlives it."""
        future = self.future
        assert future is not None
        try:
            self._watch(future)
            execution = future.result()
        except BaseException:
            self.stop()
            raise
        if execution.error is not None:
            raise execution.error
        assert execution.result is not None
        return execution.result

    def _watch(self, future: Future[Execution]) -> None:
        """Wait for the check, showing its progress every little while; the display is
        cleared before pytest writes again."""
        display = self.display
        if display is None:
            return
        from concurrent.futures import wait  # noqa: PLC0415 - see GatePool.submit

        display.begin()
        try:
            while future not in wait([future], timeout=display.every).done:
                display.show(self)
        finally:
            display.end(self)


def execute(check: Callable[[], CheckResult], handle: Handle) -> Execution:
    """Run ``check`` with its handle's recorder, keeping an error instead of raising it;
    the log records it makes start with its id."""
    handle.begun = time.monotonic()
    named = CHECK_ID.set(handle.label or None)
    try:
        return _run(check, handle)
    finally:
        CHECK_ID.reset(named)


def _run(check: Callable[[], CheckResult], handle: Handle) -> Execution:
    recorder = handle.recorder
    started = time.time()
    LOG.info(messages.LOG_CHECK_STARTED)
    try:
        with cancellable(handle.cancellation), recording(recorder):
            result = check()
    except BaseException as error:  # handed to the item, which raises it in pytest's thread
        finished = time.time()
        LOG.info(messages.LOG_CHECK_RAISED, type(error).__name__, error)
        return Execution(None, error, started, finished, recorder.starts, recorder.refused)
    finished = time.time()
    verdict = messages.LOG_HELD if result.ok else messages.LOG_NOT_HELD
    LOG.info(messages.LOG_CHECK_ENDED, verdict, finished - started, result.message)
    return Execution(result, None, started, finished, recorder.starts, recorder.refused)


class GatePool:
    """A bounded thread pool, created on first use and shut down with the run."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._executor: ThreadPoolExecutor | None = None

    def submit(
        self,
        check: Callable[[], CheckResult],
        guard: Callable[[ProcessStart], None] | None,
        *,
        label: str = "",
        progress: RetryProgress | None = None,
        display: ProgressDisplay | None = None,
        nodeid: str = "",
    ) -> Handle:
        """Start ``check`` as soon as a worker is free; its handle names it (``label``, the
        ``nodeid`` of its item), follows its attempts (``progress``) and shows them on
        ``display``."""
        if self._executor is None:
            # Imported when a declared check first runs: a run without any starts no thread.
            from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

            self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="cutover-check")
        handle = Handle(Recorder(guard=guard), label, progress, display, nodeid)
        handle.future = self._executor.submit(execute, check, handle)
        return handle

    def shutdown(self) -> None:
        """Cancel what has not started; let what runs finish within its own timeout."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


class GateStarter:
    """Starts the declared checks of a gate ahead, when its first one is set up, and keeps
    each one's handle until pytest runs (or never runs) that check."""

    def __init__(self, run: RunState, display: ProgressDisplay | None = None) -> None:
        self.run = run
        self.pool = GatePool(run.settings.workers)
        #: Shows the progress of the check pytest waits for (None: shows none).
        self.display = display
        #: The declared checks running (or run) ahead of their turn in pytest, by nodeid.
        self.running_ahead: dict[str, Handle] = {}

    def start_gate(self, first: pytest.Item, first_state: CheckState) -> None:
        """Hand every declared check of the gate of ``first`` from it on to the pool at once;
        only ``first`` when checks run one at a time, or when it runs again (a rerun)."""
        run = self.run
        settings = run.settings
        if STARTED_AHEAD_KEY in first.stash:
            return
        alone = (
            settings.workers == 1
            or settings.fail_fast is FailFast.CHECK  # needs each result before the next
            or bool(first_state.attempts)
        )
        items = first.session.items
        position = items.index(first)
        gate = first_state.gate
        guard = functools.partial(refuse_mutation, run) if first_state.preflight else None
        for item in [first] if alone else items[position:]:
            state = run.checks.get(item.nodeid)
            if state is None or state.gate.id != gate.id or item.nodeid in self.running_ahead:
                continue
            blocked = state.flags.mutating and not settings.allow_mutation
            if isinstance(item, PlanCheckItem) and not blocked:
                progress = RetryProgress() if item.check.retry is not None else None
                handle = self.pool.submit(
                    functools.partial(item.evaluate, progress),
                    guard,
                    label=item.check.id,
                    progress=progress,
                    display=self.display,
                    nodeid=item.nodeid,
                )
                item.stash[STARTED_AHEAD_KEY] = self.running_ahead[item.nodeid] = handle

    def handle(self, nodeid: str) -> Handle | None:
        """The handle of the check ``nodeid``, if it was started ahead."""
        return self.running_ahead.get(nodeid)

    def take(self, nodeid: str) -> Handle | None:
        """The handle of the check ``nodeid``, which pytest has finished with."""
        return self.running_ahead.pop(nodeid, None)

    def close(self) -> None:
        """The session ends: nothing started ahead may go on running, and checks the pool ran
        but pytest never reported (the session stopped) keep their commands as evidence, so
        that every process that ran is on record."""
        for handle in self.running_ahead.values():
            handle.cancellation.cancel()  # never reported: nothing of it may go on running
        self.pool.shutdown()
        run = self.run
        for nodeid, handle in self.running_ahead.items():
            state = run.checks[nodeid]
            execution = handle.execution()
            if state.outcome is Outcome.NOT_RUN and (execution or handle.recorder.starts):
                results = [execution.result] if execution and execution.result else []
                state.commands = command_records(
                    results, handle.recorder.starts, run.redact, failing=True
                )
                state.message = messages.RAN_NOT_REPORTED
        self.running_ahead.clear()
