"""Start a process for a check: an argument list, bounded in time and in output kept.

A process that outlives its timeout is killed together with its whole process
group, and so is anything it left running in that group when it ended, or when
the wait for it was interrupted (an exception in this thread, a
:mod:`~cutover_checks.cancel` from another): a check leaves no process behind.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shlex
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

from cutover_checks import cancel
from cutover_checks.result import OUTPUT_LIMIT, CommandRun

#: What a command of a cancelled check says instead of its output.
NOT_STARTED_CANCELLED = "not started: the check was cancelled"
#: The library's one logger (see :mod:`cutover_checks.retry`): each command started and ended.
LOG = logging.getLogger("cutover_checks")


def execute(
    argv: Sequence[str],
    *,
    timeout: float,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
) -> CommandRun:
    """Run ``argv`` without a shell; ``env`` is added to the current environment.

    >>> execute(["sh", "-c", "echo hi"], timeout=5).stdout
    'hi\\n'
    """
    argv = tuple(str(arg) for arg in argv)
    workdir = str(Path(cwd) if cwd is not None else Path.cwd())
    environment = {**os.environ, **env} if env else None
    names = tuple(sorted(env)) if env else ()
    started = time.monotonic()
    cancellation = cancel.current()
    if cancellation is not None and cancellation.cancelled:
        LOG.info("command not started, the check was cancelled: %s", shlex.join(argv))
        return CommandRun(argv, workdir, None, 0.0, "", NOT_STARTED_CANCELLED, env=names)
    LOG.info("command started: %s%s", shlex.join(argv), _env_shown(names))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            process = subprocess.Popen(
                argv,
                cwd=workdir,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
        except (OSError, ValueError) as exc:  # ValueError: a NUL byte in an argument
            reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
            LOG.info("command could not start: %s: %s", shlex.join(argv), reason)
            return CommandRun(
                argv, workdir, None, time.monotonic() - started, "", reason, env=names
            )
        if cancellation is not None:
            cancellation.started(process.pid)
        try:
            exit_code: int | None = process.wait(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            exit_code, timed_out = None, True
        finally:  # also when the wait is interrupted: nothing of the check outlives it
            _kill_group(process)
            if cancellation is not None:
                cancellation.ended(process.pid)
        duration = time.monotonic() - started
        _log_end(argv, exit_code, timed_out, duration)
        return CommandRun(
            argv, workdir, exit_code, duration, _read(out), _read(err), timed_out, names
        )


def _env_shown(names: Sequence[str]) -> str:
    """The names of the variables a command was given (never their values)."""
    return f" (env: {', '.join(names)})" if names else ""


def _log_end(argv: Sequence[str], exit_code: int | None, timed_out: bool, duration: float) -> None:
    shown = shlex.join(argv)
    if timed_out:
        LOG.info("command timed out after %.2f s and was killed: %s", duration, shown)
    else:
        LOG.info("command finished: %s exited %s after %.2f s", shown, exit_code, duration)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _read(stream: IO[bytes]) -> str:
    stream.seek(0)
    data = stream.read(OUTPUT_LIMIT + 1)
    if len(data) <= OUTPUT_LIMIT:
        return data.decode("utf-8", errors="replace")
    rest = os.fstat(stream.fileno()).st_size - OUTPUT_LIMIT
    kept = data[:OUTPUT_LIMIT].decode("utf-8", errors="replace")
    return f"{kept}\n[... {rest} more bytes not kept]"
