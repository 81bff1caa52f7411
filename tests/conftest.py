from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from cutover_project import FIVE_GATES, CutoverProject


@pytest.fixture(autouse=True)
def _quiet_environment(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Inner pytest runs start from the same place every time.

    pytest-randomly is installed for the shuffle tests; everywhere else it is
    off so that inner runs are repeatable. No PYTEST_CUTOVER_* from the caller
    leaks into them. Pytester clears PYTEST_ADDOPTS when it starts, so it is
    set after pytester.
    """
    if "pytester" in request.fixturenames:
        request.getfixturevalue("pytester")
    monkeypatch.setenv("PYTEST_ADDOPTS", "-p no:randomly -p no:cacheprovider")
    monkeypatch.delenv("PYTEST_CUTOVER_PLAN", raising=False)
    monkeypatch.delenv("PYTEST_CUTOVER_FAIL_FAST", raising=False)


@pytest.fixture
def cutover_project(pytester: pytest.Pytester) -> CutoverProject:
    """A cutover project in the pytester folder: write its plan and files, run it, read evidence."""
    return CutoverProject(pytester)


@pytest.fixture
def write_plan(pytester: pytest.Pytester) -> Callable[..., Path]:
    """Write a cutover.yaml (dedented) into the inner run's folder."""

    def write(text: str, name: str = "cutover.yaml") -> Path:
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    return write


@pytest.fixture
def five_gates(write_plan: Callable[..., Path]) -> Callable[[str], Path]:
    """A plan with gates G1..G5 and the given ``checks:`` block."""

    def write(checks: str = "") -> Path:
        return write_plan(textwrap.dedent(FIVE_GATES) + textwrap.dedent(checks))

    return write


@pytest.fixture
def bundle_of() -> Callable[..., dict[str, object]]:
    """Run pytest in a pytester folder with an evidence bundle and return its evidence.json."""

    def run(pytester: pytest.Pytester, *args: str) -> dict[str, object]:
        pytester.runpytest("--cutover-evidence", "evidence", *args)
        document: dict[str, object] = json.loads(
            (pytester.path / "evidence" / "evidence.json").read_text(encoding="utf-8")
        )
        return document

    return run
