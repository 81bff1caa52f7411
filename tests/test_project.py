"""The package as installed: one entry point, typed, tested as installed."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from importlib.metadata import entry_points
from pathlib import Path

import pytest

import cutover_checks
import pytest_cutover

REPO = Path(__file__).resolve().parents[1]


def test_the_suite_runs_against_the_installed_package() -> None:
    for package in (pytest_cutover, cutover_checks):
        location = Path(package.__file__ or "").resolve().parent
        assert location != REPO / package.__name__, location
        assert "site-packages" in location.parts, location


def test_the_plugin_is_registered_once_under_the_name_cutover() -> None:
    plugins = [ep for ep in entry_points(group="pytest11") if ep.value.startswith("pytest_cutover")]
    assert [(ep.name, ep.value) for ep in plugins] == [("cutover", "pytest_cutover.plugin")]


def test_the_packages_ship_py_typed() -> None:
    for package in (pytest_cutover, cutover_checks):
        assert (Path(package.__file__ or "").parent / "py.typed").is_file()


def test_the_plugin_loads_once_in_this_very_run(pytestconfig: pytest.Config) -> None:
    assert pytestconfig.pluginmanager.get_plugin("cutover") is not None
    assert pytestconfig.pluginmanager.get_plugin("cutover-lookout") is not None


@pytest.mark.parametrize(
    "module",
    sorted(
        info.name
        for package in (pytest_cutover, cutover_checks)
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
    ),
)
def test_docstring_examples_hold(module: str) -> None:
    failures, _ = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert failures == 0
