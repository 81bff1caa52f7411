"""Session end: the decision, the exit status, and the evidence of a cutover run.

Registered once the run is known to be a cutover run. When the run is known to
be one, SIGTERM starts to end it like Ctrl-C and a previous bundle in the
evidence folder is moved aside. At the end, the checks that never ran get their
reason, the decision is made with the pure :func:`~pytest_cutover.model.decision.decide`,
and the finished run is handed to the evidence code as a plain
:class:`~pytest_cutover.evidence.finished.FinishedRun`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pytest_cutover import messages
from pytest_cutover.evidence.finished import FinishedAttempt, FinishedCheck, FinishedRun
from pytest_cutover.model.clock import ran_spans, utc, window_problems, windows
from pytest_cutover.model.decision import FAILING, CheckOutcome, Decision, Outcome, Verdict, decide
from pytest_cutover.model.vocabulary import cut
from pytest_cutover.model.waivers import waiver_records
from pytest_cutover.run.gatekeeper import keep_late_starts
from pytest_cutover.run.interrupt import Interrupts
from pytest_cutover.run.observations import FAILED_OUTPUT_LIMIT, PASSED_OUTPUT_LIMIT
from pytest_cutover.run.selection import decided_phases
from pytest_cutover.run.state import CheckState, RunState, is_xdist_worker

if TYPE_CHECKING:
    from pytest_cutover.evidence.records import EvidenceDocument
    from pytest_cutover.run.concurrency import GateStarter
    from pytest_cutover.run.gatekeeper import Gatekeeper

#: The name :class:`SessionEnd` is registered under.
SESSION_END_NAME = "cutover-session-end"


class SessionEnd:
    """Decides the cutover at the end of the session and sets the exit status."""

    def __init__(self, config: pytest.Config, run: RunState) -> None:
        self.config = config
        self.run = run
        self.interrupts = Interrupts()
        #: Set once collection ended: they stop what still runs before the decision.
        self.gatekeeper: Gatekeeper | None = None
        self.starter: GateStarter | None = None
        #: The evidence folder's previous bundle, moved aside while this run is under way.
        self.aside: Path | None = None
        self.began = False
        #: Whether :meth:`finish` has run.
        self.finished = False

    # -- evidence folder ------------------------------------------------------------

    def begin(self) -> None:
        """Once it is known to be a cutover run: SIGTERM ends it like Ctrl-C, and a previous
        bundle in the evidence folder is moved aside before anything of this run happens."""
        run = self.run
        if is_xdist_worker(self.config) or self.config.option.collectonly:
            return
        if run.settings.show_plan:
            return
        self.interrupts.install()
        directory = run.settings.evidence
        if self.began or directory is None:
            return
        from pytest_cutover.evidence.bundle import begin_run  # noqa: PLC0415 - only with evidence

        try:
            self.aside = begin_run(directory, run.run_id, _utc(run.started))
        except OSError as error:
            run.bundle_note = (
                messages.BUNDLE_NOT_WRITTEN.format(path=directory, error=error),
                "red",
            )
            return
        self.began = True

    def _undo_evidence(self) -> None:
        """Nothing was decided: the evidence folder goes back to how the run found it."""
        directory = self.run.settings.evidence
        if self.began and directory is not None:
            from pytest_cutover.evidence.bundle import undo_run  # noqa: PLC0415 - only with evidence

            undo_run(directory, self.aside)

    def close(self) -> None:
        """The run is over: the signals go back to how the run found them."""
        self.interrupts.restore()

    # -- deciding -----------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)  # before pytest's --junitxml writes its file
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self.finish(session, exitstatus)

    def finish(self, session: pytest.Session, exitstatus: int) -> None:
        """Decide the run, set its exit status and write its evidence, once: here at session
        end, or earlier for a reporter that writes its file in a ``sessionfinish`` of its own
        that pytest may call first (pytest-json-report's, see
        :mod:`pytest_cutover.integrations.json_report`)."""
        if self.finished:
            return
        self.finished = True
        run = self.run
        self.interrupts.finishing = True
        if self.gatekeeper is not None:
            self.gatekeeper.close()  # a check the session stopped in the middle of
        if self.starter is not None:
            self.starter.close()
        keep_late_starts(run)
        if is_xdist_worker(self.config) or not run.cutover or run.catalog is None:
            self._undo_evidence()
            return
        if self.config.option.collectonly or run.settings.show_plan:
            self._undo_evidence()
            return
        if exitstatus == pytest.ExitCode.USAGE_ERROR:
            self._undo_evidence()
            return
        interrupted = exitstatus == pytest.ExitCode.INTERRUPTED
        states = list(run.checks.values())
        # Only -m or -k may select no check of an ordinary run; --deselect, --lf, --sw or a
        # plugin that dropped them all did not make it one.
        dropped = any(s.outcome is Outcome.DESELECTED and not s.selected_out for s in states)
        if (
            not interrupted
            and not run.asked
            and not dropped
            and not any(s.selected for s in states)
        ):
            run.no_decision = True
            self._undo_evidence()
            return
        explain_unrun(states, session, interrupted)
        titles = {c.id: c.title for c in run.plan.checks} if run.plan is not None else {}
        checks = tuple(
            finished_check(state, titles.get(state.check_id, "") if state.declared else "")
            for state in states
        )
        decision = run.decision = self._decide(checks, exitstatus)
        # pytest's --junitxml gets it too (pytest_cutover.integrations.junitxml).
        self.config.hook.pytest_cutover_decision(config=self.config, decision=decision)
        failed_to_write = False
        # The evidence bundle and the CI summary (pytest_cutover.integrations.ci_summary).
        finished = run.finished = finished_run(self.config, run, checks, decision, exitstatus)
        if run.settings.evidence is not None:
            failed_to_write = not self._write_bundle(run.settings.evidence, finished)
        conditional = decision.verdict is Verdict.CONDITIONAL_GO and run.settings.strict
        if (not decision.go or failed_to_write or conditional) and session.exitstatus in (
            pytest.ExitCode.OK,
            pytest.ExitCode.NO_TESTS_COLLECTED,
        ):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def _decide(self, checks: tuple[FinishedCheck, ...], exitstatus: int) -> Decision:
        run = self.run
        assert run.catalog is not None
        outcomes = [
            CheckOutcome(c.check_id, c.gate.id, c.outcome, c.reason, c.warnings, c.message)
            for c in checks
        ]
        phases = decided_phases(
            run.catalog.timeline,
            run.catalog.gates,
            selects=run.selects,
            phases=run.settings.phases,
            selected={s.gate.phase for s in run.checks.values() if s.selected},
        )
        return decide(
            run.catalog.name,
            run.catalog.gates,
            outcomes,
            phases=phases,
            problems=self._collection_problems(),
            interrupted=exitstatus == pytest.ExitCode.INTERRUPTED,
            internal_error=exitstatus == pytest.ExitCode.INTERNAL_ERROR,
            triggers={c.check_id for c in checks if c.trigger},
            window_problems=self._window_problems(checks),
            enforce_window=run.settings.enforce_window,
        )

    def _collection_problems(self) -> list[str]:
        """What kept part of the plan's Python checks out of the run, as blocking sentences."""
        from pytest_cutover.run.leftout import last_failed_problem  # noqa: PLC0415 - when deciding

        run = self.run
        problems = list(run.problems)
        last_failed = last_failed_problem(self.config)
        if last_failed is not None:
            problems.append(last_failed)
        base = self.config.invocation_params.dir
        if run.leftout is not None:
            problems += run.leftout.problems(base)
            if self.config.pluginmanager.is_blocked("python"):  # -p no:python
                folders = ", ".join(_shown(folder, base) for folder in run.leftout.folders)
                problems.append(messages.PROBLEM_PYTHON_OFF.format(folders=folders))
        invocation = run.invocation
        if run.discovered and run.plan is not None:
            problems.append(
                messages.PROBLEM_PLAN_NOT_IN_ARGS.format(plan=run.settings.plan_shown_as)
            )
        elif invocation is not None:
            problems += [
                messages.PROBLEM_NARROWED.format(folder=_shown(folder, base))
                for folder in invocation.narrowed
            ]
        return problems

    def _window_problems(self, checks: tuple[FinishedCheck, ...]) -> list[str]:
        """Phases that ran outside their window on the clock (none without a T0)."""
        run = self.run
        if run.t0 is None or run.catalog is None:
            return []
        spans = ran_spans(span for check in checks if (span := check.span()) is not None)
        return window_problems(windows(run.catalog.timeline, run.t0), spans)

    def _write_bundle(self, directory: Path, finished: FinishedRun) -> bool:
        """Write the evidence bundle; say where in the summary, or why it could not be."""
        from pytest_cutover.errors import BundleError  # noqa: PLC0415 - with evidence
        from pytest_cutover.evidence.assemble import evidence_document  # noqa: PLC0415 - with evidence
        from pytest_cutover.evidence.bundle import finish_run, write_bundle  # noqa: PLC0415

        run = self.run

        def document() -> EvidenceDocument:
            made = evidence_document(finished)
            run.redact.refresh()
            if run.redact.generation:  # a secret appeared during the run: redact all again
                made = run.redact.deep(made)  # type: ignore[assignment]  # same shape
            return made

        try:
            write_bundle(directory, document)
        except (OSError, BundleError) as error:  # the marker stays: no bundle of this run
            note = messages.BUNDLE_NOT_WRITTEN.format(path=directory, error=error)
            run.bundle_note = (note, "red")
            return False
        finish_run(self.aside)
        run.bundle_note = (messages.BUNDLE_WRITTEN.format(path=directory), "")
        return True


