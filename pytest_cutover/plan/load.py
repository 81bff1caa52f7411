"""Load ``cutover.yaml``, validate it against the shipped JSON Schema, build a :class:`Plan`.

Every problem becomes one sentence that names the file, the line, the bad key or
value and what is allowed; :class:`PlanError` carries them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from cutover_checks.errors import InvalidArgument
from pytest_cutover import messages
from pytest_cutover.errors import PlanError
from pytest_cutover.model.clock import parse_instant, phase_offset
from pytest_cutover.model.cutover import (
    DEFAULT_PHASES,
    Gate,
    Plan,
    PlanCheck,
    Rollback,
    Signoff,
    Timeline,
    Waiver,
)
from pytest_cutover.model.vocabulary import shown_command
from pytest_cutover.plan.schema import COMMON_KEYS, check_kinds, plan_schema
from pytest_cutover.plan.schema_errors import explain, place_of, type_name
from pytest_cutover.plan.yaml_source import (
    Where,
    YamlDocument,
    YamlLimitError,
    YamlSourceError,
    load,
    read_text,
)
from pytest_cutover.safety.mutation import deny_list

__all__ = [
    "PlanError",
    "check_id_of",
    "load_plan",
    "load_waivers",
    "read_document",
    "waiver_from",
]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def load_plan(path: Path, shown_as: str | None = None) -> Plan:
    """Read and validate the plan at ``path``; errors name it as ``shown_as``."""
    file = shown_as or str(path)
    document = read_document(path, file, "plans")
    problems = sorted(_schema_problems(document)) or sorted(
        [*_semantic_problems(document), *_runbook_problems(document, path.parent)]
    )
    if problems:
        raise PlanError(
            "\n".join(
                messages.PLAN_ERROR.format(file=file, line=line, problem=problem)
                for line, problem in problems
            )
        )
    return _build(document.data, document, path)


def read_document(path: Path, file: str, what: str) -> YamlDocument:
    """The YAML document at ``path``, read within the limits of every YAML file; ``file``
    names it in errors, ``what`` names its kind (``"plans"``, ``"waivers files"``)."""
    try:
        return load(read_text(path, what), what)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        if what == "plans":
            raise PlanError(messages.PLAN_UNREADABLE.format(file=file, reason=reason)) from None
        kind = what.removesuffix("s")
        raise PlanError(
            messages.SIDE_FILE_UNREADABLE.format(file=file, kind=kind, reason=reason)
        ) from None
    except YamlSourceError as exc:
        problem = (
            exc.problem
            if isinstance(exc, YamlLimitError)
            else messages.PLAN_INVALID_YAML.format(problem=exc.problem)
        )
        raise PlanError(
            messages.PLAN_ERROR.format(file=file, line=exc.line, problem=problem)
        ) from None


def _schema_problems(document: YamlDocument) -> Iterator[tuple[int, str]]:
    if not isinstance(document.data, dict):
        got = type_name(document.data)
        yield 1, messages.PLAN_NOT_A_MAPPING.format(got=got)
        return
    from jsonschema import Draft202012Validator  # noqa: PLC0415 - only a plan needs it

    non_finite = dict(_non_finite(document.data, (), document))
    yield from non_finite.values()
    validator = Draft202012Validator(plan_schema())
    for error in validator.iter_errors(document.data):
        if tuple(error.absolute_path) not in non_finite:
            yield from explain(error, document)


def _non_finite(
    value: Any, where: Where, document: YamlDocument
) -> Iterator[tuple[Where, tuple[int, str]]]:
    """``.nan`` and ``.inf`` anywhere: no value of a plan is infinite or not a number."""
    if isinstance(value, float) and not math.isfinite(value):
        shown = ".nan" if math.isnan(value) else ".inf" if value > 0 else "-.inf"
        place = place_of(where, document.data)
        yield where, (document.line(where), messages.NOT_FINITE.format(where=place, value=shown))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _non_finite(item, (*where, str(key)), document)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _non_finite(item, (*where, index), document)


def _semantic_problems(document: YamlDocument) -> Iterator[tuple[int, str]]:
    from pytest_cutover.plan.kinds import VALIDATORS  # noqa: PLC0415 - loads the check modules

    data = document.data
    phases = data.get("phases", list(DEFAULT_PHASES))
    for index, phase in enumerate(phases):
        if phase in phases[:index]:
            yield (
                document.line(("phases", index)),
                messages.DUPLICATE_PHASE.format(index=index, phase=phase),
            )
    yield from _clock_problems(phases, document)
    gate_lines: dict[str, int] = {}
    for index, gate in enumerate(data["gates"]):
        where: Where = ("gates", index)
        line = document.line(where)
        if gate["id"] in gate_lines:
            yield (
                line,
                messages.DUPLICATE_GATE.format(
                    where=place_of(where, data), id=gate["id"], first=gate_lines[gate["id"]]
                ),
            )
        gate_lines.setdefault(gate["id"], line)
        if gate["phase"] not in phases:
            yield (
                document.line((*where, "phase")),
                messages.UNKNOWN_PHASE.format(
                    where=place_of(where, data), phase=gate["phase"], phases=", ".join(phases)
                ),
            )
    check_lines: dict[str, int] = {}
    for index, check in enumerate(data.get("checks", [])):
        where = ("checks", index)
        line = document.line(where)
        check_id = check_id_of(check)
        if check_id in check_lines:
            yield (
                line,
                messages.DUPLICATE_CHECK.format(
                    where=place_of(where, data), id=check_id, first=check_lines[check_id]
                ),
            )
        check_lines.setdefault(check_id, line)
        if check["gate"] not in gate_lines:
            yield (
                document.line((*where, "gate")),
                messages.UNKNOWN_GATE.format(
                    where=place_of(where, data),
                    gate=check["gate"],
                    gates=", ".join(gate_lines) or "none (the plan has no gates)",
                ),
            )
        for key in (key for key in check if key in VALIDATORS):
            try:
                VALIDATORS[key](check[key])
            except InvalidArgument as error:
                place = place_of((*where, key), data)
                problem = messages.BAD_PARAMETER.format(where=place, problem=error.problem)
                yield document.line((*where, key)), problem


def _clock_problems(phases: list[str], document: YamlDocument) -> Iterator[tuple[int, str]]:
    """Phases on the clock start within reach of T0, each later than the one listed before."""
    previous: tuple[str, timedelta] | None = None
    for index, phase in enumerate(phases):
        where: Where = ("phases", index)
        try:
            offset = phase_offset(phase)
        except ValueError as error:
            yield (
                document.line(where),
                messages.BAD_PARAMETER.format(where=f"phases[{index}]", problem=error),
            )
            continue
        if offset is None:
            continue
        if previous is not None and offset <= previous[1]:
            yield (
                document.line(where),
                messages.PHASES_OUT_OF_ORDER.format(
                    where=f"phases[{index}]", phase=phase, previous=previous[0]
                ),
            )
        previous = (phase, offset)


def _runbook_problems(document: YamlDocument, plan_folder: Path) -> Iterator[tuple[int, str]]:
    """T0, sign-off, waivers, rollback triggers, mutating checks, Python check folders and
    the deny list."""
    data = document.data
    gates = {gate["id"]: gate for gate in data["gates"]}
    timeline = Timeline(tuple(data.get("phases", DEFAULT_PHASES)))

    def bad(where: Where, problem: str) -> tuple[int, str]:
        place = place_of(where, data)
        return document.line(where), messages.BAD_PARAMETER.format(where=place, problem=problem)

    instants: list[tuple[Where, str]] = [(("t0",), data["t0"])] if "t0" in data else []
    instants += [
        (("waivers", i, "expires"), w["expires"]) for i, w in enumerate(data.get("waivers", []))
    ]
    for where, text in instants:
        try:
            parse_instant(text)
        except ValueError as error:
            yield bad(where, str(error))
    signoff = data.get("signoff")
    if signoff is not None and signoff["gate"] not in gates:
        yield bad(
            ("signoff", "gate"), f"unknown gate '{signoff['gate']}'; gates: {', '.join(gates)}"
        )
    if signoff is not None and len(set(signoff["roles"])) != len(signoff["roles"]):
        yield bad(("signoff", "roles"), "a role is listed twice")
    checks = {
        check_id_of(check): (index, check) for index, check in enumerate(data.get("checks", []))
    }
    for index, trigger in enumerate(data.get("rollback", {}).get("triggers", [])):
        found = checks.get(trigger)
        if found is not None and timeline.is_preflight(gates[found[1]["gate"]]["phase"]):
            yield bad(
                ("rollback", "triggers", index), messages.TRIGGER_IN_PREFLIGHT.format(check=trigger)
            )
    for check_id, (index, check) in checks.items():
        if check.get("mutating") and timeline.is_preflight(gates[check["gate"]]["phase"]):
            yield bad(
                ("checks", index, "mutating"), messages.MUTATING_IN_PREFLIGHT.format(check=check_id)
            )
    for index, folder in enumerate(data.get("python_checks", [])):
        if not (plan_folder / folder).exists():
            yield bad(("python_checks", index), messages.NO_PYTHON_CHECKS.format(path=folder))
    for index, pattern in enumerate(data.get("mutation_guard", {}).get("deny", [])):
        try:
            deny_list([pattern])
        except ValueError as error:
            yield bad(("mutation_guard", "deny", index), str(error))


def _build(data: Mapping[str, Any], document: YamlDocument, path: Path) -> Plan:
    timeline = Timeline(tuple(data.get("phases", DEFAULT_PHASES)))
    gates = tuple(
        Gate(id=gate["id"], phase=gate["phase"], title=gate.get("title", ""))
        for gate in data["gates"]
    )
    checks = tuple(
        PlanCheck(
            id=check_id_of(check),
            gate=check["gate"],
            kind=_kind_of(check),
            params={k: v for k, v in check.items() if k not in COMMON_KEYS},
            line=document.line(("checks", index)),
            title=check.get("title", ""),
            retry=check.get("retry"),
            severity=check.get("severity", "block"),
            mutating=bool(check.get("mutating", False)),
        )
        for index, check in enumerate(data.get("checks", []))
    )
    signoff = data.get("signoff")
    rollback = data.get("rollback")
    return Plan(
        name=str(data["cutover"]),
        path=path,
        timeline=timeline,
        gates=gates,
        checks=checks,
        t0=parse_instant(data["t0"]) if "t0" in data else None,
        signoff=Signoff(signoff["gate"], tuple(signoff["roles"])) if signoff else None,
        waivers=tuple(
            waiver_from(w, f"{path.name}:{document.line(('waivers', i))}")
            for i, w in enumerate(data.get("waivers", []))
        ),
        rollback=Rollback(
            shown_command(rollback["command"]),
            rollback.get("runbook", ""),
            tuple(rollback.get("triggers", [])),
        )
        if rollback
        else None,
        deny=tuple(data.get("mutation_guard", {}).get("deny", [])),
        python_checks=tuple((path.parent / p).resolve() for p in data["python_checks"])
        if "python_checks" in data
        else None,
    )


def waiver_from(data: Mapping[str, Any], source: str) -> Waiver:
    """A waiver from its validated mapping; ``source`` says where it was declared."""
    return Waiver(
        check=data["check"],
        justification=data["justification"],
        approver=data["approver"],
        expires=parse_instant(data["expires"]),
        ticket=data.get("ticket", ""),
        source=source,
    )


def check_id_of(check: Mapping[str, Any]) -> str:
    """The check's id as given, or one derived from its kind and target.

    >>> check_id_of({"gate": "G1", "path": "docs/ops/runbook.md"})
    'path-docs-ops-runbook.md'
    """
    if "id" in check:
        return str(check["id"])
    kind = _kind_of(check)
    target = check[kind]
    text = " ".join(target) if isinstance(target, list) else str(target)
    return f"{kind}-{_UNSAFE.sub('-', text).strip('-.')}"[:80]


def _kind_of(check: Mapping[str, Any]) -> str:
    return next(kind for kind in check_kinds() if kind in check)


def load_waivers(path: Path, shown_as: str) -> tuple[Waiver, ...]:
    """The waivers of a waivers file: a YAML list shaped like the plan's ``waivers``."""
    document = read_document(path, shown_as, "waivers files")
    from jsonschema import Draft202012Validator  # noqa: PLC0415 - only a waivers file needs it

    schema = {"$defs": plan_schema()["$defs"], "type": "array", "items": {"$ref": "#/$defs/waiver"}}
    problems = [
        problem
        for error in Draft202012Validator(schema).iter_errors(document.data)
        for problem in explain(error, document, "the waivers file")
    ]
    if not problems:
        for index, waiver in enumerate(document.data):
            try:
                parse_instant(waiver["expires"])
            except ValueError as error:
                problems.append((document.line((index, "expires")), f"[{index}].expires: {error}"))
    if problems:
        raise PlanError(
            "\n".join(
                messages.PLAN_ERROR.format(file=shown_as, line=line, problem=problem)
                for line, problem in sorted(problems)
            )
        )
    return tuple(
        waiver_from(data, f"{shown_as}:{document.line((index,))}")
        for index, data in enumerate(document.data)
    )
