"""Rollback triggers: a failed trigger after T0 decides ROLLBACK; pytest never runs the rollback."""

from __future__ import annotations

import pytest
from cutover_project import CutoverProject

from pytest_cutover import messages
from pytest_cutover.evidence.bundle import verify_bundle


def test_a_failed_trigger_at_t_plus_10_decides_rollback_and_never_runs_the_command(
    cutover_project: CutoverProject,
) -> None:
    marker = cutover_project.path / "rolled-back"
    cutover_project.runbook(
        f"""
checks:
  - {{id: app-healthy, gate: G6, command: [sh, -c, "echo 503 Service Unavailable; exit 22"]}}
rollback:
  command: [touch, '{marker}']
  runbook: https://runbooks.example.invalid/step22-rollback
  triggers: [app-healthy]
""",
    )
    result = cutover_project.run("--cutover-phase=T+10", "--cutover-evidence=ev")
    result.stdout.fnmatch_lines(
        [
            "ROLLBACK: Runbook test",
            "  G6  T+10  FAILED  Healthy  1 failed  * s",
            "  - rollback trigger app-healthy failed: sh exited 22, expected 0",
            f"roll back with (pytest-cutover never runs it): touch {marker}",
            "rollback runbook: https://runbooks.example.invalid/step22-rollback",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert not marker.exists()
    document = result.evidence
    assert document["decision"]["verdict"] == "ROLLBACK"
    rollback = document["rollback"]
    assert rollback is not None
    assert rollback["fired"] == ["app-healthy"]
    assert verify_bundle(cutover_project.path / "ev") == []
    report = (cutover_project.path / "ev" / "report.html").read_text()
    assert "https://runbooks.example.invalid/step22-rollback" in report
    closeout = (cutover_project.path / "ev" / "closeout.md").read_text()
    assert "- Decision: **ROLLBACK**" in closeout
    assert f"- Command (never run by pytest-cutover): `touch {marker}`" in closeout


def test_the_rollback_trigger_marker_works_for_python_checks(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.test_modules(
        test_health="""
        import pytest

        @pytest.mark.gate("G6")
        @pytest.mark.phase("T+10")
        @pytest.mark.rollback_trigger
        def test_error_rate():
            assert 0.05 < 0.01, "5xx rate 5%"
        """
    )
    result = cutover_project.run()
    result.stdout.fnmatch_lines(
        [
            "ROLLBACK: cutover",
            "  - rollback trigger test_health.py::test_error_rate failed: *5xx rate 5%*",
        ]
    )


def test_a_trigger_in_a_preflight_phase_is_a_usage_error(cutover_project: CutoverProject) -> None:
    cutover_project.runbook(
        "checks:\n  - {id: early, gate: G1, tool: sh}\nrollback: {command: x, triggers: [early]}\n",
    )
    result = cutover_project.run()
    assert result.stderr.lines[0] == (
        "ERROR: cutover.yaml:9: rollback.triggers[0]: "
        + messages.TRIGGER_IN_PREFLIGHT.format(check="early")
    )


def test_a_trigger_marker_in_preflight_and_an_unknown_trigger_are_usage_errors(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.test_modules(
        test_t=(
            "import pytest\n@pytest.mark.gate('G1')\n@pytest.mark.rollback_trigger\n"
            "def test_x(): pass\n"
        )
    )
    result = cutover_project.run()
    assert result.stderr.lines[0] == "ERROR: " + messages.TRIGGER_PREFLIGHT_MARKER.format(
        nodeid="test_t.py::test_x", phase="T-60"
    )
    (cutover_project.path / "test_t.py").unlink()
    cutover_project.runbook(
        "checks:\n  - {id: late, gate: G6, tool: sh}\nrollback: {command: x, triggers: [nope]}\n",
    )
    result = cutover_project.run()
    assert result.stderr.lines[0] == "ERROR: " + messages.TRIGGER_UNKNOWN_CHECK.format(
        source="cutover.yaml", check="nope"
    )
