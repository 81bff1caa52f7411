"""Other reporters, each the real plugin in a child process: allure-pytest's result files,
pytest-json-report's report and pytest-sugar's progress line show the cutover as it is."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cutover_project import SUITE_ADDOPTS, CutoverProject

from pytest_cutover import messages

TWO_GATES = """
    cutover: Reporters
    gates:
      - {id: G1, title: Tooling ready, phase: T-60}
      - {id: G2, title: Config valid, phase: T-30}
    signoff: {gate: G2, roles: [release-manager]}
"""

#: G1 fails (a declared check that does not hold), so G2 is blocked.
RED = """
    checks:
      - {id: g1-ok, gate: G1, command: ["true"]}
      - {id: g1-bad, gate: G1, command: ["false"]}
      - {id: g2-later, gate: G2, command: ["true"]}
"""

GREEN = """
    checks:
      - {id: g1-ok, gate: G1, command: ["true"]}
      - {id: g2-ok, gate: G2, command: ["true"]}
"""

#: A Python check failing on its assert, in G1.
PYTHON_CHECK = """
    import pytest

    @pytest.mark.gate("G1")
    def test_python_check():
        assert 1 == 2, "one is not two"
"""


def plan(project: CutoverProject, checks: str) -> None:
    project.plan(TWO_GATES + checks)


def signed() -> str:
    return "--cutover-signoff=release-manager=Ana Lima"


# -- allure-pytest -----------------------------------------------------------------------


def allure_results(folder: Path) -> dict[str, dict[str, Any]]:
    """allure-pytest's test results in ``folder``, by test name."""
    results: dict[str, dict[str, Any]] = {}
    for path in folder.glob("*-result.json"):
        result = json.loads(path.read_text(encoding="utf-8"))
        results[result["name"]] = result
    return results


def labels(result: dict[str, Any], name: str) -> list[str]:
    return [label["value"] for label in result["labels"] if label["name"] == name]


def test_allure_counts_a_failed_declared_check_as_failed_not_broken(
    cutover_project: CutoverProject,
) -> None:
    plan(cutover_project, RED)
    cutover_project.test_modules(test_checks=PYTHON_CHECK)
    run = cutover_project.run_subprocess("--alluredir=allure")
    assert run.ret == pytest.ExitCode.TESTS_FAILED
    results = allure_results(cutover_project.path / "allure")
    statuses = {name: result["status"] for name, result in results.items()}
    assert statuses == {
        "g1-ok": "passed",
        "g1-bad": "failed",
        "test_python_check": "failed",
        "g2-later": "skipped",  # blocked
        "signoff-release-manager": "skipped",  # blocked
    }
    # what pytest's own output says of the check, unchanged
    run.stdout.fnmatch_lines(["cutover check g1-bad (command false) failed: false exited 1*"])
    assert "Traceback" not in run.stdout.str()


def test_allure_counts_a_missing_signoff_as_failed(cutover_project: CutoverProject) -> None:
    plan(cutover_project, GREEN)
    run = cutover_project.run_subprocess("--alluredir=allure")
    assert run.ret == pytest.ExitCode.TESTS_FAILED
    results = allure_results(cutover_project.path / "allure")
    assert results["signoff-release-manager"]["status"] == "failed"
    assert results["g2-ok"]["status"] == "passed"


