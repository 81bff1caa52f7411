"""CI-native output: the Markdown summary (GitHub's step summary, ``--cutover-summary``) and
GitHub Actions' workflow annotations, from real pytest runs in child processes.

The environment GitHub Actions gives a step (``GITHUB_ACTIONS``, ``GITHUB_STEP_SUMMARY``,
``GITHUB_WORKSPACE``) is set here by hand: it is how the runner tells a step where it is,
and there is no runner on this machine.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from cutover_project import CutoverProject, ProjectRun, iso, now
from markdown_it import MarkdownIt
from markdown_it.token import Token

from pytest_cutover import messages
from pytest_cutover.evidence.annotations import escape_data, escape_property
from pytest_cutover.run.settings import resolve

SECRET = "s3cr3t%tok*en-9f8e"
EARLIER = "Earlier step of this job wrote this line.\n"

#: Line numbers matter: the annotations point at them.
PLAN = """\
cutover: CI run
gates:
  - {id: G1, title: Tooling ready, phase: T-60}
  - {id: G2, title: Config valid, phase: T-30}
checks:
  - {id: sh-on-path, gate: G1, tool: sh}
  - {id: docs-lint, gate: G1, severity: warn, command: [sh, -c, "echo 3 broken links; exit 1"]}
  - {id: disk-space, gate: G1, command: [sh, -c, "exit 3"]}
  - {id: config-valid, gate: G2, tool: sh}
waivers:
  - {check: disk-space, justification: last quarter, approver: Ana, expires: '2020-01-01T00:00:00Z'}
"""
#: ``test_logs_in`` is on line 8, under no decorator.
TESTS = """\
import os

import pytest

pytestmark = pytest.mark.gate("G1")


def test_logs_in():
    pytest.fail("cannot log in with " + os.environ["DEPLOY_TOKEN"], pytrace=False)


def test_passes():
    pass
"""

DECISION = (
    "NO-GO: CI run",
    "gate G1 'Tooling ready' FAILED: disk-space, test_login.py::test_logs_in failed",
    "gate G2 'Config valid' BLOCKED: gate G1 'Tooling ready' failed",
    "advisory check docs-lint failed: sh exited 1, expected 0",
)
#: The annotations of the run, exactly: the decision, one per check that did not pass,
#: in run order, and the expired waiver.
ANNOTATIONS = [
    "::error title=cutover decision NO-GO::" + "%0A".join(DECISION),
    "::warning file=cutover.yaml,line=7,title=cutover check docs-lint warned (gate G1%2C T-60)"
    "::sh exited 1, expected 0",
    "::error file=cutover.yaml,line=8,title=cutover check disk-space failed (gate G1%2C T-60)"
    "::sh exited 3, expected 0",
    "::error file=test_login.py,line=8,"
    "title=cutover check test_login.py%3A%3Atest_logs_in failed (gate G1%2C T-60)"
    "::cannot log in with [REDACTED]",
    "::error file=cutover.yaml,line=9,title=cutover check config-valid blocked (gate G2%2C T-30)"
    "::gate G1 'Tooling ready' failed",
    "::warning file=cutover.yaml,line=11,title=cutover waiver of disk-space expired"
    "::the waiver of disk-space expired on 2020-01-01T00:00:00+00:00 and was not applied "
    "(cutover.yaml:11)",
]


def workflow_commands(run: ProjectRun) -> list[str]:
    """The lines of the run's output that GitHub reads as workflow commands."""
    return [line for line in run.outlines if line.startswith("::")]


def on_github(
    project: CutoverProject, monkeypatch: pytest.MonkeyPatch, *, actions: str | None = "true"
) -> Path:
    """Set the environment of a GitHub Actions step (``GITHUB_ACTIONS`` unset when
    ``actions`` is None); its step summary file, pre-filled."""
    step_summary = project.write("runner/step_summary.md", EARLIER)
    if actions is None:
        monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    else:
        monkeypatch.setenv("GITHUB_ACTIONS", actions)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step_summary))
    monkeypatch.setenv("GITHUB_WORKSPACE", str(project.path))
    return step_summary


