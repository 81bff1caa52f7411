"""The stateful part of the plugin: one :class:`CutoverRun` per pytest run.

It finds the cutover checks at collection (also those other plugins or options
left out), orders them, blocks checks after a failed gate, records every
check's attempts from its reports, and decides at the end. The rules live in
plain modules (``catalog``, ``ordering``, ``failfast``, ``selection``,
``decision``); how a report is settled lives in :mod:`pytest_cutover.run.gatekeeper`.

What only some runs need (writing evidence, showing the plan, the mutation deny
list) is imported where it is used: pytest imports this module on every run,
through its assertion-rewriting importer, and each module costs start-up time.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest

from pytest_cutover import messages
from pytest_cutover.errors import MarkerError
from pytest_cutover.model import catalog
from pytest_cutover.model.catalog import Catalog, MarkedCheck
from pytest_cutover.model.clock import utc, utc_now, window_problems, windows
from pytest_cutover.model.cutover import DEFAULT_PHASES, Gate, Plan, PlanCheck, Timeline, Waiver
from pytest_cutover.model.decision import FAILING, CheckOutcome, Decision, Outcome, Verdict, decide
from pytest_cutover.model.failfast import FailFast, Failure, block_reason
from pytest_cutover.model.ordering import natural_key, reorder, same_line_key
from pytest_cutover.model.runbook import (
    CheckFlags,
    flag_problem,
    flags_of,
    reference_problems,
)
from pytest_cutover.model.vocabulary import cut
from pytest_cutover.model.waivers import waiver_records
from pytest_cutover.plan.signoff import Signature
from pytest_cutover.run.concurrency import GatePool, Handle
from pytest_cutover.run.gatekeeper import (
    GATEKEEPER_NAME,
    Gatekeeper,
    disagrees,
    redact_log_handlers,
    redact_report,
    redact_warning,
    report_message,
)
from pytest_cutover.run.interrupt import Interrupts
from pytest_cutover.run.invocation import Invocation, is_below
from pytest_cutover.run.items import PREFETCH_KEY, PlanCheckItem, PlanFile, SignoffItem
from pytest_cutover.run.markers import (
    MarkReader,
    Normalised,
    apply_marks,
    normalised_marks,
)
from pytest_cutover.run.markexpr import Selector, compile_expression
from pytest_cutover.run.observations import (
    FAILED_OUTPUT_LIMIT,
    PASSED_OUTPUT_LIMIT,
    RESULTS_KEY,
    command_records,
    results_of,
)
from pytest_cutover.run.selection import Shrinkers, asks_for_cutover, decided_phases, left_out_by
from pytest_cutover.run.settings import Settings
from pytest_cutover.run.terminal import decision_lines
from pytest_cutover.safety.audit import Attachment, ProcessStart, Recorder, Relay, attach, detach
from pytest_cutover.safety.redact import RunRedactor, secret_env_values

if TYPE_CHECKING:
    import warnings

    from pytest_cutover.evidence.records import AttemptRecord, CheckRecord, CommandRecord
    from pytest_cutover.run.leftout import LeftOut
    from pytest_cutover.safety.mutation import DenyList


class Attempt(NamedTuple):
    """One earlier run of a check that ran more than once (pytest-rerunfailures)."""

    number: int
    outcome: Outcome
    started: float | None
    finished: float | None
    duration: float
    message: str
    commands: Sequence[CommandRecord]

    def record(self) -> AttemptRecord:
        """The attempt as it appears in the evidence document."""
        return {
            "number": self.number,
            "outcome": self.outcome.value,
            "started": _utc_or_none(self.started),
            "finished": _utc_or_none(self.finished),
            "duration": round(self.duration, 3),
            "message": self.message,
        }


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
    #: When it started and finished, in seconds since the epoch (cheaper than a datetime).
    started: float | None = None
    finished: float | None = None
    #: What the run made of a failure: WAIVED or WARNED, set before pytest counts it.
    settled: Outcome | None = None
    #: In pytest's items once collection ended (not deselected, not left out).
    selected: bool = False
    #: Why a report of it cannot be believed (another plugin turned a failure into a pass).
    disagreement: str = ""
    #: Its earlier attempts, when it ran more than once.
    attempts: list[Attempt] | None = None
    #: Processes a thread of it started after it had ended.
    late: list[ProcessStart] | None = None

    def record(self) -> CheckRecord:
        """The check as it appears in the evidence document."""
        commands = list(self.commands)
        record: CheckRecord = {
            "id": self.check_id,
            "nodeid": self.nodeid,
            "gate": self.gate.id,
            "phase": self.gate.phase,
            "outcome": self.outcome.value,
            "duration": round(self.duration, 3),
            "message": self.message,
            "reason": self.reason,
            "warnings": list(self.warnings),
            "commands": commands,
            "output": [
                {"section": title, "text": cut(text, _limit(self.outcome))}
                for title, text in self.output
            ],
        }
        if self.attempts:
            last = self.last_attempt()
            record["commands"] = [
                *(c for attempt in self.attempts for c in attempt.commands),
                *last.commands,
            ]
            record["attempts"] = [a.record() for a in (*self.attempts, last)]
        return record

    def last_attempt(self) -> Attempt:
        """The attempt the check's own fields describe."""
        number = len(self.attempts or ()) + 1
        commands: list[CommandRecord] = [
            {**command, "attempt": number} for command in self.commands
        ]
        return Attempt(
            number,
            self.outcome,
            self.started,
            self.finished,
            self.duration,
            self.message,
            commands,
        )


