"""Processes of the tests: whether one a command under test started still runs; verify."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

#: How long ``verify`` may take before the test calls it a hang.
VERIFY_DEADLINE = 60


def is_alive(pid: int) -> bool:
    """Whether ``pid`` still runs: a zombie (killed, not yet reaped by init) does not."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def verify(directory: Path) -> subprocess.CompletedProcess[str]:
    """``python -m pytest_cutover verify DIRECTORY``, as an operator runs it."""
    return subprocess.run(
        [sys.executable, "-m", "pytest_cutover", "verify", str(directory)],
        capture_output=True,
        text=True,
        check=False,
        timeout=VERIFY_DEADLINE,
    )
