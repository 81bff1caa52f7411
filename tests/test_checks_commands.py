"""commands.run: argument lists with expectations, bounded in time and output."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from cutover_checks import commands
from cutover_checks.errors import InvalidArgument
from cutover_checks.result import OUTPUT_LIMIT


def test_the_library_never_imports_pytest() -> None:
    code = (
        "import sys, cutover_checks;"
        "assert not {'pytest', '_pytest', 'pytest_cutover'} & set(sys.modules), sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_command_records_argv_cwd_exit_code_and_output(tmp_path: Path) -> None:
    result = commands.run(["sh", "-c", "pwd; echo oops >&2; exit 2"], cwd=tmp_path, exit_codes=2)
    assert result.ok
    (command,) = result.commands
    assert command.argv == ("sh", "-c", "pwd; echo oops >&2; exit 2")
    assert (command.exit_code, command.cwd) == (2, str(tmp_path))
    assert (command.stdout, command.stderr) == (f"{tmp_path}\n", "oops\n")


def test_an_unexpected_exit_code_fails_and_says_what_was_expected() -> None:
    assert commands.run(["false"]).message == "false exited 1, expected 0"
    assert commands.run(["false"], exit_codes=[0, 2]).message == "false exited 1, expected 0 or 2"
    assert commands.run(["false"], exit_codes=[1, 2]).ok


def test_output_must_match_the_given_regexes() -> None:
    argv = ["sh", "-c", "echo version 1.4; echo warn >&2"]
    assert commands.run(argv, stdout=r"version 1\.\d", stderr="^warn$").ok
    result = commands.run(argv, stdout="^ready")
    assert not result.ok
    assert result.message == "sh stdout does not match '^ready'"


def test_environment_values_are_used_but_only_their_names_recorded() -> None:
    result = commands.run(
        ["sh", "-c", 'test "$API_TOKEN" = "$(printf s3)cret"'], env={"API_TOKEN": "s3cret"}
    )
    assert result.ok
    assert result.commands[0].env == ("API_TOKEN",)
    assert "s3cret" not in repr(result.commands[0])


def test_a_command_that_cannot_start_is_a_failure_not_an_exception() -> None:
    result = commands.run(["/no/such/program"])
    assert not result.ok
    assert result.message == "could not start /no/such/program: No such file or directory"


def test_a_nul_byte_in_an_argument_is_a_failure_not_an_exception() -> None:
    result = commands.run(["sh", "-c", "echo \0"])
    assert not result.ok
    assert result.message == "could not start sh: embedded null byte"
    assert result.commands[0].exit_code is None


def test_a_hanging_command_is_killed_with_its_children_and_keeps_its_output(
    tmp_path: Path,
) -> None:
    pidfile = tmp_path / "grandchild.pid"
    started = time.monotonic()
    result = commands.run(
        ["sh", "-c", f"echo started; sleep 60 & echo $! > {pidfile}; wait"], timeout=0.5
    )
    assert time.monotonic() - started < 10
    assert not result.ok
    assert result.message == "TIMEOUT: sh ran longer than 0.5s and was killed"
    assert result.commands[0].timed_out
    assert result.commands[0].stdout == "started\n"
    assert_dead(int(pidfile.read_text()))


def test_a_command_leaves_no_background_process_behind(tmp_path: Path) -> None:
    pidfile = tmp_path / "left.pid"
    result = commands.run(["sh", "-c", f"sleep 60 & echo $! > {pidfile}"])
    assert result.ok
    assert_dead(int(pidfile.read_text()))


def assert_dead(pid: int) -> None:
    status = Path(f"/proc/{pid}/status")
    for _ in range(200):  # the kernel may take a moment to reap a killed orphan
        if not status.exists() or "State:\tZ" in status.read_text():
            return
        time.sleep(0.01)
    pytest.fail(f"process {pid} is still running")


def test_huge_output_is_cut_with_a_note() -> None:
    result = commands.run([sys.executable, "-c", f"print('x' * {OUTPUT_LIMIT + 1000})"])
    stdout = result.commands[0].stdout
    assert stdout.startswith("x" * 100)
    assert stdout.endswith("\n[... 1001 more bytes not kept]")


def test_a_shell_string_or_a_bad_regex_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="not a shell string"):
        commands.run("echo hi")
    with pytest.raises(InvalidArgument, match=r"stdout: '\(' is not a valid regular expression"):
        commands.run(["true"], stdout="(")