class Running:
    """The check pytest is running now, and the recording of its processes."""

    __slots__ = ("charged", "item", "left", "recorder", "state")

    def __init__(self, item: pytest.Item, state: CheckState, recorder: Recorder) -> None:
        self.item = item
        self.state = state
        self.recorder = recorder
        #: Whether a refused command has failed one of its reports already.
        self.charged = False
        #: The outcome the gatekeeper left each of its reports with.
        self.left: dict[str, str] = {}


class Placement(NamedTuple):
    """What the checks with the same markers share: worked out once for all of them."""

    gate: Gate
    rank: int
    preflight: bool
    markers: Normalised


class StatusWords:
    """The status of a blocked, waived or advisory check in pytest's terminal output."""

    def __init__(self, checks: Mapping[str, CheckState]) -> None:
        self.checks = checks

    def pytest_report_teststatus(
        self, report: pytest.TestReport
    ) -> tuple[str, str, tuple[str, dict[str, bool]]] | None:
        if report.outcome != "skipped":
            return None
        state = self.checks.get(report.nodeid)
        if state is None:
            return None
        if state.outcome is Outcome.BLOCKED and report.when == "setup":
            return "blocked", "B", ("BLOCKED", {"yellow": True})
        if state.settled is Outcome.WAIVED:
            return "waived", "W", ("WAIVED", {"yellow": True})
        if state.settled is Outcome.WARNED:
            return "warned", "w", ("WARN", {"yellow": True})
        return None


#: The name :class:`StatusWords` is registered under.
STATUS_WORDS_NAME = "cutover-status-words"


