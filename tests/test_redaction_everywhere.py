"""No secret reaches any output: terminal, bundle files, the --html report, the user's JUnit."""

from __future__ import annotations

import json
import re

import pytest
from cutover_project import CutoverProject, ProjectRun

from pytest_cutover import messages

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
    cutover_project: CutoverProject,
    monkeypatch: pytest.MonkeyPatch,
) -> ProjectRun:
    monkeypatch.setenv("DEPLOY_TOKEN", SECRET)
    monkeypatch.setenv("SHAPES", SHAPES)
    cutover_project.five_gates(CHECKS)
    cutover_project.test_modules(
        test_leaks=f"""
        import os
        import pytest

        @pytest.mark.gate("G1")
        def test_prints_and_fails_with_the_token():
            print("token is", os.environ["DEPLOY_TOKEN"])
            assert os.environ["DEPLOY_TOKEN"] == "{GITHUB}"
        """
    )
    return cutover_project.run(
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


def outputs(project: CutoverProject, run: ProjectRun) -> dict[str, str]:
    evidence = project.path / "evidence"
    texts = {
        name: (evidence / name).read_text()
        for name in ("evidence.json", "report.html", "junit.xml", "closeout.md")
    }
    texts["terminal"] = run.stdout.str() + run.stderr.str()
    texts["pytest-html"] = (project.path / "report.html").read_text()
    texts["user junit"] = (project.path / "user-junit.xml").read_text()
    return texts


def test_secret_values_token_shapes_and_extra_patterns_are_redacted_everywhere(
    cutover_project: CutoverProject, leaky_run: ProjectRun
) -> None:
    texts = outputs(cutover_project, leaky_run)
    for where, text in texts.items():
        for secret in (SECRET, GITHUB, "SECRET-4242", "hunter2hunter2", AWS_KEY, BEARER, PEM_BODY):
            assert secret not in text, f"{secret} leaked into {where}"
    assert "[REDACTED]" in texts["evidence.json"]
    assert "ticket-[REDACTED]" in texts["evidence.json"], "only the secret group is replaced"
    assert "https://deploy:[REDACTED]@git.example.invalid/x" in texts["evidence.json"]
    assert "Authorization: Bearer [REDACTED]" in texts["evidence.json"]


def test_the_checks_still_ran_with_the_real_values(leaky_run: ProjectRun) -> None:
    leaky_run.assert_outcomes(failed=2, passed=2)


# -- every way pytest itself carries a text: ids, reasons, warnings, logs, properties ------

DB_SECRET = "pg-Primary-Secret-31337"
REPLICA_SECRET = "pg-Replica-Secret-4711"
PLAN_SECRET = "plan-literal-7c1e9a"
LATE_SECRET = "late-session-5d2f9a"
INI_SECRET = "QWERTZUIOP"
ENV_SECRET = "ASDFGHJKLM"
ALL_SECRETS = (DB_SECRET, REPLICA_SECRET, PLAN_SECRET, LATE_SECRET, INI_SECRET, ENV_SECRET)

PLAN_ENV_CHECK = """
    checks:
      - id: echoes-plan-env
        gate: G1
        command: [sh, -c, 'echo "token $API_TOKEN"; exit 1']
        env: {API_TOKEN: plan-literal-7c1e9a}
      - id: retries-with-an-argument
        gate: G1
        command: [sh, -c, 'exit 1', sh, plan-literal-7c1e9a]
        env: {API_TOKEN: plan-literal-7c1e9a}
        retry: {attempts: 2, interval: 0.1}
"""
#: A handler of the project's own on the plugin's and the checks' loggers: their records
#: are redacted before any handler sees them, not only in pytest's.
OWN_LOG_HANDLER = """
    import logging

    handler = logging.FileHandler("own-handler.log", encoding="utf-8")
    for name in ("cutover_checks", "pytest_cutover"):
        logging.getLogger(name).addHandler(handler)
"""

LEAKY_TESTS = """
    import logging
    import os
    import subprocess
    import warnings

    import pytest

    SECRET = os.environ["DB_PASSWORD"]

    @pytest.mark.gate("G1")
    @pytest.mark.parametrize("password", [SECRET, os.environ["DB_PASSWORD_REPLICA"]])
    def test_connects(password):
        assert password == "wrong"

    @pytest.mark.gate("G1")
    def test_skips_with_the_secret():
        pytest.skip("no route with " + SECRET)

    @pytest.mark.gate("G1")
    @pytest.mark.xfail(reason="known to fail with " + SECRET)
    def test_xfails_with_the_secret():
        assert False

    @pytest.mark.gate("G1")
    def test_warns_logs_and_records_the_secret(
        record_property, record_testsuite_property, metadata
    ):
        metadata["DB_NOTE"] = "connects as " + SECRET
        warnings.warn("deprecated login for " + SECRET)
        logging.getLogger("deploy").info("connecting with %s", SECRET)
        record_property("db_password", SECRET)
        record_property("note", "logged in with " + SECRET)
        record_testsuite_property("deploy_password", SECRET)
        record_testsuite_property("deploy_note", "as " + SECRET)

    @pytest.mark.gate("G1")
    def test_sets_a_secret_during_the_run():
        os.environ["SESSION_TOKEN"] = "late-session-5d2f9a"
        subprocess.run(["sh", "-c", "echo session $SESSION_TOKEN"], check=False)
        print("session", os.environ["SESSION_TOKEN"])
        logging.getLogger("deploy").warning("session %s", os.environ["SESSION_TOKEN"])
        assert os.environ["SESSION_TOKEN"] == "expired"
"""

BROKEN_MODULE = """
    import os

    raise RuntimeError("cannot reach the database with " + os.environ["DB_PASSWORD"])
"""


@pytest.fixture
def pytest_leaky_run(
    cutover_project: CutoverProject,
    monkeypatch: pytest.MonkeyPatch,
) -> ProjectRun:
    """A cutover run whose every check puts a secret where pytest itself shows text."""
    monkeypatch.setenv("DB_PASSWORD", DB_SECRET)
    monkeypatch.setenv("DB_PASSWORD_REPLICA", REPLICA_SECRET)
    monkeypatch.delenv("SESSION_TOKEN", raising=False)
    monkeypatch.setenv("PYTEST_CUTOVER_REDACT", r"ENV-(?P<secret>[A-Z]{10})")
    cutover_project.ini(
        r"""
        [pytest]
        cutover_redact = INI-(?P<secret>[A-Z]{10})
        """
    )
    cutover_project.five_gates(PLAN_ENV_CHECK)
    cutover_project.test_modules(test_leaks=LEAKY_TESTS, test_broken=BROKEN_MODULE)
    cutover_project.conftest(OWN_LOG_HANDLER)
    # As a GitHub Actions step: the step summary and the annotations (on the terminal).
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(cutover_project.write("step_summary.md", "")))
    return cutover_project.run_subprocess(
        "-rA",
        "-v",
        "--continue-on-collection-errors",
        "--log-cli-level=INFO",
        "--log-file=run.log",
        "--cutover-evidence=evidence",
        "--html=report.html",
        "--self-contained-html",
        "--junitxml=user-junit.xml",
        "--cutover-summary=summary.md",
        "--metadata",
        "FROM_INI",
        f"INI-{INI_SECRET}",
        "--metadata",
        "FROM_ENV",
        f"ENV-{ENV_SECRET}",
        timeout=120,
    )


