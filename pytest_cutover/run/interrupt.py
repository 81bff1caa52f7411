"""SIGTERM and SIGHUP end a cutover run the way Ctrl-C does: NO-GO, exit 2, evidence written.

CI cancellation, ``timeout`` and a closed terminal send these signals; left to
their default, they would end pytest at once, with no decision and no bundle.
Only signals still at their default are taken over, only in the main thread,
and they are given back at the end of the run. Once the run is finishing
(deciding, writing evidence) a further signal is noted, not raised, so that the
evidence is complete.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

import pytest

from pytest_cutover import messages

#: The signals a cutover run ends on like Ctrl-C.
TERMINATING = (signal.SIGTERM, signal.SIGHUP)


class Interrupts:
    """The run's handlers for :data:`TERMINATING`."""

    def __init__(self) -> None:
        self.previous: dict[int, signal.Handlers] = {}
        self.finishing = False
        #: The signal that ended the run, if one did.
        self.received: signal.Signals | None = None

    def install(self) -> None:
        """Take over the terminating signals that are at their default."""
        if threading.current_thread() is not threading.main_thread():
            return
        for number in TERMINATING:
            if signal.getsignal(number) is signal.SIG_DFL:
                self.previous[number] = signal.SIG_DFL
                signal.signal(number, self._handle)

    def _handle(self, number: int, frame: FrameType | None) -> None:
        self.received = signal.Signals(number)
        if not self.finishing:
            pytest.exit(
                messages.TERMINATED.format(signal=self.received.name),
                returncode=pytest.ExitCode.INTERRUPTED,
            )

    def restore(self) -> None:
        """Give the signals back, as they were."""
        for number, handler in self.previous.items():
            if signal.getsignal(number) == self._handle:
                signal.signal(number, handler)
        self.previous.clear()
