"""pytest entry point: options, markers, the run's lookout, and redaction of test ids.

Registered as ``cutover`` through the ``pytest11`` entry point, so
``-p no:cutover`` turns the whole plugin off. It imports only what every run
needs: the run's modules are imported by :mod:`pytest_cutover.run.wiring` when
the run has a plan, a cutover option or a cutover marker
(see :mod:`pytest_cutover.run.lookout`).
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest

from pytest_cutover import hookspecs
from pytest_cutover.run.fixtures import cutover
from pytest_cutover.run.lookout import (
    LOOKOUT_NAME,
    Lookout,
    refuse_blocked,
    run_redactor,
    wants_run,
)
from pytest_cutover.run.markers import MARKERS
from pytest_cutover.run.settings import SETTINGS_KEY, add_options, redact_patterns
from pytest_cutover.safety.redact import RunRedactor, redact_metadata, redacted_id

HTML_NAME = "cutover-html"
JUNIT_NAME = "cutover-junitxml"
ALLURE_NAME = "cutover-allure"
JSON_REPORT_NAME = "cutover-json-report"
SUGAR_NAME = "cutover-sugar"
CI_SUMMARY_NAME = "cutover-ci-summary"
#: What other plugins get, each registered only when that plugin is asked for.
INTEGRATION_NAMES = (
    HTML_NAME,
    JUNIT_NAME,
    ALLURE_NAME,
    JSON_REPORT_NAME,
    SUGAR_NAME,
    CI_SUMMARY_NAME,
)

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
    refuse_blocked(config, (LOOKOUT_NAME, *INTEGRATION_NAMES))
    lookout = Lookout(config)
    config.pluginmanager.register(lookout, LOOKOUT_NAME)
    if wants_run(config):
        lookout.open()
    if config.pluginmanager.hasplugin("html") and config.getoption("htmlpath", None):
        from pytest_cutover.integrations.pytest_html import HtmlReportEnrichment  # noqa: PLC0415 - with --html

        config.pluginmanager.register(HtmlReportEnrichment(config), HTML_NAME)
    if config.getoption("xmlpath", None):
        from pytest_cutover.integrations.junitxml import JunitDecision  # noqa: PLC0415 - with --junitxml

        config.pluginmanager.register(JunitDecision(config), JUNIT_NAME)
    settings = config.stash.get(SETTINGS_KEY, None)
    if os.environ.get("GITHUB_ACTIONS") == "true" or (settings and settings.summary):
        from pytest_cutover.integrations.ci_summary import CiSummary  # noqa: PLC0415 - in CI

        config.pluginmanager.register(CiSummary(config), CI_SUMMARY_NAME)
    _register_reporters(config)


def _register_reporters(config: pytest.Config) -> None:
    """allure-pytest, pytest-json-report and pytest-sugar get the cutover, each only when it
    is loaded and asked for; their modules are never imported here."""
    pluginmanager = config.pluginmanager
    if config.getoption("allure_report_dir", None):
        from pytest_cutover.integrations.allure import AllureResults  # noqa: PLC0415 - with --alluredir

        pluginmanager.register(AllureResults(config), ALLURE_NAME)
    if config.getoption("json_report", False):
        from pytest_cutover.integrations.json_report import JsonReportDecision  # noqa: PLC0415 - with --json-report

        pluginmanager.register(JsonReportDecision(config), JSON_REPORT_NAME)
    sugar = pluginmanager.get_plugin("sugar")
    if sugar is not None:
        from pytest_cutover.integrations.sugar import SugarLetters  # noqa: PLC0415 - with pytest-sugar

        pluginmanager.register(SugarLetters(config, sugar), SUGAR_NAME)


def pytest_unconfigure(config: pytest.Config) -> None:
    lookout = config.pluginmanager.get_plugin(LOOKOUT_NAME)
    if isinstance(lookout, Lookout):
        lookout.close()
        config.pluginmanager.unregister(lookout)
    for name in INTEGRATION_NAMES:
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
    if not config.pluginmanager.has_plugin(LOOKOUT_NAME):  # not configured (--help)
        return given
    redact = run_redactor(config)
    if given is not None:
        return redacted_id(redact, given) or given
    if isinstance(val, str):
        return redacted_id(redact, val)
    if isinstance(val, bytes):
        return redacted_id(redact, val.decode("ascii", "backslashreplace"))
    if isinstance(val, (int, float)) and not isinstance(val, bool):  # pytest shows str(val)
        return redacted_id(redact, str(val))
    return None
