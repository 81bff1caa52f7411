"""``report.html``: the evidence report, one self-contained page that needs no JavaScript."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, StrictUndefined

from pytest_cutover.evidence.timeline import timeline_svg
from pytest_cutover.model import vocabulary
from pytest_cutover.model.vocabulary import status_class

if TYPE_CHECKING:
    from pytest_cutover.evidence.records import CheckRecord, CommandRecord, EvidenceDocument

#: Outcomes whose check opens by default: the evidence a reader came for.
OPEN_OUTCOMES = frozenset(outcome.value for outcome in vocabulary.OPEN)


def outcome_counts(checks: Iterable[CheckRecord]) -> str:
    """The checks' outcomes counted, as the terminal and the closeout count them.

    >>> outcome_counts([{"outcome": "failed"}, {"outcome": "passed"}, {"outcome": "passed"}])
    '2 passed, 1 failed'
    """
    return vocabulary.counts(check["outcome"] for check in checks)


def exit_text(command: CommandRecord) -> str:
    """A command's exit as people read it.

    >>> exit_text({"exit_code": 3, "timed_out": False, "source": "check"})
    '3'
    >>> exit_text({"exit_code": None, "timed_out": False, "source": "audit"})
    'not recorded'
    >>> exit_text({"exit_code": None, "timed_out": False, "source": "blocked"})
    'blocked by the mutation guard, never started'
    """
    if command.get("source") == "blocked":
        return "blocked by the mutation guard, never started"
    if command.get("timed_out"):
        return "timed out"
    code = command["exit_code"]
    return "not recorded" if code is None else str(code)


_META = re.compile(r'<meta name="cutover-(run-id|decision)" content="([^"]*)">')


def stamp_of(report: str) -> tuple[str, str] | None:
    """The run id and decision the report's head carries, or None when it lacks either.

    >>> stamp_of('<head><meta name="cutover-run-id" content="r1">'
    ...          '<meta name="cutover-decision" content="NO-GO"></head>')
    ('r1', 'NO-GO')
    """
    head = report.partition("</head>")[0]
    found: dict[str, str] = {}
    for name, value in _META.findall(head):
        found.setdefault(name, html.unescape(value))
    if "run-id" not in found or "decision" not in found:
        return None
    return found["run-id"], found["decision"]


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("pytest_cutover", "templates"),
        autoescape=True,  # every value from the document is escaped
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        status=status_class,
        counts=outcome_counts,
        seconds=vocabulary.shown_seconds,
        exit=exit_text,
        shell=vocabulary.shown_command,
    )
    return environment


def render_report(document: EvidenceDocument) -> str:
    """The HTML report of the run in ``document``, as one string."""
    return "".join(stream_report(document))


def stream_report(document: EvidenceDocument) -> Iterator[str]:
    """The HTML report of the run in ``document``, piece by piece; every value is escaped."""
    checks_by_gate: dict[str, list[CheckRecord]] = {}
    for check in document["checks"]:
        checks_by_gate.setdefault(check["gate"], []).append(check)
    template = _environment().get_template("report.html.j2")
    return template.generate(
        plan=document["plan"],
        run=document["run"],
        decision=document["decision"],
        phases=document["phases"],
        gates=document["gates"],
        checks_by_gate=checks_by_gate,
        commands=document["commands"],
        signoff=document.get("signoff"),
        rollback=document.get("rollback"),
        waivers=document.get("waivers", []),
        t0=document.get("t0"),
        t0_offset=document.get("t0_offset"),
        picture=timeline_svg(document),
        open_outcomes=OPEN_OUTCOMES,
    )
