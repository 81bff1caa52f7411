"""The bundled Step 22 example: the seed's preflight, run for real on a copy of its tree."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "step22"


@pytest.fixture
def step22(pytester: pytest.Pytester) -> Path:
    shutil.copytree(EXAMPLE, pytester.path, dirs_exist_ok=True)
    return pytester.path


def test_the_step22_preflight_is_go_on_the_bundled_tree(
    pytester: pytest.Pytester, step22: Path
) -> None:
    result = pytester.runpytest_subprocess("-m", "preflight")
    result.stdout.fnmatch_lines(
        [
            "cutover.yaml::bash-on-path PASSED*",
            "cutover.yaml::bun-on-path PASSED*",
            "cutover.yaml::docker-on-path PASSED*",
            "cutover.yaml::python-on-path PASSED*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "GO: Step 22 production cutover",
            "  G1  T-60  PASSED  Tooling ready  * 4 passed",
            "  G2  T-60  PASSED  Step 20/21/22 source-of-truth assets present  12 passed",
            "  G3  T-30  PASSED  Deployment scripts pass a syntax check  * 2 passed",
        ]
    )
    assert result.ret == pytest.ExitCode.OK


def test_a_missing_asset_fails_g2_and_blocks_g3(pytester: pytest.Pytester, step22: Path) -> None:
    (step22 / "docs/operations/incident-and-rollback-playbook.md").unlink()
    result = pytester.runpytest_subprocess("-m", "preflight")
    result.stdout.fnmatch_lines(
        [
            "NO-GO: Step 22 production cutover",
            "  G2  T-60  FAILED * 11 passed, 1 failed",
            "  G3  T-30  BLOCKED * 2 blocked",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_syntax_error_in_a_deploy_script_fails_g3(
    pytester: pytest.Pytester, step22: Path
) -> None:
    script = step22 / "deploy/scripts/canary-rollback.sh"
    script.write_text(script.read_text() + "\nif then fi\n")
    result = pytester.runpytest_subprocess("-m", "preflight")
    result.stdout.fnmatch_lines(
        [
            "cutover check canary-rollback-syntax (command bash -n "
            "deploy/scripts/canary-rollback.sh) failed: bash exited 2, expected 0",
            "*syntax error*",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
