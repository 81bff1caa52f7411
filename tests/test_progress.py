"""Progress while a check waits: a live line on a terminal, a line now and then in a log,
and the story of every attempt and command in ``logging``."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest
from cutover_project import CutoverProject, ProjectRun

from cutover_checks import commands
from cutover_checks import retry as retry_module
from cutover_checks.result import CheckResult
from cutover_checks.retry import Attempt, RetryProgress, retry
from pytest_cutover import messages
from pytest_cutover.run.settings import MAX_PROGRESS_INTERVAL

#: A command that fails until it runs for the third time (it counts its runs in a file).
THIRD_TIME = "n=$(cat runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > runs; [ $n -ge 3 ]"


def warming_plan(project: CutoverProject, interval: float) -> None:
    """A quick check, then one that holds at its third attempt, ``interval`` seconds apart."""
    project.write(
        "cutover.yaml",
        "cutover: Progress\n"
        "gates:\n  - {id: G1, title: First, phase: T-60}\n"
        "checks:\n"
        '  - {id: quick, gate: G1, command: ["true"]}\n'
        "  - id: warming\n"
        "    gate: G1\n"
        f"    command: [sh, -c, '{THIRD_TIME}']\n"
        f"    retry: {{attempts: 4, interval: {interval}}}\n",
    )


# -- a terminal: one live line, rewritten in place, erased before pytest writes again ----

COLUMNS = 100


def run_on_a_terminal(project: CutoverProject, *args: str) -> str:
    """Run pytest in a child whose output is a real pseudo-terminal; all it wrote."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, COLUMNS, 0, 0))
    env = {**os.environ, "COLUMNS": str(COLUMNS), "TERM": "xterm"}
    child = subprocess.Popen(
        [sys.executable, "-m", "pytest", *args],
        cwd=project.path,
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    output = bytearray()
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1)
            if not ready:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            output += data
    finally:
        os.close(master)
        child.kill()
        child.wait()
    return output.decode("utf-8", errors="replace")


