"""The plan: where it is found, how it is validated, how its checks are collected."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from cutover_project import CutoverProject

from pytest_cutover import messages
from pytest_cutover.errors import PlanError
from pytest_cutover.model.cutover import DEFAULT_PHASES
from pytest_cutover.plan.load import check_id_of, load_plan
from pytest_cutover.plan.schema import check_kinds, plan_schema

GATES = """# yaml-language-server: $schema=pytest_cutover/schema/plan.schema.json
cutover: Plan test
gates:
  - {id: G1, title: Tooling ready, phase: T-60}
  - {id: G2, title: Config valid, phase: T-30}
"""


def plan_error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "cutover.yaml"
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    with pytest.raises(PlanError) as excinfo:
        load_plan(path, "cutover.yaml")
    return str(excinfo.value)


# -- validation: one sentence per problem, with file and line ---------------------------


def test_a_valid_plan_loads_with_defaults(tmp_path: Path) -> None:
    path = tmp_path / "cutover.yaml"
    path.write_text(GATES + "checks:\n  - {gate: G1, tool: bash}\n", encoding="utf-8")
    plan = load_plan(path)
    assert plan.name == "Plan test"
    assert plan.timeline.phases == DEFAULT_PHASES
    assert [gate.id for gate in plan.gates] == ["G1", "G2"]
    assert [(c.id, c.kind, c.line) for c in plan.checks] == [("tool-bash", "tool", 7)]


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    error = plan_error(tmp_path, "cutover: x\ngates: [\n  {id: G1\n")
    assert error.startswith("cutover.yaml:4: not valid YAML: ")


def test_a_plan_that_is_not_a_mapping_says_what_it_must_be(tmp_path: Path) -> None:
    assert plan_error(tmp_path, "- G1\n") == "cutover.yaml:1: " + (
        messages.PLAN_NOT_A_MAPPING.format(got="a list")
    )


def test_an_unknown_key_names_the_key_and_the_allowed_ones(tmp_path: Path) -> None:
    error = plan_error(tmp_path, GATES + "  - {id: G3, phase: T-10, titel: Typo}\n")
    assert error == (
        "cutover.yaml:6: gates[2]: unknown key 'titel'; allowed keys: id, title, phase"
    )


def test_an_unknown_top_level_key_is_reported(tmp_path: Path) -> None:
    error = plan_error(tmp_path, GATES + "rollbak: {}\n")
    assert error == (
        "cutover.yaml:6: the plan: unknown key 'rollbak'; allowed keys: cutover, t0, phases, "
        "gates, checks, python_checks, signoff, waivers, rollback, mutation_guard"
    )


def test_a_duplicate_gate_id_names_both_lines(tmp_path: Path) -> None:
    error = plan_error(tmp_path, GATES + "  - {id: G1, phase: T-10}\n")
    assert error == "cutover.yaml:6: " + messages.DUPLICATE_GATE.format(
        where="gates[2]", id="G1", first=4
    )


def test_a_duplicate_check_id_names_both_lines(tmp_path: Path) -> None:
    checks = "checks:\n  - {id: bash, gate: G1, tool: bash}\n  - {id: bash, gate: G2, tool: sh}\n"
    error = plan_error(tmp_path, GATES + checks)
    assert error == "cutover.yaml:8: " + messages.DUPLICATE_CHECK.format(
        where="checks[1] (bash)", id="bash", first=7
    )


def test_two_checks_deriving_the_same_id_need_explicit_ids(tmp_path: Path) -> None:
    checks = "checks:\n  - {gate: G1, tool: bash}\n  - {gate: G2, tool: bash}\n"
    error = plan_error(tmp_path, GATES + checks)
    assert "duplicate check id 'tool-bash' (first at line 7)" in error
    assert "give this check an explicit id" in error


def test_a_check_naming_an_unknown_gate_lists_the_gates(tmp_path: Path) -> None:
    error = plan_error(tmp_path, GATES + "checks:\n  - {gate: G9, tool: bash}\n")
    assert error == "cutover.yaml:7: " + messages.UNKNOWN_GATE.format(
        where="checks[0]", gate="G9", gates="G1, G2"
    )


def test_a_gate_naming_an_unknown_phase_lists_the_phases(tmp_path: Path) -> None:
    error = plan_error(tmp_path, GATES + "  - {id: G3, phase: T-45}\n")
    assert error == "cutover.yaml:6: " + messages.UNKNOWN_PHASE.format(
        where="gates[2]", phase="T-45", phases=", ".join(DEFAULT_PHASES)
    )


def test_a_wrong_type_says_what_was_expected_and_what_was_given(tmp_path: Path) -> None:
    error = plan_error(tmp_path, GATES + "checks:\n  - {gate: G1, command: bash -n x.sh}\n")
    assert error == "cutover.yaml:7: " + messages.WRONG_TYPE.format(
        where="checks[0].command", expected="a list of strings", got="the string 'bash -n x.sh'"
    )


def test_a_missing_required_key_is_named(tmp_path: Path) -> None:
    error = plan_error(tmp_path, GATES + "checks:\n  - {tool: bash}\n")
    assert error == "cutover.yaml:7: " + messages.MISSING_KEY.format(where="checks[0]", key="gate")


def test_a_check_with_two_kinds_is_rejected(tmp_path: Path) -> None:
    error = plan_error(tmp_path, GATES + "checks:\n  - {gate: G1, tool: bash, path: x}\n")
    assert error == "cutover.yaml:7: " + messages.ONE_KIND.format(
        where="checks[0]", kinds=", ".join(check_kinds())
    )


def test_a_parameter_of_another_kind_is_rejected_with_the_kinds_own(tmp_path: Path) -> None:
    error = plan_error(tmp_path, GATES + "checks:\n  - {gate: G1, path: x, timeout: 5}\n")
    assert error == "cutover.yaml:7: " + messages.KIND_OPTION.format(
        where="checks[0]",
        key="timeout",
        kind="path",
        allowed="id, gate, title, retry, severity, mutating, type, executable, non_empty, "
        "contains, sha256",
    )


def test_an_id_outside_the_safe_characters_is_rejected(tmp_path: Path) -> None:
    error = plan_error(tmp_path, GATES + "checks:\n  - {id: '<b>x', gate: G1, tool: bash}\n")
    assert error == (
        "cutover.yaml:7: checks[0] (<b>x).id: '<b>x' is not allowed here; use letters, digits, "
        "'.', '_', '+' and '-', starting with a letter or digit"
    )


def test_phases_must_include_t0(tmp_path: Path) -> None:
    error = plan_error(tmp_path, "cutover: x\nphases: [prep, go]\ngates: [{id: G1, phase: go}]\n")
    assert error == "cutover.yaml:2: " + messages.PHASES_WITHOUT_T0.format(phases="prep, go")


def test_a_duplicate_yaml_key_is_not_silently_dropped(tmp_path: Path) -> None:
    error = plan_error(tmp_path, GATES + "gates: []\n")
    assert error == "cutover.yaml:6: not valid YAML: duplicate key 'gates' (first at line 3)"


def test_every_problem_is_reported_each_on_its_own_line(tmp_path: Path) -> None:
    error = plan_error(tmp_path, GATES + "  - {id: G3, phase: T-10, x: 1}\nchecks: 5\n")
    assert error.splitlines() == [
        "cutover.yaml:6: gates[2]: unknown key 'x'; allowed keys: id, title, phase",
        "cutover.yaml:7: checks: must be a list, got the number 5",
    ]


def test_derived_check_ids_are_stable_and_safe() -> None:
    assert check_id_of({"gate": "G1", "tool": "bun"}) == "tool-bun"
    assert check_id_of({"gate": "G1", "command": ["bash", "-n", "a b.sh"]}) == (
        "command-bash--n-a-b.sh"
    )


def test_the_schema_is_shipped_as_json_in_the_package() -> None:
    schema = plan_schema()
    assert schema["$schema"].endswith("2020-12/schema")
    assert set(schema["properties"]) == {
        "cutover", "t0", "phases", "gates", "checks", "python_checks", "signoff", "waivers",
        "rollback", "mutation_guard",
    }  # fmt: skip


# -- end to end: exit 4 with the sentence, never a traceback ----------------------------


def test_a_bad_plan_is_a_usage_error_without_traceback(cutover_project: CutoverProject) -> None:
    cutover_project.plan(GATES + "checks:\n  - {gate: G9, tool: bash}\n")
    result = cutover_project.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: cutover.yaml:7: checks[0]: unknown gate 'G9'; gates: G1, G2"]
    )
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


def test_a_missing_plan_named_by_option_is_a_usage_error(cutover_project: CutoverProject) -> None:
    result = cutover_project.run("--cutover-plan", "nope.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: " + messages.PLAN_NOT_FOUND.format(source="--cutover-plan", path="nope.yaml")]
    )


# -- discovery: option, then ini, then environment, then cutover.yaml in the rootdir ----


def named_plan(cutover_project: CutoverProject, name: str, cutover: str) -> Path:
    checks = "checks:\n  - {gate: G1, tool: sh}\n  - {gate: G2, tool: bash}\n"
    return cutover_project.plan(GATES.replace("Plan test", cutover) + checks, name)


def test_without_settings_the_plan_is_cutover_yaml_in_the_rootdir(
    cutover_project: CutoverProject,
) -> None:
    named_plan(cutover_project, "cutover.yaml", "Rootdir plan")
    cutover_project.ini("[pytest]\n")
    cutover_project.mkdir("sub").joinpath("test_sub.py").write_text("def test_sub(): pass\n")
    result = cutover_project.run()
    result.stdout.fnmatch_lines(
        ["cutover plan: cutover.yaml (Rootdir plan: *)", "GO: Rootdir plan"]
    )
    assert result.ret == 0


@pytest.mark.parametrize(
    "settings",
    [
        ("from-option.yaml", "from-ini.yaml", "from-env.yaml", "from-option"),
        (None, "from-ini.yaml", "from-env.yaml", "from-ini"),
        (None, None, "from-env.yaml", "from-env"),
    ],
)
def test_the_plan_setting_comes_from_option_then_ini_then_environment(
    cutover_project: CutoverProject,
    monkeypatch: pytest.MonkeyPatch,
    settings: tuple[str | None, str | None, str | None, str],
) -> None:
    option, ini, env, winner = settings
    for name in ("cutover.yaml", "plans/from-option.yaml", "plans/from-ini.yaml", "from-env.yaml"):
        named_plan(cutover_project, name, Path(name).stem)
    cutover_project.ini(f"[pytest]\ncutover_plan = plans/{ini}\n" if ini else "[pytest]\n")
    if env:
        monkeypatch.setenv("PYTEST_CUTOVER_PLAN", env)
    args = ["--cutover-plan", f"plans/{option}"] if option else []
    result = cutover_project.run(*args)
    result.stdout.fnmatch_lines([f"GO: {winner}"])


def test_the_plan_is_collected_when_no_argument_points_at_it(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.plan(
        GATES + "checks:\n  - {id: sh, gate: G1, tool: sh}\n", "deploy/cutover.yaml"
    )
    cutover_project.test_modules(test_unit="def test_unit(): pass")
    result = cutover_project.run("-v", "test_unit.py", "--cutover-plan", "deploy/cutover.yaml")
    result.stdout.fnmatch_lines(
        ["test_unit.py::test_unit PASSED*", "deploy/cutover.yaml::sh PASSED*"]
    )
    result.assert_outcomes(passed=2)


def test_the_plan_is_collected_once_when_an_argument_covers_it(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.plan(
        GATES + "checks:\n  - {id: sh, gate: G1, tool: sh}\n", "deploy/cutover.yaml"
    )
    result = cutover_project.run("deploy", "--cutover-plan", "deploy/cutover.yaml")
    result.assert_outcomes(passed=1)


# -- declared checks run as items, each printed with its id ----------------------------


def test_declared_checks_report_their_ids_and_what_they_saw(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.write("runbook.md", "# Runbook\n")
    cutover_project.mkdir("scripts")
    cutover_project.plan(
        GATES
        + """checks:
  - {id: sh-on-path, gate: G1, tool: sh}
  - {gate: G1, tool: no-such-tool-here}
  - {id: runbook, gate: G1, path: runbook.md}
  - {id: missing-doc, gate: G1, path: docs/missing.md}
  - {id: in-scripts, gate: G1, command: [pwd], cwd: scripts}
  - {id: exits-3, gate: G1, command: [sh, -c, "echo seen >&2; exit 3"]}
