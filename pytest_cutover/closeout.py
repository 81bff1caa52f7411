"""``closeout.md``: the acceptance closeout the seed wrote by hand, generated from the evidence."""

from __future__ import annotations

import shlex
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from pytest_cutover.document import OUT_OF_SCOPE


def markdown_text(value: object) -> str:
    """Text that stays one table cell or line of markdown and shows no raw HTML.

    >>> markdown_text("a | b\\n<script>")
    'a \\\\| b &lt;script&gt;'
    """
    text = " ".join(str(value).split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("pytest_cutover", "templates"),
        autoescape=False,  # markdown; values pass through the md filter instead
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["md"] = markdown_text
    environment.filters["shell"] = shlex.join  # inside a code block: shown as written
    return environment


def render_closeout(document: Mapping[str, Any]) -> str:
    """The closeout of the run in ``document``, as one string."""
    return "".join(stream_closeout(document))


def stream_closeout(document: Mapping[str, Any]) -> Iterator[str]:
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


def _counts(document: Mapping[str, Any], gate_id: str) -> str:
    tally = Counter(c["outcome"] for c in document["checks"] if c["gate"] == gate_id)
    return ", ".join(f"{count} {outcome}" for outcome, count in tally.items()) or "no checks"
