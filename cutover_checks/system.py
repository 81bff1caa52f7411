"""Checks on the machine: free disk space, environment variables (never their values)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from cutover_checks.errors import InvalidArgument
from cutover_checks.result import CheckResult, failed, passed

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)?\s*$", re.I)
_UNITS = {
    "b": 1,
    "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
    "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40,
}  # fmt: skip


def parse_size(size: str | int) -> int:
    """Bytes in a size such as ``10GiB``, ``500 MB`` or ``1024``.

    >>> parse_size("10GiB"), parse_size("1.5 kB"), parse_size(512)
    (10737418240, 1500, 512)
    """
    if isinstance(size, int) and not isinstance(size, bool) and size >= 0:
        return size
    match = _SIZE.match(str(size))
    if match is None:
        raise InvalidArgument(
            "min_free",
            f"{size!r} is not a size; write bytes or a number with B, kB, MB, GB, TB, KiB, "
            "MiB, GiB or TiB",
        )
    return int(float(match.group(1)) * _UNITS[(match.group(2) or "B").lower()])


def human(size: int) -> str:
    """A byte count as people read it.

    >>> human(10737418240)
    '10.0 GiB'
    """
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.1f} {unit}" if unit != "B" else f"{size} B"
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def free_space(path: str | Path, *, min_free: str | int) -> CheckResult:
    """The filesystem holding ``path`` has at least ``min_free`` bytes available.

    >>> free_space("/", min_free=0).ok
    True
    """
    needed = parse_size(min_free)
    try:
        free = shutil.disk_usage(path).free
    except OSError as exc:
        return failed(f"cannot read free space at {path}: {exc.strerror}")
    details = {"free": free, "min_free": needed}
    if free >= needed:
        return passed(f"{human(free)} free at {path} (at least {human(needed)} needed)", **details)
    return failed(f"only {human(free)} free at {path}, at least {human(needed)} needed", **details)


def env_present(names: Sequence[str]) -> CheckResult:
    """Every variable in ``names`` is set and not empty. Values are never read into the result.

    >>> env_present(["PATH"]).ok
    True
    """
    missing = [name for name in names if not os.environ.get(name)]
    if missing:
        return failed(f"environment variables not set: {', '.join(missing)}", missing=missing)
    return passed(f"environment variables set: {', '.join(names)}")