def every_output(project: CutoverProject, run: ProjectRun) -> dict[str, str]:
    """The terminal (with the GitHub annotations) and every file the run wrote: each bundle
    file, both JUnit files, pytest-html's report, the log file and both CI summaries."""
    evidence = project.path / "evidence"
    texts = {
        f"evidence/{path.name}": path.read_text(encoding="utf-8")
        for path in sorted(evidence.iterdir())
    }
    assert {"evidence/evidence.json", "evidence/junit.xml", "evidence/closeout.md"} <= set(texts)
    texts["terminal"] = run.stdout.str() + run.stderr.str()
    assert [line for line in texts["terminal"].splitlines() if line.startswith("::error ")]
    for name in (
        "report.html",
        "user-junit.xml",
        "run.log",
        "own-handler.log",
        "summary.md",
        "step_summary.md",
    ):
        texts[name] = (project.path / name).read_text(encoding="utf-8")
    return texts


def test_no_secret_pytest_carries_reaches_any_output(
    cutover_project: CutoverProject, pytest_leaky_run: ProjectRun
) -> None:
    texts = every_output(cutover_project, pytest_leaky_run)
    leaks = [
        (secret, where) for where, text in texts.items() for secret in ALL_SECRETS if secret in text
    ]
    assert not leaks, f"leaked: {leaks}"


