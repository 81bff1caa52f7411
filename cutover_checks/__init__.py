"""Non-destructive checks for production cutovers, usable with or without pytest.

Every check is a plain function that returns a :class:`CheckResult`: whether it
held, a one-line message, details, and every command it ran. Nothing here
imports pytest, and nothing here changes the system it looks at.
"""

from __future__ import annotations

from cutover_checks.commands import run
from cutover_checks.files import exists
from cutover_checks.result import CheckResult, CommandRun
from cutover_checks.tools import on_path

__all__ = ["CheckResult", "CommandRun", "exists", "on_path", "run"]