"""
    )
    result = cutover_project.run("-v")
    result.stdout.fnmatch_lines(
        [
            "cutover.yaml::sh-on-path PASSED*",
            "cutover.yaml::tool-no-such-tool-here FAILED*",
            "cutover.yaml::runbook PASSED*",
            "cutover.yaml::missing-doc FAILED*",
            "cutover.yaml::in-scripts PASSED*",
            "cutover.yaml::exits-3 FAILED*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "cutover check tool-no-such-tool-here (tool no-such-tool-here) failed: "
            "no-such-tool-here not found on PATH",
            "cutover check missing-doc (path docs/missing.md) failed: "
            "*/docs/missing.md does not exist",
            "cutover check exits-3 (command sh -c 'echo seen >&2; exit 3') failed: "
            "sh exited 3, expected 0",
            "  $ sh -c 'echo seen >&2; exit 3' -> exit 3",
            "  stderr:",
            "    seen",
        ]
    )
    assert "Traceback" not in result.stdout.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_hanging_command_is_killed_at_its_timeout(cutover_project: CutoverProject) -> None:
    cutover_project.plan(
        GATES + "checks:\n  - {id: hangs, gate: G1, command: [sleep, '30'], timeout: 0.5}\n"
    )
    result = cutover_project.run()
    result.stdout.fnmatch_lines(
        ["cutover check hangs (command sleep 30) failed: TIMEOUT: sleep ran longer than 0.5s*"]
    )
    assert result.duration < 10
