"""Evidence cost: writing the evidence bundle vs pytest-html's self-contained report.

5,000 gate-marked checks each printing 200 bytes: wall time of ``--cutover-evidence=DIR``
vs ``--html=F --self-contained-html`` alone (plugin off). Then 5,000 checks printing
10 KB each: the size of pytest-html's file, of the bundle's report.html and of the
whole bundle. Run:  .venv/bin/python bench/evidence_cost.py [--quick]
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import common

NAME = "evidence_cost"
GATES = 5
FULL = (5_000, 50)  # checks, files
QUICK = (500, 10)
SMALL_OUTPUT = 200
LARGE_OUTPUT = 10 * 1024
WALL_TARGET = 1.2
REPORT_LIMIT_MB = 10.0

PLAIN = "plain pytest (-p no:cutover), for reference"
EVIDENCE = "pytest-cutover --cutover-evidence"
HTML = "pytest-html alone (-p no:cutover)"


def variants(tree: Path, with_plain: bool) -> dict[str, tuple[list[str], Path]]:
    """The runs compared: the bundle with the plugin on, pytest-html with it off."""
    found = {
        EVIDENCE: ([*common.NO_DEPENDENCY, f"--cutover-evidence={common.OUT}/evidence"], tree),
        HTML: (
            [
                *common.NO_CUTOVER,
                *common.NO_DEPENDENCY,
                f"--html={common.OUT}/pytest-html.html",
                "--self-contained-html",
            ],
            tree,
        ),
    }
    if with_plain:
        found[PLAIN] = ([*common.NO_CUTOVER, *common.NO_DEPENDENCY], tree)
    return found


def wall_cost(work: Path, checks: int, files: int, repeats: int) -> list[common.Outcome]:
    """Checks printing SMALL_OUTPUT bytes: the bundle's wall time against pytest-html's."""
    print(f"-- {checks} checks printing {SMALL_OUTPUT} bytes each")
    tree = work / "tree-small"
    common.write_gate_tests(tree, checks, files, GATES, common.print_body(SMALL_OUTPUT))
    common.warm_up(tree)
    measured = common.measure(variants(tree, with_plain=True), work / "out-small", repeats)
    common.print_measurements(measured.values())
    common.report_failures(measured.values())
    wall = common.ratio(measured[EVIDENCE], measured[HTML], "wall")
    to_plain = [
        common.ratio(measured[label], measured[PLAIN], "wall") for label in (EVIDENCE, HTML)
    ]
    print(
        f"ratios: evidence / pytest-html wall {common.times(wall)}; to plain pytest: "
        f"evidence {common.times(to_plain[0])}, pytest-html {common.times(to_plain[1])}"
    )
    return [
        common.target(NAME, f"wall evidence / pytest-html ({checks} checks)", wall, WALL_TARGET)
    ]


def sizes(work: Path, checks: int, files: int) -> list[common.Outcome]:
    """Checks printing LARGE_OUTPUT bytes: how big each report gets (one run each)."""
    print(f"-- {checks} checks printing {LARGE_OUTPUT} bytes each (sizes; one run each)")
    tree = work / "tree-large"
    common.write_gate_tests(tree, checks, files, GATES, common.print_body(LARGE_OUTPUT))
    common.warm_up(tree)
    measured = common.measure(variants(tree, with_plain=False), work / "out-large", 1)
    common.print_measurements(measured.values())
    common.report_failures(measured.values())
    bundle = measured[EVIDENCE].runs[0].out / "evidence"
    html = measured[HTML].runs[0].out / "pytest-html.html"
    report = bundle / "report.html"
    found = {
        "pytest-html file": html.stat().st_size if html.is_file() else None,
        "bundle report.html": report.stat().st_size if report.is_file() else None,
        "whole bundle": common.tree_size(bundle) if bundle.is_dir() else None,
    }
    common.print_table(
        ["file", "size"],
        [[name, _shown(size)] for name, size in found.items()],
    )
    report_mb = (
        None if found["bundle report.html"] is None else found["bundle report.html"] / common.MB
    )
    return [
        common.info(NAME, "pytest-html file (10 KB/check)", _shown(found["pytest-html file"])),
        common.target(
            NAME,
            f"bundle report.html ({checks} x 10 KB)",
            report_mb,
            REPORT_LIMIT_MB,
            strict=True,
            unit=" MB",
        ),
        common.info(NAME, "whole bundle (10 KB/check)", _shown(found["whole bundle"])),
    ]


def _shown(size: int | None) -> str:
    return "missing" if size is None else common.megabytes(size)


def main(quick: bool) -> list[common.Outcome]:
    checks, files = QUICK if quick else FULL
    common.heading(f"{NAME}: the evidence bundle vs pytest-html, {checks} checks", quick)
    with tempfile.TemporaryDirectory(prefix="bench-evidence-") as work:
        outcomes = wall_cost(Path(work), checks, files, common.repeats_for(quick))
        outcomes += sizes(Path(work), checks, files)
    return outcomes


if __name__ == "__main__":
    raise SystemExit(common.run_alone(main))
