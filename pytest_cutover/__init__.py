"""pytest-cutover: production cutover gates and preflight checks as pytest tests.

The public API is what this package exports (:data:`__all__`), for plugin authors
who implement the ``pytest_cutover_decision`` hook and for Python tests that use the
``cutover`` fixture with :mod:`cutover_checks`:

- :class:`Decision`, the go/no-go decision of a run, with its :class:`Verdict`, one
  :class:`GateResult` (its :class:`GateStatus`) per gate and one
  :class:`CheckOutcome` (its :class:`Outcome`) per check;
- :class:`CutoverChecks`, the type of the ``cutover`` fixture;
- ``__version__``.

Everything else, every module below ``pytest_cutover`` included, is internal: it
may change in any release. The names are imported when first asked for, so that
importing this package, which pytest does on every run, costs nothing more.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_cutover.model.decision import (
        CheckOutcome,
        Decision,
        GateResult,
        GateStatus,
        Outcome,
        Verdict,
    )
    from pytest_cutover.run.fixtures import CutoverChecks

    __version__: str

__all__ = [
    "CheckOutcome",
    "CutoverChecks",
    "Decision",
    "GateResult",
    "GateStatus",
    "Outcome",
    "Verdict",
    "__version__",
]

#: Where each public name lives.
_PUBLIC = {
    "CheckOutcome": "pytest_cutover.model.decision",
    "CutoverChecks": "pytest_cutover.run.fixtures",
    "Decision": "pytest_cutover.model.decision",
    "GateResult": "pytest_cutover.model.decision",
    "GateStatus": "pytest_cutover.model.decision",
    "Outcome": "pytest_cutover.model.decision",
    "Verdict": "pytest_cutover.model.decision",
}


def __getattr__(name: str) -> object:
    """A public name, imported from its module when first asked for; ``__version__`` is
    read from the installed metadata."""
    if name == "__version__":
        return _version()
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib  # noqa: PLC0415 - only when a public name is asked for

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # asked once: later lookups find it without this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


@functools.cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version("pytest-cutover")
    except PackageNotFoundError:  # pragma: no cover - only when run from an uninstalled tree
        return "0+unknown"
