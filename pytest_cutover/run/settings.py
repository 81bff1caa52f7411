"""The plugin's settings, from ``--cutover-*``, ``cutover_*`` ini keys or ``PYTEST_CUTOVER_*``.

The first of the three that is set wins; the plan falls back to ``cutover.yaml``
in the rootdir. A bad value is a usage error that names where it came from.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import pytest

from pytest_cutover import messages
from pytest_cutover.model.clock import parse_instant
from pytest_cutover.model.failfast import FailFast
from pytest_cutover.safety.redact import parse_extra_pattern

DEFAULT_PLAN = "cutover.yaml"
#: Checks of one gate that run at once unless --cutover-workers says otherwise.
DEFAULT_WORKERS = 64
#: The most declared checks of one gate that may run at once.
MAX_WORKERS = 256

#: Each setting: its option dest, ini key and environment variable.
SETTINGS = {
    "plan": ("cutover_plan", "cutover_plan", "PYTEST_CUTOVER_PLAN"),
    "fail_fast": ("cutover_fail_fast", "cutover_fail_fast", "PYTEST_CUTOVER_FAIL_FAST"),
    "evidence": ("cutover_evidence", "cutover_evidence", "PYTEST_CUTOVER_EVIDENCE"),
    "t0": ("cutover_t0", "cutover_t0", "PYTEST_CUTOVER_T0"),
    "waivers": ("cutover_waivers", "cutover_waivers", "PYTEST_CUTOVER_WAIVERS"),
    "signoff_file": ("cutover_signoff_file", "cutover_signoff_file", "PYTEST_CUTOVER_SIGNOFF_FILE"),
    "workers": ("cutover_workers", "cutover_workers", "PYTEST_CUTOVER_WORKERS"),
}
#: Switches: option dest, ini key (a bool), environment variable (1/true/yes).
FLAGS = {
    "strict": ("cutover_strict", "cutover_strict", "PYTEST_CUTOVER_STRICT"),
    "enforce_window": (
        "cutover_enforce_window",
        "cutover_enforce_window",
        "PYTEST_CUTOVER_ENFORCE_WINDOW",
    ),
}


class Setting(NamedTuple):
    """A value and where it came from, in words for error messages."""

    value: str
    source: str
    base: Path


class Settings(NamedTuple):
    """The resolved settings of one run; kept in ``config.stash[SETTINGS_KEY]``."""

    plan: Path | None
    plan_shown_as: str
    fail_fast: FailFast
    evidence: Path | None = None
    redact: tuple[str, ...] = ()
    t0: datetime | None = None
    waivers: Path | None = None
    waivers_shown_as: str = ""
    signoff_file: Path | None = None
    signoffs: tuple[tuple[str, str], ...] = ()
    strict: bool = False
    enforce_window: bool = False
    allow_mutation: bool = False
    allow_unreadable: bool = False
    #: The phases ``--cutover-phase`` named (all phases when empty).
    phases: tuple[str, ...] = ()
    show_plan: bool = False
    workers: int = DEFAULT_WORKERS
    #: Whether the command line asked for a cutover (a ``--cutover-*`` option).
    asked: bool = False


SETTINGS_KEY = pytest.StashKey[Settings]()


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
    waivers = _existing_file(lookup(config, "waivers", environ))
    return Settings(
        plan,
        shown,
        _choice(lookup(config, "fail_fast", environ), FailFast.GATE),
        _evidence(lookup(config, "evidence", environ)),
        redact_patterns(config, environ),
        t0=_instant(lookup(config, "t0", environ)),
        waivers=waivers,
        waivers_shown_as=_shown(waivers, config) if waivers else "",
        signoff_file=_existing_file(lookup(config, "signoff_file", environ)),
        signoffs=_signoffs(config.getoption("cutover_signoff") or ()),
        strict=_flag(config, "strict", environ),
        enforce_window=_flag(config, "enforce_window", environ),
        allow_mutation=bool(config.getoption("cutover_allow_mutation")),
        allow_unreadable=bool(config.getoption("cutover_allow_unreadable")),
        phases=_phases(config.getoption("cutover_phase") or ()),
        show_plan=bool(config.getoption("cutover_show_plan")),
        workers=_workers(lookup(config, "workers", environ)),
        asked=any(config.getoption(dest) for dest in ASKING),
    )


#: The command-line options that ask for a cutover decision: every --cutover-* option but
#: --cutover-redact (redaction is wanted in any run). An ini key or an environment variable
#: is a project or machine default, not a request of this run.
ASKING = (
    *(dest for dest, _, _ in SETTINGS.values()),
    *(dest for dest, _, _ in FLAGS.values()),
    "cutover_signoff",
    "cutover_phase",
    "cutover_allow_mutation",
    "cutover_allow_unreadable",
    "cutover_show_plan",
)


def _phases(values: Sequence[str]) -> tuple[str, ...]:
    """``--cutover-phase`` values, repeated or comma-separated, each once, in order."""
    phases = (phase.strip() for value in values for phase in value.split(","))
    return tuple(dict.fromkeys(phase for phase in phases if phase))


def python_check_folders(config: pytest.Config, declared: Sequence[Path] | None) -> list[Path]:
    """The folders of the plan's Python checks: the plan's ``python_checks``, else the ini
    ``testpaths`` (read from the rootdir, globs expanded), else the rootdir."""
    if declared is not None:
        return [path.resolve() for path in declared]
    import glob  # noqa: PLC0415 - only runs with a plan

    found = [
        Path(match).resolve()
        for pattern in config.getini("testpaths")
        for match in sorted(glob.glob(str(config.rootpath / pattern), recursive=True))
    ]
    return found or [config.rootpath.resolve()]


def _workers(setting: Setting | None) -> int:
    if setting is None:
        return DEFAULT_WORKERS
    value = setting.value.strip()
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_WORKERS:
        raise pytest.UsageError(
            messages.BAD_CHOICE.format(
                source=setting.source,
                value=value,
                allowed=f"a whole number from 1 to {MAX_WORKERS}",
            )
        )
    return int(value)


def _flag(config: pytest.Config, name: str, environ: Mapping[str, str]) -> bool:
    dest, ini, env = FLAGS[name]
    if config.getoption(dest):
        return True
    try:
        if config.getini(ini):
            return True
    except (ValueError, pytest.UsageError) as error:  # pytest names the value, not the key
        inifile = config.inipath.name if config.inipath else "the ini file"
        raise pytest.UsageError(
            messages.BAD_INI_FLAG.format(key=ini, inifile=inifile, problem=error)
        ) from None
    value = environ.get(env, "").strip().lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise pytest.UsageError(
        messages.BAD_CHOICE.format(source=env, value=value, allowed="1, true, yes, 0, false, no")
    )


def _instant(setting: Setting | None) -> datetime | None:
    if setting is None:
        return None
    try:
        return parse_instant(setting.value)
    except ValueError as error:
        raise pytest.UsageError(f"{setting.source}: {error}") from None


def _existing_file(setting: Setting | None) -> Path | None:
    if setting is None:
        return None
    path = (setting.base / setting.value).resolve()
    if not path.is_file():
        raise pytest.UsageError(messages.FILE_NOT_FOUND.format(source=setting.source, path=path))
    return path


def _signoffs(values: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """``ROLE=NAME`` pairs from ``--cutover-signoff``."""
    pairs = []
    for value in values:
        role, equals, name = value.partition("=")
        if not equals or not role.strip() or not name.strip():
            raise pytest.UsageError(messages.BAD_SIGNOFF.format(value=value))
        pairs.append((role.strip(), name.strip()))
    return tuple(pairs)


def _evidence(setting: Setting | None) -> Path | None:
    if setting is None:
        return None
    directory = (setting.base / setting.value).resolve()
    from pytest_cutover.evidence.bundle import check_destination  # noqa: PLC0415 - only with evidence

    problem = check_destination(directory)
    if problem is not None:
        raise pytest.UsageError(
            messages.BAD_EVIDENCE_DIR.format(source=setting.source, problem=problem)
        )
    return directory


def redact_patterns(config: pytest.Config, environ: Mapping[str, str]) -> tuple[str, ...]:
    """Extra redaction patterns from all three places together: more redaction is safer."""
    inifile = config.inipath.name if config.inipath else "the ini file"
    sources = [
        *(("--cutover-redact", p) for p in config.getoption("cutover_redact") or ()),
        *((f"cutover_redact in {inifile}", p) for p in config.getini("cutover_redact")),
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
            raise pytest.UsageError(
                messages.BAD_REDACT_PATTERN.format(source=source, problem=error)
            ) from None
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
