"""Checks on the tools a cutover needs."""

from __future__ import annotations

import shutil

from cutover_checks.result import CheckResult


def on_path(name: str) -> CheckResult:
    """Whether the tool ``name`` is an executable on PATH.

    >>> on_path("sh").ok
    True
    """
    found = shutil.which(name)
    if found is None:
        return CheckResult(False, f"{name} not found on PATH", {"tool": name})
    return CheckResult(True, f"{name} found at {found}", {"tool": name, "path": found})
