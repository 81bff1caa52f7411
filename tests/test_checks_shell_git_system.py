"""shell syntax, git state and the machine: each against the real thing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from cutover_checks import git, shell, system
from cutover_checks.errors import InvalidArgument


def test_bash_syntax_parses_without_running(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    script = tmp_path / "deploy.sh"
    script.write_text(f"#!/bin/bash\ntouch {marker}\n")
    assert shell.bash_syntax(script).ok
    assert not marker.exists()


def test_a_syntax_error_is_named_with_its_line(tmp_path: Path) -> None:
    script = tmp_path / "broken.sh"
    script.write_text("#!/bin/bash\nif then\n")
    result = shell.bash_syntax(script)
    assert not result.ok
    assert result.message.startswith(f"bash -n {script} failed: {script}: line 2: syntax error")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    def git_(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git_("init", "-q", "-b", "main")
    git_("config", "user.email", "ops@example.invalid")
    git_("config", "user.name", "Ops")
    (tmp_path / "README").write_text("release\n")
    git_("add", "README")
    git_("commit", "-q", "-m", "release")
    git_("tag", "v1.4.0")
    return tmp_path


def head(repo: Path) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()


def test_a_clean_tagged_tree_on_its_branch_passes(repo: Path) -> None:
    result = git.git_state(repo, clean=True, branch="main", tag="v1.4.0", commit=head(repo)[:10])
    assert result.ok, result.message
    assert all(command.argv[:3] == ("git", "-C", str(repo)) for command in result.commands)


def test_uncommitted_and_untracked_files_are_named(repo: Path) -> None:
    (repo / "README").write_text("edited\n")
    (repo / "notes.txt").write_text("scratch\n")
    result = git.is_clean(repo)
    assert result.message == f"{repo} has 2 uncommitted changes: README, notes.txt"


def test_wrong_branch_tag_and_commit_say_what_was_seen(repo: Path) -> None:
    assert git.on_branch(repo, "release").message == f"{repo} is on main, expected release"
    assert git.at_tag(repo, "v2.0.0").message == f"{repo} HEAD has v1.4.0, expected tag v2.0.0"
    assert not git.at_commit(repo, "0000000")
    assert not git.at_commit(repo, head(repo)[:4]), "a prefix shorter than 7 is too ambiguous"


def test_a_detached_head_is_not_on_a_branch(repo: Path) -> None:
    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "v1.4.0"], check=True)
    assert git.on_branch(repo, "main").message == f"{repo} is on a detached HEAD, expected main"


def test_a_folder_that_is_not_a_repository_fails_with_gits_words(tmp_path: Path) -> None:
    result = git.git_state(tmp_path / "nowhere", clean=True)
    assert not result.ok
    assert result.message.startswith(f"git failed in {tmp_path}/nowhere: ")


def test_free_space_compares_with_the_real_filesystem(tmp_path: Path) -> None:
    assert system.free_space(tmp_path, min_free="1MiB").ok
    result = system.free_space(tmp_path, min_free="1000TiB")
    assert not result.ok
    assert result.message.startswith("only ")
    assert result.message.endswith(f"free at {tmp_path}, at least 1000.0 TiB needed")


@pytest.mark.parametrize(
    ("size", "expected"), [("10GiB", 10 * 2**30), ("500 MB", 500 * 10**6), ("1024", 1024), (7, 7)]
)
def test_sizes_are_read_in_si_and_binary_units(size: str | int, expected: int) -> None:
    assert system.parse_size(size) == expected


def test_a_bad_size_is_refused() -> None:
    with pytest.raises(InvalidArgument) as excinfo:
        system.parse_size("ten gigs")
    assert excinfo.value.parameter == "min_free"


def test_environment_variables_are_checked_without_their_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://app:hunter2@db/app")
    monkeypatch.setenv("EMPTY", "")
    monkeypatch.delenv("API_TOKEN", raising=False)
    assert system.env_present(["DATABASE_URL"]).ok
    result = system.env_present(["DATABASE_URL", "EMPTY", "API_TOKEN"])
    assert result.message == "environment variables not set: EMPTY, API_TOKEN"
    assert "hunter2" not in repr(result)
