"""Compile the regular expressions checks are given, with an error that names the parameter."""

from __future__ import annotations

import re

from cutover_checks.errors import InvalidArgument


def compile_pattern(pattern: str, parameter: str) -> re.Pattern[str]:
    """Compile ``pattern`` or raise :class:`InvalidArgument` naming ``parameter``.

    ``^`` and ``$`` match at the start and end of every line, as operators expect
    when they search a file or a command's output.

    >>> bool(compile_pattern("^ready$", "stdout").search("starting\\nready\\n"))
    True
    """
    try:
        return re.compile(pattern, re.MULTILINE)
    except re.error as exc:
        problem = f"{pattern!r} is not a valid regular expression: {exc}"
        raise InvalidArgument(parameter, problem) from None
