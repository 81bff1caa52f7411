"""Who ran the cutover checks, where, with what, on which commit of the target tree."""

from __future__ import annotations

import getpass
import platform
import socket
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pytest_cutover import __version__
from pytest_cutover.model.clock import utc_now

if TYPE_CHECKING:
    from pytest_cutover.evidence.records import GitRecord, RunInfo


def run_info(
    *,
    run_id: str,
    started: str,
    cwd: Path,
    argv: Sequence[str],
    target: Path,
    exit_status: int,
    pytest_version: str,
) -> RunInfo:
    """The ``run`` part of the evidence document; ``argv`` is redacted already."""
    return {
        "run_id": run_id,
        "started": started,
        "finished": utc_now(),
        "host": socket.gethostname(),
        "user": _user(),
        "cwd": str(cwd),
        "argv": list(argv),
        "python": platform.python_version(),
        "pytest": pytest_version,
        "plugin": __version__,
        "git": git_state(target),
        "exit_status": int(exit_status),
    }


def git_state(folder: Path) -> GitRecord:
    """The commit of the git tree holding ``folder`` and whether it has changes."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(folder), *args],
                check=False,
                capture_output=True,
                text=True,
                timeout=10,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    status = git("status", "--porcelain")
    return {"commit": commit.strip(), "dirty": None if status is None else bool(status.strip())}


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid, as in some containers
        return "unknown"
