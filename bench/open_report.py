"""Opening the reports: the evidence report.html vs pytest-html's, in headless Chromium.

One pytest run of N trivial checks writes both (``--cutover-evidence`` and
``--html --self-contained-html``). Each report is then opened in Debian's Chromium
through Playwright (never ``playwright install``), and "rendered and usable" is
timed the same way for both: from ``page.goto(uri, wait_until="commit")`` until
the last result element exists in the DOM and the first one is visible. Run:
    .venv/bin/python bench/open_report.py [--quick]
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import common

if TYPE_CHECKING:
    from playwright.sync_api import Browser

NAME = "open_report"
GATES = 5
CHECKS_PER_FILE = 100
FULL_SIZES = (5_000, 20_000)
QUICK_SIZES = (5_000,)
#: Our report must be usable within this many seconds at each size.
TARGETS = {5_000: 1.0, 20_000: 4.0}
TIMEOUT_MS = 300_000

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
#: One element per check: ours are static <details>; pytest-html's rows are made by its
#: JavaScript (app.js renders one <tbody class="results-table-row"> per test into a new
#: #results-table that replaces the empty one).
EVIDENCE_SELECTOR = "#evidence details.check"
HTML_SELECTOR = "#results-table > tbody.results-table-row"
#: True once ``count`` elements match and the first has a box and is not hidden.
READY = """([selector, count]) => {
    const found = document.querySelectorAll(selector);
    if (found.length < count) return false;
    const box = found[0].getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(found[0]).visibility !== "hidden";
}"""


def write_reports(work: Path, checks: int) -> tuple[Path, Path] | None:
    """One pytest run that writes the bundle and pytest-html's report; their paths."""
    tree = work / f"tree-{checks}"
    common.write_gate_tests(tree, checks, max(1, checks // CHECKS_PER_FILE), GATES)
    args = [
        *common.NO_DEPENDENCY,
        f"--cutover-evidence={common.OUT}/evidence",
        f"--html={common.OUT}/pytest-html.html",
        "--self-contained-html",
    ]
    run = common.run_pytest(args, tree, work / f"out-{checks}")
    print(
        f"  pytest run of {checks} checks writing both reports: "
        f"{run.wall:.2f} s, exit {run.returncode}"
    )
    evidence, html = run.out / "evidence" / "report.html", run.out / "pytest-html.html"
    if run.returncode != 0 or not evidence.is_file() or not html.is_file():
        print(f"  ! the run did not write both reports; last output:\n{run.tail()}")
        return None
    return evidence, html


def time_open(browser: Browser, report: Path, selector: str, count: int) -> float:
    """Seconds from goto (commit) until ``count`` elements exist and the first is visible."""
    context = browser.new_context()
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(report.as_uri(), wait_until="commit", timeout=TIMEOUT_MS)
        page.wait_for_function(READY, arg=[selector, count], polling="raf", timeout=TIMEOUT_MS)
        elapsed = time.perf_counter() - start
        found = page.eval_on_selector_all(selector, "elements => elements.length")
        if found != count:
            print(f"  ! {report.name}: {found} elements match {selector!r}, expected {count}")
        return elapsed
    finally:
        context.close()


def measure_size(browser: Browser, work: Path, checks: int, repeats: int) -> list[common.Outcome]:
    """Open both reports of one run ``repeats`` times each, alternating; medians."""
    reports = write_reports(work, checks)
    limit = TARGETS[checks]
    if reports is None:
        return [
            common.target(
                NAME, f"evidence report usable ({checks})", None, limit, strict=True, unit=" s"
            )
        ]
    evidence, html = reports
    time_open(browser, evidence, EVIDENCE_SELECTOR, checks)  # unmeasured: a warm browser
    times: dict[str, list[float]] = {"evidence report.html": [], "pytest-html": []}
    for repeat in range(repeats):
        times["evidence report.html"].append(
            time_open(browser, evidence, EVIDENCE_SELECTOR, checks)
        )
        times["pytest-html"].append(time_open(browser, html, HTML_SELECTOR, checks))
        print(
            f"  open {repeat + 1}/{repeats}: evidence {times['evidence report.html'][-1]:.2f} s, "
            f"pytest-html {times['pytest-html'][-1]:.2f} s"
        )
    medians = {label: statistics.median(found) for label, found in times.items()}
    sizes = {"evidence report.html": evidence.stat().st_size, "pytest-html": html.stat().st_size}
    common.print_table(
        ["report", "usable median (s)", "opens (s)", "file size"],
        [
            [
                label,
                f"{medians[label]:.2f}",
                " ".join(f"{t:.2f}" for t in found),
                common.megabytes(sizes[label]),
            ]
            for label, found in times.items()
        ],
    )
    ratio = medians["evidence report.html"] / medians["pytest-html"]
    print(f"ratio at {checks} checks: evidence / pytest-html = {ratio:.2f}x")
    return [
        common.target(
            NAME,
            f"evidence report usable ({checks} checks)",
            medians["evidence report.html"],
            limit,
            strict=True,
            unit=" s",
        ),
        common.info(
            NAME, f"pytest-html usable ({checks} checks)", f"{medians['pytest-html']:.2f} s"
        ),
        common.info(NAME, f"evidence / pytest-html ({checks} checks)", common.times(ratio)),
    ]


def not_measured(sizes: tuple[int, ...], why: str) -> list[common.Outcome]:
    print(f"  ! not measured: {why}")
    return [
        common.target(
            NAME, f"evidence report usable ({n} checks)", None, TARGETS[n], strict=True, unit=" s"
        )
        for n in sizes
    ]


def main(quick: bool) -> list[common.Outcome]:
    sizes = QUICK_SIZES if quick else FULL_SIZES
    common.heading(f"{NAME}: time to a usable report in headless Chromium", quick)
    if not CHROMIUM.is_file():
        return not_measured(sizes, f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415 (optional dependency)
    except ImportError:
        return not_measured(sizes, "playwright is not installed in this venv")
    outcomes: list[common.Outcome] = []
    with tempfile.TemporaryDirectory(prefix="bench-open-") as work, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for checks in sizes:
                print(f"-- {checks} checks")
                outcomes += measure_size(browser, Path(work), checks, common.repeats_for(quick))
        finally:
            browser.close()
    return outcomes


if __name__ == "__main__":
    raise SystemExit(common.run_alone(main))
