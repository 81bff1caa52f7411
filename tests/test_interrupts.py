"""A run that is stopped from outside: signals it can answer, and deaths it cannot.

SIGTERM and SIGHUP end a cutover run like Ctrl-C, with a NO-GO bundle. A run that
is killed outright (SIGKILL, ``os._exit``, pytest-timeout's thread method) writes
nothing, so before it starts it moves the previous bundle aside and marks the
folder: no previous GO is ever left looking like the latest run. A run that
decides nothing puts the folder back as it found it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cutover_project import CutoverProject, read_evidence
from processes import is_alive, verify
from pytest_timeout import PYTEST_FAILURE_MESSAGE  # type: ignore[import-untyped]  # no py.typed

from pytest_cutover import messages
from pytest_cutover.evidence.bundle import CONTENTS, IN_PROGRESS, MANIFEST

#: How long a test waits for an inner run to reach a point it awaits; never reached.
DEADLINE = 60.0

#: One gate, so that one passing Python check is GO.
ONE_GATE = """
    cutover: Test cutover
    gates:
      - {id: G1, title: Switched, phase: T0}
"""

#: Passes unless END_RUN says how its run is to end; "block" says so in ``started``.
SWITCH = """
    import os
    import pathlib
    import time

    import pytest

    @pytest.mark.gate("G1")
    def test_switch():
        how = os.environ.get("END_RUN")
        if how == "exit":
            os._exit(0)
        if how == "block":
            pathlib.Path("started").write_text("started")
            time.sleep(120)