def test_allure_labels_each_check_with_its_gate_and_phase(cutover_project: CutoverProject) -> None:
    plan(cutover_project, RED)
    cutover_project.test_modules(test_checks=PYTHON_CHECK)
    cutover_project.test_modules(test_plain="def test_unrelated(): pass")
    cutover_project.run_subprocess("--alluredir=allure", "cutover.yaml", "test_checks.py", ".")
    results = allure_results(cutover_project.path / "allure")
    expected = {
        "g1-ok": ("G1", "T-60", "G1 Tooling ready"),
        "g1-bad": ("G1", "T-60", "G1 Tooling ready"),
        "test_python_check": ("G1", "T-60", "G1 Tooling ready"),
        "g2-later": ("G2", "T-30", "G2 Config valid"),
        "signoff-release-manager": ("G2", "T-30", "G2 Config valid"),
    }
    for name, (gate, phase, suite) in expected.items():
        result = results[name]
        assert labels(result, "gate") == [gate], name
        assert labels(result, "phase") == [phase], name
        assert labels(result, "parentSuite") == [phase], name
        assert labels(result, "suite") == [suite], name
    # a test that is no cutover check keeps allure-pytest's own suites and gets no gate
    unrelated = results["test_unrelated"]
    assert labels(unrelated, "gate") == []
    assert labels(unrelated, "suite") == ["test_plain"]


#: A conftest wrapper that makes a failed check look passed (the gatekeeper's wrapper is
#: outside it and turns it back into a failure).
FALSE_PASS = """
import pytest

@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if item.name == "test_python_check" and report.when == "call":
        report.outcome = "passed"
    return report
"""

SETTLED = """
    checks:
      - {id: g1-ok, gate: G1, command: ["true"]}
      - {id: waived, gate: G1, command: ["false"]}
      - {id: advisory, gate: G1, severity: warn, command: ["false"]}
    waivers:
      - {check: waived, justification: until Step 23, approver: Ana Lima, ticket: CHG-4711,
         expires: '2099-01-01T00:00:00+00:00'}
"""


def test_allure_shows_each_check_as_the_run_settled_it(cutover_project: CutoverProject) -> None:
    """allure-pytest reads a report before the gatekeeper settles it: a waived or advisory
    failure is skipped there too, and a failure a conftest made a pass is failed."""
    plan(cutover_project, SETTLED)
    cutover_project.test_modules(test_checks=PYTHON_CHECK)
    cutover_project.conftest(FALSE_PASS)
    run = cutover_project.run_subprocess("--alluredir=allure", signed())
    assert run.ret == pytest.ExitCode.TESTS_FAILED
    results = allure_results(cutover_project.path / "allure")
    shown = {
        name: (r["status"], r.get("statusDetails", {}).get("message", ""))
        for name, r in results.items()
    }
    assert shown["g1-ok"] == ("passed", "")
    assert shown["waived"][0] == "skipped"
    assert shown["waived"][1].startswith("waived: waived waived by Ana Lima (CHG-4711)")
    assert shown["advisory"][0] == "skipped"
    assert shown["advisory"][1].startswith("warned: cutover check advisory (command false) failed")
    assert shown["test_python_check"][0] == "failed"
    assert "changed its report to passed" in shown["test_python_check"][1]


def test_a_suite_the_test_names_itself_wins_over_the_gate(cutover_project: CutoverProject) -> None:
    plan(cutover_project, GREEN)
    cutover_project.test_modules(
        test_own_suite="""
        import allure
        import pytest

        @allure.suite("Smoke")
        @pytest.mark.gate("G1")
        def test_own_suite():
            pass
        """
    )
    cutover_project.run_subprocess("--alluredir=allure", signed())
    result = allure_results(cutover_project.path / "allure")["test_own_suite"]
    assert labels(result, "suite") == ["Smoke"]
    assert labels(result, "gate") == ["G1"]


# -- pytest-json-report ------------------------------------------------------------------


def json_report(project: CutoverProject, *args: str) -> tuple[int, dict[str, Any]]:
    """Run with pytest-json-report; the exit code and the report."""
    run = project.run_subprocess("--json-report", "--json-report-file=report.json", *args)
    report: dict[str, Any] = json.loads((project.path / "report.json").read_text("utf-8"))
    return int(run.ret), report


