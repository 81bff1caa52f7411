"""The stateful part of the plugin: one :class:`CutoverRun` per pytest run.

It tags and orders cutover checks at collection, blocks checks after a failed
gate, records every check's outcome from its reports, and decides at the end.
The rules themselves live in plain modules (``catalog``, ``ordering``,
``failfast``, ``decision``); the hooks here only feed them.

What only some runs need (writing evidence, showing the plan, the mutation deny
list) is imported where it is used: pytest imports this module on every run,
through its assertion-rewriting importer, and each module costs start-up time.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Mapping, Sequence
from contextvars import Token
from dataclasses import dataclass
from datetime import datetime, timezone
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest

from pytest_cutover import catalog, messages
from pytest_cutover.audit import (
    ProcessStart,
    Recorder,
    Relay,
    start_recording,
    stop_recording,
)
from pytest_cutover.catalog import Catalog
from pytest_cutover.clock import utc_now, window_problems, windows
from pytest_cutover.decision import FAILING, CheckOutcome, Decision, Outcome, Verdict, decide
from pytest_cutover.evidence import (
    FAILED_OUTPUT_LIMIT,
    PASSED_OUTPUT_LIMIT,
    bound,
    command_records,
    results_of,
)
from pytest_cutover.failfast import FailFast, Failure, block_reason
from pytest_cutover.items import PREFETCH_KEY, PlanCheckItem, PlanFile, SignoffItem
from pytest_cutover.markers import (
    MarkedCheck,
    MarkerError,
    MarkReader,
    Normalised,
    apply_marks,
    normalised_marks,
)
from pytest_cutover.model import DEFAULT_PHASES, Gate, Plan, PlanCheck, Timeline, Waiver
from pytest_cutover.ordering import natural_key, reorder, same_line_key
from pytest_cutover.pool import Execution, GatePool
from pytest_cutover.redact import Redactor, build_redactor
from pytest_cutover.runbook import (
    CheckFlags,
    flag_problem,
    flags_of,
    reference_problems,
    refuse_denied,
)
from pytest_cutover.settings import Settings
from pytest_cutover.signoff import Signature
from pytest_cutover.terminal import decision_lines
from pytest_cutover.waivers import active_waiver, waiver_records

if TYPE_CHECKING:
    from concurrent.futures import Future

    from pytest_cutover.mutation import DenyList


@dataclass(slots=True)
class CheckState:
    """One collected cutover check and what has happened to it so far."""

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
    reason: str = ""
    warnings: tuple[str, ...] = ()
    duration: float = 0.0
    message: str = ""
    commands: Sequence[dict[str, Any]] = ()
    output: Sequence[tuple[str, str]] = ()
    #: When it started and finished, in seconds since the epoch (cheaper than a datetime).
    started: float | None = None
    finished: float | None = None
    #: What the run made of a failure: WAIVED or WARNED, set before pytest counts it.
    settled: Outcome | None = None

    def record(self) -> dict[str, Any]:
        """The check as it appears in the evidence document."""
        return {
            "id": self.check_id,
            "nodeid": self.nodeid,
            "gate": self.gate.id,
            "phase": self.gate.phase,
            "outcome": self.outcome.value,
            "duration": round(self.duration, 3),
            "message": self.message,
            "reason": self.reason,
            "warnings": list(self.warnings),
            "commands": self.commands,
            "output": [
                {"section": title, "text": bound(text, _limit(self.outcome))}
                for title, text in self.output
            ],
        }


class Running(NamedTuple):
    """The check pytest is running now, and the recording of its processes."""

    item: pytest.Item
    state: CheckState
    recorder: Recorder


class Placement(NamedTuple):
    """What the checks with the same markers share: worked out once for all of them."""

    gate: Gate
    rank: int
    preflight: bool
    markers: Normalised
    #: The gate and phase properties (JUnit, pytest-html).
    properties: tuple[tuple[str, str], ...]


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
        self.bundle_note: tuple[str, str] | None = None
        self.waivers = waivers
        self.applied: set[int] = set()
        self.signatures = dict(signatures or {})
        self.t0 = settings.t0 or (plan.t0 if plan is not None else None)
        self.pool = GatePool(settings.workers)
        self.prefetched: dict[str, Future[Execution]] = {}
        self.running: Running | None = None
        #: Points the audit hook at the running check (set in pytest's context once).
        self.relay = Relay()
        self.relay_token: Token[Recorder | Relay | None] | None = None
        self.placements: dict[MarkedCheck, Placement] = {}
        self.status_words = StatusWords(self.checks)
        #: Whether this run has a plan or cutover checks; otherwise the plugin stays out.
        self.active = plan is not None

    @functools.cached_property
    def redact(self) -> Redactor:
        """The run's redactor, built when first needed (it compiles many patterns)."""
        return build_redactor(os.environ, self.settings.redact)

    @functools.cached_property
    def deny(self) -> DenyList:
        """The mutation deny list in force: the built-in one and the plan's."""
        from pytest_cutover.mutation import deny_list  # noqa: PLC0415 - see the module docstring

        return deny_list(self.plan.deny if self.plan is not None else ())

    # -- collection ---------------------------------------------------------------

    def pytest_report_header(self) -> list[str] | None:
        if self.plan is None:
            return None
        return [
            f"cutover plan: {self.settings.plan_shown_as} ({self.plan.name}: "
            f"{len(self.plan.gates)} gates, {len(self.plan.checks)} declared checks)"
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

    @pytest.hookimpl(tryfirst=True, specname="pytest_collection_modifyitems")
    def pytest_collection_modifyitems_tag(self, items: list[pytest.Item]) -> None:
        """Before any deselection: find the cutover checks, give them normalised markers."""
        try:
            reader = MarkReader()
            marked = [(item, marks) for item in items if (marks := reader.read(item))]
            if marked and is_distributed(self.config):
                self._refuse_distribution(items)
                return
            if self.catalog is None:
                if not marked:
                    return
                pairs = [(item.nodeid, marks) for item, marks in marked]
                self.catalog = catalog.from_marks(pairs, Timeline(DEFAULT_PHASES))
            for item, marks in marked:
                self._register(item, marks)
            self.active = self.active or bool(marked)
        except MarkerError as error:
            raise pytest.UsageError(str(error)) from None
        if self.waivers or self._triggers:
            check_ids = (state.check_id for state in self.checks.values())
            problems = reference_problems(self.plan, self.waivers, check_ids)
            if problems:
                raise pytest.UsageError("\n".join(problems))
        if self.settings.phase is not None:
            self._select_phase(items, self.settings.phase)

    def _select_phase(self, items: list[pytest.Item], phase: str) -> None:
        """``--cutover-phase``: the same selection as ``-m "phase(name='...')"``."""
        assert self.catalog is not None
        if phase not in self.catalog.timeline.phases:
            phases = ", ".join(self.catalog.timeline.phases)
            raise pytest.UsageError(
                messages.UNKNOWN_PHASE_OPTION.format(phase=phase, phases=phases)
            )
        keep = [i for i in items if (s := self.checks.get(i.nodeid)) and s.gate.phase == phase]
        dropped = [item for item in items if item not in keep]
        if dropped:
            self.config.hook.pytest_deselected(items=dropped)
            items[:] = keep

    def _refuse_distribution(self, items: list[pytest.Item]) -> None:
        """On an xdist worker: run nothing and tell the controller why, as a collection error.

        The controller sees the error in :meth:`pytest_collectreport` and stops
        with a usage error; a worker cannot stop the whole run by itself.
        """
        items.clear()
        report = pytest.CollectReport("", "failed", messages.XDIST_INCOMPATIBLE, [])
        self.config.hook.pytest_collectreport(report=report)

    @pytest.hookimpl(trylast=True)  # after the terminal has kept the error to show it
    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        refused = report.failed and str(report.longrepr) == messages.XDIST_INCOMPATIBLE
        if refused and not is_xdist_worker(self.config):
            pytest.exit(messages.XDIST_INCOMPATIBLE, pytest.ExitCode.USAGE_ERROR)

    def _register(self, item: pytest.Item, marks: MarkedCheck) -> None:
        nodeid = item.nodeid
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
        item.user_properties.extend(placement.properties)

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
            (("cutover_gate", gate.id), ("cutover_phase", gate.phase)),
        )
        return placement

    @functools.cached_property
    def _triggers(self) -> frozenset[str]:
        """The ids of the plan's rollback triggers."""
        rollback = self.plan.rollback if self.plan is not None else None
        return frozenset(rollback.triggers if rollback is not None else ())

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        for item in items:
            if item.nodeid in self.checks:
                self.checks[item.nodeid].outcome = Outcome.DESELECTED

    @pytest.hookimpl(trylast=True, specname="pytest_collection_modifyitems")
    def pytest_collection_modifyitems_order(self, items: list[pytest.Item]) -> None:
        """After every shuffler: cutover checks in run order, other tests untouched."""
        if self.checks:
            ranked = sorted(self.checks.values(), key=attrgetter("order"))
            self.checks.clear()  # and refilled in run order, which it keeps from here on
            self.checks.update((state.nodeid, state) for state in ranked)
            rank = {nodeid: position for position, nodeid in enumerate(self.checks)}
            items[:] = reorder(items, [rank.get(item.nodeid) for item in items])

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
            if state.check_id == state.nodeid and state.outcome is not Outcome.DESELECTED:
                python_checks.setdefault(state.gate.id, []).append(state.check_id)
        writer = self.config.get_terminal_writer()
        from pytest_cutover.show_plan import runbook_lines  # noqa: PLC0415 - see the docstring

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
            self._show_status_words()
            pytest.skip(messages.BLOCKED.format(cause=cause))
        if state.declared and state.nodeid not in self.prefetched:
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
            if state is None or state.gate.id != gate.id:
                continue
            blocked = state.flags.mutating and not self.settings.allow_mutation
            if isinstance(item, PlanCheckItem) and not blocked:
                future = self.pool.submit(item.evaluate, guard)
                item.stash[PREFETCH_KEY] = self.prefetched[item.nodeid] = future

    def _refuse_mutation(self, start: ProcessStart) -> None:
        """The audit guard of preflight checks (the deny list is built when first needed)."""
        refuse_denied(self.deny, start)

    def _begin(self, item: pytest.Item, state: CheckState) -> None:
        """Record every process the check starts, from its setup to its teardown."""
        if self.running is not None:  # its teardown was never reported (a rerun plugin?)
            self._finish(stopped=True)
        if self.relay_token is None:
            self.relay_token = start_recording(self.relay)
        recorder = self.relay.to = Recorder(
            guard=self._refuse_mutation if state.preflight else None
        )
        self.running = Running(item, state, recorder)
        state.started = time.time()

    def _finish(self, stopped: bool = False) -> None:
        """Stop recording the running check, and keep what it observed as evidence
        (all of its output when it failed, or when the session ``stopped`` inside it)."""
        running, self.running = self.running, None
        if running is None:
            return
        self.relay.to = None
        state = running.state
        state.finished = time.time()
        starts = running.recorder.starts
        future = self.prefetched.get(state.nodeid) if state.declared else None
        if future is not None and future.done():
            execution = future.result()
            state.started, state.finished = execution.started, execution.finished
            starts = [*execution.starts, *starts]
        results = results_of(running.item)
        if results or starts:
            failing = stopped or state.outcome in FAILING
            state.warnings = tuple(self.redact(w) for r in results for w in r.warnings)
            state.commands = command_records(results, starts, self.redact, failing=failing)
        if results and state.outcome is not Outcome.BLOCKED:
            state.message = self.redact(results[-1].message)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """First of all (see :func:`pytest_cutover.plugin.pytest_configure`): no secret
        leaves in a report, and a check's failure is settled before pytest counts it."""
        if not self.active:
            return
        if report.longrepr is not None or report.sections:
            redact_report(report, self.redact)
        state = self.checks.get(report.nodeid)
        if state is None:
            return
        state.duration += report.duration
        # A passed setup or teardown changes nothing but the duration.
        if report.outcome != "passed" or report.when == "call":
            self._record_outcome(state, report)
        if report.when == "teardown":
            if report.sections:
                state.output = tuple((title, text) for title, text in report.sections if text)
            self._finish()

    def _record_outcome(self, state: CheckState, report: pytest.TestReport) -> None:
        failed = report.outcome == "failed"
        if failed:
            self._settle(state, report)
        before = state.outcome
        state.outcome = state.settled or next_outcome(state.outcome, report)
        if report.outcome != "passed" and not state.message:
            state.message = report_message(report)
        if failed and state.outcome in FAILING and before not in FAILING:
            self.failures.append(Failure(state.check_id, state.gate))

    def _settle(self, state: CheckState, report: pytest.TestReport) -> None:
        """Before pytest counts a failure: a blocked mutation, a waiver, an advisory check."""
        refused = self._refused(state)
        if refused is not None:
            state.message = self.redact(str(refused))
            report.longrepr = f"cutover check {state.check_id} failed: {state.message}"
        now = datetime.now(timezone.utc)
        waiver = active_waiver(self.waivers, state.check_id, now)
        if waiver is not None:
            self.applied.add(self.waivers.index(waiver))
            state.settled, state.reason = Outcome.WAIVED, f"{state.check_id} {waiver.describe()}"
        elif state.flags.advisory and not self.settings.strict:
            state.settled = Outcome.WARNED
        else:
            return
        self._show_status_words()
        state.message = state.message or report_message(report)
        path, line, _ = report.location
        report.outcome = "skipped"
        report.longrepr = (
            path,
            (line or 0) + 1,
            f"{state.settled.value}: {state.reason or state.message}",
        )

    def _refused(self, state: CheckState) -> BaseException | None:
        """What the mutation guard refused the running check, if it refused anything."""
        running = self.running
        if running is None or running.state is not state:
            return None
        future = self.prefetched.get(state.nodeid)
        if future is not None and future.done() and future.result().refused is not None:
            return future.result().refused
        return running.recorder.refused

    def _show_status_words(self) -> None:
        """From the first check that needs them on: BLOCKED, WAIVED and WARN in the terminal.

        Registered only then, because pytest asks every report of the run for its status.
        """
        if not self.config.pluginmanager.is_registered(self.status_words):
            self.config.pluginmanager.register(self.status_words, STATUS_WORDS_NAME)

    # -- deciding -----------------------------------------------------------------

    def pytest_unconfigure(self) -> None:
        if self.config.pluginmanager.is_registered(self.status_words):
            self.config.pluginmanager.unregister(self.status_words)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self._finish(stopped=True)  # a check the session stopped in the middle of
        if self.relay_token is not None:
            stop_recording(self.relay_token)
            self.relay_token = None
        self.pool.shutdown()
        self._keep_unreported_runs()
        if not self.active or self.config.option.collectonly or self.settings.show_plan:
            return
        if exitstatus == pytest.ExitCode.USAGE_ERROR or self.catalog is None:
            return
        states = list(self.checks.values())
        outcomes = [
            CheckOutcome(s.check_id, s.gate.id, s.outcome, s.reason, s.warnings, s.message)
            for s in states
        ]
        self.decision = decide(
            self.catalog.name,
            self.catalog.gates,
            outcomes,
            interrupted=exitstatus == pytest.ExitCode.INTERRUPTED,
            internal_error=exitstatus == pytest.ExitCode.INTERNAL_ERROR,
            triggers={s.check_id for s in states if s.flags.trigger},
            window_problems=self._window_problems(states),
            enforce_window=self.settings.enforce_window,
        )
        self.config.hook.pytest_cutover_decision(config=self.config, decision=self.decision)
        failed_to_write = False
        if self.settings.evidence is not None:
            failed_to_write = not self._write_bundle(
                self.settings.evidence, exitstatus, self.catalog, self.decision
            )
        conditional = self.decision.verdict is Verdict.CONDITIONAL_GO and self.settings.strict
        if (not self.decision.go or failed_to_write or conditional) and session.exitstatus in (
            pytest.ExitCode.OK,
            pytest.ExitCode.NO_TESTS_COLLECTED,
        ):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def _keep_unreported_runs(self) -> None:
        """Checks the pool ran but pytest never reported (the session stopped): keep their
        commands as evidence, so every process that ran is on record."""
        for nodeid, future in self.prefetched.items():
            state = self.checks[nodeid]
            if state.outcome is Outcome.NOT_RUN and future.done() and not future.cancelled():
                execution = future.result()
                results = [execution.result] if execution.result is not None else []
                state.commands = command_records(
                    results, execution.starts, self.redact, failing=True
                )
                state.message = messages.RAN_NOT_REPORTED

    def _window_problems(self, states: list[CheckState]) -> list[str]:
        """Phases that ran outside their window on the clock (none without a T0)."""
        if self.t0 is None or self.catalog is None:
            return []
        from pytest_cutover.assemble import ran_spans  # noqa: PLC0415 - see the module docstring

        return window_problems(windows(self.catalog.timeline, self.t0), ran_spans(states))

    def _write_bundle(
        self, directory: Path, exitstatus: int, catalog: Catalog, decision: Decision
    ) -> bool:
        """Write the evidence bundle; say where in the summary, or why it could not be."""
        from pytest_cutover.assemble import evidence_document  # noqa: PLC0415 - see the docstring
        from pytest_cutover.bundle import BundleError, write_bundle  # noqa: PLC0415

        document = evidence_document(self, catalog, decision, exitstatus)
        try:
            write_bundle(directory, document)
        except (OSError, BundleError) as error:
            note = messages.BUNDLE_NOT_WRITTEN.format(path=directory, error=error)
            self.bundle_note = (note, "red")
            return False
        self.bundle_note = (messages.BUNDLE_WRITTEN.format(path=directory), "")
        return True

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.decision is None:
            return
        terminalreporter.write_sep("=", "cutover decision", bold=True)
        rollback = self.plan.rollback if self.plan is not None else None
        waivers = waiver_records(self.waivers, self.applied, datetime.now(timezone.utc))
        lines = decision_lines(self.decision, waivers, rollback)
        if self.bundle_note is not None:
            lines.append(self.bundle_note)
        for text, colour in lines:
            markup = {colour: True, "bold": True} if colour else {}
            terminalreporter.write_line(self.redact(text), **markup)


