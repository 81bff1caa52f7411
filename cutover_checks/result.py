"""The one result type every check returns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: Output kept per stream of one command; the rest is cut with a note.
OUTPUT_LIMIT = 64 * 1024


@dataclass(frozen=True)
class CommandRun:
    """One process a check started: what ran, how it ended, what it printed."""

    argv: tuple[str, ...]
    cwd: str
    exit_code: int | None
    duration: float
    stdout: str = ""
    stderr: str = ""
    timed_out: bool = False

    def describe(self) -> str:
        """One line: the command and how it ended.

        >>> CommandRun(("true",), "/", 0, 0.01).describe()
        '$ true -> exit 0'
        """
        ending = "timed out" if self.timed_out else f"exit {self.exit_code}"
        return f"$ {' '.join(self.argv)} -> {ending}"


@dataclass(frozen=True)
class CheckResult:
    """What a check saw: ``ok`` or not, why, and the commands it ran."""

    ok: bool
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)
    commands: Sequence[CommandRun] = ()

    def __bool__(self) -> bool:
        return self.ok
