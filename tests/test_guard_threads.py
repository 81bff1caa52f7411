"""The mutation guard and the command audit hold for threads and for refusals a test swallows."""

from __future__ import annotations

import textwrap

import pytest
from cutover_project import CutoverProject, ProjectRun

from pytest_cutover import messages
from pytest_cutover.evidence.records import EvidenceDocument


def run_checks(project: CutoverProject, source: str) -> tuple[ProjectRun, EvidenceDocument]:
    """Run gate-marked Python checks (G1, before T0: guarded) and read their evidence."""
    project.test_modules(test_checks=textwrap.dedent(source))
    result = project.run("--cutover-evidence=ev")
    return result, result.evidence


def commands_of(document: EvidenceDocument, name: str) -> list[tuple[list[str], str]]:
    (check,) = [c for c in document["checks"] if c["id"] == f"test_checks.py::{name}"]
    return [(command["argv"], command["source"]) for command in check["commands"]]


def test_a_refusal_the_test_catches_still_fails_its_check(cutover_project: CutoverProject) -> None:
    result, document = run_checks(
        cutover_project,
        """
        import subprocess
        import pytest

        @pytest.mark.gate("G1")
        def test_swallows_the_refusal():
            try:
                subprocess.run(["docker", "compose", "down"])
            except Exception:
                pass
        """,
    )
    refusal = messages.MUTATION_BLOCKED.format(
        command="docker compose down", pattern="docker compose down"
    )
    result.stdout.fnmatch_lines(
        [f"cutover check test_checks.py::test_swallows_the_refusal failed: {refusal}"]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert commands_of(document, "test_swallows_the_refusal") == [
        (["docker", "compose", "down"], "blocked")
    ]


def test_processes_a_check_starts_from_its_threads_are_recorded_under_it(
    cutover_project: CutoverProject,
) -> None:
    result, document = run_checks(
        cutover_project,
        """
        import subprocess, threading
        from concurrent.futures import ThreadPoolExecutor
        import pytest

        def echo(word):
            subprocess.run(["echo", word], check=True, capture_output=True)

        @pytest.mark.gate("G1")
        def test_thread():
            thread = threading.Thread(target=echo, args=("from-thread",))
            thread.start()
            thread.join()

        @pytest.mark.gate("G1")
        def test_executor():
            with ThreadPoolExecutor(2) as pool:
                pool.submit(echo, "from-executor").result()
        """,
    )
    assert result.ret == pytest.ExitCode.OK
    assert commands_of(document, "test_thread") == [(["echo", "from-thread"], "audit")]
    assert commands_of(document, "test_executor") == [(["echo", "from-executor"], "audit")]
    assert document["commands"]["count"] == 2


def test_a_mutating_command_from_a_thread_of_a_preflight_check_is_refused(
    cutover_project: CutoverProject,
) -> None:
    result, document = run_checks(
        cutover_project,
        """
        import pathlib, subprocess, threading
        import pytest

        @pytest.mark.gate("G1")
        def test_deletes_from_a_thread():
            def delete():
                try:
                    subprocess.run(["kubectl", "delete", "pod", "web-1"])
                except Exception:
                    pathlib.Path("refused").write_text("")
            thread = threading.Thread(target=delete)
            thread.start()
            thread.join()
        """,
    )
    assert (cutover_project.path / "refused").exists()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert commands_of(document, "test_deletes_from_a_thread") == [
        (["kubectl", "delete", "pod", "web-1"], "blocked")
    ]


def test_a_process_a_thread_starts_after_its_check_ended_is_recorded_as_late(
    cutover_project: CutoverProject,
) -> None:
    result, document = run_checks(
        cutover_project,
        """
        import subprocess, threading
        import pytest

        go_on = threading.Event()
        done = threading.Event()

        def later():
            go_on.wait()
            subprocess.run(["echo", "late"], check=True, capture_output=True)
            done.set()

        @pytest.mark.gate("G1")
        def test_starts_a_thread():
            threading.Thread(target=later, daemon=True).start()

        @pytest.mark.gate("G1")
        def test_next():
            go_on.set()
            done.wait()
        """,
    )
    assert result.ret == pytest.ExitCode.OK
    assert commands_of(document, "test_starts_a_thread") == [(["echo", "late"], "late")]
    assert commands_of(document, "test_next") == []
    assert document["commands"]["count"] == 1
