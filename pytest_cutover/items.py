"""Checks declared in the plan, collected as pytest items (pytest's way to collect YAML tests)."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest

from cutover_checks import CheckError, CheckResult
from pytest_cutover.evidence import describe_failure, record
from pytest_cutover.kinds import run_check
from pytest_cutover.model import Plan, PlanCheck


class CheckFailed(Exception):
    """A declared check ran and did not hold."""

    def __init__(self, check: PlanCheck, result: CheckResult) -> None:
        super().__init__(result.message)
        self.check = check
        self.result = result


class PlanFile(pytest.File):
    """The plan file; its children are the checks it declares."""

    def __init__(self, *, plan: Plan, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plan = plan

    def collect(self) -> list[PlanCheckItem]:
        return [
            PlanCheckItem.from_parent(self, name=check.id, check=check, index=index)
            for index, check in enumerate(self.plan.checks)
        ]


class PlanCheckItem(pytest.Item):
    """One check declared in the plan, run by its kind's :mod:`cutover_checks` function."""

    def __init__(self, *, check: PlanCheck, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.index = index
        self.add_marker(pytest.mark.gate(id=check.gate))

    def runtest(self) -> None:
        check = self.check
        try:
            result = run_check(check.kind, check.params, self.path.parent, check.retry)
        except CheckError as error:  # a parameter only the run could judge, a missing CA file
            result = CheckResult(False, str(error))
        record(self, result)
        if not result.ok:
            raise CheckFailed(self.check, result)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        if isinstance(excinfo.value, CheckFailed):
            check, result = excinfo.value.check, excinfo.value.result
            return describe_failure(check.id, result, f"{check.kind} {_shown(check)}")
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.check.line - 1, f"cutover check {self.check.id}"


def _shown(check: PlanCheck) -> str:
    target = check.params[check.kind]
    return shlex.join(map(str, target)) if isinstance(target, list) else str(target)
