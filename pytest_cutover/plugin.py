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
from pytest_cutover.run.lookout import LOOKOUT_NAME, Lookout, run_redactor, wants_run
from pytest_cutover.run.markers import MARKERS
from pytest_cutover.run.settings import DEFAULT_WORKERS, redact_patterns
from pytest_cutover.safety.redact import RunRedactor, redact_metadata, redacted_id

HTML_NAME = "cutover-html"
JUNIT_NAME = "cutover-junitxml"

__all__ = ["cutover"]  # the fixture, found by pytest in this plugin module


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cutover", "production cutover gates (pytest-cutover)")
    group.addoption(
        "--cutover-plan",
        dest="cutover_plan",
        metavar="PATH",
        default=None,
        help="Cutover plan file (default: cutover.yaml in the rootdir)",
    )
    group.addoption(
        "--cutover-fail-fast",
        dest="cutover_fail_fast",
        metavar="{gate,check,off}",
        default=None,
        help="What a failed check blocks: 'gate' (later gates, the default), "
        "'check' (every later check) or 'off' (nothing)",
    )
    group.addoption(
        "--cutover-evidence",
        dest="cutover_evidence",
        metavar="DIR",
        default=None,
        help="Write the evidence bundle (report.html, evidence.json, closeout.md, junit.xml, "
        "MANIFEST.sha256) to this folder",
    )
    group.addoption(
        "--cutover-redact",
        dest="cutover_redact",
        metavar="REGEX",
        action="append",
        default=None,
        help="Also redact what this regex matches (or its group named 'secret'); repeatable",
    )
    group.addoption(
        "--cutover-t0",
        dest="cutover_t0",
        metavar="TIME",
        default=None,
        help="The cutover moment, like 2026-12-01T22:00:00+01:00 (overrides the plan's t0)",
    )
    group.addoption(
        "--cutover-phase",
        dest="cutover_phase",
        metavar="NAME",
        action="append",
        default=None,
        help="Run and decide only the checks of this phase, like T-10; repeatable, or "
        "comma-separated",
    )
    group.addoption(
        "--cutover-enforce-window",
        dest="cutover_enforce_window",
        action="store_true",
        default=False,
        help="A phase run outside its time window is NO-GO, not a warning",
    )
    group.addoption(
        "--cutover-strict",
        dest="cutover_strict",
        action="store_true",
        default=False,
        help="CONDITIONAL-GO exits 1, and warnings and advisory failures block",
    )
    group.addoption(
        "--cutover-signoff",
        dest="cutover_signoff",
        metavar="ROLE=NAME",
        action="append",
        default=None,
        help="A sign-off for one of the plan's roles; repeatable",
    )
    group.addoption(
        "--cutover-signoff-file",
        dest="cutover_signoff_file",
        metavar="FILE",
        default=None,
        help="A YAML file of sign-offs: role: name, or role: {name: ..., at: ...}",
    )
    group.addoption(
        "--cutover-waivers",
        dest="cutover_waivers",
        metavar="FILE",
        default=None,
        help="A YAML list of waivers, added to the plan's",
    )
    group.addoption(
        "--cutover-allow-mutation",
        dest="cutover_allow_mutation",
        action="store_true",
        default=False,
        help="Let checks marked mutating run (never in a preflight phase)",
    )
    group.addoption(
        "--cutover-allow-unreadable",
        dest="cutover_allow_unreadable",
        action="store_true",
        default=False,
        help="Let preflight commands run that the mutation guard cannot read "
        "(eval, $'..', brace expansion, a variable as the command); the deny list still holds",
    )
    group.addoption(
        "--cutover-workers",
        dest="cutover_workers",
        metavar="N",
        default=None,
        help=f"Declared checks of one gate that run at once (default {DEFAULT_WORKERS}; "
        "1: one at a time)",
    )
    group.addoption(
        "--cutover-show-plan",
        dest="cutover_show_plan",
        action="store_true",
        default=False,
        help="Print the runbook (phases on the clock, gates, checks, sign-offs, rollback) "
        "and run nothing",
    )
    parser.addini("cutover_plan", "Cutover plan file, relative to the ini file", default="")
    parser.addini("cutover_workers", "Declared checks of one gate that run at once", default="")
    parser.addini("cutover_t0", "The cutover moment, with its UTC offset", default="")
    parser.addini("cutover_waivers", "Waivers file, relative to the ini file", default="")
    parser.addini("cutover_signoff_file", "Sign-off file, relative to the ini file", default="")
    parser.addini(
        "cutover_strict", "CONDITIONAL-GO exits 1; warnings block", type="bool", default=False
    )
    parser.addini(
        "cutover_enforce_window", "A phase outside its window is NO-GO", type="bool", default=False
    )
    parser.addini(
        "cutover_evidence", "Evidence bundle folder, relative to the ini file", default=""
    )
    parser.addini("cutover_redact", "Extra redaction regexes, one per line", type="linelist")
    parser.addini("cutover_fail_fast", "What a failed check blocks: gate, check or off", default="")


def pytest_configure(config: pytest.Config) -> None:
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    if config.getoption("help"):
        return
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


def pytest_unconfigure(config: pytest.Config) -> None:
    lookout = config.pluginmanager.get_plugin(LOOKOUT_NAME)
    if isinstance(lookout, Lookout):
        lookout.close()
        config.pluginmanager.unregister(lookout)
    for name in (HTML_NAME, JUNIT_NAME):
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