class CutoverRun:
    """Registered as ``cutover-run`` for the length of one pytest run."""

    def __init__(
        self,
        config: pytest.Config,
        settings: Settings,
        plan: Plan | None,
        waivers: tuple[Waiver, ...] = (),
        signatures: Mapping[str, Signature] | None = None,
    ) -> None:
        self.config = config
        self.settings = settings
        self.plan = plan
        self.catalog = catalog.from_plan(plan) if plan is not None else None
        #: The cutover checks by nodeid; in run order once collection has ended.
        self.checks: dict[str, CheckState] = {}
        self.failures: list[Failure] = []
        self.decision: Decision | None = None
        self.started = utc_now()
        self.run_id = _new_run_id()
        self.bundle_note: tuple[str, str] | None = None
        self.waivers = waivers
        self.applied: set[int] = set()
        self.signatures = dict(signatures or {})
        self.t0 = settings.t0 or (plan.t0 if plan is not None else None)
        self.pool = GatePool(settings.workers)
        self.prefetched: dict[str, Handle] = {}
        self.running: Running | None = None
        #: Points the audit hook at the running check.
        self.relay = Relay()
        self.attachment: Attachment | None = None
        self.placements: dict[MarkedCheck, Placement] = {}
        self.status_words = StatusWords(self.checks)
        #: What the arguments mean for the plan, and the watch on its collection (with a plan).
        self.invocation: Invocation | None = None
        self.leftout: LeftOut | None = None
        #: Whether this is a cutover run: decided, and its whole plan collected.
        self.cutover = False
        #: Whether it became one only because collection found checks of the plan.
        self.discovered = False
        self.shrinkers = shrinkers_of(config)
        markexpr = self.shrinkers.markexpr
        self.selects: Selector | None = compile_expression(markexpr) if markexpr else None
        #: Whether the user asked for a cutover decision, so that selecting nothing is NO-GO.
        self.asked = settings.asked or (bool(markexpr) and self._marks_ask())
        #: What kept checks out of the run, each a sentence that blocks (without a plan).
        self.problems: list[str] = []
        #: Every node collection produced, also those an earlier plugin removed.
        self.collected: list[Any] = []
        self.no_decision = False
        self.interrupts = Interrupts()
        self.gatekeeper: Gatekeeper | None = None
        #: The evidence folder's previous bundle, moved aside while this run is under way.
        self.aside: Path | None = None
        self.began = False
        self.phase_deselecting = False

    def _marks_ask(self) -> bool:
        if self.selects is None:
            return True  # cannot tell what -m selects: fail closed, decide
        if self.catalog is None:
            return False
        return asks_for_cutover(self.selects, self.catalog.gates, self.catalog.timeline)

    @functools.cached_property
    def redact(self) -> RunRedactor:
        """The run's redactor, built when first needed (it compiles many patterns): the
        environment's secrets (also those set during the run), the secret values the plan
        gives its commands in ``env:``, and the extra patterns."""
        envs = [c.params.get("env") for c in self.plan.checks] if self.plan is not None else []
        given = secret_env_values(env for env in envs if isinstance(env, Mapping))
        return RunRedactor(os.environ, self.settings.redact, given)

    @functools.cached_property
    def deny(self) -> DenyList:
        """The mutation deny list in force: the built-in one and the plan's."""
        from pytest_cutover.safety.mutation import deny_list  # noqa: PLC0415 - see the module docstring

        return deny_list(self.plan.deny if self.plan is not None else ())

    # -- evidence folder ------------------------------------------------------------

    def begin(self) -> None:
        """Once it is known to be a cutover run: SIGTERM ends it like Ctrl-C, and a previous
        bundle in the evidence folder is moved aside before anything of this run happens."""
        if is_xdist_worker(self.config) or self.config.option.collectonly:
            return
        if self.settings.show_plan:
            return
        self.interrupts.install()
        directory = self.settings.evidence
        if self.began or directory is None:
            return
        from pytest_cutover.evidence.bundle import begin_run  # noqa: PLC0415 - only with evidence

        try:
            self.aside = begin_run(directory, self.run_id, self.started)
        except OSError as error:
            self.bundle_note = (
                messages.BUNDLE_NOT_WRITTEN.format(path=directory, error=error),
                "red",
            )
            return
        self.began = True

    def _undo_evidence(self) -> None:
        """Nothing was decided: the evidence folder goes back to how the run found it."""
        if self.began and self.settings.evidence is not None:
            from pytest_cutover.evidence.bundle import undo_run  # noqa: PLC0415 - only with evidence

            undo_run(self.settings.evidence, self.aside)

    # -- collection ---------------------------------------------------------------

    def pytest_report_header(self) -> list[str] | None:
        if self.plan is None or not self.cutover:
            return None
        return [
            messages.PLAN_HEADER.format(
                path=self.settings.plan_shown_as,
                name=self.plan.name,
                gates=len(self.plan.gates),
                checks=len(self.plan.checks),
            )
        ]

    def pytest_collect_file(self, file_path: Path, parent: pytest.Collector) -> PlanFile | None:
        plan = self.plan
        if (
            plan is not None
            and file_path.name == plan.path.name
            and file_path.resolve() == plan.path
        ):
            return PlanFile.from_parent(
                parent,
                path=file_path,
                plan=plan,
                signatures=self.signatures,
                strict=self.settings.strict,
            )
        return None

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_make_collect_report(
        self, collector: pytest.Collector
    ) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
        """A collection error or skip reason is redacted before anyone reads it."""
        report = yield
        if report.longrepr is not None or report.sections:
            redact_report(report, self.redact)
        return report

    @pytest.hookimpl(tryfirst=True)  # before the terminal keeps it for its summary
    def pytest_warning_recorded(self, warning_message: warnings.WarningMessage) -> None:
        """A warning's text is redacted for the warnings summary and every other reader."""
        redact_warning(warning_message, self.redact)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """Live logs (``--log-cli-level``) and ``--log-file`` go through the redactor."""
        redact_log_handlers(self.config, self.redact)

    @pytest.hookimpl(tryfirst=True)  # stop before the terminal keeps the refusal to repeat it
    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            refused = str(report.longrepr) == messages.XDIST_INCOMPATIBLE
            if refused and not is_xdist_worker(self.config):
                pytest.exit(messages.XDIST_INCOMPATIBLE, pytest.ExitCode.USAGE_ERROR)
            if self.plan is None and not refused:
                where = report.nodeid.split("::")[0] or "."
                self.problems.append(messages.PROBLEM_COLLECTION_ERROR_ANYWHERE.format(path=where))
        elif report.result:
            self.collected.extend(report.result)

    @pytest.hookimpl(tryfirst=True, specname="pytest_collection_modifyitems")
    def pytest_collection_modifyitems_tag(self, items: list[pytest.Item]) -> None:
        """Before any deselection: find the cutover checks, give them normalised markers.

        Every item collection produced is read, also one an earlier plugin already
        removed, so that no check can leave the run unseen.
        """
        try:
            reader = MarkReader()
            marked = [
                (item, marks) for item in self._candidates(items) if (marks := reader.read(item))
            ]
            if self.catalog is None:
                if not marked:
                    return
                pairs = [(item.nodeid, marks) for item, marks in marked]
                self.catalog = catalog.from_marks(pairs, Timeline(DEFAULT_PHASES))
            if marked and not self.cutover:
                self.cutover = True
                self.discovered = self.plan is not None
            for item, marks in marked:
                self._register(item, marks)
        except MarkerError as error:
            raise pytest.UsageError(str(error)) from None
        if self.waivers or self._triggers:
            problems = reference_problems(self.plan, self.waivers, self._known_ids())
            if problems:
                raise pytest.UsageError("\n".join(problems))
        if self.settings.phases:
            self._select_phases(items, self.settings.phases)

    def _candidates(self, items: list[pytest.Item]) -> list[pytest.Item]:
        """The items collection produced and the items now, each once, in collection order."""
        if not self.collected:
            return items
        seen: set[str] = set()
        found: list[pytest.Item] = []
        for node in (*self.collected, *items):
            if isinstance(node, pytest.Item) and node.nodeid not in seen:
                seen.add(node.nodeid)
                found.append(node)
        self.collected = []
        return found

    def _known_ids(self) -> set[str]:
        """Every check id of the run: registered, and declared by the plan even if not collected."""
        known = {state.check_id for state in self.checks.values()}
        if self.plan is not None:
            known.update(check.id for check in self.plan.checks)
            signoff = self.plan.signoff
            if signoff is not None:
                known.update(f"signoff-{role}" for role in signoff.roles)
        return known

    def _select_phases(self, items: list[pytest.Item], phases: Sequence[str]) -> None:
        """``--cutover-phase``: the same selection as ``-m "phase(name='...')"``."""
        assert self.catalog is not None
        unknown = [phase for phase in phases if phase not in self.catalog.timeline.phases]
        if unknown:
            known = ", ".join(self.catalog.timeline.phases)
            raise pytest.UsageError(
                messages.UNKNOWN_PHASE_OPTION.format(phase=unknown[0], phases=known)
            )
        keep = [i for i in items if (s := self.checks.get(i.nodeid)) and s.gate.phase in phases]
        dropped = [item for item in items if item not in keep]
        if dropped:
            self.phase_deselecting = True
            try:
                self.config.hook.pytest_deselected(items=dropped)
            finally:
                self.phase_deselecting = False
            items[:] = keep

    def _register(self, item: pytest.Item, marks: MarkedCheck) -> None:
        nodeid = item.nodeid
        if nodeid in self.checks:
            return
        placement = self.placements.get(marks) or self._place(nodeid, marks)
        gate = placement.gate
        apply_marks(item, placement.markers)
        plan_check: PlanCheck | None = None
        declared: tuple[Any, ...]
        if type(item) is PlanCheckItem:  # our own item classes, never subclassed
            plan_check, check_id, declared = item.check, item.name, (0, item.index)
        elif type(item) is SignoffItem:
            check_id, declared = item.name, (0, item.index)
        else:
            path, line, _ = item.location  # cached: pytest's reports need it anyway
            check_id, declared = nodeid, (1, _path_key(path), line or 0, same_line_key(nodeid))
        flags = flags_of(check_id, marks, plan_check, self._triggers)
        if flags.trigger or flags.mutating:
            assert self.catalog is not None
            problem = flag_problem(nodeid, flags, gate, self.catalog.timeline)
            if problem is not None:
                raise MarkerError(problem)
        self.checks[nodeid] = CheckState(
            check_id,
            nodeid,
            gate,
            (placement.rank, declared),
            flags,
            plan_check is not None,
            placement.preflight,
        )

    def _place(self, nodeid: str, marks: MarkedCheck) -> Placement:
        """Where checks marked ``marks`` go; the first one (``nodeid``) is named in an error."""
        assert self.catalog is not None
        gate = catalog.resolve(self.catalog, nodeid, marks)
        timeline = self.catalog.timeline
        placement = self.placements[marks] = Placement(
            gate,
            self.catalog.rank(gate.id),
            timeline.is_preflight(gate.phase),
            normalised_marks(gate, timeline, marks),
        )
        return placement

    @functools.cached_property
    def _triggers(self) -> frozenset[str]:
        """The ids of the plan's rollback triggers."""
        rollback = self.plan.rollback if self.plan is not None else None
        return frozenset(rollback.triggers if rollback is not None else ())

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        for item in items:
            state = self.checks.get(item.nodeid)
            if state is None:
                continue
            state.outcome = Outcome.DESELECTED
            if self.phase_deselecting:
                state.reason = messages.BY_PHASE_OPTION
            else:
                marks = item.iter_markers()
                how = left_out_by(self.shrinkers, item.nodeid, marks, self.selects)
                state.reason = self.redact(how)  # a -k or -m expression may hold a secret

    @pytest.hookimpl(trylast=True, specname="pytest_collection_modifyitems")
    def pytest_collection_modifyitems_order(self, items: list[pytest.Item]) -> None:
        """After every shuffler: cutover checks in run order, other tests untouched."""
        if self.checks:
            ranked = sorted(self.checks.values(), key=attrgetter("order"))
            self.checks.clear()  # and refilled in run order, which it keeps from here on
            self.checks.update((state.nodeid, state) for state in ranked)
            rank = {nodeid: position for position, nodeid in enumerate(self.checks)}
            items[:] = reorder(items, [rank.get(item.nodeid) for item in items])
        self._deselect_unasked(items)
        if is_distributed(self.config) and any(item.nodeid in self.checks for item in items):
            self._refuse_distribution(items)

    def _deselect_unasked(self, items: list[pytest.Item]) -> None:
        """Tests that are no checks, collected only because their folder was added to find the
        plan's Python checks, were not asked for: they are deselected (unless an argument the
        folder took the place of named them)."""
        invocation = self.invocation
        if invocation is None or self.plan is None:
            return
        folders = [path for path in invocation.added if path != self.plan.path]
        if not folders:
            return
        unasked = [
            item
            for item in items
            if item.nodeid not in self.checks
            and is_below(item.path, folders)
            and not is_below(item.path, invocation.dropped)
        ]
        if unasked:
            self.config.hook.pytest_deselected(items=unasked)
            items[:] = [item for item in items if item not in set(unasked)]

    def _refuse_distribution(self, items: list[pytest.Item]) -> None:
        """On an xdist worker: run nothing and tell the controller why, as a collection error.

        The controller sees the error in :meth:`pytest_collectreport` and stops
        with a usage error; a worker cannot stop the whole run by itself.
        """
        items.clear()
        report = pytest.CollectReport("", "failed", messages.XDIST_INCOMPATIBLE, [])
        self.config.hook.pytest_collectreport(report=report)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Settle what collection selected, and set up the run of a cutover."""
        if is_xdist_worker(self.config) or not self.cutover:
            return
        final = {item.nodeid for item in session.items}
        for state in self.checks.values():
            if state.nodeid in final:
                state.selected = True
            elif state.outcome is Outcome.NOT_RUN:
                state.outcome, state.reason = Outcome.DESELECTED, messages.REMOVED_BY_PLUGIN
        self._add_uncollected_declared()
        self.begin()
        self.gatekeeper = Gatekeeper(self)
        self.config.pluginmanager.register(self.gatekeeper, GATEKEEPER_NAME)
        if any(state.selected for state in self.checks.values()):
            self.attachment = attach(self.relay)

    def _add_uncollected_declared(self) -> None:
        """The plan's declared checks that collection never produced: NOT COLLECTED."""
        plan = self.plan
        if plan is None or self.catalog is None:
            return
        base = _nodeid_of(plan.path, self.config.rootpath)
        declared: list[tuple[str, str, PlanCheck | None, int]] = [
            (check.id, check.gate, check, index) for index, check in enumerate(plan.checks)
        ]
        if plan.signoff is not None:
            declared += [
                (f"signoff-{role}", plan.signoff.gate, None, len(plan.checks) + position)
                for position, role in enumerate(plan.signoff.roles)
            ]
        missing = [entry for entry in declared if f"{base}::{entry[0]}" not in self.checks]
        if not missing:
            return
        how = self._how_plan_left_out()
        gates = self.catalog.by_id()
        for check_id, gate_id, plan_check, index in missing:
            gate = gates[gate_id]
            marks = MarkedCheck(gate.id, None, False)
            flags = flags_of(check_id, marks, plan_check, self._triggers)
            nodeid = f"{base}::{check_id}"
            self.checks[nodeid] = CheckState(
                check_id,
                nodeid,
                gate,
                (self.catalog.rank(gate.id), (0, index)),
                flags,
                plan_check is not None,
                self.catalog.timeline.is_preflight(gate.phase),
                Outcome.NOT_COLLECTED,
                how,
            )
        ranked = sorted(self.checks.values(), key=attrgetter("order"))
        self.checks.clear()
        self.checks.update((state.nodeid, state) for state in ranked)

    def _how_plan_left_out(self) -> str:
        from pytest_cutover.run import leftout  # noqa: PLC0415 - only when checks are missing

        found = self.leftout.plan_left_out() if self.leftout is not None else None
        if found is not None:
            return found
        if self.shrinkers.last_failed:
            return leftout.LAST_FAILED
        return leftout.PATH_ARGUMENTS

    # -- running ------------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool | None:
        """``--cutover-show-plan``: print the runbook instead of running anything."""
        if not self.settings.show_plan:
            return None
        if self.plan is None:
            raise pytest.UsageError(messages.SHOW_PLAN_WITHOUT_PLAN)
        python_checks: dict[str, list[str]] = {}
        for state in self.checks.values():
            if state.check_id == state.nodeid and state.selected:
                python_checks.setdefault(state.gate.id, []).append(state.check_id)
        writer = self.config.get_terminal_writer()
        from pytest_cutover.run.show_plan import runbook_lines  # noqa: PLC0415 - see the docstring

        for line in runbook_lines(self.plan, self.t0, self.waivers, python_checks):
            writer.line(line)
        return True

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        state = self.checks.get(item.nodeid)
        if state is None:
            return
        self._begin(item, state)
        cause = (
            block_reason(self.settings.fail_fast, state.gate, self.failures)
            if self.failures
            else None
        )
        if cause is None and state.flags.mutating and not self.settings.allow_mutation:
            cause = messages.BLOCKED_MUTATING
        if cause is not None:
            state.outcome, state.reason = Outcome.BLOCKED, cause
            self.show_status_words()
            pytest.skip(messages.BLOCKED.format(cause=cause))
        if state.declared and PREFETCH_KEY not in item.stash and not state.attempts:
            self._start_gate(item, state)

    def _start_gate(self, first: pytest.Item, first_state: CheckState) -> None:
        """Hand every declared check of the gate of ``first`` from it on to the pool at once."""
        if self.settings.workers == 1 or self.settings.fail_fast is FailFast.CHECK:
            return  # one at a time; fail-fast per check needs each result before the next
        items = first.session.items
        position = items.index(first)
        gate = first_state.gate
        guard = self._refuse_mutation if first_state.preflight else None
        for item in items[position:]:
            state = self.checks.get(item.nodeid)
            if state is None or state.gate.id != gate.id or item.nodeid in self.prefetched:
                continue
            blocked = state.flags.mutating and not self.settings.allow_mutation
            if isinstance(item, PlanCheckItem) and not blocked:
                handle = self.pool.submit(item.evaluate, guard)
                item.stash[PREFETCH_KEY] = self.prefetched[item.nodeid] = handle

    def _refuse_mutation(self, start: ProcessStart) -> None:
        """The audit guard of preflight checks (the deny list is built when first needed)."""
        from pytest_cutover.safety.mutation import refuse_denied  # noqa: PLC0415 - preflight only

        refuse_denied(self.deny, start, self.settings.allow_unreadable)

    def _begin(self, item: pytest.Item, state: CheckState) -> None:
        """Record every process the check starts, from its setup to its teardown."""
        if self.running is not None:  # its teardown was never reported
            self._finish(stopped=True)
        if state.started is not None:  # it ran before: pytest-rerunfailures runs it again
            self._next_attempt(item, state)
        recorder = self.relay.to = Recorder(
            guard=self._refuse_mutation if state.preflight else None
        )
        self.running = Running(item, state, recorder)
        state.started = time.time()

    def _next_attempt(self, item: pytest.Item, state: CheckState) -> None:
        """Keep the attempt that ended as evidence; the check starts again from nothing."""
        attempts = state.attempts = state.attempts or []
        attempts.append(state.last_attempt())
        state.outcome, state.reason, state.message, state.settled = Outcome.NOT_RUN, "", "", None
        state.duration, state.commands, state.warnings, state.output = 0.0, (), (), ()
        state.disagreement = ""
        if RESULTS_KEY in item.stash:
            item.stash[RESULTS_KEY] = []

    def _finish(self, stopped: bool = False) -> None:
        """Stop recording the running check, and keep what it observed as evidence
        (all of its output when it failed, or when the session ``stopped`` inside it)."""
        running, self.running = self.running, None
        if running is None:
            return
        self.relay.to = None
        state = running.state
        running.recorder.close(functools.partial(_late, state))
        state.finished = time.time()
        starts = running.recorder.starts
        handle = self.prefetched.pop(state.nodeid, None) if state.declared else None
        results = results_of(running.item)
        seen_by_item = bool(results)
        if handle is not None:
            execution = handle.execution()
            if execution is not None:
                state.started, state.finished = execution.started, execution.finished
                unrecorded = execution.result  # the item stopped waiting for it (a timeout)
                if unrecorded is not None and unrecorded not in results:
                    results, seen_by_item = [*results, unrecorded], False
            handle.recorder.close(functools.partial(_late, state))
            starts = [*handle.recorder.starts, *starts]
        if results or starts:
            failing = stopped or state.outcome in FAILING
            state.warnings = tuple(self.redact(w) for r in results for w in r.warnings)
            state.commands = command_records(results, starts, self.redact, failing=failing)
        # A result the item stopped waiting for is evidence, not why the check ended.
        if seen_by_item and state.outcome is not Outcome.BLOCKED and not state.disagreement:
            state.message = self.redact(results[-1].message)

    def refused(self, state: CheckState) -> BaseException | None:
        """What the mutation guard refused the running check, if it refused anything."""
        running = self.running
        if running is None or running.state is not state:
            return None
        handle = self.prefetched.get(state.nodeid)
        if handle is not None and handle.recorder.refused is not None:
            return handle.recorder.refused
        return running.recorder.refused

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Record what the report says of its check (settled already, in ``makereport``)."""
        state = self.checks.get(report.nodeid)
        if state is None:
            return
        running = self.running
        if running is not None and running.state is state:
            left = running.left.get(report.when)
            if disagrees(left, report.outcome):  # changed by a plugin outside the gatekeeper
                state.disagreement = messages.REPORT_DISAGREES.format(
                    reported=report.outcome, truth=messages.SETTLED_AS.format(outcome=left)
                )
                report.outcome = "failed"
                report.longrepr = messages.CHECK_FAILED.format(
                    check=state.check_id, problem=state.disagreement
                )
        state.duration += report.duration
        # A passed setup or teardown changes nothing but the duration.
        if report.outcome != "passed" or report.when == "call":
            self._record_outcome(state, report)
        if report.when == "teardown":
            if report.sections:
                state.output = tuple((title, text) for title, text in report.sections if text)
            self._finish()

    def _record_outcome(self, state: CheckState, report: pytest.TestReport) -> None:
        before = state.outcome
        if state.disagreement:
            state.outcome, state.message = Outcome.ERROR, state.disagreement
        else:
            state.outcome = state.settled or next_outcome(state.outcome, report)
        if report.outcome != "passed" and not state.message:
            state.message = report_message(report)
        if report.failed and state.outcome in FAILING and before not in FAILING:
            self.failures.append(Failure(state.check_id, state.gate))

    def show_status_words(self) -> None:
        """From the first check that needs them on: BLOCKED, WAIVED and WARN in the terminal.

        Registered only then, because pytest asks every report of the run for its status.
        """
        if not self.config.pluginmanager.is_registered(self.status_words):
            self.config.pluginmanager.register(self.status_words, STATUS_WORDS_NAME)

    # -- deciding -----------------------------------------------------------------

    def pytest_unconfigure(self) -> None:
        for plugin in (self.status_words, self.gatekeeper):
            if plugin is not None and self.config.pluginmanager.is_registered(plugin):
                self.config.pluginmanager.unregister(plugin)
        self.interrupts.restore()

    @pytest.hookimpl(tryfirst=True)  # before pytest's --junitxml writes its file
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self.interrupts.finishing = True
        self._finish(stopped=True)  # a check the session stopped in the middle of
        if self.attachment is not None:
            detach(self.attachment)
            self.attachment = None
        for handle in self.prefetched.values():
            handle.cancellation.cancel()  # never reported: nothing of it may go on running
        self.pool.shutdown()
        self._keep_unreported_runs()
        self._keep_late_starts()
        if is_xdist_worker(self.config) or not self.cutover or self.catalog is None:
            self._undo_evidence()
            return
        if self.config.option.collectonly or self.settings.show_plan:
            self._undo_evidence()
            return
        if exitstatus == pytest.ExitCode.USAGE_ERROR:
            self._undo_evidence()
            return
        interrupted = exitstatus == pytest.ExitCode.INTERRUPTED
        states = list(self.checks.values())
        if not interrupted and not self.asked and not any(s.selected for s in states):
            self.no_decision = True
            self._undo_evidence()
            return
        self._explain_unrun(session, interrupted)
        self.decision = self._decide(states, exitstatus)
        self.config.hook.pytest_cutover_decision(config=self.config, decision=self.decision)
        from pytest_cutover.integrations.junitxml import (  # noqa: PLC0415 - when deciding
            add_decision,
            junit_writer,
            redact_suite_properties,
        )

        writer = junit_writer(self.config)
        if writer is not None:
            redact_suite_properties(writer, self.redact)
            add_decision(writer, self.decision, strict=self.settings.strict)
        failed_to_write = False
        if self.settings.evidence is not None:
            failed_to_write = not self._write_bundle(
                self.settings.evidence, exitstatus, self.catalog
            )
        conditional = self.decision.verdict is Verdict.CONDITIONAL_GO and self.settings.strict
        if (not self.decision.go or failed_to_write or conditional) and session.exitstatus in (
            pytest.ExitCode.OK,
            pytest.ExitCode.NO_TESTS_COLLECTED,
        ):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def _decide(self, states: list[CheckState], exitstatus: int) -> Decision:
        assert self.catalog is not None
        outcomes = [
            CheckOutcome(s.check_id, s.gate.id, s.outcome, s.reason, s.warnings, s.message)
            for s in states
        ]
        phases = decided_phases(
            self.catalog.timeline,
            self.catalog.gates,
            selects=self.selects,
            phases=self.settings.phases,
            selected={s.gate.phase for s in states if s.selected},
        )
        return decide(
            self.catalog.name,
            self.catalog.gates,
            outcomes,
            phases=phases,
            problems=self._collection_problems(),
            interrupted=exitstatus == pytest.ExitCode.INTERRUPTED,
            internal_error=exitstatus == pytest.ExitCode.INTERNAL_ERROR,
            triggers={s.check_id for s in states if s.flags.trigger},
            window_problems=self._window_problems(states),
            enforce_window=self.settings.enforce_window,
        )

    def _collection_problems(self) -> list[str]:
        """What kept part of the plan's Python checks out of the run, as blocking sentences."""
        from pytest_cutover.run.leftout import last_failed_problem  # noqa: PLC0415 - when deciding

        problems = list(self.problems)
        last_failed = last_failed_problem(self.config)
        if last_failed is not None:
            problems.append(last_failed)
        base = self.config.invocation_params.dir
        if self.leftout is not None:
            problems += self.leftout.problems(base)
        invocation = self.invocation
        if self.discovered and self.plan is not None:
            problems.append(
                messages.PROBLEM_PLAN_NOT_IN_ARGS.format(plan=self.settings.plan_shown_as)
            )
        elif invocation is not None:
            problems += [
                messages.PROBLEM_NARROWED.format(folder=_shown(folder, base))
                for folder in invocation.narrowed
            ]
        return problems

    def _explain_unrun(self, session: pytest.Session, interrupted: bool) -> None:
        """Say why a selected check never ran, and note a check that passed only on a rerun."""
        why = session.shouldfail or session.shouldstop
        for state in self.checks.values():
            if state.outcome is Outcome.NOT_RUN and state.selected and not state.reason:
                if state.started is not None:
                    state.reason = messages.STOPPED_DURING if interrupted else messages.NEVER_CALLED
                else:
                    unreported = str(why) if why else messages.STOP_NOT_REPORTED
                    cause = messages.STOP_INTERRUPTED if interrupted else unreported
                    state.reason = messages.STOPPED_BEFORE.format(why=cause)
            if state.attempts and state.outcome is Outcome.PASSED:
                failed = sum(a.outcome is not Outcome.PASSED for a in state.attempts)
                if failed:
                    note = messages.RERUN_PASSED.format(
                        attempt=len(state.attempts) + 1, failed=failed
                    )
                    state.warnings = (*state.warnings, note)

    def _keep_unreported_runs(self) -> None:
        """Checks the pool ran but pytest never reported (the session stopped): keep their
        commands as evidence, so every process that ran is on record."""
        for nodeid, handle in self.prefetched.items():
            state = self.checks[nodeid]
            execution = handle.execution()
            if state.outcome is Outcome.NOT_RUN and (execution or handle.recorder.starts):
                results = [execution.result] if execution and execution.result else []
                state.commands = command_records(
                    results, handle.recorder.starts, self.redact, failing=True
                )
                state.message = messages.RAN_NOT_REPORTED
        self.prefetched.clear()

    def _keep_late_starts(self) -> None:
        """Processes a check's threads started after the check ended: on its record, as late."""
        for state in self.checks.values():
            if state.late:
                late = command_records((), state.late, self.redact, failing=True)
                for record in late:
                    record["source"] = "blocked" if record["source"] == "blocked" else "late"
                state.commands = [*state.commands, *late]

    def _window_problems(self, states: list[CheckState]) -> list[str]:
        """Phases that ran outside their window on the clock (none without a T0)."""
        if self.t0 is None or self.catalog is None:
            return []
        from pytest_cutover.evidence.assemble import ran_spans  # noqa: PLC0415 - see the module docstring

        return window_problems(windows(self.catalog.timeline, self.t0), ran_spans(states))

    def _write_bundle(self, directory: Path, exitstatus: int, catalog: Catalog) -> bool:
        """Write the evidence bundle; say where in the summary, or why it could not be."""
        from pytest_cutover.errors import BundleError  # noqa: PLC0415
        from pytest_cutover.evidence.assemble import evidence_document  # noqa: PLC0415 - see the docstring
        from pytest_cutover.evidence.bundle import finish_run, write_bundle  # noqa: PLC0415

        assert self.decision is not None
        document = evidence_document(self, catalog, self.decision, exitstatus)
        self.redact.refresh()
        if self.redact.generation:  # a secret appeared during the run: redact all again
            document = self.redact.deep(document)  # type: ignore[assignment]  # same shape
        try:
            write_bundle(directory, document)
        except (OSError, BundleError) as error:  # the marker stays: no bundle of this run
            note = messages.BUNDLE_NOT_WRITTEN.format(path=directory, error=error)
            self.bundle_note = (note, "red")
            return False
        finish_run(self.aside)
        self.bundle_note = (messages.BUNDLE_WRITTEN.format(path=directory), "")
        return True

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.no_decision:
            terminalreporter.write_line(messages.NO_CUTOVER_SELECTED)
            return
        if self.decision is None:
            return
        terminalreporter.write_sep("=", messages.DECISION_TITLE, bold=True)
        rollback = self.plan.rollback if self.plan is not None else None
        waivers = waiver_records(self.waivers, self.applied, datetime.now(timezone.utc))
        lines = decision_lines(self.decision, waivers, rollback)
        if self.bundle_note is not None:
            lines.append(self.bundle_note)
        for text, colour in lines:
            markup = {colour: True, "bold": True} if colour else {}
            terminalreporter.write_line(self.redact(text), **markup)


