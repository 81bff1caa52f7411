"""allure-pytest integration: each cutover check carries its gate and phase as Allure labels.

Registered only when allure-pytest writes results (``--alluredir``). The labels are
allure-pytest's own ``allure_label`` marker (what ``@allure.label`` and ``@allure.suite``
put on a test), added to each cutover check once collection ended, so nothing of
allure is imported here:

- ``gate`` (``G1``) and ``phase`` (``T-60``), custom labels to filter and group by;
- ``parentSuite`` the phase and ``suite`` the gate with its title, so that Allure's
  *Suites* tree is the cutover's timeline (``T-60 > G1 Tooling ready > check``). A
  suite the test itself names (``@allure.suite``) comes first and is kept.

A declared check that did not hold raises an ``AssertionError``
(:class:`~pytest_cutover.run.items.CheckFailed`), so Allure counts it *failed*, not
*broken*.

allure-pytest takes a test's status from the report inside the gatekeeper's
``makereport`` wrapper, before the report is settled. So once a check's call report is
settled (logged), the status of its Allure result follows it where they differ
(:func:`settled_status`): a waived or advisory failure is *skipped* with its reason, as
in pytest's output and JUnit, and a pass the gatekeeper found untrue is *failed*.
allure-pytest is asked for the running test's result the way its own dynamic API asks
(``allure_logger.get_test(None)``); allure's status type is imported only then.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_cutover.model.cutover import Gate
from pytest_cutover.run.keys import STATE_KEY

#: allure-pytest's marker for a label (``allure_pytest.utils.ALLURE_LABEL_MARK``).
LABEL_MARK = "allure_label"


def gate_labels(gate: Gate) -> list[tuple[str, str]]:
    """The Allure labels of a check in ``gate``, as (label type, value).

    >>> gate_labels(Gate("G1", "T-60", "Tooling ready"))
    [('gate', 'G1'), ('phase', 'T-60'), ('parentSuite', 'T-60'), ('suite', 'G1 Tooling ready')]
    >>> gate_labels(Gate("G2", "T-30"))[-1]
    ('suite', 'G2')
    """
    suite = f"{gate.id} {gate.title}" if gate.title else gate.id
    return [("gate", gate.id), ("phase", gate.phase), ("parentSuite", gate.phase), ("suite", suite)]


def settled_status(outcome: str, shown: str | None) -> str | None:
    """The Allure status of a settled call report, where it differs from the one
    allure-pytest took (``shown``) from the report before it was settled.

    >>> settled_status("skipped", "failed"), settled_status("failed", "passed")
    ('skipped', 'failed')
    >>> settled_status("failed", "broken"), settled_status("passed", "passed")
    (None, None)
    """
    if outcome == "skipped" and shown != "skipped":
        return "skipped"
    if outcome == "failed" and shown in (None, "passed"):
        return "failed"
    return None


def report_text(report: pytest.TestReport) -> str:
    """What a settled report says: a skip's reason, or a failure's text."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):
        return str(longrepr[2])
    return str(longrepr or "")


class AllureResults:
    """Registered with ``--alluredir``: labels each cutover check with its gate and phase,
    and keeps its Allure status in step with its settled report."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        run = self.config.stash.get(STATE_KEY, None)
        if run is None or not run.cutover:
            return
        mark = getattr(pytest.mark, LABEL_MARK)
        for item in session.items:
            state = run.checks.get(item.nodeid)
            if state is None:
                continue
            for label_type, value in gate_labels(state.gate):
                item.add_marker(mark(value, label_type=label_type))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call":
            return
        run = self.config.stash.get(STATE_KEY, None)
        if run is None or report.nodeid not in run.checks:
            return
        result = self.running_result()
        if result is None:
            return
        status = settled_status(report.outcome, getattr(result, "status", None))
        if status is None:
            return
        from allure_commons.model2 import StatusDetails  # noqa: PLC0415 - with --alluredir only

        result.status = status
        result.statusDetails = StatusDetails(message=report_text(report))

    def running_result(self) -> Any | None:
        """allure-pytest's result of the running test, if it has one."""
        listener = self.config.pluginmanager.get_plugin("allure_listener")
        reporter = getattr(listener, "allure_logger", None)
        get_test = getattr(reporter, "get_test", None)
        return get_test(None) if callable(get_test) else None
