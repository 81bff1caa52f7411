"""Cutover checks cannot be spread over pytest-xdist workers: a usage error that says why."""

from __future__ import annotations

import pytest
from cutover_project import CutoverProject, ProjectRun

from pytest_cutover import messages


def test_distributing_a_plan_is_a_usage_error(cutover_project: CutoverProject) -> None:
    cutover_project.five_gates("checks:\n  - {gate: G1, tool: sh}\n")
    result = cutover_project.run_subprocess("-n", "2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert_refused_once(result)


def test_distributing_marked_checks_is_a_usage_error(cutover_project: CutoverProject) -> None:
    cutover_project.test_modules(
        """
        import pytest

        @pytest.mark.gate("G1")
        def test_gate(): pass

        def test_plain(): pass
        """
    )
    result = cutover_project.run_subprocess("-n", "2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert_refused_once(result)


def assert_refused_once(result: pytest.RunResult | ProjectRun) -> None:
    """The refusal is said once, not again as a collection error and in the summary."""
    output = result.stdout.str() + result.stderr.str()
    assert output.count(messages.XDIST_INCOMPATIBLE) == 1, output
    assert "cannot be distributed" not in output.replace(messages.XDIST_INCOMPATIBLE, "")
    assert "INTERNALERROR" not in output


def test_xdist_still_runs_suites_without_cutover_checks(cutover_project: CutoverProject) -> None:
    cutover_project.test_modules("def test_a(): pass\ndef test_b(): pass\n")
    result = cutover_project.run_subprocess("-n", "2")
    result.assert_outcomes(passed=2)


def test_n0_is_not_distribution(cutover_project: CutoverProject) -> None:
    cutover_project.test_modules("import pytest\n@pytest.mark.gate('G1')\ndef test_a(): pass\n")
    result = cutover_project.run("-n", "0")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["GO: cutover"])
