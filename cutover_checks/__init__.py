"""Non-destructive checks for production cutovers, usable with or without pytest.

Every check is a plain function that returns a :class:`CheckResult`: whether it
held, a one-line message, details, warnings, and every command it ran. Nothing
here imports pytest, nothing here changes the system it looks at, and every
check that waits has a timeout. One module per concern:

==================  =========================================================
``tools``           on PATH; version read from the tool, compared as a version
``files``           exists, file, dir, executable, non-empty, regex, sha256
``shell``           ``bash -n`` syntax check
``compose``         ``docker compose config`` (never another compose verb)
``package_json``    required scripts; placeholder scripts as warnings
``commands``        an argument list with expected exit codes and output
``probes``          HTTP(S), TCP, TLS certificate expiry, DNS
``git``             clean tree, branch, tag, commit
``system``          free disk space, environment variables present
``retry``           try a check again until it holds, within bounds
==================  =========================================================
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from cutover_checks.errors import CheckError, InvalidArgument
from cutover_checks.result import CheckResult, CommandRun

if TYPE_CHECKING:
    from cutover_checks import (
        commands,
        compose,
        files,
        git,
        package_json,
        probes,
        retry,
        shell,
        system,
        tools,
    )


def __getattr__(name: str) -> object:
    """Import a check module when it is first used: probes, for one, loads ssl."""
    if name in _MODULES:
        return importlib.import_module(f"cutover_checks.{name}")
    raise AttributeError(f"module 'cutover_checks' has no attribute {name!r}")


__all__ = [
    "CheckError",
    "CheckResult",
    "CommandRun",
    "InvalidArgument",
    "commands",
    "compose",
    "files",
    "git",
    "package_json",
    "probes",
    "retry",
    "shell",
    "system",
    "tools",
]

#: The check modules among the names above, imported on first use.
_MODULES = frozenset(name for name in __all__ if name.islower())
