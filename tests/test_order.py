"""Cutover checks run by phase, then gate, then declaration; nothing else moves."""

from __future__ import annotations

import re

import pytest
from cutover_project import CutoverProject

from pytest_cutover.model.ordering import natural_key, reorder

CHECKS = """
    checks:
      - {id: g5-health, gate: G5, command: ["true"]}
      - {id: g1-bash, gate: G1, tool: bash}
      - {id: g3-build, gate: G3, command: ["true"]}
      - {id: g1-sh, gate: G1, tool: sh}
"""

# Files named so that their alphabetical order is the reverse of gate order.
PYTHON_CHECKS = {
    "test_a_late.py": """
        import pytest

        @pytest.mark.gate("G4")
        def test_switch():
            pass

        def test_plain_a():
            pass
    """,
    "test_b_early.py": """
        import pytest

        @pytest.mark.gate(id="G2")
        def test_config_second():
            pass

        @pytest.mark.gate("G2")
        def test_config_first():
            pass

        def test_plain_b():
            pass
    """,
}

EXPECTED = [
    "cutover.yaml::g1-bash",
    "cutover.yaml::g1-sh",
    "test_b_early.py::test_config_second",
    "test_b_early.py::test_config_first",
    "cutover.yaml::g3-build",
    "test_a_late.py::test_switch",
    "cutover.yaml::g5-health",
]


def run_order(project: CutoverProject, *args: str) -> list[str]:
    result = project.run("-v", *args)
    return re.findall(r"^(\S+::\S+) (?:PASSED|FAILED|BLOCKED|ERROR)", result.stdout.str(), re.M)


def cutover_only(order: list[str]) -> list[str]:
    return [nodeid for nodeid in order if "plain" not in nodeid]


def test_checks_run_by_phase_then_gate_then_declaration(cutover_project: CutoverProject) -> None:
    cutover_project.five_gates(CHECKS)
    cutover_project.test_modules(**PYTHON_CHECKS)
    order = run_order(cutover_project)
    assert cutover_only(order) == EXPECTED


def test_tests_without_cutover_markers_keep_their_places(cutover_project: CutoverProject) -> None:
    cutover_project.test_modules(**PYTHON_CHECKS)
    with_plugin = run_order(cutover_project)
    without_plugin = run_order(cutover_project, "-p", "no:cutover")
    assert cutover_only(with_plugin) == [
        "test_b_early.py::test_config_second",
        "test_b_early.py::test_config_first",
        "test_a_late.py::test_switch",
    ]
    plain_places = [i for i, nodeid in enumerate(without_plugin) if "plain" in nodeid]
    assert plain_places == [1, 4]
    assert [with_plugin[i] for i in plain_places] == [without_plugin[i] for i in plain_places]


@pytest.mark.parametrize("seed", ["1", "2", "3"])
def test_gate_order_holds_when_pytest_randomly_shuffles(
    cutover_project: CutoverProject, seed: str
) -> None:
    cutover_project.five_gates(CHECKS)
    cutover_project.test_modules(**PYTHON_CHECKS)
    order = run_order(cutover_project, "-p", "randomly", f"--randomly-seed={seed}")
    assert cutover_only(order) == EXPECTED


def test_pytest_randomly_really_shuffles_the_other_tests(cutover_project: CutoverProject) -> None:
    """Proof that the shuffle test above runs with an active shuffler."""
    cutover_project.test_modules(**{f"test_m{i}.py": f"def test_{i}(): pass" for i in range(8)})
    orders = {
        tuple(run_order(cutover_project, "-p", "randomly", f"--randomly-seed={seed}"))
        for seed in ("1", "2", "3")
    }
    assert len(orders) > 1


def test_gates_from_markers_run_in_natural_id_order(cutover_project: CutoverProject) -> None:
    cutover_project.test_modules(
        """
        import pytest

        @pytest.mark.gate("G10")
        def test_ten(): pass

        @pytest.mark.gate("G2")
        def test_two(): pass

        @pytest.mark.gate("G1")
        def test_one(): pass
        """
    )
    assert run_order(cutover_project) == [
        "test_gates_from_markers_run_in_natural_id_order.py::test_one",
        "test_gates_from_markers_run_in_natural_id_order.py::test_two",
        "test_gates_from_markers_run_in_natural_id_order.py::test_ten",
    ]


def test_a_phase_marker_orders_marker_gates_before_their_ids(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.test_modules(
        """
        import pytest

        @pytest.mark.gate("G1")
        @pytest.mark.phase("T+10")
        def test_after(): pass

        @pytest.mark.gate("G2")
        @pytest.mark.phase("T-30")
        def test_before(): pass
        """
    )
    order = run_order(cutover_project)
    assert [nodeid.split("::")[1] for nodeid in order] == ["test_before", "test_after"]


def test_parametrized_checks_keep_their_parameter_order(cutover_project: CutoverProject) -> None:
    cutover_project.test_modules(
        """
        import pytest

        @pytest.mark.gate("G1")
        @pytest.mark.parametrize("n", range(12))
        def test_n(n): pass
        """
    )
    order = run_order(cutover_project, "-p", "randomly", "--randomly-seed=7")
    assert [nodeid.split("[")[1] for nodeid in order] == [f"{n}]" for n in range(12)]


def test_reorder_sorts_keyed_items_in_their_own_places() -> None:
    items = ["x", "c3", "y", "a1", "b2", "z"]
    keys = [s[1] if len(s) == 2 else None for s in items]
    assert reorder(items, keys) == [
        "x",
        "a1",
        "y",
        "b2",
        "c3",
        "z",
    ]


def test_natural_key_reads_numbers_as_numbers() -> None:
    assert sorted(["G10", "G2", "G1", "G2a"], key=natural_key) == ["G1", "G2", "G2a", "G10"]
