"""Bad input gets one sentence and exit 4, in bounded time and memory.

Hostile YAML runs in a real pytest process capped at :data:`MEMORY` of address space
and :data:`GENEROUS` seconds: before the limits an alias bomb took minutes and
gigabytes, deep nesting blew the stack. The other bad values run in-process under
pytest-timeout's same generous limit.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable

import pytest
from cutover_project import CutoverProject

from pytest_cutover import messages
from pytest_cutover.model.clock import FIRST_YEAR, LAST_YEAR, MAX_PHASE_HOURS
from pytest_cutover.plan.yaml_source import MAX_BYTES, MAX_DEPTH, MAX_VALUES
from pytest_cutover.run.settings import MAX_WORKERS

#: Seconds a run may take before it counts as a hang (never a speed target).
GENEROUS = 60
#: The address space a run with a hostile file may use.
MEMORY = 1024 * 1024 * 1024

pytestmark = pytest.mark.timeout(GENEROUS)

_BOUNDED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))
import pytest
sys.exit(pytest.main(sys.argv[1:]))
"""

GATES = """\
cutover: Bad input
gates:
  - {id: G1, phase: T-60}
  - {id: G2, phase: T0}
"""
CHECKS = "checks:\n  - {id: sh, gate: G1, tool: sh}\n  - {id: sh-at-t0, gate: G2, tool: sh}\n"


