"""The JSON Schema of ``cutover.yaml`` shipped with the package, and what it says about checks."""

from __future__ import annotations

from typing import Any

from pytest_cutover.schema import load_schema

#: Keys every declared check may have, whatever its kind.
COMMON_KEYS = ("id", "gate", "title", "retry", "severity", "mutating")


def plan_schema() -> dict[str, Any]:
    """The schema, as shipped in ``pytest_cutover/schema/plan.schema.json``."""
    return load_schema("plan")


def check_kinds() -> list[str]:
    """The check kinds, in the schema's order.

    >>> check_kinds()[:3]
    ['tool', 'path', 'bash_syntax']
    """
    return [branch["required"][0] for branch in plan_schema()["$defs"]["check"]["oneOf"]]


def check_properties() -> dict[str, Any]:
    """Every key a check may have, with its schema."""
    properties: dict[str, Any] = plan_schema()["$defs"]["check"]["properties"]
    return properties


def kind_keys(kind: str) -> list[str]:
    """The keys a check of ``kind`` may have: the common ones, the kind, its parameters.

    >>> kind_keys("bash_syntax")
    ['id', 'gate', 'title', 'retry', 'severity', 'mutating', 'bash_syntax', 'timeout']
    """
    for branch in plan_schema()["$defs"]["check"]["allOf"]:
        if branch["if"]["required"] == [kind]:
            keys: list[str] = branch["then"]["propertyNames"]["enum"]
            return keys
    raise KeyError(kind)


def name_pattern() -> str:
    """The pattern ids, gates and phases must match."""
    pattern: str = plan_schema()["$defs"]["name"]["pattern"]
    return pattern