def test_the_json_report_carries_a_no_go_decision(cutover_project: CutoverProject) -> None:
    plan(cutover_project, RED)
    code, report = json_report(cutover_project, signed())
    assert code == 1
    assert report["exitcode"] == 1
    cutover = report["cutover"]
    assert cutover["verdict"] == "NO-GO"
    assert cutover["go"] is False
    assert cutover["name"] == "Reporters"
    assert [(g["id"], g["phase"], g["status"]) for g in cutover["gates"]] == [
        ("G1", "T-60", "FAILED"),
        ("G2", "T-30", "BLOCKED"),
    ]
    assert cutover["gates"][0]["checks"] == [
        {"id": "g1-ok", "outcome": "passed"},
        {"id": "g1-bad", "outcome": "failed"},
    ]
    assert "gate G1 'Tooling ready' FAILED: g1-bad failed" in cutover["reasons"]
    assert cutover["exit_status"] == 1
    assert cutover["exit_meaning"] == messages.EXIT_DECIDED_STOP.format(code=1, verdict="NO-GO")


def test_the_json_report_carries_a_go_decision(cutover_project: CutoverProject) -> None:
    plan(cutover_project, GREEN)
    code, report = json_report(cutover_project, signed())
    assert code == 0
    cutover = report["cutover"]
    assert (cutover["verdict"], cutover["go"], cutover["reasons"]) == ("GO", True, [])
    assert [g["status"] for g in cutover["gates"]] == ["PASSED", "PASSED"]
    assert cutover["exit_meaning"] == messages.EXIT_PROCEED.format(code=0, verdict="GO")


def test_a_json_report_of_a_run_that_selected_no_check_says_so(
    cutover_project: CutoverProject,
) -> None:
    plan(cutover_project, GREEN)
    cutover_project.test_modules(test_plain="def test_unrelated(): pass")
    code, report = json_report(cutover_project, "-k", "unrelated")
    assert code == 0
    assert report["cutover"]["verdict"] is None
    assert report["cutover"]["go"] is False
    assert report["cutover"]["note"] == messages.NO_CUTOVER_SELECTED
    assert report["cutover"]["exit_meaning"] == messages.EXIT_NO_DECISION.format(code=0)


#: Builds its report the way pytest-json-report does (its hook, from a ``tryfirst``
#: ``sessionfinish``), but registered after the run's own session end, so that pytest
#: calls it first: the order another install's entry points may give pytest-json-report.
FIRST_REPORTER = """
import json
import pytest

class FirstReporter:
    def __init__(self, config):
        self.config = config

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session):
        report = {"exitcode": int(session.exitstatus)}
        self.config.hook.pytest_json_modifyreport(json_report=report)
        with open("first.json", "w", encoding="utf-8") as file:
            json.dump(report, file)

def pytest_sessionstart(session):
    session.config.pluginmanager.register(FirstReporter(session.config))
"""


def test_the_json_report_is_decided_even_when_its_writer_finishes_first(
    cutover_project: CutoverProject,
) -> None:
    """-k leaves out a check: no test fails, but the decision is NO-GO and the exit 1; a report
    built before the run decided would say exit 0 and no decision."""
    plan(cutover_project, GREEN)
    cutover_project.conftest(FIRST_REPORTER)
    code, report = json_report(cutover_project, signed(), "-k", "g1-ok or signoff")
    assert code == 1
    first = json.loads((cutover_project.path / "first.json").read_text("utf-8"))
    for written in (first, report):
        assert written["exitcode"] == 1
        assert written["cutover"]["verdict"] == "NO-GO"
        assert [g["status"] for g in written["cutover"]["gates"]] == ["PASSED", "INCOMPLETE"]


# -- pytest-sugar ------------------------------------------------------------------------

#: A failed check, a waived one and an advisory one in G1; G2 is blocked.
LETTERS = """
    checks:
      - {id: g1-ok, gate: G1, command: ["true"]}
      - {id: g1-bad, gate: G1, command: ["false"]}
      - {id: waived, gate: G1, command: ["false"]}
      - {id: advisory, gate: G1, severity: warn, command: ["false"]}
      - {id: g2-later, gate: G2, command: ["true"]}
    waivers:
      - {check: waived, justification: until Step 23, approver: Ana Lima, ticket: CHG-4711,
         expires: '2099-01-01T00:00:00+00:00'}
"""


