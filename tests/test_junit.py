"""Both JUnit files, the bundle's junit.xml and pytest's own --junitxml: the decision is a
test case of its own, the gates are suite properties, and both match the Jenkins schema
pytest checks its own output with (tests/data/junit-10.xsd)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema
from cutover_project import CutoverProject, ProjectRun

from pytest_cutover import messages

SCHEMA = xmlschema.XMLSchema(Path(__file__).parent / "data" / "junit-10.xsd")

TWO_GATES = """
    cutover: Test cutover
    gates:
      - {id: G1, title: Tooling ready, phase: T-60}
      - {id: G2, title: Config valid, phase: T-30}
"""

GREEN = """
    checks:
      - {id: g1-ok, gate: G1, command: ["true"]}
      - {id: g2-ok, gate: G2, command: ["true"]}
"""

WAIVER = """
    waivers:
      - {check: waived, justification: placeholder until Step 23, approver: Ana Lima,
         ticket: CHG-4711, expires: '2099-01-01T00:00:00+00:00'}
"""

#: A failed, a waived and (in G2) a blocked check.
RED = (
    """
    checks:
      - {id: broken, gate: G1, command: ["false"]}
      - {id: waived, gate: G1, command: [sh, -c, "exit 1"]}
      - {id: later, gate: G2, command: ["true"]}
"""
    + WAIVER
)

#: Only a waived failure: CONDITIONAL-GO.
WAIVED = (
    """
    checks:
      - {id: waived, gate: G1, command: [sh, -c, "exit 1"]}
      - {id: g2-ok, gate: G2, command: ["true"]}
"""
    + WAIVER
)

#: Under --reruns=1: flaky fails once then passes, broken fails on both attempts.
RERUNS = """
    checks:
      - id: flaky
        gate: G1
        command: [sh, -c, "echo run >> runs.txt; test $(wc -l < runs.txt) -ge 2"]
      - {id: broken, gate: G1, command: ["false"]}
"""

#: Where each file keeps the verdict among its suite properties.
VERDICT_PROPERTY = {"bundle": "decision", "pytest": "cutover_decision"}


def run(project: CutoverProject, *args: str) -> tuple[ProjectRun, dict[str, Path]]:
    """Run with an evidence bundle and pytest's own --junitxml; the result and both files."""
    result = project.run("--cutover-evidence=ev", "--junitxml=user.xml", *args)
    return result, {
        "bundle": project.path / "ev" / "junit.xml",
        "pytest": project.path / "user.xml",
    }


def suite_of(path: Path) -> ET.Element:
    """The file's one test suite: the root of the bundle's, nested in testsuites in pytest's."""
    root = ET.parse(path).getroot()
    if root.tag == "testsuites":
        (suite,) = root.findall("testsuite")
        return suite
    assert root.tag == "testsuite", root.tag
    return root


def decision_of(suite: ET.Element) -> ET.Element:
    # Spelled out, not imported: CI dashboards find the decision by these two names.
    cases = [
        case
        for case in suite.iter("testcase")
        if (case.get("classname"), case.get("name")) == ("cutover", "decision")
    ]
    assert len(cases) == 1, [case.attrib for case in suite.iter("testcase")]
    return cases[0]


def properties_of(suite: ET.Element) -> dict[str, str | None]:
    return {p.get("name", ""): p.get("value") for p in suite.findall("properties/property")}


