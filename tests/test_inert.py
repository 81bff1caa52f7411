"""No plan and no cutover markers: the plugin changes nothing."""

from __future__ import annotations

import pytest
from cutover_project import CutoverProject

SUITE = {
    "test_z.py": """
        import pytest

        def test_z1(): pass
        def test_z2(): assert False

        @pytest.mark.skip
        def test_z3(): pass
    """,
    "test_a.py": """
        import pytest

        @pytest.mark.parametrize("n", [3, 1, 2])
        def test_a(n): pass
    """,
}


def test_a_suite_without_plan_or_markers_runs_exactly_as_without_the_plugin(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.test_modules(**SUITE)
    with_plugin = cutover_project.run("-v")
    without = cutover_project.run("-v", "-p", "no:cutover")
    order = [line.split(" ")[0] for line in with_plugin.stdout.lines if "::" in line]
    order_without = [line.split(" ")[0] for line in without.stdout.lines if "::" in line]
    assert order == order_without
    assert (
        with_plugin.parseoutcomes()
        == without.parseoutcomes()
        == {
            "failed": 1,
            "passed": 4,
            "skipped": 1,
        }
    )
    assert with_plugin.ret == without.ret == pytest.ExitCode.TESTS_FAILED
    assert "cutover decision" not in with_plugin.stdout.str()
    assert "cutover plan" not in with_plugin.stdout.str()


def test_an_empty_suite_keeps_pytests_own_exit_code(cutover_project: CutoverProject) -> None:
    result = cutover_project.run()
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    assert "cutover decision" not in result.stdout.str()


def test_p_no_cutover_turns_the_plugin_off_even_with_a_plan(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.plan("this: [is not, a plan")
    cutover_project.test_modules("def test_x(): pass")
    result = cutover_project.run("-p", "no:cutover")
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.OK


def test_a_run_without_files_or_evidence_loads_no_reader_or_writer_of_them(
    cutover_project: CutoverProject,
) -> None:
    """Start-up is part of every run's cost: PyYAML, JSON Schema, Jinja2, the plan and the
    evidence writers are imported only by runs that read a file or write evidence."""
    cutover_project.test_modules(
        """
        import pytest

        @pytest.mark.gate("G1")
        def test_check(): pass
        """
    )
    cutover_project.conftest(
        """
        import sys

        def pytest_unconfigure():
            names = ["yaml", "jsonschema", "pytest_cutover.plan.load",
                     "pytest_cutover.evidence.bundle", "pytest_cutover.evidence.assemble",
                     "pytest_cutover.evidence.report"]
            print("LOADED:", [name for name in names if name in sys.modules])
        """
    )
    result = cutover_project.run_subprocess("-s")
    result.stdout.fnmatch_lines(["LOADED: []"])
    assert result.ret == pytest.ExitCode.OK


def test_a_run_without_plan_or_markers_has_no_per_test_cutover_hook(
    pytester: pytest.Pytester,
) -> None:
    """The run's objects are registered only once collection found cutover checks: a plain
    suite pays for no per-test hook of the plugin, and loads none of the run's modules."""
    pytester.makepyfile(
        """
        import sys

        PER_TEST = ("pytest_runtest_setup", "pytest_runtest_makereport",
                    "pytest_runtest_logreport", "pytest_report_teststatus",
                    "pytest_runtest_call", "pytest_runtest_teardown")

        def test_plain(request):
            hooks = request.config.pluginmanager.hook
            ours = [(name, impl.plugin_name) for name in PER_TEST
                    for impl in getattr(hooks, name).get_hookimpls()
                    if impl.plugin_name.startswith("cutover")]
            assert ours == []
            assert "pytest_cutover.run.wiring" not in sys.modules
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)


def test_the_first_cutover_marker_registers_the_run(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        def test_plain(request):
            assert request.config.pluginmanager.get_plugin("cutover-gatekeeper") is not None

        @pytest.mark.gate("G1")
        def test_check(): pass
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*cutover decision*", "GO: *"])
