"""Load ``cutover.yaml``, validate it against the shipped JSON Schema, build a :class:`Plan`.

Every problem becomes one sentence that names the file, the line, the bad key or
value and what is allowed; :class:`PlanError` carries them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from pytest_cutover import messages
from pytest_cutover.model import DEFAULT_PHASES, Gate, Plan, PlanCheck, Timeline
from pytest_cutover.yaml_source import Where, YamlDocument, YamlSourceError, load

CHECK_KINDS = ("tool", "path", "command")
_TYPE_WORDS = {
    "string": "a string",
    "array": "a list",
    "object": "a mapping",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class PlanError(Exception):
    """The plan cannot be used; ``str(error)`` is one sentence per problem."""


@cache
def plan_schema() -> dict[str, Any]:
    """The JSON Schema of ``cutover.yaml`` shipped with the package."""
    text = files("pytest_cutover").joinpath("schema/plan.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def load_plan(path: Path, shown_as: str | None = None) -> Plan:
    """Read and validate the plan at ``path``; errors name it as ``shown_as``."""
    file = shown_as or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise PlanError(messages.PLAN_UNREADABLE.format(file=file, reason=reason)) from None
    try:
        document = load(text)
    except YamlSourceError as exc:
        problem = messages.PLAN_INVALID_YAML.format(problem=exc.problem)
        line = exc.line
        raise PlanError(messages.PLAN_ERROR.format(file=file, line=line, problem=problem)) from None
    problems = sorted(_schema_problems(document)) or sorted(_semantic_problems(document))
    if problems:
        raise PlanError(
            "\n".join(
                messages.PLAN_ERROR.format(file=file, line=line, problem=problem)
                for line, problem in problems
            )
        )
    return _build(document.data, document, path)


def _schema_problems(document: YamlDocument) -> Iterator[tuple[int, str]]:
    if not isinstance(document.data, dict):
        got = _type_name(document.data)
        yield 1, messages.PLAN_NOT_A_MAPPING.format(got=got)
        return
    validator = Draft202012Validator(plan_schema())
    for error in validator.iter_errors(document.data):
        yield from _explain(error, document)


def _explain(error: ValidationError, document: YamlDocument) -> Iterator[tuple[int, str]]:
    """One sentence per problem a schema error stands for, with its line."""
    where: Where = tuple(error.absolute_path)
    place = _place(where, document.data)
    instance: Any = error.instance
    value: Any = error.validator_value
    if error.validator == "additionalProperties":
        schema: Any = error.schema
        allowed = list(schema.get("properties", {}))
        for key in instance:
            if key not in allowed:
                yield (
                    document.line((*where, key)),
                    messages.UNKNOWN_KEY.format(where=place, key=key, allowed=", ".join(allowed)),
                )
    elif error.validator == "dependentRequired":
        for key in (key for key in value if key in instance):
            yield document.line((*where, key)), messages.KIND_OPTION.format(where=place, key=key)
    elif error.validator == "required":
        for key in (key for key in value if key not in instance):
            yield document.line(where), messages.MISSING_KEY.format(where=place, key=key)
    else:
        yield document.line(where), _sentence(str(error.validator), place, instance, value)


def _sentence(keyword: str, place: str, instance: Any, value: Any) -> str:  # noqa: PLR0911 - one return per schema keyword reads clearest
    """The sentence for a schema keyword that fails on a single value."""
    if keyword == "type":
        expected = _TYPE_WORDS.get(str(value), str(value))
        return messages.WRONG_TYPE.format(where=place, expected=expected, got=_type_name(instance))
    if keyword == "pattern":
        return messages.BAD_NAME.format(where=place, value=instance)
    if keyword in ("minLength", "minItems"):
        return messages.EMPTY_VALUE.format(where=place)
    if keyword == "exclusiveMinimum":
        return messages.NOT_POSITIVE.format(where=place, value=instance)
    if keyword == "contains":
        return messages.PHASES_WITHOUT_T0.format(phases=", ".join(map(str, instance)))
    if keyword == "oneOf":
        return messages.ONE_KIND.format(where=place, kinds=", ".join(CHECK_KINDS))
    return f"{place}: {keyword} failed"  # pragma: no cover - the schema uses no other keyword


def _semantic_problems(document: YamlDocument) -> Iterator[tuple[int, str]]:
    data = document.data
    phases = data.get("phases", list(DEFAULT_PHASES))
    for index, phase in enumerate(phases):
        if phase in phases[:index]:
            yield (
                document.line(("phases", index)),
                messages.DUPLICATE_PHASE.format(index=index, phase=phase),
            )
    gate_lines: dict[str, int] = {}
    for index, gate in enumerate(data["gates"]):
        where: Where = ("gates", index)
        line = document.line(where)
        if gate["id"] in gate_lines:
            yield (
                line,
                messages.DUPLICATE_GATE.format(
                    where=_place(where, data), id=gate["id"], first=gate_lines[gate["id"]]
                ),
            )
        gate_lines.setdefault(gate["id"], line)
        if gate["phase"] not in phases:
            yield (
                document.line((*where, "phase")),
                messages.UNKNOWN_PHASE.format(
                    where=_place(where, data), phase=gate["phase"], phases=", ".join(phases)
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
                    where=_place(where, data), id=check_id, first=check_lines[check_id]
                ),
            )
        check_lines.setdefault(check_id, line)
        if check["gate"] not in gate_lines:
            yield (
                document.line((*where, "gate")),
                messages.UNKNOWN_GATE.format(
                    where=_place(where, data), gate=check["gate"], gates=", ".join(gate_lines)
                ),
            )


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
            kind=next(kind for kind in CHECK_KINDS if kind in check),
            params={k: v for k, v in check.items() if k not in ("id", "gate", "title")},
            line=document.line(("checks", index)),
            title=check.get("title", ""),
        )
        for index, check in enumerate(data.get("checks", []))
    )
    return Plan(str(data["cutover"]), path, timeline, gates, checks)


def check_id_of(check: Mapping[str, Any]) -> str:
    """The check's id as given, or one derived from its kind and target.

    >>> check_id_of({"gate": "G1", "path": "docs/ops/runbook.md"})
    'path-docs-ops-runbook.md'
    """
    if "id" in check:
        return str(check["id"])
    kind = next(kind for kind in CHECK_KINDS if kind in check)
    target = check[kind]
    text = " ".join(target) if isinstance(target, list) else str(target)
    return f"{kind}-{_UNSAFE.sub('-', text).strip('-.')}"[:80]


def _place(where: Where, data: Any) -> str:
    if not where:
        return "the plan"
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in where)
    text = text.lstrip(".")
    if len(where) >= 2 and where[0] == "checks" and isinstance(where[1], int):
        check = data["checks"][where[1]]
        if isinstance(check, dict) and isinstance(check.get("id"), str):
            text = text.replace(f"checks[{where[1]}]", f"checks[{where[1]}] ({check['id']})", 1)
    return text


def _type_name(value: object) -> str:
    """A value as a person would name it in an error message.

    >>> _type_name("x"), _type_name(3), _type_name(True), _type_name([])
    ("the string 'x'", 'the number 3', 'true (a boolean)', 'a list')
    """
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, str):
        return f"the string '{value}'"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    kinds = {type(None): "nothing", list: "a list", dict: "a mapping"}
    return kinds.get(type(value), type(value).__name__)
