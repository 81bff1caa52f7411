"""A finished run as plain values: what the pytest shell hands to the evidence code.

The session builds one :class:`FinishedRun` at the end of a cutover run; the
evidence document is assembled from it alone. Nothing here knows pytest or the
run's live objects. Times are seconds since the epoch, turned into ISO-8601 text
only when the document is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from pytest_cutover.model.cutover import Gate, Rollback, Signoff, Timeline
from pytest_cutover.model.decision import Decision, Outcome
from pytest_cutover.model.vocabulary import NOT_RAN
from pytest_cutover.plan.signoff import Signature

if TYPE_CHECKING:
    from pytest_cutover.evidence.records import CommandRecord, SettingsRecord
    from pytest_cutover.model.waivers import WaiverRecord


#: A file, and the line in it (1-based) when known.
Location = tuple[Path, int | None]


class FinishedAttempt(NamedTuple):
    """One attempt of a check that ran more than once (pytest-rerunfailures)."""

    number: int
    outcome: Outcome
    started: float | None
    finished: float | None
    duration: float
    message: str


class FinishedCheck(NamedTuple):
    """One check of the finished run: what became of it, and what it observed."""

    check_id: str
    nodeid: str
    gate: Gate
    outcome: Outcome
    duration: float
    message: str
    reason: str
    warnings: tuple[str, ...]
    #: Every command it ran, redacted and bounded (those of all its attempts).
    commands: Sequence[CommandRecord]
    #: Its captured output, each section already cut to its bound.
    output: Sequence[tuple[str, str]]
    started: float | None
    finished: float | None
    #: A rollback trigger of the plan.
    trigger: bool
    #: All of its attempts, the last one too, when it ran more than once.
    attempts: tuple[FinishedAttempt, ...] = ()
    #: The title the plan gives a declared check.
    title: str = ""
    #: Where it is written: the plan file and the line of a declared check, a Python
    #: test's file and line (None when not known, as for a Python check never collected).
    location: Location | None = None

    def span(self) -> tuple[str, float, float] | None:
        """Its phase and when it started and finished, if it ran."""
        if self.started is None or self.finished is None or self.outcome in NOT_RAN:
            return None
        return self.gate.phase, self.started, self.finished

    def gate_span(self) -> tuple[str, float, float] | None:
        """Its gate and when it started and finished, if it ran."""
        span = self.span()
        return None if span is None else (self.gate.id, span[1], span[2])


class FinishedRun(NamedTuple):
    """A finished cutover run, decided: everything its evidence document says."""

    name: str
    #: The plan file and how the run showed its path (None without a plan).
    plan_file: Path | None
    plan_shown_as: str | None
    timeline: Timeline
    gates: tuple[Gate, ...]
    #: In run order.
    checks: tuple[FinishedCheck, ...]
    t0: datetime | None
    signoff: Signoff | None
    signatures: Mapping[str, Signature]
    #: Every waiver with its status (APPLIED, EXPIRED or UNUSED).
    waivers: Sequence[WaiverRecord]
    #: The plan's rollback, its command redacted.
    rollback: Rollback | None
    deny: tuple[str, ...]
    #: The settings that change a decision, by name.
    settings: SettingsRecord
    run_id: str
    #: In seconds since the epoch.
    started: float
    decision: Decision
    exit_status: int
    interrupted: bool
    internal_error: bool
    cwd: Path
    #: The command line, redacted.
    argv: tuple[str, ...]
    #: The folder whose git commit the evidence names.
    target: Path
    pytest_version: str
