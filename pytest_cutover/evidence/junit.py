"""``junit.xml`` of the bundle, and what pytest's own ``--junitxml`` gets from the decision.

Both validate against the Jenkins JUnit schema pytest's own suite checks its
output with (``junit-10.xsd``): it allows properties on the test suite only, so
each gate's status, phase and checks are suite properties; the decision is a
test case of its own (``cutover.decision``) that fails whenever the decision
does not let the cutover proceed, so that a JUnit reader sees a NO-GO even when
no single check failed. Each check's category is the vocabulary's
(:data:`pytest_cutover.model.vocabulary.JUNIT_KIND`): a failure the run accepted,
WAIVED or WARN, is ``skipped`` with a message naming it and the failure, as in
pytest's own file. Earlier failed attempts of a rerun check are ``rerunFailure``
(still failing) or ``flakyFailure`` (passed in the end).

Written piece by piece, so twenty thousand checks never sit in memory as one tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple
from xml.sax.saxutils import escape, quoteattr

from pytest_cutover.model.vocabulary import junit_kind, settled_message, shown_command

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from pytest_cutover.evidence.records import CheckRecord, EvidenceDocument

#: The decision's test case: class name and name (its node id is ``cutover::decision``).
DECISION_CLASS, DECISION_NAME = "cutover", "decision"


class DecisionCase(NamedTuple):
    """The decision as a test case: whether it fails, its one-line message and its text."""

    fails: bool
    message: str
    text: str


def decision_case(verdict: str, name: str, reasons: Sequence[str], *, strict: bool) -> DecisionCase:
    """The decision's test case: it fails unless the decision lets the cutover proceed
    (GO, or CONDITIONAL-GO without ``--cutover-strict``: the exit code's rule).

    >>> decision_case("NO-GO", "Step 22", ["gate G2 INCOMPLETE"], strict=False).fails
    True
    >>> decision_case("CONDITIONAL-GO", "Step 22", [], strict=False).fails
    False
    """
    fails = verdict not in ("GO", "CONDITIONAL-GO") or (verdict == "CONDITIONAL-GO" and strict)
    message = f"{verdict}: {name}"
    text = "\n".join([message, *(f"- {reason}" for reason in reasons)])
    return DecisionCase(fails, message, text)


def gate_properties(gates: Iterable[tuple[str, str, str, Sequence[str]]]) -> list[tuple[str, str]]:
    """One suite property per gate: ``cutover_gate G1`` = ``PASSED; phase T-60; checks: a, b``.

    >>> gate_properties([("G1", "T-60", "PASSED", ["a", "b"])])
    [('cutover_gate G1', 'PASSED; phase T-60; checks: a, b')]
    """
    return [
        (f"cutover_gate {gate}", f"{status}; phase {phase}; checks: {', '.join(checks)}")
        for gate, phase, status, checks in gates
    ]


def _address(check: CheckRecord) -> tuple[str, str]:
    classname, name = test_address(check["nodeid"])
    return classname or check["gate"], name or check["id"]


def _decision_case_of(document: EvidenceDocument) -> DecisionCase:
    decision = document["decision"]
    return decision_case(
        decision["verdict"],
        document["plan"]["name"],
        decision["reasons"],
        strict=document["settings"]["strict"],
    )


def expected_cases(document: EvidenceDocument) -> list[tuple[str, str, str]]:
    """Each test case the JUnit XML of ``document`` holds: class name, name and kind."""
    fails = _decision_case_of(document).fails
    decision = (DECISION_CLASS, DECISION_NAME, "failure" if fails else "passed")
    cases = [(check, junit_kind(check["outcome"])) for check in document["checks"]]
    return [decision, *((*_address(check), kind) for check, kind in cases if kind is not None)]


class JunitFacts(NamedTuple):
    """What a JUnit XML file says: its suite properties and each test case with its kind."""

    properties: dict[str, str]
    cases: list[tuple[str, str, str]]


def read_junit(data: bytes) -> JunitFacts:
    """The suite properties and test cases of the JUnit XML ``data``; ValueError when it is
    not well-formed XML. Read piece by piece (the file can be large); expat refuses the
    entity expansions of a billion-laughs file."""
    from xml.etree.ElementTree import Element, ParseError, XMLPullParser  # noqa: PLC0415

    parser: XMLPullParser[Element] = XMLPullParser(events=("start", "end"))
    properties: dict[str, str] = {}
    cases: list[tuple[str, str, str]] = []
    kinds: list[str] = []
    try:
        for offset in range(0, max(len(data), 1), 1 << 16):
            parser.feed(data[offset : offset + (1 << 16)])
            for queued in parser.read_events():
                event, element = queued[0], queued[-1]
                if not isinstance(element, Element):
                    continue
                if event == "start" and element.tag == "testcase":
                    kinds = []
                elif event == "end":
                    _read_end(element, properties, cases, kinds)
        parser.close()
    except ParseError as error:
        raise ValueError(f"it is not well-formed XML: {error}") from None
    return JunitFacts(properties, cases)


def _read_end(
    element: Element,
    properties: dict[str, str],
    cases: list[tuple[str, str, str]],
    kinds: list[str],
) -> None:
    tag = element.tag
    if tag == "property":
        properties.setdefault(element.get("name", ""), element.get("value", ""))
    elif tag in ("failure", "error", "skipped"):
        kinds.append(tag)
    elif tag == "testcase":
        kind = kinds[0] if kinds else "passed"
        cases.append((element.get("classname", ""), element.get("name", ""), kind))
        element.clear()


def render_junit(document: EvidenceDocument) -> str:
    """The JUnit XML of the evidence document, as one string."""
    return "".join(stream_junit(document))


def stream_junit(document: EvidenceDocument) -> Iterator[str]:
    """The JUnit XML of the evidence document; CI dashboards see the decision as a test."""
    checks = [check for check in document["checks"] if junit_kind(check["outcome"]) is not None]
    kinds = [junit_kind(check["outcome"]) for check in checks]
    decision = document["decision"]
    case = _decision_case_of(document)
    suite = {
        "name": document["plan"]["name"],
        "tests": len(checks) + 1,
        "failures": kinds.count("failure") + case.fails,
        "errors": kinds.count("error"),
        "skipped": kinds.count("skipped"),
        "time": f"{sum(c['duration'] for c in checks):.3f}",
        "timestamp": document["run"]["started"],
        "hostname": document["run"]["host"],
    }
    yield "<?xml version='1.0' encoding='utf-8'?>\n"
    yield f"<testsuite {_attributes(suite)}>\n  <properties>\n"
    yield _property("decision", decision["verdict"])
    yield _property("run_id", document["run"]["run_id"])
    gates = [(g["id"], g["phase"], g["status"], g["checks"]) for g in document["gates"]]
    for name, value in gate_properties(gates):
        yield _property(name, value)
    yield "  </properties>\n"
    yield from _decision(case)
    for check in checks:
        yield from _case(check)
    yield "</testsuite>\n"


def _decision(case: DecisionCase) -> Iterator[str]:
    attributes = {"classname": DECISION_CLASS, "name": DECISION_NAME, "time": "0.000"}
    yield f"  <testcase {_attributes(attributes)}>\n"
    if case.fails:
        yield f"    <failure message={_attr(case.message)}>{_text(case.text)}</failure>\n"
    else:
        yield f"    <system-out>{_text(case.text)}</system-out>\n"
    yield "  </testcase>\n"


def _case(check: CheckRecord) -> Iterator[str]:
    classname, name = _address(check)
    attributes = {
        "classname": classname,
        "name": name,
        "time": f"{check['duration']:.3f}",
    }
    yield f"  <testcase {_attributes(attributes)}>\n"
    detail = "\n".join(
        f"$ {shown_command(c['argv'])} -> exit {c['exit_code']}" for c in check["commands"]
    )
    outcome = check["outcome"]
    kind = junit_kind(outcome)
    if kind in ("failure", "error"):
        text = _text(detail or check["message"])
        yield f"    <{kind} message={_attr(check['message'])}>{text}</{kind}>\n"
    elif kind == "skipped":
        message = settled_message(outcome, check["reason"] or check["message"])
        yield f"    <skipped message={_attr(message)} />\n"
    earlier = check.get("attempts", [])[:-1]
    rerun = "rerunFailure" if kind in ("failure", "error") else "flakyFailure"
    for attempt in earlier:
        message = f"attempt {attempt['number']} {attempt['outcome']}: {attempt['message']}"
        yield f"    <{rerun} message={_attr(message)} type={_attr(attempt['outcome'])} />\n"
    yield f"    <system-out>{_text(_system_out(check, detail))}</system-out>\n"
    yield "  </testcase>\n"


def _system_out(check: CheckRecord, detail: str) -> str:
    """The check's gate and phase (the schema has no properties on a test case), its commands."""
    lines = [f"cutover gate {check['gate']}, phase {check['phase']}, {check['outcome']}"]
    return "\n".join([*lines, detail] if detail else lines)


def _property(name: str, value: str) -> str:
    return f"    <property name={_attr(name)} value={_attr(str(value))} />\n"


def _attributes(values: Mapping[str, object]) -> str:
    return " ".join(f"{key}={_attr(str(value))}" for key, value in values.items())


def test_address(nodeid: str) -> tuple[str, str]:
    """The class name and name pytest's own JUnit XML gives the test ``nodeid``, so that a
    dashboard reading both files shows one check under one name.

    >>> test_address("checks/test_db.py::TestReplica::test_lag[eu]")
    ('checks.test_db.TestReplica', 'test_lag[eu]')
    >>> test_address("cutover.yaml::bun-version")
    ('cutover.yaml', 'bun-version')
    """
    path, bracket, params = nodeid.partition("[")
    names = path.split("::")
    names[0] = re.sub(r"\.py$", "", names[0].replace("/", "."))
    names[-1] += bracket + params
    return ".".join(names[:-1]), names[-1]


#: Characters XML 1.0 does not allow, even escaped (a terminal colour code, say).
_ILLEGAL = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _legal(value: object) -> str:
    """``value`` with each character XML cannot hold shown as ``#x1B``, as pytest does."""
    return _ILLEGAL.sub(lambda match: f"#x{ord(match.group()):02X}", str(value))


def _text(value: object) -> str:
    return escape(_legal(value))


def _attr(value: object) -> str:
    return quoteattr(_legal(value))
