"""pytest-cutover: production cutover gates and preflight checks as pytest tests."""

from __future__ import annotations

import functools


def __getattr__(name: str) -> str:
    """``__version__``, read from the installed metadata when first asked for (not at every
    pytest start-up: finding the distribution takes as long as importing a module)."""
    if name == "__version__":
        return _version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version("pytest-cutover")
    except PackageNotFoundError:  # pragma: no cover - only when run from an uninstalled tree
        return "0+unknown"
