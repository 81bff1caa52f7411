"""Read YAML and remember where each value came from, so errors can name the line."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml
    from yaml import SafeLoader

#: A place in a document: the keys and list indexes that lead to a value.
Where = tuple[str | int, ...]


def _loader(yaml: ModuleType) -> type[SafeLoader]:
    """The safe loader, but timestamps stay strings: ``t0`` and ``expires`` must carry
    their offset, and are parsed by the plan, not silently turned into naive datetimes.

    PyYAML is imported by :func:`load`, when a file is first read: importing it is a
    good part of the plugin's start-up, and runs without a plan, waivers or sign-off
    file never need it. The loader is made from the module it is given, so that its
    errors are the ones :func:`load` catches, even if PyYAML was imported again.
    """

    class Loader(yaml.SafeLoader):  # type: ignore[name-defined,misc]
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


class YamlSourceError(Exception):
    """The text is not YAML we can read; ``line`` is 1-based."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


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


def load(text: str) -> YamlDocument:
    """Parse one YAML document with the safe loader, keeping line numbers.

    >>> doc = load("a:\\n  - x\\n  - y\\n")
    >>> doc.data, doc.line(("a", 1))
    ({'a': ['x', 'y']}, 3)
    """
    import yaml  # noqa: PLC0415 - see _loader

    loader = _loader(yaml)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(None, {})
        lines: dict[Where, int] = {}
        _record_lines(node, (), lines)
        return YamlDocument(loader.construct_document(node), lines)
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
