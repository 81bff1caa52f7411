"""Start-up: what importing the plugin costs a run with no plan and no cutover markers.

Run:  .venv/bin/python bench/startup.py [--quick]

One trivial test, no plan, no marker, no cutover option: pytest runs under
``python -X importtime``, and the figure is the import time of the plugin's own
modules (``pytest_cutover.*`` and ``cutover_checks.*``, each with what it
imports in turn that was not loaded yet), printed beside the import time of
``pytest`` itself in the same run. pytest loads the entry module
``pytest_cutover.plugin`` with ``importlib.import_module``, which ``-X importtime``
does not time, so the entry module's own top-level statements are left out; the
modules it imports are in. Bytecode is cached as on a user's second run.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import NamedTuple

import common

NAME = "startup"
#: The most the plugin's imports may cost such a run, in milliseconds.
TARGET_MS = 20.0
OURS = ("pytest_cutover", "cutover_checks")


class Imported(NamedTuple):
    """One line of ``-X importtime``: a module, its own and its cumulative time (µs)."""

    name: str
    self_us: int
    cumulative_us: int
    children: list[Imported]


def parse_importtime(text: str) -> list[Imported]:
    """The tree of imports ``-X importtime`` printed, its outermost imports first.

    >>> roots = parse_importtime(
    ...     "import time: self [us] | cumulative | imported package\\n"
    ...     "import time:        5 |          5 |   b\\n"
    ...     "import time:        3 |          8 | a\\n"
    ... )
    >>> [(r.name, r.cumulative_us, [c.name for c in r.children]) for r in roots]
    [('a', 8, ['b'])]
    """
    pending: dict[int, list[Imported]] = {}
    for line in text.splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        fields = line[len("import time:") :].split("|")
        if len(fields) != 3:
            continue
        raw = fields[2]
        name = raw.strip()
        depth = (len(raw) - len(raw.lstrip(" ")) - 1) // 2
        children = pending.pop(depth + 1, [])
        node = Imported(name, int(fields[0]), int(fields[1]), children)
        pending.setdefault(depth, []).append(node)
    return pending.get(0, [])


def ours_ms(roots: list[Imported]) -> tuple[float, list[Imported]]:
    """The cumulative time of the outermost imports of the plugin's modules, and those."""
    found: list[Imported] = []

    def walk(nodes: list[Imported]) -> None:
        for node in nodes:
            if node.name.split(".")[0] in OURS:
                found.append(node)
            else:
                walk(node.children)

    walk(roots)
    return sum(node.cumulative_us for node in found) / 1000, found


def pytest_ms(roots: list[Imported]) -> float | None:
    """The cumulative import time of the ``pytest`` package itself."""
    return next((root.cumulative_us / 1000 for root in roots if root.name == "pytest"), None)


def importtime_run(tree: Path) -> str:
    """The ``-X importtime`` output of one pytest run in ``tree``."""
    command = [sys.executable, "-X", "importtime", *common.pytest_command(())[1:]]
    done = subprocess.run(
        command, cwd=tree, env=common.child_env(tree), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"pytest failed in {tree}:\n{done.stdout}")
    return done.stderr


def main(quick: bool) -> list[common.Outcome]:
    common.heading(f"{NAME}: the plugin's imports on a run with no plan and no markers", quick)
    repeats = 3 if quick else 11
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as work:
        tree = Path(work) / "tree"
        tree.mkdir()
        (tree / "pytest.ini").write_text("[pytest]\n")
        (tree / "test_plain.py").write_text(
            textwrap.dedent(
                """
                import pytest

                def test_plain():
                    assert True

                @pytest.mark.parametrize("n", [1, 2])
                def test_parametrized(n):
                    assert n
                """
            )
        )
        importtime_run(tree)  # fills the bytecode cache
        plugin: list[float] = []
        own: list[float] = []
        modules: list[Imported] = []
        for _ in range(repeats):
            roots = parse_importtime(importtime_run(tree))
            total, modules = ours_ms(roots)
            plugin.append(total)
            measured = pytest_ms(roots)
            if measured is not None:
                own.append(measured)
    plugin_ms = statistics.median(plugin)
    pytest_own = statistics.median(own) if own else None
    print(f"median of {repeats} runs")
    print(f"  pytest's own import:        {pytest_own or 0:7.1f} ms")
    print(f"  the plugin's own modules:   {plugin_ms:7.1f} ms (target <= {TARGET_MS:g} ms)")
    print("  the plugin's outermost imports in the last run (cumulative ms):")
    for node in sorted(modules, key=lambda node: -node.cumulative_us):
        print(f"    {node.cumulative_us / 1000:6.1f}  {node.name}")
    shown = "not measured" if pytest_own is None else f"{pytest_own:.1f} ms"
    return [
        common.target(NAME, "plugin imports, no plan/markers", plugin_ms, TARGET_MS, unit=" ms"),
        common.info(NAME, "pytest's own import (same runs)", shown),
    ]


if __name__ == "__main__":
    raise SystemExit(common.run_alone(main))
