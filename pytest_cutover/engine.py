"""The stateful part of the plugin: one :class:`CutoverRun` per pytest run.

It tags and orders cutover checks at collection, blocks checks after a failed
gate, records every check's outcome from its reports, and decides at the end.
The rules themselves live in plain modules (``catalog``, ``ordering``,
``failfast``, ``decision``); the hooks here only feed them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pytest_cutover import catalog, messages
from pytest_cutover.audit import Recorder, recording
from pytest_cutover.bundle import BundleError, write_bundle
from pytest_cutover.catalog import Catalog
from pytest_cutover.decision import FAILING, CheckOutcome, Decision, Outcome, decide
from pytest_cutover.document import build_document
from pytest_cutover.evidence import command_records, results_of
from pytest_cutover.failfast import Failure, block_reason
from pytest_cutover.items import PlanCheckItem, PlanFile
from pytest_cutover.markers import MarkedCheck, MarkerError, apply_marks, read_marks
from pytest_cutover.model import DEFAULT_PHASES, Gate, Plan, Timeline
from pytest_cutover.ordering import natural_key, reorder
from pytest_cutover.redact import build_redactor
from pytest_cutover.run_info import run_info, utc_now
from pytest_cutover.settings import Settings
from pytest_cutover.terminal import decision_lines


@dataclass
class CheckState:
    """One collected cutover check and what has happened to it so far."""

    check_id: str
    nodeid: str
    gate: Gate
    order: tuple[Any, ...]
    outcome: Outcome = Outcome.NOT_RUN
    reason: str = ""
    warnings: tuple[str, ...] = ()
    duration: float = 0.0
    message: str = ""
    commands: list[dict[str, Any]] = field(default_factory=list)

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
        }


class CutoverRun:
    """Registered as ``cutover-run`` for the length of one pytest run."""

    def __init__(self, config: pytest.Config, settings: Settings, plan: Plan | None) -> None:
        self.config = config
        self.settings = settings
        self.plan = plan
        self.catalog = catalog.from_plan(plan) if plan is not None else None
        self.checks: dict[str, CheckState] = {}
        self.failures: list[Failure] = []
        self.decision: Decision | None = None
        self.redact = build_redactor(os.environ, settings.redact)
        self.started = utc_now()
        self.bundle_note: tuple[str, str] | None = None

    @property
    def active(self) -> bool:
        """Whether this run has a plan or cutover checks; otherwise the plugin stays out."""
        return self.plan is not None or bool(self.checks)

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
            return PlanFile.from_parent(parent, path=file_path, plan=self.plan)
        return None

    @pytest.hookimpl(tryfirst=True, specname="pytest_collection_modifyitems")
    def pytest_collection_modifyitems_tag(self, items: list[pytest.Item]) -> None:
        """Before any deselection: find the cutover checks, give them normalised markers."""
        try:
            marked = [(item, marks) for item in items if (marks := read_marks(item))]
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
        except MarkerError as error:
            raise pytest.UsageError(str(error)) from None

    def _refuse_distribution(self, items: list[pytest.Item]) -> None:
        """On an xdist worker: run nothing and tell the controller why, as a collection error.

        The controller sees the error in :meth:`pytest_collectreport` and stops
        with a usage error; a worker cannot stop the whole run by itself.
        """
        items.clear()
        report = pytest.CollectReport("", "failed", messages.XDIST_INCOMPATIBLE, [])
        self.config.hook.pytest_collectreport(report=report)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        refused = report.failed and str(report.longrepr) == messages.XDIST_INCOMPATIBLE
        if refused and not is_xdist_worker(self.config):
            pytest.exit(messages.XDIST_INCOMPATIBLE, pytest.ExitCode.USAGE_ERROR)

    def _register(self, item: pytest.Item, marks: MarkedCheck) -> None:
        assert self.catalog is not None
        gate = catalog.resolve(self.catalog, item.nodeid, marks)
        apply_marks(item, gate, self.catalog.timeline)
        declared: tuple[Any, ...]
        if isinstance(item, PlanCheckItem):
            check_id, declared = item.check.id, (0, item.index)
        else:
            path, line, _ = item.reportinfo()
            where = natural_key(str(path))
            check_id, declared = item.nodeid, (1, where, line or 0, natural_key(item.nodeid))
        order = (self.catalog.rank(gate.id), declared)
        self.checks[item.nodeid] = CheckState(check_id, item.nodeid, gate, order)
        item.user_properties.extend([("cutover_gate", gate.id), ("cutover_phase", gate.phase)])

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        for item in items:
            if item.nodeid in self.checks:
                self.checks[item.nodeid].outcome = Outcome.DESELECTED

    @pytest.hookimpl(trylast=True, specname="pytest_collection_modifyitems")
    def pytest_collection_modifyitems_order(self, items: list[pytest.Item]) -> None:
        """After every shuffler: cutover checks in run order, other tests untouched."""
        if self.checks:
            items[:] = reorder(items, self._order_of)

    def _order_of(self, item: pytest.Item) -> tuple[Any, ...] | None:
        state = self.checks.get(item.nodeid)
        return state.order if state is not None else None

    # -- running ------------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        state = self.checks.get(item.nodeid)
        if state is None:
            return
        cause = block_reason(self.settings.fail_fast, state.gate, self.failures)
        if cause is not None:
            state.outcome, state.reason = Outcome.BLOCKED, cause
            pytest.skip(messages.BLOCKED.format(cause=cause))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(
        self, item: pytest.Item, nextitem: pytest.Item | None
    ) -> Generator[None, object, object]:
        """Record every process the check starts, then keep what it observed as evidence."""
        state = self.checks.get(item.nodeid)
        if state is None:
            return (yield)
        recorder = Recorder()
        try:
            with recording(recorder):
                return (yield)
        finally:
            results = results_of(item)
            state.warnings = tuple(self.redact(w) for r in results for w in r.warnings)
            state.commands = command_records(
                results, recorder.starts, self.redact, failing=state.outcome in FAILING
            )
            if results and state.outcome is not Outcome.BLOCKED:
                state.message = self.redact(results[-1].message)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        """No secret reaches the terminal, JUnit or HTML through a report."""
        report = yield
        if self.active:
            redact_report(report, self.redact)
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        state = self.checks.get(report.nodeid)
        if state is None:
            return
        state.duration += report.duration
        before, state.outcome = state.outcome, next_outcome(state.outcome, report)
        if report.outcome != "passed" and not state.message:
            state.message = report_message(report)
        if state.outcome in FAILING and before not in FAILING:
            self.failures.append(Failure(state.check_id, state.gate))

    def pytest_report_teststatus(
        self, report: pytest.TestReport
    ) -> tuple[str, str, tuple[str, dict[str, bool]]] | None:
        state = self.checks.get(report.nodeid)
        if state is not None and state.outcome is Outcome.BLOCKED and report.when == "setup":
            return "blocked", "B", ("BLOCKED", {"yellow": True})
        return None

    # -- deciding -----------------------------------------------------------------

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if not self.active or self.config.option.collectonly:
            return
        if exitstatus == pytest.ExitCode.USAGE_ERROR or self.catalog is None:
            return
        outcomes = [
            CheckOutcome(state.check_id, state.gate.id, state.outcome, state.reason, state.warnings)
            for state in sorted(self.checks.values(), key=lambda state: state.order)
        ]
        self.decision = decide(
            self.catalog.name,
            self.catalog.gates,
            outcomes,
            interrupted=exitstatus == pytest.ExitCode.INTERRUPTED,
            internal_error=exitstatus == pytest.ExitCode.INTERNAL_ERROR,
        )
        self.config.hook.pytest_cutover_decision(config=self.config, decision=self.decision)
        failed_to_write = False
        if self.settings.evidence is not None:
            failed_to_write = not self._write_bundle(
                self.settings.evidence, exitstatus, self.catalog, self.decision
            )
        if (not self.decision.go or failed_to_write) and session.exitstatus in (
            pytest.ExitCode.OK,
            pytest.ExitCode.NO_TESTS_COLLECTED,
        ):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def _write_bundle(
        self, directory: Path, exitstatus: int, catalog: Catalog, decision: Decision
    ) -> bool:
        """Write the evidence bundle; say where in the summary, or why it could not be."""
        checks = sorted(self.checks.values(), key=lambda state: state.order)
        plan = self.plan
        document = build_document(
            plan={
                "name": catalog.name,
                "path": self.settings.plan_shown_as if plan is not None else None,
                "sha256": file_sha256(plan.path) if plan is not None else None,
            },
            run=run_info(
                started=self.started,
                cwd=self.config.invocation_params.dir,
                argv=self.config.invocation_params.args,
                target=plan.path.parent if plan is not None else self.config.rootpath,
                exit_status=exitstatus,
                redact=self.redact,
            ),
            timeline=catalog.timeline,
            gates=catalog.gates,
            decision=decision,
            checks=[state.record() for state in checks],
            interrupted=exitstatus == pytest.ExitCode.INTERRUPTED,
            internal_error=exitstatus == pytest.ExitCode.INTERNAL_ERROR,
        )
        try:
            write_bundle(directory, document)
        except (OSError, BundleError) as error:
            self.bundle_note = (
                messages.BUNDLE_NOT_WRITTEN.format(path=directory, error=error),
                "red",
            )
            return False
        self.bundle_note = (messages.BUNDLE_WRITTEN.format(path=directory), "")
        return True

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.decision is None:
            return
        terminalreporter.write_sep("=", "cutover decision", bold=True)
        lines = decision_lines(self.decision)
        if self.bundle_note is not None:
            lines.append(self.bundle_note)
        for text, colour in lines:
            markup = {colour: True, "bold": True} if colour else {}
            terminalreporter.write_line(self.redact(text), **markup)


def next_outcome(current: Outcome, report: pytest.TestReport) -> Outcome:
    """A check's outcome after one more of its reports (setup, call or teardown)."""
    xfail = hasattr(report, "wasxfail")
    if report.failed:
        if report.when == "call" or current is Outcome.FAILED:
            return Outcome.FAILED
        return Outcome.ERROR
    if report.skipped:
        if current is Outcome.BLOCKED:
            return current
        return Outcome.XFAILED if xfail else Outcome.SKIPPED
    if report.when == "call":
        return Outcome.XPASSED if xfail else Outcome.PASSED
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
    report.sections = [(title, redact(content)) for title, content in report.sections]


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
