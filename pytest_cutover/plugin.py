"""pytest entry point: options, markers, and the per-run :class:`CutoverRun`.

Registered as ``cutover`` through the ``pytest11`` entry point, so
``-p no:cutover`` turns the whole plugin off.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from datetime import datetime, timezone

import pytest

from pytest_cutover import hookspecs
from pytest_cutover.errors import InputError
from pytest_cutover.model.cutover import Plan, Waiver
from pytest_cutover.plan.signoff import collect_signatures
from pytest_cutover.run.fixtures import cutover
from pytest_cutover.run.invocation import outermost, plan_invocation, targets
from pytest_cutover.run.markers import MARKERS
from pytest_cutover.run.session import CutoverRun
from pytest_cutover.run.settings import (
    SETTINGS_KEY,
    Settings,
    add_options,
    python_check_folders,
    redact_patterns,
    resolve,
)
from pytest_cutover.safety.redact import RunRedactor, redact_metadata, redacted_id

RUN_KEY = pytest.StashKey[CutoverRun]()
RUN_NAME = "cutover-run"
HTML_NAME = "cutover-html"
LEFTOUT_NAME = "cutover-left-out"

__all__ = ["cutover"]  # the fixture, found by pytest in this plugin module


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    if config.getoption("help"):
        return
    settings = resolve(config)
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
    run = CutoverRun(config, settings, plan, waivers, signatures)
    config.stash[RUN_KEY] = run
    config.pluginmanager.register(run, RUN_NAME)
    if plan is not None:
        _plan_run(config, run, plan)
    if config.pluginmanager.hasplugin("html") and config.getoption("htmlpath", None):
        from pytest_cutover.integrations.pytest_html import HtmlReportEnrichment  # noqa: PLC0415 - with --html

        config.pluginmanager.register(HtmlReportEnrichment(run), HTML_NAME)


def _plan_run(config: pytest.Config, run: CutoverRun, plan: Plan) -> None:
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
    run.begin()


def pytest_unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(RUN_KEY, None)
    if run is not None:
        config.pluginmanager.unregister(run)
        del config.stash[RUN_KEY]
    for name in (HTML_NAME, LEFTOUT_NAME):
        plugin = config.pluginmanager.get_plugin(name)
        if plugin is not None:
            config.pluginmanager.unregister(plugin)


@pytest.hookimpl(optionalhook=True)
def pytest_metadata(metadata: dict[str, object], config: pytest.Config) -> None:
    """pytest-metadata's environment table (shown by pytest-html) is redacted too, with the
    extra patterns from all three places (a bad one is a usage error here already: this
    hook runs before the plugin's own ``pytest_configure``)."""
    redact_metadata(metadata, RunRedactor(os.environ, redact_patterns(config, os.environ)))


@pytest.hookimpl(wrapper=True)
def pytest_make_parametrize_id(
    config: pytest.Config, val: object, argname: str
) -> Generator[None, str | None, str | None]:
    """A parametrize id with a secret in it gets :data:`~pytest_cutover.safety.redact.ID_MARKER`
    instead: in the node id itself, so that every report, file and line shows it."""
    given = yield
    run = config.stash.get(RUN_KEY, None)
    if run is None:
        return given
    if given is not None:
        return redacted_id(run.redact, given) or given
    if isinstance(val, str):
        return redacted_id(run.redact, val)
    if isinstance(val, bytes):
        return redacted_id(run.redact, val.decode("ascii", "backslashreplace"))
    if isinstance(val, (int, float)) and not isinstance(val, bool):  # pytest shows str(val)
        return redacted_id(run.redact, str(val))
    return None


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
