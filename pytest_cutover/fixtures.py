"""The ``cutover`` fixture: library checks inside Python tests, with their evidence kept."""

from __future__ import annotations

import pytest

from cutover_checks.result import CheckResult
from pytest_cutover.evidence import describe_failure, record


class CutoverChecks:
    """Run :mod:`cutover_checks` checks in a test; a failed one fails the test cleanly."""

    def __init__(self, item: pytest.Item) -> None:
        self._item = item

    def require(self, result: CheckResult) -> CheckResult:
        """Keep ``result`` as evidence and fail the test, naming it, unless it holds."""
        __tracebackhide__ = True
        record(self._item, result)
        if not result.ok:
            pytest.fail(describe_failure(self._item.nodeid, result), pytrace=False)
        return result


@pytest.fixture
def cutover(request: pytest.FixtureRequest) -> CutoverChecks:
    """Check with the cutover_checks library: ``cutover.require(tools.tool("bun"))``."""
    return CutoverChecks(request.node)
