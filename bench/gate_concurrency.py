"""Gate concurrency: 64 slow HTTP checks of one gate, default workers vs one at a time.

A loopback server (127.0.0.1 only) answers 200 after 0.5 s. The plan has one gate
of 64 ``http`` checks against it. Run:  .venv/bin/python bench/gate_concurrency.py [--quick]
"""

from __future__ import annotations

import contextlib
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import common

NAME = "gate_concurrency"
LOOPBACK = "127.0.0.1"
CHECKS = 64
#: Each check's answer takes this long: the slowest single check.
DELAY = 0.5
TARGET_VS_SLOWEST = 3.0


class CountingServer(ThreadingHTTPServer):
    """Answers every GET with 200 after DELAY seconds and counts the requests."""

    daemon_threads = True
    request_queue_size = 128  # all 64 may connect at once; the default backlog is 5

    def __init__(self) -> None:
        super().__init__((LOOPBACK, 0), _SlowHandler)
        self.requests = 0
        self._lock = threading.Lock()

    def count(self) -> None:
        with self._lock:
            self.requests += 1

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up early is no error here."""


class _SlowHandler(BaseHTTPRequestHandler):
    server: CountingServer

    def do_GET(self) -> None:
        self.server.count()
        time.sleep(DELAY)
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@contextlib.contextmanager
def serving() -> Iterator[CountingServer]:
    """The server on 127.0.0.1 in a thread; shut down and closed on the way out."""
    server = CountingServer()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def write_plan(tree: Path, port: int, checks: int) -> None:
    """One gate of ``checks`` http checks against the server."""
    common.write_ini(tree)
    lines = [
        "cutover: bench gate concurrency",
        "gates:",
        "  - {id: G1, title: Slow probes, phase: T-60}",
        "checks:",
    ]
    lines += [
        f'  - {{id: probe-{n}, gate: G1, http: "http://{LOOPBACK}:{port}/slow/{n}"}}'
        for n in range(checks)
    ]
    (tree / "cutover.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def server_baseline(server: CountingServer, checks: int) -> float:
    """Seconds for ``checks`` requests all at once from this process: what the server allows."""

    def fetch(n: int) -> int:
        url = f"http://{LOOPBACK}:{server.server_port}/slow/{n}"
        with urllib.request.urlopen(url, timeout=30) as answer:
            return int(answer.status)

    start = time.perf_counter()
    with ThreadPoolExecutor(checks) as pool:
        statuses = list(pool.map(fetch, range(checks)))
    elapsed = time.perf_counter() - start
    print(
        f"  server baseline: {checks} requests at once answered in {elapsed:.2f} s "
        f"({statuses.count(200)} with 200)"
    )
    return elapsed


def measure_counting(
    server: CountingServer, variants: dict[str, list[str]], tree: Path, outputs: Path, repeats: int
) -> tuple[dict[str, common.Measurement], dict[str, list[int]]]:
    """Like common.measure, and the requests the server saw during each run."""
    runs: dict[str, list[common.Run]] = {label: [] for label in variants}
    seen: dict[str, list[int]] = {label: [] for label in variants}
    for repeat in range(repeats):
        for label, args in variants.items():
            before = server.requests
            run = common.run_pytest(args, tree, outputs / f"{common.slug(label)}-{repeat}")
            runs[label].append(run)
            seen[label].append(server.requests - before)
            print(f"  {label}: run {repeat + 1}/{repeats} {run.wall:.2f} s, exit {run.returncode}")
    measurements = {label: common.Measurement(label, tuple(r)) for label, r in runs.items()}
    return measurements, seen


def main(quick: bool) -> list[common.Outcome]:
    common.heading(
        f"{NAME}: one gate of {CHECKS} http checks, each answered after {DELAY} s", quick
    )
    variants = {"default workers": [], "--cutover-workers=1": ["--cutover-workers=1"]}
    with tempfile.TemporaryDirectory(prefix="bench-gates-") as work, serving() as server:
        tree, outputs = Path(work) / "tree", Path(work) / "out"
        write_plan(tree, server.server_port, CHECKS)
        baseline = server_baseline(server, CHECKS)
        common.warm_up(tree)
        measured, seen = measure_counting(
            server, variants, tree, outputs, common.repeats_for(quick)
        )
    default, single = measured["default workers"], measured["--cutover-workers=1"]
    common.print_measurements(measured.values(), memory=False)
    common.report_failures(measured.values())
    vs_slowest = default.wall / DELAY if default.ok else None
    single_vs_default = common.ratio(single, default, "wall")
    counts = "; ".join(f"{label}: {' '.join(map(str, n))}" for label, n in seen.items())
    every_count = sorted({n for found in seen.values() for n in found})
    print(f"requests the server saw per run (expected {CHECKS} each): {counts}")
    print(
        f"ratios: default / slowest single check ({DELAY} s) = {common.times(vs_slowest)}; "
        f"workers=1 / default = {common.times(single_vs_default)}"
    )
    return [
        common.target(
            NAME, "wall default / slowest check", vs_slowest, TARGET_VS_SLOWEST, strict=True
        ),
        common.info(NAME, "wall workers=1 / default", common.times(single_vs_default)),
        common.info(NAME, f"server alone: {CHECKS} requests at once", f"{baseline:.2f} s"),
        common.Outcome(
            NAME,
            "requests seen per run",
            " / ".join(map(str, every_count)),
            f"= {CHECKS}",
            every_count == [CHECKS],
        ),
    ]


if __name__ == "__main__":
    raise SystemExit(common.run_alone(main))
