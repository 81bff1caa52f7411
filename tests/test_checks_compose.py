"""compose: the real Compose v2 binary, only ever with `config`."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from cutover_checks import compose

VALID = """
    services:
      app:
        image: example/app:1.4.0
        depends_on:
          db:
            condition: service_healthy
      db:
        image: postgres:16
        healthcheck:
          test: ["CMD", "pg_isready"]
      debug:
        image: busybox
        profiles: [debug]
"""


def write(folder: Path, text: str, name: str = "docker-compose.yml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_valid_file_passes_and_only_config_ran(tmp_path: Path) -> None:
    result = compose.compose_config(write(tmp_path, VALID))
    assert result.ok, result.message
    verbs = [command.argv[command.argv.index("-f") + 2 :] for command in result.commands[1:]]
    assert verbs == [("config", "--quiet")]
    assert result.commands[0].argv == ("docker", "compose", "version")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            "services:\n  app:\n    image: x\n    imagee: y\n",
            "services.app additional properties 'imagee' not allowed",
        ),
        (
            "services:\n  app:\n    image: x\n    depends_on: [db]\n",
            'service "app" depends on undefined service "db"',
        ),
        (
            "services:\n  app:\n    image: x\n    environment:\n      A: ${NEEDED:?set it}\n",
            "required variable NEEDED is missing a value: set it",
        ),
    ],
)
def test_compose_own_error_line_is_the_message(tmp_path: Path, text: str, error: str) -> None:
    path = write(tmp_path, text)
    result = compose.compose_config(path)
    assert not result.ok
    assert result.message.startswith(f"compose config of {path} is invalid: ")
    assert error in result.message


def test_a_missing_file_fails_cleanly(tmp_path: Path) -> None:
    result = compose.compose_config(tmp_path / "missing.yml")
    assert not result.ok
    assert "no such file or directory" in result.message


def test_required_services_follow_the_profiles(tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    assert compose.compose_config(path, services=["app", "db"]).ok
    without = compose.compose_config(path, services=["debug"])
    assert without.message == f"compose config of {path} lacks the services: debug"
    assert compose.compose_config(path, profiles=["debug"], services=["debug"]).ok


def test_an_env_file_supplies_required_variables(tmp_path: Path) -> None:
    path = write(
        tmp_path, "services:\n  app:\n    image: x\n    environment:\n      A: ${NEEDED:?x}\n"
    )
    (tmp_path / "prod.env").write_text("NEEDED=1\n")
    assert not compose.compose_config(path).ok
    assert compose.compose_config(path, env_file=tmp_path / "prod.env").ok


def test_a_standalone_docker_compose_is_used_when_the_plugin_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "no-plugins"))
    result = compose.compose_config(write(tmp_path, VALID))
    assert result.ok, result.message
    assert [c.argv[0] for c in result.commands] == ["docker", "docker-compose", "docker-compose"]


def test_no_compose_at_all_is_a_clear_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docker_only = tmp_path / "bin"
    docker_only.mkdir()
    for tool in ("docker",):
        found = next(
            Path(d) / tool
            for d in os.environ["PATH"].split(os.pathsep)
            if (Path(d) / tool).exists()
        )
        (docker_only / tool).symlink_to(found)
    monkeypatch.setenv("PATH", str(docker_only))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "no-plugins"))
    result = compose.compose_config(write(tmp_path, VALID))
    assert not result.ok
    assert result.message == compose.NOT_FOUND


def test_compose_v1_is_not_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Fake: legacy docker-compose 1.29 cannot be installed beside v2 here, so a script
    # answers `version` the way it does.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    legacy = bin_dir / "docker-compose"
    legacy.write_text("#!/bin/sh\necho 'docker-compose version 1.29.2, build unknown'\n")
    legacy.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    result = compose.compose_config(write(tmp_path, VALID))
    assert result.message == compose.NOT_FOUND
    assert [c.argv for c in result.commands] == [("docker-compose", "version")]
