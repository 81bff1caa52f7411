"""files: exists, type, executable, non-empty, content and digest."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cutover_checks import files
from cutover_checks.errors import InvalidArgument


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "runbook.md").write_text("# Runbook\n\n## Rollback triggers\n")
    (tmp_path / "empty.txt").touch()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("docs\n")
    (tmp_path / "empty-dir").mkdir()
    script = tmp_path / "deploy.sh"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    return tmp_path


def test_each_predicate_tells_yes_from_no(tree: Path) -> None:
    assert files.exists(tree / "runbook.md")
    assert not files.exists(tree / "nope")
    assert files.is_file(tree / "runbook.md")
    assert not files.is_file(tree / "docs")
    assert files.is_dir(tree / "docs")
    assert not files.is_dir(tree / "runbook.md")
    assert files.is_executable(tree / "deploy.sh")
    assert not files.is_executable(tree / "runbook.md")
    assert files.is_non_empty(tree / "runbook.md")
    assert not files.is_non_empty(tree / "empty.txt")
    assert files.is_non_empty(tree / "docs")
    assert not files.is_non_empty(tree / "empty-dir")


def test_contains_names_the_line_of_the_match(tree: Path) -> None:
    result = files.has_match(tree / "runbook.md", r"^## Rollback")
    assert result.ok
    assert result.details["line"] == 3
    assert not files.has_match(tree / "runbook.md", "Sign-off")


def test_sha256_compares_the_digest(tree: Path) -> None:
    digest = hashlib.sha256(b"# Runbook\n\n## Rollback triggers\n").hexdigest()
    assert files.sha256_equals(tree / "runbook.md", digest).ok
    result = files.sha256_equals(tree / "runbook.md", "0" * 64)
    assert result.message == f"{tree}/runbook.md has sha256 {digest}, expected {'0' * 64}"


def test_path_check_reports_the_first_condition_that_fails(tree: Path) -> None:
    result = files.path_check(tree / "runbook.md", type="file", non_empty=True, contains="Sign")
    assert not result.ok
    assert result.message == f"{tree}/runbook.md has no match for 'Sign'"
    assert files.path_check(tree / "deploy.sh", type="file", executable=True).ok
    assert files.path_check(tree / "nope", type="dir").message == f"{tree}/nope does not exist"


def test_malformed_parameters_are_refused(tree: Path) -> None:
    with pytest.raises(InvalidArgument, match="sha256"):
        files.sha256_equals(tree / "runbook.md", "abc")
    with pytest.raises(InvalidArgument, match="contains"):
        files.has_match(tree / "runbook.md", "[")
    with pytest.raises(InvalidArgument, match="type"):
        files.path_check(tree, type="socket")  # type: ignore[arg-type]  # wrong on purpose
