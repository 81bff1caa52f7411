"""Whether a process the tests started (through a command under test) still runs."""

from __future__ import annotations

from pathlib import Path


def is_alive(pid: int) -> bool:
    """Whether ``pid`` still runs: a zombie (killed, not yet reaped by init) does not."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"
