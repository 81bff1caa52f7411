"""The mutation guard sees through real wrappers, end to end, with fake mutating binaries.

Each form runs from a preflight check in a pytester run. The wrappers are the
real system ones (``env``, ``find``, ``flock``, ``timeout``, ``script``, ``chrt``,
``taskset``, ``unshare``, ``nice``, ``bash``, ``git`` ...); only the innermost
mutating binary is a fake on PATH that appends its argv to a log. So a form the
guard lets through leaves a line in the log, and a refused one leaves none.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
from pathlib import Path

import pytest
from cutover_project import CutoverProject, ProjectRun

from pytest_cutover import messages
from pytest_cutover.evidence.records import CheckRecord
from pytest_cutover.safety.mutation import deny_list

#: The fake binaries: each logs ``name argv...`` and changes nothing.
FAKES = ("docker", "rm", "shred", "dd", "truncate", "mkfs", "mkfs.ext4", "kubectl")
NEEDED: tuple[str, ...] = ("env", "find", "flock", "timeout", "script", "chrt", "taskset")
NEEDED += ("unshare", "nice", "nohup", "stdbuf", "ionice", "setsid", "xargs", "bash", "dash", "git")
CPU = str(min(os.sched_getaffinity(0)))
GIT = shutil.which("git") or "git"

#: Forms that reach a denied command through a wrapper: name -> argv.
DENIED: dict[str, list[str]] = {
    "bash-eval": ["bash", "-c", "eval 'docker compose down'"],
    "env-S": ["env", "-S", "docker compose down"],
    "env-split-string": ["env", "--split-string=docker compose down"],
    "env-u-i": ["env", "-u", "HOME", "-i", "PATH={path}", "docker", "compose", "down"],
    "env-dashdash": ["env", "-i", "--", "PATH={path}", "docker", "compose", "down"],
    "find-exec": ["find", "{tmp}", "-maxdepth", "0", "-exec", "docker", "compose", "down", ";"],
    "find-execdir-plus": ["find", "{tmp}", "-maxdepth", "0", "-execdir", "rm", "-rf", "{}", "+"],
    "flock": ["flock", "{tmp}/lock", "docker", "compose", "down"],
    "flock-options": ["flock", "-n", "-w", "5", "{tmp}/lock", "docker", "compose", "down"],
    "flock-c": ["flock", "{tmp}/lock", "-c", "docker compose down"],
    "chrt": ["chrt", "-o", "0", "docker", "compose", "down"],
    "taskset": ["taskset", "-c", CPU, "docker", "compose", "down"],
    "unshare": ["unshare", "docker", "compose", "down"],
    "script-qc": ["script", "-qc", "docker compose down", "/dev/null"],
    "nice": ["nice", "-n", "5", "docker", "compose", "down"],
    "nohup": ["nohup", "docker", "compose", "down"],
    "timeout": ["timeout", "-k", "5", "30", "docker", "compose", "down"],
    "stdbuf": ["stdbuf", "-oL", "docker", "compose", "down"],
    "ionice": ["ionice", "-c", "3", "docker", "compose", "down"],
    "setsid": ["setsid", "-w", "docker", "compose", "down"],
    "xargs": ["xargs", "-a", "{tmp}/victim/file", "-r", "-n", "1", "kubectl", "delete", "pod"],
    "bash-command": ["bash", "-c", "command docker compose down"],
    "bash-exec": ["bash", "-c", "exec docker compose down"],
    "bash-time": ["bash", "-c", "time docker compose down"],
    "bash-positional-0": ["bash", "-c", "$0 compose down", "docker"],
    "sh-all-positionals": ["sh", "-c", 'exec "$@"', "sh", "docker", "compose", "down"],
    "dash-c": ["dash", "-c", "cd / && docker compose down"],
    "git-alias": [GIT, "-c", "alias.p=!docker compose down", "p"],
    "git-alias-push": ["env", "-S", "git -c alias.p=push p"],
    "rm-rf": ["rm", "-rf", "{tmp}/victim"],
    "rm-fr": ["rm", "-fr", "{tmp}/victim"],
    "rm-recursive": ["rm", "--recursive", "{tmp}/victim"],
    "shred": ["shred", "-u", "{tmp}/victim/file"],
    "dd-of": ["dd", "if=/dev/zero", "of={tmp}/victim/file", "count=1"],
    "truncate": ["truncate", "-s", "0", "{tmp}/victim/file"],
    "mkfs": ["mkfs", "-t", "ext4", "{tmp}/victim/file"],
    "mkfs-ext4": ["nice", "mkfs.ext4", "{tmp}/victim/file"],
}
#: Forms with a fake ``git`` innermost: it is first on their PATH only (the plugin's own
#: read-only ``git -C DIR rev-parse``/``status`` for the evidence use the real one).
WITH_FAKE_GIT = {"git-alias-push", "timeout-git-status"}

#: Forms the guard cannot read: name -> (argv, environment for the form).
UNREADABLE: dict[str, tuple[list[str], dict[str, str]]] = {
    "eval-variable": (["bash", "-c", 'eval "$CUT"'], {"CUT": "docker compose down"}),
    "ansi-c-quoting": (["bash", "-c", "docker compose $'\\x64own'"], {}),
    "brace-expansion": (["bash", "-c", "do{c,}ker compose down"], {}),
    "variable-command": (["bash", "-c", "$CUT compose down"], {"CUT": "docker"}),
    "substitution-command": (["bash", "-c", "$(echo docker) compose down"], {}),
    "backtick-command": (["sh", "-c", "`echo docker` compose down"], {}),
    "set-positionals": (["sh", "-c", 'set -- docker compose down; "$@"'], {}),
    "find-exec-found-file": (["find", "{tmp}/found", "-type", "f", "-exec", "{}", "down", ";"], {}),
    "git-config-env": ([GIT, "--config-env=alias.p=CUT", "p"], {"CUT": "!docker compose down"}),
    "xargs-adds-the-verb": (["xargs", "-a", "{tmp}/verb", "docker", "compose"], {}),
    "variable-verb": (["bash", "-c", "docker compose $VERB"], {"VERB": "down"}),
    "substituted-verb": (["bash", "-c", "docker compose $(cat {tmp}/verb)"], {}),
}

#: Harmless forms: name -> (argv, the line the fake must log).
HARMLESS: dict[str, tuple[list[str], str]] = {
    "env-assignment": (["env", "FOO=1", "docker", "compose", "config"], "docker compose config"),
    "env-S": (["env", "-S", "docker compose config --quiet"], "docker compose config --quiet"),
    "find-print": (["find", "{tmp}", "-maxdepth", "0", "-name", "x", "-print"], ""),
    "find-exec": (
        ["find", "{tmp}", "-maxdepth", "0", "-exec", "docker", "compose", "ps", ";"],
        "docker compose ps",
    ),
    "timeout-git-status": (["timeout", "5", "git", "status"], "git status"),
    "flock": (["flock", "{tmp}/lock", "docker", "compose", "config"], "docker compose config"),
    "chrt": (["chrt", "-o", "0", "docker", "version"], "docker version"),
    "taskset": (["taskset", "-c", CPU, "docker", "version"], "docker version"),
    "unshare": (["unshare", "docker", "compose", "version"], "docker compose version"),
    "nice": (["nice", "-n", "5", "docker", "info"], "docker info"),
    "script-qc": (["script", "-qc", "docker compose ls", "/dev/null"], "docker compose ls"),
    "bash-positional": (["bash", "-c", "$0 compose config", "docker"], "docker compose config"),
    "rm-file": (["rm", "-f", "{tmp}/victim/other"], "rm -f {tmp}/victim/other"),
}

INNER = """
import json, os, subprocess
import pytest

