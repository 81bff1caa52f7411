"""Start a process for a check: an argument list, bounded in time and in output kept.

A process that outlives its timeout is killed together with its whole process
group, and so is anything it left running in that group when it ended: a check
leaves no process behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

from cutover_checks.result import OUTPUT_LIMIT, CommandRun


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
        except OSError as exc:
            reason = exc.strerror or str(exc)
            return CommandRun(
                argv, workdir, None, time.monotonic() - started, "", reason, env=names
            )
        try:
            exit_code: int | None = process.wait(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            exit_code, timed_out = None, True
        _kill_group(process)
        duration = time.monotonic() - started
        return CommandRun(
            argv, workdir, exit_code, duration, _read(out), _read(err), timed_out, names
        )


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
