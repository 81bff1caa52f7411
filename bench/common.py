"""Shared helpers for the benchmarks: child pytest runs, timing, peak memory, medians,
generated test trees, targets and tables.

Every measured pytest run is one fresh process started from a small ``python -c``
wrapper, which times it and then reads ``RUSAGE_CHILDREN.ru_maxrss``: the peak
resident memory of exactly that one pytest process (KiB on Linux).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

#: Options of every child pytest run: no shuffling, no cache folder, terse output.
PYTEST_BASE = ("-p", "no:randomly", "-p", "no:cacheprovider", "-q")
#: The plugin off; with no plan and no plugin, gate markers are plain registered marks.
NO_CUTOVER = ("-p", "no:cutover")
#: pytest-dependency off (harmless when it is not installed), except where it is measured.
NO_DEPENDENCY = ("-p", "no:dependency")

REPEATS = 3
QUICK_REPEATS = 1
#: In a run's arguments, replaced by a fresh output folder of that run (outside the tree).
OUT = "{out}"

#: Runs one command, times it, then prints its exit code, wall time, CPU time and peak memory.
_WRAPPER = """\
import json, resource, subprocess, sys, time
with open(sys.argv[1], "wb") as log:
    start = time.perf_counter()
    done = subprocess.run(sys.argv[2:], stdout=log, stderr=subprocess.STDOUT, check=False)
    wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = usage.ru_utime + usage.ru_stime
