"""Checks on a git working tree: clean, on a branch, at a tag, at a commit. Read-only."""

from __future__ import annotations

from pathlib import Path

from cutover_checks._process import execute
from cutover_checks.result import CheckResult, CommandRun, combine

#: Seconds one git call may take.
GIT_TIMEOUT = 10.0


def _git(repo: str | Path, *args: str) -> CommandRun:
    return execute(("git", "-C", str(repo), *args), timeout=GIT_TIMEOUT)


def _result(ok: bool, message: str, record: CommandRun) -> CheckResult:
    if record.exit_code != 0:
        problem = record.stderr.strip().splitlines()[:1] or [record.describe()]
        return CheckResult(False, f"git failed in {record.argv[2]}: {problem[0]}", {}, (record,))
    return CheckResult(ok, message, {}, (record,))


def is_clean(repo: str | Path = ".") -> CheckResult:
    """The working tree has no uncommitted changes and no untracked files."""
    record = _git(repo, "status", "--porcelain", "--untracked-files=normal")
    changed = [line[3:] for line in record.stdout.splitlines() if line.strip()]
    if not changed:
        return _result(True, f"{repo} is clean", record)
    shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
    return _result(False, f"{repo} has {len(changed)} uncommitted changes: {shown}", record)


def on_branch(repo: str | Path, branch: str) -> CheckResult:
    """HEAD is the branch ``branch``."""
    record = _git(repo, "rev-parse", "--abbrev-ref", "HEAD")
    seen = record.stdout.strip()
    if seen == "HEAD":
        seen = "a detached HEAD"
    return _result(seen == branch, f"{repo} is on {seen}, expected {branch}", record)


def at_tag(repo: str | Path, tag: str) -> CheckResult:
    """HEAD is the commit the tag ``tag`` points at."""
    record = _git(repo, "tag", "--points-at", "HEAD")
    tags = record.stdout.split()
    seen = ", ".join(tags) or "no tag"
    return _result(tag in tags, f"{repo} HEAD has {seen}, expected tag {tag}", record)


def at_commit(repo: str | Path, commit: str) -> CheckResult:
    """HEAD is ``commit`` (a full hash or a prefix of at least 7 hex digits)."""
    record = _git(repo, "rev-parse", "HEAD")
    seen = record.stdout.strip()
    ok = len(commit) >= 7 and seen.startswith(commit.lower())
    return _result(ok, f"{repo} HEAD is {seen}, expected {commit}", record)


def git_state(
    repo: str | Path = ".",
    *,
    clean: bool = False,
    branch: str | None = None,
    tag: str | None = None,
    commit: str | None = None,
) -> CheckResult:
    """The plan's ``git`` check: every condition given holds for ``repo``."""
    conditions = [_git_head(repo)]
    if clean:
        conditions.append(is_clean(repo))
    if branch is not None:
        conditions.append(on_branch(repo, branch))
    if tag is not None:
        conditions.append(at_tag(repo, tag))
    if commit is not None:
        conditions.append(at_commit(repo, commit))
    return combine(conditions)


def _git_head(repo: str | Path) -> CheckResult:
    record = _git(repo, "rev-parse", "HEAD")
    head = record.stdout.strip()
    result = _result(True, f"{repo} is a git repository at {head[:12]}", record)
    return CheckResult(result.ok, result.message, {"head": head}, result.commands)
