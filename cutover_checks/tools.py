"""Checks on the tools a cutover needs: on PATH, and at a version the plan accepts.

Versions are read from the tool itself and compared with :mod:`packaging`
specifiers, so ``10.14.0`` is newer than ``9.0``.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from cutover_checks._patterns import compile_pattern
from cutover_checks._process import execute
from cutover_checks.errors import InvalidArgument
from cutover_checks.result import CheckResult, failed, passed

#: Seconds a ``--version`` call may take.
VERSION_TIMEOUT = 10.0
#: The first dotted number in a tool's output, with an optional pre-release tag.
VERSION_PATTERN = re.compile(r"(\d+(?:\.\d+)+(?:-?(?:a|b|rc|alpha|beta|dev)\.?\d*)?)")


def on_path(tool: str) -> CheckResult:
    """Whether ``tool`` is an executable on PATH.

    >>> on_path("sh").ok
    True
    """
    found = shutil.which(tool)
    if found is None:
        return failed(f"{tool} not found on PATH", tool=tool)
    return passed(f"{tool} found at {found}", tool=tool, path=found)


def parse_specifier(version: str) -> SpecifierSet:
    """A version specifier such as ``>=1.1,<2``, or :class:`InvalidArgument`.

    >>> str(parse_specifier(">=1.1"))
    '>=1.1'
    """
    try:
        return SpecifierSet(version)
    except InvalidSpecifier:
        problem = f"{version!r} is not a version specifier; write one like '>=1.1' or '>=2.20,<3'"
        raise InvalidArgument("version", problem) from None


def read_version(output: str, pattern: str | None = None) -> Version | None:
    """The version in a tool's output: group 1 of ``pattern``, else the first dotted number.

    >>> str(read_version("GNU bash, version 5.2.15(1)-release"))
    '5.2.15'
    >>> str(read_version("Docker Compose version v2.40.3"))
    '2.40.3'
    >>> read_version("no digits here") is None
    True
    """
    regex = compile_pattern(pattern, "version_pattern") if pattern else VERSION_PATTERN
    match = regex.search(output)
    if match is None:
        return None
    try:
        return Version(match.group(1) if match.groups() else match.group(0))
    except InvalidVersion:
        return None


def tool(
    tool: str,
    *,
    version: str | None = None,
    version_argv: Sequence[str] | None = None,
    version_pattern: str | None = None,
    timeout: float = VERSION_TIMEOUT,
) -> CheckResult:
    """``tool`` is on PATH and, when ``version`` is given, its version satisfies it.

    The version is read from ``tool --version`` (or ``version_argv``), stdout and
    stderr together, with ``version_pattern`` (group 1) or the first dotted number.

    >>> tool("sh").ok
    True
    """
    specifier = parse_specifier(version) if version is not None else None
    if version_pattern is not None:
        compile_pattern(version_pattern, "version_pattern")
    found = on_path(tool)
    if specifier is None or not found.ok:
        return found
    record = execute(version_argv or (tool, "--version"), timeout=timeout)
    output = (record.stdout + record.stderr).strip()
    seen = read_version(output, version_pattern)
    details = {"tool": tool, "path": found.details["path"], "output": output}
    if record.timed_out or record.exit_code is None:
        message = f"{record.command_line} did not answer: {record.describe()}"
        return CheckResult(False, message, details, (record,))
    if seen is None:
        message = f"cannot read a version from {record.command_line}: {output[:200]!r}"
        return CheckResult(False, message, details, (record,))
    details["version"] = str(seen)
    if not specifier.contains(seen, prereleases=True):
        message = f"{tool} {seen} does not satisfy {specifier}"
        return CheckResult(False, message, details, (record,))
    return CheckResult(True, f"{tool} {seen} satisfies {specifier}", details, (record,))