@pytest.fixture
def no_go_project(cutover_project: CutoverProject, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DEPLOY_TOKEN", SECRET)
    cutover_project.write("cutover.yaml", PLAN)
    cutover_project.write("test_login.py", TESTS)
    return cutover_project.path


@pytest.fixture
def github_run(
    cutover_project: CutoverProject, no_go_project: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[ProjectRun, Path]:
    """The NO-GO run on GitHub Actions, quiet, also with a summary file in a new folder."""
    step_summary = on_github(cutover_project, monkeypatch)
    run = cutover_project.run_subprocess("-q", "--cutover-summary=ci/summary.md")
    return run, step_summary


def summary_of(text: str) -> str:
    """The summary, its run id (new in every run) made the same."""
    return re.sub(r"Run `[0-9a-f-]+`", "Run `RUN`", text)


def parse(text: str) -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(text)


def plain(token: Token) -> str:
    return "".join(child.content for child in token.children or [])


def headings(tokens: list[Token]) -> list[tuple[str, str]]:
    return [
        (token.tag, plain(tokens[index + 1]))
        for index, token in enumerate(tokens)
        if token.type == "heading_open"
    ]


def table_rows(tokens: list[Token]) -> list[list[str]]:
    rows: list[list[str]] = []
    for index, token in enumerate(tokens):
        if token.type == "tr_open":
            rows.append([])
        elif token.type in ("th_open", "td_open"):
            rows[-1].append(plain(tokens[index + 1]))
    return rows


# -- GitHub Actions ---------------------------------------------------------------------


def test_github_gets_one_annotation_per_check_that_did_not_pass_at_its_file_and_line(
    github_run: tuple[ProjectRun, Path],
) -> None:
    run, _ = github_run
    assert run.ret == pytest.ExitCode.TESTS_FAILED
    assert workflow_commands(run) == ANNOTATIONS


def test_the_step_summary_keeps_what_other_steps_wrote_and_gets_the_summary_appended(
    cutover_project: CutoverProject, github_run: tuple[ProjectRun, Path]
) -> None:
    run, step_summary = github_run
    written = (cutover_project.path / "ci" / "summary.md").read_text(encoding="utf-8")
    assert step_summary.read_text(encoding="utf-8") == EARLIER + "\n" + written
    run.stdout.fnmatch_lines(
        [
            messages.SUMMARY_WRITTEN.format(path=cutover_project.path / "ci" / "summary.md"),
            messages.STEP_SUMMARY_WRITTEN.format(path=step_summary),
        ]
    )


def test_the_summary_holds_the_decision_the_gate_table_reasons_checks_and_waivers(
    cutover_project: CutoverProject, github_run: tuple[ProjectRun, Path]
) -> None:
    text = (cutover_project.path / "ci" / "summary.md").read_text(encoding="utf-8")
    tokens = parse(text)
    assert headings(tokens) == [
        ("h2", "Cutover decision: NO-GO: CI run"),
        ("h3", "Reasons"),
        ("h3", "Warnings"),
        ("h3", "Checks that did not pass"),
        ("h3", "Waivers"),
    ]
    assert table_rows(tokens) == [
        ["Gate", "Phase", "Status", "Title", "Checks"],
        ["G1", "T-60", "FAILED", "Tooling ready", "2 passed, 2 failed, 1 warned"],
        ["G2", "T-30", "BLOCKED", "Config valid", "1 blocked"],
    ]
    items = [plain(tokens[i + 2]) for i, t in enumerate(tokens) if t.type == "list_item_open"]
    assert items == [
        *DECISION[1:],
        "docs-lint (G1, T-60) warned: sh exited 1, expected 0",
        "disk-space (G1, T-60) failed: sh exited 3, expected 0",
        "test_login.py::test_logs_in (G1, T-60) failed: cannot log in with [REDACTED]",
        "config-valid (G2, T-30) blocked: gate G1 'Tooling ready' failed",
        "disk-space: EXPIRED, approved by Ana, expires 2020-01-01T00:00:00+00:00 (cutover.yaml:11)",
    ]


def test_the_secret_reaches_neither_the_annotations_nor_the_summaries(
    cutover_project: CutoverProject, github_run: tuple[ProjectRun, Path]
) -> None:
    run, step_summary = github_run
    texts = {
        "stdout": run.stdout.str() + run.stderr.str(),
        "step summary": step_summary.read_text(encoding="utf-8"),
        "summary": (cutover_project.path / "ci" / "summary.md").read_text(encoding="utf-8"),
    }
    for where, text in texts.items():
        for shape in (SECRET, escape_data(SECRET), escape_property(SECRET), "tok\\*en"):
            assert shape not in text, f"{shape} leaked into {where}"
    assert "cannot log in with \\[REDACTED\\]" in texts["summary"]


#: Secret only once the session ends: only a redaction at the very end can catch it.
LATE_SECRET = "vault%tok*en,8e:21"


def test_a_secret_that_appears_at_the_end_is_redacted_before_it_is_escaped(
    cutover_project: CutoverProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The vault token is rotated when the session ends (here by a conftest hook that runs
    after the decision): the new value, which a check printed, is a secret from then on."""
    step_summary = on_github(cutover_project, monkeypatch)
    monkeypatch.setenv("VAULT_TOKEN", "before-rotation")
    cutover_project.write("cutover.yaml", ONE_GATE)
    cutover_project.conftest(
        f"""
        import os

        def pytest_sessionfinish():
            os.environ["VAULT_TOKEN"] = "{LATE_SECRET}"
        """
    )
    cutover_project.test_modules(
        test_rotation=f"""
        import pytest

        @pytest.mark.gate("G1")
        def test_reads_the_next_token():
            pytest.fail("fetched {LATE_SECRET}", pytrace=False)
        """
    )
    run = cutover_project.run_subprocess("--cutover-summary=summary.md")
    assert run.ret == pytest.ExitCode.TESTS_FAILED
    texts = {
        "annotations": "\n".join(workflow_commands(run)),
        "step summary": step_summary.read_text(encoding="utf-8"),
        "summary": (cutover_project.path / "summary.md").read_text(encoding="utf-8"),
    }
    for where, text in texts.items():
        for part in ("vault", "tok*en", "tok\\*en", "8e:21", "8e%3A21"):
            assert part not in text, f"part of the secret leaked into {where}"
    assert "fetched [REDACTED]" in texts["annotations"]
    assert "failed: Failed: fetched \\[REDACTED\\]" in texts["summary"]


@pytest.mark.parametrize("actions", [None, "false"], ids=["unset", "false"])
def test_without_github_actions_no_annotation_and_the_step_summary_is_untouched(
    cutover_project: CutoverProject,
    no_go_project: Path,
    github_run: tuple[ProjectRun, Path],
    monkeypatch: pytest.MonkeyPatch,
    actions: str | None,
) -> None:
    """``GITHUB_STEP_SUMMARY`` alone (left over, or set by hand) is not GitHub Actions."""
    on_github_text = (cutover_project.path / "ci" / "summary.md").read_text(encoding="utf-8")
    step_summary = on_github(cutover_project, monkeypatch, actions=actions)
    run = cutover_project.run_subprocess("-q", "--cutover-summary=ci/summary.md")
    assert run.ret == pytest.ExitCode.TESTS_FAILED
    assert workflow_commands(run) == []
    assert step_summary.read_text(encoding="utf-8") == EARLIER
    written = (cutover_project.path / "ci" / "summary.md").read_text(encoding="utf-8")
    assert summary_of(written) == summary_of(on_github_text), "the same text, anywhere"
    assert "## Cutover decision: NO-GO: CI run" in written


def test_on_github_without_a_summary_option_only_the_step_summary_is_written(
    cutover_project: CutoverProject, no_go_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    step_summary = on_github(cutover_project, monkeypatch)
    run = cutover_project.run_subprocess()
    assert workflow_commands(run) == ANNOTATIONS
    appended = step_summary.read_text(encoding="utf-8").removeprefix(EARLIER)
    assert appended.startswith("\n## Cutover decision: NO-GO: CI run\n")


def test_annotations_reach_the_output_once_also_without_the_terminal_summary(
    cutover_project: CutoverProject, no_go_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_github(cutover_project, monkeypatch)
    run = cutover_project.run_subprocess("--no-summary")
    assert workflow_commands(run) == ANNOTATIONS


def test_an_ordinary_test_run_on_github_writes_nothing(
    cutover_project: CutoverProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    step_summary = on_github(cutover_project, monkeypatch)
    cutover_project.test_modules("def test_unit(): assert False")
    run = cutover_project.run_subprocess()
    assert run.ret == pytest.ExitCode.TESTS_FAILED
    assert workflow_commands(run) == []
    assert step_summary.read_text(encoding="utf-8") == EARLIER


# -- every decision ----------------------------------------------------------------------


ONE_GATE = """\
cutover: One gate
gates:
  - {id: G1, title: Tooling ready, phase: T-60}
checks:
  - {id: sh-on-path, gate: G1, tool: sh}
"""


def test_a_go_run_has_a_go_summary_and_no_annotation(
    cutover_project: CutoverProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    step_summary = on_github(cutover_project, monkeypatch)
    cutover_project.write("cutover.yaml", ONE_GATE)
    run = cutover_project.run_subprocess()
    assert run.ret == pytest.ExitCode.OK
    assert workflow_commands(run) == []
    tokens = parse(step_summary.read_text(encoding="utf-8"))
    assert headings(tokens) == [("h2", "Cutover decision: GO: One gate")]
    assert table_rows(tokens)[1:] == [["G1", "T-60", "PASSED", "Tooling ready", "1 passed"]]


def test_a_conditional_go_warns_of_the_decision_and_lists_the_waived_check(
    cutover_project: CutoverProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    step_summary = on_github(cutover_project, monkeypatch)
    expires = iso(now().replace(year=now().year + 1))
    cutover_project.write(
        "cutover.yaml",
        ONE_GATE
        + '  - {id: build, gate: G1, command: [sh, -c, "exit 2"]}\n'
        + f"waivers:\n  - {{check: build, justification: placeholder, approver: Ana, "
        f"ticket: CHG-1, expires: '{expires}'}}\n",
    )
    run = cutover_project.run_subprocess()
    assert run.ret == pytest.ExitCode.OK
    [command] = workflow_commands(run)  # the waived check itself gets none
    assert command.startswith(
        "::warning title=cutover decision CONDITIONAL-GO::CONDITIONAL-GO: One gate"
    )
    tokens = parse(step_summary.read_text(encoding="utf-8"))
    assert headings(tokens)[0] == ("h2", "Cutover decision: CONDITIONAL-GO: One gate")
    items = [plain(tokens[i + 2]) for i, t in enumerate(tokens) if t.type == "list_item_open"]
    assert any(
        item.startswith("build (G1, T-60) waived: build waived by Ana (CHG-1)") for item in items
    )


def test_a_rollback_summary_shows_the_rollback_command_and_the_gates_not_run(
    cutover_project: CutoverProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = cutover_project.path / "rolled back"
    cutover_project.runbook(
        f"""
checks:
  - {{id: app-healthy, gate: G6, command: [sh, -c, "echo 503; exit 22"]}}
rollback:
  command: [touch, '{marker}']
  triggers: [app-healthy]
"""
    )
    run = cutover_project.run_subprocess("--cutover-phase=T+10", "--cutover-summary=summary.md")
    assert run.ret == pytest.ExitCode.TESTS_FAILED
    assert not marker.exists()
    tokens = parse((cutover_project.path / "summary.md").read_text(encoding="utf-8"))
    assert headings(tokens)[0] == ("h2", "Cutover decision: ROLLBACK: Runbook test")
    assert ("h3", "Rollback") in headings(tokens)
    codes = [c.content for t in tokens if t.type == "inline" for c in t.children or []]
    assert f"touch '{marker}'" in codes
    paragraphs = [plain(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "paragraph_open"]
    assert messages.OUT_OF_SCOPE.format(gates="G1 (T-60), G2 (T-30), G7 (T+30)") in paragraphs


def test_a_run_that_selected_no_cutover_check_says_so_and_is_never_go(
    cutover_project: CutoverProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    step_summary = on_github(cutover_project, monkeypatch)
    cutover_project.write("cutover.yaml", ONE_GATE)
    run = cutover_project.run_subprocess("-m", "slow")
    run.stdout.fnmatch_lines([messages.NO_CUTOVER_SELECTED])
    assert workflow_commands(run) == []
    appended = step_summary.read_text(encoding="utf-8").removeprefix(EARLIER)
    tokens = parse(appended)
    assert headings(tokens) == [("h2", messages.SUMMARY_NO_DECISION_HEADING)]
    assert f"One gate: {messages.NO_CUTOVER_SELECTED}" in appended
    assert not re.search(r"\bGO\b", appended)


def test_an_interrupted_run_writes_its_no_go_summary_as_it_writes_its_bundle(
    cutover_project: CutoverProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    step_summary = on_github(cutover_project, monkeypatch)
    cutover_project.write("cutover.yaml", ONE_GATE)
    cutover_project.test_modules(
        """
        import pytest

        @pytest.mark.gate("G1")
        def test_interrupted():
            raise KeyboardInterrupt
        """
    )
    run = cutover_project.run_subprocess("--cutover-evidence=ev", "--cutover-summary=summary.md")
    assert run.ret == pytest.ExitCode.INTERRUPTED
    assert run.evidence["decision"]["verdict"] == "NO-GO"
    written = (cutover_project.path / "summary.md").read_text(encoding="utf-8")
    assert written.startswith("## Cutover decision: NO-GO: One gate\n")
    assert messages.REASON_INTERRUPTED in written
    assert step_summary.read_text(encoding="utf-8") == EARLIER + "\n" + written
    assert workflow_commands(run)[0].startswith("::error title=cutover decision NO-GO::")


# -- the Markdown cannot be steered ----------------------------------------------------

HOSTILE = "[x](javascript:alert(1)) <script>alert(1)</script> **GO** `x` a|b"


def test_values_in_the_summary_are_text_never_markup(
    cutover_project: CutoverProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    cutover_project.write(
        "cutover.yaml",
        f"cutover: '# GO {HOSTILE}'\n"
        "gates:\n"
        f"  - {{id: G1, title: '- Decision: GO {HOSTILE}', phase: T-60}}\n"
        "checks:\n"
        f"  - {{id: planted, gate: G1, command: [sh, -c, 'exit 1'], title: '{HOSTILE}'}}\n",
    )
    run = cutover_project.run_subprocess("--cutover-summary=summary.md")
    assert run.ret == pytest.ExitCode.TESTS_FAILED
    tokens = parse((cutover_project.path / "summary.md").read_text(encoding="utf-8"))
    assert headings(tokens)[0] == ("h2", f"Cutover decision: NO-GO: # GO {HOSTILE}")
    assert [tag for tag, _ in headings(tokens)].count("h2") == 1, "one decision"
    kinds = {c.type for t in tokens if t.type == "inline" for c in t.children or []}
    assert not kinds & {"link_open", "html_inline", "strong_open", "em_open"}
    assert not any(t.type == "html_block" for t in tokens)
    rows = table_rows(tokens)
    assert rows[1] == ["G1", "T-60", "FAILED", f"- Decision: GO {HOSTILE}", "1 failed"]


# -- the option, its ini key and variable; bad values ---------------------------------


def test_the_option_wins_over_the_ini_key_which_wins_over_the_variable(
    pytester: pytest.Pytester,
) -> None:
    variable = {"PYTEST_CUTOVER_SUMMARY": "from-env.md"}
    assert resolve(pytester.parseconfig(), variable).summary == pytester.path / "from-env.md"
    pytester.makeini("[pytest]\ncutover_summary = reports/from-ini.md\n")
    from_ini = resolve(pytester.parseconfig(), variable).summary
    assert from_ini == pytester.path / "reports" / "from-ini.md"
    ruled = resolve(pytester.parseconfig("--cutover-summary=from-option.md"), variable)
    assert ruled.summary == pytester.path / "from-option.md"


def test_a_summary_option_that_names_a_folder_is_a_usage_error_that_keeps_the_evidence(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.write("cutover.yaml", ONE_GATE)
    earlier = cutover_project.run_subprocess("--cutover-evidence=ev")
    assert earlier.ret == pytest.ExitCode.OK
    folder = cutover_project.mkdir("reports")
    run = cutover_project.run_subprocess("--cutover-evidence=ev", "--cutover-summary=reports")
    assert run.ret == pytest.ExitCode.USAGE_ERROR
    problem = messages.SUMMARY_IS_FOLDER.format(path=folder)
    expected = messages.BAD_SUMMARY_FILE.format(source="--cutover-summary", problem=problem)
    assert [line for line in run.errlines if line] == [f"ERROR: {expected}"]
    assert "Traceback" not in run.stdout.str() + run.stderr.str()
    assert run.evidence["run"]["run_id"] == earlier.evidence["run"]["run_id"], "bundle kept"
    assert sorted(path.name for path in cutover_project.path.iterdir() if "ev" in path.name) == [
        "ev"
    ]


def test_a_summary_under_a_file_in_the_ini_or_the_variable_is_a_usage_error(
    cutover_project: CutoverProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    cutover_project.write("cutover.yaml", ONE_GATE)
    blocker = cutover_project.write("blocker", "a file, not a folder\n")
    problem = messages.SUMMARY_PARENT_NOT_FOLDER.format(path=blocker)
    monkeypatch.setenv("PYTEST_CUTOVER_SUMMARY", "blocker/summary.md")
    run = cutover_project.run_subprocess()
    assert run.ret == pytest.ExitCode.USAGE_ERROR
    expected = messages.BAD_SUMMARY_FILE.format(source="PYTEST_CUTOVER_SUMMARY", problem=problem)
    assert run.errlines[0] == f"ERROR: {expected}"
    cutover_project.ini("[pytest]\ncutover_summary = blocker/x/summary.md\n")
    run = cutover_project.run_subprocess()
    assert run.ret == pytest.ExitCode.USAGE_ERROR
    expected = messages.BAD_SUMMARY_FILE.format(
        source="cutover_summary in tox.ini", problem=problem
    )
    assert run.errlines[0] == f"ERROR: {expected}"


#: Runs the rest of its command line without the capabilities that let root ignore file
#: modes (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), as tests/test_verify_tampering.py does, so
#: that a read-only folder stops root (a CI container) as it stops everyone else.
AS_ROOT_HELD_TO_MODES = """
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
for capability in (1, 2):
    if libc.prctl(24, capability, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")
os.execv(sys.executable, [sys.executable, *sys.argv[1:]])
"""


def test_a_summary_in_a_folder_or_over_a_file_it_may_not_write_is_a_usage_error(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.write("cutover.yaml", ONE_GATE)
    locked = cutover_project.mkdir("locked")
    kept = cutover_project.write("kept.md", "an earlier summary\n")
    command: list[str | Path] = [sys.executable, "-m", "pytest"]
    if os.geteuid() == 0:
        command = [sys.executable, "-c", AS_ROOT_HELD_TO_MODES, *command[1:]]
    locked.chmod(0o555)
    kept.chmod(0o444)
    try:
        into_folder = cutover_project.pytester.run(*command, "--cutover-summary=locked/new/s.md")
        over_file = cutover_project.pytester.run(*command, "--cutover-summary=kept.md")
    finally:
        locked.chmod(0o755)
        kept.chmod(0o644)
    for run, problem in (
        (into_folder, messages.SUMMARY_FOLDER_NOT_WRITABLE.format(path=locked)),
        (over_file, messages.SUMMARY_NOT_WRITABLE.format(path=kept)),
    ):
        assert run.ret == pytest.ExitCode.USAGE_ERROR
        expected = messages.BAD_SUMMARY_FILE.format(source="--cutover-summary", problem=problem)
        assert [line for line in run.errlines if line] == [f"ERROR: {expected}"]
    assert kept.read_text(encoding="utf-8") == "an earlier summary\n"
    assert not (locked / "new").exists()


def test_a_summary_that_cannot_be_written_at_the_end_is_said_and_a_go_exits_one(
    cutover_project: CutoverProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder is free when the run starts; a check puts a file in its way."""
    step_summary = on_github(cutover_project, monkeypatch)
    cutover_project.write("cutover.yaml", ONE_GATE)
    cutover_project.test_modules(
        """
        import pathlib
        import pytest

        @pytest.mark.gate("G1")
        def test_takes_the_folder_name():
            pathlib.Path("late").write_text("in the way")
        """
    )
    run = cutover_project.run_subprocess(
        "--cutover-summary=late/summary.md", "--cutover-evidence=ev"
    )
    run.stdout.fnmatch_lines(
        [
            "GO: One gate",
            "*" + messages.SUMMARY_NOT_WRITTEN.format(path="*/late/summary.md", error="*"),
        ]
    )
    assert run.ret == pytest.ExitCode.TESTS_FAILED, "an output asked for and missing fails"
    assert "Traceback" not in run.stdout.str() + run.stderr.str()
    assert run.evidence["decision"]["verdict"] == "GO", "the evidence is written all the same"
    assert "## Cutover decision: GO: One gate" in step_summary.read_text(encoding="utf-8")


def test_a_failed_summary_write_leaves_a_no_go_exit_one(
    cutover_project: CutoverProject, no_go_project: Path
) -> None:
    """Neither better (0) nor worse (an internal error, 3): the decision's own exit."""
    cutover_project.test_modules(
        test_late="""
        import pathlib
        import pytest

        @pytest.mark.gate("G1")
        def test_takes_the_folder_name():
            pathlib.Path("late").write_text("in the way")
        """
    )
    run = cutover_project.run_subprocess("--cutover-summary=late/summary.md")
    run.stdout.fnmatch_lines(
        [
            "NO-GO: CI run",
            "*" + messages.SUMMARY_NOT_WRITTEN.format(path="*/late/summary.md", error="*"),
        ]
    )
    assert run.ret == pytest.ExitCode.TESTS_FAILED
    assert "Traceback" not in run.stdout.str() + run.stderr.str()


def test_a_step_summary_that_cannot_be_written_is_said_and_changes_no_exit_status(
    cutover_project: CutoverProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_github(cutover_project, monkeypatch)
    missing = cutover_project.path / "no such folder" / "step_summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(missing))
    cutover_project.write("cutover.yaml", ONE_GATE)
    run = cutover_project.run_subprocess()
    run.stdout.fnmatch_lines(
        ["*" + messages.STEP_SUMMARY_NOT_WRITTEN.format(path=missing, error="*No such file*")]
    )
    assert run.ret == pytest.ExitCode.OK
