"""pytest's own ``--junitxml`` gets the decision: a test case of its own and the gate table.

pytest writes its JUnit XML from the reports it was given; a NO-GO with no
failing check (an INCOMPLETE gate, a BLOCKED one) would look green to every
JUnit reader. So, before pytest writes the file, the decision is handed to its
JUnit writer as one more test (``cutover::decision``, failing unless the
decision lets the cutover proceed), and each gate becomes a suite property,
the place the Jenkins schema allows (see :mod:`pytest_cutover.evidence.junit`).
Each check's own test case is written by pytest from the report the gatekeeper
settled, so its category is the one :data:`~pytest_cutover.model.vocabulary.JUNIT_KIND`
gives it in the bundle's file (a WAIVED or WARN failure is skipped, with the
vocabulary's :func:`~pytest_cutover.model.vocabulary.settled_message`).

pytest's writer is the plugin object behind the documented
``record_testsuite_property`` fixture, found here by what it offers
(``add_global_property`` and ``pytest_runtest_logreport``); no other plugin
and not the terminal see the extra report.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal

import pytest

from pytest_cutover.evidence.junit import (
    DECISION_CLASS,
    DECISION_NAME,
    decision_case,
    gate_properties,
)
from pytest_cutover.model.decision import Decision
from pytest_cutover.run.keys import STATE_KEY
from pytest_cutover.run.lookout import run_redactor
from pytest_cutover.safety.redact import MARKER, is_secret_name

#: The node id of the decision's test case.
DECISION_NODEID = f"{DECISION_CLASS}::{DECISION_NAME}"


def junit_writer(config: pytest.Config) -> Any | None:
    """pytest's JUnit XML writer, when ``--junitxml`` asked for one."""
    if not config.getoption("xmlpath", None):
        return None
    for plugin in config.pluginmanager.get_plugins():
        if callable(getattr(plugin, "add_global_property", None)) and callable(
            getattr(plugin, "pytest_runtest_logreport", None)
        ):
            return plugin
    return None


def redact_suite_properties(writer: Any, redact: Callable[[str], str]) -> None:
    """The suite properties tests gave pytest's writer (``record_testsuite_property``),
    redacted before it writes them: a secret-looking name's value whole, others in part."""
    properties = getattr(writer, "global_properties", None)
    if isinstance(properties, list) and properties:
        properties[:] = [
            (name, MARKER if is_secret_name(str(name)) else redact(str(value)))
            for name, value in properties
        ]


def add_decision(writer: Any, decision: Decision, *, strict: bool) -> None:
    """Give pytest's JUnit writer the decision as a test case and the gates as properties."""
    writer.add_global_property("cutover_decision", decision.verdict.value)
    rows = [
        (r.gate.id, r.gate.phase, r.status.value, [c.check_id for c in r.checks])
        for r in decision.gates
    ]
    for name, value in gate_properties(rows):
        writer.add_global_property(name, value)
    case = decision_case(decision.verdict.value, decision.name, decision.reasons, strict=strict)
    now = time.time()
    location = (DECISION_CLASS, None, "cutover decision")
    phases: tuple[
        tuple[Literal["setup", "call", "teardown"], Literal["passed", "failed"], str | None], ...
    ] = (
        ("setup", "passed", None),
        ("call", "failed" if case.fails else "passed", case.text if case.fails else None),
        ("teardown", "passed", None),
    )
    for when, outcome, longrepr in phases:
        sections = [] if case.fails or when != "call" else [("Captured stdout call", case.text)]
        report = pytest.TestReport(
            DECISION_NODEID,
            location,
            {},
            outcome,
            longrepr,
            when,
            sections,
            start=now,
            stop=now,
        )
        writer.pytest_runtest_logreport(report)


#: The name :class:`JunitDecision` is registered under.
JUNIT_NAME = "cutover-junitxml"


class JunitDecision:
    """Registered with ``--junitxml``: hands the run's decision to pytest's writer."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_cutover_decision(self, config: pytest.Config, decision: Decision) -> None:
        writer = junit_writer(config)
        if writer is None:
            return
        run = config.stash.get(STATE_KEY, None)
        redact_suite_properties(writer, run_redactor(config))
        add_decision(writer, decision, strict=run is not None and run.settings.strict)