def bounded_run(project: CutoverProject, *args: str) -> tuple[int, str]:
    """Run pytest in a new process with capped memory; its exit code and all it printed."""
    env = {**os.environ, "PYTEST_ADDOPTS": "-p no:randomly -p no:cacheprovider"}
    done = subprocess.run(
        [sys.executable, "-c", _BOUNDED.format(memory=MEMORY), *args],
        cwd=project.path,
        env=env,
        capture_output=True,
        text=True,
        timeout=GENEROUS,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def assert_one_sentence(output: str, sentence: str) -> None:
    """The usage error says ``sentence``, with no traceback and no internal error."""
    assert f"ERROR: {sentence}" in output, output
    assert "Traceback" not in output, output
    assert "INTERNALERROR" not in output, output


def alias_bomb(levels: int = 9) -> str:
    """A billion laughs: each level refers to the one before ten times (10**levels values)."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels + "\n"


def deep_through_aliases() -> str:
    """Each anchor nests only 20 levels, but expanded the last one nests 80 deep."""
    lines = [f"a0: &a0 {deep(20).strip()}"]
    lines += [f"a{i}: &a{i} {'[' * 20}*a{i - 1}{']' * 20}" for i in range(1, 4)]
    return "\n".join(lines) + "\n"


# -- every YAML file is read within limits ------------------------------------------------

#: How each YAML file is given to a run: its name, the options that read it, its kind.
SIDE_FILES = {
    "plan": ("cutover.yaml", (), "plans"),
    "waivers": ("waivers.yaml", ("--cutover-waivers=waivers.yaml",), "waivers files"),
    "signoff": ("signoff.yaml", ("--cutover-signoff-file=signoff.yaml",), "sign-off files"),
}
#: Hostile YAML by name: the text, and the sentence it gets for a kind of file.
HOSTILE: dict[str, tuple[str, Callable[[str], str]]] = {
    "alias bomb": (
        alias_bomb(),
        lambda what: messages.YAML_TOO_MANY_VALUES.format(limit=MAX_VALUES, what=what),
    ),
    "deep nesting": (
        deep(10_000),
        lambda what: messages.YAML_TOO_DEEP.format(limit=MAX_DEPTH, what=what),
    ),
    "deep through aliases": (
        deep_through_aliases(),
        lambda what: messages.YAML_TOO_DEEP.format(limit=MAX_DEPTH, what=what),
    ),
    "recursive alias": (
        "a: &a [x, *a]\n",
        lambda what: messages.PLAN_INVALID_YAML.format(
            problem=messages.YAML_RECURSIVE_ALIAS.format(alias="a")
        ),
    ),
    "oversized": (
        "x: " + "a" * MAX_BYTES + "\n",
        lambda what: messages.YAML_TOO_LARGE.format(limit=MAX_BYTES, what=what),
    ),
}


@pytest.mark.parametrize("which", list(SIDE_FILES))
@pytest.mark.parametrize("hostile", list(HOSTILE))
def test_a_hostile_yaml_file_is_refused_in_bounded_time_and_memory(
    cutover_project: CutoverProject, which: str, hostile: str
) -> None:
    name, options, what = SIDE_FILES[which]
    text, sentence = HOSTILE[hostile]
    if which != "plan":
        cutover_project.write("cutover.yaml", GATES + "signoff: {gate: G1, roles: [rm]}\n" + CHECKS)
    cutover_project.path.joinpath(name).write_text(text, encoding="utf-8")
    code, output = bounded_run(cutover_project, *options)
    assert code == pytest.ExitCode.USAGE_ERROR, output
    assert_one_sentence(output, "")
    assert re.search(rf"^ERROR: (\S*/)?{name}:\d+: {re.escape(sentence(what))}$", output, re.M)


def test_a_plan_within_the_limits_still_loads(cutover_project: CutoverProject) -> None:
    """Anchors and aliases that stay small are fine, and so is nesting below the limit."""
    cutover_project.plan(
        GATES
        + "checks:\n"
        + "  - &sh {id: sh, gate: G1, tool: sh, retry: &again {attempts: 2, interval: 0}}\n"
        + "  - {id: sh2, gate: G1, tool: sh, retry: *again}\n"
    )
    result = cutover_project.run()
    result.assert_outcomes(passed=2)


# -- times the clock can compute with -------------------------------------------------------

OUTSIDE_YEARS = (
    f"lies outside the years the cutover clock works in; "
    f"give a time in the years {FIRST_YEAR} to {LAST_YEAR}"
)


@pytest.mark.parametrize("t0", ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00"])
def test_a_t0_at_the_ends_of_the_calendar_is_refused(
    cutover_project: CutoverProject, t0: str
) -> None:
    cutover_project.plan(GATES + CHECKS)
    result = cutover_project.run(f"--cutover-t0={t0}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert_one_sentence(result.stderr.str(), f"--cutover-t0: '{t0}' {OUTSIDE_YEARS}")


def test_a_plan_t0_at_the_end_of_the_calendar_names_its_line(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.plan('t0: "9999-12-31T23:59:59+00:00"\n' + GATES + CHECKS)
    result = cutover_project.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert_one_sentence(
        result.stderr.str(), f"cutover.yaml:1: t0: '9999-12-31T23:59:59+00:00' {OUTSIDE_YEARS}"
    )


def test_a_waiver_expiring_at_the_end_of_the_calendar_is_refused(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.plan(GATES + CHECKS)
    cutover_project.write(
        "waivers.yaml",
        "- {check: sh, justification: j, approver: a, expires: '9999-12-31T23:59:59-05:00'}\n",
    )
    result = cutover_project.run("--cutover-waivers=waivers.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert_one_sentence(
        result.stderr.str(),
        f"waivers.yaml:1: [0].expires: '9999-12-31T23:59:59-05:00' {OUTSIDE_YEARS}",
    )


def test_a_phase_too_far_from_t0_is_refused(cutover_project: CutoverProject) -> None:
    cutover_project.plan(
        GATES.replace("gates:", "phases: [T-60, T0, T+99999999h]\ngates:") + CHECKS
    )
    result = cutover_project.run("--cutover-t0=2026-12-01T22:00:00+01:00")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert_one_sentence(
        result.stderr.str(),
        f"cutover.yaml:2: phases[2]: phase T+99999999h starts more than {MAX_PHASE_HOURS} "
        f"hours from T0; phases lie within {MAX_PHASE_HOURS}h of T0",
    )


def test_phases_out_of_clock_order_are_refused(cutover_project: CutoverProject) -> None:
    cutover_project.plan(GATES.replace("gates:", "phases: [T+10, T-60, T0]\ngates:") + CHECKS)
    result = cutover_project.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert_one_sentence(
        result.stderr.str(),
        "cutover.yaml:2: "
        + messages.PHASES_OUT_OF_ORDER.format(where="phases[1]", phase="T-60", previous="T+10"),
    )


def test_an_offset_beyond_a_day_names_the_value_and_the_range(
    cutover_project: CutoverProject,
) -> None:
    result = cutover_project.run("--cutover-t0=2026-12-01T22:00:00+25:00")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert_one_sentence(
        result.stderr.str(),
        "--cutover-t0: '2026-12-01T22:00:00+25:00' has the UTC offset +25:00; "
        "offsets lie between -23:59 and +23:59",
    )


def test_a_day_that_does_not_exist_names_the_value(
    cutover_project: CutoverProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTEST_CUTOVER_T0", "2026-02-30T22:00:00+00:00")
    result = cutover_project.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert_one_sentence(
        result.stderr.str(),
        "PYTEST_CUTOVER_T0: '2026-02-30T22:00:00+00:00' is not a real date and time "
        "(day is out of range for month), like 2026-12-01T22:00:00+01:00",
    )


# -- values validated when the plan loads ---------------------------------------------------


def test_an_unparsable_url_is_refused_when_the_plan_loads(cutover_project: CutoverProject) -> None:
    cutover_project.plan(GATES + "checks:\n  - {id: web, gate: G2, http: 'http://[::1'}\n")
    result = cutover_project.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert_one_sentence(
        result.stderr.str(), "cutover.yaml:6: checks[0] (web).http: 'http://[::1' is not an http"
    )


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_a_number_that_is_not_finite_is_refused(
    cutover_project: CutoverProject, value: str
) -> None:
    cutover_project.plan(GATES + f"checks:\n  - {{id: sh, gate: G1, tool: sh, timeout: {value}}}\n")
    result = cutover_project.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    sentence = messages.NOT_FINITE.format(where="checks[0] (sh).timeout", value=value)
    assert_one_sentence(result.stderr.str(), f"cutover.yaml:6: {sentence}")
    assert result.stderr.str().count("cutover.yaml:6") == 1


def test_a_timeout_longer_than_a_day_is_refused(cutover_project: CutoverProject) -> None:
    cutover_project.plan(GATES + "checks:\n  - {id: sh, gate: G1, tool: sh, timeout: 100000000}\n")
    result = cutover_project.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    sentence = messages.TOO_LARGE.format(
        where="checks[0] (sh).timeout", limit=86400, value=100000000
    )
    assert_one_sentence(result.stderr.str(), f"cutover.yaml:6: {sentence}")


def test_a_plan_without_gates_is_refused(cutover_project: CutoverProject) -> None:
    cutover_project.plan("cutover: Empty\ngates: []\n")
    result = cutover_project.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert_one_sentence(
        result.stderr.str(), "cutover.yaml:2: " + messages.EMPTY_VALUE.format(where="gates")
    )


def test_a_value_that_does_not_fit_its_tag_is_refused(cutover_project: CutoverProject) -> None:
    cutover_project.plan(GATES + "checks: !!int many\n")
    result = cutover_project.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert_one_sentence(result.stderr.str(), "cutover.yaml:1: not valid YAML: a value does not")


def test_unprintable_characters_are_refused(cutover_project: CutoverProject) -> None:
    cutover_project.plan(GATES + "checks: \x00\n")
    result = cutover_project.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert_one_sentence(result.stderr.str(), "cutover.yaml:1: not valid YAML: unacceptable")


# -- messages that name the source and the value --------------------------------------------


def test_an_error_in_a_waivers_file_names_the_waivers_file(cutover_project: CutoverProject) -> None:
    cutover_project.plan(GATES + CHECKS)
    cutover_project.write("waivers.yaml", "check: sh\n")
    result = cutover_project.run("--cutover-waivers=waivers.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert_one_sentence(
        result.stderr.str(), "waivers.yaml:1: the waivers file: must be a list, got a mapping"
    )
    assert "the plan" not in result.stderr.str()


def test_an_unreadable_side_file_names_its_kind(cutover_project: CutoverProject) -> None:
    cutover_project.plan(GATES + "signoff: {gate: G1, roles: [rm]}\n" + CHECKS)
    cutover_project.path.joinpath("signoff.yaml").write_bytes(b"rm: \xff\n")
    result = cutover_project.run("--cutover-signoff-file=signoff.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert_one_sentence(result.stderr.str(), "")
    assert "cannot read the sign-off file: 'utf-8' codec can't decode" in result.stderr.str()


def test_a_bad_ini_boolean_names_the_key(cutover_project: CutoverProject) -> None:
    cutover_project.plan(GATES + CHECKS)
    cutover_project.ini("[pytest]\ncutover_strict = maybe\n")
    result = cutover_project.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert_one_sentence(
        result.stderr.str(),
        messages.BAD_INI_FLAG.format(
            key="cutover_strict", inifile="tox.ini", problem="invalid truth value 'maybe'"
        ),
    )


@pytest.mark.parametrize("key", ["cutover_strict", "cutover_enforce_window"])
def test_a_bad_ini_boolean_names_the_key_in_a_run_without_a_plan(
    cutover_project: CutoverProject, key: str
) -> None:
    """The lookout asks the ini keys whether the run needs opening; a bad boolean opens it,
    and the settings name the key (not pytest's bare "invalid truth value")."""
    cutover_project.test_modules("def test_plain():\n    pass\n")
    cutover_project.ini(f"[pytest]\n{key} = maybe\n")
    result = cutover_project.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert_one_sentence(
        result.stderr.str(),
        messages.BAD_INI_FLAG.format(
            key=key, inifile="tox.ini", problem="invalid truth value 'maybe'"
        ),
    )


@pytest.mark.parametrize("value", ["²", "0", str(MAX_WORKERS + 1), "-1"])
def test_a_worker_count_outside_the_range_is_refused(
    cutover_project: CutoverProject, value: str
) -> None:
    result = cutover_project.run(f"--cutover-workers={value}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    allowed = f"a whole number from 1 to {MAX_WORKERS}"
    assert_one_sentence(
        result.stderr.str(),
        messages.BAD_CHOICE.format(source="--cutover-workers", value=value, allowed=allowed),
    )


SIGNED_PLAN = GATES + "signoff: {gate: G1, roles: [rm]}\n" + CHECKS


def test_one_role_signed_off_by_two_names_is_refused_naming_both(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.plan(SIGNED_PLAN)
    result = cutover_project.run("--cutover-signoff", "rm=Ana", "--cutover-signoff", "rm=Bo")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert_one_sentence(
        result.stderr.str(),
        messages.SIGNOFF_CONFLICT.format(
            source="--cutover-signoff",
            role="rm",
            first="Ana",
            first_source="--cutover-signoff",
            second="Bo",
        ),
    )


def test_a_role_signed_off_on_the_command_line_and_in_the_file_by_two_names_is_refused(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.plan(SIGNED_PLAN)
    cutover_project.write("signoff.yaml", "rm: Bo\n")
    result = cutover_project.run("--cutover-signoff=rm=Ana", "--cutover-signoff-file=signoff.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "role 'rm' is signed off twice, as 'Ana' (--cutover-signoff) and as 'Bo'" in (
        result.stderr.str()
    )


def test_the_same_sign_off_given_twice_is_one_sign_off(cutover_project: CutoverProject) -> None:
    cutover_project.plan(SIGNED_PLAN)
    result = cutover_project.run("-v", "--cutover-signoff=rm=Ana", "--cutover-signoff=rm=Ana")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*cutover.yaml::signoff-rm PASSED*", "GO: Bad input"])
