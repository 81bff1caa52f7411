"""Advisory checks (severity: warn): a failure warns and blocks nothing, unless --cutover-strict."""

from __future__ import annotations

import pytest
from cutover_project import CutoverProject

from pytest_cutover import messages

ADVISORY = """
checks:
  - {id: docs-lint, gate: G1, severity: warn, command: [sh, -c, "echo 3 broken links; exit 1"]}
  - {id: config, gate: G2, command: ["true"]}
"""


def test_a_failed_advisory_check_is_a_warning_that_blocks_nothing(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.runbook(ADVISORY)
    result = cutover_project.run("-v", "-m", "preflight")
    result.stdout.fnmatch_lines(["cutover.yaml::docs-lint WARN*", "cutover.yaml::config PASSED*"])
    result.stdout.fnmatch_lines(
        [
            "GO: Runbook test",
            "  G1  T-60  PASSED  Tooling  1 warned  * s",
            "warnings:",
            "  - "
            + messages.REASON_WARNED.format(check="docs-lint", message="sh exited 1, expected 0"),
        ]
    )
    assert result.ret == pytest.ExitCode.OK


def test_strict_turns_advisory_failures_into_blocking_ones(cutover_project: CutoverProject) -> None:
    cutover_project.runbook(ADVISORY)
    result = cutover_project.run("-m", "preflight", "--cutover-strict")
    result.stdout.fnmatch_lines(
        ["NO-GO: Runbook test", "  G1  T-60  FAILED   Tooling  1 failed  * s"]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_the_advisory_marker_works_for_python_checks(cutover_project: CutoverProject) -> None:
    cutover_project.test_modules(
        test_adv="""
        import pytest

        @pytest.mark.gate("G1")
        @pytest.mark.cutover_advisory
        def test_nice_to_have():
            assert False, "optional dashboard missing"
        """
    )
    result = cutover_project.run()
    result.stdout.fnmatch_lines(
        [
            "GO: cutover",
            "  - advisory check test_adv.py::test_nice_to_have failed: "
            "*optional dashboard missing*",
        ]
    )
    assert result.ret == pytest.ExitCode.OK


def test_placeholder_scripts_warn_and_fail_under_strict(cutover_project: CutoverProject) -> None:
    cutover_project.write("package.json", '{"scripts": {"build": "echo TODO", "test": "bun test"}}')
    cutover_project.runbook("checks:\n  - {id: scripts, gate: G1, package_json: package.json}\n")
    relaxed = cutover_project.run("-m", "phase(name='T-60')")
    relaxed.stdout.fnmatch_lines(
        ["GO: Runbook test", "  - scripts: script 'build' is a placeholder: 'echo TODO'"]
    )
    strict = cutover_project.run("-m", "phase(name='T-60')", "--cutover-strict")
    strict.stdout.fnmatch_lines(
        [
            "cutover check scripts (package_json package.json) failed: "
            "strict: script 'build' is a placeholder: 'echo TODO'"
        ]
    )
    assert strict.ret == pytest.ExitCode.TESTS_FAILED
