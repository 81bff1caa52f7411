"""Errors raised when a check is called wrongly.

What a check *observes* is never raised: a missing tool, a failing command or
an expired certificate is a :class:`~cutover_checks.result.CheckResult` with
``ok=False``. Exceptions are only for calls that cannot be carried out as
written::

    CheckError              a check was called wrongly
     └── InvalidArgument    a parameter is malformed: a regex, a version
                            specifier, a size, an address, a URL
"""

from __future__ import annotations


class CheckError(Exception):
    """A check was called wrongly."""


class InvalidArgument(CheckError, ValueError):
    """A parameter of a check is malformed; the message names it and what is allowed.

    >>> str(InvalidArgument("version", "'>>1' is not a version specifier"))
    "version: '>>1' is not a version specifier"
    """

    def __init__(self, parameter: str, problem: str) -> None:
        super().__init__(f"{parameter}: {problem}")
        self.parameter = parameter
        self.problem = problem
