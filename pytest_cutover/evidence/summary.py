"""The CI summary: a finished run's decision as Markdown, for a CI job's summary page.

GitHub Actions shows what a step appends to ``$GITHUB_STEP_SUMMARY``; GitLab CI and
others publish a file (``--cutover-summary``). Both get the same text: the decision as its
heading, the run, the gate table (gate, phase, status, title, counts), the reasons and
warnings, the checks that did not pass, the waivers, the gates not in this run, and the
rollback command when the decision is ROLLBACK. A run that selected no cutover check
says so, under a heading that names no verdict: it is never a GO.

Every value goes through the run's redactor first and :mod:`~pytest_cutover.evidence.markdown`'s
escaping after, so that neither a secret nor markup gets through (in that order: an
escaped secret would no longer be found).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from pytest_cutover import messages
from pytest_cutover.evidence import markdown
from pytest_cutover.evidence.finished import FinishedCheck, FinishedRun
from pytest_cutover.model.decision import Verdict
from pytest_cutover.model.vocabulary import FAILING, Outcome, cut

Redact = Callable[[str], str]

#: Outcomes of the checks the summary lists one by one.
LISTED = FAILING | {Outcome.BLOCKED, Outcome.WARNED, Outcome.WAIVED}
#: The most checks listed: a failed first gate can block hundreds.
MAX_LISTED = 50
#: How long a listed check's message may be.
MESSAGE_LIMIT = 300


def _same(text: str) -> str:
    return text


def summary_markdown(run: FinishedRun, redact: Redact = _same) -> str:
    """The summary of the decided run ``run``, as Markdown ending in a newline."""
    return "\n".join(_blocks(run, redact)) + "\n"


def no_decision_markdown(name: str, redact: Redact = _same) -> str:
    """The summary of a run that selected no cutover check: no decision, so no GO.

    >>> print(no_decision_markdown("Step 22"), end="")
    ## Cutover decision: none
    <BLANKLINE>
    Step 22: no cutover check selected: no cutover decision
    """
    sentence = f"{name}: {messages.NO_CUTOVER_SELECTED}" if name else messages.NO_CUTOVER_SELECTED
    return f"## {messages.SUMMARY_NO_DECISION_HEADING}\n\n{markdown.text(redact(sentence))}\n"


def _blocks(run: FinishedRun, redact: Redact) -> Iterator[str]:
    """The summary's blocks (a heading, a paragraph, a table, a list), blank lines between."""

    def text(value: object) -> str:
        return markdown.text(redact(str(value)))

    def code(value: object) -> str:
        return markdown.code(redact(str(value)))

    decision = run.decision
    headline = messages.DECISION_HEADLINE.format(verdict=decision.verdict.value, name=decision.name)
    yield f"## {messages.SUMMARY_HEADING.format(headline=text(headline))}"
    if run.plan_shown_as is not None:
        shown = messages.SUMMARY_RUN.format(run_id=code(run.run_id), plan=code(run.plan_shown_as))
    else:
        shown = messages.SUMMARY_RUN_NO_PLAN.format(run_id=code(run.run_id))
    yield f"\n{shown}"
    yield ""
    yield _row(messages.SUMMARY_GATE_COLUMNS)
    yield _row(["---"] * len(messages.SUMMARY_GATE_COLUMNS))
    for result in decision.gates:
        gate = result.gate
        cells = (gate.id, gate.phase, result.status.value, gate.title, result.counts())
        yield _row([text(cell) for cell in cells])
    yield from _list(messages.SUMMARY_REASONS, [text(reason) for reason in decision.reasons])
    yield from _list(messages.SUMMARY_WARNINGS, [text(warning) for warning in decision.warnings])
    listed = [check for check in run.checks if check.outcome in LISTED]
    shown_checks = [_check_line(check, code, text) for check in listed[:MAX_LISTED]]
    if len(listed) > MAX_LISTED:
        shown_checks.append(
            text(messages.SUMMARY_MORE_CHECKS.format(count=len(listed) - MAX_LISTED))
        )
    yield from _list(messages.SUMMARY_CHECKS, shown_checks)
    waivers = [text(messages.WAIVER_LINE.format(**waiver)) for waiver in run.waivers]
    yield from _list(messages.SUMMARY_WAIVERS, waivers)
    if decision.out_of_scope:
        gates = ", ".join(f"{gate.id} ({gate.phase})" for gate in decision.out_of_scope)
        yield f"\n{text(messages.OUT_OF_SCOPE.format(gates=gates))}"
    rollback = run.rollback
    if decision.verdict is Verdict.ROLLBACK and rollback is not None:
        yield f"\n### {messages.SUMMARY_ROLLBACK}\n"
        # The sentence around the command, escaped; the command itself as code.
        before, _, after = messages.ROLLBACK_COMMAND.partition("{command}")
        yield f"{markdown.text(before)} {code(rollback.command)}{markdown.text(after)}".rstrip()
        if rollback.runbook:
            yield f"\n{text(messages.ROLLBACK_RUNBOOK.format(runbook=rollback.runbook))}"


def _row(cells: list[str] | tuple[str, ...]) -> str:
    return "| " + " | ".join(cell or " " for cell in cells) + " |"


def _list(title: str, items: list[str]) -> Iterator[str]:
    if items:
        yield f"\n### {title}\n"
        yield from (f"- {item}" for item in items)


def _check_line(
    check: FinishedCheck, code: Callable[[object], str], text: Callable[[object], str]
) -> str:
    """One listed check: its id as code, its gate, phase and outcome, and why, on one line."""
    said = cut(" ".join(why(check).split()), MESSAGE_LIMIT, one_line=True)
    rest = messages.SUMMARY_CHECK.format(
        gate=check.gate.id,
        phase=check.gate.phase,
        outcome=check.outcome.value,
        message=said or check.outcome.value,
    )
    return f"{code(check.check_id)} {text(rest)}"


def why(check: FinishedCheck) -> str:
    """Why a check did not pass: a blocked or waived check's reason (the gate that failed,
    the waiver), another's message (what it saw)."""
    if check.outcome in (Outcome.BLOCKED, Outcome.WAIVED):
        return check.reason or check.message
    return check.message or check.reason
