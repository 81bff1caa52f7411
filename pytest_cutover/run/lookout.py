"""The run before it is known to hold a cutover: watch collection, redact what pytest shows.

Registered in every run. It costs little: it imports none of the run's modules
until the run has a plan, a cutover option or a cutover marker, and it has no
per-test hook. Collection tells: a ``gate`` or ``phase`` marker on any collected
item opens the run (:func:`pytest_cutover.run.wiring.open_run`), and from then
on the run's :class:`~pytest_cutover.run.registry.Registry` tags and orders the
checks. Collection errors, warnings, live logs and the records of the plugin's and the
check library's loggers are redacted in every run.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Generator, Iterable
from typing import TYPE_CHECKING, Any

import pytest

from pytest_cutover import messages
from pytest_cutover.run.keys import REDACTOR_KEY, STATE_KEY
from pytest_cutover.run.logs import redact_story
from pytest_cutover.run.markers import CHECK_MARKERS
from pytest_cutover.run.redaction import redact_log_handlers, redact_report, redact_warning
from pytest_cutover.run.settings import DEFAULT_PLAN, TABLE
from pytest_cutover.safety.redact import RunRedactor

if TYPE_CHECKING:
    from pytest_cutover.run.registry import Registry

#: The name :class:`Lookout` is registered under.
LOOKOUT_NAME = "cutover-lookout"


def run_redactor(config: pytest.Config) -> RunRedactor:
    """The run's redactor: the one its state was built with, or, in a run without cutover
    settings, the environment's secrets alone (built when first needed)."""
    redactor = config.stash.get(REDACTOR_KEY, None)
    if redactor is None:
        redactor = config.stash[REDACTOR_KEY] = RunRedactor(os.environ)
    return redactor


def wants_run(config: pytest.Config) -> bool:
    """Whether the run has a plan file or a cutover setting (an option, an ini key or an
    environment variable), so that it needs the run's state before collection."""
    if (config.rootpath / DEFAULT_PLAN).is_file():
        return True
    if any(
        name.startswith("cutover_") and value not in (None, False, [], "")
        for name, value in vars(config.option).items()
    ):
        return True
    for row in TABLE:
        if row.ini_key is None:
            continue
        try:
            value = config.getini(row.ini_key)
        except (TypeError, ValueError, pytest.UsageError):  # set, but bad: the settings say so
            return True
        if value is not None and value is not False and value not in ("", []):  # 0 is set
            return True
    return any(name.startswith("PYTEST_CUTOVER_") for name in os.environ)


def refuse_blocked(config: pytest.Config, names: Iterable[str]) -> None:
    """A part of the plugin blocked by ``-p no:NAME`` would leave the run half-decided: a
    usage error (``-p no:cutover`` turns off the whole plugin)."""
    for name in names:
        if config.pluginmanager.is_blocked(name):
            raise pytest.UsageError(messages.PART_BLOCKED.format(name=name))


class Lookout:
    """Watches collection for cutover checks, and hands them to the run's registry."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        #: Every node collection produced, also those an earlier plugin removed.
        self.collected: list[Any] = []
        #: Collection errors of a run without a plan, each a sentence that blocks.
        self.problems: list[str] = []
        self.registry: Registry | None = None
        self._close: Callable[[pytest.Config], None] | None = None

    def open(self) -> Registry:
        """Set the run up: its state, its registry, and what its settings ask for."""
        if self.registry is None:
            # The one door to the run's modules: a run without a cutover never opens it.
            from pytest_cutover.run.wiring import close_run, open_run  # noqa: PLC0415

            self._close = close_run  # also for a run that fails to open half-way
            self.registry = open_run(self.config, self.problems)
        return self.registry

    def close(self) -> None:
        """Unregister every part of an opened run."""
        if self._close is not None:
            self._close(self.config)
            self._close = None

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_make_collect_report(
        self, collector: pytest.Collector
    ) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
        """A collection error or skip reason is redacted before anyone reads it."""
        report = yield
        if report.longrepr is not None or report.sections:
            redact_report(report, run_redactor(self.config))
        return report

    @pytest.hookimpl(tryfirst=True)  # before the terminal keeps it for its summary
    def pytest_warning_recorded(self, warning_message: warnings.WarningMessage) -> None:
        """A warning's text is redacted for the warnings summary and every other reader."""
        redact_warning(warning_message, run_redactor(self.config))

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """Live logs (``--log-cli-level``) and ``--log-file`` go through the redactor, and so
        does every record of the plugin's and the check library's loggers, for any handler."""
        config = self.config

        def redact(text: str) -> str:  # the redactor is built at the first line logged
            return run_redactor(config)(text)

        redact_log_handlers(config, redact)
        config.add_cleanup(redact_story(redact))

    @pytest.hookimpl(tryfirst=True)  # stop before the terminal keeps the refusal to repeat it
    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            refused = str(report.longrepr) == messages.XDIST_INCOMPATIBLE
            if refused and not hasattr(self.config, "workerinput"):  # not an xdist worker
                pytest.exit(messages.XDIST_INCOMPATIBLE, pytest.ExitCode.USAGE_ERROR)
            state = self.config.stash.get(STATE_KEY, None)
            if (state is None or state.plan is None) and not refused:
                where = report.nodeid.split("::")[0] or "."
                self.problems.append(messages.PROBLEM_COLLECTION_ERROR_ANYWHERE.format(path=where))
        elif report.result:
            self.collected.extend(report.result)

    @pytest.hookimpl(tryfirst=True, specname="pytest_collection_modifyitems")
    def pytest_collection_modifyitems_tag(self, items: list[pytest.Item]) -> None:
        """Before any deselection: the registry finds and tags the cutover checks."""
        candidates = self._candidates(items)
        registry = self.registry
        if registry is None:
            if not has_check_markers(candidates):
                return
            registry = self.open()
        registry.tag(items, candidates)

    @pytest.hookimpl(trylast=True, specname="pytest_collection_modifyitems")
    def pytest_collection_modifyitems_order(self, items: list[pytest.Item]) -> None:
        """After every shuffler: the registry puts the cutover checks in run order."""
        if self.registry is not None:
            self.registry.order(items)

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


def has_check_markers(items: list[pytest.Item]) -> bool:
    """Whether any of ``items`` (or a module or class above it) has a cutover marker."""
    parents: set[int] = set()
    for item in items:
        if any(mark.name in CHECK_MARKERS for mark in item.own_markers):
            return True
        parent = item.parent
        if parent is None or id(parent) in parents:
            continue
        parents.add(id(parent))
        for node in parent.iter_parents():
            if any(mark.name in CHECK_MARKERS for mark in node.own_markers):
                return True
    return False
