"""Fail-closed under every way a run can be partial; inert in a run that is no cutover run.

Only phase selection (``-m`` over gate, phase and preflight markers, ``--cutover-phase``)
takes a phase out of scope. Every other way a check is left out (``-k``, ``--deselect``,
``--ignore``, a path argument, ``--lf``, ``--sw``, a collection error, another plugin)
makes the run NO-GO, with a reason that says how.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from cutover_project import CutoverProject, read_evidence

from pytest_cutover import messages
from pytest_cutover.evidence import markdown
from pytest_cutover.run import leftout

PLAN = """
    cutover: Partial runs
    python_checks: [checks]
    gates:
      - {id: G1, title: Tooling, phase: T-60}
      - {id: G2, title: Config, phase: T-30}
      - {id: G6, title: Healthy, phase: T+10}
    checks:
      - {id: tooling, gate: G1, command: ["true"]}
      - {id: config, gate: G2, command: [sh, -c, "test -e config-ok"]}
      - {id: healthy, gate: G6, command: ["true"]}
"""

PYTHON_CHECKS = """
    import pytest

    @pytest.mark.gate("G1")
    def test_database():
        pass
"""


@pytest.fixture
def repo(cutover_project: CutoverProject) -> CutoverProject:
    """A repository with a plan, a folder of Python checks and unit tests of its own."""
    cutover_project.plan(PLAN)
    cutover_project.mkdir("checks")
    cutover_project.path.joinpath("checks", "test_database.py").write_text(
        textwrap.dedent(PYTHON_CHECKS)
    )
    cutover_project.mkdir("tests")
    cutover_project.path.joinpath("tests", "test_unit.py").write_text("def test_unit(): pass\n")
    cutover_project.ini("[pytest]\ntestpaths = tests\n")
    return cutover_project


def config_ok(project: CutoverProject) -> None:
    project.write("config-ok", "")


# -- scope comes from phase selection only -----------------------------------------------


def test_a_k_that_drops_a_failing_phase_is_no_go_and_names_the_k(repo: CutoverProject) -> None:
    result = repo.run("-k", "tooling")
    result.assert_outcomes(passed=1, deselected=4)
    result.stdout.fnmatch_lines(
        ["NO-GO: Partial runs", "  - gate G2 'Config' INCOMPLETE: config deselected (-k 'tooling')"]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_deselect_that_drops_a_phase_is_no_go(repo: CutoverProject) -> None:
    config_ok(repo)
    result = repo.run("--deselect", "cutover.yaml::config")
    result.stdout.fnmatch_lines(
        ["NO-GO: Partial runs", "  - gate G2 'Config' INCOMPLETE: config deselected (--deselect)"]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_leaving_out_the_sign_off_with_k_is_no_go(cutover_project: CutoverProject) -> None:
    cutover_project.plan(
        """
        cutover: Sign-off
        gates:
          - {id: G1, phase: T-60}
          - {id: G7, phase: T+30}
        checks:
          - {id: tooling, gate: G1, command: ["true"]}
        signoff: {gate: G7, roles: [release-manager]}
        """
    )
    result = cutover_project.run("-k", "not signoff")
    result.stdout.fnmatch_lines(
        ["NO-GO: Sign-off", "  - gate G7 INCOMPLETE: signoff-release-manager deselected (-k *)"]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_m_preflight_takes_the_later_phases_out_of_scope(repo: CutoverProject) -> None:
    config_ok(repo)
    result = repo.run("-m", "preflight")
    result.stdout.fnmatch_lines(
        ["GO: Partial runs", "not in this run (phase not selected): G6 (T+10)"]
    )
    assert result.ret == pytest.ExitCode.OK


def test_m_over_another_marker_is_no_phase_selection(repo: CutoverProject) -> None:
    """``-m`` over a marker that is no cutover marker leaves out checks, not phases."""
    config_ok(repo)
    repo.path.joinpath("checks", "test_slow.py").write_text(
        "import pytest\n\n@pytest.mark.gate('G1')\n@pytest.mark.slow\ndef test_slow(): pass\n"
    )
    repo.ini("[pytest]\ntestpaths = tests\nmarkers = slow: a slow check\n")
    result = repo.run("-m", "not slow")
    result.stdout.fnmatch_lines(
        [
            "NO-GO: Partial runs",
            "  - gate G1 'Tooling' INCOMPLETE: checks/test_slow.py::test_slow deselected "
            "(-m 'not slow')",
        ]
    )


def test_cutover_phase_names_several_phases(repo: CutoverProject) -> None:
    config_ok(repo)
    for option in (["--cutover-phase=T-60,T-30"], ["--cutover-phase=T-60", "--cutover-phase=T-30"]):
        result = repo.run(*option)
        result.stdout.fnmatch_lines(
            ["GO: Partial runs", "not in this run (phase not selected): G6 (T+10)"]
        )
        assert result.ret == pytest.ExitCode.OK


def test_m_preflight_with_no_preflight_check_is_no_go(cutover_project: CutoverProject) -> None:
    cutover_project.plan(
        """
        cutover: After T0 only
        gates:
          - {id: G6, phase: T+10}
        checks:
          - {id: healthy, gate: G6, command: ["true"]}
        """
    )
    result = cutover_project.run("-m", "preflight")
    result.stdout.fnmatch_lines(["NO-GO: After T0 only", f"  - {messages.REASON_NOTHING_RAN}"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


# -- the plan knows its Python checks ----------------------------------------------------


def test_the_plan_as_the_only_argument_still_runs_its_python_checks(repo: CutoverProject) -> None:
    config_ok(repo)
    repo.path.joinpath("checks", "test_database.py").write_text(
        "import pytest\n\n@pytest.mark.gate('G1')\ndef test_database():\n    assert False, 'down'\n"
    )
    result = repo.run("cutover.yaml")
    result.stdout.fnmatch_lines(
        [
            "NO-GO: Partial runs",
            "  - gate G1 'Tooling' FAILED: checks/test_database.py::test_database failed",
        ]
    )
    assert "test_unit" not in result.stdout.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_the_plan_alone_runs_every_python_check_of_a_repo_without_testpaths(
    cutover_project: CutoverProject,
) -> None:
    """The folder of Python checks is then the rootdir: the plan inside it narrows nothing,
    and the tests there that are no checks are not asked for."""
    cutover_project.plan(PLAN.replace("    python_checks: [checks]\n", ""))
    config_ok(cutover_project)
    cutover_project.mkdir("checks").joinpath("test_database.py").write_text(
        textwrap.dedent(PYTHON_CHECKS)
    )
    cutover_project.test_modules(test_unit="def test_unit(): pass")
    result = cutover_project.run("-v", "cutover.yaml")
    result.stdout.fnmatch_lines(["checks/test_database.py::test_database PASSED*"])
    result.stdout.fnmatch_lines(["GO: Partial runs"])
    result.assert_outcomes(passed=4, deselected=1)
    assert result.ret == pytest.ExitCode.OK


def test_a_bare_run_whose_testpaths_lie_inside_the_folder_of_python_checks_runs_them_all(
    repo: CutoverProject,
) -> None:
    """pytest's default arguments narrow nothing: the folder added whole takes their place
    (pytest 8 would otherwise collect only ``tests`` of ``tests`` and ``.``)."""
    config_ok(repo)
    plan = repo.path / "cutover.yaml"
    plan.write_text(plan.read_text().replace("python_checks: [checks]", "python_checks: [.]"))
    result = repo.run("-v")
    result.stdout.fnmatch_lines(["checks/test_database.py::test_database PASSED*"])
    result.stdout.fnmatch_lines(["tests/test_unit.py::test_unit PASSED*"])
    result.stdout.fnmatch_lines(["GO: Partial runs"])
    result.assert_outcomes(passed=5)
    assert result.ret == pytest.ExitCode.OK


def test_ignoring_a_file_of_python_checks_is_no_go(repo: CutoverProject) -> None:
    config_ok(repo)
    result = repo.run("--ignore=checks/test_database.py")
    problem = messages.PROBLEM_LEFT_OUT.format(
        how=leftout.IGNORED, path="checks/test_database.py", folder="checks"
    )
    result.stdout.fnmatch_lines(["NO-GO: Partial runs", f"  - {problem}"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_turning_off_pythons_collector_is_no_go(repo: CutoverProject) -> None:
    """``-p no:python`` collects no Python file: the plan's failing Python check vanished
    and its gate looked PASSED on the declared check alone."""
    config_ok(repo)
    repo.path.joinpath("checks", "test_database.py").write_text(
        "import pytest\n\n@pytest.mark.gate('G1')\ndef test_database():\n    assert False\n"
    )
    result = repo.run("-p", "no:python")
    problem = messages.PROBLEM_PYTHON_OFF.format(folders="checks")
    result.stdout.fnmatch_lines(["NO-GO: Partial runs", f"  - {problem}"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_ignoring_the_plan_leaves_its_checks_not_collected(repo: CutoverProject) -> None:
    config_ok(repo)
    repo.ini("[pytest]\n")  # no testpaths: pytest finds the plan itself, and ignores it
    result = repo.run("--ignore=cutover.yaml")
    result.stdout.fnmatch_lines(
        [
            "NO-GO: Partial runs",
            "  - gate G1 'Tooling' INCOMPLETE: tooling not collected (--ignore)",
        ]
    )


def test_a_path_inside_the_folder_of_python_checks_is_no_go(repo: CutoverProject) -> None:
    config_ok(repo)
    repo.path.joinpath("checks", "test_more.py").write_text(
        "import pytest\n\n@pytest.mark.gate('G1')\ndef test_more():\n    assert False\n"
    )
    result = repo.run("checks/test_database.py", "--cutover-evidence=ev")
    problem = messages.PROBLEM_NARROWED.format(folder="checks")
    result.stdout.fnmatch_lines(["NO-GO: Partial runs", f"  - {problem}"])
    document = read_evidence(repo.path / "ev")
    assert problem in document["decision"]["problems"]
    assert document["decision"]["verdict"] == "NO-GO"


def test_a_python_check_run_by_its_path_alone_is_decided_and_is_no_go(
    repo: CutoverProject,
) -> None:
    """Its file is a cutover check's: the run cannot be an ordinary one, and it leaves
    out the rest of the plan."""
    config_ok(repo)
    result = repo.run("checks/test_database.py")
    plan_problem = messages.PROBLEM_PLAN_NOT_IN_ARGS.format(plan="cutover.yaml")
    result.stdout.fnmatch_lines(
        [
            "NO-GO: Partial runs",
            f"  - {plan_problem}",
            f"  - gate G1 'Tooling' INCOMPLETE: tooling not collected ({leftout.PATH_ARGUMENTS})",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_one_declared_check_by_its_id_leaves_the_others_not_collected(
    repo: CutoverProject,
) -> None:
    config_ok(repo)
    result = repo.run("cutover.yaml::tooling")
    result.stdout.fnmatch_lines(
        [
            "NO-GO: Partial runs",
            f"  - gate G2 'Config' INCOMPLETE: config not collected ({leftout.PATH_ARGUMENTS})",
        ]
    )


def test_a_folder_of_python_checks_the_plan_names_must_exist(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.plan(PLAN.replace("[checks]", "[checks, no-such-folder]"))
    cutover_project.mkdir("checks")
    result = cutover_project.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    problem = messages.NO_PYTHON_CHECKS.format(path="no-such-folder")
    assert result.stderr.lines[0] == f"ERROR: cutover.yaml:2: python_checks[1]: {problem}"


# -- --lf, --sw, collection errors, other plugins ----------------------------------------


@pytest.fixture
def with_cache(monkeypatch: pytest.MonkeyPatch, repo: CutoverProject) -> CutoverProject:
    """The inner runs keep pytest's cache (the suite turns it off elsewhere)."""
    monkeypatch.setenv("PYTEST_ADDOPTS", "-p no:randomly")
    return repo


