"""``junit.xml`` of the bundle, and what pytest's own ``--junitxml`` gets from the decision.

Both validate against the Jenkins JUnit schema pytest's own suite checks its
output with (``junit-10.xsd``): it allows properties on the test suite only, so
each gate's status, phase and checks are suite properties; the decision is a
test case of its own (``cutover.decision``) that fails whenever the decision
does not let the cutover proceed, so that a JUnit reader sees a NO-GO even when
no single check failed. Earlier failed attempts of a rerun check are
``rerunFailure`` (still failing) or ``flakyFailure`` (passed in the end).

Written piece by piece, so twenty thousand checks never sit in memory as one tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple
from xml.sax.saxutils import escape, quoteattr

_FAILED = {"failed"}
_ERRORED = {"errored"}
_SKIPPED = {"blocked", "waived", "skipped", "xfailed", "not run", "not collected"}

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


def render_junit(document: Mapping[str, Any]) -> str:
    """The JUnit XML of the evidence document, as one string."""
    return "".join(stream_junit(document))


def stream_junit(document: Mapping[str, Any]) -> Iterator[str]:
    """The JUnit XML of the evidence document; CI dashboards see the decision as a test."""
    checks = [check for check in document["checks"] if check["outcome"] != "deselected"]
    decision = document["decision"]
    case = decision_case(
        decision["verdict"],
        document["plan"]["name"],
        decision["reasons"],
        strict=document["settings"]["strict"],
    )
    suite = {
        "name": document["plan"]["name"],
        "tests": len(checks) + 1,
        "failures": sum(c["outcome"] in _FAILED for c in checks) + case.fails,
        "errors": sum(c["outcome"] in _ERRORED for c in checks),
        "skipped": sum(c["outcome"] in _SKIPPED for c in checks),
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


def _case(check: Mapping[str, Any]) -> Iterator[str]:
    classname, name = test_address(check["nodeid"])
    attributes = {
        "classname": classname or check["gate"],
        "name": name or check["id"],
        "time": f"{check['duration']:.3f}",
    }
    yield f"  <testcase {_attributes(attributes)}>\n"
    detail = "\n".join(
        f"$ {' '.join(c['argv'])} -> exit {c['exit_code']}" for c in check["commands"]
    )
    outcome = check["outcome"]
    if outcome in _FAILED | _ERRORED:
        tag = "failure" if outcome in _FAILED else "error"
        text = _text(detail or check["message"])
        yield f"    <{tag} message={_attr(check['message'])}>{text}</{tag}>\n"
    elif outcome in _SKIPPED:
        message = f"{outcome}: {check['reason'] or check['message']}"
        yield f"    <skipped message={_attr(message)} />\n"
    earlier = check.get("attempts", [])[:-1]
    kind = "rerunFailure" if outcome in _FAILED | _ERRORED else "flakyFailure"
    for attempt in earlier:
        message = f"attempt {attempt['number']} {attempt['outcome']}: {attempt['message']}"
        yield f"    <{kind} message={_attr(message)} type={_attr(attempt['outcome'])} />\n"
    yield f"    <system-out>{_text(_system_out(check, detail))}</system-out>\n"
    yield "  </testcase>\n"


def _system_out(check: Mapping[str, Any], detail: str) -> str:
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
