"""Checks on files and directories: they exist, have the right type and content."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Literal

from cutover_checks._patterns import compile_pattern
from cutover_checks.errors import InvalidArgument
from cutover_checks.result import CheckResult, combine, failed, passed

#: Bytes of a file searched by :func:`contains`.
CONTAINS_LIMIT = 16 * 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def exists(path: str | Path) -> CheckResult:
    """Whether ``path`` exists (a file, a directory, or anything else).

    >>> exists("/").ok
    True
    """
    target = Path(path)
    if target.exists():
        return passed(f"{target} exists", path=str(target))
    return failed(f"{target} does not exist", path=str(target))


def is_file(path: str | Path) -> CheckResult:
    """Whether ``path`` is a regular file (or a link to one).

    >>> is_file("/").message
    '/ is not a file'
    """
    target = Path(path)
    if target.is_file():
        return passed(f"{target} is a file")
    return failed(f"{target} is not a file" if target.exists() else f"{target} does not exist")


def is_dir(path: str | Path) -> CheckResult:
    """Whether ``path`` is a directory.

    >>> is_dir("/").ok
    True
    """
    target = Path(path)
    if target.is_dir():
        return passed(f"{target} is a directory")
    if target.exists():
        return failed(f"{target} is not a directory")
    return failed(f"{target} does not exist")


def is_executable(path: str | Path) -> CheckResult:
    """Whether ``path`` is a file this user may execute.

    >>> is_executable("/bin/sh").ok
    True
    """
    target = Path(path)
    if target.is_file() and os.access(target, os.X_OK):
        return passed(f"{target} is executable")
    return failed(f"{target} is not an executable file")


def is_non_empty(path: str | Path) -> CheckResult:
    """Whether ``path`` is a file with content or a directory with entries.

    >>> is_non_empty("/").ok
    True
    """
    target = Path(path)
    if target.is_dir():
        if any(target.iterdir()):
            return passed(f"{target} is not empty")
        return failed(f"{target} is an empty directory")
    if target.is_file() and target.stat().st_size > 0:
        return passed(f"{target} is not empty")
    return failed(f"{target} is empty" if target.exists() else f"{target} does not exist")


def has_match(path: str | Path, pattern: str) -> CheckResult:
    """Whether the text of ``path`` (its first 16 MiB) has a match for the regex ``pattern``."""
    regex = compile_pattern(pattern, "contains")
    target = Path(path)
    if not target.is_file():
        return is_file(target)
    with target.open("rb") as handle:
        text = handle.read(CONTAINS_LIMIT).decode("utf-8", errors="replace")
    match = regex.search(text)
    if match is None:
        return failed(f"{target} has no match for {pattern!r}")
    line = text.count("\n", 0, match.start()) + 1
    return passed(f"{target} matches {pattern!r} at line {line}", line=line)


def sha256_equals(path: str | Path, expected: str) -> CheckResult:
    """Whether the SHA-256 of the file ``path`` is ``expected`` (64 lowercase hex digits)."""
    if not _SHA256.match(expected):
        raise InvalidArgument("sha256", f"{expected!r} is not 64 lowercase hex digits")
    target = Path(path)
    if not target.is_file():
        return is_file(target)
    digest = hashlib.sha256()
    with target.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    seen = digest.hexdigest()
    if seen == expected:
        return passed(f"{target} has sha256 {seen}", sha256=seen)
    return failed(f"{target} has sha256 {seen}, expected {expected}", sha256=seen)


def path_check(
    path: str | Path,
    *,
    type: Literal["file", "dir"] | None = None,
    executable: bool = False,
    non_empty: bool = False,
    contains: str | None = None,
    sha256: str | None = None,
) -> CheckResult:
    """``path`` exists and meets every condition given; the plan's ``path`` check.

    >>> path_check("/bin/sh", type="file", executable=True).ok
    True
    """
    conditions = [exists(path)]
    if type is not None:
        if type not in ("file", "dir"):
            raise InvalidArgument("type", f"{type!r} is not one of: file, dir")
        conditions.append(is_file(path) if type == "file" else is_dir(path))
    if executable:
        conditions.append(is_executable(path))
    if non_empty:
        conditions.append(is_non_empty(path))
    if contains is not None:
        conditions.append(has_match(path, contains))
    if sha256 is not None:
        conditions.append(sha256_equals(path, sha256))
    if not conditions[0].ok:
        return conditions[0]
    return combine(conditions)