FORMS = json.loads({forms!r})

@pytest.mark.gate("G1")
@pytest.mark.parametrize("name", sorted(FORMS))
def test_form(name):
    argv, env = FORMS[name]
    subprocess.run(argv, env={{**os.environ, **env}}, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
"""


@pytest.fixture
def fakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Fake mutating binaries first on PATH; returns their log. A victim folder to destroy."""
    missing = [name for name in NEEDED if shutil.which(name) is None]
    assert not missing, f"real wrappers missing on this machine: {missing}"
    bin_dir, log = tmp_path / "fakebin", tmp_path / "fake.log"
    bin_dir.mkdir()
    (tmp_path / "fakegit").mkdir()
    for name in (*FAKES, "fakegit/git"):
        fake = bin_dir / name if name in FAKES else tmp_path / name
        line = f"{fake.name} $*"
        fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "{line}" >> {shlex.quote(str(log))}\n')
        fake.chmod(0o755)
    (tmp_path / "victim").mkdir()
    (tmp_path / "victim" / "file").write_text("keep me\n")
    (tmp_path / "verb").write_text("down\n")
    (tmp_path / "found").mkdir()
    shutil.copy(bin_dir / "docker", tmp_path / "found" / "docker")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return log


def fill(words: list[str], tmp: Path) -> list[str]:
    path = os.environ["PATH"]
    return [word.replace("{tmp}", str(tmp)).replace("{path}", path) for word in words]


def env_of(name: str, tmp: Path) -> dict[str, str]:
    """The environment a form runs with: the fake git first on PATH where it needs it."""
    if name not in WITH_FAKE_GIT:
        return {}
    return {"PATH": f"{tmp / 'fakegit'}{os.pathsep}{os.environ['PATH']}"}


def run_forms(
    project: CutoverProject, forms: dict[str, tuple[list[str], dict[str, str]]], *args: str
) -> tuple[ProjectRun, dict[str, CheckRecord]]:
    """Run each form from its own preflight check; the checks of the evidence, by form."""
    project.test_modules(test_forms=INNER.format(forms=json.dumps(forms)))
    result = project.run("--cutover-evidence=ev", *args)
    checks = {c["id"].split("[", 1)[1].rstrip("]"): c for c in result.evidence["checks"]}
    return result, checks


def log_lines(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def test_every_wrapped_denied_command_is_refused_and_nothing_runs(
    cutover_project: CutoverProject, fakes: Path, tmp_path: Path
) -> None:
    forms = {name: (fill(argv, tmp_path), env_of(name, tmp_path)) for name, argv in DENIED.items()}
    result, checks = run_forms(cutover_project, forms)
    assert log_lines(fakes) == [], "a wrapped mutating command reached its binary"
    deny = deny_list()
    for name, (argv, _) in forms.items():
        pattern = deny.match(argv)
        assert pattern is not None, name
        expected = messages.MUTATION_BLOCKED.format(command=shlex.join(argv), pattern=pattern)
        assert checks[name]["outcome"] == "failed", name
        assert checks[name]["message"] == expected, name
        assert [c["source"] for c in checks[name]["commands"]] == ["blocked"], name
    result.stdout.fnmatch_lines(["NO-GO: *"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert (tmp_path / "victim" / "file").read_text() == "keep me\n"


def test_every_form_the_guard_cannot_read_is_refused_with_a_sentence_and_nothing_runs(
    cutover_project: CutoverProject, fakes: Path, tmp_path: Path
) -> None:
    forms = {name: (fill(argv, tmp_path), env) for name, (argv, env) in UNREADABLE.items()}
    result, checks = run_forms(cutover_project, forms)
    assert log_lines(fakes) == [], "a command the guard cannot read reached a mutating binary"
    deny = deny_list()
    for name, (argv, _) in forms.items():
        why = deny.unreadable(argv)
        assert why is not None, name
        expected = messages.MUTATION_UNREADABLE.format(command=shlex.join(argv), why=why)
        assert checks[name]["outcome"] == "failed", name
        assert checks[name]["message"] == expected, name
        assert "--cutover-allow-unreadable" in expected
    result.stdout.fnmatch_lines(["NO-GO: *"])


def test_harmless_forms_run_through_the_real_wrappers(
    cutover_project: CutoverProject, fakes: Path, tmp_path: Path
) -> None:
    forms = {
        name: (fill(argv, tmp_path), env_of(name, tmp_path)) for name, (argv, _) in HARMLESS.items()
    }
    result, checks = run_forms(cutover_project, forms)
    assert {name: check["outcome"] for name, check in checks.items()} == dict.fromkeys(
        forms, "passed"
    )
    expected = [fill([line], tmp_path)[0] for _, line in HARMLESS.values() if line]
    assert sorted(log_lines(fakes)) == sorted(expected)
    result.stdout.fnmatch_lines(["GO: *"])


def test_allow_unreadable_lets_what_the_guard_cannot_read_run_but_keeps_the_deny_list(
    cutover_project: CutoverProject, fakes: Path
) -> None:
    forms: dict[str, tuple[list[str], dict[str, str]]] = {
        "variable-config": (["bash", "-c", "$CUT compose config"], {"CUT": "docker"}),
        "eval-down": (["bash", "-c", "eval 'docker compose down'"], {}),
    }
    strict, refused = run_forms(cutover_project, forms)
    assert refused["variable-config"]["outcome"] == "failed"
    assert log_lines(fakes) == []
    assert strict.evidence["settings"]["allow_unreadable"] is False
    result, allowed = run_forms(cutover_project, forms, "--cutover-allow-unreadable")
    assert result.evidence["settings"]["allow_unreadable"] is True, (
        "the evidence says the guard was eased"
    )
    assert allowed["variable-config"]["outcome"] == "passed"
    assert allowed["eval-down"]["outcome"] == "failed"
    assert allowed["eval-down"]["message"].startswith("blocked mutating command: ")
    assert log_lines(fakes) == ["docker compose config"]
    result.stdout.fnmatch_lines(["NO-GO: *"])


def test_the_refusal_sentence_names_what_and_how_to_allow(
    cutover_project: CutoverProject, fakes: Path
) -> None:
    result, _ = run_forms(cutover_project, {"braces": (["sh", "-c", "echo {a,b}"], {})})
    result.stdout.fnmatch_lines(
        [
            "*cutover check test_forms.py::test_form[[]braces[]] failed: "
            "blocked command the mutation guard cannot read: sh -c 'echo {a,b}' "
            "(brace expansion ({a,b}) makes its words at run time); write it as a plain argv "
            "or script, or run with --cutover-allow-unreadable to let what the guard cannot "
            "read run"
        ]
    )


def test_the_guard_sees_nothing_inside_a_script_file(
    cutover_project: CutoverProject, fakes: Path, tmp_path: Path
) -> None:
    """What the README says an in-process guard cannot see: a script file's contents."""
    script = tmp_path / "tidy.sh"
    script.write_text("docker compose down\n")
    result, checks = run_forms(cutover_project, {"file": (["sh", str(script)], {})})
    assert checks["file"]["outcome"] == "passed"
    assert log_lines(fakes) == ["docker compose down"]
    result.stdout.fnmatch_lines(["GO: *"])
