"""Reruns are evidence: with pytest-rerunfailures every attempt of a check is recorded, the
last one decides, and a declared check really runs again."""

from __future__ import annotations

import subprocess
import sys

import pytest
from cutover_project import CutoverProject

from pytest_cutover import messages
from pytest_cutover.evidence.records import CheckRecord, EvidenceDocument

#: Fails on its first run, passes from its second: each run adds a line to runs.txt.
FLAKY = 'sh, -c, "echo run >> runs.txt; test $(wc -l < runs.txt) -ge 2"'


def check(document: EvidenceDocument, check_id: str) -> CheckRecord:
    found: list[CheckRecord] = [c for c in document["checks"] if c["id"] == check_id]
    (one,) = found
    return one


def test_a_declared_check_that_fails_then_passes_ran_twice_and_both_attempts_are_evidence(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.five_gates(
        f"""
        checks:
          - {{id: flaky, gate: G1, command: [{FLAKY}]}}
          - {{id: steady, gate: G1, command: ["true"]}}
        """
    )
    result = cutover_project.run("--reruns=2", "-m", "phase(name='T-60')", "--cutover-evidence=ev")
    assert (cutover_project.path / "runs.txt").read_text() == "run\nrun\n"  # really ran again
    note = messages.RERUN_PASSED.format(attempt=2, failed=1)
    result.stdout.fnmatch_lines(["GO: Test cutover", f"  - flaky: {note}"])
    assert result.ret == pytest.ExitCode.OK
    flaky = check(result.evidence, "flaky")
    assert flaky["outcome"] == "passed"
    assert flaky["message"] == "sh exited 0"
    assert [(a["number"], a["outcome"]) for a in flaky["attempts"]] == [
        (1, "failed"),
        (2, "passed"),
    ]
    assert flaky["attempts"][0]["message"] == "sh exited 1, expected 0"
    assert [(c["attempt"], c["exit_code"]) for c in flaky["commands"]] == [(1, 1), (2, 0)]
    assert "attempts" not in check(result.evidence, "steady")
    verify = subprocess.run(
        [sys.executable, "-m", "pytest_cutover", "verify", str(cutover_project.path / "ev")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert verify.returncode == 0, verify.stderr


def test_a_check_that_fails_every_attempt_fails_its_gate_with_its_last_message(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.five_gates(
        """
        checks:
          - {id: broken, gate: G1, command: [sh, -c, "echo run >> runs.txt; exit 3"]}
          - {id: later, gate: G2, command: ["true"]}
        """
    )
    result = cutover_project.run("--reruns=1", "-m", "preflight", "--cutover-evidence=ev")
    assert (cutover_project.path / "runs.txt").read_text() == "run\nrun\n"
    result.stdout.fnmatch_lines(
        [
            "NO-GO: Test cutover",
            "  - gate G1 'Tooling ready' FAILED: broken failed",
            "  - gate G2 'Config valid' BLOCKED: gate G1 'Tooling ready' failed",
        ]
    )
    broken = check(result.evidence, "broken")
    assert [a["outcome"] for a in broken["attempts"]] == ["failed", "failed"]


def test_a_python_check_that_passes_on_its_rerun_keeps_the_failed_attempt(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.test_modules(
        test_flaky="""
        import pathlib, subprocess
        import pytest

        @pytest.mark.gate("G1")
        def test_flaky():
            tries = pathlib.Path("tries")
            tries.write_text(tries.read_text() + "x" if tries.exists() else "x")
            subprocess.run(["echo", f"attempt {len(tries.read_text())}"], check=True)
            assert len(tries.read_text()) >= 2, "first attempt fails"
        """
    )
    result = cutover_project.run("--reruns=1", "--cutover-evidence=ev")
    result.stdout.fnmatch_lines(["GO: cutover"])
    flaky = check(result.evidence, "test_flaky.py::test_flaky")
    assert [a["outcome"] for a in flaky["attempts"]] == ["failed", "passed"]
    assert "first attempt fails" in flaky["attempts"][0]["message"]
    assert flaky["message"] == ""  # the passing attempt's, not the failed one's
    assert [(c["argv"], c["attempt"]) for c in flaky["commands"]] == [
        (["echo", "attempt 1"], 1),
        (["echo", "attempt 2"], 2),
    ]
