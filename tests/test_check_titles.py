"""A declared check's title, from the plan to every place a person reads the check."""

from __future__ import annotations

import pytest
from cutover_project import CutoverProject
from processes import verify

PLAN = """
    checks:
      - {id: bun-on-path, gate: G1, title: Bun is on the PATH, command: ['true']}
      - {id: compose-v2, gate: G1, command: ['true']}
"""


def test_a_declared_checks_title_is_in_the_evidence_the_report_and_the_closeout(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.five_gates(PLAN)
    run = cutover_project.run("-m", "gate(id='G1')", "--cutover-evidence", "evidence")
    assert run.ret == pytest.ExitCode.OK
    checks = {check["id"]: check for check in run.evidence["checks"]}
    assert checks["bun-on-path"].get("title") == "Bun is on the PATH"
    assert "title" not in checks["compose-v2"]  # the plan gives it none
    bundle = cutover_project.path / "evidence"
    report = (bundle / "report.html").read_text(encoding="utf-8")
    assert "<code>bun-on-path</code> Bun is on the PATH " in report
    closeout = (bundle / "closeout.md").read_text(encoding="utf-8")
    assert "### G1 / bun-on-path - Bun is on the PATH\n" in closeout
    assert "### G1 / compose-v2\n" in closeout
    assert verify(bundle).returncode == 0


def test_the_runbook_names_a_check_by_its_title(cutover_project: CutoverProject) -> None:
    cutover_project.five_gates(PLAN)
    result = cutover_project.run("--cutover-show-plan")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        ["    - bun-on-path 'Bun is on the PATH': command true", "    - compose-v2: command true"]
    )
