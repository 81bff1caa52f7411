"""One vocabulary: the terminal, report.html, closeout.md and both JUnit files of one run
count outcomes, name their categories and show commands the same way."""

from __future__ import annotations

import re
import shlex

import pytest
from cutover_project import CutoverProject, ProjectRun, read_evidence

from pytest_cutover.evidence.bundle import verify_bundle
from pytest_cutover.evidence.junit import read_junit
from pytest_cutover.model.vocabulary import (
    JUNIT_KIND,
    Outcome,
    counts,
    cut,
    junit_kind,
    shown_command,
)
from pytest_cutover.safety.mutation import deny_list, mutating_commands

PLAN = """
    cutover: One vocabulary
    gates:
      - {id: G1, title: Tooling, phase: T-60}
      - {id: G2, title: Assets, phase: T-60}
      - {id: G3, title: Docs, phase: T-60}
    checks:
      - {id: cdn-probe, gate: G2, command: [sh, -c, "echo cdn down; exit 1"]}
      - {id: docs-lint, gate: G3, severity: warn, command: [sh, -c, "echo 3 broken links; exit 1"]}
    waivers:
      - check: cdn-probe
        justification: the CDN moves in Step 23
        approver: Ana Lima
        expires: '2999-01-01T00:00:00Z'
"""

TESTS = """
    import pytest

    @pytest.mark.gate("G1")
    def test_a_fails():
        pytest.fail("tool missing", pytrace=False)

    @pytest.mark.gate("G1")
    def test_b_passes():
        pass

    @pytest.mark.gate("G2")
    def test_c_passes():
        pass

    @pytest.mark.gate("G2")
    def test_d_skipped():
        pytest.skip("not on this host")
"""


@pytest.fixture
def run(cutover_project: CutoverProject) -> ProjectRun:
    """A NO-GO run with a failure before a pass, a waived failure, a skip and a WARN."""
    cutover_project.plan(PLAN)
    cutover_project.test_modules(test_vocabulary=TESTS)
    result = cutover_project.run(
        "--cutover-evidence", "ev", "--junitxml", "pytest.xml", "--cutover-fail-fast=off"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    return result


def test_every_output_counts_a_gates_outcomes_in_one_order(
    pytester: pytest.Pytester, run: ProjectRun
) -> None:
    terminal = run.stdout.str().partition("cutover decision")[2].partition("evidence bundle:")[0]
    report = (pytester.path / "ev" / "report.html").read_text(encoding="utf-8")
    closeout = (pytester.path / "ev" / "closeout.md").read_text(encoding="utf-8")
    for counted in ("1 passed, 1 failed", "1 passed, 1 waived, 1 skipped", "1 warned"):
        assert counted in terminal
        assert f"<td>{counted}</td>" in report
        assert f"| {counted} |" in closeout
    for name, text in (("terminal", terminal), ("report", report), ("closeout", closeout)):
        assert "1 failed, 1 passed" not in text, name
        assert "1 skipped, 1 waived" not in text, name


def test_a_warned_check_is_skipped_in_both_junit_files_with_its_failure(
    pytester: pytest.Pytester, run: ProjectRun
) -> None:
    bundle = read_junit((pytester.path / "ev" / "junit.xml").read_bytes())
    theirs = read_junit((pytester.path / "pytest.xml").read_bytes())
    ours = {(classname, name): kind for classname, name, kind in bundle.cases}
    assert ours[("cutover.yaml", "docs-lint")] == "skipped"
    assert ours[("cutover.yaml", "cdn-probe")] == "skipped"
    assert ours[("test_vocabulary", "test_a_fails")] == "failure"
    assert ours[("test_vocabulary", "test_d_skipped")] == "skipped"
    assert ours == {(c, n): kind for c, n, kind in theirs.cases}
    for path in (pytester.path / "ev" / "junit.xml", pytester.path / "pytest.xml"):
        xml = path.read_text(encoding="utf-8")
        skipped = re.search(r'name="docs-lint"[^>]*>\s*<skipped [^>]*message="([^"]*)"', xml)
        assert skipped is not None, path.name
        assert skipped.group(1).startswith("warned: "), path.name
        assert skipped.group(1).endswith("sh exited 1, expected 0"), path.name
    assert verify_bundle(pytester.path / "ev") == []


def test_the_bundle_counts_a_warned_check_as_skipped(
    pytester: pytest.Pytester, run: ProjectRun
) -> None:
    xml = (pytester.path / "ev" / "junit.xml").read_text(encoding="utf-8")
    suite = re.search(r"<testsuite ([^>]*)>", xml)
    assert suite is not None
    attributes = dict(re.findall(r'(\w+)="([^"]*)"', suite.group(1)))
    # test_d skipped, cdn-probe waived, docs-lint warned; the decision fails, as test_a does.
    assert (attributes["skipped"], attributes["failures"], attributes["errors"]) == ("3", "2", "0")


def test_commands_are_shown_as_a_shell_reads_them_in_every_file(
    pytester: pytest.Pytester, run: ProjectRun
) -> None:
    argv = ["sh", "-c", "echo cdn down; exit 1"]
    document = read_evidence(pytester.path / "ev")
    assert [c["argv"] for c in document["commands"]["list"] if c["check"] == "cdn-probe"] == [argv]
    shown = shlex.join(argv)
    assert f"$ {shown}" in (pytester.path / "ev" / "closeout.md").read_text(encoding="utf-8")
    assert f"$ {shown} -&gt; exit 1" in (pytester.path / "ev" / "junit.xml").read_text()


# -- the words themselves ----------------------------------------------------------------


def test_every_outcome_has_a_junit_category_and_a_place_in_the_count_order() -> None:
    assert set(JUNIT_KIND) == set(Outcome)
    assert junit_kind("warned") == junit_kind("waived") == "skipped"


def test_counts_accept_outcomes_and_their_words_alike() -> None:
    assert counts([Outcome.FAILED, "passed", "failed"]) == "1 passed, 2 failed"
    assert counts(["passed", "from a later version"]) == "1 passed, 1 from a later version"


def test_a_command_and_a_target_are_shown_one_way() -> None:
    assert shown_command(["echo", "a b"]) == "echo 'a b'"
    assert shown_command(("ls", "-l")) == "ls -l"
    assert shown_command("deploy/docker-compose.yml") == "deploy/docker-compose.yml"


def test_cut_text_keeps_its_start_and_end_and_says_how_much_is_gone() -> None:
    text = "x" * 100 + "y" * 100
    assert cut(text, 10) == "xxxxx\n[... 190 characters cut ...]\nyyyyy"
    assert "\n" not in cut(text, 10, one_line=True)
    assert cut(text, 200) == text
    assert cut("abc", 0) == "\n[... 3 characters cut ...]\n"


def test_a_command_on_the_deny_list_is_listed_as_a_shell_reads_it() -> None:
    ran = [["sh", "-c", "docker compose down"], ["ls", "-l"]]
    assert mutating_commands(deny_list(), ran) == ["sh -c 'docker compose down'"]
