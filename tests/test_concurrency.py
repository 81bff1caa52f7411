"""Declared checks of one gate run at once; gates, reports and evidence stay in order."""

from __future__ import annotations

import json
import sys
import time

import pytest
from cutover_project import CutoverProject
from loopback import Answer, LoopbackServer, ServeHttp

from pytest_cutover import messages
from pytest_cutover.evidence.records import CheckRecord, EvidenceDocument
from pytest_cutover.run.settings import MAX_WORKERS

HEADER = """cutover: Concurrency
gates:
  - {id: G1, title: First, phase: T-60}
  - {id: G2, title: Second, phase: T-60}
checks:
"""


def plan(project: CutoverProject, checks: list[str]) -> None:
    project.write("cutover.yaml", HEADER + "".join(f"  - {c}\n" for c in checks))


def by_id(document: EvidenceDocument) -> dict[str, CheckRecord]:
    """The checks of an evidence document by their ids."""
    return {check["id"]: check for check in document["checks"]}


def slow_or_fast(path: str, number: int) -> Answer:
    """/slow/... after 0.3 s, /fast/... at once; 500 for a path with "fail" in it, else 200."""
    return Answer(500 if "fail" in path else 200, delay=0.3 if path.startswith("/slow/") else 0)


@pytest.fixture
def request_log(http_server: ServeHttp) -> LoopbackServer:
    """A loopback server answering :func:`slow_or_fast` that logs when each request came."""
    return http_server(slow_or_fast)


def test_reports_come_in_declaration_order_while_checks_overlap(
    cutover_project: CutoverProject,
) -> None:
    # c0..c4 each wait until c5 has started, then sleep so that they finish in reverse
    # order; run one after another, c0 would wait in vain and fail. The overlap is shown
    # by the rendezvous, not by a wall-clock comparison that a loaded machine can break.
    flag = cutover_project.path / "c5-started"
    wait = (
        "import pathlib, sys, time; flag = pathlib.Path(sys.argv[1]); end = time.monotonic() + 30\n"
        "while not flag.exists() and time.monotonic() < end: time.sleep(0.01)\n"
        "time.sleep(float(sys.argv[2])); sys.exit(0 if flag.exists() else 1)"
    )
    waiting = [
        f"{{id: c{i}, gate: G1, command: [{sys.executable}, -c, {json.dumps(wait)}, {flag},"
        f' "{0.5 - i * 0.1:.1f}"]}}'
        for i in range(5)
    ]
    touch = "import pathlib, sys; pathlib.Path(sys.argv[1]).touch()"
    starting = f"{{id: c5, gate: G1, command: [{sys.executable}, -c, {json.dumps(touch)}, {flag}]}}"
    plan(cutover_project, [*waiting, starting])
    result = cutover_project.run("-v", "--cutover-evidence=ev")
    lines = [
        line.split(" ")[0] for line in result.stdout.lines if line.startswith("cutover.yaml::")
    ]
    assert lines == [f"cutover.yaml::c{i}" for i in range(6)]
    assert all(check["outcome"] == "passed" for check in by_id(result.evidence).values())


def test_no_check_of_a_later_gate_starts_before_the_earlier_gate_finished(
    cutover_project: CutoverProject, request_log: LoopbackServer
) -> None:
    port = request_log.server_port
    plan(
        cutover_project,
        [f'{{id: a{i}, gate: G1, http: "http://127.0.0.1:{port}/slow/a{i}"}}' for i in range(8)]
        + [f'{{id: b{i}, gate: G2, http: "http://127.0.0.1:{port}/fast/b{i}"}}' for i in range(8)],
    )
    result = cutover_project.run()
    result.assert_outcomes(passed=16)
    first = [request for request in request_log.requests if "/a" in request.path]
    second = [request for request in request_log.requests if "/b" in request.path]
    assert len(first) == len(second) == 8
    # Each answer is stamped before it is sent, so this is an order, not a timing.
    assert max(r.answered for r in first) <= min(r.arrived for r in second)


def test_when_a_gate_fails_the_later_gate_starts_nothing(
    cutover_project: CutoverProject, request_log: LoopbackServer
) -> None:
    port = request_log.server_port
    plan(
        cutover_project,
        [
            f'{{id: a0, gate: G1, http: "http://127.0.0.1:{port}/slow/fail"}}',
            f'{{id: a1, gate: G1, http: "http://127.0.0.1:{port}/slow/a1"}}',
            f'{{id: b0, gate: G2, http: "http://127.0.0.1:{port}/fast/b0"}}',
        ],
    )
    result = cutover_project.run()
    assert result.parseoutcomes() == {"failed": 1, "passed": 1, "blocked": 1}
    assert sorted(r.path for r in request_log.requests) == ["/slow/a1", "/slow/fail"]


