"""retry: healthy within a bound, against a real loopback server that comes up late."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cutover_checks import probes
from cutover_checks.errors import InvalidArgument
from cutover_checks.result import CheckResult
from cutover_checks.retry import retry


class _WarmingUp(BaseHTTPRequestHandler):
    """Answers 503 to the first two requests, then 200."""

    def do_GET(self) -> None:
        server = self.server
        assert isinstance(server, _CountingServer)
        server.requests += 1
        status = 503 if server.requests <= 2 else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


class _CountingServer(ThreadingHTTPServer):
    requests = 0


@pytest.fixture
def warming_server() -> Iterator[_CountingServer]:
    server = _CountingServer(("127.0.0.1", 0), _WarmingUp)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_service_that_becomes_healthy_passes_within_its_attempts(
    warming_server: _CountingServer,
) -> None:
    url = f"http://127.0.0.1:{warming_server.server_address[1]}/healthz"
    result = retry(lambda: probes.http(url), attempts=5, interval=0.05)
    assert result.ok, result.message
    assert result.details["attempts"] == 3
    assert warming_server.requests == 3
    assert re.search(r" \(after 3 attempts in \d+\.\ds\)$", result.message), result.message


def test_attempts_run_out_and_the_last_failure_is_reported() -> None:
    calls: list[int] = []

    def never() -> CheckResult:
        calls.append(1)
        return CheckResult(False, f"down ({len(calls)})")

    result = retry(never, attempts=3, interval=0)
    assert not result.ok
    assert len(calls) == 3
    assert result.message.startswith("down (3) (after 3 attempts in ")


def test_no_attempt_starts_after_the_deadline() -> None:
    calls: list[int] = []

    def never() -> CheckResult:
        calls.append(1)
        return CheckResult(False, "down")

    result = retry(never, attempts=1000, interval=0.05, deadline=0.2)
    assert not result.ok
    assert 2 <= len(calls) <= 6
    assert result.details["elapsed"] <= 0.2


def test_bad_retry_bounds_are_refused() -> None:
    with pytest.raises(InvalidArgument, match="attempts"):
        retry(lambda: CheckResult(True, "up"), attempts=0, interval=1)
    with pytest.raises(InvalidArgument, match="interval"):
        retry(lambda: CheckResult(True, "up"), attempts=1, interval=-1)
