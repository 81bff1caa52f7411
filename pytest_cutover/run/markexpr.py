"""Evaluate a ``-m`` expression the way pytest does: the one place that uses pytest internals.

A phase leaves a run's scope only by explicit phase selection, so the plugin
must tell what ``-m`` selected apart from what ``-k``, ``--deselect`` or a
path argument left out. pytest offers no public way to evaluate a marker
expression, so this module uses its parser (``_pytest.mark.expression``, the
same in pytest 8.3 and 9) and nothing else of pytest's insides. If the parser
ever moves, :func:`compile_expression` returns None and the callers fail
closed: every phase stays in scope, and what ``-m`` left out makes its gate
INCOMPLETE.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol


class MarkerMatch(Protocol):
    """Does a check carry marker ``name`` with (at least) these keyword values?"""

    def __call__(self, name: str, /, **kwargs: Any) -> bool: ...


class Marked(Protocol):
    """A marker as ``-m`` sees it: its name and keyword values (a :class:`pytest.Mark`)."""

    @property
    def name(self) -> str: ...

    @property
    def kwargs(self) -> Mapping[str, Any]: ...


#: A compiled expression: give it the markers of one check, get whether ``-m`` selects it.
Selector = Callable[[MarkerMatch], bool]


def compile_expression(text: str) -> Selector | None:
    """The ``-m`` expression ``text`` compiled, or None when pytest's parser is not available.

    A malformed expression is pytest's own usage error, reported by pytest
    before this is asked; here it gives None.

    >>> import pytest
    >>> selects = compile_expression("preflight and not gate(id='G2')")
    >>> selects(matcher([pytest.mark.preflight.mark, pytest.mark.gate(id="G1").mark]))
    True
    """
    try:
        from _pytest.mark.expression import Expression  # noqa: PLC0415 - see above
    except ImportError:  # pragma: no cover - only if pytest moves its parser
        return None
    try:
        expression = Expression.compile(text)
    except Exception:
        return None
    evaluate: Callable[[Any], bool] = expression.evaluate
    return evaluate


def matcher(marks: Iterable[Marked]) -> MarkerMatch:
    """The marker test pytest's ``-m`` applies to a check with ``marks``.

    >>> import pytest
    >>> match = matcher([pytest.mark.gate(id="G1").mark])
    >>> match("gate", id="G1"), match("gate", id="G2"), match("gate"), match("phase")
    (True, False, True, False)
    """
    by_name: dict[str, list[Mapping[str, Any]]] = {}
    for mark in marks:
        by_name.setdefault(mark.name, []).append(mark.kwargs)

    def match(name: str, /, **kwargs: Any) -> bool:
        return any(
            all(key in found and found[key] == value for key, value in kwargs.items())
            for found in by_name.get(name, ())
        )

    return match
