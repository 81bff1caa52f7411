"""Declared check kinds: each runs one :mod:`cutover_checks` function, same parameter names.

The plan's JSON Schema says which keys each kind takes; this module says which
function runs it, which of its values are paths (read from the plan's folder)
and which values can be checked when the plan loads (a regex, a specifier).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cutover_checks import commands, compose, files, git, package_json, probes, shell, system
from cutover_checks import tools as tool_checks
from cutover_checks._patterns import compile_pattern
from cutover_checks.result import CheckResult
from cutover_checks.retry import RetryProgress, retry


@dataclass(frozen=True)
class Kind:
    """How to run one kind of declared check."""

    run: Callable[..., CheckResult]
    paths: tuple[str, ...] = ()


KINDS: dict[str, Kind] = {
    "tool": Kind(tool_checks.tool),
    "path": Kind(files.path_check, ("path",)),
    "bash_syntax": Kind(shell.bash_syntax, ("bash_syntax",)),
    "compose": Kind(compose.compose_config, ("compose", "env_file")),
    "package_json": Kind(package_json.package_scripts, ("package_json",)),
    "command": Kind(commands.run, ("cwd",)),
    "http": Kind(probes.http, ("ca_file",)),
    "tcp": Kind(probes.tcp),
    "tls": Kind(probes.tls, ("ca_file",)),
    "dns": Kind(probes.dns),
    "git": Kind(git.git_state, ("git",)),
    "free_space": Kind(system.free_space, ("free_space",)),
    "env_present": Kind(system.env_present),
}

#: Parameters whose values are checked when the plan loads; each raises InvalidArgument.
VALIDATORS: dict[str, Callable[[Any], object]] = {
    "version": tool_checks.parse_specifier,
    "version_pattern": lambda value: compile_pattern(value, "version_pattern"),
    "contains": lambda value: compile_pattern(value, "contains"),
    "stdout": lambda value: compile_pattern(value, "stdout"),
    "stderr": lambda value: compile_pattern(value, "stderr"),
    "body": lambda value: compile_pattern(value, "body"),
    "min_free": system.parse_size,
    "http": probes.parse_url,
    "tcp": probes.parse_address,
    "tls": probes.parse_address,
}


def run_check(
    kind: str,
    params: Mapping[str, Any],
    base: Path,
    retry_policy: Mapping[str, float] | None = None,
    progress: RetryProgress | None = None,
) -> CheckResult:
    """Run a declared check; relative paths are read from ``base``, the plan's folder.

    A retried check keeps ``progress`` up to date with its attempts, when it is given."""
    spec = KINDS[kind]
    arguments = {
        key: str(base / value) if key in spec.paths else value for key, value in params.items()
    }
    if kind == "command":
        arguments.setdefault("cwd", str(base))
    target = arguments.pop(kind)
    check = functools.partial(spec.run, target, **arguments)
    if retry_policy is None:
        return check()
    return retry(
        check,
        attempts=int(retry_policy["attempts"]),
        interval=float(retry_policy["interval"]),
        deadline=retry_policy.get("deadline"),
        progress=progress,
    )
