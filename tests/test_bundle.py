"""The evidence bundle: what it holds, that it is written whole, and that tampering shows."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from cutover_project import CutoverProject, read_evidence
from jsonschema import Draft202012Validator
from processes import verify

from pytest_cutover import messages
from pytest_cutover.evidence.bundle import CONTENTS, MANIFEST, evidence_schema, verify_bundle

CHECKS = """
    checks:
      - {id: g1-ok, gate: G1, command: [sh, -c, "echo tooling ready"]}
      - {id: g2-broken, gate: G2, command: [sh, -c, "echo config broken >&2; exit 3"]}
      - {id: g3-later, gate: G3, command: ["true"]}
"""


@pytest.fixture
def bundle(cutover_project: CutoverProject) -> Path:
    cutover_project.five_gates(CHECKS)
    result = cutover_project.run("--cutover-evidence", "evidence", "-m", "preflight")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [messages.BUNDLE_WRITTEN.format(path=cutover_project.path / "evidence")]
    )
    return cutover_project.path / "evidence"


def test_the_bundle_holds_the_five_files_and_nothing_else(bundle: Path) -> None:
    assert sorted(entry.name for entry in bundle.iterdir()) == sorted([*CONTENTS, MANIFEST])
    assert not list(bundle.parent.glob(".evidence.*")), "no staging folder is left behind"


def test_evidence_json_matches_its_shipped_schema_and_records_the_run(bundle: Path) -> None:
    document = read_evidence(bundle)
    assert list(Draft202012Validator(evidence_schema()).iter_errors(document)) == []
    assert document["schema_version"] == 1
    assert document["plan"]["name"] == "Test cutover"
    assert document["plan"]["path"] == "cutover.yaml"
    sha256 = document["plan"]["sha256"]
    assert sha256 is not None
    assert len(sha256) == 64
    assert document["decision"]["verdict"] == "NO-GO"
    assert [(g["id"], g["status"]) for g in document["gates"]] == [
        ("G1", "PASSED"),
        ("G2", "FAILED"),
        ("G3", "BLOCKED"),
        ("G4", "OUT OF SCOPE"),
        ("G5", "OUT OF SCOPE"),
    ]
    broken = document["checks"][1]
    assert broken["outcome"] == "failed"
    assert broken["message"] == "sh exited 3, expected 0"
    assert broken["commands"][0]["stderr"] == "config broken\n"
    assert document["checks"][2]["reason"] == "gate G2 'Config valid' failed"
    assert document["run"]["argv"][:4] == ["--cutover-evidence", "evidence", "-m", "preflight"]
    assert document["commands"]["count"] == 2


def test_sha256sum_accepts_an_untouched_bundle(bundle: Path) -> None:
    done = subprocess.run(
        ["sha256sum", "-c", MANIFEST], cwd=bundle, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(done.stdout.splitlines()) == sorted(f"{name}: OK" for name in CONTENTS)


def test_verify_says_intact_with_exit_zero(bundle: Path) -> None:
    done = verify(bundle)
    assert (done.returncode, done.stdout) == (
        0,
        messages.VERIFY_INTACT.format(bundle=bundle) + "\n",
    )


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        (lambda b: (b / "closeout.md").write_text("Result: PASS\n"), "closeout.md was changed"),
        (lambda b: (b / "report.html").unlink(), "report.html was removed"),
        (
            lambda b: (b / "extra.txt").write_text("x"),
            messages.MEMBER_ADDED.format(name="extra.txt", manifest=MANIFEST),
        ),
    ],
)
def test_verify_names_every_edited_removed_or_added_file(
    bundle: Path, tamper: Callable[[Path], object], problem: str
) -> None:
    tamper(bundle)
    done = verify(bundle)
    assert done.returncode == 1
    assert f"{bundle}: {problem}" in done.stderr.splitlines()


def test_verify_recomputes_the_decision_from_the_recorded_outcomes(bundle: Path) -> None:
    """An edit that also fixes the manifest is still caught: the outcomes decide NO-GO."""
    evidence = bundle / "evidence.json"
    document = json.loads(evidence.read_text())
    document["decision"]["verdict"] = "GO"
    evidence.write_text(json.dumps(document))
    _rewrite_manifest(bundle)
    assert (
        subprocess.run(
            ["sha256sum", "-c", MANIFEST], cwd=bundle, capture_output=True, check=False
        ).returncode
        == 0
    )
    problems = verify_bundle(bundle)
    assert problems == [
        "evidence.json: the recorded decision is GO, but the recorded outcomes decide NO-GO",
        messages.FILE_OTHER_DECISION.format(name="closeout.md", theirs="NO-GO", ours="GO"),
        messages.FILE_OTHER_DECISION.format(name="junit.xml", theirs="NO-GO", ours="GO"),
        messages.JUNIT_CASE.format(
            number=1, theirs="cutover::decision (failure)", ours="cutover::decision (passed)"
        ),
        messages.FILE_OTHER_DECISION.format(name="report.html", theirs="NO-GO", ours="GO"),
    ]


def test_verify_catches_an_edited_outcome(bundle: Path) -> None:
    evidence = bundle / "evidence.json"
    document = json.loads(evidence.read_text())
    document["checks"][1]["outcome"] = "passed"
    evidence.write_text(json.dumps(document))
    _rewrite_manifest(bundle)
    problems = verify_bundle(bundle)
    assert "evidence.json: gate G2 is recorded as FAILED, but its checks make it PASSED" in problems


def test_verify_rejects_evidence_that_breaks_the_schema(bundle: Path) -> None:
    evidence = bundle / "evidence.json"
    document = json.loads(evidence.read_text())
    document["checks"][0]["outcome"] = "fine"
    evidence.write_text(json.dumps(document))
    _rewrite_manifest(bundle)
    assert verify_bundle(bundle) == [
        "evidence.json does not match its schema at /checks/0/outcome: 'fine' is not one of "
        "['passed', 'failed', 'errored', 'blocked', 'warned', 'waived', 'skipped', 'xfailed', "
        "'xpassed', 'deselected', 'not collected', 'not run']"
    ]


def test_verify_reports_evidence_it_cannot_recompute_without_a_traceback(bundle: Path) -> None:
    evidence = bundle / "evidence.json"
    document = json.loads(evidence.read_text())
    document["t0"] = "2026-12-01T22:00:00Z"
    document["phases"][0]["actual_start"] = "yesterday"
    document["phases"][0]["actual_end"] = "today"
    evidence.write_text(json.dumps(document))
    _rewrite_manifest(bundle)
    done = verify(bundle)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert (
        f"{bundle}: evidence.json: "
        + messages.CANNOT_RECOMPUTE.format(
            error="'yesterday' is not a date and time with an offset, "
            "like 2026-12-01T22:00:00+01:00"
        )
        in done.stderr.splitlines()
    )


def _rewrite_manifest(bundle: Path) -> None:
    lines = [
        f"{hashlib.sha256((bundle / name).read_bytes()).hexdigest()}  {name}\n"
        for name in sorted(CONTENTS)
    ]
    (bundle / MANIFEST).write_text("".join(lines))


def test_the_closeout_is_the_seed_closeout_generated(bundle: Path) -> None:
    closeout = (bundle / "closeout.md").read_text()
    for heading in (
        "# Test cutover: cutover closeout",
        "## 1) Scope",
        "## 2) Gates and their results",
        "## 3) Executed evidence",
        "## 4) Sign-off checklist",
        "## 5) Rollback plan",
        "## 6) Open constraints",
        "## 7) Final decision",
    ):
        assert heading in closeout
    assert "| G2 | T-30 | Config valid | FAILED | 1 failed |" in closeout
    assert "$ sh -c 'echo config broken >&2; exit 3'" in closeout
    assert "- Decision: **NO-GO**" in closeout
    assert "Gates G4, G5 were not part of this run; their phases remain open." in closeout


def test_an_interrupted_run_still_writes_a_no_go_bundle(cutover_project: CutoverProject) -> None:
    cutover_project.five_gates("checks:\n  - {id: g1, gate: G1, command: ['true']}\n")
    cutover_project.test_modules(
        test_interrupt="""
        import pytest

        @pytest.mark.gate("G1")
        def test_operator_presses_ctrl_c():
            raise KeyboardInterrupt
        """
    )
    result = cutover_project.run_subprocess("--cutover-evidence", "evidence")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    document = result.evidence
    assert document["decision"]["verdict"] == "NO-GO"
    assert document["run"]["interrupted"] is True
    assert messages.REASON_INTERRUPTED in document["decision"]["reasons"]
    assert verify_bundle(cutover_project.path / "evidence") == []


def test_a_crashed_run_still_writes_a_no_go_bundle(cutover_project: CutoverProject) -> None:
    cutover_project.five_gates("checks:\n  - {id: g1, gate: G1, command: ['true']}\n")
    cutover_project.conftest(
        """
        def pytest_runtest_logfinish(nodeid):
            raise RuntimeError("a plugin broke")
        """
    )
    result = cutover_project.run_subprocess("--cutover-evidence", "evidence")
    assert result.ret == pytest.ExitCode.INTERNAL_ERROR
    document = result.evidence
    assert document["decision"]["verdict"] == "NO-GO"
    assert document["run"]["internal_error"] is True
    assert messages.REASON_INTERNAL_ERROR in document["decision"]["reasons"]


def test_a_rerun_replaces_a_previous_bundle(bundle: Path, cutover_project: CutoverProject) -> None:
    first = read_evidence(bundle)["run"]["run_id"]
    rerun = cutover_project.run("--cutover-evidence", "evidence", "-m", "preflight")
    second = rerun.evidence["run"]["run_id"]
    assert first != second
    assert verify_bundle(bundle) == []


def test_a_folder_that_is_not_a_bundle_is_never_overwritten(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.five_gates(CHECKS)
    keep = cutover_project.mkdir("important")
    (keep / "notes.txt").write_text("do not lose me\n")
    result = cutover_project.run("--cutover-evidence", "important")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: --cutover-evidence: * already holds files that are not an evidence bundle; "
            "give a new or empty folder, or a previous bundle to replace"
        ]
    )
    assert (keep / "notes.txt").read_text() == "do not lose me\n"


def test_the_evidence_folder_comes_from_the_ini_file_too(cutover_project: CutoverProject) -> None:
    cutover_project.five_gates(CHECKS)
    cutover_project.ini("[pytest]\ncutover_evidence = out/bundle\n")
    cutover_project.run()
    assert verify_bundle(cutover_project.path / "out" / "bundle") == []
    shutil.rmtree(cutover_project.path / "out")