def _late(state: CheckState, start: ProcessStart) -> None:
    """Keep a process a thread of ``state`` started after the check had ended."""
    if state.late is None:
        state.late = []
    state.late.append(start)


def _new_run_id() -> str:
    import uuid  # noqa: PLC0415 - cheap, and only for the run id

    return str(uuid.uuid4())


def _utc_or_none(seconds: float | None) -> str | None:
    return None if seconds is None else utc(datetime.fromtimestamp(seconds, timezone.utc))


def _nodeid_of(path: Path, rootpath: Path) -> str:
    """The node id pytest gives the file at ``path``."""
    try:
        return path.relative_to(rootpath).as_posix()
    except ValueError:
        return Path(os.path.relpath(path, rootpath)).as_posix()


def _shown(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base)) or "."
    except ValueError:
        return str(path)


@functools.lru_cache(maxsize=4096)
def _path_key(path: str) -> tuple[Any, ...]:
    """One sort key per test file, shared by all its checks."""
    return natural_key(path)


def _limit(outcome: Outcome) -> int:
    return FAILED_OUTPUT_LIMIT if outcome in FAILING else PASSED_OUTPUT_LIMIT


def shrinkers_of(config: pytest.Config) -> Shrinkers:
    """The options of this run that leave tests out."""
    return Shrinkers(
        markexpr=str(config.getoption("markexpr", "") or "").strip(),
        keyword=str(config.getoption("keyword", "") or "").strip(),
        deselect=tuple(config.getoption("deselect", None) or ()),
        last_failed=bool(config.getoption("lf", False)),
        stepwise=bool(config.getoption("stepwise", False))
        or bool(config.getoption("stepwise_skip", False)),
    )


def next_outcome(current: Outcome, report: pytest.TestReport) -> Outcome:
    """A check's outcome after one more of its reports (setup, call or teardown).

    pytest-rerunfailures reports an attempt it will run again as "rerun": that
    attempt failed (its next attempt starts from nothing).
    """
    outcome, when = report.outcome, report.when
    if outcome in ("failed", "rerun"):
        if when == "call" or current is Outcome.FAILED:
            return Outcome.FAILED
        return Outcome.ERROR
    if outcome == "skipped":
        if current is Outcome.BLOCKED:
            return current
        return Outcome.XFAILED if hasattr(report, "wasxfail") else Outcome.SKIPPED
    if when == "call":
        return Outcome.XPASSED if hasattr(report, "wasxfail") else Outcome.PASSED
    return current


def is_xdist_worker(config: pytest.Config) -> bool:
    """Whether this is a pytest-xdist worker process (xdist gives it ``workerinput``)."""
    return hasattr(config, "workerinput")


def is_distributed(config: pytest.Config) -> bool:
    """Whether pytest-xdist is spreading this run over workers."""
    if is_xdist_worker(config):
        return True
    dist = config.getoption("dist", default="no")
    return bool(config.getoption("numprocesses", default=None)) or dist not in ("no", None)
