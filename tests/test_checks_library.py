"""cutover_checks: plain functions that return a CheckResult, bounded and non-destructive."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from cutover_checks import CheckResult, exists, on_path, run
from cutover_checks.result import OUTPUT_LIMIT


def test_the_library_never_imports_pytest() -> None:
    code = (
        "import sys, cutover_checks, cutover_checks.commands;"
        "assert not {'pytest', '_pytest', 'pytest_cutover'} & set(sys.modules), sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_on_path_finds_a_real_tool_and_names_a_missing_one() -> None:
    found = on_path("sh")
    assert found.ok
    assert found.details["path"].endswith("/sh")
    missing = on_path("no-such-tool-for-cutover")
    assert not missing.ok
    assert missing.message == "no-such-tool-for-cutover not found on PATH"


def test_exists_tells_present_from_missing(tmp_path: Path) -> None:
    (tmp_path / "runbook.md").write_text("# runbook\n")
    assert exists(tmp_path / "runbook.md").ok
    assert not exists(tmp_path / "missing.md")
    assert exists(tmp_path / "missing.md").message == f"{tmp_path}/missing.md does not exist"


def test_run_records_argv_exit_code_and_output(tmp_path: Path) -> None:
    result = run(["sh", "-c", "pwd; echo oops >&2; exit 2"], cwd=tmp_path, expect_exit=2)
    assert result.ok
    (command,) = result.commands
    assert command.argv == ("sh", "-c", "pwd; echo oops >&2; exit 2")
    assert command.exit_code == 2
    assert command.stdout == f"{tmp_path}\n"
    assert command.stderr == "oops\n"
    assert command.cwd == str(tmp_path)


def test_run_fails_on_an_unexpected_exit_code() -> None:
    result = run(["false"])
    assert not result.ok
    assert result.message == "false exited 1, expected 0"


def test_run_reports_a_command_that_cannot_start() -> None:
    result = run(["/no/such/program"])
    assert not result.ok
    assert result.message == "could not start /no/such/program: No such file or directory"
    assert result.commands[0].exit_code is None


def test_a_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    pidfile = tmp_path / "grandchild.pid"
    started = time.monotonic()
    result = run(["sh", "-c", f"sleep 60 & echo $! > {pidfile}; wait"], timeout=0.5)
    assert time.monotonic() - started < 10
    assert not result.ok
    assert result.commands[0].timed_out
    assert result.message == "sh timed out after 0.5s and was killed"
    grandchild = Path(f"/proc/{pidfile.read_text().strip()}/status")
    if grandchild.exists():  # a reaped-late zombie is dead too
        assert "State:\tZ" in grandchild.read_text()


def test_huge_output_is_cut_with_a_note() -> None:
    result = run([sys.executable, "-c", f"print('x' * {OUTPUT_LIMIT + 1000})"])
    stdout = result.commands[0].stdout
    assert stdout.startswith("x" * 100)
    assert stdout.endswith("\n[... 1001 more bytes not kept]")
    assert len(stdout) < OUTPUT_LIMIT + 100


def test_a_result_is_truthy_only_when_ok() -> None:
    assert CheckResult(True, "fine")
    assert not CheckResult(False, "broken")
