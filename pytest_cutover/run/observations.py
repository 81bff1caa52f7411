"""What each check observed, kept with its test item, and turned into evidence records.

A check's commands come from two places: the :class:`~cutover_checks.result.CommandRun`
records of the library checks it used (with exit code and output), and the
audit hook's record of every process it started (argv only). A process both
saw is listed once, with the library's details.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import pytest

from cutover_checks.result import CheckResult, CommandRun
from pytest_cutover.model.vocabulary import cut

if TYPE_CHECKING:
    from pytest_cutover.evidence.records import CommandRecord
    from pytest_cutover.safety.audit import ProcessStart

#: Every CheckResult a test item produced, in order.
RESULTS_KEY = pytest.StashKey[list[CheckResult]]()

#: Characters of each output stream kept for a check that passed (its start and its end),
#: and for one that did not: a failure keeps its output whole up to this bound.
PASSED_OUTPUT_LIMIT = 1024
FAILED_OUTPUT_LIMIT = 64 * 1024

Redact = Callable[[str], str]


def record(item: pytest.Item, result: CheckResult) -> None:
    """Keep ``result`` as evidence of ``item``."""
    item.stash.setdefault(RESULTS_KEY, []).append(result)


def results_of(item: pytest.Item) -> list[CheckResult]:
    """The results ``item`` produced so far."""
    # Not Stash.get: it raises and catches KeyError, and most checks keep no results.
    return item.stash[RESULTS_KEY] if RESULTS_KEY in item.stash else []  # noqa: SIM401


def command_records(
    results: Sequence[CheckResult],
    starts: Sequence[ProcessStart],
    redact: Redact,
    *,
    failing: bool,
) -> list[CommandRecord]:
    """Every command a check ran, once each, redacted and bounded, in the order they ran."""
    limit = FAILED_OUTPUT_LIMIT if failing else PASSED_OUTPUT_LIMIT
    runs = [command for result in results for command in result.commands]
    unmatched = list(starts)
    records = []
    for run in runs:
        match = next((start for start in unmatched if start.argv == run.argv), None)
        if match is not None:
            unmatched.remove(match)
        records.append(_from_run(run, redact, limit))
    records.extend(_from_start(start, redact) for start in unmatched)
    return records


def _from_run(run: CommandRun, redact: Redact, limit: int) -> CommandRecord:
    return {
        "argv": [redact(arg) for arg in run.argv],
        "cwd": redact(run.cwd),
        "exit_code": run.exit_code,
        "duration": round(run.duration, 3),
        "timed_out": run.timed_out,
        "stdout": cut(redact(run.stdout), limit),
        "stderr": cut(redact(run.stderr), limit),
        "env": list(run.env),
        "source": "check",
    }


def _from_start(start: ProcessStart, redact: Redact) -> CommandRecord:
    return {
        "argv": [redact(arg) for arg in start.argv],
        "cwd": redact(start.cwd),
        "exit_code": None,
        "duration": None,
        "timed_out": False,
        "stdout": "",
        "stderr": "",
        "env": [],
        "source": "blocked" if start.blocked else "audit",
    }


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


def strict_result(result: CheckResult) -> CheckResult:
    """Under --cutover-strict, a result with warnings is a failure."""
    message = "strict: " + "; ".join(result.warnings)
    return CheckResult(False, message, result.details, result.commands, result.warnings)
