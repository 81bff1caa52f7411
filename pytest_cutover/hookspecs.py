"""Hooks pytest-cutover offers to other plugins and conftest files."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest  # loaded already: this module is imported by the plugin, in pytest

if TYPE_CHECKING:
    from pytest_cutover.model.decision import Decision


@pytest.hookspec
def pytest_cutover_decision(config: pytest.Config, decision: Decision) -> None:
    """Called once per run with the go/no-go decision, before the terminal summary.

    Use it to notify a change channel or archive the outcome; the decision
    cannot be changed here.
    """
