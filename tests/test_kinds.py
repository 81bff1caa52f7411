"""Every library check as a plan kind: same parameter names, validated at load, run for real."""

from __future__ import annotations

import inspect
import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from cutover_project import CutoverProject
from loopback import Certificate

from pytest_cutover.plan.kinds import KINDS
from pytest_cutover.plan.schema import COMMON_KEYS, check_kinds, kind_keys


@pytest.mark.parametrize("kind", check_kinds())
def test_each_kind_takes_exactly_the_parameters_of_its_library_function(kind: str) -> None:
    function = KINDS[kind].run
    parameters = list(inspect.signature(function).parameters)
    plan_keys = [key for key in kind_keys(kind) if key not in (*COMMON_KEYS, kind)]
    assert sorted(plan_keys) == sorted(parameters[1:]), function.__qualname__


def test_every_schema_kind_has_a_runner_and_back() -> None:
    assert set(check_kinds()) == set(KINDS)


@pytest.fixture
def target(cutover_project: CutoverProject, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small deployment tree with one of everything the kinds look at."""
    root = cutover_project.path
    (root / "runbook.md").write_text("# Runbook\n\n## Rollback triggers\n")
    (root / "deploy.sh").write_text("#!/bin/bash\necho deploy\n")
    (root / "docker-compose.yml").write_text("services:\n  app:\n    image: example/app:1\n")
    (root / "package.json").write_text(
        '{"scripts": {"build": "bun build x.ts", "test": "bun test"}}'
    )
    repo = root / "repo"
    repo.mkdir()
    for args in (
        ["init", "-q", "-b", "main"],
        ["-c", "user.name=Ops", "-c", "user.email=ops@example.invalid", "commit", "-q",
         "--allow-empty", "-m", "release"],
    ):  # fmt: skip
        subprocess.run(["git", "-C", str(repo), *args], check=True)
    monkeypatch.setenv("CUTOVER_TEST_TOKEN", "not shown")
    return root


def plan(project: CutoverProject, checks: str) -> None:
    header = """
        cutover: Kinds
        gates:
          - {id: G1, title: Everything, phase: T-60}
        checks:
    """
    body = textwrap.indent(textwrap.dedent(checks).strip(), "  ")
    project.write("cutover.yaml", textwrap.dedent(header).lstrip() + body + "\n")


def every_kind(web: str, https: str, certificate: Certificate) -> str:
    return f"""
        - {{id: tool, gate: G1, tool: sh}}
        - {{id: path, gate: G1, path: runbook.md, type: file, contains: "^## Rollback"}}
        - {{id: bash-syntax, gate: G1, bash_syntax: deploy.sh}}
        - {{id: compose, gate: G1, compose: docker-compose.yml, services: [app]}}
        - {{id: package-json, gate: G1, package_json: package.json, scripts: [build, test]}}
        - {{id: command, gate: G1, command: [sh, -c, "echo ready"], stdout: "^ready$"}}
        - {{id: http, gate: G1, http: "http://{web}/healthz", body: "status: ok"}}
        - {{id: tcp, gate: G1, tcp: "{web}"}}
        - {{id: tls, gate: G1, tls: "{https}", ca_file: "{certificate.pem}", min_days: 1}}
        - {{id: dns, gate: G1, dns: localhost}}
        - {{id: git, gate: G1, git: repo, branch: main, clean: true}}
        - {{id: free-space, gate: G1, free_space: ., min_free: 1MiB}}
        - {{id: env-present, gate: G1, env_present: [CUTOVER_TEST_TOKEN]}}
    """


def test_every_kind_runs_for_real_from_the_plan_and_passes(
    cutover_project: CutoverProject,
    target: Path,
    web: str,
    serve_https: Callable[[Certificate], str],
    valid_certificate: Certificate,
) -> None:
    checks = every_kind(web, serve_https(valid_certificate), valid_certificate)
    plan(cutover_project, checks)
    result = cutover_project.run("-v")
    for kind in check_kinds():
        assert f"gate: G1, {kind}:" in checks, f"kind {kind} is not exercised"
    result.assert_outcomes(passed=len(check_kinds()))
    result.stdout.fnmatch_lines(["GO: Kinds"])


def test_every_kind_fails_with_what_it_saw(
    cutover_project: CutoverProject,
    target: Path,
    web: str,
    closed: str,
    serve_https: Callable[[Certificate], str],
    expired_certificate: Certificate,
) -> None:
    https = serve_https(expired_certificate)
    (target / "repo" / "untracked.txt").write_text("scratch\n")
    plan(
        cutover_project,
        f"""
        - {{id: tool, gate: G1, tool: no-such-tool-here}}
        - {{id: path, gate: G1, path: runbook.md, contains: "^## Sign-off"}}
        - {{id: bash-syntax, gate: G1, bash_syntax: missing.sh}}
        - {{id: compose, gate: G1, compose: docker-compose.yml, services: [db]}}
        - {{id: package-json, gate: G1, package_json: package.json, scripts: [deploy]}}
        - {{id: command, gate: G1, command: [sh, -c, "exit 4"], exit_codes: [0, 1]}}
        - {{id: http, gate: G1, http: "http://{web}/broken"}}
        - {{id: tcp, gate: G1, tcp: "{closed}"}}
        - {{id: tls, gate: G1, tls: "{https}", ca_file: "{expired_certificate.pem}"}}
        - {{id: dns, gate: G1, dns: cutover-test.invalid, timeout: 2}}
        - {{id: git, gate: G1, git: repo, clean: true}}
        - {{id: free-space, gate: G1, free_space: ., min_free: 1000TiB}}
        - {{id: env-present, gate: G1, env_present: [CUTOVER_TEST_MISSING]}}
        """,
    )
    result = cutover_project.run()
    result.assert_outcomes(failed=len(check_kinds()))
    lines = [line for line in result.stdout.lines if line.startswith("cutover check ")]
    assert lines == [
        "cutover check tool (tool no-such-tool-here) failed: no-such-tool-here not found on PATH",
        f"cutover check path (path runbook.md) failed: {target}/runbook.md has no match for "
        "'^## Sign-off'",
        f"cutover check bash-syntax (bash_syntax missing.sh) failed: bash -n {target}/missing.sh "
        f"failed: bash: {target}/missing.sh: No such file or directory",
        "cutover check compose (compose docker-compose.yml) failed: compose config of "
        f"{target}/docker-compose.yml lacks the services: db",
        f"cutover check package-json (package_json package.json) failed: {target}/package.json "
        "lacks the scripts: deploy",
        "cutover check command (command sh -c 'exit 4') failed: sh exited 4, expected 0 or 1",
        f"cutover check http (http http://{web}/broken) failed: GET http://{web}/broken "
        "answered 500, expected 200",
        f"cutover check tcp (tcp {closed}) failed: cannot connect to {closed}: connection refused",
        lines[8],
        lines[9],
        f"cutover check git (git repo) failed: {target}/repo has 1 uncommitted changes: "
        "untracked.txt",
        lines[11],
        "cutover check env-present (env_present CUTOVER_TEST_MISSING) failed: environment "
        "variables not set: CUTOVER_TEST_MISSING",
    ]
    assert lines[8].startswith(f"cutover check tls (tls {https}) failed: TLS certificate of ")
    assert "expired 3.0 days ago" in lines[8]
    assert lines[9].startswith(
        "cutover check dns (dns cutover-test.invalid) failed: cannot resolve"
    )
    assert lines[11].startswith("cutover check free-space (free_space .) failed: only ")
    assert "Traceback" not in result.stdout.str()


@pytest.mark.parametrize(
    ("check", "problem"),
    [
        (
            "{id: bun, gate: G1, tool: bun, version: newest}",
            "checks[0] (bun).version: 'newest' is not a version specifier; write one like "
            "'>=1.1' or '>=2.20,<3'",
        ),
        (
            "{id: doc, gate: G1, path: x.md, contains: '(unclosed'}",
            "checks[0] (doc).contains: '(unclosed' is not a valid regular expression: "
            "missing ), unterminated subpattern at position 0",
        ),
        (
            "{id: disk, gate: G1, free_space: /, min_free: lots}",
            "checks[0] (disk).min_free: 'lots' is not a size; write bytes or a number with B, kB, "
            "MB, GB, TB, KiB, MiB, GiB or TiB",
        ),
        (
            "{id: db, gate: G1, tcp: db.internal}",
            "checks[0] (db).tcp: 'db.internal' is not host:port (IPv6 as [::1]:443)",
        ),
        (
            "{id: web, gate: G1, http: 'ftp://x/'}",
            "checks[0] (web).http: 'ftp://x/' is not allowed here; start it with http:// or "
            "https://",
        ),
        (
            "{id: st, gate: G1, command: [true], exit_codes: zero}",
            "checks[0] (st).command[0]: must be a string, got true (a boolean)",
        ),
        (
            "{id: st, gate: G1, command: ['true'], exit_codes: zero}",
            "checks[0] (st).exit_codes: must be a whole number or a list of whole numbers, "
            "got the string 'zero'",
        ),
        (
            "{id: r, gate: G1, tool: sh, retry: {attempts: 0, interval: 1}}",
            "checks[0] (r).retry.attempts: must be at least 1, got 0",
        ),
    ],
)
def test_bad_parameters_are_usage_errors_naming_file_line_and_key(
    cutover_project: CutoverProject, check: str, problem: str
) -> None:
    plan(cutover_project, f"- {check}")
    result = cutover_project.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[0] == f"ERROR: cutover.yaml:5: {problem}"


def test_a_check_with_retry_passes_once_the_condition_holds(
    cutover_project: CutoverProject,
) -> None:
    third_time = 'n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; [ "$n" -ge 3 ]'
    plan(
        cutover_project,
        f"- {{id: warms-up, gate: G1, command: [sh, -c, '{third_time}'], "
        "retry: {attempts: 5, interval: 0.01}}",
    )
    result = cutover_project.run()
    result.assert_outcomes(passed=1)
    assert (cutover_project.path / "count").read_text() == "3\n"


def test_a_check_that_never_holds_reports_its_attempts(cutover_project: CutoverProject) -> None:
    plan(
        cutover_project,
        "- {id: down, gate: G1, command: ['false'], retry: {attempts: 3, interval: 0}}",
    )
    result = cutover_project.run()
    result.stdout.fnmatch_lines(
        ["cutover check down (command false) failed: false exited 1, expected 0 (after 3 attempts*"]
    )
    output = result.stdout.str()
    failure = output[output.index("= FAILURES =") : output.index("= cutover decision =")]
    assert failure.count("$ false -> exit 1") == 3


def test_placeholder_scripts_are_listed_as_warnings_without_failing(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.write("package.json", '{"scripts": {"build": "echo TODO", "test": "t"}}')
    plan(cutover_project, "- {id: scripts, gate: G1, package_json: package.json}")
    result = cutover_project.run()
    result.stdout.fnmatch_lines(
        ["GO: Kinds", "warnings:", "  - scripts: script 'build' is a placeholder: 'echo TODO'"]
    )
    assert result.ret == pytest.ExitCode.OK


def test_a_parameter_only_the_run_can_judge_fails_the_check_cleanly(
    cutover_project: CutoverProject, web: str
) -> None:
    plan(cutover_project, f"- {{id: tls, gate: G1, tls: '{web}', ca_file: missing-ca.pem}}")
    result = cutover_project.run()
    result.stdout.fnmatch_lines(
        ["cutover check tls (tls *) failed: ca_file: '*missing-ca.pem' cannot be loaded*"]
    )
    assert "Traceback" not in result.stdout.str()


# -- the same checks in Python tests ----------------------------------------------------


def test_python_tests_use_the_library_through_the_cutover_fixture(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.test_modules(
        test_tools="""
        import pytest
        from cutover_checks import tools

        @pytest.mark.gate("G1")
        def test_sh_is_there(cutover):
            result = cutover.require(tools.tool("sh"))
            assert result.details["tool"] == "sh"

        @pytest.mark.gate("G1")
        def test_bun_is_new_enough(cutover):
            cutover.require(tools.tool("sh", version=">=1", version_argv=["sh", "-c", "echo 0.9"]))
        """
    )
    result = cutover_project.run()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "cutover check test_tools.py::test_bun_is_new_enough failed: "
            "sh 0.9 does not satisfy >=1",
            "  $ sh -c 'echo 0.9' -> exit 0",
            "  stdout:",
            "    0.9",
        ]
    )
    assert "cutover_checks/tools.py" not in result.stdout.str(), "no traceback into the library"
    result.stdout.fnmatch_lines(
        ["  - gate G1 FAILED: test_tools.py::test_bun_is_new_enough failed"]
    )
