"""The plugin's settings, each declared once, in :data:`TABLE`.

A row of the table is one setting: its command-line option ``--cutover-<name>`` (dest
``cutover_<name>``, metavar, action, help), its ini key ``cutover_<name>`` (help; its
type follows from the action: a string, a bool for a switch, a linelist for a
repeatable option) and environment variable ``PYTEST_CUTOVER_<NAME>`` when it has
them, and the function that reads and checks its value. :func:`add_options` declares
every option and ini key from the table and :func:`resolve` reads them back from it,
so no setting can have an option without its ini key, environment variable or check.

Precedence, the same for every setting that has all three places: the command-line
option wins, then the ini key, then the environment variable; the first of the
three that is set gives the value, and with none of them the setting keeps its
default (the plan falls back to ``cutover.yaml`` in the rootdir). A switch is on when
any of the three turns it on. Extra redaction patterns are added up from all three
places: more redaction is safer. Sign-offs, phases, the two ``--cutover-allow-*``
switches and ``--cutover-show-plan`` are command line only: they ask something of
one run, and are no project or machine default.

A bad value is a :class:`~pytest_cutover.errors.SettingError` whose one sentence
names where the value came from (option, ``key in file``, variable) and what is
allowed; :func:`resolve` and :func:`redact_patterns`, which the plugin calls, raise
it as :class:`pytest.UsageError` with the same words.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple

import pytest

from pytest_cutover import messages
from pytest_cutover.errors import SettingError
from pytest_cutover.model.clock import parse_instant
from pytest_cutover.model.failfast import FailFast
from pytest_cutover.safety.redact import parse_extra_pattern

DEFAULT_PLAN = "cutover.yaml"
#: Checks of one gate that run at once unless --cutover-workers says otherwise.
DEFAULT_WORKERS = 64
#: The most declared checks of one gate that may run at once.
MAX_WORKERS = 256
#: Seconds between the progress lines of a check still running, when the output is no terminal.
DEFAULT_PROGRESS_INTERVAL = 10.0
#: The longest interval between progress lines.
MAX_PROGRESS_INTERVAL = 3600.0
#: The option group of ``pytest --help``.
GROUP = ("cutover", "production cutover gates (pytest-cutover)")


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
    #: The Markdown summary file (``--cutover-summary``), written at the end of the run.
    summary: Path | None = None
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
    #: Seconds between progress lines without a terminal; 0: no progress shown.
    progress_interval: float = DEFAULT_PROGRESS_INTERVAL
    #: Whether the command line asked for a cutover (a ``--cutover-*`` option).
    asked: bool = False


SETTINGS_KEY = pytest.StashKey[Settings]()

Action = Literal["store", "append", "store_true"]
#: The ini type of each action: a value, a list of lines, a switch.
INI_TYPES: dict[Action, Literal["string", "linelist", "bool"]] = {
    "store": "string",
    "append": "linelist",
    "store_true": "bool",
}
#: The value of an ini key that is not set, by type (a linelist is an empty list).
INI_DEFAULTS = {"string": "", "bool": False}
IniNumber = Literal["int", "float"]
IniType = Literal["string", "linelist", "bool", "int", "float"]
#: pytest reads ini keys of type int and float from 8.4 on; before, a number is a string.
NUMBER_INI_TYPES = pytest.version_tuple >= (8, 4)


class Row(NamedTuple):
    """One setting, declared once: its option, ini key, environment variable and check.

    ``read`` gets what was found, by ``action``: for ``store`` the :class:`Setting` of
    the first place that sets it (or None), for ``append`` every :class:`Setting` of
    every place, for ``store_true`` whether the switch is on; it returns the value of
    :class:`Settings` field ``field`` (``name`` unless given), or raises
    :class:`~pytest_cutover.errors.SettingError`.
    """

    name: str
    help: str
    read: Callable[[Any, pytest.Config], object]
    metavar: str | None = None
    action: Action = "store"
    #: The ini key's help; a setting with an ini key has an environment variable too.
    ini: str | None = None
    field: str = ""
    #: Whether giving the option asks for a cutover decision (see :attr:`Settings.asked`).
    asks: bool = True
    #: The ini key holds a number of this type (a string on pytests that have no such type).
    number: IniNumber | None = None

    @property
    def key(self) -> str:
        """The :class:`Settings` field of the setting."""
        return self.field or self.name

    @property
    def option(self) -> str:
        return "--cutover-" + self.name.replace("_", "-")

    @property
    def dest(self) -> str:
        return f"cutover_{self.name}"

    @property
    def ini_key(self) -> str | None:
        return f"cutover_{self.name}" if self.ini is not None else None

    @property
    def env(self) -> str | None:
        return f"PYTEST_CUTOVER_{self.name.upper()}" if self.ini is not None else None

    @property
    def ini_type(self) -> IniType:
        """The type ``pytest --help`` shows for the ini key, and pytest reads it as."""
        if self.number is not None and NUMBER_INI_TYPES:
            return self.number
        return INI_TYPES[self.action]


# -- reading and checking values ------------------------------------------------------


def _plan(setting: Setting | None, config: pytest.Config) -> Path | None:
    if setting is None:
        default = (config.rootpath / DEFAULT_PLAN).resolve()
        return default if default.is_file() else None
    plan = (setting.base / setting.value).resolve()
    if not plan.is_file():
        raise SettingError(
            messages.PLAN_NOT_FOUND.format(source=setting.source, path=_shown(plan, config))
        )
    return plan


def _fail_fast(setting: Setting | None, config: pytest.Config) -> FailFast:
    if setting is None:
        return FailFast.GATE
    try:
        return FailFast(setting.value)
    except ValueError:
        allowed = ", ".join(mode.value for mode in FailFast)
        raise SettingError(
            messages.BAD_CHOICE.format(source=setting.source, value=setting.value, allowed=allowed)
        ) from None


def _evidence(setting: Setting | None, config: pytest.Config) -> Path | None:
    if setting is None:
        return None
    directory = (setting.base / setting.value).resolve()
    from pytest_cutover.evidence.bundle import check_destination  # noqa: PLC0415 - only with evidence

    problem = check_destination(directory)
    if problem is not None:
        raise SettingError(messages.BAD_EVIDENCE_DIR.format(source=setting.source, problem=problem))
    return directory


def _summary(setting: Setting | None, config: pytest.Config) -> Path | None:
    """The summary file: not a folder, below a folder this run may write in (missing
    folders are made at the end, as pytest's ``--junitxml`` makes them), and writable if
    it is there already."""
    if setting is None:
        return None
    path = (setting.base / setting.value).resolve()
    problem = None
    parent = next(folder for folder in path.parents if folder.exists())
    if path.is_dir():
        problem = messages.SUMMARY_IS_FOLDER.format(path=path)
    elif not parent.is_dir():
        problem = messages.SUMMARY_PARENT_NOT_FOLDER.format(path=parent)
    elif path.exists() and not os.access(path, os.W_OK):
        problem = messages.SUMMARY_NOT_WRITABLE.format(path=path)
    elif not path.exists() and not os.access(parent, os.W_OK | os.X_OK):
        problem = messages.SUMMARY_FOLDER_NOT_WRITABLE.format(path=parent)
    if problem is not None:
        raise SettingError(messages.BAD_SUMMARY_FILE.format(source=setting.source, problem=problem))
    return path


def _patterns(found: Sequence[Setting], config: pytest.Config) -> tuple[str, ...]:
    """Extra redaction patterns, each a Python regular expression; blank lines are skipped."""
    patterns = []
    for setting in found:
        if not setting.value.strip():
            continue
        try:
            parse_extra_pattern(setting.value)
        except ValueError as error:
            raise SettingError(
                messages.BAD_REDACT_PATTERN.format(source=setting.source, problem=error)
            ) from None
        patterns.append(setting.value)
    return tuple(patterns)


def _instant(setting: Setting | None, config: pytest.Config) -> datetime | None:
    if setting is None:
        return None
    try:
        return parse_instant(setting.value)
    except ValueError as error:
        raise SettingError(
            messages.FROM_SOURCE.format(source=setting.source, problem=error)
        ) from None


def _phases(found: Sequence[Setting], config: pytest.Config) -> tuple[str, ...]:
    """``--cutover-phase`` values, repeated or comma-separated, each once, in order."""
    phases = (phase.strip() for setting in found for phase in setting.value.split(","))
    return tuple(dict.fromkeys(phase for phase in phases if phase))


def _signoffs(found: Sequence[Setting], config: pytest.Config) -> tuple[tuple[str, str], ...]:
    """``ROLE=NAME`` pairs from ``--cutover-signoff``."""
    pairs = []
    for setting in found:
        role, equals, name = setting.value.partition("=")
        if not equals or not role.strip() or not name.strip():
            raise SettingError(messages.BAD_SIGNOFF.format(value=setting.value))
        pairs.append((role.strip(), name.strip()))
    return tuple(pairs)


def _existing_file(setting: Setting | None, config: pytest.Config) -> Path | None:
    if setting is None:
        return None
    path = (setting.base / setting.value).resolve()
    if not path.is_file():
        raise SettingError(messages.FILE_NOT_FOUND.format(source=setting.source, path=path))
    return path


def _workers(setting: Setting | None, config: pytest.Config) -> int:
    if setting is None:
        return DEFAULT_WORKERS
    value = setting.value.strip()
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_WORKERS:
        raise SettingError(
            messages.BAD_CHOICE.format(
                source=setting.source,
                value=value,
                allowed=f"a whole number from 1 to {MAX_WORKERS}",
            )
        )
    return int(value)


def _progress_interval(setting: Setting | None, config: pytest.Config) -> float:
    if setting is None:
        return DEFAULT_PROGRESS_INTERVAL
    value = setting.value.strip()
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= MAX_PROGRESS_INTERVAL:  # also refuses nan
        allowed = messages.SECONDS_ALLOWED.format(limit=f"{MAX_PROGRESS_INTERVAL:g}")
        raise SettingError(
            messages.BAD_CHOICE.format(source=setting.source, value=value, allowed=allowed)
        )
    return seconds


def _switch(on: bool, config: pytest.Config) -> bool:
    return on


#: Every setting, in the order of ``pytest --help``.
TABLE = (
    Row(
        "plan",
        "Cutover plan file (default: cutover.yaml in the rootdir)",
        _plan,
        metavar="PATH",
        ini="Cutover plan file, relative to the ini file",
    ),
    Row(
        "fail_fast",
        "What a failed check blocks: 'gate' (later gates, the default), "
        "'check' (every later check) or 'off' (nothing)",
        _fail_fast,
        metavar="{gate,check,off}",
        ini="What a failed check blocks: gate, check or off",
    ),
    Row(
        "evidence",
        "Write the evidence bundle (report.html, evidence.json, closeout.md, junit.xml, "
        "MANIFEST.sha256) to this folder",
        _evidence,
        metavar="DIR",
        ini="Evidence bundle folder, relative to the ini file",
    ),
    Row(
        "summary",
        "Write the decision, the gate table and the reasons as Markdown to this file "
        "(a CI job summary; GitHub Actions' step summary gets it anyway)",
        _summary,
        metavar="FILE",
        ini="Markdown summary file, relative to the ini file",
    ),
    Row(
        "redact",
        "Also redact what this regex matches (or its group named 'secret'); repeatable",
        _patterns,
        metavar="REGEX",
        action="append",
        ini="Extra redaction regexes, one per line",
        asks=False,  # redaction is wanted in any run
    ),
    Row(
        "t0",
        "The cutover moment, like 2026-12-01T22:00:00+01:00 (overrides the plan's t0)",
        _instant,
        metavar="TIME",
        ini="The cutover moment, with its UTC offset",
    ),
    Row(
        "phase",
        "Run and decide only the checks of this phase, like T-10; repeatable, or comma-separated",
        _phases,
        metavar="NAME",
        action="append",
        field="phases",
    ),
    Row(
        "enforce_window",
        "A phase run outside its time window is NO-GO, not a warning",
        _switch,
        action="store_true",
        ini="A phase outside its window is NO-GO",
    ),
    Row(
        "strict",
        "CONDITIONAL-GO exits 1, and warnings and advisory failures block",
        _switch,
        action="store_true",
        ini="CONDITIONAL-GO exits 1; warnings block",
    ),
    Row(
        "signoff",
        "A sign-off for one of the plan's roles; repeatable",
        _signoffs,
        metavar="ROLE=NAME",
        action="append",
        field="signoffs",
    ),
    Row(
        "signoff_file",
        "A YAML file of sign-offs: role: name, or role: {name: ..., at: ...}",
        _existing_file,
        metavar="FILE",
        ini="Sign-off file, relative to the ini file",
    ),
    Row(
        "waivers",
        "A YAML list of waivers, added to the plan's",
        _existing_file,
        metavar="FILE",
        ini="Waivers file, relative to the ini file",
    ),
    Row(
        "allow_mutation",
        "Let checks marked mutating run (never in a preflight phase)",
        _switch,
        action="store_true",
    ),
    Row(
        "allow_unreadable",
        "Let preflight commands run that the mutation guard cannot read "
        "(eval, $'..', brace expansion, a variable as the command); the deny list still holds",
        _switch,
        action="store_true",
    ),
    Row(
        "workers",
        f"Declared checks of one gate that run at once (default {DEFAULT_WORKERS}; "
        "1: one at a time)",
        _workers,
        metavar="N",
        ini="Declared checks of one gate that run at once",
        number="int",
    ),
    Row(
        "progress_interval",
        "Seconds between the progress lines of a declared check still running, when the "
        f"output is no terminal (default {DEFAULT_PROGRESS_INTERVAL:g}; 0: no progress "
        "shown, also not on a terminal)",
        _progress_interval,
        metavar="SECONDS",
        ini="Seconds between progress lines without a terminal; 0: none",
        asks=False,  # how the run is shown, not whether it decides
        number="float",
    ),
    Row(
        "show_plan",
        "Print the runbook (phases on the clock, gates, checks, sign-offs, rollback) "
        "and run nothing",
        _switch,
        action="store_true",
    ),
)
ROWS = {row.name: row for row in TABLE}


def add_options(parser: pytest.Parser) -> None:
    """Declare every ``--cutover-*`` option and ``cutover_*`` ini key of :data:`TABLE`."""
    group = parser.getgroup(*GROUP)
    for row in TABLE:
        extra = {} if row.action == "store_true" else {"metavar": row.metavar}
        group.addoption(
            row.option,
            dest=row.dest,
            action=row.action,
            default=False if row.action == "store_true" else None,
            help=row.help,
            **extra,
        )
    for row in TABLE:
        if row.ini_key is not None and row.ini is not None:
            ini_type = row.ini_type
            if ini_type == "linelist":
                parser.addini(row.ini_key, row.ini, type=ini_type)
            else:  # a number not set is None: 0 may be a value
                default = INI_DEFAULTS.get(ini_type)
                parser.addini(row.ini_key, row.ini, type=ini_type, default=default)


# -- resolution -------------------------------------------------------------------------


def resolve(config: pytest.Config, environ: Mapping[str, str] = os.environ) -> Settings:
    """Read every setting of :data:`TABLE`; raise :class:`pytest.UsageError` on a bad one."""
    with _usage_errors():
        values: dict[str, Any] = {
            row.field or row.name: _value(row, config, environ) for row in TABLE
        }
    default_plan = (config.rootpath / DEFAULT_PLAN).resolve()
    values["plan_shown_as"] = _shown(values["plan"] or default_plan, config)
    values["waivers_shown_as"] = _shown(values["waivers"], config) if values["waivers"] else ""
    values["asked"] = any(config.getoption(row.dest) for row in TABLE if row.asks)
    return Settings(**values)


def redact_patterns(config: pytest.Config, environ: Mapping[str, str]) -> tuple[str, ...]:
    """Extra redaction patterns from all three places together: more redaction is safer."""
    with _usage_errors():
        return _patterns(_every(ROWS["redact"], config, environ), config)


@contextmanager
def _usage_errors() -> Iterator[None]:
    """A :class:`SettingError` as pytest's usage error, with the same sentence."""
    try:
        yield
    except SettingError as error:
        raise pytest.UsageError(str(error)) from None


def _value(row: Row, config: pytest.Config, environ: Mapping[str, str]) -> object:
    if row.action == "append":
        return row.read(_every(row, config, environ), config)
    if row.action == "store_true":
        return row.read(_on(row, config, environ), config)
    return row.read(_first(row, config, environ), config)


def _first(row: Row, config: pytest.Config, environ: Mapping[str, str]) -> Setting | None:
    """The setting from the first place that sets it, or None."""
    option = config.getoption(row.dest)
    if option is not None:
        return Setting(str(option), row.option, config.invocation_params.dir)
    if row.ini_key is None or row.env is None:
        return None
    try:
        ini_value = config.getini(row.ini_key)
    except (TypeError, ValueError, pytest.UsageError) as error:  # a number pytest cannot read
        raise SettingError(
            messages.BAD_INI_NUMBER.format(
                key=row.ini_key,
                inifile=_inifile(config),
                problem=error,
                allowed=messages.INI_NUMBER_ALLOWED.get(row.number or "", "a number"),
            )
        ) from None
    if ini_value is not None and ini_value != "":
        return Setting(str(ini_value), _ini_source(row.ini_key, config), _ini_base(config))
    if environ.get(row.env):
        return Setting(environ[row.env], row.env, config.invocation_params.dir)
    return None


def _every(row: Row, config: pytest.Config, environ: Mapping[str, str]) -> list[Setting]:
    """Every value of a repeatable setting: the options, the ini lines, the variable's lines."""
    here = config.invocation_params.dir
    found = [Setting(value, row.option, here) for value in config.getoption(row.dest) or ()]
    if row.ini_key is not None and row.env is not None:
        source, base = _ini_source(row.ini_key, config), _ini_base(config)
        found += [Setting(value, source, base) for value in config.getini(row.ini_key)]
        found += [Setting(value, row.env, here) for value in environ.get(row.env, "").splitlines()]
    return found


def _on(row: Row, config: pytest.Config, environ: Mapping[str, str]) -> bool:
    """Whether the option, the ini key or the environment variable turns the switch on."""
    if config.getoption(row.dest):
        return True
    if row.ini_key is None or row.env is None:
        return False
    try:
        if config.getini(row.ini_key):
            return True
    except (ValueError, pytest.UsageError) as error:  # pytest names the value, not the key
        raise SettingError(
            messages.BAD_INI_FLAG.format(key=row.ini_key, inifile=_inifile(config), problem=error)
        ) from None
    value = environ.get(row.env, "").strip().lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise SettingError(
        messages.BAD_CHOICE.format(
            source=row.env, value=value, allowed="1, true, yes, 0, false, no"
        )
    )


def _inifile(config: pytest.Config) -> str:
    return config.inipath.name if config.inipath else "the ini file"


def _ini_source(key: str, config: pytest.Config) -> str:
    return f"{key} in {_inifile(config)}"


def _ini_base(config: pytest.Config) -> Path:
    """What a path in the ini file is relative to."""
    return config.inipath.parent if config.inipath else config.rootpath


def _shown(path: Path, config: pytest.Config) -> str:
    """``path`` relative to where pytest was started, when it is below it."""
    try:
        return str(path.relative_to(config.invocation_params.dir))
    except ValueError:
        return str(path)


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
