"""Read YAML and remember where each value came from, so errors can name the line.

Every YAML file the plugin reads (the plan, a waivers file, a sign-off file) is read
within the same limits, so a hostile file is refused before it costs time or memory:
its size (:data:`MAX_BYTES`), how deep it nests (:data:`MAX_DEPTH`) and how many values
it holds once its aliases are expanded (:data:`MAX_VALUES`; an alias bomb is measured,
never expanded). Recursive aliases are refused too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from pytest_cutover import messages

if TYPE_CHECKING:
    import yaml
    from yaml import SafeLoader

#: A place in a document: the keys and list indexes that lead to a value.
Where = tuple[str | int, ...]

#: The largest YAML file read, in bytes.
MAX_BYTES = 1_048_576
#: How deep mappings and lists may nest (aliases expanded).
MAX_DEPTH = 64
#: How many values (scalars, lists, mappings) a file may hold, aliases expanded.
MAX_VALUES = 100_000


def read_text(path: Path, what: str) -> str:
    """The text of ``path``, read no further than :data:`MAX_BYTES`; ``what`` names the
    kind of file in the message (``"plans"``). Raises OSError, UnicodeDecodeError or
    :class:`YamlSourceError`."""
    with path.open("rb") as file:
        data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise YamlLimitError(1, messages.YAML_TOO_LARGE.format(limit=MAX_BYTES, what=what))
    return data.decode("utf-8")


def _loader(module: ModuleType, what: str) -> type[SafeLoader]:
    """The safe loader, but timestamps stay strings: ``t0`` and ``expires`` must carry
    their offset, and are parsed by the plan, not silently turned into naive datetimes.

    PyYAML is imported by :func:`load`, when a file is first read (see
    docs/contributing.md on start-up). The loader is made from the module it is given, so that its
    errors are the ones :func:`load` catches, even if PyYAML was imported again.
    """

    class Loader(module.SafeLoader):  # type: ignore[name-defined,misc]
        """Measures each node as it is composed: depth before recursing, and the size and
        depth it has with aliases expanded (from its children's, so nothing is expanded)."""

        kind = what

        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self.nesting = 0
            self.measured: dict[int, tuple[int, int]] = {}  # id(node): (values, depth)

        def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
            event = self.peek_event()
            line = event.start_mark.line + 1
            self.nesting += 1
            if self.nesting > MAX_DEPTH:
                raise YamlLimitError(
                    line, messages.YAML_TOO_DEEP.format(limit=MAX_DEPTH, what=self.kind)
                )
            try:
                node: yaml.Node = super().compose_node(parent, index)
            finally:
                self.nesting -= 1
            if isinstance(event, module.AliasEvent):
                if id(node) not in self.measured:
                    raise YamlSourceError(
                        line, messages.YAML_RECURSIVE_ALIAS.format(alias=event.anchor)
                    )
                return node
            self.measured[id(node)] = measure = self._measure(node)
            if measure[0] > MAX_VALUES:
                raise YamlLimitError(
                    line, messages.YAML_TOO_MANY_VALUES.format(limit=MAX_VALUES, what=self.kind)
                )
            if measure[1] > MAX_DEPTH:
                raise YamlLimitError(
                    line, messages.YAML_TOO_DEEP.format(limit=MAX_DEPTH, what=self.kind)
                )
            return node

        def _measure(self, node: yaml.Node) -> tuple[int, int]:
            if isinstance(node, module.ScalarNode):
                return 1, 1
            children = (
                [part for pair in node.value for part in pair]
                if isinstance(node, module.MappingNode)
                else list(node.value)
            )
            measures = [self.measured[id(child)] for child in children]
            return (
                1 + sum(values for values, _ in measures),
                1 + max((depth for _, depth in measures), default=0),
            )

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in module.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


class YamlSourceError(Exception):
    """The text is not YAML we can read; ``line`` is 1-based."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


class YamlLimitError(YamlSourceError):
    """The text exceeds one of the limits every YAML file is read within."""


@dataclass(frozen=True)
class YamlDocument:
    """The data of a YAML document and the 1-based line of every value in it."""

    data: Any
    lines: dict[Where, int]

    def line(self, where: Where) -> int:
        """The line of ``where``, or of the nearest enclosing value that has one."""
        while where not in self.lines and where:
            where = where[:-1]
        return self.lines.get(where, 1)


def load(text: str, what: str = "YAML files") -> YamlDocument:
    """Parse one YAML document with the safe loader, keeping line numbers; ``what`` names
    the kind of file when a limit is exceeded (``"plans"``).

    >>> doc = load("a:\\n  - x\\n  - y\\n")
    >>> doc.data, doc.line(("a", 1))
    ({'a': ['x', 'y']}, 3)
    """
    import yaml  # noqa: PLC0415 - see _loader

    try:
        loader = _loader(yaml, what)(
            text
        )  # reads the text: unprintable characters are refused here
    except yaml.YAMLError as exc:
        raise YamlSourceError(1, str(exc).splitlines()[0]) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(None, {})
        lines: dict[Where, int] = {}
        _record_lines(node, (), lines)
        return YamlDocument(loader.construct_document(node), lines)
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:
        # an explicit tag on a value that is not of it, like !!int x or !!timestamp x
        raise YamlSourceError(1, messages.YAML_BAD_TAGGED_VALUE.format(error=exc)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise YamlSourceError(line, exc.problem or str(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlSourceError(1, str(exc)) from None
    finally:
        loader.dispose()


def _record_lines(node: yaml.Node, where: Where, lines: dict[Where, int]) -> None:
    import yaml  # noqa: PLC0415 - see _loader

    lines[where] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[object, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node)
            key_line = key_node.start_mark.line + 1
            if key in seen:
                raise YamlSourceError(
                    key_line, f"duplicate key '{key}' (first at line {seen[key]})"
                )
            seen[key] = key_line
            _record_lines(value_node, (*where, key), lines)
            lines[(*where, key)] = key_line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*where, index), lines)
