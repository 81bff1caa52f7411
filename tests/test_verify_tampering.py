"""``verify`` against a bundle someone tampered with, or that is simply broken.

Each edit here also rewrites ``MANIFEST.sha256`` to match (so ``sha256sum -c`` passes);
``verify`` still catches it, because every file carries the run id and the decision and
is checked against ``evidence.json``, and because it refuses what a manifest may not
name. Broken input (a manifest that is not UTF-8, an evidence document nested 100,000
deep, a file that cannot be read) gets one sentence and exit 1, never a traceback.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from cutover_project import CutoverProject, read_evidence
from processes import verify

from pytest_cutover import __version__, messages
from pytest_cutover.evidence.bundle import CONTENTS, MANIFEST, verify_bundle

CHECKS = """
    checks:
      - {id: g1-ok, gate: G1, command: [sh, -c, "echo tooling ready"]}
      - {id: g2-broken, gate: G2, command: [sh, -c, "echo config broken >&2; exit 3"]}
      - {id: g3-later, gate: G3, command: ["true"]}
"""
#: How long verify may take on anything here before it counts as hanging.
DEADLINE = 60


@pytest.fixture
def make_bundle(cutover_project: CutoverProject) -> Callable[[str], Path]:
    """Run the NO-GO cutover (G2 fails) with its bundle in ``name``."""
    cutover_project.five_gates(CHECKS)

    def make(name: str) -> Path:
        result = cutover_project.run("--cutover-evidence", name, "-m", "preflight")
        assert result.ret == pytest.ExitCode.TESTS_FAILED
        assert verify_bundle(cutover_project.path / name) == []
        return cutover_project.path / name

    return make


@pytest.fixture
def bundle(make_bundle: Callable[[str], Path]) -> Path:
    return make_bundle("evidence")


def rewrite_manifest(bundle: Path, names: Iterable[str] = CONTENTS) -> None:
    """What a careless or a cunning editor does after an edit: make sha256sum -c pass."""
    lines = [
        f"{hashlib.sha256((bundle / name).read_bytes()).hexdigest()}  {name}\n"
        for name in sorted(names)
    ]
    (bundle / MANIFEST).write_text("".join(lines), encoding="utf-8")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def sha256sum_accepts(bundle: Path) -> bool:
    done = subprocess.run(
        ["sha256sum", "-c", MANIFEST], cwd=bundle, capture_output=True, check=False
    )
    return done.returncode == 0


def run_id_of(bundle: Path) -> str:
    run_id: str = read_evidence(bundle)["run"]["run_id"]
    return run_id


def assert_one_clear_sentence(done: subprocess.CompletedProcess[str], bundle: Path) -> list[str]:
    """verify said what is wrong, on lines of its own, and exited 1 with no traceback."""
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert lines[-1].startswith(f"{bundle}: NOT intact (")
    return [line.removeprefix(f"{bundle}: ") for line in lines[:-1]]


# -- every file carries the run id and the decision, and agrees with evidence.json ----------


def test_a_report_edited_from_no_go_to_go_is_caught(bundle: Path) -> None:
    edit(bundle / "report.html", "NO-GO", "GO")
    rewrite_manifest(bundle)
    assert sha256sum_accepts(bundle)
    assert verify_bundle(bundle) == [
        messages.FILE_OTHER_DECISION.format(name="report.html", theirs="GO", ours="NO-GO")
    ]


def test_a_report_edited_only_where_people_read_it_is_caught_by_rendering_it_again(
    bundle: Path,
) -> None:
    edit(bundle / "report.html", '<p class="verdict">NO-GO</p>', '<p class="verdict">GO</p>')
    rewrite_manifest(bundle)
    assert verify_bundle(bundle) == [
        messages.FILE_NOT_RENDERED.format(name="report.html", version=__version__)
    ]


def test_a_closeout_edited_from_no_go_to_go_is_caught(bundle: Path) -> None:
    edit(bundle / "closeout.md", "NO-GO", "GO")
    rewrite_manifest(bundle)
    assert verify_bundle(bundle) == [
        messages.FILE_OTHER_DECISION.format(name="closeout.md", theirs="GO", ours="NO-GO")
    ]


def test_a_closeout_edited_below_its_first_line_is_caught(bundle: Path) -> None:
    edit(bundle / "closeout.md", "| Config valid | FAILED |", "| Config valid | PASSED |")
    rewrite_manifest(bundle)
    assert verify_bundle(bundle) == [
        messages.FILE_NOT_RENDERED.format(name="closeout.md", version=__version__)
    ]


def test_a_junit_file_that_lost_a_failure_is_caught(bundle: Path) -> None:
    junit = bundle / "junit.xml"
    text = junit.read_text(encoding="utf-8")
    broken = re.search(
        r'<testcase classname="cutover.yaml" name="g2-broken".*?</testcase>', text, re.S
    )
    assert broken is not None
    assert "<failure " in broken.group()
    without = re.sub(r"\s*<failure .*?</failure>", "", broken.group(), flags=re.S)
    junit.write_text(text.replace(broken.group(), without), encoding="utf-8")
    rewrite_manifest(bundle)
    assert verify_bundle(bundle) == [
        messages.JUNIT_CASE.format(
            number=3,
            theirs="cutover.yaml::g2-broken (passed)",
            ours="cutover.yaml::g2-broken (failure)",
        )
    ]


@pytest.mark.parametrize("name", ["report.html", "closeout.md", "junit.xml"])
def test_a_file_from_another_runs_bundle_is_caught(
    make_bundle: Callable[[str], Path], name: str
) -> None:
    """The other run decided the same (NO-GO): only the run id tells the files apart."""
    bundle, other = make_bundle("evidence"), make_bundle("other")
    shutil.copyfile(other / name, bundle / name)
    rewrite_manifest(bundle)
    assert verify_bundle(bundle) == [
        messages.FILE_OTHER_RUN.format(name=name, theirs=run_id_of(other), ours=run_id_of(bundle))
    ]


def test_a_report_that_is_a_link_into_another_bundle_is_refused(
    make_bundle: Callable[[str], Path],
) -> None:
    bundle, other = make_bundle("evidence"), make_bundle("other")
    (bundle / "report.html").unlink()
    (bundle / "report.html").symlink_to(other / "report.html")
    rewrite_manifest(bundle)
    assert sha256sum_accepts(bundle)
    assert verify_bundle(bundle) == [
        messages.MEMBER_SYMLINK.format(name="report.html", target=other / "report.html")
    ]


# -- what a manifest may name ----------------------------------------------------------------


def test_a_manifest_naming_a_file_outside_the_bundle_is_refused(bundle: Path) -> None:
    (bundle.parent / "elsewhere").write_text("not evidence\n")
    rewrite_manifest(bundle, [*CONTENTS, "../elsewhere"])
    assert sha256sum_accepts(bundle)
    assert verify_bundle(bundle) == [
        messages.MANIFEST_PARENT.format(manifest=MANIFEST, line=1, name="../elsewhere")
    ]


def test_a_manifest_naming_an_absolute_path_is_refused(bundle: Path) -> None:
    elsewhere = bundle.parent / "elsewhere"
    elsewhere.write_text("not evidence\n")
    rewrite_manifest(bundle, [*CONTENTS, str(elsewhere)])
    assert sha256sum_accepts(bundle)
    assert verify_bundle(bundle) == [
        messages.MANIFEST_ABSOLUTE.format(manifest=MANIFEST, line=1, name=str(elsewhere))
    ]


def test_a_manifest_naming_a_file_twice_is_refused(bundle: Path) -> None:
    manifest = (bundle / MANIFEST).read_text()
    first = manifest.splitlines()[0]
    (bundle / MANIFEST).write_text(manifest + first + "\n")
    assert verify_bundle(bundle) == [
        messages.MANIFEST_REPEATED.format(
            manifest=MANIFEST, line=5, name=first.split("  ", 1)[1], first=1
        )
    ]


def test_a_file_the_manifest_does_not_name_is_refused(bundle: Path) -> None:
    (bundle / ".hidden").write_text("smuggled\n")
    (bundle / "more").mkdir()
    assert verify_bundle(bundle) == [
        messages.MEMBER_ADDED.format(name=".hidden", manifest=MANIFEST),
        messages.MEMBER_ADDED.format(name="more", manifest=MANIFEST),
    ]


# -- broken input: one sentence, exit 1, never a traceback -----------------------------------


def test_a_manifest_that_is_not_utf8_gets_one_sentence(bundle: Path) -> None:
    manifest = bundle / MANIFEST
    manifest.write_bytes(manifest.read_bytes() + b"\xff\xfe  junk\n")
    offset = manifest.read_bytes().index(b"\xff")
    problems = assert_one_clear_sentence(verify(bundle), bundle)
    assert problems == [
        messages.MANIFEST_NOT_UTF8.format(manifest=MANIFEST, byte="0xff", offset=offset)
    ]


def test_evidence_nested_100000_deep_gets_one_sentence(bundle: Path) -> None:
    depth = 100_000
    (bundle / "evidence.json").write_text("[" * depth + "]" * depth)
    rewrite_manifest(bundle)
    problems = assert_one_clear_sentence(verify(bundle), bundle)
    assert len(problems) == 1
    assert fnmatch.fnmatchcase(problems[0], messages.EVIDENCE_TOO_DEEP.format(problem="*"))


#: Run as root, a process drops CAP_DAC_OVERRIDE (1) and CAP_DAC_READ_SEARCH (2) from its
#: bounding set (prctl PR_CAPBSET_DROP, 24) and then becomes verify: root without them is
#: held to file modes, as an operator is.
AS_ROOT_HELD_TO_MODES = """
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
for capability in (1, 2):
    if libc.prctl(24, capability, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")
os.execv(sys.executable, [sys.executable, *sys.argv[1:]])
"""


def test_a_file_that_cannot_be_read_gets_one_sentence(bundle: Path) -> None:
    """chmod 000 stops everyone but root; as root (a CI container) verify runs without the
    capabilities that let root ignore modes, so the mode bites for real in both cases."""
    command = [sys.executable, "-m", "pytest_cutover", "verify", str(bundle)]
    if os.geteuid() == 0:
        command = [sys.executable, "-c", AS_ROOT_HELD_TO_MODES, *command[1:]]
    (bundle / "evidence.json").chmod(0)
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, check=False, timeout=DEADLINE
        )
    finally:
        (bundle / "evidence.json").chmod(0o644)
    assert assert_one_clear_sentence(done, bundle) == [
        messages.MEMBER_UNREADABLE.format(name="evidence.json", reason="Permission denied")
    ]


def test_a_fifo_where_a_file_belongs_is_refused_without_waiting_on_it(bundle: Path) -> None:
    """Opening a FIFO for reading blocks until someone writes: verify must not hang."""
    (bundle / "evidence.json").unlink()
    os.mkfifo(bundle / "evidence.json")
    problems = assert_one_clear_sentence(verify(bundle), bundle)
    assert problems == [messages.MEMBER_NOT_A_FILE.format(name="evidence.json", kind="FIFO")]


def test_a_folder_where_a_file_belongs_is_refused(bundle: Path) -> None:
    (bundle / MANIFEST).unlink()
    (bundle / MANIFEST).mkdir()
    problems = assert_one_clear_sentence(verify(bundle), bundle)
    assert problems == [messages.MEMBER_NOT_A_FILE.format(name=MANIFEST, kind="folder")]


def test_verify_says_what_an_unsigned_manifest_can_and_cannot_detect(bundle: Path) -> None:
    done = verify(bundle)
    assert (done.returncode, done.stdout) == (
        0,
        messages.VERIFY_INTACT.format(bundle=bundle) + "\n",
    )
    assert messages.UNSIGNED_MANIFEST in done.stdout
    readme = Path(__file__).parent.parent.joinpath("README.md").read_text(encoding="utf-8")
    assert "not a forger who rewrites every file consistently" in " ".join(readme.split())