def test_what_carried_the_secrets_is_still_there_redacted(
    cutover_project: CutoverProject, pytest_leaky_run: ProjectRun
) -> None:
    texts = every_output(cutover_project, pytest_leaky_run)
    terminal = texts["terminal"]
    assert "no route with [REDACTED]" in terminal  # the skip reason
    assert "known to fail with [REDACTED]" in terminal  # the xfail reason
    assert "deprecated login for [REDACTED]" in terminal  # the warnings summary
    assert "connecting with [REDACTED]" in terminal  # the live log
    assert "cannot reach the database with [REDACTED]" in terminal  # the collection error
    assert "session [REDACTED]" in texts["run.log"]
    # A command's argument list, in the log records of each of its attempts.
    started = "retries-with-an-argument: command started: sh -c 'exit 1' sh [REDACTED]"
    for where in ("terminal", "run.log", "own-handler.log"):
        assert started in texts[where], where
    assert "retries-with-an-argument: attempt 1/2 did not hold" in texts["run.log"]
    assert "failed: password = '\\[REDACTED\\]'" in texts["summary.md"]  # a check's message
    assert "failed: password = '\\[REDACTED\\]'" in texts["step_summary.md"]
    assert "::password = '[REDACTED]'" in terminal  # its annotation
    assert "token [REDACTED]" in texts["evidence/evidence.json"]  # the plan's env: value
    assert "session [REDACTED]" in texts["evidence/evidence.json"]  # set during the run
    assert 'name="db_password" value="[REDACTED]"' in texts["user-junit.xml"]
    assert 'name="note" value="logged in with [REDACTED]"' in texts["user-junit.xml"]
    assert 'name="deploy_password" value="[REDACTED]"' in texts["user-junit.xml"]
    assert 'name="deploy_note" value="as [REDACTED]"' in texts["user-junit.xml"]
    assert "connects as [REDACTED]" in texts["report.html"]  # metadata added by a test
    assert "INI-[REDACTED]" in texts["report.html"]
    assert "ENV-[REDACTED]" in texts["report.html"]


def secret_ids(text: str) -> set[str]:
    return set(re.findall(r"test_connects\[REDACTED-[0-9a-f]{8}\]", text))


def test_a_parametrize_id_with_a_secret_becomes_a_distinct_digest_in_every_output(
    cutover_project: CutoverProject, pytest_leaky_run: ProjectRun
) -> None:
    texts = every_output(cutover_project, pytest_leaky_run)
    document = json.loads(texts["evidence/evidence.json"])
    ids = {check["id"].split("::")[-1] for check in document["checks"]} & secret_ids(
        texts["evidence/evidence.json"]
    )
    assert len(ids) == 2, "two different secrets give two different ids"
    for where in ("terminal", "report.html", "user-junit.xml", "evidence/junit.xml"):
        assert secret_ids(texts[where]) == ids, where


