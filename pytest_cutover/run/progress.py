"""The progress of a declared check pytest waits for, shown without ``-v``.

While pytest waits for a declared check (:meth:`~pytest_cutover.run.concurrency.Handle.wait`,
in pytest's own thread), it looks every second or so, and this display says where
the check is: its id, the attempt of a retried check, the seconds it has run and
when its next attempt starts.

- On a terminal (the terminal reporter writes to a tty), one live line after
  what pytest has written on the current line, rewritten in place
  (carriage return, cursor forward past pytest's text, erase to the end of the
  line) and erased before pytest writes again, so its output is left as it was.
  Written with ``write_raw``, as pytest writes its own terminal progress
  sequences, so the terminal writer's idea of the current line is unchanged.
- Otherwise (a CI log, a pipe), and on a terminal with live logging on (its
  records are written from the checks' threads, into the same line), a plain
  line every ``--cutover-progress-interval`` seconds at most, begun on a new
  line the way pytest's live log begins one.

A check that ends within the first look shows nothing. Python checks (marked
tests) run in pytest's own thread, which is busy running them: nothing is shown
while they run but their log records (:mod:`pytest_cutover.run.logs`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

import pytest

from pytest_cutover import messages

if TYPE_CHECKING:
    from cutover_checks.retry import Attempt, RetryProgress

#: Seconds between two looks at a check on a terminal (its live line is rewritten as often).
LIVE_EVERY = 1.0
#: The fewest columns a live line is shown in; with less room left on the line, none is.
MIN_ROOM = 20
#: Carriage return, and erase from the cursor to the end of the line.
_RETURN, _ERASE = "\r", "\x1b[K"


class Watched(Protocol):
    """What the display reads of a check it waits for: a
    :class:`~pytest_cutover.run.concurrency.Handle`."""

    @property
    def label(self) -> str: ...

    @property
    def nodeid(self) -> str: ...

    @property
    def progress(self) -> RetryProgress | None: ...

    @property
    def begun(self) -> float | None: ...


def progress_text(
    check: str, now: float, since: float, attempt: Attempt | None, *, queued: bool = False
) -> str:
    """What to say of a check at ``now`` (``time.monotonic()``): running ``since`` then (or,
    ``queued``, waiting for a worker since then), at ``attempt`` when it is retried.

    >>> from cutover_checks.retry import Attempt
    >>> progress_text("api-up", 100.0, 58.2, Attempt(3, 10, next_at=111.5))
    'cutover check api-up: attempt 3/10, 41 s, next attempt in 12 s'
    >>> progress_text("build", 100.0, 75.0, None)
    'cutover check build: running, 25 s'
    """
    elapsed = int(now - since)
    if queued:
        return messages.PROGRESS_QUEUED.format(check=check, elapsed=elapsed)
    if attempt is None:
        return messages.PROGRESS_RUNNING.format(check=check, elapsed=elapsed)
    text = messages.PROGRESS_ATTEMPT.format(
        check=check, number=attempt.number, attempts=attempt.attempts, elapsed=elapsed
    )
    if attempt.next_at is None:
        return text
    seconds = max(0, round(attempt.next_at - now))
    return messages.PROGRESS_NEXT_ATTEMPT.format(progress=text, seconds=seconds)


class ProgressDisplay:
    """Shows the check pytest waits for, on pytest's terminal reporter, from pytest's thread."""

    def __init__(
        self, config: pytest.Config, reporter: pytest.TerminalReporter, interval: float
    ) -> None:
        self.reporter = reporter
        self.writer = config.get_terminal_writer()
        self.capture = config.pluginmanager.get_plugin("capturemanager")
        self.interval = interval
        self.live = _can_rewrite(config, self.reporter, self.writer)
        #: Seconds between two looks at the check.
        self.every = LIVE_EVERY if self.live else min(LIVE_EVERY, interval)
        self._waiting_since = 0.0
        self._last_line = 0.0
        self._shown = False
        self._lines = False

    @classmethod
    def of(cls, config: pytest.Config, interval: float) -> ProgressDisplay | None:
        """The run's display, or None: no terminal reporter (``-p no:terminal``), or
        ``--cutover-progress-interval=0``."""
        # pytest registers its terminal reporter (or a plugin's subclass of it, as
        # pytest-sugar does) under this name; pytest 8.3 does not export the class.
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if interval <= 0 or reporter is None:
            return None
        return cls(config, reporter, interval)

    def begin(self) -> None:
        """pytest starts waiting for a check."""
        self._waiting_since = self._last_line = time.monotonic()
        self._lines = False

    def show(self, check: Watched) -> None:
        """Say where ``check`` is, if it is time to."""
        now = time.monotonic()
        begun = check.begun
        progress = check.progress
        if begun is None:
            text = progress_text(check.label, now, self._waiting_since, None, queued=True)
        else:
            attempt = progress.now() if progress is not None else None
            text = progress_text(check.label, now, begun, attempt)
        if self.live:
            self._rewrite(text)
        elif now - self._last_line >= self.interval:
            self._last_line = now
            self._line(text)

    def end(self, check: Watched) -> None:
        """pytest stops waiting: the live line is erased, the cursor back after pytest's text;
        after plain lines, the test's file begins a line again for pytest's next letter
        (``-v`` writes the test's name again by itself)."""
        if self._shown:
            self._shown = False
            with self._uncaptured():
                self.writer.write_raw(_RETURN + _forward(self._column()) + _ERASE, flush=True)
        if self._lines:
            self._lines = False
            reporter = self.reporter
            if reporter.showlongtestinfo:
                return
            with self._uncaptured():
                if reporter.showfspath:
                    reporter.write_fspath_result(check.nodeid, "")
                else:
                    reporter.write("\n")

    def _column(self) -> int:
        return max(self.writer.width_of_current_line, 0)

    def _rewrite(self, text: str) -> None:
        column = self._column()
        room = self.writer.fullwidth - column - 2
        if room < MIN_ROOM:  # pytest's line is too long to add to
            if self._shown:
                self._shown = False
                with self._uncaptured():
                    self.writer.write_raw(_RETURN + _forward(column) + _ERASE, flush=True)
            return
        shown = (" " if column else "") + text[:room]
        if self.writer.hasmarkup:
            shown = self.writer.markup(shown, yellow=True)
        with self._uncaptured():
            self.writer.write_raw(_RETURN + _forward(column) + _ERASE + shown, flush=True)
        self._shown = True

    def _line(self, text: str) -> None:
        """One plain line, begun on a line of its own; pytest's next output ends it."""
        reporter = self.reporter
        with self._uncaptured():
            if reporter.currentfspath:
                reporter.ensure_newline()  # after pytest's dots or the -v line of the test
            elif self.writer.width_of_current_line:
                reporter.write("\n")  # after the previous progress line
            reporter.write(text, flush=True)
        self._lines = True

    @contextlib.contextmanager
    def _uncaptured(self) -> Iterator[None]:
        """pytest's output capture is off while the display writes (the check is in its call)."""
        if self.capture is None:
            yield
            return
        with self.capture.global_and_fixture_disabled():
            yield


def _forward(columns: int) -> str:
    """Move the cursor ``columns`` to the right (nothing for none)."""
    return f"\x1b[{columns}C" if columns > 0 else ""


def _can_rewrite(config: pytest.Config, reporter: pytest.TerminalReporter, writer: object) -> bool:
    """Whether the live line can be rewritten in place: a terminal that moves its cursor,
    a terminal writer that writes raw text, and no live logging into the same line."""
    if not bool(reporter.isatty) or os.environ.get("TERM") == "dumb":
        return False
    if not hasattr(writer, "write_raw"):
        return False
    logging_plugin = config.pluginmanager.get_plugin("logging-plugin")
    live_log = getattr(logging_plugin, "log_cli_handler", None)
    return not isinstance(live_log, logging.StreamHandler)
