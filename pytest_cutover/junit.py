"""``junit.xml`` of the bundle: one test case per check, with gate and phase as properties.

Written piece by piece, so twenty thousand checks never sit in memory as one tree.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from xml.sax.saxutils import escape, quoteattr

_FAILED = {"failed"}
_ERRORED = {"errored"}
_SKIPPED = {"blocked", "waived", "skipped", "xfailed", "not run"}


def render_junit(document: Mapping[str, Any]) -> str:
    """The JUnit XML of the evidence document, as one string."""
    return "".join(stream_junit(document))


def stream_junit(document: Mapping[str, Any]) -> Iterator[str]:
    """The JUnit XML of the evidence document; CI dashboards can group cases by gate."""
    checks = [check for check in document["checks"] if check["outcome"] != "deselected"]
    suite = {
        "name": document["plan"]["name"],
        "tests": len(checks),
        "failures": sum(c["outcome"] in _FAILED for c in checks),
        "errors": sum(c["outcome"] in _ERRORED for c in checks),
        "skipped": sum(c["outcome"] in _SKIPPED for c in checks),
        "time": f"{sum(c['duration'] for c in checks):.3f}",
        "timestamp": document["run"]["started"],
        "hostname": document["run"]["host"],
    }
    yield "<?xml version='1.0' encoding='utf-8'?>\n"
    yield f"<testsuite {_attributes(suite)}>\n  <properties>\n"
    yield _property("decision", document["decision"]["verdict"], 4)
    yield _property("run_id", document["run"]["run_id"], 4)
    yield "  </properties>\n"
    for check in checks:
        yield from _case(check)
    yield "</testsuite>\n"


def _case(check: Mapping[str, Any]) -> Iterator[str]:
    classname, _, name = check["nodeid"].rpartition("::")
    attributes = {
        "classname": classname.replace("/", ".") or check["gate"],
        "name": name or check["id"],
        "time": f"{check['duration']:.3f}",
    }
    yield f"  <testcase {_attributes(attributes)}>\n    <properties>\n"
    for key in ("gate", "phase", "outcome", "id"):
        yield _property(f"cutover_{key}", check[key], 6)
    yield "    </properties>\n"
    detail = "\n".join(
        f"$ {' '.join(c['argv'])} -> exit {c['exit_code']}" for c in check["commands"]
    )
    outcome = check["outcome"]
    if outcome in _FAILED | _ERRORED:
        tag = "failure" if outcome in _FAILED else "error"
        text = escape(detail or check["message"])
        yield f"    <{tag} message={quoteattr(check['message'])}>{text}</{tag}>\n"
    elif outcome in _SKIPPED:
        message = f"{outcome}: {check['reason'] or check['message']}"
        yield f"    <skipped message={quoteattr(message)} />\n"
    if detail:
        yield f"    <system-out>{escape(detail)}</system-out>\n"
    yield "  </testcase>\n"


def _property(name: str, value: str, indent: int) -> str:
    return f"{' ' * indent}<property name={quoteattr(name)} value={quoteattr(str(value))} />\n"


def _attributes(values: Mapping[str, object]) -> str:
    return " ".join(f"{key}={quoteattr(str(value))}" for key, value in values.items())
