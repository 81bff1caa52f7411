"""Checks on files and directories."""

from __future__ import annotations

from pathlib import Path

from cutover_checks.result import CheckResult


def exists(path: str | Path) -> CheckResult:
    """Whether ``path`` exists (a file, a directory, or anything else).

    >>> exists("/").ok
    True
    """
    target = Path(path)
    if target.exists():
        return CheckResult(True, f"{target} exists", {"path": str(target)})
    return CheckResult(False, f"{target} does not exist", {"path": str(target)})
