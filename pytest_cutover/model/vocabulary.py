"""The words every output of a run shares, so that one run reads the same everywhere.

What a check's outcome can be, the classes of outcomes (failing, passing, left out,
not run), the order outcomes are counted in and how a count is written, the JUnit
category of each outcome, how a command or a check's target is shown, and how text
that was cut says so. The terminal, the HTML report, the closeout and both JUnit
files (the bundle's and pytest's own ``--junitxml``) use these and nothing else.
"""

from __future__ import annotations

import enum
import re
import shlex
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Literal

from pytest_cutover import messages


class Outcome(str, enum.Enum):
    """What happened to one check in this run, in the order outcomes are counted."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "errored"
    BLOCKED = "blocked"
    WAIVED = "waived"
    WARNED = "warned"
    SKIPPED = "skipped"
    XFAILED = "xfailed"
    XPASSED = "xpassed"
    DESELECTED = "deselected"
    NOT_COLLECTED = "not collected"
    NOT_RUN = "not run"


#: Outcomes that fail a gate.
FAILING = frozenset({Outcome.FAILED, Outcome.ERROR})
#: Outcomes that let a gate pass: an advisory check's failure is WARN and blocks nothing.
PASSING = frozenset({Outcome.PASSED, Outcome.WARNED})
#: Outcomes of a check left out of the run; its reason says how (``-k``, ``--ignore``...).
LEFT_OUT = frozenset({Outcome.DESELECTED, Outcome.NOT_COLLECTED, Outcome.NOT_RUN})
#: Outcomes of a check that never ran: left out, or blocked by an earlier gate.
NOT_RAN = LEFT_OUT | {Outcome.BLOCKED}
#: Outcomes whose check the HTML report opens by default: the evidence a reader came for.
OPEN = frozenset({Outcome.FAILED, Outcome.ERROR, Outcome.WAIVED, Outcome.WARNED})

#: The outcome words in the order they are counted.
ORDER = tuple(outcome.value for outcome in Outcome)


def counts(outcomes: Iterable[str]) -> str:
    """The outcomes counted, like ``2 passed, 1 failed``, in :data:`ORDER`; a word that is
    no outcome of this version (read from other evidence) comes last, alphabetically.

    >>> counts(["failed", "passed", Outcome.PASSED])
    '2 passed, 1 failed'
    >>> counts(["skipped", "waived", "passed"])
    '1 passed, 1 waived, 1 skipped'
    >>> counts([])
    'no checks'
    """
    tally = Counter(o.value if isinstance(o, Outcome) else o for o in outcomes)
    order = [*ORDER, *sorted(set(tally) - set(ORDER))]
    shown = [messages.COUNT.format(count=tally[w], outcome=w) for w in order if tally[w]]
    return ", ".join(shown) or messages.NO_CHECKS_COUNTED


#: A JUnit test case's category: the element it holds, or none (``passed``).
JunitKind = Literal["failure", "error", "skipped", "passed"]

#: How JUnit shows a check of each outcome. A failure the run accepted (WAIVED, or WARN
#: for an advisory check) is ``skipped`` with the reason, not a pass, as pytest's own
#: ``--junitxml`` shows it; a deselected check is no test case at all (None), as there.
JUNIT_KIND: Mapping[Outcome, JunitKind | None] = {
    Outcome.PASSED: "passed",
    Outcome.FAILED: "failure",
    Outcome.ERROR: "error",
    Outcome.BLOCKED: "skipped",
    Outcome.WAIVED: "skipped",
    Outcome.WARNED: "skipped",
    Outcome.SKIPPED: "skipped",
    Outcome.XFAILED: "skipped",
    Outcome.XPASSED: "passed",
    Outcome.DESELECTED: None,
    Outcome.NOT_COLLECTED: "skipped",
    Outcome.NOT_RUN: "skipped",
}


def junit_kind(outcome: str) -> JunitKind | None:
    """The JUnit category of a check with ``outcome``; None when it is no test case.

    >>> junit_kind("warned"), junit_kind("errored"), junit_kind("deselected")
    ('skipped', 'error', None)
    """
    return JUNIT_KIND[Outcome(outcome)]


def settled_message(outcome: str, why: str) -> str:
    """What a check that passed no test says for itself (a skip's or JUnit's message):
    its outcome and why (a waiver, the advisory failure, a block reason).

    >>> settled_message(Outcome.WARNED, "disk 91% full")
    'warned: disk 91% full'
    """
    word = outcome.value if isinstance(outcome, Outcome) else outcome
    return messages.SETTLED.format(outcome=word, why=why)


def shown_command(target: object) -> str:
    """A command or a check's target as the operator would type it: an argument list
    joined as a shell reads it, anything else as it is.

    >>> shown_command(["deploy/scripts/canary-rollback.sh", "1.4.0"])
    'deploy/scripts/canary-rollback.sh 1.4.0'
    >>> shown_command(["sh", "-c", "echo hi"]), shown_command("bun")
    ("sh -c 'echo hi'", 'bun')
    """
    if isinstance(target, (list, tuple)):
        return shlex.join(map(str, target))
    return str(target)


def cut(text: str, limit: int, *, one_line: bool = False) -> str:
    """``text`` within ``limit`` characters: its start and its end, and in between, on a
    line of its own (or in the line, with ``one_line``), how many characters were cut.

    >>> cut("a" * 10 + "b" * 10, 8)
    'aaaa\\n[... 12 characters cut ...]\\nbbbb'
    >>> cut("a" * 10 + "b" * 10, 8, one_line=True)
    'aaaa [... 12 characters cut ...] bbbb'
    >>> cut("short", 8)
    'short'
    """
    if len(text) <= limit:
        return text
    half = limit // 2
    marker = messages.OUTPUT_CUT.format(count=len(text) - 2 * half)
    between = " " if one_line else "\n"
    return f"{text[:half]}{between}{marker}{between}{text[len(text) - half :]}"


def shown_seconds(value: float | None) -> str:
    """A duration as every output shows it.

    >>> shown_seconds(0.0421), shown_seconds(None)
    ('0.04 s', 'not recorded')
    """
    return "not recorded" if value is None else f"{value:.2f} s"


def status_class(word: str) -> str:
    """The CSS class that colours a status word in the HTML report (the word itself is
    always shown too).

    >>> status_class("OUT OF SCOPE"), status_class("not run")
    ('s-out-of-scope', 's-not-run')
    """
    return "s-" + re.sub(r"[^a-z0-9]+", "-", word.lower()).strip("-")
