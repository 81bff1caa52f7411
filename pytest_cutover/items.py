"""Checks declared in the plan, collected as pytest items (pytest's way to collect YAML tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cutover_checks import CheckResult, exists, on_path, run
from cutover_checks.commands import DEFAULT_TIMEOUT
from pytest_cutover import messages
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
    """One declared check: a tool on PATH, a path that exists, a command that exits 0."""

    def __init__(self, *, check: PlanCheck, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.index = index
        self.add_marker(pytest.mark.gate(id=check.gate))

    def runtest(self) -> None:
        result = run_check(self.check, self.path.parent)
        if not result.ok:
            raise CheckFailed(self.check, result)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        if isinstance(excinfo.value, CheckFailed):
            return describe_failure(excinfo.value.check, excinfo.value.result)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.check.line - 1, f"cutover check {self.check.id}"


def run_check(check: PlanCheck, base: Path) -> CheckResult:
    """Run a declared check; relative paths are read from the plan's folder."""
    params = check.params
    if check.kind == "tool":
        return on_path(params["tool"])
    if check.kind == "path":
        return exists(base / params["path"])
    return run(
        params["command"],
        cwd=base / params.get("cwd", "."),
        timeout=params.get("timeout", DEFAULT_TIMEOUT),
    )


def describe_failure(check: PlanCheck, result: CheckResult) -> str:
    """The failure as the operator reads it: the check, what it saw, the commands it ran."""
    target = check.params[check.kind]
    shown = " ".join(target) if isinstance(target, list) else target
    lines = [
        messages.CHECK_FAILED.format(
            id=check.id, kind=check.kind, target=shown, message=result.message
        )
    ]
    for command in result.commands:
        lines.append(f"  {command.describe()}")
        for stream, text in (("stdout", command.stdout), ("stderr", command.stderr)):
            if text.strip():
                lines.append(f"  {stream}:")
                lines.extend(f"    {line}" for line in text.rstrip().splitlines())
    return "\n".join(lines)