def test_a_secret_parametrize_id_is_the_same_in_every_run(
    cutover_project: CutoverProject,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DB_PASSWORD", DB_SECRET)
    monkeypatch.setenv("DB_PASSWORD_REPLICA", REPLICA_SECRET)
    cutover_project.five_gates("")
    cutover_project.test_modules(test_leaks=LEAKY_TESTS)
    first = cutover_project.run_subprocess("--collect-only", "-q")
    second = cutover_project.run_subprocess("--collect-only", "-q")
    assert len(secret_ids(first.stdout.str())) == 2
    assert secret_ids(first.stdout.str()) == secret_ids(second.stdout.str())
    assert DB_SECRET not in first.stdout.str() + first.stderr.str()


@pytest.mark.parametrize(
    ("where", "source"),
    [
        ("option", "--cutover-redact"),
        ("ini", "cutover_redact in tox.ini"),
        ("env", "PYTEST_CUTOVER_REDACT"),
    ],
)
def test_a_bad_redaction_pattern_is_one_usage_error_also_with_pytest_metadata(
    pytester: pytest.Pytester,
    cutover_project: CutoverProject,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    source: str,
) -> None:
    cutover_project.test_modules("def test_x(): pass")
    args = ["-p", "metadata"]
    if where == "option":
        args.append("--cutover-redact=(")
    elif where == "ini":
        pytester.makefile(".ini", tox="[pytest]\ncutover_redact = (\n")
    else:
        monkeypatch.setenv("PYTEST_CUTOVER_REDACT", "(")
    result = cutover_project.run(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    problem = "'(' is not a valid regular expression: missing ), unterminated subpattern"
    expected = messages.BAD_REDACT_PATTERN.format(source=source, problem=f"{problem} at position 0")
    assert result.stderr.lines in ([f"ERROR: {expected}", ""], [f"ERROR: {expected}"])
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()


def test_a_value_a_later_check_makes_secret_is_redacted_from_every_bundle_file(
    cutover_project: CutoverProject,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("VAULT_TOKEN", raising=False)
    cutover_project.five_gates("")
    cutover_project.test_modules(
        test_vault="""
        import os
        import pytest

        @pytest.mark.gate("G1")
        def test_reads_the_token_from_the_vault():
            print("fetched vault-token-8e21f0")
            assert False

        @pytest.mark.gate("G1")
        def test_exports_it():
            os.environ["VAULT_TOKEN"] = "vault-token-8e21f0"
        """
    )
    result = cutover_project.run_subprocess(
        "--cutover-fail-fast=off", "--cutover-evidence=evidence"
    )
    result.assert_outcomes(failed=1, passed=1)
    evidence = cutover_project.path / "evidence"
    for path in sorted(evidence.iterdir()):
        assert "vault-token-8e21f0" not in path.read_text(encoding="utf-8"), path.name
    assert "fetched [REDACTED]" in (evidence / "evidence.json").read_text(encoding="utf-8")


def test_a_secret_in_the_selection_reaches_neither_terminal_nor_bundle(
    cutover_project: CutoverProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`-k` is recorded as the reason a check was left out: that text is redacted too."""
    monkeypatch.setenv("DB_PASSWORD", DB_SECRET)
    cutover_project.write(
        "cutover.yaml",
        "cutover: Selected\n"
        "gates:\n  - {id: G1, title: First, phase: T-60}\n"
        "checks:\n  - {id: c1, gate: G1, command: ['true']}\n  - {id: c2, gate: G1, tool: sh}\n",
    )
    result = cutover_project.run_subprocess(f"-k={DB_SECRET} or c1", "--cutover-evidence=ev")
    assert result.ret == pytest.ExitCode.TESTS_FAILED, "c2 left out: NO-GO"
    texts = {
        path.name: path.read_text(encoding="utf-8")
        for path in (cutover_project.path / "ev").iterdir()
    }
    texts["terminal"] = result.stdout.str() + result.stderr.str()
    assert "c2 deselected (-k '[REDACTED] or c1')" in texts["terminal"]
    assert [name for name, text in texts.items() if DB_SECRET in text] == []


def test_a_numeric_secret_in_a_parametrize_id_is_redacted_too(
    cutover_project: CutoverProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pytest makes the id of an int from ``str(value)``: a PIN is a secret all the same."""
    monkeypatch.setenv("VAULT_TOKEN", "48151623")
    cutover_project.test_modules(
        """
        import os, pytest

        @pytest.mark.gate("G1")
        @pytest.mark.parametrize("pin", [int(os.environ["VAULT_TOKEN"])])
        def test_unlock(pin):
            pass
        """
    )
    result = cutover_project.run_subprocess("-v", "--cutover-evidence=ev")
    texts = [result.stdout.str()] + [p.read_text() for p in (cutover_project.path / "ev").iterdir()]
    assert not [text for text in texts if "48151623" in text]
    result.stdout.fnmatch_lines(["*test_unlock[[]REDACTED-*[]] PASSED*"])
