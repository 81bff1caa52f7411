"""tools: on PATH, and versions read from the real tools and compared with packaging."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cutover_checks import tools
from cutover_checks.errors import InvalidArgument


@pytest.mark.parametrize(
    ("output", "version"),
    [
        ("Docker version 28.2.2, build e6534b4", "28.2.2"),
        ("1.4.5", "1.4.5"),
        ("Python 3.11.7", "3.11.7"),
        ("GNU bash, version 5.2.15(1)-release (x86_64-pc-linux-gnu)", "5.2.15"),
        ("Docker Compose version v2.40.3", "2.40.3"),
        ("git version 2.39.5", "2.39.5"),
        ("OpenSSL 3.0.19 27 Jan 2026 (Library: OpenSSL 3.0.19 27 Jan 2026)", "3.0.19"),
        ("tool 2.0.0-rc1", "2.0.0rc1"),
    ],
)
def test_versions_are_read_from_real_tool_outputs(output: str, version: str) -> None:
    assert str(tools.read_version(output)) == version


def test_versions_compare_as_versions_not_strings() -> None:
    result = tools.tool("bash", version=">=4.10")
    assert result.ok, result.message  # "5.2" > "4.10" as versions; as strings it is not


@pytest.mark.parametrize(
    ("tool", "spec"),
    [
        ("bash", ">=4"),
        ("python3", ">=3.10"),
        ("git", ">=2"),
        ("bun", ">=1.1"),
    ],
)
def test_real_tools_satisfy_their_specifiers(tool: str, spec: str) -> None:
    result = tools.tool(tool, version=spec)
    assert result.ok, result.message
    assert result.commands[0].argv == (tool, "--version")


def test_docker_and_compose_versions_are_read_from_the_real_cli() -> None:
    docker = tools.tool("docker", version=">=20")
    assert docker.ok, docker.message
    compose = tools.tool("docker", version=">=2.20", version_argv=["docker", "compose", "version"])
    assert compose.ok, compose.message
    assert compose.details["version"].startswith("2.")


def test_openssl_reads_its_version_with_a_given_argv_and_pattern() -> None:
    result = tools.tool(
        "openssl",
        version=">=3",
        version_argv=["openssl", "version"],
        version_pattern=r"^OpenSSL (\S+)",
    )
    assert result.ok, result.message


def test_a_too_old_tool_fails_with_both_versions(fake_tool: Path) -> None:
    # Fake: bun 0.5 cannot be installed next to the real bun here, so a script prints it.
    fake_tool.write_text("#!/bin/sh\necho 0.5.9\n")
    result = tools.tool(fake_tool.name, version=">=1.1")
    assert not result.ok
    assert result.message == f"{fake_tool.name} 0.5.9 does not satisfy >=1.1"


def test_an_unreadable_version_fails_and_shows_the_raw_output(fake_tool: Path) -> None:
    # Fake: a tool whose --version prints no version at all.
    fake_tool.write_text("#!/bin/sh\necho 'development build'\n")
    result = tools.tool(fake_tool.name, version=">=1")
    assert not result.ok
    assert result.message == (
        f"cannot read a version from {fake_tool.name} --version: 'development build'"
    )


def test_a_missing_tool_fails_without_running_anything() -> None:
    result = tools.tool("no-such-tool-for-cutover", version=">=1")
    assert result.message == "no-such-tool-for-cutover not found on PATH"
    assert result.commands == ()


def test_a_bad_specifier_or_pattern_is_refused_before_anything_runs() -> None:
    with pytest.raises(InvalidArgument) as excinfo:
        tools.tool("bash", version="newest")
    assert excinfo.value.parameter == "version"
    with pytest.raises(InvalidArgument, match="version_pattern"):
        tools.tool("bash", version=">=1", version_pattern="(")


@pytest.fixture
def fake_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An executable on PATH whose content the test writes."""
    script = tmp_path / "faketool"
    script.touch(mode=0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    return script