def explain_unrun(states: list[CheckState], session: pytest.Session, interrupted: bool) -> None:
    """Say why a selected check never ran, and note a check that passed only on a rerun."""
    why = session.shouldfail or session.shouldstop
    for state in states:
        if state.outcome is Outcome.NOT_RUN and state.selected and not state.reason:
            if state.started is not None:
                state.reason = messages.STOPPED_DURING if interrupted else messages.NEVER_CALLED
            else:
                unreported = str(why) if why else messages.STOP_NOT_REPORTED
                cause = messages.STOP_INTERRUPTED if interrupted else unreported
                state.reason = messages.STOPPED_BEFORE.format(why=cause)
        if state.attempts and state.outcome is Outcome.PASSED:
            failed = sum(a.summary.outcome is not Outcome.PASSED for a in state.attempts)
            if failed:
                note = messages.RERUN_PASSED.format(attempt=len(state.attempts) + 1, failed=failed)
                state.warnings = (*state.warnings, note)


def finished_check(state: CheckState, title: str = "") -> FinishedCheck:
    """The finished check ``state`` as a plain value, its output cut to its bound."""
    limit = FAILED_OUTPUT_LIMIT if state.outcome in FAILING else PASSED_OUTPUT_LIMIT
    commands = state.commands
    output = state.output
    if any(len(text) > limit for _, text in output):
        output = tuple((section, cut(text, limit)) for section, text in output)
    attempts: tuple[FinishedAttempt, ...] = ()
    if state.attempts:
        last = state.last_attempt()
        every = (*state.attempts, last)
        commands = [*(c for attempt in state.attempts for c in attempt.commands), *last.commands]
        attempts = tuple(attempt.summary for attempt in every)
    return FinishedCheck(
        state.check_id,
        state.nodeid,
        state.gate,
        state.outcome,
        state.duration,
        state.message,
        state.reason,
        state.warnings,
        commands,
        output,
        state.started,
        state.finished,
        state.flags.trigger,
        attempts,
        title,
        state.location,
    )


