"""Record every process a check starts, through Python's audit hooks.

A check that calls ``subprocess.run``, ``os.system``, ``os.exec*``,
``os.posix_spawn`` or ``os.spawn*`` directly is recorded as well as one that
uses :mod:`cutover_checks`. Audit hooks cannot be removed once added, so one
hook is added per process, the first time it is needed; it does nothing unless
a run is recording. Where a process start goes:

1. to the recorder of its context (a declared check running on its gate's pool);
2. else to the owner of its thread: the check that was running when the thread
   started, while that check runs (afterwards to the run, as a late start);
3. else to the check running now (the main thread, and threads started outside
   any check); with no check running, nowhere: other tests are not audited.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any, NamedTuple


class ProcessStart(NamedTuple):
    """A process start seen by the audit hook: what, where, when, and whether it was refused."""

    argv: tuple[str, ...]
    cwd: str
    started: float
    blocked: bool = False


class Recorder:
    """Collects the process starts of one check while it is active.

    ``guard`` is called before a start is recorded; it may raise to refuse the
    process (the mutation guard). Its first refusal is kept in ``refused``: the
    check itself may catch the exception. Once :meth:`close` d (the check has
    ended), what a thread of the check still starts goes to ``late``.
    """

    __slots__ = ("closed", "guard", "late", "refused", "starts")

    def __init__(self, guard: Callable[[ProcessStart], None] | None = None) -> None:
        self.starts: list[ProcessStart] = []
        self.guard = guard
        self.refused: BaseException | None = None
        self.closed = False
        self.late: Callable[[ProcessStart], None] | None = None

    def add(self, start: ProcessStart) -> None:
        """Record ``start``; a start the guard refuses is recorded as blocked, then refused."""
        if self.guard is not None:
            try:
                self.guard(start)
            except BaseException as refusal:
                self._keep(start._replace(blocked=True))
                self.refused = self.refused or refusal
                raise
        self._keep(start)

    def _keep(self, start: ProcessStart) -> None:
        if self.closed:
            if self.late is not None:
                self.late(start)
        else:
            self.starts.append(start)

    def close(self, late: Callable[[ProcessStart], None] | None = None) -> None:
        """The check has ended: hand what its threads start from now on to ``late``."""
        self.closed = True
        self.late = late

    def audit(self, event: str, args: tuple[Any, ...]) -> None:
        """One audit event of this recorder's context: record it if it starts a process."""
        start = process_start(event, args)
        if start is not None:
            self.add(start)


class Relay:
    """Hands each audit event to the check running now, if any.

    A run points its relay at each check in turn. It serves the main thread,
    and every thread that has no recorder of its own: one started outside any
    check, or before the run began recording.
    """

    __slots__ = ("to",)

    def __init__(self) -> None:
        self.to: Recorder | None = None

    def audit(self, event: str, args: tuple[Any, ...]) -> None:
        """Pass the event on to the recorder pointed at."""
        if self.to is not None:
            self.to.audit(event, args)


#: A recorder set for one context: a check run on a worker thread, or :func:`recording`.
_ACTIVE: ContextVar[Recorder | None] = ContextVar("cutover_audit_recorder", default=None)
#: The relay of the run that is recording, for every thread (one run at a time per process).
_RUN: list[Relay | None] = [None]
#: Per thread: the recorder of the check that was running when the thread started.
_OWNERS = threading.local()
_INSTALLED = threading.Event()
_INSTALL_LOCK = threading.Lock()


@contextlib.contextmanager
def recording(recorder: Recorder) -> Iterator[Recorder]:
    """Record the process starts of this context into ``recorder`` until the block ends."""
    _install()
    token = _ACTIVE.set(recorder)
    try:
        yield recorder
    finally:
        _ACTIVE.reset(token)


class Attachment(NamedTuple):
    """A relay recording for a run, and the thread profile hook it replaced."""

    relay: Relay
    profile: Any


def attach(relay: Relay) -> Attachment:
    """Record every process of the run through ``relay``, from any thread, until :func:`detach`.

    Each thread started from now on is given, as its owner, the recorder of the
    check running when it started: its processes are that check's, and guarded
    like its own.
    """
    _install()
    _RUN[0] = relay
    previous = threading.getprofile()
    threading.setprofile(_adopter(relay, previous))
    return Attachment(relay, previous)


def detach(attachment: Attachment) -> None:
    """Stop what :func:`attach` started."""
    if _RUN[0] is attachment.relay:
        _RUN[0] = None
    threading.setprofile(attachment.profile)


def _adopter(relay: Relay, previous: Any) -> Callable[[Any, str, Any], None]:
    """The profile hook a new thread runs once: it takes the running check as its owner.

    It runs first thing in the new thread (``threading`` sets it before the
    thread's target), then gives the thread the profile hook it had before.
    """

    def adopt(frame: Any, event: str, arg: Any) -> None:
        _OWNERS.recorder = relay.to
        sys.setprofile(previous)
        if previous is not None:
            previous(frame, event, arg)

    return adopt


def process_start(event: str, args: tuple[Any, ...]) -> ProcessStart | None:
    """The process start an audit event stands for, or None for any other event.

    >>> process_start("os.system", (b"ls -l",)).argv
    ('sh', '-c', 'ls -l')
    >>> process_start("open", ("/etc/hosts", "r", 0)) is None
    True
    """
    if event == "subprocess.Popen":
        executable, argv, cwd = args[0], args[1], args[2]
        words = _words(argv) if not isinstance(argv, (str, bytes)) else ["sh", "-c", _text(argv)]
        if not words and executable is not None:
            words = [_text(executable)]
        return ProcessStart(tuple(words), _text(cwd) if cwd else os.getcwd(), time.time())
    if event == "os.system":
        return ProcessStart(("sh", "-c", _text(args[0])), os.getcwd(), time.time())
    if event in ("os.exec", "os.posix_spawn"):
        return ProcessStart(tuple(_words(args[1])), os.getcwd(), time.time())
    if event == "os.spawn":
        return ProcessStart(tuple(_words(args[2])), os.getcwd(), time.time())
    return None


#: The audit events that start a process; every other event is ignored at once.
_PROCESS_EVENTS = frozenset(
    {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn"}
)


def _hook(event: str, args: tuple[Any, ...]) -> None:
    """Route a process start: to its context's recorder, its thread's owner, or the run."""
    if event in _PROCESS_EVENTS:
        recorder: Recorder | Relay | None = _ACTIVE.get()
        if recorder is None:
            recorder = getattr(_OWNERS, "recorder", None) or _RUN[0]
        if recorder is not None:
            recorder.audit(event, args)


def _install() -> None:
    if _INSTALLED.is_set():
        return
    with _INSTALL_LOCK:
        if not _INSTALLED.is_set():
            sys.addaudithook(_detached(_hook))
            _INSTALLED.set()


def _detached(function: Callable[[str, tuple[Any, ...]], None]) -> Any:
    """``function`` with globals that hold only the recorder variable and the events.

    An audit hook lives until the interpreter is torn down, and so does what its
    globals reach: this module's globals would keep every test item and report of
    the run alive (see docs/contributing.md).
    """
    namespace = {
        "_ACTIVE": _ACTIVE,
        "_OWNERS": _OWNERS,
        "_PROCESS_EVENTS": _PROCESS_EVENTS,
        "_RUN": _RUN,
    }
    return types.FunctionType(function.__code__, namespace, function.__name__)


def _words(argv: Sequence[Any] | None) -> list[str]:
    return [_text(arg) for arg in argv or ()]


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return os.fspath(value) if isinstance(value, os.PathLike) else str(value)
