"""The command audit: every process a check starts is recorded, however it starts it."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from pytest_cutover.safety import audit
from pytest_cutover.safety.audit import Recorder, process_start, recording


def test_plain_subprocess_and_os_calls_are_recorded_in_order(tmp_path: Path) -> None:
    recorder = Recorder()
    with recording(recorder):
        subprocess.run(["true"], check=True)
        subprocess.run("echo hi > /dev/null", shell=True, check=True)
        os.system("true")
        pid = os.posix_spawn("/bin/true", ["true", "spawned"], os.environ)
        os.waitpid(pid, 0)
    assert [start.argv for start in recorder.starts] == [
        ("true",),
        ("/bin/sh", "-c", "echo hi > /dev/null"),
        ("sh", "-c", "true"),
        ("true", "spawned"),
    ]


def test_nothing_is_recorded_outside_a_recording() -> None:
    recorder = Recorder()
    with recording(recorder):
        pass
    subprocess.run(["true"], check=True)
    assert recorder.starts == []


def test_recordings_nest_and_each_sees_only_its_own_processes() -> None:
    outer, inner = Recorder(), Recorder()
    with recording(outer):
        subprocess.run(["true", "outer"], check=True)
        with recording(inner):
            subprocess.run(["true", "inner"], check=True)
        subprocess.run(["true", "outer-again"], check=True)
    assert [s.argv[1] for s in outer.starts] == ["outer", "outer-again"]
    assert [s.argv[1] for s in inner.starts] == ["inner"]


def test_a_guard_can_refuse_a_process_before_it_starts(tmp_path: Path) -> None:
    marker = tmp_path / "created"

    def refuse(start: object) -> None:
        raise PermissionError("blocked mutating command")

    with recording(Recorder(guard=refuse)), pytest.raises(PermissionError):
        subprocess.run(["touch", str(marker)], check=True)
    assert not marker.exists()


def test_events_that_are_not_process_starts_are_ignored() -> None:
    assert process_start("open", ("/etc/hosts", "r", 0)) is None
    assert process_start("os.exec", (b"/bin/ls", [b"ls", b"-l"], None)) is not None


def test_commands_a_python_check_starts_itself_are_in_its_evidence(
    pytester: pytest.Pytester, bundle_of: Callable[..., dict[str, object]]
) -> None:
    pytester.makepyfile(
        test_direct="""
        import os, subprocess
        import pytest

        @pytest.mark.gate("G1")
        def test_calls_processes_directly():
            subprocess.run(["git", "--version"], check=True, capture_output=True)
            assert os.system("true") == 0
        """
    )
    document = bundle_of(pytester)
    (check,) = document["checks"]  # type: ignore[misc]
    assert [(c["argv"], c["source"]) for c in check["commands"]] == [
        (["git", "--version"], "audit"),
        (["sh", "-c", "true"], "audit"),
    ]
    assert document["commands"]["count"] == 2  # type: ignore[index]


def test_a_library_command_is_listed_once_with_its_exit_code(
    pytester: pytest.Pytester, bundle_of: Callable[..., dict[str, object]]
) -> None:
    pytester.makepyfile(
        test_lib="""
        import pytest
        from cutover_checks import commands

        @pytest.mark.gate("G1")
        def test_library(cutover):
            cutover.require(commands.run(["sh", "-c", "echo ok"]))
        """
    )
    document = bundle_of(pytester)
    (check,) = document["checks"]  # type: ignore[misc]
    assert [(c["argv"], c["source"], c["exit_code"]) for c in check["commands"]] == [
        (["sh", "-c", "echo ok"], "check", 0)
    ]
    assert json.dumps(check).count("echo ok") == 1


def test_the_audit_hook_keeps_none_of_the_plugin_alive() -> None:
    """An audit hook lives until the interpreter ends; its globals hold four values only,
    not this module's (which reach pytest's config through its rewriting importer), and the
    one that points at a run is emptied when the run stops recording."""
    hook = audit._detached(audit._hook)
    assert set(hook.__globals__) - {"__builtins__"} == {
        "_ACTIVE",
        "_OWNERS",
        "_PROCESS_EVENTS",
        "_RUN",
    }
    relay = audit.Relay()
    audit.detach(audit.attach(relay))
    assert audit._RUN == [None]
    recorder = Recorder()
    token = audit._ACTIVE.set(recorder)
    try:
        hook("open", ("/etc/hosts", "r", 0))
        hook("os.system", (b"true",))
    finally:
        audit._ACTIVE.reset(token)
    assert [start.argv for start in recorder.starts] == [("sh", "-c", "true")]
