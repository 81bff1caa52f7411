"""Record every process a check starts, through Python's audit hooks.

A check that calls ``subprocess.run``, ``os.system``, ``os.exec*``,
``os.posix_spawn`` or ``os.spawn*`` directly is recorded as well as one that
uses :mod:`cutover_checks`. Audit hooks cannot be removed once added, so one
hook is added per process, the first time it is needed; it does nothing unless
a :class:`Recorder` is active in the current context (a thread, or a task).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar, Token
from typing import Any, NamedTuple


class ProcessStart(NamedTuple):
    """A process start seen by the audit hook: what, where, how, when."""

    argv: tuple[str, ...]
    cwd: str
    event: str
    started: float
    blocked: bool = False


class Recorder:
    """Collects the process starts of one check while it is active.

    ``guard`` is called before a start is recorded; it may raise to refuse the
    process (the mutation guard). Its first refusal is kept in ``refused``: the
    check itself may catch the exception.
    """

    __slots__ = ("guard", "refused", "starts")

    def __init__(self, guard: Callable[[ProcessStart], None] | None = None) -> None:
        self.starts: list[ProcessStart] = []
        self.guard = guard
        self.refused: BaseException | None = None

    def add(self, start: ProcessStart) -> None:
        """Record ``start``; a start the guard refuses is recorded as blocked, then refused."""
        if self.guard is not None:
            try:
                self.guard(start)
            except BaseException as refusal:
                self.starts.append(start._replace(blocked=True))
                self.refused = self.refused or refusal
                raise
        self.starts.append(start)

    def audit(self, event: str, args: tuple[Any, ...]) -> None:
        """One audit event of this recorder's context: record it if it starts a process."""
        start = process_start(event, args)
        if start is not None:
            self.add(start)


class Relay:
    """Hands each audit event to the recorder it is pointed at, if any.

    A run points one relay at each check in turn: cheaper than setting the
    context variable for every check.
    """

    __slots__ = ("to",)

    def __init__(self) -> None:
        self.to: Recorder | None = None

    def audit(self, event: str, args: tuple[Any, ...]) -> None:
        """Pass the event on to the recorder pointed at."""
        if self.to is not None:
            self.to.audit(event, args)


_ACTIVE: ContextVar[Recorder | Relay | None] = ContextVar("cutover_audit_recorder", default=None)
_INSTALLED = threading.Event()
_INSTALL_LOCK = threading.Lock()


@contextlib.contextmanager
def recording(recorder: Recorder) -> Iterator[Recorder]:
    """Record the process starts of this context into ``recorder`` until the block ends."""
    token = start_recording(recorder)
    try:
        yield recorder
    finally:
        stop_recording(token)


def start_recording(recorder: Recorder | Relay) -> Token[Recorder | Relay | None]:
    """Record the process starts of this context into ``recorder`` until :func:`stop_recording`."""
    _install()
    return _ACTIVE.set(recorder)


def stop_recording(token: Token[Recorder | Relay | None]) -> None:
    """End the recording that ``token`` started (in the same context)."""
    _ACTIVE.reset(token)


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
        return ProcessStart(tuple(words), _text(cwd) if cwd else os.getcwd(), event, time.time())
    if event == "os.system":
        return ProcessStart(("sh", "-c", _text(args[0])), os.getcwd(), event, time.time())
    if event in ("os.exec", "os.posix_spawn"):
        return ProcessStart(tuple(_words(args[1])), os.getcwd(), event, time.time())
    if event == "os.spawn":
        return ProcessStart(tuple(_words(args[2])), os.getcwd(), event, time.time())
    return None


#: The audit events that start a process; every other event is ignored at once.
_PROCESS_EVENTS = frozenset(
    {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn"}
)


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event in _PROCESS_EVENTS:
        recorder = _ACTIVE.get()
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
    globals reach. pytest loads plugin modules through its assertion-rewriting
    importer, which holds the config; this module's globals would keep every
    test item and report alive to the very end, where freeing them costs a full
    extra garbage-collection pass (measured: a fifth of the plugin's cost per test).
    """
    namespace = {"_ACTIVE": _ACTIVE, "_PROCESS_EVENTS": _PROCESS_EVENTS}
    return types.FunctionType(function.__code__, namespace, function.__name__)


def _words(argv: Sequence[Any] | None) -> list[str]:
    return [_text(arg) for arg in argv or ()]


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return os.fspath(value) if isinstance(value, os.PathLike) else str(value)