def test_each_check_keeps_its_own_commands_and_output(cutover_project: CutoverProject) -> None:
    plan(
        cutover_project,
        [
            f'{{id: c{i}, gate: G1, command: [sh, -c, "sleep 0.{i % 3}; echo c{i}"]}}'
            for i in range(12)
        ],
    )
    result = cutover_project.run("--cutover-evidence=ev")
    for check_id, check in by_id(result.evidence).items():
        (command,) = check["commands"]
        assert command["stdout"] == f"{check_id}\n"
        assert command["argv"][-1].endswith(f"echo {check_id}")


def test_timeouts_hold_under_concurrency(cutover_project: CutoverProject) -> None:
    plan(
        cutover_project,
        [f'{{id: hang{i}, gate: G1, command: [sleep, "30"], timeout: 0.5}}' for i in range(8)],
    )
    started = time.monotonic()
    result = cutover_project.run()
    assert time.monotonic() - started < 15
    result.assert_outcomes(failed=8)
    assert result.stdout.str().count("TIMEOUT: sleep ran longer than 0.5s") >= 8


def test_the_mutation_guard_holds_in_the_pool(cutover_project: CutoverProject) -> None:
    plan(
        cutover_project,
        [
            "{id: tidy, gate: G1, command: [docker, compose, -f, x.yml, down]}",
            '{id: fine, gate: G1, command: ["true"]}',
        ],
    )
    result = cutover_project.run("--cutover-evidence=ev")
    result.stdout.fnmatch_lines(
        ["cutover check tidy failed: blocked mutating command: docker compose -f x.yml down*"]
    )
    assert [c["source"] for c in by_id(result.evidence)["tidy"]["commands"]] == ["blocked"]


def test_one_worker_runs_the_checks_one_after_another(cutover_project: CutoverProject) -> None:
    plan(cutover_project, [f'{{id: c{i}, gate: G1, command: [sleep, "0.2"]}}' for i in range(3)])
    result = cutover_project.run("--cutover-workers=1")
    result.assert_outcomes(passed=3)
    assert result.duration >= 0.6, "three sleeps of 0.2 s, one after another"


def test_each_pooled_check_has_its_own_run_time_as_its_duration(
    cutover_project: CutoverProject,
) -> None:
    # The three run at once; pytest reports them one after another. Timed by pytest's
    # reports, the first would absorb the wait and the others show about 0 s.
    plan(cutover_project, [f'{{id: c{i}, gate: G1, command: [sleep, "0.3"]}}' for i in range(3)])
    result = cutover_project.run("--cutover-evidence=ev")
    result.assert_outcomes(passed=3)
    for check_id, check in by_id(result.evidence).items():
        assert 0.3 <= check["duration"] < 60, (check_id, check["duration"])


@pytest.mark.parametrize("value", ["0", "many", "-3"])
def test_a_bad_worker_count_is_a_usage_error(cutover_project: CutoverProject, value: str) -> None:
    plan(cutover_project, ['{id: c, gate: G1, command: ["true"]}'])
    result = cutover_project.run(f"--cutover-workers={value}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[0] == "ERROR: " + messages.BAD_CHOICE.format(
        source="--cutover-workers", value=value, allowed=f"a whole number from 1 to {MAX_WORKERS}"
    )


def test_checks_the_pool_ran_before_the_session_stopped_keep_their_commands(
    cutover_project: CutoverProject,
) -> None:
    plan(
        cutover_project,
        # The first check fails only after the pool has had time to start the others.
        ['{id: first, gate: G1, command: [sh, -c, "sleep 0.5; exit 1"]}']
        + [f'{{id: later{i}, gate: G1, command: [sh, -c, "echo later{i}"]}}' for i in range(3)],
    )
    result = cutover_project.run("--maxfail=1", "--cutover-evidence=ev")
    checks = by_id(result.evidence)
    for i in range(3):
        later = checks[f"later{i}"]
        assert later["outcome"] == "not run"
        assert later["message"] == messages.RAN_NOT_REPORTED
        assert [c["stdout"] for c in later["commands"]] == [f"later{i}\n"]


def test_python_tests_run_one_at_a_time_as_pytest_runs_them(
    cutover_project: CutoverProject,
) -> None:
    cutover_project.test_modules(
        test_seq="""
        import threading, time
        import pytest

        RUNNING = []

        @pytest.mark.gate("G1")
        @pytest.mark.parametrize("n", range(3))
        def test_alone(n):
            RUNNING.append(n)
            assert len(RUNNING) == 1, RUNNING
            assert threading.current_thread() is threading.main_thread()
            time.sleep(0.05)
            RUNNING.remove(n)
        """
    )
    cutover_project.run().assert_outcomes(passed=3)
