"""The ``cutover`` fixture: library checks inside Python tests, with their evidence kept."""

from __future__ import annotations

import pytest

from cutover_checks.result import CheckResult
from pytest_cutover.run.keys import STATE_KEY
from pytest_cutover.run.observations import describe_failure, record, strict_result


class CutoverChecks:
    """Run :mod:`cutover_checks` checks in a test; a failed one fails the test cleanly."""

    def __init__(self, item: pytest.Item, strict: bool) -> None:
        self._item = item
        self._strict = strict

    def require(self, result: CheckResult) -> CheckResult:
        """Keep ``result`` as evidence and fail the test, naming it, unless it holds.

        Under ``--cutover-strict`` a result with warnings fails too.
        """
        __tracebackhide__ = True
        record(self._item, result)
        if result.ok and self._strict and result.warnings:
            result = strict_result(result)
        if not result.ok:
            pytest.fail(describe_failure(self._item.nodeid, result), pytrace=False)
        return result


@pytest.fixture
def cutover(request: pytest.FixtureRequest) -> CutoverChecks:
    """Check with the cutover_checks library: ``cutover.require(tools.tool("bun"))``."""
    run = request.config.stash.get(STATE_KEY, None)  # none without cutover settings
    return CutoverChecks(request.node, strict=run is not None and run.settings.strict)
