"""One settings table: each setting's option, ini key, environment variable and check are
declared once, and ``--help``, the ini keys and resolution all come from it."""

from __future__ import annotations

import pytest

from pytest_cutover import messages
from pytest_cutover.model.failfast import FailFast
from pytest_cutover.run.settings import MAX_WORKERS, TABLE, Settings, resolve

#: The fields of :class:`Settings` that are worked out from others, not read.
DERIVED = {"plan_shown_as", "waivers_shown_as", "asked"}


def test_every_setting_field_is_read_from_exactly_one_row_of_the_table() -> None:
    keys = [row.key for row in TABLE]
    assert len(keys) == len(set(keys))
    assert set(keys) == set(Settings._fields) - DERIVED


def test_each_row_names_its_option_ini_key_and_variable_alike() -> None:
    for row in TABLE:
        suffix = row.name.replace("_", "-")
        assert row.option == f"--cutover-{suffix}"
        assert row.dest == f"cutover_{row.name}"
        if row.ini is None:
            assert row.ini_key is None
            assert row.env is None
        else:
            assert row.ini_key == f"cutover_{row.name}"
            assert row.env == f"PYTEST_CUTOVER_{row.name.upper()}"


@pytest.mark.parametrize("text", [t for row in TABLE for t in (row.help, row.ini) if t])
def test_a_help_text_starts_with_a_capital_and_has_no_final_period(text: str) -> None:
    assert text[0].isupper()
    assert not text.endswith(".")


def test_help_lists_every_option_with_its_metavar_and_every_ini_key_with_its_type(
    pytester: pytest.Pytester,
) -> None:
    result = pytester.runpytest("--help")
    assert result.ret == pytest.ExitCode.OK
    shown = " ".join(" ".join(result.stdout.lines).split())  # help text wraps
    for row in TABLE:
        usage = row.option if row.metavar is None else f"{row.option}={row.metavar}"
        assert f"{usage} {' '.join(row.help.split())}" in shown
        if row.ini_key is not None:
            assert f"{row.ini_key} ({row.ini_type}): {row.ini}" in shown


def _settings(pytester: pytest.Pytester, *args: str, **environ: str) -> Settings:
    return resolve(pytester.parseconfig(*args), environ)


def test_the_option_wins_over_the_ini_key_which_wins_over_the_variable(
    pytester: pytest.Pytester,
) -> None:
    variable = {"PYTEST_CUTOVER_FAIL_FAST": "off"}
    assert _settings(pytester, **variable).fail_fast is FailFast.OFF
    pytester.makeini("[pytest]\ncutover_fail_fast = check\n")
    assert _settings(pytester, **variable).fail_fast is FailFast.CHECK
    ruled = _settings(pytester, "--cutover-fail-fast=gate", **variable)
    assert ruled.fail_fast is FailFast.GATE


def test_a_switch_is_on_when_any_place_turns_it_on(pytester: pytest.Pytester) -> None:
    assert not _settings(pytester).strict
    assert _settings(pytester, PYTEST_CUTOVER_STRICT="yes").strict
    pytester.makeini("[pytest]\ncutover_strict = false\n")
    assert _settings(pytester, PYTEST_CUTOVER_STRICT="1").strict
    assert _settings(pytester, "--cutover-strict").strict


def test_redaction_patterns_add_up_from_all_three_places(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ncutover_redact =\n    from-ini\n")
    settings = _settings(
        pytester, "--cutover-redact=from-option", PYTEST_CUTOVER_REDACT="from-env\n\n"
    )
    assert settings.redact == ("from-option", "from-ini", "from-env")


def test_only_a_command_line_option_asks_for_a_cutover(pytester: pytest.Pytester) -> None:
    assert not _settings(pytester, PYTEST_CUTOVER_STRICT="1").asked
    assert not _settings(pytester, "--cutover-redact=x").asked
    assert _settings(pytester, "--cutover-phase=T0").asked


def test_a_bad_value_is_a_usage_error_that_names_its_source(pytester: pytest.Pytester) -> None:
    with pytest.raises(pytest.UsageError) as excinfo:
        _settings(pytester, PYTEST_CUTOVER_WORKERS="0")
    assert str(excinfo.value) == messages.BAD_CHOICE.format(
        source="PYTEST_CUTOVER_WORKERS",
        value="0",
        allowed=f"a whole number from 1 to {MAX_WORKERS}",
    )


#: The ini types pytest can read numbers as: int and float from pytest 8.4 on.
NUMBERS_READ = pytest.version_tuple >= (8, 4)


def test_help_shows_the_number_ini_keys_as_numbers(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    shown = " ".join(" ".join(result.stdout.lines).split())
    workers, interval = ("int", "float") if NUMBERS_READ else ("string", "string")
    assert f"cutover_workers ({workers}): Declared checks of one gate" in shown
    assert f"cutover_progress_interval ({interval}): Seconds between progress" in shown


def test_number_ini_keys_are_read_from_ini_and_toml_alike(pytester: pytest.Pytester) -> None:
    ini = pytester.path / "pytest.ini"
    ini.write_text("[pytest]\ncutover_workers = 3\ncutover_progress_interval = 2.5\n")
    settings = _settings(pytester)
    assert (settings.workers, settings.progress_interval) == (3, 2.5)
    ini.unlink()
    pytester.makepyprojecttoml(
        "[tool.pytest.ini_options]\ncutover_workers = 5\ncutover_progress_interval = 0\n"
    )
    settings = _settings(pytester)
    assert (settings.workers, settings.progress_interval) == (5, 0.0)
    if pytest.version_tuple >= (9,):  # pytest 9's own TOML table keeps a number's type
        pytester.makepyprojecttoml("[tool.pytest]\ncutover_workers = 7\n")
        assert _settings(pytester).workers == 7


@pytest.mark.parametrize(
    ("ini", "problem"),
    [
        ("cutover_workers = many", "many"),
        ("cutover_workers = 0", "'0' is not a valid value; allowed: a whole number from 1"),
        ("cutover_workers = 2.5", "2.5"),
        ("cutover_progress_interval = soon", "soon"),
        ("cutover_progress_interval = -1", "is not a valid value; allowed: a number of seconds"),
    ],
)
def test_a_bad_number_in_the_ini_file_is_one_sentence_that_names_the_key(
    pytester: pytest.Pytester, ini: str, problem: str
) -> None:
    (pytester.path / "pytest.ini").write_text(f"[pytest]\n{ini}\n")
    pytester.makepyfile("def test_nothing(): pass\n")
    result = pytester.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if line.startswith("ERROR:")]
    assert len(errors) == 1, result.stderr.lines
    assert errors[0].startswith(f"ERROR: {ini.split(maxsplit=1)[0]} in pytest.ini: ")
    assert problem in errors[0]
    assert "Traceback" not in result.stderr.str()
