"""Checks declared in the plan, collected as pytest items (pytest's way to collect YAML tests)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest

from cutover_checks import CheckError, CheckResult
from pytest_cutover import messages
from pytest_cutover.model.cutover import Plan, PlanCheck
from pytest_cutover.model.vocabulary import shown_command
from pytest_cutover.plan.signoff import Signature
from pytest_cutover.run.observations import describe_failure, record, strict_result

if TYPE_CHECKING:
    from cutover_checks.retry import RetryProgress


class StartedAhead(Protocol):
    """A declared check the gate pool started ahead: a
    :class:`~pytest_cutover.run.concurrency.Handle`."""

    def wait(self) -> CheckResult:
        """Its result, once it has ended; it is stopped if the wait is interrupted."""
        ...


#: The pool's run of a declared check, started ahead with the rest of its gate; taken by the
#: check's first run, so that a rerun (pytest-rerunfailures) runs the check again.
STARTED_AHEAD_KEY: pytest.StashKey[StartedAhead] = pytest.StashKey()
#: Whether a declared check held, by its own result: what its reports must agree with.
VERDICT_KEY: pytest.StashKey[bool] = pytest.StashKey()


class CheckFailed(AssertionError):
    """A declared check ran and did not hold.

    An ``AssertionError``, as a failed ``assert`` in a Python check is: reporters that tell a
    failed test from a broken one by the exception (allure-pytest) count it as failed. Its
    text in every report is still :meth:`PlanCheckItem.failure_text`'s one sentence.
    """

    def __init__(self, check: PlanCheck, result: CheckResult) -> None:
        super().__init__(result.message)
        self.check = check
        self.result = result


class PlanFile(pytest.File):
    """The plan file; its children are the checks it declares."""

    def __init__(
        self, *, plan: Plan, signatures: Mapping[str, Signature], strict: bool, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.plan = plan
        self.signatures = signatures
        self.strict = strict

    def collect(self) -> list[pytest.Item]:
        items: list[pytest.Item] = [
            PlanCheckItem.from_parent(self, name=check.id, check=check, index=index)
            for index, check in enumerate(self.plan.checks)
        ]
        signoff = self.plan.signoff
        if signoff is not None:
            items += [
                SignoffItem.from_parent(
                    self,
                    name=f"signoff-{role}",
                    role=role,
                    gate=signoff.gate,
                    signature=self.signatures.get(role),
                    index=len(self.plan.checks) + position,
                )
                for position, role in enumerate(signoff.roles)
            ]
        return items


class DeclaredItem(pytest.Item):
    """An item the plan declares: its own failure is one sentence, without a traceback."""

    def failure_text(self, error: BaseException) -> str | None:
        """The sentence for ``error`` if it is this item's own failure."""
        raise NotImplementedError

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        own = self.failure_text(excinfo.value)
        if own is not None:
            return own
        return _one_line(excinfo) or str(super().repr_failure(excinfo, style=style))


class PlanCheckItem(DeclaredItem):
    """One check declared in the plan, run by its kind's :mod:`cutover_checks` function."""

    def __init__(self, *, check: PlanCheck, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.index = index
        self.add_marker(pytest.mark.gate(id=check.gate))

    def evaluate(self, progress: RetryProgress | None = None) -> CheckResult:
        """Run the check itself: safe to call from any thread, it touches no pytest state.
        A retried check keeps ``progress`` up to date with its attempts."""
        from pytest_cutover.plan.kinds import run_check  # noqa: PLC0415 - loads the check modules

        check = self.check
        try:
            return run_check(check.kind, check.params, self.path.parent, check.retry, progress)
        except CheckError as error:  # a parameter only the run could judge, a missing CA file
            return CheckResult(False, str(error))

    def runtest(self) -> None:
        self.stash[VERDICT_KEY] = False
        handle = self.stash.get(STARTED_AHEAD_KEY, None)
        if handle is None:
            result = self.evaluate()
        else:
            del self.stash[STARTED_AHEAD_KEY]
            result = handle.wait()
        record(self, result)
        parent = self.parent
        strict = isinstance(parent, PlanFile) and parent.strict
        if not result.ok or (strict and result.warnings):
            raise CheckFailed(self.check, strict_result(result) if result.ok else result)
        self.stash[VERDICT_KEY] = True

    def failure_text(self, error: BaseException) -> str | None:
        if isinstance(error, CheckFailed):
            check = error.check
            return describe_failure(check.id, error.result, f"{check.kind} {_shown(check)}")
        return None

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.check.line - 1, f"cutover check {self.check.id}"


class SignoffItem(DeclaredItem):
    """One required sign-off: passes when the role has signed."""

    def __init__(
        self, *, role: str, gate: str, signature: Signature | None, index: int, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.role = role
        self.signature = signature
        self.index = index
        self.add_marker(pytest.mark.gate(id=gate))

    def runtest(self) -> None:
        self.stash[VERDICT_KEY] = False
        signature = self.signature
        if signature is None:
            result = CheckResult(False, messages.NO_SIGNATURE.format(role=self.role))
        else:
            message = messages.SIGNED.format(name=signature.name, at=signature.at)
            result = CheckResult(True, message, {"role": self.role, "name": signature.name})
        record(self, result)
        if not result.ok:
            raise SignoffMissing(result.message)
        self.stash[VERDICT_KEY] = True

    def failure_text(self, error: BaseException) -> str | None:
        if isinstance(error, SignoffMissing):
            return messages.CHECK_FAILED.format(check=self.name, problem=error)
        return None

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"cutover sign-off {self.role}"


class SignoffMissing(AssertionError):
    """A required role has not signed off: a failed check, as :class:`CheckFailed` is."""


def _one_line(excinfo: pytest.ExceptionInfo[BaseException]) -> str | None:
    """A failure raised into a declared check from outside (``pytest.fail`` from a timeout
    plugin, say) is its own message: its traceback would show only pytest's and the pool's
    insides."""
    if isinstance(excinfo.value, pytest.fail.Exception):
        return str(excinfo.value)
    return None


def _shown(check: PlanCheck) -> str:
    return shown_command(check.params[check.kind])
