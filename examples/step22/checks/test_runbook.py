"""Seed acceptance criterion 1, as a check: the runbook defines what the cutover runs by."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

RUNBOOK = Path(__file__).parents[1] / "docs/operations/production-cutover-runbook.md"


@pytest.fixture(scope="module")
def runbook() -> str:
    return RUNBOOK.read_text(encoding="utf-8")


@pytest.mark.gate("G2")
def test_runbook_defines_gates_g1_to_g5(runbook: str) -> None:
    assert set(re.findall(r"\bG[1-5]\b", runbook)) == {"G1", "G2", "G3", "G4", "G5"}


@pytest.mark.gate("G2")
def test_runbook_defines_the_strict_timeline(runbook: str) -> None:
    for phase in ("T-60", "T-30", "T-10", "T0", "T+10", "T+30"):
        assert re.search(rf"^\|\s*{re.escape(phase)}\s*\|", runbook, re.M), phase


@pytest.mark.gate("G2")
def test_runbook_has_rollback_triggers_and_a_signoff_checklist(runbook: str) -> None:
    assert "## Rollback triggers" in runbook
    assert "## Sign-off checklist" in runbook
    assert re.search(r"^- \[ \] ", runbook, re.M), "the sign-off checklist has no items"
