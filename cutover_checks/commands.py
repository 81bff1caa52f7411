"""Run a command as a check: an argument list, bounded in time and output.

A command that outlives its timeout is killed with its whole process group,
so a hanging check never holds up the cutover.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from cutover_checks.result import OUTPUT_LIMIT, CheckResult, CommandRun

#: Seconds a command may run when no timeout is given.
DEFAULT_TIMEOUT = 60.0


def run(
    argv: Sequence[str],
    *,
    cwd: str | Path | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    expect_exit: int = 0,
) -> CheckResult:
    """Run ``argv`` (never through a shell) and check that it exits ``expect_exit``.

    >>> run(["true"]).ok
    True
    """
    argv = tuple(argv)
    workdir = str(Path(cwd) if cwd is not None else Path.cwd())
    started = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            process = subprocess.Popen(
                argv, cwd=workdir, stdout=out, stderr=err, start_new_session=True
            )
        except OSError as exc:
            record = CommandRun(argv, workdir, None, time.monotonic() - started, "", str(exc))
            return CheckResult(False, f"could not start {argv[0]}: {exc.strerror}", {}, (record,))
        timed_out = False
        try:
            exit_code: int | None = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(process)
            exit_code = None
        record = CommandRun(
            argv,
            workdir,
            exit_code,
            time.monotonic() - started,
            _read(out),
            _read(err),
            timed_out,
        )
    if timed_out:
        message = f"{argv[0]} timed out after {timeout:g}s and was killed"
        return CheckResult(False, message, {}, (record,))
    if exit_code != expect_exit:
        message = f"{argv[0]} exited {exit_code}, expected {expect_exit}"
        return CheckResult(False, message, {}, (record,))
    return CheckResult(True, f"{argv[0]} exited {exit_code}", {}, (record,))


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
