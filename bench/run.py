"""Run every benchmark in order and print one summary table; writes nothing else.

    .venv/bin/python bench/run.py [--quick]

Measurements, not tests: the exit code is 0 whether or not a target holds.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable

import common
import evidence_cost
import gate_concurrency
import open_report
import overhead
import scale
import startup

BENCHMARKS: list[tuple[str, Callable[[bool], list[common.Outcome]]]] = [
    (gate_concurrency.NAME, gate_concurrency.main),
    (overhead.NAME, overhead.main),
    (evidence_cost.NAME, evidence_cost.main),
    (open_report.NAME, open_report.main),
    (scale.NAME, scale.main),
    (startup.NAME, startup.main),
]


def run_one(
    name: str, main: Callable[[bool], list[common.Outcome]], quick: bool
) -> list[common.Outcome]:
    """One benchmark's outcomes; a crash is reported and noted, and the others still run."""
    started = time.perf_counter()
    try:
        outcomes = main(quick)
    except Exception:
        traceback.print_exc()
        outcomes = [common.Outcome(name, "benchmark crashed (traceback above)", "-", "runs", False)]
    print(f"({name} took {time.perf_counter() - started:.0f} s)")
    return outcomes


def main() -> int:
    quick = common.parse_quick()
    started = time.perf_counter()
    outcomes: list[common.Outcome] = []
    for name, benchmark in BENCHMARKS:
        outcomes += run_one(name, benchmark, quick)
    print()
    print("== summary" + (" (--quick: small sizes, one run; indicative only)" if quick else ""))
    common.print_outcomes(outcomes)
    print(f"(all benchmarks took {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
