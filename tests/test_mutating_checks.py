"""Mutating checks and the plan's mutation guard: none before T0, after T0 only when allowed."""

from __future__ import annotations

from cutover_project import CutoverProject

from pytest_cutover import messages


def test_a_mutating_check_in_preflight_is_a_usage_error(cutover_project: CutoverProject) -> None:
    cutover_project.runbook(
        "checks:\n  - {id: migrate, gate: G1, mutating: true, command: ['true']}\n"
    )
    result = cutover_project.run()
    assert result.stderr.lines[0] == (
        "ERROR: cutover.yaml:8: checks[0] (migrate).mutating: "
        + messages.MUTATING_IN_PREFLIGHT.format(check="migrate")
    )


def test_a_mutating_check_after_t0_runs_only_when_allowed(cutover_project: CutoverProject) -> None:
    marker = cutover_project.path / "migrated"
    cutover_project.runbook(
        f"checks:\n  - {{id: migrate, gate: G6, mutating: true, command: [touch, '{marker}']}}\n",
    )
    blocked = cutover_project.run("-v", "--cutover-phase=T+10")
    blocked.stdout.fnmatch_lines(["cutover.yaml::migrate BLOCKED (blocked: mutating check*"])
    blocked.stdout.fnmatch_lines(
        ["NO-GO: Runbook test", "  - gate G6 'Healthy' BLOCKED: " + messages.BLOCKED_MUTATING]
    )
    assert not marker.exists()
    allowed = cutover_project.run("--cutover-phase=T+10", "--cutover-allow-mutation")
    allowed.stdout.fnmatch_lines(["GO: Runbook test"])
    assert marker.exists()


def test_compose_down_from_a_preflight_check_is_blocked_and_recorded(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.write("docker-compose.yml", "services:\n  app:\n    image: example/app:1\n")
    cutover_project.runbook(
        "checks:\n  - {id: compose-config, gate: G1, compose: docker-compose.yml}\n"
    )
    cutover_project.test_modules(
        test_cleanup="""
        import subprocess
        import pytest

        @pytest.mark.gate("G1")
        def test_tidies_up_the_stack():
            subprocess.run(["docker", "compose", "-f", "docker-compose.yml", "down"], check=True)
        """
    )
    result = cutover_project.run("-m", "preflight", "--cutover-evidence=ev")
    result.stdout.fnmatch_lines(
        [
            "cutover check test_cleanup.py::test_tidies_up_the_stack failed: "
            "blocked mutating command: "
            "docker compose -f docker-compose.yml down (matches 'docker compose down')",
        ]
    )
    result.stdout.fnmatch_lines(["NO-GO: Runbook test"])
    document = result.evidence
    config, cleanup = document["checks"]
    assert config["outcome"] == "passed", "the real compose binary ran `config` unhindered"
    assert [c["argv"][-1] for c in config["commands"] if c["source"] == "check"][-1] == "--quiet"
    assert cleanup["outcome"] == "failed"
    assert [(c["argv"], c["source"]) for c in cleanup["commands"]] == [
        (["docker", "compose", "-f", "docker-compose.yml", "down"], "blocked")
    ]
    commands = document["commands"]
    assert commands["blocked"] == 1
    assert commands["mutating"] == []
    assert commands["count"] == 2  # docker compose version + config
    closeout = (cutover_project.path / "ev" / "closeout.md").read_text()
    assert "none of them matches the mutation deny list" in closeout
    assert "1 mutating command blocked before starting." in closeout


def test_a_test_that_is_no_check_is_neither_guarded_nor_recorded(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.runbook("checks: []\nmutation_guard: {deny: ['echo tidy']}\n")
    cutover_project.test_modules(
        test_mixed="""
        import subprocess
        import pytest

        @pytest.mark.gate("G1")
        def test_preflight_check():
            subprocess.run(["echo", "checked"], check=True)

        def test_ordinary():
            subprocess.run(["echo", "tidy"], check=True)
        """
    )
    result = cutover_project.run("-p", "no:randomly", "--cutover-evidence=ev")
    result.assert_outcomes(passed=2)
    checks = result.evidence["checks"]
    assert [c["id"] for c in checks] == ["test_mixed.py::test_preflight_check"]
    assert [c["argv"] for c in checks[0]["commands"]] == [["echo", "checked"]]


def test_the_deny_list_is_extended_by_the_plan(cutover_project: CutoverProject) -> None:
    cutover_project.runbook(
        "checks:\n  - {id: purge, gate: G1, command: [psql, -c, 'delete from jobs']}\n"
        "mutation_guard: {deny: ['psql -c']}\n",
    )
    result = cutover_project.run("-m", "preflight")
    result.stdout.fnmatch_lines(
        [
            "cutover check purge failed: blocked mutating command: "
            "psql -c 'delete from jobs' (matches 'psql -c')"
        ]
    )
