"""The state of one cutover run: one :class:`RunState` in ``config.stash[STATE_KEY]``.

Every object of the run (the registry, the gatekeeper, the gate starter, the
session end, the terminal summary, the pytest-html and JUnit integrations) reads
and changes this one value. Besides it, the gatekeeper is handed the gate starter
(whose checks it records), and the session end both of them (to stop what still
runs before it decides). A :class:`CheckState` is one check of the run and what has
happened to it so far.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest

from pytest_cutover.evidence.finished import FinishedAttempt, FinishedRun, Location
from pytest_cutover.model.catalog import Catalog
from pytest_cutover.model.cutover import Gate, Plan, Waiver
from pytest_cutover.model.decision import Decision, Outcome
from pytest_cutover.model.failfast import Failure
from pytest_cutover.model.runbook import CheckFlags
from pytest_cutover.plan.signoff import Signature
from pytest_cutover.run.invocation import Invocation
from pytest_cutover.run.markexpr import Selector
from pytest_cutover.run.selection import Shrinkers
from pytest_cutover.safety.audit import ProcessStart

if TYPE_CHECKING:
    from pytest_cutover.evidence.records import CommandRecord
    from pytest_cutover.run.leftout import LeftOut
    from pytest_cutover.run.settings import Settings
    from pytest_cutover.safety.mutation import DenyList
    from pytest_cutover.safety.redact import RunRedactor


class Attempt(NamedTuple):
    """One run of a check that ran more than once (pytest-rerunfailures): what the
    evidence says of it, and the commands it ran."""

    summary: FinishedAttempt
    commands: Sequence[CommandRecord]


@dataclass(slots=True)
class CheckState:
    """One cutover check of the run and what has happened to it so far (its last attempt)."""

    check_id: str
    nodeid: str
    gate: Gate
    #: Its place in run order, as a sort key: its gate's rank, then where it was declared.
    order: tuple[Any, ...]
    flags: CheckFlags
    #: Declared in the plan (run by the gate's pool), not a Python test.
    declared: bool
    #: In a phase before T0: the mutation guard watches the processes it starts.
    preflight: bool
    outcome: Outcome = Outcome.NOT_RUN
    #: Why it was blocked or waived, or how it was left out.
    reason: str = ""
    warnings: tuple[str, ...] = ()
    duration: float = 0.0
    message: str = ""
    commands: Sequence[CommandRecord] = ()
    output: Sequence[tuple[str, str]] = ()
    #: When it started and finished, in seconds since the epoch.
    started: float | None = None
    finished: float | None = None
    #: What the run made of a failure: WAIVED or WARNED, set before pytest counts it.
    settled: Outcome | None = None
    #: In pytest's items once collection ended (not deselected, not left out).
    selected: bool = False
    #: Why a report of it cannot be believed (another plugin turned a failure into a pass).
    disagreement: str = ""
    #: Deselected by ``-m`` or ``-k`` alone, which may leave an ordinary run no check.
    selected_out: bool = False
    #: Its earlier attempts, when it ran more than once.
    attempts: list[Attempt] | None = None
    #: Processes a thread of it started after it had ended.
    late: list[ProcessStart] | None = None
    #: Where it is written (the plan's line of a declared check, a test's file and line).
    location: Location | None = None

    def last_attempt(self) -> Attempt:
        """The attempt the check's own fields describe."""
        number = len(self.attempts or ()) + 1
        commands: list[CommandRecord] = [
            {**command, "attempt": number} for command in self.commands
        ]
        summary = FinishedAttempt(
            number, self.outcome, self.started, self.finished, self.duration, self.message
        )
        return Attempt(summary, commands)


class RunState:
    """What one cutover run knows: its settings and files, its checks in run order, what
    failed, which waivers applied, and how it ended."""

    def __init__(
        self,
        settings: Settings,
        plan: Plan | None,
        catalog: Catalog | None,
        *,
        waivers: tuple[Waiver, ...],
        signatures: Mapping[str, Signature],
        redact: RunRedactor,
        shrinkers: Shrinkers,
        selects: Selector | None,
        asked: bool,
        run_id: str,
        started: float,
    ) -> None:
        self.settings = settings
        self.plan = plan
        #: The gates and the timeline: the plan's, or made up from the markers found.
        self.catalog = catalog
        #: The cutover checks by nodeid; in run order once collection has ended.
        self.checks: dict[str, CheckState] = {}
        #: The failed checks so far, in the order they failed (what fail-fast reads).
        self.failures: list[Failure] = []
        self.waivers = waivers
        #: The positions in :attr:`waivers` of the waivers that covered a failure.
        self.applied: set[int] = set()
        self.signatures = dict(signatures)
        self.t0 = settings.t0 or (plan.t0 if plan is not None else None)
        self.redact = redact
        #: What the options of the run leave out (``-m``, ``-k``, ``--deselect``, ``--lf``).
        self.shrinkers = shrinkers
        self.selects = selects
        #: Whether the user asked for a cutover decision, so that selecting nothing is NO-GO.
        self.asked = asked
        self.run_id = run_id
        #: When the run started, in seconds since the epoch.
        self.started = started
        #: What the arguments mean for the plan, and the watch on its collection (with a plan).
        self.invocation: Invocation | None = None
        self.leftout: LeftOut | None = None
        #: Whether this is a cutover run: decided, and its whole plan collected.
        self.cutover = False
        #: Whether it became one only because collection found checks of the plan.
        self.discovered = False
        #: What kept checks out of the run, each a sentence that blocks (without a plan).
        self.problems: list[str] = []
        #: How the run ended: its decision, or that it had none to make.
        self.decision: Decision | None = None
        self.no_decision = False
        #: Where the evidence went, or why it could not be written: a line and its colour.
        self.bundle_note: tuple[str, str] | None = None
        #: The finished run handed to the evidence code, once it is decided.
        self.finished: FinishedRun | None = None

    @functools.cached_property
    def deny(self) -> DenyList:
        """The mutation deny list in force: the built-in one and the plan's."""
        from pytest_cutover.safety.mutation import deny_list  # noqa: PLC0415 - preflight only

        return deny_list(self.plan.deny if self.plan is not None else ())

    @functools.cached_property
    def triggers(self) -> frozenset[str]:
        """The ids of the plan's rollback triggers."""
        rollback = self.plan.rollback if self.plan is not None else None
        return frozenset(rollback.triggers if rollback is not None else ())


def refuse_mutation(run: RunState, start: ProcessStart) -> None:
    """The audit guard of preflight checks: refuse a command on the run's deny list."""
    from pytest_cutover.safety.mutation import refuse_denied  # noqa: PLC0415 - preflight only

    refuse_denied(run.deny, start, run.settings.allow_unreadable)


def is_xdist_worker(config: pytest.Config) -> bool:
    """Whether this is a pytest-xdist worker process (xdist gives it ``workerinput``)."""
    return hasattr(config, "workerinput")


def is_distributed(config: pytest.Config) -> bool:
    """Whether pytest-xdist is spreading this run over workers."""
    if is_xdist_worker(config):
        return True
    dist = config.getoption("dist", default="no")
    return bool(config.getoption("numprocesses", default=None)) or dist not in ("no", None)
