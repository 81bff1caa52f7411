"""The one result type every check returns, and the record of each command it ran."""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: Bytes kept per stream of one command; the rest is cut with a note.
OUTPUT_LIMIT = 64 * 1024


@dataclass(frozen=True)
class CommandRun:
    """One process a check started: what ran, where, how it ended, what it printed.

    ``env`` holds only the names of the variables the check set, never their values.
    """

    argv: tuple[str, ...]
    cwd: str
    exit_code: int | None
    duration: float
    stdout: str = ""
    stderr: str = ""
    timed_out: bool = False
    env: tuple[str, ...] = ()

    @property
    def command_line(self) -> str:
        """The argv as a shell would read it.

        >>> CommandRun(("bash", "-n", "a b.sh"), "/", 0, 0.0).command_line
        "bash -n 'a b.sh'"
        """
        return shlex.join(self.argv)

    def describe(self) -> str:
        """One line: the command and how it ended.

        >>> CommandRun(("true",), "/", 0, 0.01).describe()
        '$ true -> exit 0'
        """
        if self.timed_out:
            ending = f"timed out after {self.duration:.1f}s, killed"
        elif self.exit_code is None:
            ending = "did not start"
        else:
            ending = f"exit {self.exit_code}"
        return f"$ {self.command_line} -> {ending}"


@dataclass(frozen=True)
class CheckResult:
    """What a check saw: ``ok`` or not, why in one line, details, and the commands it ran.

    ``warnings`` are findings that do not fail the check (a placeholder build
    script, say); they are shown with its evidence.
    """

    ok: bool
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)
    commands: Sequence[CommandRun] = ()
    warnings: Sequence[str] = ()

    def __bool__(self) -> bool:
        return self.ok


def passed(message: str, **details: Any) -> CheckResult:
    """A result that holds.

    >>> passed("bash found", path="/bin/bash").details["path"]
    '/bin/bash'
    """
    return CheckResult(True, message, details)


def failed(message: str, **details: Any) -> CheckResult:
    """A result that does not hold.

    >>> failed("bash not found").ok
    False
    """
    return CheckResult(False, message, details)


def combine(results: Sequence[CheckResult]) -> CheckResult:
    """One result for several conditions on the same thing: ok only when all hold.

    >>> combine([passed("a exists"), failed("a is empty")]).message
    'a is empty'
    >>> combine([passed("a exists"), passed("a is a file")]).message
    'a exists; a is a file'
    """
    failures = [result for result in results if not result.ok]
    shown = failures or list(results)
    return CheckResult(
        ok=not failures,
        message="; ".join(result.message for result in shown),
        details={key: value for result in results for key, value in result.details.items()},
        commands=tuple(command for result in results for command in result.commands),
        warnings=tuple(warning for result in results for warning in result.warnings),
    )
