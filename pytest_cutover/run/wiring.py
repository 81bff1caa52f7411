"""How the run's objects are put together, and when each one is registered with pytest.

Like pytest's own plugins, each job is one object, registered only when the run
needs it, and all of them share the one :class:`~pytest_cutover.run.state.RunState`
in ``config.stash``:

- when the run opens (a plan, a cutover option, or the first cutover marker):
  the :class:`~pytest_cutover.run.registry.Registry`, the
  :class:`~pytest_cutover.run.gatekeeper.ReportLog` (which hands the logged reports
  to the gatekeeper once there is one), and with
  ``--cutover-show-plan`` the :class:`~pytest_cutover.run.show_plan.ShowPlan`;
- once it is known to be a cutover run: the
  :class:`~pytest_cutover.run.session.SessionEnd` and the
  :class:`~pytest_cutover.run.terminal.TerminalSummary` (and, with a plan, the
  :class:`~pytest_cutover.run.leftout.LeftOut` watch on collection);
- once collection ended with cutover checks: the
  :class:`~pytest_cutover.run.gatekeeper.Gatekeeper` (per-test hooks) and its
  :class:`~pytest_cutover.run.concurrency.GateStarter`.

:func:`close_run` unregisters them all in ``pytest_unconfigure``.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Mapping
from datetime import datetime, timezone

import pytest

from pytest_cutover.errors import InputError
from pytest_cutover.model import catalog
from pytest_cutover.model.cutover import Plan, Waiver
from pytest_cutover.plan.signoff import Signature, collect_signatures
from pytest_cutover.run.concurrency import GateStarter
from pytest_cutover.run.gatekeeper import (
    GATEKEEPER_NAME,
    REPORT_LOG_NAME,
    STATUS_WORDS_NAME,
    Gatekeeper,
    ReportLog,
)
from pytest_cutover.run.invocation import outermost, plan_invocation, targets
from pytest_cutover.run.keys import REDACTOR_KEY, STATE_KEY
from pytest_cutover.run.lookout import refuse_blocked
from pytest_cutover.run.markexpr import compile_expression
from pytest_cutover.run.progress import ProgressDisplay
from pytest_cutover.run.registry import REGISTRY_NAME, Registry
from pytest_cutover.run.selection import Shrinkers, asks_for_cutover
from pytest_cutover.run.session import SESSION_END_NAME, SessionEnd
from pytest_cutover.run.settings import SETTINGS_KEY, Settings, python_check_folders, resolve
from pytest_cutover.run.show_plan import SHOW_PLAN_NAME, ShowPlan
from pytest_cutover.run.state import RunState
from pytest_cutover.run.terminal import TERMINAL_SUMMARY_NAME, TerminalSummary
from pytest_cutover.safety.redact import RunRedactor, secret_env_values

LEFTOUT_NAME = "cutover-left-out"
#: Every name a part of the run is registered under, for :func:`close_run`.
NAMES = (
    REGISTRY_NAME,
    SHOW_PLAN_NAME,
    SESSION_END_NAME,
    TERMINAL_SUMMARY_NAME,
    LEFTOUT_NAME,
    GATEKEEPER_NAME,
    STATUS_WORDS_NAME,
    REPORT_LOG_NAME,
)


def open_run(config: pytest.Config, problems: list[str]) -> Registry:
    """Build the run state from the settings and files, and register its registry.

    ``problems`` is the lookout's list of blocking collection problems, which the
    state goes on with.
    """
    refuse_blocked(config, NAMES)
    settings = config.stash.get(SETTINGS_KEY, None) or resolve(config)
    config.stash[SETTINGS_KEY] = settings
    plan, waivers = _load_files(settings)
    try:
        signatures = collect_signatures(
            plan.signoff if plan is not None else None,
            settings.signoffs,
            settings.signoff_file,
            datetime.now(timezone.utc),
        )
    except InputError as error:
        raise pytest.UsageError(str(error)) from None
    run = config.stash[STATE_KEY] = new_state(config, settings, plan, waivers, signatures)
    run.problems = problems
    pluginmanager = config.pluginmanager
    registry = Registry(
        config,
        run,
        became_cutover=lambda: _become_cutover(config, run),
        collected=lambda: _checks_collected(config, run),
    )
    pluginmanager.register(registry, REGISTRY_NAME)
    pluginmanager.register(ReportLog(), REPORT_LOG_NAME)  # before the subfolders' conftests
    if settings.show_plan:
        pluginmanager.register(ShowPlan(config, run), SHOW_PLAN_NAME)
    if plan is not None:
        _plan_run(config, run, plan)
    return registry


def new_state(
    config: pytest.Config,
    settings: Settings,
    plan: Plan | None,
    waivers: tuple[Waiver, ...],
    signatures: Mapping[str, Signature],
) -> RunState:
    """The state of a run that has just opened."""
    shrinkers = shrinkers_of(config)
    markexpr = shrinkers.markexpr
    selects = compile_expression(markexpr) if markexpr else None
    found = catalog.from_plan(plan) if plan is not None else None
    asked = settings.asked
    if not asked and markexpr:
        if selects is None:
            asked = True  # cannot tell what -m selects: fail closed, decide
        elif found is not None:
            asked = asks_for_cutover(selects, found.gates, found.timeline)
    redact = config.stash.get(REDACTOR_KEY, None)
    if redact is None:
        envs = [c.params.get("env") for c in plan.checks] if plan is not None else []
        given = secret_env_values(env for env in envs if isinstance(env, Mapping))
        redact = config.stash[REDACTOR_KEY] = RunRedactor(os.environ, settings.redact, given)
    return RunState(
        settings,
        plan,
        found,
        waivers=waivers,
        signatures=signatures,
        redact=redact,
        shrinkers=shrinkers,
        selects=selects,
        asked=asked,
        run_id=str(uuid.uuid4()),
        started=time.time(),
    )


def _plan_run(config: pytest.Config, run: RunState, plan: Plan) -> None:
    """Whether this run with a plan is a cutover run; if it is, collect all of the plan."""
    folders = outermost(python_check_folders(config, plan.python_checks))
    run.invocation = invocation = plan_invocation(
        targets(config.args, config.invocation_params.dir),
        given=config.args_source is pytest.Config.ArgsSource.ARGS,
        asked=run.asked,
        plan=plan.path,
        folders=folders,
    )
    if not invocation.cutover:
        return
    run.cutover = True
    base = config.invocation_params.dir
    config.args[:] = [
        arg for arg in config.args if targets([arg], base)[0].path not in invocation.dropped
    ]
    config.args.extend(str(path) for path in invocation.added)
    from pytest_cutover.run.leftout import LeftOut  # noqa: PLC0415 - only cutover runs watch

    run.leftout = LeftOut(config, plan.path, folders)
    config.pluginmanager.register(run.leftout, LEFTOUT_NAME)
    _cutover_found(config, run).begin()


def _cutover_found(config: pytest.Config, run: RunState) -> SessionEnd:
    """It is a cutover run: register what decides it and what shows the decision."""
    pluginmanager = config.pluginmanager
    ending = pluginmanager.get_plugin(SESSION_END_NAME)
    if isinstance(ending, SessionEnd):
        return ending
    ending = SessionEnd(config, run)
    pluginmanager.register(ending, SESSION_END_NAME)
    pluginmanager.register(TerminalSummary(run), TERMINAL_SUMMARY_NAME)
    return ending


def _become_cutover(config: pytest.Config, run: RunState) -> None:
    _cutover_found(config, run)


def _checks_collected(config: pytest.Config, run: RunState) -> None:
    """Collection of a cutover run ended: register what runs its checks."""
    ending = _cutover_found(config, run)
    ending.begin()
    starter = GateStarter(run, ProgressDisplay.of(config, run.settings.progress_interval))
    gatekeeper = Gatekeeper(config, run, starter)
    ending.gatekeeper, ending.starter = gatekeeper, starter
    config.pluginmanager.register(gatekeeper, GATEKEEPER_NAME)
    report_log = config.pluginmanager.get_plugin(REPORT_LOG_NAME)
    if isinstance(report_log, ReportLog):
        report_log.gatekeeper = gatekeeper
    if any(state.selected for state in run.checks.values()):
        gatekeeper.attach()


def close_run(config: pytest.Config) -> None:
    """Unregister every part of the run, and give back the signals it took over."""
    pluginmanager = config.pluginmanager
    for name in NAMES:
        plugin = pluginmanager.get_plugin(name)
        if plugin is None:
            continue
        if isinstance(plugin, SessionEnd):
            plugin.close()
        pluginmanager.unregister(plugin)
    if STATE_KEY in config.stash:
        del config.stash[STATE_KEY]


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


def _load_files(settings: Settings) -> tuple[Plan | None, tuple[Waiver, ...]]:
    """The plan and the waivers files, if the run has them."""
    if settings.plan is None and settings.waivers is None:
        return None, ()  # reading YAML and JSON Schema is most of the plugin's start-up
    from pytest_cutover.plan.load import load_plan, load_waivers  # noqa: PLC0415

    plan = None
    waivers: tuple[Waiver, ...] = ()
    try:
        if settings.plan is not None:
            plan = load_plan(settings.plan, settings.plan_shown_as)
            waivers = plan.waivers
        if settings.waivers is not None:
            waivers += load_waivers(settings.waivers, settings.waivers_shown_as)
    except InputError as error:
        raise pytest.UsageError(str(error)) from None
    return plan, waivers
