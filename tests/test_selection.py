"""Telling ``-m`` apart from ``-k``: the one use of pytest internals, against pytest itself.

``.ci/run`` runs this file on the oldest supported pytest as well as the newest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import pytest

from pytest_cutover.model.cutover import Gate, Timeline
from pytest_cutover.run.markexpr import compile_expression, matcher
from pytest_cutover.run.selection import (
    Shrinkers,
    asks_for_cutover,
    decided_phases,
    gate_marks,
    left_out_by,
)

#: Tests with the markers a cutover check carries, and one with none.
MARKED = {
    "test_g1": "@pytest.mark.gate(id='G1')\n@pytest.mark.phase(name='T-60')\n"
    "@pytest.mark.preflight",
    "test_g2": "@pytest.mark.gate(id='G2')\n@pytest.mark.phase(name='T-30')\n"
    "@pytest.mark.preflight",
    "test_g6_slow": "@pytest.mark.gate(id='G6')\n@pytest.mark.phase(name='T+10')\n"
    "@pytest.mark.slow",
    "test_plain": "",
}


class Slow(NamedTuple):
    """A marker no plugin registers (``pytest.mark.slow`` is refused by --strict-markers)."""

    name: str = "slow"
    kwargs: Mapping[str, Any] = {}


MARKS: dict[str, list[Any]] = {
    "test_g1": [
        pytest.mark.gate(id="G1").mark,
        pytest.mark.phase(name="T-60").mark,
        pytest.mark.preflight.mark,
    ],
    "test_g2": [
        pytest.mark.gate(id="G2").mark,
        pytest.mark.phase(name="T-30").mark,
        pytest.mark.preflight.mark,
    ],
    "test_g6_slow": [
        pytest.mark.gate(id="G6").mark,
        pytest.mark.phase(name="T+10").mark,
        Slow(),
    ],
    "test_plain": [],
}
EXPRESSIONS = [
    "preflight",
    "not preflight",
    "gate(id='G1')",
    "gate(id='G1') or phase(name='T+10')",
    "preflight and not gate(id='G2')",
    "phase",
    "slow",
    "not slow",
    "(preflight or slow) and not phase(name='T-60')",
]


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_an_expression_selects_what_pytests_own_m_selects(
    pytester: pytest.Pytester, expression: str
) -> None:
    pytester.makeini("[pytest]\nmarkers =\n    slow: slow\n")
    pytester.makepyfile(
        "import pytest\n"
        + "".join(f"\n{marks}\ndef {name}(): pass\n" for name, marks in MARKED.items())
    )
    result = pytester.runpytest("-p", "no:cutover", "--collect-only", "-q", "-m", expression)
    by_pytest = {line.split("::")[1] for line in result.stdout.lines if "::" in line}
    selects = compile_expression(expression)
    assert selects is not None
    ours = {name for name, marks in MARKS.items() if selects(matcher(marks))}
    assert ours == by_pytest


def test_a_malformed_expression_is_left_to_pytest() -> None:
    assert compile_expression("preflight and (") is None


GATES = (Gate("G1", "T-60"), Gate("G2", "T-30"), Gate("G6", "T+10"))


def test_without_m_every_phase_of_a_gate_is_decided() -> None:
    assert decided_phases(Timeline(), GATES, selects=None) == ("T-60", "T-30", "T+10")


def test_m_decides_the_phases_of_the_gates_it_selects() -> None:
    selects = compile_expression("gate(id='G2')")
    assert decided_phases(Timeline(), GATES, selects=selects) == ("T-30",)


def test_a_phase_m_leaves_out_is_decided_when_one_of_its_checks_ran() -> None:
    selects = compile_expression("slow")
    assert decided_phases(Timeline(), GATES, selects=selects, selected={"T+10"}) == ("T+10",)


def test_cutover_phase_narrows_what_m_decides() -> None:
    selects = compile_expression("preflight")
    decided = decided_phases(Timeline(), GATES, selects=selects, phases=["T-30", "T+10"])
    assert decided == ("T-30",)


@pytest.mark.parametrize(
    ("expression", "asks"),
    [
        ("preflight", True),
        ("gate(id='G6')", True),
        ("phase(name='T-45')", True),  # no such phase: asked, and nothing ran
        ("not preflight", False),
        ("slow", False),
        ("not slow", False),
        ("preflight or not slow", False),
    ],
)
def test_an_m_asks_for_the_cutover_when_it_selects_no_plain_test_and_names_its_gates(
    expression: str, asks: bool
) -> None:
    selects = compile_expression(expression)
    assert selects is not None
    assert asks_for_cutover(selects, GATES, Timeline()) is asks


def test_a_gate_is_judged_by_its_gate_phase_and_preflight_markers() -> None:
    assert [mark.name for mark in gate_marks(GATES[0], Timeline())] == [
        "gate",
        "phase",
        "preflight",
    ]
    assert [mark.name for mark in gate_marks(GATES[2], Timeline())] == ["gate", "phase"]


@pytest.mark.parametrize(
    ("shrinkers", "nodeid", "how"),
    [
        (Shrinkers(markexpr="preflight", keyword="db"), "t.py::test_x", "-m 'preflight'"),
        (Shrinkers(deselect=("t.py::test_x",), keyword="db"), "t.py::test_x", "--deselect"),
        (Shrinkers(keyword="db"), "t.py::test_x", "-k 'db'"),
        (Shrinkers(stepwise=True), "t.py::test_x", "--sw"),
        (Shrinkers(), "t.py::test_x", "another plugin deselected it"),
    ],
)
def test_a_deselected_check_says_how_it_was_left_out(
    shrinkers: Shrinkers, nodeid: str, how: str
) -> None:
    selects = compile_expression(shrinkers.markexpr) if shrinkers.markexpr else None
    assert left_out_by(shrinkers, nodeid, [], selects) == how