_TOKENS = re.compile(
    r"\x1b\[(?P<count>\d*)(?P<csi>[A-Za-z])"  # cursor moves, erasing, colours
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC sequences (pytest's terminal progress)
    r"|(?P<char>[\s\S])"
)


def screen(output: str) -> list[str]:
    """What a terminal shows after ``output``: carriage returns and new lines, the cursor
    moved forward, erasing to the end of the line; colours and OSC sequences left out."""
    lines: list[list[str]] = [[]]
    column = 0
    for token in _TOKENS.finditer(output):
        char, csi = token["char"], token["csi"]
        line = lines[-1]
        if csi == "C":
            column += int(token["count"] or 1)
        elif csi == "K":
            del line[column:]
        elif csi is not None:
            continue  # colours
        elif char is None:
            continue  # OSC
        elif char == "\r":
            column = 0
        elif char == "\n":
            lines.append([])
            column = 0
        else:
            line.extend(" " * (column - len(line)))
            line[column : column + 1] = [char]
            column += 1
    return ["".join(line).rstrip() for line in lines]


def test_a_retried_check_shows_a_live_line_rewritten_in_place_on_a_terminal(
    cutover_project: CutoverProject,
) -> None:
    warming_plan(cutover_project, 2)
    output = run_on_a_terminal(cutover_project)
    live = re.findall(r"\r(?:\x1b\[\d+C)?\x1b\[K([^\r\n]*)", output)
    shown = [re.sub(r"\x1b\[[\d;]*m", "", text).strip() for text in live]
    assert any(
        re.fullmatch(r"cutover check warming: attempt 2/4, \d+ s, next attempt in \d+ s", text)
        for text in shown
    ), output
    assert len([text for text in shown if text]) >= 2, "the line is rewritten in place"
    final = screen(output)
    assert not [line for line in final if "cutover check" in line], "the live line is erased"
    assert any(re.fullmatch(r"cutover\.yaml \.\. +\[100%\]", line) for line in final), final
    assert any(re.fullmatch(r"=+ 2 passed in [\d.]+s =+", line) for line in final), final


def test_with_v_the_terminal_shows_each_check_s_line_intact(
    cutover_project: CutoverProject,
) -> None:
    warming_plan(cutover_project, 2)
    output = run_on_a_terminal(cutover_project, "-v")
    assert "cutover check warming: attempt 2/4" in output
    final = screen(output)
    assert any(re.fullmatch(r"cutover\.yaml::quick PASSED +\[ 50%\]", line) for line in final)
    assert any(re.fullmatch(r"cutover\.yaml::warming PASSED +\[100%\]", line) for line in final)
    assert not [line for line in final if "cutover check" in line]


def test_a_check_that_ends_at_once_shows_no_live_line(cutover_project: CutoverProject) -> None:
    cutover_project.write(
        "cutover.yaml",
        "cutover: Quick\ngates:\n  - {id: G1, phase: T-60}\n"
        'checks:\n  - {id: quick, gate: G1, command: ["true"]}\n',
    )
    output = run_on_a_terminal(cutover_project)
    assert "cutover check" not in output
    assert "\x1b[K" not in output


# -- no terminal: a plain line every interval at most ------------------------------------

PROGRESS_LINE = re.compile(
    r"cutover check warming: attempt ([1-4])/4, \d+ s(, next attempt in \d+ s)?"
)


def progress_lines(run: ProjectRun) -> list[str]:
    return [line for line in run.outlines if PROGRESS_LINE.fullmatch(line)]


def test_without_a_terminal_a_plain_line_comes_at_most_every_interval(
    cutover_project: CutoverProject,
) -> None:
    warming_plan(cutover_project, 1)
    result = cutover_project.run_subprocess("--cutover-progress-interval=1")
    result.assert_outcomes(passed=2)
    lines = progress_lines(result)
    assert lines, result.outlines
    assert len(lines) <= result.duration + 1, "one line a second at most"
    assert not [line for line in result.outlines if "\r" in line or "\x1b" in line]
    # pytest's own lines are whole: the file begins a line again for the last dot.
    at = result.outlines.index(lines[-1])
    assert re.fullmatch(r"cutover\.yaml \. +\[100%\]", result.outlines[at + 1])
    assert result.outlines[at - len(lines)] == "cutover.yaml ."


def test_by_default_a_check_of_a_few_seconds_writes_no_line_to_a_log(
    cutover_project: CutoverProject,
) -> None:
    warming_plan(cutover_project, 1)  # about 2 s, less than the default interval of 10 s
    result = cutover_project.run_subprocess()
    result.assert_outcomes(passed=2)
    assert progress_lines(result) == []
    assert "cutover check warming" not in result.stdout.str()


def test_with_v_and_with_q_the_plain_lines_leave_pytest_s_lines_whole(
    cutover_project: CutoverProject,
) -> None:
    warming_plan(cutover_project, 1)
    verbose = cutover_project.run_subprocess("-v", "--cutover-progress-interval=1")
    assert progress_lines(verbose)
    verbose.stdout.re_match_lines(
        [
            r"cutover\.yaml::quick PASSED +\[ 50%\]",
            r"cutover\.yaml::warming $",
            r"cutover check warming: attempt .*",
            r"cutover\.yaml::warming PASSED +\[100%\]",
        ]
    )
    (cutover_project.path / "runs").unlink()
    quiet = cutover_project.run_subprocess("-q", "--cutover-progress-interval=1")
    assert progress_lines(quiet)
    quiet.stdout.re_match_lines([r"\. +\[100%\]", r"2 passed in [\d.]+s"])


def test_one_at_a_time_the_check_shows_its_progress_too(cutover_project: CutoverProject) -> None:
    warming_plan(cutover_project, 1)
    result = cutover_project.run_subprocess("--cutover-workers=1", "--cutover-progress-interval=1")
    result.assert_outcomes(passed=2)
    assert progress_lines(result)


def test_an_interval_of_0_shows_no_progress(cutover_project: CutoverProject) -> None:
    warming_plan(cutover_project, 1)
    result = cutover_project.run_subprocess("--cutover-progress-interval=0")
    result.assert_outcomes(passed=2)
    assert "cutover check warming" not in result.stdout.str()


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "3601"])
def test_a_bad_progress_interval_is_a_usage_error(
    cutover_project: CutoverProject, value: str
) -> None:
    warming_plan(cutover_project, 1)
    result = cutover_project.run(f"--cutover-progress-interval={value}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    allowed = messages.SECONDS_ALLOWED.format(limit=f"{MAX_PROGRESS_INTERVAL:g}")
    assert result.errlines[0] == "ERROR: " + messages.BAD_CHOICE.format(
        source="--cutover-progress-interval", value=value, allowed=allowed
    )


# -- logging: each attempt and each command, live with --log-cli-level ------------------


def test_live_logging_tells_each_attempt_and_command_of_a_check(
    cutover_project: CutoverProject,
) -> None:
    warming_plan(cutover_project, 1)
    result = cutover_project.run_subprocess("--log-cli-level=INFO")
    result.assert_outcomes(passed=2)
    shown = f"sh -c '{THIRD_TIME}'"
    result.stdout.re_match_lines(
        [
            rf"INFO +cutover_checks:.* warming: command started: {re.escape(shown)}",
            rf"INFO +cutover_checks:.* warming: command finished: {re.escape(shown)} "
            r"exited 1 after [\d.]+ s",
            r"INFO +cutover_checks:.* warming: attempt 1/4 did not hold: sh exited 1, "
            r"expected 0; next attempt in 1 s",
            r"INFO +cutover_checks:.* warming: attempt 2/4 did not hold: .*",
            r"INFO +cutover_checks:.* warming: attempt 3/4 held: sh exited 0",
            r"INFO +pytest_cutover:.* warming: held after [\d.]+ s: sh exited 0 "
            r"\(after 3 attempts in [\d.]+s\)",
        ]
    )


def test_a_failing_check_keeps_its_attempts_in_its_evidence_with_log_level_info(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.write(
        "cutover.yaml",
        "cutover: Down\ngates:\n  - {id: G1, phase: T-60}\n"
        "checks:\n  - {id: down, gate: G1, command: [sh, -c, 'exit 3'], "
        "retry: {attempts: 2, interval: 0.1}}\n",
    )
    result = cutover_project.run_subprocess("--log-level=INFO", "--cutover-evidence=ev")
    result.assert_outcomes(failed=1)
    (check,) = result.evidence["checks"]
    logs = "\n".join(
        out["text"] for out in check["output"] if out["section"] == "Captured log call"
    )
    assert re.search(r"down: attempt 1/2 did not hold: sh exited 3, expected 0", logs), logs
    assert re.search(r"down: command finished: sh -c 'exit 3' exited 3", logs), logs


# -- the retry loop's progress, read from another thread ---------------------------------


def test_retry_keeps_its_progress_up_to_date_at_each_attempt_and_pause(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    progress = RetryProgress()
    seen_in_attempts: list[Attempt | None] = []
    seen_in_pauses: list[Attempt | None] = []

    def third_time() -> CheckResult:
        seen_in_attempts.append(progress.now())
        return CheckResult(
            len(seen_in_attempts) == 3, "up" if len(seen_in_attempts) == 3 else "down"
        )

    def pause(seconds: float) -> bool:
        seen_in_pauses.append(progress.now())
        return False

    monkeypatch.setattr(retry_module, "pause", pause)
    before = time.monotonic()
    result = retry(third_time, attempts=5, interval=30, progress=progress)
    assert result.ok
    assert seen_in_attempts == [Attempt(1, 5), Attempt(2, 5), Attempt(3, 5)]
    assert [(a.number, a.attempts) for a in seen_in_pauses if a] == [(1, 5), (2, 5)]
    for attempt in seen_in_pauses:
        assert attempt is not None
        assert attempt.next_at is not None
        assert before + 30 <= attempt.next_at <= time.monotonic() + 30
    assert progress.now() == Attempt(3, 5)


def test_another_thread_sees_the_pause_before_the_next_attempt() -> None:
    progress = RetryProgress()
    calls: list[int] = []

    def second_time() -> CheckResult:
        calls.append(1)
        return CheckResult(len(calls) == 2, "up" if len(calls) == 2 else "down")

    worker = threading.Thread(
        target=retry,
        args=(second_time,),
        kwargs={"attempts": 3, "interval": 0.5, "progress": progress},
    )
    worker.start()
    seen: set[tuple[int, bool]] = set()
    deadline = time.monotonic() + 30
    while worker.is_alive() and time.monotonic() < deadline:
        now = progress.now()
        if now is not None:
            seen.add((now.number, now.next_at is not None))
        time.sleep(0.01)
    worker.join(10)
    assert (1, True) in seen, "the half-second pause after the first attempt is seen"
    assert progress.now() == Attempt(2, 3)


def test_the_checks_log_on_their_package_logger(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="cutover_checks"):
        retry(lambda: commands.run(["sh", "-c", "exit 1"]), attempts=2, interval=0)
    texts = [(record.name, record.getMessage()) for record in caplog.records]
    assert ("cutover_checks", "command started: sh -c 'exit 1'") in texts
    assert (
        "cutover_checks",
        "attempt 1/2 did not hold: sh exited 1, expected 0; next attempt in 0 s",
    ) in texts
    assert ("cutover_checks", "attempt 2/2 did not hold: sh exited 1, expected 0") in texts


def test_a_command_s_environment_is_logged_by_its_names_only(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    with caplog.at_level("INFO", logger="cutover_checks"):
        commands.run(["true"], env={"API_TOKEN": "value-never-logged"}, cwd=tmp_path)
    assert "command started: true (env: API_TOKEN)" in caplog.messages
    assert "value-never-logged" not in caplog.text
