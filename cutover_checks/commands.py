"""Run a command as a check: an argument list with expectations on how it ends.

Commands are argument lists, never shell strings. A command that runs past its
timeout is killed with its whole process group and reported as TIMEOUT with the
output it had printed so far.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from cutover_checks._patterns import compile_pattern
from cutover_checks._process import execute
from cutover_checks.errors import InvalidArgument
from cutover_checks.result import CheckResult

#: Seconds a command may run when no timeout is given.
DEFAULT_TIMEOUT = 60.0


def run(
    argv: Sequence[str],
    *,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    exit_codes: int | Sequence[int] = 0,
    stdout: str | None = None,
    stderr: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> CheckResult:
    """Run ``argv`` and check its exit code and, optionally, regexes its output must match.

    >>> run(["sh", "-c", "echo ready"], stdout="^ready$").ok
    True
    """
    if isinstance(argv, str) or not argv:
        raise InvalidArgument("command", "give a non-empty argument list, not a shell string")
    expected = (exit_codes,) if isinstance(exit_codes, int) else tuple(exit_codes)
    patterns = {
        name: compile_pattern(pattern, name)
        for name, pattern in (("stdout", stdout), ("stderr", stderr))
        if pattern is not None
    }
    record = execute(argv, cwd=cwd, env=env, timeout=timeout)
    name = record.argv[0]

    def result(ok: bool, message: str) -> CheckResult:
        return CheckResult(ok, message, {"exit_code": record.exit_code}, (record,))

    if record.timed_out:
        return result(False, f"TIMEOUT: {name} ran longer than {timeout:g}s and was killed")
    if record.exit_code is None:
        return result(False, f"could not start {name}: {record.stderr}")
    if record.exit_code not in expected:
        wanted = " or ".join(map(str, expected))
        return result(False, f"{name} exited {record.exit_code}, expected {wanted}")
    for stream, pattern in patterns.items():
        text = record.stdout if stream == "stdout" else record.stderr
        if not pattern.search(text):
            return result(False, f"{name} {stream} does not match {pattern.pattern!r}")
    return result(True, f"{name} exited {record.exit_code}")