#: pytest-sugar's own letters for a pass and a failure.
SUGAR_PASSED, SUGAR_FAILED = "\N{CHECK MARK}", "\N{VECTOR OR CROSS PRODUCT}"


def progress_letters(output: str, file: str) -> list[str]:
    """Every state of the progress lines of ``file``, as pytest-sugar draws them: each time
    with every letter of that line so far (after carriage returns), and on a new line after
    a failure's text."""
    pattern = re.compile(rf"\s*{re.escape(file)} (\S+)")
    return [
        match.group(1) for piece in re.split(r"[\r\n]", output) if (match := pattern.match(piece))
    ]


def test_pytest_sugar_shows_blocked_waived_and_warn_with_their_own_letters(
    cutover_project: CutoverProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan(cutover_project, LETTERS)
    monkeypatch.setenv("PYTEST_ADDOPTS", SUITE_ADDOPTS.replace(" -p no:sugar", ""))
    run = cutover_project.run_subprocess("--force-sugar", signed())
    output = run.stdout.str()
    assert "pytest-sugar" in output  # it drew the terminal
    drawn = progress_letters(output, "cutover.yaml")
    assert drawn[0] == SUGAR_PASSED, output
    assert drawn[-1] == f"{SUGAR_FAILED}WwBB", output  # a new line after g1-bad's failure
    assert not any("s" in letters for letters in drawn), output
    run.stdout.fnmatch_lines(
        [
            "*= cutover decision =*",
            "NO-GO: Reporters",
            "  G1  T-60  FAILED   Tooling ready  1 passed, 1 failed, 1 waived, 1 warned  * s",
            "  G2  T-30  BLOCKED  Config valid   2 blocked",
            "reasons:",
        ]
    )
    assert run.ret == pytest.ExitCode.TESTS_FAILED


def test_the_suite_runs_without_pytest_sugar_unless_a_test_asks(
    cutover_project: CutoverProject,
) -> None:
    plan(cutover_project, LETTERS)
    run = cutover_project.run_subprocess(signed())
    assert "sugar-" not in run.stdout.str()  # not among the plugins pytest names
    run.stdout.fnmatch_lines(["cutover.yaml .FWwBB*"])


# -- only when asked, nothing imported ---------------------------------------------------

PLUGINS_SHOWN = """
def pytest_sessionfinish(session):
    manager = session.config.pluginmanager
    names = ["cutover-allure", "cutover-json-report", "cutover-sugar"]
    print("registered:", [name for name in names if manager.get_plugin(name) is not None])
"""


def test_each_integration_is_registered_only_when_its_plugin_is_asked_for(
    cutover_project: CutoverProject,
) -> None:
    plan(cutover_project, GREEN)
    cutover_project.conftest(PLUGINS_SHOWN)
    plain = cutover_project.run_subprocess("-s", signed())
    assert "registered: []" in plain.stdout.str()
    asked = cutover_project.run_subprocess(
        "-s", signed(), "--alluredir=allure", "--json-report", "-p", "sugar"
    )
    registered = "registered: ['cutover-allure', 'cutover-json-report', 'cutover-sugar']"
    assert registered in asked.stdout.str()
    assert plain.ret == asked.ret == pytest.ExitCode.OK


def test_the_integrations_import_nothing_of_the_other_plugins(tmp_path: Path) -> None:
    """Importing them (as pytest does, with the options given) loads none of the plugins they
    serve: the package needs none of them installed."""
    code = (
        "import sys\n"
        "import pytest_cutover.plugin\n"
        "import pytest_cutover.integrations.allure\n"
        "import pytest_cutover.integrations.json_report\n"
        "import pytest_cutover.integrations.sugar\n"
        "names = ('allure', 'allure_commons', 'allure_pytest', 'pytest_jsonreport',"
        " 'pytest_sugar', 'termcolor')\n"
        "print(sorted(name for name in names if name in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,  # not the working tree: the installed package
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout.strip() == "[]", done.stderr
