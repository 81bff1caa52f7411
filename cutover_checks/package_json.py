"""Checks on a package.json: valid JSON, the scripts a release runs, and placeholders."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from cutover_checks.result import CheckResult, failed

#: A command that only prints or exits: a script made of these does no real work.
_PLACEHOLDER_PART = re.compile(r"^(?:|echo(?:\s.*)?|exit(?:\s+\d+)?|true|:)$", re.S)
_SEPARATORS = re.compile(r"&&|\|\||;")


def is_placeholder(script: str) -> bool:
    """Whether a script only echoes, exits or does nothing.

    >>> is_placeholder('echo "frontend build: TODO" && exit 0')
    True
    >>> is_placeholder("tsc -p . && vite build")
    False
    """
    return all(_PLACEHOLDER_PART.match(part.strip()) for part in _SEPARATORS.split(script))


def package_scripts(path: str | Path, *, scripts: Sequence[str] = ("build", "test")) -> CheckResult:
    """``path`` is a valid package.json whose ``scripts`` has every name in ``scripts``.

    A script that only echoes or exits passes with a warning: it is there, but
    running it proves nothing.
    """
    target = Path(path)
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return failed(f"{target} does not exist")
    except (OSError, UnicodeDecodeError) as exc:
        return failed(f"{target} cannot be read: {exc}")
    except json.JSONDecodeError as exc:
        return failed(f"{target} is not valid JSON: {exc.msg} at line {exc.lineno}")
    defined = data.get("scripts") if isinstance(data, dict) else None
    if not isinstance(defined, dict):
        return failed(f'{target} has no "scripts" object')
    missing = [name for name in scripts if not str(defined.get(name) or "").strip()]
    if missing:
        return failed(f"{target} lacks the scripts: {', '.join(missing)}", missing=missing)
    warnings = tuple(
        f"script {name!r} is a placeholder: {defined[name]!r}"
        for name in scripts
        if is_placeholder(str(defined[name]))
    )
    found = {name: defined[name] for name in scripts}
    message = f"{target} has the scripts: {', '.join(scripts)}"
    return CheckResult(True, message, {"scripts": found}, (), warnings)
