"""What each check observed, kept with its test item, and the text of a failed check."""

from __future__ import annotations

import pytest

from cutover_checks.result import CheckResult

#: Every CheckResult a test item produced, in order.
RESULTS_KEY = pytest.StashKey[list[CheckResult]]()


def record(item: pytest.Item, result: CheckResult) -> None:
    """Keep ``result`` as evidence of ``item``."""
    item.stash.setdefault(RESULTS_KEY, []).append(result)


def results_of(item: pytest.Item) -> list[CheckResult]:
    """The results ``item`` produced so far."""
    return item.stash.get(RESULTS_KEY, [])


def describe_failure(check_id: str, result: CheckResult, what: str = "") -> str:
    """The failure as an operator reads it: the check, what it saw, the commands it ran.

    >>> print(describe_failure("bun", CheckResult(False, "bun not found on PATH"), "tool bun"))
    cutover check bun (tool bun) failed: bun not found on PATH
    """
    subject = f"cutover check {check_id} ({what})" if what else f"cutover check {check_id}"
    lines = [f"{subject} failed: {result.message}"]
    for command in result.commands:
        lines.append(f"  {command.describe()}")
        for stream, text in (("stdout", command.stdout), ("stderr", command.stderr)):
            if text.strip():
                lines.append(f"  {stream}:")
                lines.extend(f"    {line}" for line in text.rstrip().splitlines())
    lines.extend(f"  warning: {warning}" for warning in result.warnings)
    return "\n".join(lines)
