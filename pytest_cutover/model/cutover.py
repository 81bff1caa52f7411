"""The cutover's shape: a timeline of phases, ordered gates, declared checks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple

#: The cutover moment; every phase before it is preflight.
T0 = "T0"
DEFAULT_PHASES = ("T-60", "T-30", "T-10", T0, "T+10", "T+30")


class Timeline(NamedTuple):
    """Phases in order, with T0 among them."""

    phases: tuple[str, ...] = DEFAULT_PHASES

    def position(self, phase: str) -> int:
        """Position of ``phase`` on the timeline.

        >>> Timeline().position("T-10")
        2
        """
        return self.phases.index(phase)

    def is_preflight(self, phase: str) -> bool:
        """Whether ``phase`` comes before T0.

        >>> Timeline().is_preflight("T-10"), Timeline().is_preflight("T0")
        (True, False)
        """
        return self.position(phase) < self.position(T0)


class Gate(NamedTuple):
    """A go/no-go checkpoint: it passes only when every check in it passed."""

    id: str
    phase: str
    title: str = ""

    def label(self) -> str:
        """The gate as people read it.

        >>> Gate("G2", "T-60", "Config valid").label()
        "G2 'Config valid'"
        """
        return f"{self.id} '{self.title}'" if self.title else self.id


class PlanCheck(NamedTuple):
    """A check declared in the plan: one kind (tool, path, command) and its parameters."""

    id: str
    gate: str
    kind: str
    params: Mapping[str, Any]
    line: int
    title: str = ""
    retry: Mapping[str, float] | None = None
    severity: str = "block"
    mutating: bool = False

    def label(self) -> str:
        """The check as people read it.

        >>> PlanCheck("bun", "G1", "tool", {"tool": "bun"}, 3, "bun on PATH").label()
        "bun 'bun on PATH'"
        """
        return f"{self.id} '{self.title}'" if self.title else self.id


class Waiver(NamedTuple):
    """An accepted failure of one check, until it expires."""

    check: str
    justification: str
    approver: str
    expires: datetime
    ticket: str = ""
    source: str = ""

    def expired(self, now: datetime) -> bool:
        """Whether the waiver no longer applies at ``now`` (it ends at its instant)."""
        return now >= self.expires

    def describe(self) -> str:
        """Who accepted what, until when.

        >>> from datetime import timezone
        >>> until = datetime(2026, 12, 1, tzinfo=timezone.utc)
        >>> Waiver("scripts", "placeholder UI build", "Ana", until, "CHG-1").describe()
        'waived by Ana (CHG-1) until 2026-12-01T00:00:00Z: placeholder UI build'
        """
        ticket = f" ({self.ticket})" if self.ticket else ""
        until = self.expires.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"waived by {self.approver}{ticket} until {until}: {self.justification}"


class Signoff(NamedTuple):
    """The roles that must sign off, as checks of one gate."""

    gate: str
    roles: tuple[str, ...]


class Rollback(NamedTuple):
    """How to roll back (shown, never run) and which checks say when."""

    command: str
    runbook: str = ""
    triggers: tuple[str, ...] = ()


class Plan(NamedTuple):
    """A validated ``cutover.yaml``."""

    name: str
    path: Path
    timeline: Timeline
    gates: tuple[Gate, ...]
    checks: tuple[PlanCheck, ...] = ()
    t0: datetime | None = None
    signoff: Signoff | None = None
    waivers: tuple[Waiver, ...] = ()
    rollback: Rollback | None = None
    deny: tuple[str, ...] = ()
    #: The folders of its Python checks, when the plan names them (``python_checks``).
    python_checks: tuple[Path, ...] | None = None
