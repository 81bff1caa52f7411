"""The evidence document's TypedDicts and evidence.schema.json say the same thing: every
object of the schema is a TypedDict with its properties as keys, required where the
schema requires them, ``| None`` where the schema allows ``null``."""

from __future__ import annotations

import types
import typing
from typing import Any, Union

import pytest

from pytest_cutover.evidence import records
from pytest_cutover.evidence.records import EvidenceDocument
from pytest_cutover.schema import load_schema

NONE = type(None)


def resolve(node: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """``node`` with its ``$ref`` followed."""
    while "$ref" in node:
        name = node["$ref"].removeprefix("#/$defs/")
        node = schema["$defs"][name]
    return node


def object_of(node: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any] | None:
    """The object schema ``node`` is, or holds the items of, if any."""
    node = resolve(node, schema)
    kinds = node.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "array" in kinds:
        return object_of(node.get("items", {}), schema)
    return node if "properties" in node else None


def typed_dict_of(hint: Any) -> Any:
    """The TypedDict ``hint`` is, or holds (in a list, or with None), if any."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is list:
        return typed_dict_of(args[0])
    if origin in (Union, types.UnionType):
        inner = [arg for arg in args if arg is not NONE]
        return typed_dict_of(inner[0]) if len(inner) == 1 else None
    return hint if typing.is_typeddict(hint) else None


def nullable(node: dict[str, Any]) -> bool:
    kinds = node.get("type")
    return kinds == "null" or (isinstance(kinds, list) and "null" in kinds)


def differences(cls: Any, node: dict[str, Any], schema: dict[str, Any], where: str) -> list[str]:
    """Where the TypedDict ``cls`` and the object schema ``node`` disagree, recursively."""
    hints = typing.get_type_hints(cls)
    properties = node["properties"]
    required = set(node.get("required", []))
    found = []
    for key in sorted(set(properties) - set(hints)):
        found.append(f"{where}.{key}: in the schema, not in {cls.__name__}")
    for key in sorted(set(hints) - set(properties)):
        found.append(f"{where}.{key}: in {cls.__name__}, not in the schema")
    for key in sorted(set(hints) & set(properties)):
        if (key in required) != (key in cls.__required_keys__):
            want = "required" if key in required else "optional"
            found.append(f"{where}.{key}: {want} in the schema, not in {cls.__name__}")
        prop = resolve(properties[key], schema)
        allows_none = NONE in typing.get_args(hints[key])
        if nullable(prop) != allows_none:
            found.append(
                f"{where}.{key}: null allowed by the schema {nullable(prop)}, "
                f"by {cls.__name__} {allows_none}"
            )
        inner_schema, inner_cls = object_of(prop, schema), typed_dict_of(hints[key])
        if (inner_schema is None) != (inner_cls is None):
            found.append(f"{where}.{key}: an object in one, not in the other")
        elif inner_schema is not None:
            found.extend(differences(inner_cls, inner_schema, schema, f"{where}.{key}"))
    return found


def test_the_typed_evidence_document_matches_its_json_schema() -> None:
    schema = load_schema("evidence")
    assert differences(EvidenceDocument, schema, schema, "evidence") == []


def test_the_comparison_finds_a_key_the_types_lack_and_one_they_add() -> None:
    schema = load_schema("evidence")
    changed = {**schema, "properties": {**schema["properties"], "extra": {"type": "string"}}}
    del changed["properties"]["t0"]
    assert differences(EvidenceDocument, changed, changed, "evidence") == [
        "evidence.extra: in the schema, not in EvidenceDocument",
        "evidence.t0: in EvidenceDocument, not in the schema",
    ]


def test_an_optional_key_is_optional_in_both() -> None:
    assert records.CheckRecord.__optional_keys__ == {"attempts", "title"}
    assert records.CommandRecord.__optional_keys__ == {"attempt"}
    assert records.DecisionRecord.__optional_keys__ == {"problems"}
    assert EvidenceDocument.__optional_keys__ == {"t0_offset"}
    assert records.GateRecord.__optional_keys__ == {"started", "finished", "duration"}


@pytest.mark.parametrize("name", records.__all__)
def test_every_record_is_a_typed_dict_with_a_docstring(name: str) -> None:
    cls = getattr(records, name)
    assert typing.is_typeddict(cls)
    assert cls.__doc__
