"""cancel: a check running in another thread is stopped at once, and leaves nothing running."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from processes import is_alive

from cutover_checks import commands
from cutover_checks._process import NOT_STARTED_CANCELLED
from cutover_checks.cancel import Cancellation, cancellable
from cutover_checks.result import CheckResult
from cutover_checks.retry import retry


def wait_for_pid(pid_file: Path) -> int:
    """The pid a command wrote, once it has written it (the command starts in another thread)."""
    seen = threading.Event()
    while not seen.wait(0.01):
        if pid_file.is_file() and pid_file.read_text().strip():
            break
    return int(pid_file.read_text())


class Running:
    """A check started in a thread under a cancellation, and what it returned."""

    def __init__(self, check: object) -> None:
        self.cancellation: Cancellation | None = None
        self.result: CheckResult | None = None
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(check,))

    def _run(self, check: object) -> None:
        with cancellable() as cancellation:
            self.cancellation = cancellation
            self.ready.set()
            assert callable(check)
            self.result = check()

    def cancel_and_join(self) -> CheckResult:
        assert self.cancellation is not None
        self.cancellation.cancel()
        self.thread.join()
        assert self.result is not None
        return self.result


@pytest.fixture
def started() -> Iterator[list[Running]]:
    runs: list[Running] = []
    yield runs
    for run in runs:
        if run.thread.is_alive() and run.cancellation is not None:
            run.cancellation.cancel()
            run.thread.join()


def test_cancelling_kills_the_running_command_and_its_children(
    tmp_path: Path, started: list[Running]
) -> None:
    pids = tmp_path / "pids"
    script = f"sleep 300 & echo $! > {pids}.child; echo $$ > {pids}; wait"
    run = Running(lambda: commands.run(["sh", "-c", script], timeout=300))
    started.append(run)
    run.thread.start()
    shell = wait_for_pid(pids)
    child = wait_for_pid(Path(f"{pids}.child"))
    result = run.cancel_and_join()
    (command,) = result.commands
    assert command.exit_code == -signal.SIGKILL
    assert not command.timed_out
    assert not result.ok
    assert not is_alive(shell)
    assert not is_alive(child)


def test_a_cancelled_check_starts_no_further_command(tmp_path: Path) -> None:
    with cancellable() as cancellation:
        cancellation.cancel()
        result = commands.run(["sh", "-c", f"touch {tmp_path / 'ran'}"])
    (command,) = result.commands
    assert command.exit_code is None
    assert command.stderr == NOT_STARTED_CANCELLED
    assert not (tmp_path / "ran").exists()


def test_cancelling_ends_the_pause_between_retries(started: list[Running]) -> None:
    attempted = threading.Event()

    def unhealthy() -> CheckResult:
        attempted.set()
        return CheckResult(False, "not yet")

    run = Running(lambda: retry(unhealthy, attempts=5, interval=300))
    started.append(run)
    run.thread.start()
    attempted.wait()
    result = run.cancel_and_join()
    assert result.details["attempts"] == 1
    assert not result.ok


def test_an_exception_while_a_command_runs_kills_its_process_group(tmp_path: Path) -> None:
    """What a timeout plugin's alarm does in the thread that waits for the command."""
    pid_file = tmp_path / "pid"

    class Alarm(Exception):
        pass

    def ring(signum: int, frame: object) -> None:
        if not pid_file.is_file() or not pid_file.read_text().strip():
            signal.setitimer(signal.ITIMER_REAL, 0.05)  # the command has not started yet
            return
        raise Alarm

    previous = signal.signal(signal.SIGALRM, ring)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        with pytest.raises(Alarm):
            commands.run(["sh", "-c", f"echo $$ > {pid_file}; exec sleep 300"], timeout=300)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert not is_alive(int(pid_file.read_text()))
