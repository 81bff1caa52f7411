"""What a run was asked to be: a cutover run, which is decided, or an ordinary test run.

A run is a cutover run when pytest gets no path arguments, when its arguments
include the plan or one of the folders of the plan's Python checks, or when
the run asks for a cutover (a ``--cutover-*`` option on the command line, or a
``-m`` that selects the plan's gates). In any other run of the same repository
the plugin collects no plan and decides nothing.

A cutover run collects the whole plan: the plan file and every folder of its
Python checks are added to pytest's arguments when no argument covers them. An
argument the user gives that points *inside* one of those folders (a file, a test
id) narrows it: what it leaves out is never collected, so the run cannot be GO.
The plan named by itself, and pytest's own default arguments (``testpaths``),
narrow nothing: a folder added whole takes their place, since pytest 8
collects only one of two arguments where one lies inside the other.

Plain functions over paths; :mod:`pytest_cutover.plugin` feeds them pytest's
arguments.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple


class Target(NamedTuple):
    """One path argument: the path it names, and whether it names ids inside it (``::``)."""

    path: Path
    ids: bool

    def covers(self, path: Path) -> bool:
        """Whether collecting this argument collects all of ``path``.

        >>> Target(Path("/r"), False).covers(Path("/r/checks")), Target(Path("/r/a.py"), True).covers(Path("/r/a.py"))
        (True, False)
        """  # noqa: E501 - a doctest line
        return not self.ids and (self.path == path or self.path in path.parents)

    def inside(self, path: Path) -> bool:
        """Whether this argument names only part of ``path``."""
        return (self.path == path and self.ids) or path in self.path.parents


class Invocation(NamedTuple):
    """What the run's arguments mean for the plan."""

    #: Whether the run is a cutover run (collected in full and decided).
    cutover: bool
    #: What to add to pytest's arguments so that the whole plan is collected.
    added: tuple[Path, ...] = ()
    #: Folders of Python checks the arguments name only part of.
    narrowed: tuple[Path, ...] = ()
    #: Whether the plan file is named only with some of its check ids (``cutover.yaml::id``).
    plan_narrowed: bool = False
    #: Arguments to take out of pytest's, because a folder added whole collects them.
    dropped: tuple[Path, ...] = ()


def targets(args: Sequence[str], base: Path) -> list[Target]:
    """pytest's path arguments as targets, relative paths read from ``base``.

    >>> targets(["checks/test_a.py::test_x", "."], Path("/r"))
    [Target(path=PosixPath('/r/checks/test_a.py'), ids=True), Target(path=PosixPath('/r'), ids=False)]
    """  # noqa: E501 - a doctest line
    found = []
    for arg in args:
        path, separator, _ = arg.partition("::")
        found.append(Target((base / path).resolve(), bool(separator)))
    return found


def plan_invocation(
    args: Sequence[Target], *, given: bool, asked: bool, plan: Path, folders: Sequence[Path]
) -> Invocation:
    """What arguments ``args`` (``given`` by the user, or pytest's default) mean for a plan.

    >>> r = Path("/r")
    >>> plan, checks = r / "cutover.yaml", r / "checks"
    >>> run = plan_invocation([Target(r / "tests", False)], given=False, asked=False,
    ...                       plan=plan, folders=[checks])
    >>> run.cutover, [str(p) for p in run.added]
    (True, ['/r/cutover.yaml', '/r/checks'])
    >>> plan_invocation([Target(r / "tests/unit", False)], given=True, asked=False,
    ...                 plan=plan, folders=[checks]).cutover
    False
    >>> run = plan_invocation([Target(checks / "test_db.py", False)], given=True, asked=True,
    ...                       plan=plan, folders=[checks])
    >>> [str(p) for p in run.added], [str(p) for p in run.narrowed]
    (['/r/cutover.yaml'], ['/r/checks'])
    >>> run = plan_invocation([Target(plan, False)], given=True, asked=False,
    ...                       plan=plan, folders=[r])
    >>> run.cutover, [str(p) for p in run.added], run.narrowed, [str(p) for p in run.dropped]
    (True, ['/r'], (), ['/r/cutover.yaml'])
    >>> run = plan_invocation([Target(r / "tests", False)], given=False, asked=False,
    ...                       plan=plan, folders=[r])
    >>> [str(p) for p in run.added], run.narrowed, [str(p) for p in run.dropped]
    (['/r'], (), ['/r/tests'])
    """
    plan_covered = any(target.covers(plan) for target in args)
    plan_narrowed = not plan_covered and any(target.inside(plan) for target in args)
    covered = [folder for folder in folders if any(t.covers(folder) for t in args)]
    narrowing = [target for target in args if given and target != Target(plan, False)]
    narrowed = [
        folder
        for folder in folders
        if folder not in covered and any(t.inside(folder) for t in narrowing)
    ]
    cutover = not given or asked or plan_covered or plan_narrowed or bool(covered)
    if not cutover:
        return Invocation(False, narrowed=tuple(narrowed))
    whole = [folder for folder in folders if folder not in covered and folder not in narrowed]
    added = [] if plan_covered or plan_narrowed or is_below(plan, whole) else [plan]
    dropped = tuple(t.path for t in args if not t.ids and is_below(t.path, whole))
    return Invocation(True, (*added, *whole), tuple(narrowed), plan_narrowed, dropped)


def outermost(folders: Sequence[Path]) -> list[Path]:
    """The folders that are not inside another of them, in their order, each once.

    >>> [str(p) for p in outermost([Path("/r/checks/db"), Path("/r/checks"), Path("/r/checks")])]
    ['/r/checks']
    """
    kept: list[Path] = []
    for folder in folders:
        if folder in kept or any(other in folder.parents for other in folders):
            continue
        kept.append(folder)
    return kept


def is_below(path: Path, folders: Sequence[Path]) -> bool:
    """Whether ``path`` is one of ``folders`` or inside one.

    >>> is_below(Path("/r/checks/test_a.py"), [Path("/r/checks")])
    True
    """
    return any(path == folder or folder in path.parents for folder in folders)
