"""Docker Compose checks, by ``docker compose config`` only: nothing is started or changed.

Compose v2 is used as the docker CLI plugin (``docker compose``) or, when the
plugin is missing, as a standalone ``docker-compose`` v2 binary. Compose v1
is not accepted: it validates differently.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from cutover_checks._process import execute
from cutover_checks.result import CheckResult, CommandRun
from cutover_checks.tools import read_version

#: Seconds one compose call may take.
COMPOSE_TIMEOUT = 30.0
NOT_FOUND = (
    "docker compose not found; install the Compose v2 CLI plugin (docker compose) "
    "or a standalone docker-compose v2 binary on PATH"
)


def find_compose(
    timeout: float = COMPOSE_TIMEOUT,
) -> tuple[tuple[str, ...] | None, list[CommandRun]]:
    """The argv prefix that runs Compose v2, and the version calls made to find it."""
    tried: list[CommandRun] = []
    candidates = [("docker", "compose"), ("docker-compose",)]
    for prefix in candidates:
        if shutil.which(prefix[0]) is None:
            continue
        record = execute((*prefix, "version"), timeout=timeout)
        tried.append(record)
        version = read_version(record.stdout)
        if record.exit_code == 0 and version is not None and version.major >= 2:
            return prefix, tried
    return None, tried


def compose_config(
    file: str | Path,
    *,
    profiles: Sequence[str] = (),
    env_file: str | Path | None = None,
    services: Sequence[str] = (),
    timeout: float = COMPOSE_TIMEOUT,
) -> CheckResult:
    """``docker compose -f FILE config --quiet`` passes and every name in ``services`` is defined.

    The first line of compose's own error is the message: an unknown key, an
    undefined ``depends_on``, a required variable that is not set.
    """
    prefix, tried = find_compose(timeout)
    if prefix is None:
        return CheckResult(False, NOT_FOUND, {}, tuple(tried))
    base = [*prefix, "-f", str(file)]
    for profile in profiles:
        base += ["--profile", profile]
    if env_file is not None:
        base += ["--env-file", str(env_file)]
    commands = [*tried, execute((*base, "config", "--quiet"), timeout=timeout)]
    if not _succeeded(commands[-1]):
        return CheckResult(False, _error(commands[-1], file), {}, tuple(commands))
    if not services:
        return CheckResult(True, f"compose config of {file} is valid", {}, tuple(commands))
    commands.append(execute((*base, "config", "--services"), timeout=timeout))
    if not _succeeded(commands[-1]):
        return CheckResult(False, _error(commands[-1], file), {}, tuple(commands))
    defined = commands[-1].stdout.split()
    missing = [name for name in services if name not in defined]
    details = {"services": defined}
    if missing:
        message = f"compose config of {file} lacks the services: {', '.join(missing)}"
        return CheckResult(False, message, details, tuple(commands))
    message = f"compose config of {file} is valid and defines {', '.join(services)}"
    return CheckResult(True, message, details, tuple(commands))


def _succeeded(record: CommandRun) -> bool:
    return record.exit_code == 0


def _error(record: CommandRun, file: str | Path) -> str:
    lines = [line.strip() for line in record.stderr.splitlines() if line.strip()]
    return f"compose config of {file} is invalid: {lines[0] if lines else record.describe()}"
