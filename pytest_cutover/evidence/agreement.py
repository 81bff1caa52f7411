"""Whether the files of a bundle agree with its ``evidence.json`` and with each other.

Every file carries the run id and the decision of its run (``report.html`` in two
``<meta>`` tags, ``closeout.md`` in a comment on its first line, ``junit.xml`` in suite
properties), and ``junit.xml`` has one test case per check with its outcome. Each is read
back and compared with ``evidence.json``. Each file is also a deterministic rendering of
``evidence.json``, so when the bundle was written by this same version of pytest-cutover
the file is rendered again and compared byte for byte, which catches any other edit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from pytest_cutover import messages

if TYPE_CHECKING:
    from pytest_cutover.evidence.records import EvidenceDocument

RENDERED = ("closeout.md", "junit.xml", "report.html")


def agreement_problems(
    document: EvidenceDocument, files: Mapping[str, bytes], version: str
) -> list[str]:
    """Where the rendered ``files`` (name to content) disagree with ``document``; they are
    rendered again when ``version`` (this pytest-cutover) is the one that wrote them."""
    from pytest_cutover.evidence.closeout import render_closeout  # noqa: PLC0415 - pulls in Jinja2
    from pytest_cutover.evidence.junit import render_junit  # noqa: PLC0415
    from pytest_cutover.evidence.report import render_report  # noqa: PLC0415

    renderers: dict[str, Callable[[EvidenceDocument], str]] = {
        "closeout.md": render_closeout,
        "junit.xml": render_junit,
        "report.html": render_report,
    }
    exact = document["run"]["plugin"] == version
    problems = []
    for name in RENDERED:
        if name not in files:
            continue
        found = _file_problems(name, document, files[name])
        if not found and exact and files[name] != renderers[name](document).encode("utf-8"):
            found = [messages.FILE_NOT_RENDERED.format(name=name, version=version)]
        problems.extend(found)
    return problems


def _file_problems(name: str, document: EvidenceDocument, data: bytes) -> list[str]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return [messages.FILE_NOT_UTF8.format(name=name, byte=_byte(error), offset=error.start)]
    if name == "junit.xml":
        return _junit_problems(document, data)
    from pytest_cutover.evidence.closeout import stamp_of as closeout_stamp  # noqa: PLC0415
    from pytest_cutover.evidence.report import stamp_of as report_stamp  # noqa: PLC0415

    read = closeout_stamp if name == "closeout.md" else report_stamp
    return stamp_problems(name, read(text), document)


def stamp_problems(
    name: str, stamp: tuple[str, str] | None, document: EvidenceDocument
) -> list[str]:
    """Where the run id and decision a file carries differ from ``document``'s.

    >>> stamp_problems("closeout.md", ("r2", "GO"), {"run": {"run_id": "r1"},
    ...                "decision": {"verdict": "GO"}})
    ['closeout.md is of run r2, but evidence.json is of run r1: the files come from different runs']
    """
    if stamp is None:
        return [messages.FILE_UNSTAMPED.format(name=name)]
    run_id, verdict = document["run"]["run_id"], document["decision"]["verdict"]
    problems = []
    if stamp[0] != run_id:
        problems.append(messages.FILE_OTHER_RUN.format(name=name, theirs=stamp[0], ours=run_id))
    if stamp[1] != verdict:
        problems.append(
            messages.FILE_OTHER_DECISION.format(name=name, theirs=stamp[1], ours=verdict)
        )
    return problems


def _junit_problems(document: EvidenceDocument, data: bytes) -> list[str]:
    from pytest_cutover.evidence.junit import expected_cases, read_junit  # noqa: PLC0415

    try:
        facts = read_junit(data)
    except ValueError as error:
        return [messages.JUNIT_UNREADABLE.format(problem=error)]
    run_id, verdict = facts.properties.get("run_id"), facts.properties.get("decision")
    stamp = (run_id, verdict) if run_id is not None and verdict is not None else None
    problems = stamp_problems("junit.xml", stamp, document)
    expected = expected_cases(document)
    if len(facts.cases) != len(expected):
        return [
            *problems,
            messages.JUNIT_CASE_COUNT.format(theirs=len(facts.cases), ours=len(expected)),
        ]
    differing = [
        messages.JUNIT_CASE.format(number=number, theirs=_case(theirs), ours=_case(ours))
        for number, (theirs, ours) in enumerate(zip(facts.cases, expected, strict=True), 1)
        if theirs != ours
    ]
    return [*problems, *_first(differing, 10)]


def _case(case: tuple[str, str, str]) -> str:
    classname, name, kind = case
    return f"{classname}::{name} ({kind})"


def _first(problems: list[str], limit: int) -> Iterable[str]:
    if len(problems) <= limit:
        return problems
    return [*problems[:limit], f"... and {len(problems) - limit} more"]


def _byte(error: UnicodeDecodeError) -> str:
    return f"0x{error.object[error.start]:02x}"
