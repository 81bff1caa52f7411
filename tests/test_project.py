"""The package as installed: one entry point, typed, tested as installed."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import subprocess
import sys
from importlib.metadata import distribution, entry_points
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


def test_the_distribution_carries_its_mit_license() -> None:
    dist = distribution("pytest-cutover")
    assert dist.metadata["License-Expression"] == "MIT"
    assert dist.metadata.get_all("License-File") == ["LICENSE"]
    shipped = [f for f in dist.files or () if f.name == "LICENSE"]
    assert len(shipped) == 1
    assert shipped[0].read_text(encoding="utf-8") == (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "Permission is hereby granted, free of charge" in shipped[0].read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("command", "argument", "says"),
    [("verify", "DIR", "evidence bundle folder"), ("plan", "PLAN", "plan file")],
)
def test_the_command_line_documents_its_arguments(command: str, argument: str, says: str) -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "pytest_cutover", command, "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    described = shown.partition("positional arguments:")[2]
    assert argument in described
    assert says in " ".join(described.split())


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
