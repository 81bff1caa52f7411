"""retry: healthy within a bound, against a real loopback server that comes up late."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from loopback import Answer, ServeHttp

from cutover_checks import probes
from cutover_checks import retry as retry_module
from cutover_checks.errors import InvalidArgument
from cutover_checks.result import CheckResult
from cutover_checks.retry import retry


def warming_up(path: str, number: int) -> Answer:
    """503 to the first two requests, then 200."""
    return Answer(503 if number <= 2 else 200)


def test_a_service_that_becomes_healthy_passes_within_its_attempts(
    http_server: ServeHttp,
) -> None:
    warming_server = http_server(warming_up)
    url = warming_server.url("/healthz")
    result = retry(lambda: probes.http(url), attempts=5, interval=0.05)
    assert result.ok, result.message
    assert result.details["attempts"] == 3
    assert warming_server.arrivals == 3
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


def test_no_attempt_starts_after_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    # A fake clock: whether an attempt may start is arithmetic on the clock, and the
    # machine's real pauses overshoot by as much as the bound under load.
    now = [0.0]

    def pause(seconds: float) -> bool:
        now[0] += seconds
        return False  # not cancelled

    monkeypatch.setattr(retry_module, "time", SimpleNamespace(monotonic=lambda: now[0]))
    monkeypatch.setattr(retry_module, "pause", pause)
    starts: list[float] = []

    def never() -> CheckResult:
        starts.append(now[0])
        now[0] += 0.01  # each attempt takes 10 ms
        return CheckResult(False, "down")

    result = retry(never, attempts=1000, interval=0.05, deadline=0.2)
    assert not result.ok
    # Attempts start at 0, 0.06, 0.12 and 0.18 s; a fifth would start at 0.24 s.
    assert starts == pytest.approx([0.0, 0.06, 0.12, 0.18])
    assert result.details["attempts"] == 4
    assert result.details["elapsed"] == pytest.approx(0.19)


def test_bad_retry_bounds_are_refused() -> None:
    with pytest.raises(InvalidArgument, match="attempts"):
        retry(lambda: CheckResult(True, "up"), attempts=0, interval=1)
    with pytest.raises(InvalidArgument, match="interval"):
        retry(lambda: CheckResult(True, "up"), attempts=1, interval=-1)