def test_lf_after_a_fix_is_no_go_while_another_check_now_fails(with_cache: CutoverProject) -> None:
    repo = with_cache
    repo.path.joinpath("checks", "test_database.py").write_text(
        textwrap.dedent(
            """
            import pathlib, pytest

            @pytest.mark.gate("G2")
            def test_migrations():
                assert pathlib.Path("migrated").exists()

            @pytest.mark.gate("G2")
            def test_replica():
                assert not pathlib.Path("replica-broken").exists()
            """
        )
    )
    config_ok(repo)
    first = repo.run()
    first.stdout.fnmatch_lines(["NO-GO: Partial runs"])
    repo.path.joinpath("migrated").write_text("")  # the fix
    repo.path.joinpath("replica-broken").write_text("")  # and a new failure
    result = repo.run("--lf")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["NO-GO: Partial runs", f"  - {messages.PROBLEM_LAST_FAILED}"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_sw_is_no_go_for_the_checks_it_skips(with_cache: CutoverProject) -> None:
    repo = with_cache
    first = repo.run("--sw")  # stops at config, which fails
    first.stdout.fnmatch_lines(["NO-GO: Partial runs"])
    config_ok(repo)
    result = repo.run("--sw")
    result.stdout.fnmatch_lines(
        ["NO-GO: Partial runs", "  - gate G1 'Tooling' INCOMPLETE: *deselected (--sw)"]
    )


def test_a_collection_error_in_python_checks_is_no_go_everywhere_it_is_written(
    repo: CutoverProject,
) -> None:
    config_ok(repo)
    repo.path.joinpath("checks", "test_broken.py").write_text("import no_such_module\n")
    result = repo.run("--continue-on-collection-errors", "--cutover-evidence=ev")
    problem = messages.PROBLEM_COLLECTION_ERROR.format(path="checks/test_broken.py")
    result.stdout.fnmatch_lines(["NO-GO: Partial runs", f"  - {problem}"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    document = read_evidence(repo.path / "ev")
    assert document["decision"]["verdict"] == "NO-GO"
    assert problem in document["decision"]["reasons"]
    closeout = repo.path.joinpath("ev", "closeout.md").read_text()
    assert "NO-GO" in closeout
    assert markdown.text(problem) in closeout  # escaped for Markdown, reads as the problem


def test_without_continuing_a_collection_error_is_an_interrupted_no_go(
    repo: CutoverProject,
) -> None:
    config_ok(repo)
    repo.path.joinpath("checks", "test_broken.py").write_text("import no_such_module\n")
    result = repo.run()
    result.stdout.fnmatch_lines(["NO-GO: Partial runs", f"  - {messages.REASON_INTERRUPTED}"])
    assert result.ret == pytest.ExitCode.INTERRUPTED


def test_without_a_plan_a_collection_error_anywhere_is_no_go(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.test_modules(
        test_gate="import pytest\n\n@pytest.mark.gate('G1')\ndef test_gate(): pass\n",
        test_broken="import no_such_module\n",
    )
    result = cutover_project.run("--continue-on-collection-errors")
    problem = messages.PROBLEM_COLLECTION_ERROR_ANYWHERE.format(path="test_broken.py")
    result.stdout.fnmatch_lines(["NO-GO: cutover", f"  - {problem}"])


def test_a_plugin_that_silently_drops_a_check_leaves_its_gate_incomplete(
    repo: CutoverProject,
) -> None:
    """A conftest registered during collection runs its tryfirst hook before the plugin's."""
    config_ok(repo)
    repo.path.joinpath("checks", "conftest.py").write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.hookimpl(tryfirst=True)
            def pytest_collection_modifyitems(items):
                items[:] = [item for item in items if item.name != "test_database"]
            """
        )
    )
    result = repo.run()
    result.stdout.fnmatch_lines(
        [
            "NO-GO: Partial runs",
            "  - gate G1 'Tooling' INCOMPLETE: checks/test_database.py::test_database deselected "
            f"({messages.REMOVED_BY_PLUGIN})",
        ]
    )


DROP_EVERY_CHECK = """
    def pytest_collection_modifyitems(config, items):
        dropped = [item for item in items if "unit" not in item.nodeid]
        items[:] = [item for item in items if item not in dropped]
        if {report}:
            config.hook.pytest_deselected(items=dropped)
"""


@pytest.mark.parametrize("report", [False, True], ids=["silently", "reported"])
def test_a_plugin_that_drops_every_check_is_no_go_not_no_decision(
    repo: CutoverProject, report: bool
) -> None:
    """Selecting no check is an ordinary run only when ``-m`` or ``-k`` did it; a plugin
    that leaves none of the cutover's checks in the run made exit 0 of it."""
    config_ok(repo)
    repo.conftest(DROP_EVERY_CHECK.format(report=report))
    result = repo.run()
    result.stdout.fnmatch_lines(["NO-GO: Partial runs"])
    assert messages.NO_CUTOVER_SELECTED not in result.stdout.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_deselecting_every_check_is_no_go_not_no_decision(repo: CutoverProject) -> None:
    """``--deselect`` is no phase selection: leaving out every check with it made exit 0."""
    config_ok(repo)
    result = repo.run("--deselect", "cutover.yaml", "--deselect", "checks")
    result.stdout.fnmatch_lines(["NO-GO: Partial runs"])
    assert messages.NO_CUTOVER_SELECTED not in result.stdout.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_without_a_plan_a_plugin_that_drops_every_check_is_no_go(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.test_modules(
        "import pytest\n\n@pytest.mark.gate('G1')\ndef test_g1():\n    pass\n\n"
        "def test_unit():\n    pass\n"
    )
    cutover_project.conftest(DROP_EVERY_CHECK.format(report=False))
    result = cutover_project.run()
    result.stdout.fnmatch_lines(["NO-GO: cutover"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


FLIP_TO_PASSED = """
    import pytest

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(item, call):
        report = yield
        if report.failed:
            report.outcome = "passed"
            report.longrepr = None
        return report
"""


def test_a_conftest_that_turns_a_failed_declared_check_into_a_pass_gets_an_error(
    repo: CutoverProject,
) -> None:
    repo.conftest(FLIP_TO_PASSED)
    result = repo.run("--cutover-evidence=ev", "--junitxml=user.xml")
    result.stdout.fnmatch_lines(
        ["NO-GO: Partial runs", "  - gate G2 'Config' FAILED: config errored"]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    document = read_evidence(repo.path / "ev")
    (config,) = [check for check in document["checks"] if check["id"] == "config"]
    assert config["outcome"] == "errored"
    assert config["message"] == messages.REPORT_DISAGREES.format(
        reported="passed", truth="did not hold"
    )
    assert "changed its report to passed" in repo.path.joinpath("user.xml").read_text()


def test_a_plugin_registered_after_the_gatekeeper_that_flips_a_report_gets_an_error(
    repo: CutoverProject,
) -> None:
    """Its wrapper is outside the plugin's; the logged report still disagrees with the
    outcome the plugin settled, and the check is an error."""
    repo.conftest(
        """
        import pytest

        class Flipper:
            @pytest.hookimpl(wrapper=True, tryfirst=True)
            def pytest_runtest_makereport(self, item, call):
                report = yield
                if report.failed:
                    report.outcome = "passed"
                    report.longrepr = None
                return report

        @pytest.hookimpl(trylast=True)
        def pytest_collection_finish(session):
            session.config.pluginmanager.register(Flipper(), "flipper")
        """
    )
    result = repo.run()
    result.stdout.fnmatch_lines(
        ["NO-GO: Partial runs", "  - gate G2 'Config' FAILED: config errored"]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_conftest_that_turns_a_failed_python_check_into_a_pass_gets_an_error(
    repo: CutoverProject,
) -> None:
    config_ok(repo)
    repo.path.joinpath("checks", "conftest.py").write_text(textwrap.dedent(FLIP_TO_PASSED))
    repo.path.joinpath("checks", "test_database.py").write_text(
        "import pytest\n\n@pytest.mark.gate('G1')\ndef test_database():\n    assert False, 'down'\n"
    )
    result = repo.run()
    result.stdout.fnmatch_lines(
        [
            "NO-GO: Partial runs",
            "  - gate G1 'Tooling' FAILED: checks/test_database.py::test_database errored",
        ]
    )


#: The names the plugin registers its parts under: ``-p no:NAME`` would block one of them.
PART_NAMES = [
    "cutover-lookout",
    "cutover-registry",
    "cutover-gatekeeper",
    "cutover-report-log",
    "cutover-status-words",
    "cutover-session-end",
    "cutover-terminal-summary",
    "cutover-left-out",
    "cutover-show-plan",
    "cutover-junitxml",
    "cutover-html",
    "cutover-allure",
    "cutover-json-report",
    "cutover-sugar",
]


@pytest.mark.parametrize("name", PART_NAMES)
def test_turning_off_one_part_of_the_plugin_is_a_usage_error(
    repo: CutoverProject, name: str
) -> None:
    """``-p no:cutover`` turns the plugin off; blocking one of its parts by name would run
    the cutover half-decided (a -k run without a decision, a check unblocked after a failed
    gate, a NO-GO that JUnit shows green), so it is refused in one sentence."""
    config_ok(repo)
    result = repo.run("-p", f"no:{name}", "-k", "tooling or unit", "--junitxml=user.xml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"ERROR: {messages.PART_BLOCKED.format(name=name)}" in result.stderr.str()
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


@pytest.mark.parametrize("name", ["cutover-lookout", "cutover-gatekeeper"])
def test_turning_off_one_part_is_refused_in_a_run_without_a_plan(
    cutover_project: CutoverProject, name: str
) -> None:
    """Without a plan the lookout is what finds the checks, and the run opens at them."""
    cutover_project.test_modules(
        "import pytest\n\n@pytest.mark.gate('G1')\ndef test_g1():\n    assert False\n\n"
        "@pytest.mark.gate('G2')\ndef test_g2():\n    pass\n"
    )
    result = cutover_project.run("-p", f"no:{name}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"ERROR: {messages.PART_BLOCKED.format(name=name)}" in result.stderr.str()


def test_turning_off_the_whole_plugin_still_works(repo: CutoverProject) -> None:
    result = repo.run("-p", "no:cutover", "tests")
    assert result.ret == pytest.ExitCode.OK


def test_a_subfolder_conftest_that_flips_the_logged_report_of_a_python_check_gets_an_error(
    repo: CutoverProject,
) -> None:
    """A conftest of the checks' folder is registered during collection; its tryfirst
    ``pytest_runtest_logreport`` runs before a hook registered after it. The plugin reads the
    logged report after it, as before the run was split into parts, so the terminal and
    JUnit see the failure too."""
    config_ok(repo)
    repo.path.joinpath("checks", "conftest.py").write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.hookimpl(tryfirst=True)
            def pytest_runtest_logreport(report):
                if report.failed:
                    report.outcome = "passed"
                    report.longrepr = None
            """
        )
    )
    repo.path.joinpath("checks", "test_database.py").write_text(
        "import pytest\n\n@pytest.mark.gate('G1')\ndef test_database():\n    assert False\n"
    )
    result = repo.run("--junitxml=user.xml")
    result.stdout.fnmatch_lines(
        [
            "NO-GO: Partial runs",
            "  - gate G1 'Tooling' FAILED: checks/test_database.py::test_database errored",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert "changed its report to passed" in repo.path.joinpath("user.xml").read_text()


# -- a repository whose other tests have nothing to do with the cutover ------------------

FAILING_PREFLIGHT = """
    cutover: Preflight only
    python_checks: [checks]
    gates:
      - {id: G1, phase: T-60}
    checks:
      - {id: slow-tool, gate: G1, command: [sh, -c, "touch plan-ran; exit 1"]}
"""


@pytest.fixture
def project(cutover_project: CutoverProject) -> CutoverProject:
    cutover_project.plan(FAILING_PREFLIGHT)
    cutover_project.mkdir("checks")
    cutover_project.mkdir("tests").joinpath("unit").mkdir()
    cutover_project.path.joinpath("tests", "unit", "test_unit.py").write_text(
        "def test_one(): pass\ndef test_two(): pass\n"
    )
    return cutover_project


@pytest.mark.parametrize("distributed", [[], ["-n", "2"]])
def test_unit_tests_of_a_repo_with_a_plan_run_as_if_it_had_none(
    project: CutoverProject, distributed: list[str]
) -> None:
    result = project.run_subprocess("tests/unit", *distributed)
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.OK
    assert "cutover plan" not in result.stdout.str()
    assert "cutover decision" not in result.stdout.str()
    assert not project.path.joinpath("plan-ran").exists()


@pytest.mark.parametrize("distributed", [[], ["-n", "2"]])
def test_m_not_preflight_selects_no_check_and_keeps_pytests_exit_code(
    project: CutoverProject, distributed: list[str]
) -> None:
    result = project.run_subprocess("-m", "not preflight", *distributed)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([messages.NO_CUTOVER_SELECTED])
    assert "NO-GO" not in result.stdout.str()
    assert result.ret == pytest.ExitCode.OK


def test_selecting_nothing_is_no_go_when_a_cutover_was_asked_for(project: CutoverProject) -> None:
    result = project.run("-m", "not preflight", "--cutover-evidence=ev")
    result.stdout.fnmatch_lines(["NO-GO: Preflight only", f"  - {messages.REASON_NOTHING_RAN}"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_n_is_refused_only_when_cutover_checks_are_selected(project: CutoverProject) -> None:
    result = project.run_subprocess("-n", "2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stdout.fnmatch_lines([f"*{messages.XDIST_INCOMPATIBLE}*"])


def strict_markers_recipe() -> str:
    """The ``markers`` lines the README tells a project to add for ``-p no:cutover``."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    start = readme.index("# markers for -p no:cutover")
    block = readme[start : readme.index("```", start)]
    return block.split("\n", 1)[1]


def test_the_readme_recipe_keeps_strict_markers_working_with_the_plugin_off(
    project: CutoverProject,
) -> None:
    project.path.joinpath("checks", "test_marked.py").write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.mark.gate("G1")
            @pytest.mark.phase("T-60")
            @pytest.mark.preflight
            @pytest.mark.cutover_advisory
            @pytest.mark.mutating
            @pytest.mark.rollback_trigger
            def test_marked(): pass
            """
        )
    )
    without_recipe = project.run_subprocess("-p", "no:cutover", "--strict-markers", "checks")
    assert without_recipe.ret == pytest.ExitCode.INTERRUPTED  # 'gate' not found in markers
    project.ini("[pytest]\n" + strict_markers_recipe())
    result = project.run_subprocess("-p", "no:cutover", "--strict-markers", "checks", "tests")
    result.assert_outcomes(passed=3)
    assert result.ret == pytest.ExitCode.OK
    with_plugin = project.run_subprocess("--strict-markers", "tests/unit")
    with_plugin.assert_outcomes(passed=2)
    assert with_plugin.ret == pytest.ExitCode.OK
