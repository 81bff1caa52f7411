"""Scale: peak memory of 20,000 gate-marked trivial checks, plugin on with evidence vs off.

Run:  .venv/bin/python bench/scale.py [--quick]
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import common

NAME = "scale"
GATES = 5
FULL = (20_000, 200)  # checks, files
QUICK = (2_000, 20)
MEMORY_TARGET = 1.3

PLAIN = "plain pytest (-p no:cutover)"
EVIDENCE = "pytest-cutover --cutover-evidence"


def main(quick: bool) -> list[common.Outcome]:
    checks, files = QUICK if quick else FULL
    common.heading(f"{NAME}: {checks} trivial checks over {GATES} gates in {files} files", quick)
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as work:
        tree = Path(work) / "tree"
        common.write_gate_tests(tree, checks, files, GATES)
        common.warm_up(tree)
        variants = {
            PLAIN: ([*common.NO_CUTOVER, *common.NO_DEPENDENCY], tree),
            EVIDENCE: (
                [*common.NO_DEPENDENCY, f"--cutover-evidence={common.OUT}/evidence"],
                tree,
            ),
        }
        measured = common.measure(variants, Path(work) / "out", common.repeats_for(quick))
    common.print_measurements(measured.values())
    common.report_failures(measured.values())
    peak = common.ratio(measured[EVIDENCE], measured[PLAIN], "peak_mib")
    wall = common.ratio(measured[EVIDENCE], measured[PLAIN], "wall")
    print(f"ratios to plain pytest: peak {common.times(peak)}, wall {common.times(wall)}")
    return [
        common.target(NAME, f"peak evidence / plain ({checks} checks)", peak, MEMORY_TARGET),
        common.info(NAME, f"wall evidence / plain ({checks} checks)", common.times(wall)),
    ]


if __name__ == "__main__":
    raise SystemExit(common.run_alone(main))
