"""The plugin's settings, from ``--cutover-*``, ``cutover_*`` ini keys or ``PYTEST_CUTOVER_*``.

The first of the three that is set wins; the plan falls back to ``cutover.yaml``
in the rootdir. A bad value is a usage error that names where it came from.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from pytest_cutover import messages
from pytest_cutover.bundle import check_destination
from pytest_cutover.failfast import FailFast
from pytest_cutover.redact import parse_extra_pattern

DEFAULT_PLAN = "cutover.yaml"

#: Each setting: its option dest, ini key and environment variable.
SETTINGS = {
    "plan": ("cutover_plan", "cutover_plan", "PYTEST_CUTOVER_PLAN"),
    "fail_fast": ("cutover_fail_fast", "cutover_fail_fast", "PYTEST_CUTOVER_FAIL_FAST"),
    "evidence": ("cutover_evidence", "cutover_evidence", "PYTEST_CUTOVER_EVIDENCE"),
}


@dataclass(frozen=True)
class Setting:
    """A value and where it came from, in words for error messages."""

    value: str
    source: str
    base: Path


@dataclass(frozen=True)
class Settings:
    """The resolved settings of one run."""

    plan: Path | None
    plan_shown_as: str
    fail_fast: FailFast
    evidence: Path | None = None
    redact: tuple[str, ...] = ()


def lookup(config: pytest.Config, name: str, environ: Mapping[str, str]) -> Setting | None:
    """The setting ``name`` from the first place that sets it, or None."""
    dest, ini, env = SETTINGS[name]
    option = config.getoption(dest)
    if option is not None:
        return Setting(str(option), f"--{dest.replace('_', '-')}", config.invocation_params.dir)
    ini_value = str(config.getini(ini))
    if ini_value:
        inifile = config.inipath.name if config.inipath else "the ini file"
        base = config.inipath.parent if config.inipath else config.rootpath
        return Setting(ini_value, f"{ini} in {inifile}", base)
    if environ.get(env):
        return Setting(environ[env], env, config.invocation_params.dir)
    return None


def resolve(config: pytest.Config, environ: Mapping[str, str] = os.environ) -> Settings:
    """Read every setting; raise :class:`pytest.UsageError` on a bad one."""
    plan_setting = lookup(config, "plan", environ)
    if plan_setting is None:
        default = (config.rootpath / DEFAULT_PLAN).resolve()
        plan = default if default.is_file() else None
        shown = _shown(default, config)
    else:
        plan = (plan_setting.base / plan_setting.value).resolve()
        shown = _shown(plan, config)
        if not plan.is_file():
            raise pytest.UsageError(
                messages.PLAN_NOT_FOUND.format(source=plan_setting.source, path=shown)
            )
    return Settings(
        plan,
        shown,
        _choice(lookup(config, "fail_fast", environ), FailFast.GATE),
        _evidence(lookup(config, "evidence", environ)),
        _redact_patterns(config, environ),
    )


def _evidence(setting: Setting | None) -> Path | None:
    if setting is None:
        return None
    directory = (setting.base / setting.value).resolve()
    problem = check_destination(directory)
    if problem is not None:
        raise pytest.UsageError(
            messages.BAD_EVIDENCE_DIR.format(source=setting.source, problem=problem)
        )
    return directory


def _redact_patterns(config: pytest.Config, environ: Mapping[str, str]) -> tuple[str, ...]:
    """Extra redaction patterns from all three places together: more redaction is safer."""
    sources = [
        *(("--cutover-redact", p) for p in config.getoption("cutover_redact") or ()),
        *(("cutover_redact in the ini file", p) for p in config.getini("cutover_redact")),
        *(
            ("PYTEST_CUTOVER_REDACT", p)
            for p in environ.get("PYTEST_CUTOVER_REDACT", "").splitlines()
        ),
    ]
    patterns = []
    for source, pattern in sources:
        if not pattern.strip():
            continue
        try:
            parse_extra_pattern(pattern)
        except ValueError as error:
            raise pytest.UsageError(f"{source}: {error}") from None
        patterns.append(pattern)
    return tuple(patterns)


def _choice(setting: Setting | None, default: FailFast) -> FailFast:
    if setting is None:
        return default
    try:
        return FailFast(setting.value)
    except ValueError:
        allowed = ", ".join(mode.value for mode in FailFast)
        raise pytest.UsageError(
            messages.BAD_CHOICE.format(source=setting.source, value=setting.value, allowed=allowed)
        ) from None


def _shown(path: Path, config: pytest.Config) -> str:
    """``path`` relative to where pytest was started, when it is below it."""
    try:
        return str(path.relative_to(config.invocation_params.dir))
    except ValueError:
        return str(path)
