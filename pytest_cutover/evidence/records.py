"""The evidence document (``evidence.json``) as types: one ``TypedDict`` per object of
``pytest_cutover/schema/evidence.schema.json``, kept in step with it by a test.

A key the schema requires is a key of the class; a key it allows but does not require
is declared in a ``total=False`` subclass (Python 3.10 has no ``NotRequired``). A value
the schema lets be ``null`` is ``... | None``. An enumerated word (an outcome, a gate
status, a verdict) is a ``str``: the vocabulary and the decision's enums say which.

::

    EvidenceDocument
      plan: PlanRecord          run: RunRecord (RunInfo + how it ended; git: GitRecord)
      settings: SettingsRecord  decision: DecisionRecord
      phases: [PhaseRecord]     gates: [GateRecord] (+ GateTimes when it ran)
      checks: [CheckRecord]     (commands: [CommandRecord], output: [OutputRecord],
                                 attempts: [AttemptRecord])
      commands: CommandsRecord  (list: [ListedCommand])
      signoff: SignoffRecord | None  (roles: [SignoffRoleRecord])
      waivers: [WaiverRecord]   rollback: RollbackRecord | None
"""

from __future__ import annotations

from typing import TypedDict

from pytest_cutover.model.waivers import WaiverRecord

__all__ = [
    "AttemptRecord",
    "CheckRecord",
    "CommandRecord",
    "CommandsRecord",
    "DecisionRecord",
    "EvidenceDocument",
    "GateRecord",
    "GateTimes",
    "GitRecord",
    "ListedCommand",
    "OutputRecord",
    "PhaseRecord",
    "PlanRecord",
    "RollbackRecord",
    "RunInfo",
    "RunRecord",
    "SettingsRecord",
    "SignoffRecord",
    "SignoffRoleRecord",
    "WaiverRecord",
]


class PlanRecord(TypedDict):
    """The plan the run followed: its name, file (None with markers only) and digest."""

    name: str
    path: str | None
    sha256: str | None


class GitRecord(TypedDict):
    """The commit of the target tree and whether it had changes (None: not a git tree)."""

    commit: str | None
    dirty: bool | None


class RunInfo(TypedDict):
    """Who ran the checks, where, with what, on which commit: the run before it ended."""

    run_id: str
    started: str
    finished: str
    host: str
    user: str
    cwd: str
    argv: list[str]
    python: str
    pytest: str
    plugin: str
    git: GitRecord
    exit_status: int


class RunRecord(RunInfo):
    """The run, and whether it was interrupted or stopped with an internal error."""

    interrupted: bool
    internal_error: bool


class SettingsRecord(TypedDict):
    """The settings that shaped the decision."""

    fail_fast: str
    strict: bool
    enforce_window: bool
    allow_mutation: bool
    allow_unreadable: bool


class _DecisionRequired(TypedDict):
    verdict: str
    reasons: list[str]
    warnings: list[str]


class DecisionRecord(_DecisionRequired, total=False):
    """The verdict, the reasons it rests on, the warnings, and what kept checks from
    being collected (absent in evidence written before it was recorded)."""

    problems: list[str]


class PhaseRecord(TypedDict):
    """A phase of the timeline: in this run or not, its window on the clock, when it ran."""

    name: str
    preflight: bool
    in_scope: bool
    window_start: str | None
    window_end: str | None
    actual_start: str | None
    actual_end: str | None


class GateTimes(TypedDict, total=False):
    """When a gate ran, from the first start to the last end of its checks that ran, in
    UTC to the millisecond, and for how many seconds: absent when none of them ran (and in
    evidence written before they were recorded)."""

    started: str
    finished: str
    duration: float


class _GateRequired(TypedDict):
    id: str
    title: str
    phase: str
    status: str
    checks: list[str]


class GateRecord(_GateRequired, GateTimes, total=False):
    """A gate, its status (``OUT OF SCOPE`` when its phase was not decided), its checks,
    and when it ran, if it ran."""


class _CommandRequired(TypedDict):
    argv: list[str]
    cwd: str
    exit_code: int | None
    duration: float | None
    timed_out: bool
    stdout: str
    stderr: str
    env: list[str]
    source: str


class CommandRecord(_CommandRequired, total=False):
    """A process a check started: from a library check (``check``), seen by the audit hook
    (``audit``), refused by the mutation guard (``blocked``) or started after the check
    ended (``late``); ``attempt`` is the attempt of a rerun check that started it."""

    attempt: int


class OutputRecord(TypedDict):
    """One section of what a Python check printed or logged, bounded."""

    section: str
    text: str


class AttemptRecord(TypedDict):
    """One attempt of a check that ran more than once (pytest-rerunfailures)."""

    number: int
    outcome: str
    started: str | None
    finished: str | None
    duration: float
    message: str


class _CheckRequired(TypedDict):
    id: str
    nodeid: str
    gate: str
    phase: str
    outcome: str
    duration: float
    message: str
    reason: str
    warnings: list[str]
    commands: list[CommandRecord]
    output: list[OutputRecord]


class CheckRecord(_CheckRequired, total=False):
    """One check: its outcome and why, what it printed, every command it ran, and its
    attempts when it ran more than once, and the title the plan gives it."""

    attempts: list[AttemptRecord]
    title: str


class ListedCommand(TypedDict):
    """A command in the run's list of every command: which check ran it, and its exit."""

    check: str
    argv: list[str]
    exit_code: int | None


class CommandsRecord(TypedDict):
    """Every command of the run, those refused, those on the deny list, and the list."""

    count: int
    list: list[ListedCommand]
    blocked: int
    mutating: list[str]
    deny: list[str]


class SignoffRoleRecord(TypedDict):
    """A role that must sign off, and who did, when, from where (None: not signed)."""

    role: str
    name: str | None
    at: str | None
    source: str | None


class SignoffRecord(TypedDict):
    """The sign-off gate and its roles."""

    gate: str
    roles: list[SignoffRoleRecord]


class RollbackRecord(TypedDict):
    """The rollback plan (never run by pytest-cutover), its triggers and those that fired."""

    command: str
    runbook: str
    triggers: list[str]
    fired: list[str]


class _EvidenceRequired(TypedDict):
    schema_version: int
    plan: PlanRecord
    run: RunRecord
    settings: SettingsRecord
    decision: DecisionRecord
    t0: str | None
    phases: list[PhaseRecord]
    gates: list[GateRecord]
    checks: list[CheckRecord]
    commands: CommandsRecord
    signoff: SignoffRecord | None
    waivers: list[WaiverRecord]
    rollback: RollbackRecord | None


class EvidenceDocument(_EvidenceRequired, total=False):
    """``evidence.json``: one run, everything it proved; ``t0_offset`` is the UTC offset T0
    was given in (absent without a T0, and in evidence written before it was recorded)."""

    t0_offset: str
