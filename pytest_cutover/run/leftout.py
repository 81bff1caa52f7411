"""What kept part of a cutover plan out of collection, in sentences that block the decision.

Declared checks are known from the plan: one that was never collected is
recorded as NOT COLLECTED, with how it was left out. Python checks are known
only once collected, so when part of a folder of the plan's Python checks was
not collected (``--ignore``, ``--lf`` skipping a file, a collection error, a
path argument inside the folder) the run cannot know what it missed: it says
so, and the decision is NO-GO.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Generator, Sequence
from pathlib import Path

import pytest

from pytest_cutover import messages
from pytest_cutover.run.invocation import is_below

#: How a left-out path was left out, as the reason of its declared checks.
IGNORED = "--ignore"
COLLECTION_ERROR = "a collection error"
LAST_FAILED = "--lf"
PATH_ARGUMENTS = "the path arguments leave it out"


class LeftOut:
    """Watches collection for the plan and the folders of its Python checks.

    Registered only in a cutover run with a plan: its ``pytest_ignore_collect``
    wrapper is called for every path pytest visits.
    """

    def __init__(self, config: pytest.Config, plan: Path, folders: Sequence[Path]) -> None:
        self.rootpath = config.rootpath
        self.plan = plan
        self.folders = tuple(folders)
        self.last_failed = bool(config.getoption("lf", False))  # it may skip whole files
        #: Each left-out path, and how it was left out.
        self.paths: dict[Path, str] = {}

    def _watched(self, path: Path) -> bool:
        return path == self.plan or is_below(path, self.folders)

    @pytest.hookimpl(wrapper=True)
    def pytest_ignore_collect(
        self, collection_path: Path, config: pytest.Config
    ) -> Generator[None, bool | None, bool | None]:
        ignored = yield
        if ignored and ignored_by_option(collection_path, config):
            path = collection_path.resolve()
            if self._watched(path):
                self.paths.setdefault(path, IGNORED)
        return ignored

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.passed and (report.result or not self.last_failed):
            return
        path = (self.rootpath / report.nodeid.split("::")[0]).resolve()
        if not self._watched(path):
            return
        if report.failed:
            self.paths[path] = COLLECTION_ERROR
        elif report.passed and path.is_file():  # --lf collects no item from a file it skips
            self.paths.setdefault(path, LAST_FAILED)

    def plan_left_out(self) -> str | None:
        """How the plan file itself was left out, if it was."""
        return self.paths.get(self.plan)

    def problems(self, invocation_dir: Path) -> list[str]:
        """One sentence for each part of a folder of Python checks that was left out."""
        found = []
        for path, how in self.paths.items():
            if path == self.plan or how == LAST_FAILED:  # said once, by last_failed_problem
                continue
            shown = _shown(path, invocation_dir)
            if how == COLLECTION_ERROR:
                found.append(messages.PROBLEM_COLLECTION_ERROR.format(path=shown))
            else:
                folder = next(f for f in self.folders if path == f or f in path.parents)
                found.append(
                    messages.PROBLEM_LEFT_OUT.format(
                        how=how, path=shown, folder=_shown(folder, invocation_dir)
                    )
                )
        return found


def last_failed_problem(config: pytest.Config) -> str | None:
    """``--lf`` with failures on record collects only those: every other check of the run is
    left out, and one that fails now is never seen (a file with a failure is collected with
    only its failed tests, the others are not even reported deselected)."""
    if not config.getoption("lf", False):
        return None
    cache = getattr(config, "cache", None)
    if cache is None or not cache.get("cache/lastfailed", {}):
        return None
    return messages.PROBLEM_LAST_FAILED


def ignored_by_option(path: Path, config: pytest.Config) -> bool:
    """Whether ``--ignore`` or ``--ignore-glob`` (not a conftest's ``collect_ignore``) names
    ``path``, the way pytest matches them: absolute paths, globs with ``fnmatch``."""
    ignore = config.getoption("ignore") or ()
    if any(Path(os.path.abspath(entry)) == path for entry in ignore):
        return True
    globs = config.getoption("ignore_glob") or ()
    return any(fnmatch.fnmatch(str(path), os.path.abspath(glob)) for glob in globs)


def _shown(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)
