"""Random plans and random option values: exit 0, 1 or 4, never a traceback or INTERNALERROR.

The plans are random YAML structures and plans shaped like real ones with random values
in their keys. Their checks are only of kinds that are harmless to run here: a tool's
``--version`` from a fixed list, paths, environment variables, fixed commands, and
probes of a closed port on loopback.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
import yaml
from cutover_project import CutoverProject
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from pytest_cutover import messages

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["T0", "G1", "T-60", "T+10", "sh", "2026-12-01T22:00:00+01:00"]),
)
ANY_YAML = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=8), st.integers()), inner, max_size=4),
    ),
    max_leaves=20,
)

PHASE = st.one_of(
    st.sampled_from(["T-60", "T-30", "T-10", "T0", "T+10", "T+30", "T+2h", "prep", "T+0"]),
    st.sampled_from(["T+99999999h", "T-99999999999999999999", "T+8760h", "T-525601"]),
    st.text(max_size=6),
)
INSTANT = st.one_of(
    st.sampled_from(
        [
            "2026-12-01T22:00:00+01:00",
            "9999-12-31T23:59:59+00:00",
            "9999-12-31T23:59:59-05:00",
            "0001-01-01T00:00:00+00:00",
            "2026-12-01T22:00:00+25:00",
            "2026-02-30T22:00:00+00:00",
            "2026-12-01T22:00:00",
            "1970-01-01T00:00:00+05:00",
            "9000-12-31T23:59:59-23:59",
        ]
    ),
    st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()),
    st.text(max_size=30),
)
NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from([0.001, 1, 5, 86400, 86401]),
    st.text(max_size=5),
)
LOOPBACK = st.sampled_from(["127.0.0.1:1", "[::1]:1", "localhost:1", "127.0.0.1:99999", "x"])
CHECK = st.fixed_dictionaries(
    {"gate": st.sampled_from(["G1", "G2", "G3", "nope"])},
    optional={
        "id": st.one_of(st.sampled_from(["a", "b", "a"]), st.text(max_size=6)),
        "timeout": NUMBER,
        "severity": st.sampled_from(["block", "warn", "oops"]),
        "mutating": st.booleans(),
        "retry": st.fixed_dictionaries({"attempts": NUMBER, "interval": NUMBER}),
    },
).flatmap(
    lambda common: st.one_of(
        st.fixed_dictionaries({"tool": st.sampled_from(["sh", "python3", "no-such-tool-x"])}),
        st.fixed_dictionaries({"path": st.sampled_from(["cutover.yaml", "nope", "."])}),
        st.fixed_dictionaries({"env_present": st.lists(st.sampled_from(["HOME", "NOPE_X"]))}),
        st.fixed_dictionaries(
            {"command": st.sampled_from([["true"], ["false"], ["sh", "-c", "exit 3"]])},
            optional={"exit_codes": st.one_of(st.integers(), st.lists(st.integers()))},
        ),
        st.fixed_dictionaries({"tcp": LOOPBACK}),
        st.fixed_dictionaries(
            {
                "http": st.sampled_from(
                    ["http://127.0.0.1:1/", "http://[::1", "http://x:99999/", "ftp://x/", ""]
                )
            },
            optional={"max_latency": NUMBER, "status": st.integers()},
        ),
        st.fixed_dictionaries({"tls": LOOPBACK}, optional={"min_days": NUMBER}),
    ).map(lambda kind: {**common, **kind})
)
WAIVER = st.fixed_dictionaries(
    {
        "check": st.sampled_from(["a", "b", "tool-sh"]),
        "justification": st.text(max_size=5),
        "approver": st.text(max_size=5),
        "expires": INSTANT,
    }
)
PLAN_SHAPED = st.fixed_dictionaries(
    {
        "cutover": st.one_of(st.just("Fuzzed"), SCALARS),
        "gates": st.lists(
            st.fixed_dictionaries({"id": st.sampled_from(["G1", "G2", "G3"]), "phase": PHASE}),
            max_size=3,
        ),
        "checks": st.lists(CHECK, max_size=4),
    },
    optional={
        "t0": INSTANT,
        "phases": st.lists(PHASE, max_size=6),
        "waivers": st.lists(WAIVER, max_size=2),
        "signoff": st.fixed_dictionaries(
            {
                "gate": st.sampled_from(["G1", "G9"]),
                "roles": st.lists(st.sampled_from(["rm", "sre"])),
            }
        ),
        "rollback": st.fixed_dictionaries(
            {"command": st.sampled_from(["deploy/rollback.sh", ["x"], []])},
            optional={"triggers": st.lists(st.sampled_from(["a", "b"]), max_size=2)},
        ),
    },
)
SAFE_CHECKS: st.SearchStrategy[dict[str, object]] = st.sampled_from(
    [
        {"tool": "sh"},
        {"tool": "no-such-tool-x"},
        {"path": "cutover.yaml"},
        {"path": "nope"},
        {"env_present": ["HOME"]},
        {"command": ["true"]},
        {"command": ["false"]},
        {"tcp": "127.0.0.1:1", "timeout": 1},
        {"http": "http://127.0.0.1:1/", "timeout": 1},
    ]
)
NEAR_NOW = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.timezones()
).map(lambda moment: moment.isoformat())


@st.composite
def mutated_plan(draw: st.DrawFn) -> dict[str, Any]:
    """A plan that loads, with zero to two of its values replaced by wild ones."""
    checks = [
        {"id": f"c{index}", "gate": draw(st.sampled_from(["G1", "G2"])), **check}
        for index, check in enumerate(draw(st.lists(SAFE_CHECKS, min_size=1, max_size=4)))
    ]
    plan: dict[str, Any] = {
        "cutover": "Fuzzed",
        "gates": [{"id": "G1", "phase": "T-60"}, {"id": "G2", "phase": "T0"}],
        "checks": checks,
    }
    if draw(st.booleans()):
        plan["t0"] = draw(NEAR_NOW)
    if draw(st.booleans()):
        plan["waivers"] = [
            {"check": "c0", "justification": "j", "approver": "a", "expires": draw(NEAR_NOW)}
        ]
    if draw(st.booleans()):
        plan["signoff"] = {"gate": "G2", "roles": ["rm"]}
    mutations: dict[str, Callable[[], None]] = {
        "t0": lambda: plan.__setitem__("t0", draw(INSTANT)),
        "phases": lambda: plan.__setitem__("phases", draw(st.lists(PHASE, max_size=6))),
        "gate phase": lambda: plan["gates"][1].__setitem__("phase", draw(PHASE)),
        "timeout": lambda: checks[0].__setitem__("timeout", draw(NUMBER)),
        "retry": lambda: checks[0].__setitem__(
            "retry", {"attempts": draw(NUMBER), "interval": draw(NUMBER)}
        ),
        "waiver": lambda: plan.__setitem__("waivers", draw(st.lists(WAIVER, max_size=2))),
        "check": lambda: checks.append(draw(CHECK)),
    }
    for name in draw(st.lists(st.sampled_from(sorted(mutations)), max_size=2)):
        mutations[name]()
    return plan


HOSTILE_TEXT = st.sampled_from(
    [
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"a{i}: &a{i} [{', '.join([f'*a{i - 1}' if i > 1 else '*a'] * 10)}]\n"
            for i in range(1, 9)
        ),
        "[" * 2000 + "]" * 2000,
        "a: &a [*a]\n",
        "t: !!int abc\n",
        "t: !!timestamp nope\n",
        "? [a]\n: b\n",
        "\x00",
        "%YAML 9.9\n--- x\n",
        "a: 1\n---\nb: 2\n",
    ]
)
PLAN_TEXT = st.one_of(
    mutated_plan().map(lambda plan: yaml.safe_dump(plan, allow_unicode=True)),
    mutated_plan().map(lambda plan: yaml.safe_dump(plan, allow_unicode=True)),
    PLAN_SHAPED.map(lambda plan: yaml.safe_dump(plan, allow_unicode=True)),
    ANY_YAML.map(lambda data: yaml.safe_dump(data, allow_unicode=True)),
    HOSTILE_TEXT,
)
OPTION_TEXT = st.one_of(st.text(max_size=12), INSTANT, PHASE)


#: Patterns that are no regular expression: one usage error, from any source.
BAD_REGEX = st.sampled_from(["(", "[", "a{2,1}", "(?P<secret"])
FLAGS = st.tuples(
    st.sampled_from(
        [
            "--cutover-strict",
            "--cutover-enforce-window",
            "--cutover-allow-mutation",
            "--cutover-show-plan",
        ]
    )
)
VALID_OPTION = st.one_of(
    FLAGS,
    st.tuples(st.just("--cutover-t0"), NEAR_NOW),
    st.tuples(st.just("--cutover-phase"), st.sampled_from(["T-60", "T0", "T-60,T0"])),
    st.tuples(st.just("--cutover-fail-fast"), st.sampled_from(["gate", "check", "off"])),
    st.tuples(st.just("--cutover-evidence"), st.just("evidence")),
    st.tuples(st.just("--cutover-signoff"), st.just("rm=A")),
    st.tuples(st.just("--cutover-waivers"), st.just("waivers.yaml")),
    st.tuples(st.just("--cutover-workers"), st.sampled_from(["1", "3"])),
)
WILD_OPTIONS = st.lists(
    st.one_of(
        st.tuples(
            st.sampled_from(
                [
                    "--cutover-t0",
                    "--cutover-fail-fast",
                    "--cutover-workers",
                    "--cutover-phase",
                    "--cutover-signoff",
                    "--cutover-waivers",
                ]
            ),
            OPTION_TEXT,
        ),
        st.tuples(
            st.just("--cutover-redact"),
            st.one_of(OPTION_TEXT, st.sampled_from(["(", "[", "a{2,1}"])),
        ),
        st.tuples(st.sampled_from(["--cutover-signoff"]), st.sampled_from(["rm=A", "rm=B", "x"])),
        st.tuples(st.sampled_from(["--cutover-waivers"]), st.just("waivers.yaml")),
        st.tuples(st.sampled_from(["--cutover-workers"]), st.sampled_from(["1", "2", "²", "0"])),
        VALID_OPTION,
    ),
    max_size=3,
)
OPTIONS = st.one_of(st.lists(VALID_OPTION, max_size=3), WILD_OPTIONS)


def arguments(options: list[tuple[str, ...]]) -> list[str]:
    """Each option as one argument: ``--name=value`` keeps a value like ``-x`` a value."""
    return ["=".join(option) for option in options]


@settings(
    max_examples=50,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a bounded run, the raw example
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    plan=PLAN_TEXT,
    waivers=st.one_of(
        st.lists(WAIVER.map(lambda w: {**w, "check": "c0"}), max_size=2).map(yaml.safe_dump),
        st.lists(WAIVER, max_size=2).map(yaml.safe_dump),
        PLAN_TEXT,
    ),
    options=OPTIONS,
)
def test_random_plans_and_options_exit_cleanly(
    cutover_project: CutoverProject, plan: str, waivers: str, options: list[tuple[str, ...]]
) -> None:
    shutil.rmtree(cutover_project.path / "evidence", ignore_errors=True)
    cutover_project.write("cutover.yaml", plan)
    cutover_project.write("waivers.yaml", waivers)
    result = cutover_project.run(*arguments(options))
    output = result.stdout.str() + result.stderr.str()
    if result.ret == pytest.ExitCode.NO_TESTS_COLLECTED:
        # a plan whose gates have no checks at all, run without a --cutover-* option: the
        # plugin makes no decision and keeps pytest's exit code (engine.py, by design)
        assert messages.NO_CUTOVER_SELECTED in output, output
        assert "collected 0 items" in output, output
    else:
        assert result.ret in (0, 1, 4), output
    assert "Traceback" not in output, output
    assert "INTERNALERROR" not in output, output
