"""Overhead: trivial gate-marked tests with the plugin on vs off, and vs pytest-dependency.

5,000 ``def test_N(): pass`` over 5 gates in 50 files, no plan. Run:
    .venv/bin/python bench/overhead.py [--quick]

Wall times of identical runs on a shared machine can differ by a quarter, more than
the 10% target, so the wall ratio is the median of many paired rounds; and when
valgrind is installed, the instructions each variant executes are counted too
(``valgrind --tool=callgrind``): a figure that repeats exactly from run to run.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import common

NAME = "overhead"
GATES = 5
FULL = (5_000, 50)  # tests, files
QUICK = (500, 10)
WALL_TARGET = 1.10
MEMORY_TARGET = 1.15
#: Rounds of the full run: a 10% target needs more than the usual 3 on a noisy machine.
ROUNDS = 15

PLAIN = "plain pytest (-p no:cutover)"
CUTOVER = "pytest-cutover"
DEPENDENCY = "pytest-dependency (-p no:cutover)"


def has_pytest_dependency() -> bool:
    return importlib.util.find_spec("pytest_dependency") is not None


def write_dependency_tests(tree: Path, tests: int, files: int, gates: int = GATES) -> None:
    """The same tests, with pytest-dependency blocking each gate on the previous one.

    The encoding: making every test of gate k+1 depend on every test of gate k would
    be (tests per gate)**2 lookups. Instead, the last file of gate k ends with a
    sentinel test ``test_gate_Gk_passed``, named ``gate_Gk``, that depends on every
    test of gate k (session scope, by node id); every test of gate k+1 depends on
    ``gate_Gk``. A failure in gate k skips its sentinel, which skips all of gate k+1,
    whose tests then fail the next sentinel, and so on: every later gate is blocked,
    as with pytest-cutover. That is gates-1 extra (sentinel) tests and 2 lookups per
    test. Files are named in gate order, because pytest-dependency does not reorder.
    """
    common.write_ini(tree)
    by_file = common.spread(tests, files)
    names = [common.file_name(index, files, gates) for index in range(files)]
    last_file_of_gate = {common.gate_of(index, files, gates): index for index in range(files)}
    for index, numbers in enumerate(by_file):
        gate = common.gate_of(index, files, gates)
        marker = (
            "@pytest.mark.dependency()"
            if gate == 1
            else f'@pytest.mark.dependency(depends=["gate_G{gate - 1}"], scope="session")'
        )
        lines = ["import pytest", ""]
        for n in numbers:
            lines += [
                "",
                f'@pytest.mark.gate("G{gate}")',
                marker,
                f"def test_{n}():",
                "    pass",
                "",
            ]
        if index == last_file_of_gate[gate] and gate < gates:
            members = [
                f"{names[i]}::test_{n}"
                for i, file_numbers in enumerate(by_file)
                if common.gate_of(i, files, gates) == gate
                for n in file_numbers
            ]
            lines += [
                "",
                f"GATE_G{gate} = {members!r}",
                "",
                "",
                f'@pytest.mark.gate("G{gate}")',
                f'@pytest.mark.dependency(name="gate_G{gate}", depends=GATE_G{gate}, '
                'scope="session")',
                f"def test_gate_G{gate}_passed():",
                "    pass",
                "",
            ]
        (tree / names[index]).write_text("\n".join(lines), encoding="utf-8")


def count_instructions(
    variants: Mapping[str, tuple[Sequence[str], Path]],
) -> dict[str, int | None] | None:
    """Instructions each variant's pytest run executes, counted by valgrind (all at once,
    one process each); None without valgrind, None for a variant whose run failed."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    tool = [valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    started = {
        label: subprocess.Popen(
            [*tool, *common.pytest_command(args)],
            cwd=tree,
            env=common.child_env(tree),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for label, (args, tree) in variants.items()
    }
    counts: dict[str, int | None] = {}
    for label, process in started.items():
        _, errors = process.communicate()
        found = re.search(r"Collected : (\d+)", errors)
        counts[label] = int(found[1]) if found and process.returncode == 0 else None
    return counts


