"""The public API: the names ``pytest_cutover`` exports, imported only when asked for."""

from __future__ import annotations

import subprocess
import sys

import pytest

import pytest_cutover
from pytest_cutover import hookspecs
from pytest_cutover.model import decision
from pytest_cutover.run import fixtures

#: Each public name and the class it must be.
PUBLIC = {
    "CheckOutcome": decision.CheckOutcome,
    "CutoverChecks": fixtures.CutoverChecks,
    "Decision": decision.Decision,
    "GateResult": decision.GateResult,
    "GateStatus": decision.GateStatus,
    "Outcome": decision.Outcome,
    "Verdict": decision.Verdict,
}


def test_all_lists_exactly_the_public_names_and_the_version() -> None:
    assert sorted(pytest_cutover.__all__) == sorted([*PUBLIC, "__version__"])


def test_the_public_names_import_from_the_package_and_are_the_real_classes() -> None:
    from pytest_cutover import (  # noqa: PLC0415 - the import statement is the test
        CheckOutcome,
        CutoverChecks,
        Decision,
        GateResult,
        GateStatus,
        Outcome,
        Verdict,
    )

    imported = [CheckOutcome, CutoverChecks, Decision, GateResult, GateStatus, Outcome, Verdict]
    assert imported == [PUBLIC[name] for name in sorted(PUBLIC)]


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_each_public_name_is_an_attribute_of_the_package(name: str) -> None:
    assert getattr(pytest_cutover, name) is PUBLIC[name]


def test_the_cutover_fixture_is_of_the_public_type(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest_cutover

        def test_type(cutover):
            assert type(cutover) is pytest_cutover.CutoverChecks
        """
    )
    pytester.runpytest_inprocess().assert_outcomes(passed=1)


def test_dir_lists_the_public_names() -> None:
    assert set(pytest_cutover.__all__) <= set(dir(pytest_cutover))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'CutoverRun'"):
        pytest_cutover.CutoverRun  # noqa: B018 - the lookup is the test


def test_the_version_is_a_string() -> None:
    assert isinstance(pytest_cutover.__version__, str)
    assert pytest_cutover.__version__


def test_importing_the_package_imports_none_of_its_modules() -> None:
    code = (
        "import sys, pytest_cutover\n"
        "print(sorted(m for m in sys.modules if m.startswith('pytest_cutover.')))\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == "[]"


def test_the_decision_hook_is_declared_as_a_pytest_hookspec() -> None:
    assert hasattr(hookspecs.pytest_cutover_decision, "pytest_spec")
