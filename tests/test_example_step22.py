"""The bundled Step 22 example: the seed's preflight, run for real on a copy of its tree."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from cutover_project import CutoverProject

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "step22"


@pytest.fixture
def step22(cutover_project: CutoverProject) -> Path:
    shutil.copytree(
        EXAMPLE, cutover_project.path, dirs_exist_ok=True, ignore=shutil.ignore_patterns("dist")
    )
    return cutover_project.path


def test_the_step22_preflight_is_go_with_every_gate_passed(
    cutover_project: CutoverProject, step22: Path
) -> None:
    result = cutover_project.run_subprocess("-m", "preflight")
    result.stdout.fnmatch_lines(
        [
            "cutover.yaml::bun-version PASSED*",
            "cutover.yaml::compose-v2 PASSED*",
            "cutover.yaml::compose-config PASSED*",
            "cutover.yaml::bun-build PASSED*",
            "cutover.yaml::bun-test PASSED*",
            "cutover.yaml::bun-run-test PASSED*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "GO: Step 22 production cutover",
            "  G1  T-60  PASSED  Tooling ready  * 5 passed  * s",
            "  G2  T-60  PASSED  Step 20/21/22 source-of-truth assets present  12 passed  * s",
            "  G3  T-30  PASSED  Deployment config valid  * 3 passed  * s",
            "  G4  T-10  PASSED  Build and test gates pass  * 4 passed  * s",
            "  G5  T-10  PASSED  Rollback ready  * 2 passed  * s",
        ]
    )
    assert (step22 / "dist" / "index.js").is_file(), "bun run build really ran"
    assert result.ret == pytest.ExitCode.OK


def test_a_broken_compose_file_fails_g3_and_blocks_g4_and_g5(
    cutover_project: CutoverProject, step22: Path
) -> None:
    compose = step22 / "deploy/docker-compose.yml"
    compose.write_text(compose.read_text().replace("condition: service_healthy", "condition: up"))
    result = cutover_project.run_subprocess("-m", "preflight")
    result.stdout.fnmatch_lines(
        [
            "cutover check compose-config (compose deploy/docker-compose.yml) failed: "
            "compose config of */deploy/docker-compose.yml is invalid: *condition*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "NO-GO: Step 22 production cutover",
            "  G3  T-30  FAILED * 2 passed, 1 failed  * s",
            "  G4  T-10  BLOCKED * 4 blocked",
            "  G5  T-10  BLOCKED * 2 blocked",
        ]
    )
    assert not (step22 / "dist").exists(), "a blocked build gate must not build"
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_missing_step21_report_fails_g2(cutover_project: CutoverProject, step22: Path) -> None:
    (step22 / "docs/acceptance/step21-handover-report.md").unlink()
    result = cutover_project.run_subprocess("-m", "preflight")
    result.stdout.fnmatch_lines(
        [
            "cutover check step21-report (path docs/acceptance/step21-handover-report.md) "
            "failed: */docs/acceptance/step21-handover-report.md does not exist",
        ]
    )
    result.stdout.fnmatch_lines(
        ["NO-GO: Step 22 production cutover", "  G2  T-60  FAILED * 11 passed, 1 failed  * s"]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_bun_older_than_the_plan_allows_fails_g1(
    cutover_project: CutoverProject,
    step22: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Fake: an old bun cannot be installed beside the real one here, so a script on
    # PATH answers --version the way bun 1.0.36 does.
    old = cutover_project.mkdir("old-bun")
    (old / "bun").write_text("#!/bin/sh\necho 1.0.36\n")
    (old / "bun").chmod(0o755)
    monkeypatch.setenv("PATH", f"{old}{os.pathsep}{os.environ['PATH']}")
    result = cutover_project.run_subprocess("-m", "preflight")
    result.stdout.fnmatch_lines(
        [
            "cutover check bun-version (tool bun) failed: bun 1.0.36 does not satisfy >=1.1",
            "  $ bun --version -> exit 0",
        ]
    )
    result.stdout.fnmatch_lines(
        ["NO-GO: Step 22 production cutover", "  G1  T-60  FAILED * 4 passed, 1 failed  * s"]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_syntax_error_in_a_deploy_script_fails_g3(
    cutover_project: CutoverProject, step22: Path
) -> None:
    script = step22 / "deploy/scripts/canary-rollback.sh"
    script.write_text(script.read_text() + "\nif then fi\n")
    result = cutover_project.run_subprocess("-m", "preflight")
    result.stdout.fnmatch_lines(
        [
            "cutover check canary-rollback-syntax (bash_syntax deploy/scripts/canary-rollback.sh)"
            " failed: bash -n */canary-rollback.sh failed: *syntax error*",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
