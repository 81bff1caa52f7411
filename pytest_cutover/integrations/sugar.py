"""pytest-sugar integration: BLOCKED, WAIVED and WARN with their own letters, not ``s``.

pytest-sugar's terminal reporter draws each test's letter from its own theme and does
not ask pytest's ``pytest_report_teststatus`` hook, where
:class:`~pytest_cutover.run.gatekeeper.StatusWords` gives these checks their letters
(``B``, ``W``, ``w``): a blocked, waived or advisory check is a skipped report, which
pytest-sugar shows as its theme's ``symbol_skipped``. So, for exactly such a report,
the theme's skipped symbol and colour are the check's letter and colour while
pytest-sugar's reporter reads that report, and are put back right after.

Registered only when pytest-sugar is loaded; it acts only when pytest-sugar draws the
terminal (a terminal, or ``--force-sugar``). pytest-sugar is the plugin object pytest
already holds, so nothing of it is imported here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Generator
from typing import Any

import pytest

from pytest_cutover.run.gatekeeper import STATUS_WORDS_NAME, StatusWords


def letter_theme(theme: Any, letter: str, markup: dict[str, bool]) -> Any:
    """pytest-sugar's theme with ``letter`` (in the colour ``markup`` turns on) for skipped."""
    colour = next((name for name, on in markup.items() if on), theme.skipped)
    return dataclasses.replace(theme, symbol_skipped=letter, skipped=colour)


class SugarLetters:
    """Registered next to pytest-sugar: its letter for a blocked, waived or advisory check."""

    def __init__(self, config: pytest.Config, sugar: Any) -> None:
        self.config = config
        self.sugar = sugar

    def status(self, report: pytest.TestReport) -> tuple[str, dict[str, bool]] | None:
        """The letter and markup the run's status words give ``report``, if any."""
        words = self.config.pluginmanager.get_plugin(STATUS_WORDS_NAME)
        if not isinstance(words, StatusWords):
            return None
        status = words.pytest_report_teststatus(report)
        if status is None:
            return None
        _, letter, (_, markup) = status
        return letter, markup

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> Generator[None, None, None]:
        sugar = self.sugar
        theme = getattr(sugar, "THEME", None)
        drawing = getattr(sugar, "IS_SUGAR_ENABLED", False)
        status = self.status(report) if drawing and dataclasses.is_dataclass(theme) else None
        if status is None:
            return (yield)
        sugar.THEME = letter_theme(theme, *status)
        try:
            return (yield)
        finally:
            sugar.THEME = theme