figures = {"returncode": done.returncode, "wall": wall, "cpu": cpu, "maxrss_kib": usage.ru_maxrss}
print(json.dumps(figures))
"""


# ---------------------------------------------------------------- runs and measurements


@dataclass(frozen=True)
class Run:
    """One child pytest process: its exit code, wall time, CPU time (user and system),
    peak memory and output."""

    returncode: int
    wall: float
    cpu: float
    maxrss_kib: int
    log: Path
    out: Path

    def tail(self, lines: int = 8) -> str:
        """The last lines of its output, to show why a run failed."""
        text = self.log.read_text(encoding="utf-8", errors="replace").rstrip().splitlines()
        return "\n".join("    " + line for line in text[-lines:])


@dataclass(frozen=True)
class Measurement:
    """The repeated runs of one variant; figures are medians."""

    label: str
    runs: tuple[Run, ...]
    expected_returncode: int = 0

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(
            run.returncode == self.expected_returncode for run in self.runs
        )

    @property
    def wall(self) -> float:
        return statistics.median(run.wall for run in self.runs)

    @property
    def wall_min(self) -> float:
        return min(run.wall for run in self.runs)

    @property
    def peak_mib(self) -> float:
        return statistics.median(run.maxrss_kib for run in self.runs) / 1024


def child_env(tree: Path) -> dict[str, str]:
    """This environment without settings that would change a child pytest run.

    Bytecode is cached (as on a user's machine), but in a folder beside the tree
    (``PYTHONPYCACHEPREFIX``, which pytest's assertion rewriting honours too), so
    nothing is written into the venv or the repository.
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PYTEST_CUTOVER_", "PYTEST_ADDOPTS", "PYTEST_PLUGINS"))
        and name != "PYTHONDONTWRITEBYTECODE"
    }
    env["PYTHONPYCACHEPREFIX"] = str(tree.parent / "pycache")
    return env


def pytest_command(args: Iterable[str]) -> list[str]:
    """The venv's pytest (this interpreter's) with the common options and ``args``."""
    return [sys.executable, "-m", "pytest", *PYTEST_BASE, *args]


def run_pytest(args: Sequence[str], tree: Path, out: Path) -> Run:
    """Run pytest once in ``tree`` in a fresh process; ``{out}`` in args becomes ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    log = out / "pytest-output.txt"
    command = pytest_command(arg.replace(OUT, str(out)) for arg in args)
    wrapped = [sys.executable, "-c", _WRAPPER, str(log), *command]
    done = subprocess.run(
        wrapped, cwd=tree, env=child_env(tree), capture_output=True, text=True, check=True
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return Run(
        figures["returncode"], figures["wall"], figures["cpu"], figures["maxrss_kib"], log, out
    )


def measure(
    variants: Mapping[str, tuple[Sequence[str], Path]],
    outputs: Path,
    repeats: int,
    expected_returncode: int = 0,
) -> dict[str, Measurement]:
    """Run every variant (label: (args, tree)) ``repeats`` times, interleaved; medians.

    Interleaving spreads any drift of the machine over all variants alike, and the
    order is reversed every other round, so no variant always runs first or last.
    """
    runs: dict[str, list[Run]] = {label: [] for label in variants}
    for repeat in range(repeats):
        in_order = list(variants.items())
        for label, (args, tree) in in_order if repeat % 2 == 0 else reversed(in_order):
            out = outputs / f"{slug(label)}-{repeat}"
            run = run_pytest(args, tree, out)
            runs[label].append(run)
            print(f"  {label}: run {repeat + 1}/{repeats} {run.wall:.2f} s, exit {run.returncode}")
    return {
        label: Measurement(label, tuple(found), expected_returncode)
        for label, found in runs.items()
    }


def warm_up(tree: Path) -> None:
    """One unmeasured run with every plugin on, evidence and pytest-html included.

    It fills the bytecode cache of the tests and of every plugin module, so each
    measured run starts as a user's second run would.
    """
    args = [f"--cutover-evidence={OUT}/evidence", f"--html={OUT}/report.html"]
    run_pytest([*args, "--self-contained-html"], tree, tree.parent / "warm-up")


def report_failures(measurements: Iterable[Measurement]) -> None:
    """Say which variant had a run with an unexpected exit code, with its last output."""
    for measurement in measurements:
        for run in measurement.runs:
            if run.returncode != measurement.expected_returncode:
                print(
                    f"  ! {measurement.label}: exit {run.returncode} "
                    f"(expected {measurement.expected_returncode}); last output:\n{run.tail()}"
                )
                break


def print_measurements(measurements: Iterable[Measurement], memory: bool = True) -> None:
    """Medians and every run's wall time, one row per variant."""
    headers = ["variant", "wall median (s)"]
    if memory:
        headers.append("peak median (MiB)")
    headers += ["walls (s)", "ok"]
    rows = []
    for m in measurements:
        row = [m.label, f"{m.wall:.2f}"]
        if memory:
            row.append(f"{m.peak_mib:.1f}")
        row += [" ".join(f"{run.wall:.2f}" for run in m.runs), "yes" if m.ok else "NO"]
        rows.append(row)
    print_table(headers, rows)


def paired_ratio(
    numerator: Measurement, denominator: Measurement, figure: str = "wall"
) -> float | None:
    """The median over rounds of one wall (or CPU) time over the other's in the same round.

    Both ran back to back in each round, so a slow spell of a shared machine (wall
    times here vary by up to 25% between identical runs) mostly hits both of a pair;
    the median then drops the rounds it did not. None when a run failed.
    """
    if not (numerator.ok and denominator.ok):
        return None
    pairs = zip(numerator.runs, denominator.runs, strict=True)
    return float(
        statistics.median(getattr(top, figure) / getattr(bottom, figure) for top, bottom in pairs)
    )


def ratio(numerator: Measurement, denominator: Measurement, figure: str) -> float | None:
    """``figure`` ('wall' or 'peak_mib') of one over the other; None when a run failed."""
    if not (numerator.ok and denominator.ok):
        return None
    bottom: float = getattr(denominator, figure)
    return float(getattr(numerator, figure)) / bottom if bottom else None


# ---------------------------------------------------------------- targets and tables


@dataclass(frozen=True)
class Outcome:
    """One line of a summary: a figure, its target and whether it holds."""

    benchmark: str
    figure: str
    value: str
    target: str | None  # None: a figure reported for information only
    holds: bool | None  # None: not measured (a run failed or a tool is missing)

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "-"
        if self.holds is None:
            return "n/a (not measured)"
        return "yes" if self.holds else "no"

    def row(self) -> list[str]:
        return [self.benchmark, self.figure, self.value, self.target or "(info)", self.verdict]


def target(
    benchmark: str,
    figure: str,
    value: float | None,
    limit: float,
    *,
    strict: bool = False,
    unit: str = "x",
) -> Outcome:
    """An outcome for ``value`` against ``limit`` (``<`` when strict, else ``<=``)."""
    shown = "not measured" if value is None else f"{value:.2f}{unit}"
    holds = None if value is None else (value < limit if strict else value <= limit)
    return Outcome(benchmark, figure, shown, f"{'<' if strict else '<='} {limit:g}{unit}", holds)


def times(value: float | None) -> str:
    """A ratio as shown."""
    return "not measured" if value is None else f"{value:.2f}x"


def info(benchmark: str, figure: str, value: str) -> Outcome:
    """An outcome that has no target."""
    return Outcome(benchmark, figure, value, None, None)


SUMMARY_HEADERS = ["benchmark", "figure", "value", "target", "holds"]


def print_outcomes(outcomes: Iterable[Outcome]) -> None:
    print_table(SUMMARY_HEADERS, [outcome.row() for outcome in outcomes])


def print_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """A plain text table with columns as wide as their widest cell."""
    body = [list(row) for row in rows]
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *body, strict=True)]
    for index, row in enumerate([list(headers), *body]):
        print(
            "  ".join(
                str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
            ).rstrip()
        )
        if index == 0:
            print("  ".join("-" * width for width in widths))