@functools.lru_cache(maxsize=4096)
def _path_key(path: str) -> tuple[Any, ...]:
    """One sort key per test file, shared by all its checks."""
    return natural_key(path)


def _limit(outcome: Outcome) -> int:
    return FAILED_OUTPUT_LIMIT if outcome in FAILING else PASSED_OUTPUT_LIMIT


def next_outcome(current: Outcome, report: pytest.TestReport) -> Outcome:
    """A check's outcome after one more of its reports (setup, call or teardown)."""
    outcome, when = report.outcome, report.when
    if outcome == "failed":
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


def report_message(report: pytest.TestReport) -> str:
    """The one line that says why a report did not pass: the crash message or skip reason."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):
        return str(longrepr[2])
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None:
        return str(crash.message)
    lines = str(longrepr or "").strip().splitlines()
    return lines[0] if lines else report.outcome


def redact_report(report: pytest.TestReport, redact: Callable[[str], str]) -> None:
    """Replace secrets in a report's failure text and captured output."""
    if report.longrepr is not None and not isinstance(report.longrepr, tuple):
        text = str(report.longrepr)
        cleaned = redact(text)
        if cleaned != text:
            report.longrepr = cleaned
    if report.sections:
        report.sections = [(title, redact(content)) for title, content in report.sections]
