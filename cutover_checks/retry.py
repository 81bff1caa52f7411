"""Try a check again until it holds: "healthy within N minutes" after T0.

Bounded three ways: a number of attempts, a pause between them, and an
optional deadline after which no new attempt starts. A cancelled check
(:mod:`cutover_checks.cancel`) stops at once.

Where a retried check is (which attempt, when the next one starts) can be read
from another thread while it runs, through a :class:`RetryProgress` handed to
:func:`retry`; each attempt's outcome is logged on the ``cutover_checks`` logger.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import NamedTuple

from cutover_checks.cancel import pause
from cutover_checks.errors import InvalidArgument
from cutover_checks.result import CheckResult, CommandRun

#: One logger for the library: whoever runs the checks can filter all of its records at once.
LOG = logging.getLogger("cutover_checks")


class Attempt(NamedTuple):
    """Where a retried check is: attempt ``number`` of ``attempts``."""

    number: int
    attempts: int
    #: When the next attempt starts (``time.monotonic()``), while the check pauses; else None.
    next_at: float | None = None


class RetryProgress:
    """The attempt a retried check is at, written by the thread that runs it and readable
    from any other.

    >>> progress = RetryProgress()
    >>> _ = retry(lambda: CheckResult(True, "up"), attempts=3, interval=1, progress=progress)
    >>> progress.now()
    Attempt(number=1, attempts=3, next_at=None)
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._now: Attempt | None = None

    def now(self) -> Attempt | None:
        """The attempt running or last run, or None before the first one."""
        with self._lock:
            return self._now

    def update(self, attempt: Attempt) -> None:
        """Record where the check is (called by :func:`retry`)."""
        with self._lock:
            self._now = attempt


def retry(
    check: Callable[[], CheckResult],
    *,
    attempts: int,
    interval: float,
    deadline: float | None = None,
    progress: RetryProgress | None = None,
) -> CheckResult:
    """Run ``check`` until it holds, at most ``attempts`` times, ``interval`` seconds apart.

    No attempt starts more than ``deadline`` seconds after the first. The last
    result is returned with the count of attempts and every command they ran.
    ``progress``, when given, is kept up to date with each attempt and pause.

    >>> retry(lambda: CheckResult(True, "up"), attempts=3, interval=1).details["attempts"]
    1
    """
    if attempts < 1:
        raise InvalidArgument("retry.attempts", f"{attempts} must be at least 1")
    if interval < 0:
        raise InvalidArgument("retry.interval", f"{interval} must not be negative")
    started = time.monotonic()
    commands: list[CommandRun] = []
    for attempt in range(1, attempts + 1):
        if progress is not None:
            progress.update(Attempt(attempt, attempts))
        result = check()
        commands.extend(result.commands)
        elapsed = time.monotonic() - started
        out_of_time = deadline is not None and elapsed + interval > deadline
        last = result.ok or attempt == attempts or out_of_time
        _log_attempt(attempt, attempts, result, None if last else interval)
        if last:
            break
        if progress is not None:
            progress.update(Attempt(attempt, attempts, time.monotonic() + interval))
        if pause(interval):
            break
    details = {**result.details, "attempts": attempt, "elapsed": round(elapsed, 3)}
    message = result.message
    if attempt > 1:
        message = f"{message} (after {attempt} attempts in {elapsed:.1f}s)"
    return CheckResult(result.ok, message, details, tuple(commands), result.warnings)


def _log_attempt(number: int, attempts: int, result: CheckResult, next_in: float | None) -> None:
    held = "held" if result.ok else "did not hold"
    if next_in is None:
        LOG.info("attempt %d/%d %s: %s", number, attempts, held, result.message)
    else:
        LOG.info(
            "attempt %d/%d %s: %s; next attempt in %g s",
            number,
            attempts,
            held,
            result.message,
            next_in,
        )
