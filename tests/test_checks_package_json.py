"""package_json: valid JSON, the release scripts, placeholders as warnings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cutover_checks.package_json import is_placeholder, package_scripts


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "package.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


def test_real_scripts_pass_without_warnings(tmp_path: Path) -> None:
    path = write(tmp_path, {"scripts": {"build": "bun build src/index.ts", "test": "bun test"}})
    result = package_scripts(path)
    assert result.ok
    assert result.warnings == ()
    assert result.details["scripts"] == {"build": "bun build src/index.ts", "test": "bun test"}


def test_missing_scripts_are_named(tmp_path: Path) -> None:
    path = write(tmp_path, {"scripts": {"build": "tsc", "lint": "eslint ."}})
    result = package_scripts(path, scripts=["build", "test", "start"])
    assert result.message == f"{path} lacks the scripts: test, start"


def test_placeholder_scripts_pass_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, {"scripts": {"build": "echo 'frontend build: TODO'", "test": "exit 0"}})
    result = package_scripts(path)
    assert result.ok
    assert result.warnings == (
        "script 'build' is a placeholder: \"echo 'frontend build: TODO'\"",
        "script 'test' is a placeholder: 'exit 0'",
    )


@pytest.mark.parametrize(
    ("script", "placeholder"),
    [
        ("echo done", True),
        ("true", True),
        (":", True),
        ('echo "Error: no test specified" && exit 1', True),
        ("bun test", False),
        ("echo building && bun build src/index.ts", False),
    ],
)
def test_placeholders_are_scripts_that_only_echo_or_exit(script: str, placeholder: bool) -> None:
    assert is_placeholder(script) is placeholder


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "scripts": {\n    "build": "x",\n  }\n}\n')
    result = package_scripts(path)
    assert not result.ok
    assert result.message.startswith(f"{path} is not valid JSON: ")
    assert result.message.endswith("at line 4")


def test_no_scripts_object_or_no_file_fails(tmp_path: Path) -> None:
    assert package_scripts(write(tmp_path, {"name": "x"})).message.endswith(
        'has no "scripts" object'
    )
    assert package_scripts(tmp_path / "nope.json").message == f"{tmp_path}/nope.json does not exist"
