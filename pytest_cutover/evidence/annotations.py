"""GitHub Actions workflow annotations of a finished run: one line per check that did not pass.

Each failed, errored or blocked check is one ``::error`` line, each advisory failure (WARN)
and each expired waiver one ``::warning`` line, pointing at where it is written: a declared
check at its line in the plan, a Python check at its test. A run that may not proceed gets
one more, without a file, for the decision itself (a NO-GO with only INCOMPLETE gates has no
failed check to point at). Passing, skipped, waived and left-out checks get none.

A workflow command is one line, ``::error file=F,line=N,title=T::message``; its values are
escaped the way GitHub's toolkit escapes them (``@actions/core`` ``command.ts``): in the
message ``%``, CR and LF; in a property also ``:`` and ``,``. Values are redacted before they
are escaped, as an escaped secret would no longer be found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal, NamedTuple

from pytest_cutover import messages
from pytest_cutover.evidence.finished import FinishedCheck, FinishedRun, Location
from pytest_cutover.evidence.summary import why
from pytest_cutover.model.decision import Verdict
from pytest_cutover.model.vocabulary import FAILING, Outcome, cut
from pytest_cutover.model.waivers import EXPIRED

Redact = Callable[[str], str]
Level = Literal["error", "warning"]

#: The level of a check's annotation, by its outcome; other outcomes get none.
LEVELS: dict[Outcome, Level] = {
    **dict.fromkeys(FAILING, "error"),
    Outcome.BLOCKED: "error",
    Outcome.WARNED: "warning",
}
#: How long an annotation's message may be (GitHub shows the start of a long one).
MESSAGE_LIMIT = 4000


class Annotation(NamedTuple):
    """One workflow annotation: its level, title and message, and where it points."""

    level: Level
    title: str
    message: str
    location: Location | None = None


def escape_data(value: str) -> str:
    """A workflow command's message, escaped: it stays on its one line.

    >>> escape_data("100% down\\r\\nretry")
    '100%25 down%0D%0Aretry'
    """
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A workflow command's property value, escaped: it cannot end the property or the list.

    >>> escape_property("G1: tool, bun")
    'G1%3A tool%2C bun'
    """
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def run_annotations(run: FinishedRun) -> list[Annotation]:
    """The annotations of ``run``: the decision's when it may not proceed, then one per
    check that did not pass (in run order), then one per expired waiver."""
    return [*_decision(run), *_checks(run.checks), *_expired_waivers(run)]


def _decision(run: FinishedRun) -> Iterator[Annotation]:
    decision = run.decision
    verdict = decision.verdict
    if verdict is Verdict.GO:
        return
    level: Level = "error"
    if verdict is Verdict.CONDITIONAL_GO and not run.settings["strict"]:
        level = "warning"
    headline = messages.DECISION_HEADLINE.format(verdict=verdict.value, name=decision.name)
    message = "\n".join((headline, *decision.reasons, *decision.warnings))
    title = messages.ANNOTATION_DECISION_TITLE.format(verdict=verdict.value)
    yield Annotation(level, title, cut(message, MESSAGE_LIMIT))


def _checks(checks: tuple[FinishedCheck, ...]) -> Iterator[Annotation]:
    for check in checks:
        level = LEVELS.get(check.outcome)
        if level is None:
            continue
        title = messages.ANNOTATION_TITLE.format(
            check=check.check_id,
            outcome=check.outcome.value,
            gate=check.gate.id,
            phase=check.gate.phase,
        )
        message = why(check) or check.outcome.value
        yield Annotation(level, title, cut(message, MESSAGE_LIMIT), check.location)


def _expired_waivers(run: FinishedRun) -> Iterator[Annotation]:
    for waiver in run.waivers:
        if waiver["status"] != EXPIRED:
            continue
        yield Annotation(
            "warning",
            messages.ANNOTATION_WAIVER_TITLE.format(check=waiver["check"]),
            messages.ANNOTATION_WAIVER.format(**waiver),
            waiver_location(waiver["source"], run),
        )


def waiver_location(source: str, run: FinishedRun) -> Location | None:
    """Where a waiver is written, from its ``source`` (``cutover.yaml:12``): the plan's own
    waivers name the plan by its file name, a waivers file is named as the run showed it.

    >>> from types import SimpleNamespace
    >>> waiver_location("cutover.yaml:12", SimpleNamespace(  # doctest: +ELLIPSIS
    ...     plan_file=Path("/ci/plan/cutover.yaml"), cwd=Path("/ci")))
    (...Path('/ci/plan/cutover.yaml'), 12)
    >>> waiver_location("waivers.yaml:3", SimpleNamespace(plan_file=None, cwd=Path("/ci")))
    (...Path('/ci/waivers.yaml'), 3)
    """
    name, colon, line = source.rpartition(":")
    if not colon or not line.isdigit():
        return None
    plan = run.plan_file
    path = plan.parent / name if plan is not None and name == plan.name else run.cwd / name
    return path, int(line)


def shown_path(path: Path, base: Path) -> str:
    """``path`` as GitHub wants it in an annotation: relative to ``base`` (the workspace, the
    checked-out repository), with forward slashes; as it is when it is outside it.

    >>> shown_path(Path("/ci/repo/tests/test_x.py"), Path("/ci/repo"))
    'tests/test_x.py'
    >>> shown_path(Path("/elsewhere/cutover.yaml"), Path("/ci/repo"))
    '/elsewhere/cutover.yaml'
    """
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def workflow_command(annotation: Annotation, base: Path, redact: Redact | None = None) -> str:
    """The annotation as the one line GitHub reads from a step's output.

    >>> workflow_command(
    ...     Annotation("error", "check c1 failed", "exit 1\\nno: such file",
    ...                (Path("/repo/cutover.yaml"), 7)), Path("/repo"))
    '::error file=cutover.yaml,line=7,title=check c1 failed::exit 1%0Ano: such file'
    >>> workflow_command(Annotation("warning", "a, b: c", "100%"), Path("/repo"))
    '::warning title=a%2C b%3A c::100%25'
    """
    clean = redact or (lambda text: text)
    properties: list[str] = []
    if annotation.location is not None:
        path, line = annotation.location
        properties.append(f"file={escape_property(clean(shown_path(path, base)))}")
        if line is not None:
            properties.append(f"line={line}")
    properties.append(f"title={escape_property(clean(annotation.title))}")
    return f"::{annotation.level} {','.join(properties)}::{escape_data(clean(annotation.message))}"
