"""Try a check again until it holds: "healthy within N minutes" after T0.

Bounded three ways: a number of attempts, a pause between them, and an
optional deadline after which no new attempt starts. A cancelled check
(:mod:`cutover_checks.cancel`) stops at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from cutover_checks.cancel import pause
from cutover_checks.errors import InvalidArgument
from cutover_checks.result import CheckResult, CommandRun


def retry(
    check: Callable[[], CheckResult],
    *,
    attempts: int,
    interval: float,
    deadline: float | None = None,
) -> CheckResult:
    """Run ``check`` until it holds, at most ``attempts`` times, ``interval`` seconds apart.

    No attempt starts more than ``deadline`` seconds after the first. The last
    result is returned with the count of attempts and every command they ran.

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
        result = check()
        commands.extend(result.commands)
        elapsed = time.monotonic() - started
        out_of_time = deadline is not None and elapsed + interval > deadline
        if result.ok or attempt == attempts or out_of_time or pause(interval):
            break
    details = {**result.details, "attempts": attempt, "elapsed": round(elapsed, 3)}
    message = result.message
    if attempt > 1:
        message = f"{message} (after {attempt} attempts in {elapsed:.1f}s)"
    return CheckResult(result.ok, message, details, tuple(commands), result.warnings)
