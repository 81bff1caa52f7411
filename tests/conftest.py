from __future__ import annotations

import pytest
from cutover_project import SUITE_ADDOPTS, CutoverProject


@pytest.fixture(autouse=True)
def _quiet_environment(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Inner pytest runs start from the same place every time.

    pytest-randomly is installed for the shuffle tests; everywhere else it is
    off so that inner runs are repeatable. pytest-sugar is off but in the tests
    that turn it on (it would change pytest's terminal output). No
    PYTEST_CUTOVER_* from the caller leaks into them, nor the GitHub Actions
    step this suite may run in. Pytester clears
    PYTEST_ADDOPTS when it starts, so it is set after pytester.
    """
    if "pytester" in request.fixturenames:
        request.getfixturevalue("pytester")
    monkeypatch.setenv("PYTEST_ADDOPTS", SUITE_ADDOPTS)
    monkeypatch.delenv("PYTEST_CUTOVER_PLAN", raising=False)
    monkeypatch.delenv("PYTEST_CUTOVER_FAIL_FAST", raising=False)
    monkeypatch.delenv("PYTEST_CUTOVER_SUMMARY", raising=False)
    # Not this suite's own CI step: its summary and annotations are for this run alone.
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_WORKSPACE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def cutover_project(pytester: pytest.Pytester) -> CutoverProject:
    """A cutover project in the pytester folder: write its plan and files, run it, read evidence."""
    return CutoverProject(pytester)