def test_a_no_go_without_a_failed_test_is_one_failing_decision_case_in_both_files(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.plan(TWO_GATES + GREEN)
    result, files = run(cutover_project, "-k", "g1-ok")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert result.parseoutcomes() == {"passed": 1, "deselected": 1}
    assert ET.parse(files["pytest"]).getroot().tag == "testsuites"
    detail = "g2-ok deselected (-k 'g1-ok')"
    reason = messages.REASON_GATE.format(
        gate="G2 'Config valid'", status="INCOMPLETE", detail=detail
    )
    for where, path in files.items():
        suite = suite_of(path)
        failing = [case for case in suite.iter("testcase") if case.find("failure") is not None]
        assert failing == [decision_of(suite)], where
        failure = failing[0].find("failure")
        assert failure is not None
        assert failure.get("message", "").startswith("NO-GO: Test cutover"), where
        assert f"- {reason}" in (failure.text or ""), where
        assert suite.get("failures") == "1", where


def test_a_go_run_has_a_passing_decision_case_in_both_files(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.plan(TWO_GATES + GREEN)
    result, files = run(cutover_project)
    assert result.ret == pytest.ExitCode.OK
    for where, path in files.items():
        suite = suite_of(path)
        decision = decision_of(suite)
        assert [child.tag for child in decision if child.tag != "system-out"] == [], where
        assert suite.get("failures") == "0", where
        assert properties_of(suite)[VERDICT_PROPERTY[where]] == "GO", where


def test_a_blocked_check_is_skipped_in_the_bundle_with_the_gate_that_blocked_it(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.plan(TWO_GATES + RED)
    _, files = run(cutover_project)
    (later,) = [
        case for case in suite_of(files["bundle"]).iter("testcase") if case.get("name") == "later"
    ]
    skipped = later.find("skipped")
    assert skipped is not None
    cause = messages.BLOCKED_BY_GATE.format(gate="G1 'Tooling ready'")
    assert skipped.get("message") == messages.BLOCKED.format(cause=cause)


def test_gates_are_suite_properties_and_no_test_case_has_properties_in_either_file(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.plan(TWO_GATES + GREEN)
    cutover_project.test_modules(
        test_config="import pytest\n\n@pytest.mark.gate('G2')\ndef test_config():\n    pass\n"
    )
    _, files = run(cutover_project)
    for where, path in files.items():
        suite = suite_of(path)
        properties = properties_of(suite)
        assert properties["cutover_gate G1"] == "PASSED; phase T-60; checks: g1-ok", where
        assert properties["cutover_gate G2"] == (
            "PASSED; phase T-30; checks: g2-ok, test_config.py::test_config"
        ), where
        assert len(suite.findall("testcase")) == 4, where  # the decision and three checks
        assert suite.findall("testcase/properties") == [], where


def test_the_schema_rejects_properties_on_a_test_case() -> None:
    """The schema really is strict where the gates would have gone: validation is no formality."""
    case = '<testcase name="c"><properties><property name="g" value="G1" /></properties></testcase>'
    document = f'<testsuite name="s" tests="1" failures="0" errors="0">{case}</testsuite>'
    assert not SCHEMA.is_valid(document)
    assert SCHEMA.is_valid(document.replace(case, '<testcase name="c" />'))


@pytest.mark.parametrize(
    ("checks", "args", "elements"),
    [
        (GREEN, (), set()),
        (RED, (), {"failure", "skipped"}),
        (RERUNS, ("--reruns=1",), {"failure", "flakyFailure", "rerunFailure"}),
    ],
    ids=["go", "no-go with failed, blocked and waived checks", "reruns"],
)
def test_both_files_match_the_jenkins_junit_schema(
    cutover_project: CutoverProject,
    checks: str,
    args: tuple[str, ...],
    elements: set[str],
) -> None:
    cutover_project.plan(TWO_GATES + checks)
    _, files = run(cutover_project, *args)
    in_the_bundle = {
        child.tag for case in suite_of(files["bundle"]).iter("testcase") for child in case
    }
    assert elements <= in_the_bundle, "the run shows what it is meant to validate"
    for path in files.values():
        SCHEMA.validate(path)  # raises, naming the element, when the file breaks the schema


def test_earlier_attempts_of_a_rerun_check_are_flaky_or_rerun_failures_in_the_bundle(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.plan(TWO_GATES + RERUNS)
    result, files = run(cutover_project, "--reruns=1")
    assert result.parseoutcomes()["rerun"] == 2
    cases = {case.get("name"): case for case in suite_of(files["bundle"]).iter("testcase")}
    flaky, broken = cases["flaky"], cases["broken"]
    assert [child.tag for child in flaky if child.tag != "system-out"] == ["flakyFailure"]
    assert [child.tag for child in broken if child.tag != "system-out"] == [
        "failure",
        "rerunFailure",
    ]
    earlier = flaky.find("flakyFailure")
    assert earlier is not None
    assert earlier.get("message") == "attempt 1 failed: sh exited 1, expected 0"


@pytest.mark.parametrize(
    ("strict", "fails"),
    [((), False), (("--cutover-strict",), True)],
    ids=["without strict", "strict"],
)
def test_a_conditional_go_fails_its_decision_case_only_under_strict(
    cutover_project: CutoverProject, strict: tuple[str, ...], fails: bool
) -> None:
    cutover_project.plan(TWO_GATES + WAIVED)
    result, files = run(cutover_project, *strict)
    result.stdout.fnmatch_lines(["CONDITIONAL-GO: Test cutover"])
    for where, path in files.items():
        suite = suite_of(path)
        failure = decision_of(suite).find("failure")
        assert (failure is not None) is fails, where
        if failure is not None:
            assert failure.get("message", "").startswith("CONDITIONAL-GO: Test cutover"), where
        assert suite.get("failures") == str(int(fails)), where


def test_a_message_with_a_terminal_colour_code_keeps_both_files_valid(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.plan(TWO_GATES + GREEN)
    cutover_project.test_modules(
        test_colour="import pytest\n\n@pytest.mark.gate('G1')\n"
        "def test_colour():\n    assert False, '\\x1b[31mred\\x00'\n"
    )
    _, files = run(cutover_project)
    for path in files.values():
        SCHEMA.validate(path)
    (colour,) = [
        case
        for case in suite_of(files["bundle"]).iter("testcase")
        if case.get("name") == "test_colour"
    ]
    failure = colour.find("failure")
    assert failure is not None
    assert "#x1B[31mred#x00" in failure.get("message", "")


def test_a_check_has_the_same_class_name_and_name_in_both_files(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.plan(TWO_GATES + GREEN)
    cutover_project.test_modules(
        test_names="import pytest\n\n@pytest.mark.gate('G2')\nclass TestReplica:\n"
        "    @pytest.mark.parametrize('region', ['eu'])\n    def test_lag(self, region): pass\n"
    )
    _, files = run(cutover_project)
    names = [
        {(case.get("classname"), case.get("name")) for case in suite_of(path).iter("testcase")}
        for path in files.values()
    ]
    assert names[0] == names[1]
    assert ("test_names.TestReplica", "test_lag[eu]") in names[0]