"""


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def wait_for(marker: Path, process: subprocess.Popen[str]) -> None:
    """Until ``marker`` exists; fails if the process ends first or the deadline passes."""
    deadline = time.monotonic() + DEADLINE
    tick = threading.Event()
    while not marker.exists():
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"the run ended ({process.returncode}) before {marker.name}:\n{out}{err}")
        if time.monotonic() > deadline:
            pytest.fail(f"{marker.name} never appeared")
        tick.wait(0.05)


@pytest.fixture
def start(
    pytester: pytest.Pytester, cutover_project: CutoverProject
) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start pytest in the pytester folder as a real process; it is killed if left running."""
    started: list[subprocess.Popen[str]] = []

    def run(*args: str) -> subprocess.Popen[str]:
        process: subprocess.Popen[str] = pytester.popen(
            [sys.executable, "-m", "pytest", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        started.append(process)
        return process

    yield run
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate()


@pytest.fixture
def go_bundle(
    cutover_project: CutoverProject,
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """A GO bundle in ``ev`` from a first, passing run; its run id."""
    cutover_project.plan(ONE_GATE)
    cutover_project.test_modules(test_switch=SWITCH)
    monkeypatch.delenv("END_RUN", raising=False)
    result = cutover_project.run_subprocess("--cutover-evidence=ev")
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    document = result.evidence
    assert document["decision"]["verdict"] == "GO"
    run_id: str = document["run"]["run_id"]
    return run_id


def asides(project: CutoverProject) -> list[str]:
    return sorted(path.name for path in project.path.glob("ev.previous-*"))


# -- SIGTERM and SIGHUP: NO-GO, exit 2, a whole bundle ----------------------------------


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_a_terminating_signal_ends_the_run_no_go_with_exit_two_and_an_intact_bundle(
    cutover_project: CutoverProject,
    start: Callable[..., subprocess.Popen[str]],
    number: signal.Signals,
) -> None:
    cutover_project.five_gates("checks:\n  - {id: g1, gate: G1, command: ['true']}\n")
    cutover_project.test_modules(
        test_switch="""
        import pathlib
        import time

        import pytest

        @pytest.mark.gate("G1")
        def test_waits_for_the_switch():
            pathlib.Path("started").write_text("started")
            time.sleep(120)
        """
    )
    process = start("--cutover-evidence=ev")
    wait_for(cutover_project.path / "started", process)
    process.send_signal(number)
    out, err = process.communicate(timeout=DEADLINE)
    assert process.returncode == pytest.ExitCode.INTERRUPTED, out + err
    lines = out.splitlines()
    assert "NO-GO: Test cutover" in lines
    assert f"  - {messages.REASON_INTERRUPTED}" in lines
    assert messages.TERMINATED.format(signal=number.name) in out
    ev = cutover_project.path / "ev"
    assert sorted(entry.name for entry in ev.iterdir()) == sorted([*CONTENTS, MANIFEST])
    document = read_evidence(ev)
    assert document["decision"]["verdict"] == "NO-GO"
    assert document["run"]["interrupted"] is True
    done = verify(ev)
    assert (done.returncode, done.stdout) == (0, messages.VERIFY_INTACT.format(bundle=ev) + "\n"), (
        done.stderr
    )


# -- killed: no bundle of the run, and the previous GO is not left as current ---------------


def assert_no_go_bundle_is_left(project: CutoverProject, old_run_id: str) -> None:
    """ev holds only the marker of the killed run; the old bundle is aside, marked superseded."""
    ev = project.path / "ev"
    assert [entry.name for entry in ev.iterdir()] == [IN_PROGRESS]
    marker = read_json(ev / IN_PROGRESS)
    assert marker["run_id"] != old_run_id
    done = verify(ev)
    assert done.returncode == 1
    in_progress = messages.VERIFY_IN_PROGRESS.format(
        run_id=marker["run_id"], started=marker["started"]
    )
    assert done.stderr.splitlines() == [f"{ev}: {in_progress}", f"{ev}: NOT intact (1 problems)"]
    aside = project.path / f"ev.previous-{old_run_id}"
    assert asides(project) == [aside.name]
    assert read_evidence(aside)["run"]["run_id"] == old_run_id
    done = verify(aside)
    assert done.returncode == 1
    superseded = messages.VERIFY_SUPERSEDED.format(run_id=marker["run_id"], at=marker["started"])
    assert done.stderr.splitlines() == [
        f"{aside}: {superseded}",
        f"{aside}: NOT intact (1 problems)",
    ]


def test_a_run_ended_by_os_exit_leaves_no_go_bundle_only_its_marker(
    cutover_project: CutoverProject,
    go_bundle: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("END_RUN", "exit")
    result = cutover_project.run_subprocess("--cutover-evidence=ev")
    assert result.ret == 0  # os._exit(0): nothing in the process can stop it
    assert_no_go_bundle_is_left(cutover_project, go_bundle)


def test_a_run_killed_with_sigkill_leaves_no_go_bundle_only_its_marker(
    cutover_project: CutoverProject,
    go_bundle: str,
    monkeypatch: pytest.MonkeyPatch,
    start: Callable[..., subprocess.Popen[str]],
) -> None:
    monkeypatch.setenv("END_RUN", "block")
    process = start("--cutover-evidence=ev")
    wait_for(cutover_project.path / "started", process)
    process.kill()
    process.communicate(timeout=DEADLINE)
    assert process.returncode == -signal.SIGKILL
    assert_no_go_bundle_is_left(cutover_project, go_bundle)


def test_pytest_timeouts_thread_method_leaves_no_go_bundle_only_its_marker(
    cutover_project: CutoverProject,
    go_bundle: str,
    monkeypatch: pytest.MonkeyPatch,
    start: Callable[..., subprocess.Popen[str]],
) -> None:
    monkeypatch.setenv("END_RUN", "block")
    process = start("--cutover-evidence=ev", "--timeout=1", "--timeout-method=thread")
    out, err = process.communicate(timeout=DEADLINE)
    assert process.returncode != 0, out + err
    assert (cutover_project.path / "started").exists()
    assert_no_go_bundle_is_left(cutover_project, go_bundle)


# -- pytest-timeout's signal method on a declared check of the pool -------------------------

SLOW = "echo $$ > slow.pid; exec sleep 120"


def test_a_timeout_in_a_pooled_declared_check_kills_its_command_and_says_so_briefly(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.plan(
        ONE_GATE
        + f"""
    checks:
      - {{id: slow, gate: G1, command: [sh, -c, "{SLOW}"]}}
      - {{id: quick, gate: G1, command: ["true"]}}
    """
    )
    pid_file = cutover_project.path / "slow.pid"
    try:
        result = cutover_project.run_subprocess("--cutover-evidence=ev", "--timeout=1")
    finally:
        pid = int(pid_file.read_text()) if pid_file.is_file() else None
        if pid is not None and is_alive(pid):
            os.kill(pid, signal.SIGKILL)
            pytest.fail(f"the timed-out check's process {pid} was still running")
    assert pid is not None
    assert not is_alive(pid)
    timeout = PYTEST_FAILURE_MESSAGE % 1.0
    result.stdout.fnmatch_lines([f"FAILED cutover.yaml::slow - {timeout}"])
    output = result.stdout.str()
    assert "CallInfo" not in output
    # The failure itself, up to the output captured while it ran (pytest-timeout's stacks).
    failure = output.split(" cutover check slow _", 1)[1].split(" Captured ", 1)[0]
    assert len(failure.splitlines()) < 100, failure
    document = read_evidence(cutover_project.path / "ev")
    slow = next(check for check in document["checks"] if check["id"] == "slow")
    command = slow["commands"][0]
    assert command["argv"][-1] == SLOW
    # Killed when the timeout fired, not at the end of its own timeout (60 s) or of sleep.
    assert (command["exit_code"], command["timed_out"]) == (-signal.SIGKILL, False)
    assert slow["message"] == timeout


# -- runs that decide nothing, and runs that finish -----------------------------------------


def test_collect_only_and_usage_errors_leave_the_previous_bundle_in_place(
    cutover_project: CutoverProject, go_bundle: str
) -> None:
    ev = cutover_project.path / "ev"

    def assert_in_place() -> None:
        done = verify(ev)
        assert (done.returncode, done.stdout) == (
            0,
            messages.VERIFY_INTACT.format(bundle=ev) + "\n",
        ), done.stderr
        assert read_evidence(ev)["run"]["run_id"] == go_bundle
        assert asides(cutover_project) == []

    before = os.stat(ev)
    result = cutover_project.run_subprocess("--cutover-evidence=ev", "--cutover-fail-fast=bogus")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --cutover-fail-fast: 'bogus' is not a valid value*"])
    after = os.stat(ev)
    assert (after.st_ino, after.st_mtime_ns, after.st_ctime_ns) == (
        before.st_ino,
        before.st_mtime_ns,
        before.st_ctime_ns,
    ), "a bad option is refused before the bundle is moved"
    assert_in_place()

    result = cutover_project.run_subprocess("--cutover-evidence=ev", "--collect-only")
    assert result.ret == pytest.ExitCode.OK
    assert_in_place()

    cutover_project.test_modules(
        test_unknown="""
        import pytest

        @pytest.mark.gate("G9")
        def test_of_a_gate_the_plan_lacks():
            pass
        """
    )
    result = cutover_project.run_subprocess("--cutover-evidence=ev")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: *::test_of_a_gate_the_plan_lacks: gate 'G9' is not in *"])
    assert_in_place()


def test_a_finished_run_replaces_the_bundle_and_removes_the_one_it_moved_aside(
    cutover_project: CutoverProject, go_bundle: str
) -> None:
    result = cutover_project.run_subprocess("--cutover-evidence=ev")
    assert result.ret == pytest.ExitCode.OK
    ev = cutover_project.path / "ev"
    assert read_evidence(ev)["run"]["run_id"] != go_bundle
    done = verify(ev)
    assert (done.returncode, done.stdout) == (0, messages.VERIFY_INTACT.format(bundle=ev) + "\n"), (
        done.stderr
    )
    assert asides(cutover_project) == []
