"""Stop a check that runs in another thread: kill its processes, end its pauses.

A check run inside :func:`cancellable` can be stopped from any other thread with
:meth:`Cancellation.cancel`: the process group of every command it has running
is killed at once, it starts no new command, and a pause between retries ends
at once. What the check returns then says what happened to its commands. This
is how a caller bounds a check it can no longer wait for (an interrupted run, a
timeout that fired while the check ran on a worker thread).

>>> with cancellable() as cancellation:
...     cancellation.cancel()
...     pause(60)
True
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextvars import ContextVar


class Cancellation:
    """The commands of one check run, killable from another thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._groups: set[int] = set()
        self._cancelled = threading.Event()

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """Kill every command of the check now, and every one it starts from now on."""
        with self._lock:
            self._cancelled.set()
            groups = list(self._groups)
        for group in groups:
            _kill(group)

    def started(self, group: int) -> bool:
        """Track a command's process group; False (and killed) when already cancelled."""
        with self._lock:
            if not self._cancelled.is_set():
                self._groups.add(group)
                return True
        _kill(group)
        return False

    def ended(self, group: int) -> None:
        """The command of ``group`` is over."""
        with self._lock:
            self._groups.discard(group)

    def wait(self, seconds: float) -> bool:
        """Sleep ``seconds`` unless cancelled first; whether it was cancelled."""
        return self._cancelled.wait(seconds)


_CURRENT: ContextVar[Cancellation | None] = ContextVar("cutover_checks_cancel", default=None)


@contextlib.contextmanager
def cancellable(cancellation: Cancellation | None = None) -> Iterator[Cancellation]:
    """Run the checks of this block so that another thread can cancel them (with
    ``cancellation``, made beforehand, or a new one)."""
    cancellation = cancellation or Cancellation()
    token = _CURRENT.set(cancellation)
    try:
        yield cancellation
    finally:
        _CURRENT.reset(token)


def current() -> Cancellation | None:
    """The cancellation of the check running in this context, if any."""
    return _CURRENT.get()


def pause(seconds: float) -> bool:
    """Sleep between attempts; True when the check was cancelled meanwhile (stop then)."""
    cancellation = _CURRENT.get()
    if cancellation is None:
        time.sleep(seconds)
        return False
    return cancellation.wait(seconds)


def _kill(group: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)