def finished_run(
    config: pytest.Config,
    run: RunState,
    checks: tuple[FinishedCheck, ...],
    decision: Decision,
    exitstatus: int,
) -> FinishedRun:
    """The finished run as a plain value, for the evidence code."""
    assert run.catalog is not None
    plan = run.plan
    settings = run.settings
    rollback = plan.rollback if plan is not None else None
    if rollback is not None:
        rollback = rollback._replace(command=run.redact(rollback.command))
    return FinishedRun(
        name=run.catalog.name,
        plan_file=plan.path if plan is not None else None,
        plan_shown_as=settings.plan_shown_as if plan is not None else None,
        timeline=run.catalog.timeline,
        gates=tuple(run.catalog.gates),
        checks=checks,
        t0=run.t0,
        signoff=plan.signoff if plan is not None else None,
        signatures=run.signatures,
        waivers=waiver_records(run.waivers, run.applied, datetime.now(timezone.utc)),
        rollback=rollback,
        deny=plan.deny if plan is not None else (),
        settings={
            "fail_fast": settings.fail_fast.value,
            "strict": settings.strict,
            "enforce_window": settings.enforce_window,
            "allow_mutation": settings.allow_mutation,
            "allow_unreadable": settings.allow_unreadable,
        },
        run_id=run.run_id,
        started=run.started,
        decision=decision,
        exit_status=int(exitstatus),
        interrupted=exitstatus == pytest.ExitCode.INTERRUPTED,
        internal_error=exitstatus == pytest.ExitCode.INTERNAL_ERROR,
        cwd=config.invocation_params.dir,
        argv=tuple(run.redact(arg) for arg in config.invocation_params.args),
        target=plan.path.parent if plan is not None else config.rootpath,
        pytest_version=pytest.__version__,
    )


def _utc(seconds: float) -> str:
    return utc(datetime.fromtimestamp(seconds, timezone.utc))


def _shown(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base)) or "."
    except ValueError:
        return str(path)