def main(quick: bool) -> list[common.Outcome]:
    tests, files = QUICK if quick else FULL
    common.heading(f"{NAME}: {tests} trivial tests over {GATES} gates in {files} files", quick)
    dependency = has_pytest_dependency()
    if not dependency:
        print(
            "  pytest-dependency is NOT installed: its comparison is skipped. Install it with\n"
            "  .venv/bin/uv pip install --python .venv/bin/python pytest-dependency"
        )
    with tempfile.TemporaryDirectory(prefix="bench-overhead-") as work:
        plain_tree, dep_tree = Path(work) / "tree", Path(work) / "tree-dependency"
        common.write_gate_tests(plain_tree, tests, files, GATES)
        common.warm_up(plain_tree)
        variants = {
            PLAIN: ([*common.NO_CUTOVER, *common.NO_DEPENDENCY], plain_tree),
            CUTOVER: (list(common.NO_DEPENDENCY), plain_tree),
        }
        if dependency:
            write_dependency_tests(dep_tree, tests, files)
            common.warm_up(dep_tree)
            variants[DEPENDENCY] = (list(common.NO_CUTOVER), dep_tree)
        rounds = common.repeats_for(quick) if quick else ROUNDS
        measured = common.measure(variants, Path(work) / "out", rounds)
        print("  counting instructions with valgrind (a few minutes)")
        counted = count_instructions({label: variants[label] for label in (PLAIN, CUTOVER)})
    common.print_measurements(measured.values())
    common.report_failures(measured.values())
    plain, cutover = measured[PLAIN], measured[CUTOVER]
    wall = common.paired_ratio(cutover, plain)
    cpu = common.paired_ratio(cutover, plain, "cpu")
    medians = common.ratio(cutover, plain, "wall")
    fastest = common.ratio(cutover, plain, "wall_min")
    peak = common.ratio(cutover, plain, "peak_mib")
    print(
        f"ratios to plain pytest: pytest-cutover wall {common.times(wall)} (median of the "
        f"rounds' ratios; of the medians {common.times(medians)}, of the fastest runs "
        f"{common.times(fastest)}), CPU time {common.times(cpu)}, peak {common.times(peak)}"
    )
    plain_count, cutover_count = (
        (None, None) if counted is None else (counted[PLAIN], counted[CUTOVER])
    )
    if counted is None:
        instructions = "not measured: valgrind is not installed"
    elif plain_count is None or cutover_count is None:
        instructions = "not measured: a run under valgrind failed"
    else:
        instructions = common.times(cutover_count / plain_count)
        print(f"instructions: plain {plain_count:,}, pytest-cutover {cutover_count:,}")
    outcomes = [
        common.target(NAME, f"wall cutover / plain ({tests} tests)", wall, WALL_TARGET),
        common.info(NAME, "instructions cutover / plain (callgrind)", instructions),
        common.info(NAME, "wall: ratio of the medians", common.times(medians)),
        common.info(NAME, "wall: ratio of the fastest runs", common.times(fastest)),
        common.info(NAME, "CPU time (user + system), paired", common.times(cpu)),
        common.target(NAME, f"peak cutover / plain ({tests} tests)", peak, MEMORY_TARGET),
    ]
    if dependency:
        dep = measured[DEPENDENCY]
        dep_wall = common.paired_ratio(dep, plain)
        dep_peak = common.ratio(dep, plain, "peak_mib")
        print(
            f"                        pytest-dependency wall {common.times(dep_wall)}, "
            f"peak {common.times(dep_peak)}"
        )
        outcomes += [
            common.info(NAME, "wall pytest-dependency / plain", common.times(dep_wall)),
            common.info(NAME, "peak pytest-dependency / plain", common.times(dep_peak)),
        ]
    else:
        outcomes.append(common.info(NAME, "pytest-dependency / plain", "skipped: not installed"))
    return outcomes


if __name__ == "__main__":
    raise SystemExit(common.run_alone(main))
