"""Turn JSON Schema errors on a plan into sentences an operator can act on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import ValidationError

from pytest_cutover import messages
from pytest_cutover.plan.schema import COMMON_KEYS, check_kinds, check_properties
from pytest_cutover.plan.yaml_source import Where, YamlDocument

_TYPE_WORDS = {
    "string": "a string",
    "array": "a list",
    "object": "a mapping",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
}
_PATTERN_RULES = {
    "^[A-Za-z0-9][A-Za-z0-9._+-]*$": (
        "use letters, digits, '.', '_', '+' and '-', starting with a letter or digit"
    ),
    "^[0-9a-f]{64}$": "write 64 lowercase hex digits",
    "^[0-9a-fA-F]{7,40}$": "write 7 to 40 hex digits",
    "^https?://": "start it with http:// or https://",
    "^[A-Za-z_][A-Za-z0-9_]*$": "use letters, digits and '_', not starting with a digit",
}


def explain(
    error: ValidationError, document: YamlDocument, whole: str = "the plan"
) -> Iterator[tuple[int, str]]:
    """One (line, sentence) per problem a schema error stands for; ``whole`` names the
    document itself (``"the waivers file"``)."""
    where: Where = tuple(error.absolute_path)
    place = place_of(where, document.data, whole)
    instance: Any = error.instance
    if error.validator == "additionalProperties":
        allowed = list(_schema(error).get("properties", {}))
        if _is_check(where):
            allowed = [*COMMON_KEYS, *check_kinds()]
        for key in (key for key in instance if key not in _schema(error).get("properties", {})):
            sentence = messages.UNKNOWN_KEY.format(where=place, key=key, allowed=", ".join(allowed))
            yield document.line((*where, key)), sentence
    elif error.validator == "required":
        required: Any = error.validator_value
        for key in (key for key in required if key not in instance):
            yield document.line(where), messages.MISSING_KEY.format(where=place, key=key)
    elif "propertyNames" in error.schema_path:
        yield from _kind_option(error, document, where, place)
    elif error.validator == "oneOf" and _is_check(where):
        kinds = ", ".join(check_kinds())
        yield document.line(where), messages.ONE_KIND.format(where=place, kinds=kinds)
    else:
        yield document.line(where), _sentence(error, place)


def _sentence(error: ValidationError, place: str) -> str:  # noqa: PLR0911 - one return per keyword
    keyword = str(error.validator)
    instance: Any = error.instance
    value: Any = error.validator_value
    if keyword in ("type", "oneOf"):
        return messages.WRONG_TYPE.format(
            where=place, expected=_expected(_schema(error)), got=type_name(instance)
        )
    if keyword == "pattern":
        rule = _PATTERN_RULES.get(str(value), f"it must match {value}")
        return messages.BAD_FORM.format(where=place, value=instance, rule=rule)
    if keyword == "enum":
        allowed = ", ".join(map(str, value))
        return messages.NOT_ONE_OF.format(where=place, value=instance, allowed=allowed)
    if keyword in ("minLength", "minItems"):
        return messages.EMPTY_VALUE.format(where=place)
    if keyword == "exclusiveMinimum":
        return messages.NOT_POSITIVE.format(where=place, value=instance)
    if keyword == "minimum":
        return messages.TOO_SMALL.format(where=place, limit=value, value=instance)
    if keyword == "maximum":
        return messages.TOO_LARGE.format(where=place, limit=value, value=instance)
    if keyword == "contains":
        return messages.PHASES_WITHOUT_T0.format(phases=", ".join(map(str, instance)))
    return f"{place}: {error.message}"  # pragma: no cover - the schema uses no other keyword


def _kind_option(
    error: ValidationError, document: YamlDocument, where: Where, place: str
) -> Iterator[tuple[int, str]]:
    """A key of another kind on this check (reported only when the check has one kind)."""
    check = document.data
    for part in where:
        check = check[part]
    kinds = [kind for kind in check_kinds() if kind in check]
    key = error.instance
    if len(kinds) != 1 or key not in check_properties():
        return
    kind = kinds[0]
    allowed = ", ".join(k for k in _schema(error).get("enum", []) if k != kind)
    sentence = messages.KIND_OPTION.format(where=place, key=key, kind=kind, allowed=allowed)
    yield document.line((*where, key)), sentence


def _is_check(where: Where) -> bool:
    return len(where) == 2 and where[0] == "checks" and isinstance(where[1], int)


def _schema(error: ValidationError) -> dict[str, Any]:
    schema: Any = error.schema
    return schema if isinstance(schema, dict) else {}


def _expected(schema: dict[str, Any]) -> str:
    if "oneOf" in schema:
        return " or ".join(_expected(branch) for branch in schema["oneOf"])
    kind = str(schema.get("type", "a value"))
    if kind == "array" and isinstance(schema.get("items"), dict) and "type" in schema["items"]:
        return f"a list of {_TYPE_WORDS[schema['items']['type']].removeprefix('a ')}s"
    return _TYPE_WORDS.get(kind, kind)


def place_of(where: Where, data: Any, whole: str = "the plan") -> str:
    """A path in the plan as people read it: ``checks[2] (bun-version).version``."""
    if not where:
        return whole
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in where)
    text = text.lstrip(".")
    if _is_check(where[:2]) and isinstance(data, dict):
        check = data["checks"][where[1]]
        if isinstance(check, dict) and isinstance(check.get("id"), str):
            text = text.replace(f"checks[{where[1]}]", f"checks[{where[1]}] ({check['id']})", 1)
    return text


def type_name(value: object) -> str:
    """A value as a person would name it in an error message.

    >>> type_name("x"), type_name(3), type_name(True), type_name([])
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
