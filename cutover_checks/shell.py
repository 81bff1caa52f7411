"""Shell script checks: syntax only, nothing is executed."""

from __future__ import annotations

from pathlib import Path

from cutover_checks._process import execute
from cutover_checks.result import CheckResult

#: Seconds ``bash -n`` may take.
SYNTAX_TIMEOUT = 10.0


def bash_syntax(script: str | Path, *, timeout: float = SYNTAX_TIMEOUT) -> CheckResult:
    """``bash -n script``: bash parses the script without running any of it.

    >>> bash_syntax("/dev/null").ok
    True
    """
    record = execute(("bash", "-n", str(script)), timeout=timeout)
    if record.exit_code == 0:
        return CheckResult(True, f"bash parses {script}", {}, (record,))
    first_error = next((line for line in record.stderr.splitlines() if line.strip()), "")
    message = f"bash -n {script} failed: {first_error or record.describe()}"
    return CheckResult(False, message, {}, (record,))
