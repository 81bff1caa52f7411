"""A cutover project in a pytester folder: its plan and files, its pytest runs, their evidence.

The ``cutover_project`` fixture (tests/conftest.py) hands each test one
:class:`CutoverProject`. A test writes the plan and whatever else the run
reads, runs pytest in-process (:meth:`CutoverProject.run`) or in a child
process (:meth:`CutoverProject.run_subprocess`), and gets a
:class:`ProjectRun`: pytest's result together with the evidence document the
run wrote when ``--cutover-evidence`` was given.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pytest_cutover.evidence.records import EvidenceDocument

#: Five gates over the default timeline, as in the Step 22 runbook.
FIVE_GATES = """
    cutover: Test cutover
    gates:
      - {id: G1, title: Tooling ready, phase: T-60}
      - {id: G2, title: Config valid, phase: T-30}
      - {id: G3, title: Build green, phase: T-10}
      - {id: G4, title: Switched, phase: T0}
      - {id: G5, title: Healthy, phase: T+10}
"""

#: Four gates, two before T0 and two after, for the runbook rules (clock, sign-off, waivers...).
RUNBOOK_GATES = """
cutover: Runbook test
gates:
  - {id: G1, title: Tooling, phase: T-60}
  - {id: G2, title: Config, phase: T-30}
  - {id: G6, title: Healthy, phase: T+10}
  - {id: G7, title: Closure, phase: T+30}
"""

EVIDENCE_OPTION = "--cutover-evidence"

#: What every inner run starts with (``PYTEST_ADDOPTS``, set in tests/conftest.py).
#: pytest-sugar (installed for tests/test_reporters.py) is off: it would draw the terminal
#: of any inner run that thinks it writes to a terminal.
SUITE_ADDOPTS = "-p no:randomly -p no:cacheprovider -p no:sugar"


def bundle_folder(folder: Path, args: Sequence[str]) -> Path | None:
    """The evidence bundle the arguments ask for (``--cutover-evidence[=]FOLDER``), if any."""
    found: str | None = None
    for index, arg in enumerate(args):
        if arg.startswith(EVIDENCE_OPTION + "="):
            found = arg.split("=", 1)[1]
        elif arg == EVIDENCE_OPTION and index + 1 < len(args):
            found = args[index + 1]
    return None if found is None else folder / found


def read_evidence(bundle: Path) -> EvidenceDocument:
    """The evidence.json of a bundle folder, parsed."""
    document: EvidenceDocument = json.loads((bundle / "evidence.json").read_text(encoding="utf-8"))
    return document


@dataclass(frozen=True)
class ProjectRun:
    """One pytest run of a cutover project: pytest's result and the evidence it wrote, if any.

    The evidence is read right after the run, so a later run into the same
    bundle folder does not change what this one shows.
    """

    result: pytest.RunResult
    bundle: Path | None
    written: EvidenceDocument | None

    @property
    def evidence(self) -> EvidenceDocument:
        """The run's evidence.json; fails the test when the run wrote none."""
        if self.written is None:
            where = "no --cutover-evidence given" if self.bundle is None else str(self.bundle)
            raise AssertionError(f"the run wrote no evidence.json ({where})")
        return self.written

    @property
    def ret(self) -> int | pytest.ExitCode:
        return self.result.ret

    @property
    def stdout(self) -> pytest.LineMatcher:
        return self.result.stdout

    @property
    def stderr(self) -> pytest.LineMatcher:
        return self.result.stderr

    @property
    def outlines(self) -> list[str]:
        return self.result.outlines

    @property
    def errlines(self) -> list[str]:
        return self.result.errlines

    @property
    def duration(self) -> float:
        return self.result.duration

    def parseoutcomes(self) -> dict[str, int]:
        return self.result.parseoutcomes()

    def assert_outcomes(self, **outcomes: int) -> None:
        self.result.assert_outcomes(**outcomes)


class CutoverProject:
    """A pytester folder holding a cutover plan, the files it reads, and the runs over it."""

    def __init__(self, pytester: pytest.Pytester) -> None:
        self.pytester = pytester

    @property
    def path(self) -> Path:
        """The project's folder, the inner runs' working directory."""
        return self.pytester.path

    def plan(self, text: str, name: str = "cutover.yaml", *, header: str = "") -> Path:
        """Write a plan: the header and the text, each dedented and stripped at the start."""
        body = textwrap.dedent(header).lstrip() + textwrap.dedent(text).lstrip()
        return self.write(name, body)

    def five_gates(self, checks: str = "") -> Path:
        """A plan with gates G1..G5 (:data:`FIVE_GATES`) and the given ``checks:`` block."""
        return self.plan(textwrap.dedent(FIVE_GATES) + textwrap.dedent(checks))

    def runbook(self, body: str) -> Path:
        """A plan with the runbook's gates G1, G2, G6, G7 (:data:`RUNBOOK_GATES`) and the body."""
        return self.plan(body, header=RUNBOOK_GATES)

    def write(self, name: str, text: str) -> Path:
        """Write a file into the project as it is given; folders are made as needed."""
        path = self.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def test_modules(self, *sources: str, **named: str) -> Path:
        """Write Python test modules (dedented), as ``makepyfile`` does: named by the keywords,
        or after the test for a source given without a name."""
        return self.pytester.makepyfile(*sources, **named)

    def ini(self, text: str) -> Path:
        """Write the project's tox.ini ``[pytest]`` settings, as ``makeini`` does."""
        return self.pytester.makeini(text)

    def conftest(self, source: str) -> Path:
        """Write the project's conftest.py (dedented), as ``makeconftest`` does."""
        return self.pytester.makeconftest(source)

    def mkdir(self, name: str) -> Path:
        """Make a folder in the project; its path."""
        return self.pytester.mkdir(name)

    def run(self, *args: str | Path) -> ProjectRun:
        """Run pytest in this process (pytester's in-process run) with the arguments."""
        return self._finished(self.pytester.runpytest(*args), args)

    def run_subprocess(self, *args: str | Path, timeout: float | None = None) -> ProjectRun:
        """Run pytest in a child process with the arguments."""
        return self._finished(self.pytester.runpytest_subprocess(*args, timeout=timeout), args)

    def _finished(self, result: pytest.RunResult, args: Sequence[str | Path]) -> ProjectRun:
        bundle = bundle_folder(self.path, [str(arg) for arg in args])
        written = None
        if bundle is not None and (bundle / "evidence.json").is_file():
            written = read_evidence(bundle)
        return ProjectRun(result, bundle, written)


def now() -> datetime:
    """This moment in UTC, to the second, as plans and options write times."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def iso(moment: datetime) -> str:
    """A moment as a plan writes it: ISO 8601 to the second, with its offset."""
    return moment.isoformat(timespec="seconds")
