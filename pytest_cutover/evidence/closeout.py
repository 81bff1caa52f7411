"""``closeout.md``: the acceptance closeout the seed wrote by hand, generated from the evidence."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, StrictUndefined

from pytest_cutover.evidence import markdown
from pytest_cutover.evidence.document import OUT_OF_SCOPE
from pytest_cutover.model.vocabulary import counts, shown_command

if TYPE_CHECKING:
    from pytest_cutover.evidence.records import EvidenceDocument

#: The closeout's first line: a comment no renderer shows, that ``verify`` reads back.
STAMP = "<!-- cutover-run-id: {run_id}; cutover-decision: {decision} -->"
_STAMP = re.compile(r"<!-- cutover-run-id: ([A-Za-z0-9._-]+); cutover-decision: ([A-Z-]+) -->\n")


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("pytest_cutover", "templates"),
        autoescape=False,  # Markdown, not HTML: values pass through the Markdown filters
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        md=markdown.text, code=markdown.code, fence=markdown.fence, shell=shown_command
    )
    return environment


def render_closeout(document: EvidenceDocument) -> str:
    """The closeout of the run in ``document``, as one string."""
    return "".join(stream_closeout(document))


def stream_closeout(document: EvidenceDocument) -> Iterator[str]:
    """The closeout of the run in ``document``, piece by piece."""
    gates = [{**gate, "counts": _counts(document, gate["id"])} for gate in document["gates"]]
    out_of_scope = [gate["id"] for gate in document["gates"] if gate["status"] == OUT_OF_SCOPE]
    constraints = [
        *document["decision"]["warnings"],
        *document["decision"]["reasons"],
        *(
            f"Waiver of {w['check']}: {w['status']}, approved by {w['approver']}"
            f"{' (' + w['ticket'] + ')' if w['ticket'] else ''}, expires {w['expires']}: "
            f"{w['justification']}"
            for w in document["waivers"]
        ),
    ]
    if out_of_scope:
        constraints.append(
            f"Gates {', '.join(out_of_scope)} were not part of this run; their phases remain open."
        )
    template = _environment().get_template("closeout.md.j2")
    return template.generate(
        stamp=STAMP.format(
            run_id=_stamp_value(document["run"]["run_id"]),
            decision=_stamp_value(document["decision"]["verdict"]),
        ),
        plan=document["plan"],
        run=document["run"],
        decision=document["decision"],
        gates=gates,
        checks=document["checks"],
        commands=document["commands"],
        signoff=document["signoff"],
        rollback=document["rollback"],
        constraints=constraints,
        in_scope_phases=[p["name"] for p in document["phases"] if p["in_scope"]],
        out_of_scope=out_of_scope,
    )


def _counts(document: EvidenceDocument, gate_id: str) -> str:
    return counts(c["outcome"] for c in document["checks"] if c["gate"] == gate_id)


def _stamp_value(value: object) -> str:
    """``value`` as it can stand in the comment: characters that could end it are dropped."""
    return re.sub(r"[^A-Za-z0-9._-]", "", str(value))


def stamp_of(closeout: str) -> tuple[str, str] | None:
    """The run id and decision the closeout's first line carries, or None when it has none.

    >>> stamp_of(STAMP.format(run_id="r1", decision="NO-GO") + "\\n# Plan")
    ('r1', 'NO-GO')
    """
    match = _STAMP.match(closeout)
    return (match.group(1), match.group(2)) if match else None
