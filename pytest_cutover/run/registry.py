"""Collection: find the cutover checks, tag them, keep track of those left out, order them.

Every item collection produced is read, also one an earlier plugin already
removed, so that no check can leave the run unseen. The checks are recorded in
the run state in run order; what kept a check out (a deselection, a plugin, a
path argument) becomes its reason. A cutover run spread over pytest-xdist
workers is refused.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from pytest_cutover import messages
from pytest_cutover.errors import MarkerError
from pytest_cutover.evidence.finished import Location
from pytest_cutover.model import catalog
from pytest_cutover.model.catalog import MarkedCheck
from pytest_cutover.model.cutover import DEFAULT_PHASES, Gate, PlanCheck, Timeline
from pytest_cutover.model.decision import Outcome
from pytest_cutover.model.ordering import natural_key, reorder, same_line_key
from pytest_cutover.model.runbook import flag_problem, flags_of, reference_problems
from pytest_cutover.run.invocation import is_below
from pytest_cutover.run.items import PlanCheckItem, PlanFile, SignoffItem
from pytest_cutover.run.selection import left_out_by, selected_out
from pytest_cutover.run.state import CheckState, RunState, is_distributed, is_xdist_worker
from pytest_cutover.run.tagging import MarkReader, Normalised, apply_marks, normalised_marks

#: The name :class:`Registry` is registered under.
REGISTRY_NAME = "cutover-registry"


class Placement(NamedTuple):
    """What the checks with the same markers share: worked out once for all of them."""

    gate: Gate
    rank: int
    preflight: bool
    markers: Normalised


class Registry:
    """Finds and tags the run's cutover checks and settles what collection selected.

    Its two ``pytest_collection_modifyitems`` steps (:meth:`tag` first, :meth:`order`
    last) are called by the run's lookout, which sees collection from its start.
    """

    def __init__(
        self,
        config: pytest.Config,
        state: RunState,
        *,
        became_cutover: Callable[[], None],
        collected: Callable[[], None],
    ) -> None:
        self.config = config
        self.state = state
        self.became_cutover = became_cutover
        self.collected = collected
        self.placements: dict[MarkedCheck, Placement] = {}
        self.phase_deselecting = False

    def pytest_collect_file(self, file_path: Path, parent: pytest.Collector) -> PlanFile | None:
        state = self.state
        plan = state.plan
        if (
            plan is not None
            and file_path.name == plan.path.name
            and file_path.resolve() == plan.path
        ):
            return PlanFile.from_parent(
                parent,
                path=file_path,
                plan=plan,
                signatures=state.signatures,
                strict=state.settings.strict,
            )
        return None

    def tag(self, items: list[pytest.Item], candidates: list[pytest.Item]) -> None:
        """Before any deselection: find the cutover checks among ``candidates``, give them
        normalised markers; then ``--cutover-phase`` deselects the other phases."""
        state = self.state
        try:
            reader = MarkReader()
            marked = [(item, marks) for item in candidates if (marks := reader.read(item))]
            if state.catalog is None:
                if not marked:
                    return
                pairs = [(item.nodeid, marks) for item, marks in marked]
                state.catalog = catalog.from_marks(pairs, Timeline(DEFAULT_PHASES))
            if marked and not state.cutover:
                state.cutover = True
                state.discovered = state.plan is not None
                self.became_cutover()
            for item, marks in marked:
                self._register(item, marks)
        except MarkerError as error:
            raise pytest.UsageError(str(error)) from None
        if state.waivers or state.triggers:
            problems = reference_problems(state.plan, state.waivers, self._known_ids())
            if problems:
                raise pytest.UsageError("\n".join(problems))
        if state.settings.phases:
            self._select_phases(items, state.settings.phases)

    def _known_ids(self) -> set[str]:
        """Every check id of the run: registered, and declared by the plan even if not collected."""
        plan = self.state.plan
        known = {state.check_id for state in self.state.checks.values()}
        if plan is not None:
            known.update(check.id for check in plan.checks)
            signoff = plan.signoff
            if signoff is not None:
                known.update(f"signoff-{role}" for role in signoff.roles)
        return known

    def _select_phases(self, items: list[pytest.Item], phases: Sequence[str]) -> None:
        """``--cutover-phase``: the same selection as ``-m "phase(name='...')"``."""
        run = self.state
        assert run.catalog is not None
        unknown = [phase for phase in phases if phase not in run.catalog.timeline.phases]
        if unknown:
            known = ", ".join(run.catalog.timeline.phases)
            raise pytest.UsageError(
                messages.UNKNOWN_PHASE_OPTION.format(phase=unknown[0], phases=known)
            )
        keep = [i for i in items if (s := run.checks.get(i.nodeid)) and s.gate.phase in phases]
        dropped = [item for item in items if item not in keep]
        if dropped:
            self.phase_deselecting = True
            try:
                self.config.hook.pytest_deselected(items=dropped)
            finally:
                self.phase_deselecting = False
            items[:] = keep

    def _register(self, item: pytest.Item, marks: MarkedCheck) -> None:
        run = self.state
        nodeid = item.nodeid
        if nodeid in run.checks:
            return
        placement = self.placements.get(marks) or self._place(nodeid, marks)
        gate = placement.gate
        apply_marks(item, placement.markers)
        plan_check: PlanCheck | None = None
        declared: tuple[Any, ...]
        location: Location
        if type(item) is PlanCheckItem:  # our own item classes, never subclassed
            plan_check, check_id, declared = item.check, item.name, (0, item.index)
            location = (item.path, item.check.line)
        elif type(item) is SignoffItem:
            check_id, declared = item.name, (0, item.index)
            location = (item.path, None)
        else:
            path, line, _ = item.location  # cached: pytest's reports need it anyway
            check_id, declared = nodeid, (1, _path_key(path), line or 0, same_line_key(nodeid))
            shown = Path(os.path.normpath(self.config.rootpath / path))
            location = (shown, None if line is None else line + 1)
        flags = flags_of(check_id, marks, plan_check, run.triggers)
        if flags.trigger or flags.mutating:
            assert run.catalog is not None
            problem = flag_problem(nodeid, flags, gate, run.catalog.timeline)
            if problem is not None:
                raise MarkerError(problem)
        run.checks[nodeid] = CheckState(
            check_id,
            nodeid,
            gate,
            (placement.rank, declared),
            flags,
            plan_check is not None,
            placement.preflight,
            location=location,
        )

    def _place(self, nodeid: str, marks: MarkedCheck) -> Placement:
        """Where checks marked ``marks`` go; the first one (``nodeid``) is named in an error."""
        found = self.state.catalog
        assert found is not None
        gate = catalog.resolve(found, nodeid, marks)
        timeline = found.timeline
        placement = self.placements[marks] = Placement(
            gate,
            found.rank(gate.id),
            timeline.is_preflight(gate.phase),
            normalised_marks(gate, timeline, marks),
        )
        return placement

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        run = self.state
        for item in items:
            state = run.checks.get(item.nodeid)
            if state is None:
                continue
            state.outcome = Outcome.DESELECTED
            if self.phase_deselecting:
                state.reason = messages.BY_PHASE_OPTION
            else:
                marks = list(item.iter_markers())
                how = left_out_by(run.shrinkers, item.nodeid, marks, run.selects)
                state.reason = run.redact(how)  # a -k or -m expression may hold a secret
                state.selected_out = selected_out(run.shrinkers, item.nodeid, marks, run.selects)

    def order(self, items: list[pytest.Item]) -> None:
        """After every shuffler: cutover checks in run order, other tests untouched."""
        checks = self.state.checks
        if checks:
            _sort(checks)
            rank = {nodeid: position for position, nodeid in enumerate(checks)}
            items[:] = reorder(items, [rank.get(item.nodeid) for item in items])
        self._deselect_unasked(items)
        if is_distributed(self.config) and any(item.nodeid in checks for item in items):
            self._refuse_distribution(items)

    def _deselect_unasked(self, items: list[pytest.Item]) -> None:
        """Tests that are no checks, collected only because their folder was added to find the
        plan's Python checks, were not asked for: they are deselected (unless an argument the
        folder took the place of named them)."""
        run = self.state
        invocation = run.invocation
        if invocation is None or run.plan is None:
            return
        folders = [path for path in invocation.added if path != run.plan.path]
        if not folders:
            return
        unasked = [
            item
            for item in items
            if item.nodeid not in run.checks
            and is_below(item.path, folders)
            and not is_below(item.path, invocation.dropped)
        ]
        if unasked:
            self.config.hook.pytest_deselected(items=unasked)
            items[:] = [item for item in items if item not in set(unasked)]

    def _refuse_distribution(self, items: list[pytest.Item]) -> None:
        """On an xdist worker: run nothing and tell the controller why, as a collection error.

        The controller's lookout sees the error in ``pytest_collectreport`` and stops
        with a usage error; a worker cannot stop the whole run by itself.
        """
        items.clear()
        report = pytest.CollectReport("", "failed", messages.XDIST_INCOMPATIBLE, [])
        self.config.hook.pytest_collectreport(report=report)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Settle what collection selected, and set up the run of a cutover."""
        run = self.state
        if is_xdist_worker(self.config) or not run.cutover:
            return
        final = {item.nodeid for item in session.items}
        for state in run.checks.values():
            if state.nodeid in final:
                state.selected = True
            elif state.outcome is Outcome.NOT_RUN:
                state.outcome, state.reason = Outcome.DESELECTED, messages.REMOVED_BY_PLUGIN
        self._add_uncollected_declared()
        self.collected()

    def _add_uncollected_declared(self) -> None:
        """The plan's declared checks that collection never produced: NOT COLLECTED."""
        run = self.state
        plan, found = run.plan, run.catalog
        if plan is None or found is None:
            return
        base = _nodeid_of(plan.path, self.config.rootpath)
        declared: list[tuple[str, str, PlanCheck | None, int]] = [
            (check.id, check.gate, check, index) for index, check in enumerate(plan.checks)
        ]
        if plan.signoff is not None:
            declared += [
                (f"signoff-{role}", plan.signoff.gate, None, len(plan.checks) + position)
                for position, role in enumerate(plan.signoff.roles)
            ]
        missing = [entry for entry in declared if f"{base}::{entry[0]}" not in run.checks]
        if not missing:
            return
        how = self._how_plan_left_out()
        gates = found.by_id()
        for check_id, gate_id, plan_check, index in missing:
            gate = gates[gate_id]
            marks = MarkedCheck(gate.id, None, False)
            flags = flags_of(check_id, marks, plan_check, run.triggers)
            nodeid = f"{base}::{check_id}"
            run.checks[nodeid] = CheckState(
                check_id,
                nodeid,
                gate,
                (found.rank(gate.id), (0, index)),
                flags,
                plan_check is not None,
                found.timeline.is_preflight(gate.phase),
                Outcome.NOT_COLLECTED,
                how,
                location=(plan.path, plan_check.line if plan_check is not None else None),
            )
        _sort(run.checks)

    def _how_plan_left_out(self) -> str:
        from pytest_cutover.run import leftout  # noqa: PLC0415 - only when checks are missing

        run = self.state
        found = run.leftout.plan_left_out() if run.leftout is not None else None
        if found is not None:
            return found
        if run.shrinkers.last_failed:
            return leftout.LAST_FAILED
        return leftout.PATH_ARGUMENTS


def _sort(checks: dict[str, CheckState]) -> None:
    """Put ``checks`` in run order, which the dict keeps from here on."""
    ranked = sorted(checks.values(), key=attrgetter("order"))
    checks.clear()
    checks.update((state.nodeid, state) for state in ranked)


def _nodeid_of(path: Path, rootpath: Path) -> str:
    """The node id pytest gives the file at ``path``."""
    try:
        return path.relative_to(rootpath).as_posix()
    except ValueError:
        return Path(os.path.relpath(path, rootpath)).as_posix()


@functools.lru_cache(maxsize=4096)
def _path_key(path: str) -> tuple[Any, ...]:
    """One sort key per test file, shared by all its checks."""
    return natural_key(path)