def heading(title: str, quick: bool) -> None:
    print()
    print(f"== {title}" + (" (--quick: small sizes, one run; indicative only)" if quick else ""))


# ---------------------------------------------------------------- generated test trees


def write_ini(tree: Path, extra: str = "") -> None:
    """A pytest.ini that pins the rootdir to ``tree`` and registers the gate markers.

    Registered here so that ``-p no:cutover`` runs do not warn once per test.
    """
    tree.mkdir(parents=True, exist_ok=True)
    (tree / "pytest.ini").write_text(
        "[pytest]\n"
        "markers =\n"
        "    gate(id): the check's cutover gate\n"
        "    phase(name): the gate's phase\n" + extra,
        encoding="utf-8",
    )


def gate_of(file_index: int, files: int, gates: int) -> int:
    """The gate (1-based) of a file: consecutive files share a gate, in file order."""
    return file_index * gates // files + 1


def file_name(file_index: int, files: int, gates: int) -> str:
    """Names sort in gate order, so collection order is gate order too."""
    return f"test_g{gate_of(file_index, files, gates)}_{file_index:04d}.py"


def spread(tests: int, files: int) -> list[range]:
    """Test numbers of each file: ``tests`` split as evenly as possible over ``files``."""
    return [range(f * tests // files, (f + 1) * tests // files) for f in range(files)]


def write_gate_tests(
    tree: Path, tests: int, files: int, gates: int = 5, body: str = "pass"
) -> None:
    """``tests`` functions ``test_N`` marked ``gate("Gk")`` over ``files`` files and ``gates``."""
    write_ini(tree)
    for index, numbers in enumerate(spread(tests, files)):
        gate = gate_of(index, files, gates)
        lines = ["import pytest", ""]
        for n in numbers:
            lines += ["", f'@pytest.mark.gate("G{gate}")', f"def test_{n}():", f"    {body}", ""]
        (tree / file_name(index, files, gates)).write_text("\n".join(lines), encoding="utf-8")


def print_body(size: int) -> str:
    """A test body that prints exactly ``size`` bytes to stdout (the newline included)."""
    return f'print("x" * {size - 1})'


# ---------------------------------------------------------------- command line


def tree_size(path: Path) -> int:
    """Bytes of every file under ``path``."""
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


MB = 1_000_000


def megabytes(size: float) -> str:
    """A size in (decimal) MB, as the targets say it."""
    return f"{size / MB:.2f} MB"


def slug(label: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in label).strip("-")


def repeats_for(quick: bool) -> int:
    return QUICK_REPEATS if quick else REPEATS


def parse_quick(argv: Sequence[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes and one repetition")
    return bool(parser.parse_args(argv).quick)


def run_alone(main: Callable[[bool], list[Outcome]]) -> int:
    """Run one benchmark from its own command line; always exit 0 (a measurement, not a test)."""
    quick = parse_quick()
    started = time.perf_counter()
    outcomes = main(quick)
    print()
    print_outcomes(outcomes)
    print(f"(took {time.perf_counter() - started:.0f} s)")
    return 0
