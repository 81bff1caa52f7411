"""No secret reaches any output: terminal, bundle files, the --html report, the user's JUnit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

SECRET = "s3cr3t-deploy-token-9f8e7d"
GITHUB = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
CUSTOM = "ticket-SECRET-4242"
AWS_KEY = "AKIA" + "IOSFODNN7EXAMPLE"
BEARER = "eyJhbGciOiJIUzI1NiJ9.c2lnbmVk.bGVha2Vk"
PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"

ECHOES = f'echo "$DEPLOY_TOKEN {GITHUB}"; echo "{CUSTOM}" >&2; exit 1'
CHECKS = f"""
    checks:
      - {{id: echoes-secrets, gate: G1, command: [sh, -c, '{ECHOES}']}}
      - {{id: url-with-password, gate: G1, command: [sh, -c, 'echo https://deploy:hunter2hunter2@git.example.invalid/x']}}
      - {{id: more-shapes, gate: G1, command: [sh, -c, 'printf "%s\\n" "$SHAPES"']}}
"""
SHAPES = (
    f"aws_access_key_id = {AWS_KEY}\n"
    f"Authorization: Bearer {BEARER}\n"
    f"-----BEGIN PRIVATE KEY-----\n{PEM_BODY}\n-----END PRIVATE KEY-----"
)


@pytest.fixture
def leaky_run(
    pytester: pytest.Pytester, five_gates: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> pytest.RunResult:
    monkeypatch.setenv("DEPLOY_TOKEN", SECRET)
    monkeypatch.setenv("SHAPES", SHAPES)
    five_gates(CHECKS)
    pytester.makepyfile(
        test_leaks=f"""
        import os
        import pytest

        @pytest.mark.gate("G1")
        def test_prints_and_fails_with_the_token():
            print("token is", os.environ["DEPLOY_TOKEN"])
            assert os.environ["DEPLOY_TOKEN"] == "{GITHUB}"
        """
    )
    return pytester.runpytest(
        "-rA",
        "--cutover-evidence",
        "evidence",
        "--cutover-redact",
        r"ticket-(?P<secret>SECRET-\d+)",
        "--html",
        "report.html",
        "--self-contained-html",
        "--junitxml",
        "user-junit.xml",
        "--metadata",
        "PUSH_TOKEN",
        SECRET,
    )


def outputs(pytester: pytest.Pytester, run: pytest.RunResult) -> dict[str, str]:
    evidence = pytester.path / "evidence"
    texts = {
        name: (evidence / name).read_text()
        for name in ("evidence.json", "report.html", "junit.xml", "closeout.md")
    }
    texts["terminal"] = run.stdout.str() + run.stderr.str()
    texts["pytest-html"] = (pytester.path / "report.html").read_text()
    texts["user junit"] = (pytester.path / "user-junit.xml").read_text()
    return texts


def test_secret_values_token_shapes_and_extra_patterns_are_redacted_everywhere(
    pytester: pytest.Pytester, leaky_run: pytest.RunResult
) -> None:
    texts = outputs(pytester, leaky_run)
    for where, text in texts.items():
        for secret in (SECRET, GITHUB, "SECRET-4242", "hunter2hunter2", AWS_KEY, BEARER, PEM_BODY):
            assert secret not in text, f"{secret} leaked into {where}"
    assert "[REDACTED]" in texts["evidence.json"]
    assert "ticket-[REDACTED]" in texts["evidence.json"], "only the secret group is replaced"
    assert "https://deploy:[REDACTED]@git.example.invalid/x" in texts["evidence.json"]
    assert "Authorization: Bearer [REDACTED]" in texts["evidence.json"]


def test_the_checks_still_ran_with_the_real_values(leaky_run: pytest.RunResult) -> None:
    leaky_run.assert_outcomes(failed=2, passed=2)
