"""gate, phase and preflight markers: both spellings, -m selection, misuse as usage errors."""

from __future__ import annotations

import pytest
from cutover_project import CutoverProject

from pytest_cutover import messages

PLAN_CHECKS = """
    checks:
      - {id: bash, gate: G1, tool: bash}
      - {id: config, gate: G2, command: ["true"]}
      - {id: health, gate: G5, command: ["true"]}
"""

PYTHON_CHECKS = """
    import pytest

    @pytest.mark.gate("G1")
    def test_positional():
        pass

    @pytest.mark.gate(id="G3")
    def test_keyword():
        pass

    @pytest.mark.gate("G4")
    def test_at_t0():
        pass

    def test_plain():
        pass
"""


def selected(project: CutoverProject, *args: str) -> list[str]:
    result = project.run("--collect-only", "-q", "--strict-markers", *args)
    return [line for line in result.stdout.lines if "::" in line]


def test_gate_in_either_spelling_is_selected_with_the_keyword_form(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.five_gates(PLAN_CHECKS)
    cutover_project.test_modules(test_m=PYTHON_CHECKS)
    assert selected(cutover_project, "-m", "gate(id='G1')") == [
        "cutover.yaml::bash",
        "test_m.py::test_positional",
    ]
    assert selected(cutover_project, "-m", "gate(id='G3')") == ["test_m.py::test_keyword"]


def test_a_phase_is_selected_with_the_keyword_form(cutover_project: CutoverProject) -> None:
    cutover_project.five_gates(PLAN_CHECKS)
    cutover_project.test_modules(test_m=PYTHON_CHECKS)
    assert selected(cutover_project, "-m", "phase(name='T-30')") == ["cutover.yaml::config"]
    assert selected(cutover_project, "-m", "phase(name='T0')") == ["test_m.py::test_at_t0"]


def test_preflight_selects_exactly_the_checks_before_t0(cutover_project: CutoverProject) -> None:
    cutover_project.five_gates(PLAN_CHECKS)
    cutover_project.test_modules(test_m=PYTHON_CHECKS)
    assert selected(cutover_project, "-m", "preflight") == [
        "cutover.yaml::bash",
        "test_m.py::test_positional",
        "cutover.yaml::config",
        "test_m.py::test_keyword",
    ]


def test_the_markers_are_registered(cutover_project: CutoverProject) -> None:
    result = cutover_project.run("--markers")
    result.stdout.fnmatch_lines(
        ["@pytest.mark.gate(id): *", "@pytest.mark.phase(name): *", "@pytest.mark.preflight: *"]
    )


def test_a_phase_marker_places_a_marker_gate_on_the_timeline(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.test_modules(
        test_p="""
        import pytest

        @pytest.mark.gate("G7")
        @pytest.mark.phase(name="T+30")
        def test_late():
            pass

        @pytest.mark.gate("G7")
        def test_same_gate():
            pass
        """
    )
    assert selected(cutover_project, "-m", "preflight") == []
    assert selected(cutover_project, "-m", "phase(name='T+30')") == [
        "test_p.py::test_late",
        "test_p.py::test_same_gate",
    ]


def test_a_class_marker_applies_to_its_methods(cutover_project: CutoverProject) -> None:
    cutover_project.test_modules(
        test_c="""
        import pytest

        @pytest.mark.gate("G2")
        class TestAssets:
            def test_one(self):
                pass

            @pytest.mark.gate("G1")
            def test_closer_marker_wins(self):
                pass
        """
    )
    assert selected(cutover_project, "-m", "gate(id='G2')") == ["test_c.py::TestAssets::test_one"]
    assert selected(cutover_project, "-m", "gate(id='G1')") == [
        "test_c.py::TestAssets::test_closer_marker_wins"
    ]


def test_module_and_function_markers_combine_closest_first(cutover_project: CutoverProject) -> None:
    cutover_project.test_modules(
        test_m="""
        import pytest

        pytestmark = [pytest.mark.gate("G1"), pytest.mark.phase("T-10")]

        def test_inherits_both():
            pass

        @pytest.mark.gate("G2")
        @pytest.mark.phase("T-30")
        def test_overrides_both():
            pass

        @pytest.mark.gate("G3")
        def test_overrides_the_gate():
            pass
        """
    )
    assert selected(cutover_project, "-m", "phase(name='T-10')") == [
        "test_m.py::test_inherits_both",
        "test_m.py::test_overrides_the_gate",
    ]
    assert selected(cutover_project, "-m", "gate(id='G2') and phase(name='T-30')") == [
        "test_m.py::test_overrides_both"
    ]


# -- misuse: one sentence, exit 4 ------------------------------------------------------


def usage_error(project: CutoverProject, source: str, *args: str) -> str:
    project.test_modules(test_bad=source)
    result = project.run(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    errors = [line for line in result.stderr.lines if line.startswith("ERROR: ")]
    assert len(errors) == 1
    return errors[0].removeprefix("ERROR: ")


def test_an_unknown_gate_marker_is_a_usage_error(cutover_project: CutoverProject) -> None:
    cutover_project.five_gates(PLAN_CHECKS)
    error = usage_error(
        cutover_project, "import pytest\n@pytest.mark.gate('G9')\ndef test_x(): pass\n"
    )
    assert error == messages.MARKER_UNKNOWN_GATE.format(
        nodeid="test_bad.py::test_x",
        gate="G9",
        plan=cutover_project.path / "cutover.yaml",
        gates="G1, G2, G3, G4, G5",
    )


def test_a_phase_marker_disagreeing_with_the_plan_is_a_usage_error(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.five_gates(PLAN_CHECKS)
    source = (
        "import pytest\n@pytest.mark.gate('G1')\n@pytest.mark.phase('T-10')\ndef test_x(): pass\n"
    )
    assert usage_error(cutover_project, source) == messages.MARKER_PHASE_MISMATCH.format(
        nodeid="test_bad.py::test_x", marked="T-10", gate="G1", phase="T-60"
    )


def test_checks_of_one_marker_gate_disagreeing_on_the_phase_is_a_usage_error(
    cutover_project: CutoverProject,
) -> None:
    source = """
import pytest

@pytest.mark.gate("G1")
@pytest.mark.phase("T-60")
def test_a(): pass

@pytest.mark.gate("G1")
@pytest.mark.phase("T-10")
def test_b(): pass
"""
    assert usage_error(cutover_project, source) == messages.MARKER_PHASE_MISMATCH.format(
        nodeid="test_bad.py::test_b", marked="T-10", gate="G1", phase="T-60"
    )


def test_an_unknown_phase_marker_is_a_usage_error(cutover_project: CutoverProject) -> None:
    source = (
        "import pytest\n@pytest.mark.gate('G1')\n@pytest.mark.phase('T-45')\ndef test_x(): pass\n"
    )
    assert usage_error(cutover_project, source) == messages.MARKER_UNKNOWN_PHASE.format(
        nodeid="test_bad.py::test_x", phase="T-45", phases="T-60, T-30, T-10, T0, T+10, T+30"
    )


@pytest.mark.parametrize(
    "marker", ["gate()", "gate('G1', 'G2')", "gate(1)", "gate(name='G1')", "gate('a b')"]
)
def test_a_gate_marker_without_one_id_string_is_a_usage_error(
    cutover_project: CutoverProject, marker: str
) -> None:
    source = f"import pytest\n@pytest.mark.{marker}\ndef test_x(): pass\n"
    assert usage_error(cutover_project, source) == messages.MARKER_ARGS.format(
        nodeid="test_bad.py::test_x", marker="gate", kind="gate id", example="G1", keyword="id"
    )


def test_a_phase_marker_without_a_gate_is_a_usage_error(cutover_project: CutoverProject) -> None:
    source = "import pytest\n@pytest.mark.phase('T-10')\ndef test_x(): pass\n"
    assert usage_error(cutover_project, source) == messages.PHASE_WITHOUT_GATE.format(
        nodeid="test_bad.py::test_x"
    )


def test_preflight_on_a_check_after_t0_is_a_usage_error(cutover_project: CutoverProject) -> None:
    cutover_project.five_gates(PLAN_CHECKS)
    source = "import pytest\n@pytest.mark.gate('G5')\n@pytest.mark.preflight\ndef test_x(): pass\n"
    assert usage_error(cutover_project, source) == messages.MARKER_PREFLIGHT_AFTER_T0.format(
        nodeid="test_bad.py::test_x", gate="G5", phase="T+10"
    )
