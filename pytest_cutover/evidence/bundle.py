"""The evidence bundle: written all at once, verifiable file by file.

A bundle is a folder with ``report.html``, ``evidence.json``, ``closeout.md``,
``junit.xml`` and ``MANIFEST.sha256`` (``sha256sum`` format, so
``sha256sum -c MANIFEST.sha256`` checks it). It is built in a temporary folder
next to its place and moved there in one rename, so no reader ever sees a
half-written bundle.

A run that will write a bundle first moves the previous one aside, to
``DIR.previous-<its run id>``, marked ``SUPERSEDED.json``, and leaves
``IN_PROGRESS.json`` in ``DIR``. A run that ends (also interrupted) replaces
both with its own bundle; one that is killed (SIGKILL, ``os._exit``, a
timeout plugin's thread method) leaves the marker, and ``verify`` reports that
no bundle of the latest run exists, never the previous GO as current.

``verify`` reads only regular files of the folder itself, named by the manifest
once each (never an absolute path, a ``..``, a subfolder or a link), refuses any
other file, and checks that the files agree with ``evidence.json``
(:mod:`pytest_cutover.evidence.agreement`). The two markers are outside the manifest:
each one, whatever it holds, is a problem of its own, so neither can make a
bundle pass.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import stat
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_cutover import messages
from pytest_cutover.errors import BundleError
from pytest_cutover.evidence.document import disagreements
from pytest_cutover.model.vocabulary import cut
from pytest_cutover.schema import load_schema

if TYPE_CHECKING:
    from pytest_cutover.evidence.records import EvidenceDocument

__all__ = [
    "CONTENTS",
    "IN_PROGRESS",
    "MANIFEST",
    "SUPERSEDED",
    "BundleError",
    "begin_run",
    "check_destination",
    "evidence_schema",
    "finish_run",
    "manifest_entries",
    "undo_run",
    "verify_bundle",
    "write_bundle",
]

MANIFEST = "MANIFEST.sha256"
CONTENTS = ("closeout.md", "evidence.json", "junit.xml", "report.html")
#: In DIR while a run that will write its bundle there is under way.
IN_PROGRESS = "IN_PROGRESS.json"
#: In a bundle that a later run moved aside.
SUPERSEDED = "SUPERSEDED.json"
_MARKERS = (IN_PROGRESS, SUPERSEDED)
_MANIFEST_LINE = re.compile(r"^([0-9a-f]{64})  (\S.*)$")


def check_destination(directory: Path) -> str | None:
    """Why a bundle cannot be written to ``directory``, or None when it can.

    A new folder, an empty one, or a previous bundle (which is replaced) will do;
    any other folder is left alone.
    """
    if not directory.exists():
        return None
    if not directory.is_dir():
        return f"{directory} exists and is not a folder"
    present = {entry.name for entry in directory.iterdir()}
    if present == {IN_PROGRESS}:
        return None  # a run that never finished
    if present and not (MANIFEST in present and present <= {MANIFEST, *CONTENTS, *_MARKERS}):
        return f"{directory} already holds files that are not an evidence bundle"
    return None


def begin_run(directory: Path, run_id: str, started: str) -> Path | None:
    """Before a run: move a previous bundle at ``directory`` aside, marked superseded, and
    mark ``directory`` as holding a run under way. Returns where the previous bundle went."""
    aside = None
    if (directory / MANIFEST).is_file():
        previous = _run_id_of(directory) or uuid.uuid4().hex
        aside = directory.parent / f"{directory.name}.previous-{previous}"
        if aside.exists():
            aside = aside.with_name(f"{aside.name}-{uuid.uuid4().hex[:8]}")
        marker = {"superseded_by": run_id, "at": started}
        (directory / SUPERSEDED).write_text(json.dumps(marker) + "\n", encoding="utf-8")
        directory.rename(aside)
    directory.mkdir(parents=True, exist_ok=True)
    note = {"run_id": run_id, "started": started, "previous": str(aside) if aside else None}
    (directory / IN_PROGRESS).write_text(json.dumps(note) + "\n", encoding="utf-8")
    return aside


def finish_run(aside: Path | None) -> None:
    """The run wrote its bundle: the previous one it replaces is removed, as before runs
    marked their place (a bundle holds the latest run; a record keeps them all)."""
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


def undo_run(directory: Path, aside: Path | None) -> None:
    """The run decided nothing (a usage error, no cutover check selected): the folder is
    put back as it was, with the previous bundle in place."""
    (directory / IN_PROGRESS).unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        directory.rmdir()
    if aside is not None and aside.is_dir() and not directory.exists():
        (aside / SUPERSEDED).unlink(missing_ok=True)
        aside.rename(directory)


def _run_id_of(directory: Path) -> str | None:
    data = _read_member(directory, "evidence.json")
    try:
        document = json.loads(data) if isinstance(data, bytes) else None
        run_id = document["run"]["run_id"]  # type: ignore[index]
    except (ValueError, KeyError, TypeError, RecursionError):
        return None
    return run_id if isinstance(run_id, str) and re.fullmatch(r"[\w.-]+", run_id) else None


def write_bundle(directory: Path, make_document: Callable[[], EvidenceDocument]) -> None:
    """Render every file of the bundle from the document ``make_document`` makes, and put the
    bundle at ``directory``.

    The document is made here and let go once ``evidence.json`` is written: the other files
    are rendered from that file as written, and the run never holds two copies at once.
    """
    problem = check_destination(directory)
    if problem is not None:
        raise BundleError(problem)
    # Rendering pulls in Jinja2; imported here so that pytest starts without it.
    from pytest_cutover.evidence.closeout import stream_closeout  # noqa: PLC0415
    from pytest_cutover.evidence.junit import stream_junit  # noqa: PLC0415
    from pytest_cutover.evidence.report import stream_report  # noqa: PLC0415

    renderers: dict[str, Callable[[EvidenceDocument], Iterable[str]]] = {
        "report.html": stream_report,
        "closeout.md": stream_closeout,
        "junit.xml": stream_junit,
    }
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = directory.parent / f".{directory.name}.{uuid.uuid4().hex}.tmp"
    staging.mkdir()
    try:
        document = make_document()
        with (staging / "evidence.json").open("w", encoding="utf-8") as file:
            file.writelines(_stream_json(document))
        del document
        # The other files are rendered from evidence.json as written, so that verify,
        # rendering them again from it, gets the same bytes.
        written = json.loads((staging / "evidence.json").read_text(encoding="utf-8"))
        for name, render in renderers.items():
            with (staging / name).open("w", encoding="utf-8", newline="") as file:
                file.writelines(render(written))
        names = sorted(["evidence.json", *renderers])
        manifest = "".join(f"{_digest(staging / name)}  {name}\n" for name in names)
        (staging / MANIFEST).write_text(manifest, encoding="utf-8")
        _replace(staging, directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _stream_json(document: EvidenceDocument) -> Iterable[str]:
    yield from json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(document)
    yield "\n"


def _replace(staging: Path, directory: Path) -> None:
    if not directory.exists():
        staging.rename(directory)
        return
    old = directory.parent / f".{directory.name}.{uuid.uuid4().hex}.old"
    directory.rename(old)
    staging.rename(directory)
    shutil.rmtree(old, ignore_errors=True)


def verify_bundle(directory: Path) -> list[str]:
    """Every problem with the bundle at ``directory``; an empty list means it is intact.

    Each file is opened only when it is a regular file of the bundle folder itself (never
    through a symbolic link, never a FIFO that would block), and every problem is one
    sentence: nothing the bundle holds makes verify stop with a traceback.
    """
    if not directory.is_dir():
        return [messages.NOT_A_FOLDER.format(path=directory)]
    try:
        present = {entry.name for entry in directory.iterdir()}
    except OSError as error:
        return [messages.CANNOT_LIST.format(path=directory, reason=error.strerror)]
    problems = _marker_problems(directory)
    if MANIFEST not in present:
        return problems or [messages.NO_MANIFEST.format(manifest=MANIFEST, path=directory)]
    manifest = _read_member(directory, MANIFEST)
    if isinstance(manifest, str):
        return [*problems, manifest]
    try:
        lines = manifest.decode("utf-8").splitlines()
    except UnicodeDecodeError as error:
        byte = f"0x{error.object[error.start]:02x}"
        return [
            *problems,
            messages.MANIFEST_NOT_UTF8.format(manifest=MANIFEST, byte=byte, offset=error.start),
        ]
    entries, entry_problems = manifest_entries(lines)
    problems.extend(entry_problems)
    contents: dict[str, bytes] = {}
    for name, digest in entries.items():
        data = _read_member(directory, name)
        if isinstance(data, str):
            problems.append(data)
            continue
        if hashlib.sha256(data).hexdigest() != digest:
            problems.append(messages.MEMBER_CHANGED.format(name=name))
        contents[name] = data
    unlisted = sorted(present - set(entries) - {MANIFEST, *_MARKERS})
    problems.extend(messages.MEMBER_ADDED.format(name=n, manifest=MANIFEST) for n in unlisted)
    problems.extend(
        messages.MEMBER_UNLISTED.format(name=name, manifest=MANIFEST)
        for name in CONTENTS
        if name not in entries
    )
    if "evidence.json" in contents:
        problems.extend(_evidence_problems(contents))
    return problems


def manifest_entries(lines: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """The files a manifest names (name to sha256), and each line it refuses: not
    ``<sha256>  <file>``, an absolute path, a ``..``, a subfolder, a name repeated.

    >>> line = "{}  {}".format
    >>> entries, problems = manifest_entries([line("0" * 64, "a"), line("1" * 64, "../b")])
    >>> list(entries), problems[0].startswith("MANIFEST.sha256 line 2 names '../b', outside")
    (['a'], True)
    """
    entries: dict[str, str] = {}
    first_line: dict[str, int] = {}
    problems = []
    for number, line in enumerate(lines, 1):
        match = _MANIFEST_LINE.match(line)
        if match is None:
            problems.append(messages.MANIFEST_BAD_LINE.format(manifest=MANIFEST, line=number))
            continue
        digest, name = match.groups()
        refused = _refused_name(name, number)
        if refused is not None:
            problems.append(refused)
        elif name in entries:
            problems.append(
                messages.MANIFEST_REPEATED.format(
                    manifest=MANIFEST, line=number, name=name, first=first_line[name]
                )
            )
        else:
            entries[name], first_line[name] = digest, number
    return entries, problems


def _refused_name(name: str, line: int) -> str | None:
    """Why a manifest may not name ``name``, or None: it names a file of the bundle folder."""
    parts = re.split(r"[/\\]", name)
    values = {"manifest": MANIFEST, "line": line, "name": name}
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
        return messages.MANIFEST_ABSOLUTE.format(**values)
    if ".." in parts:
        return messages.MANIFEST_PARENT.format(**values)
    if len(parts) > 1 or name in (".", MANIFEST):
        return messages.MANIFEST_SUBFOLDER.format(**values)
    return None


def _read_member(directory: Path, name: str) -> bytes | str:
    """The bytes of the bundle's file ``name``, or the sentence that says why it has none."""
    path = directory / name
    refused = _not_a_plain_file(path)
    if refused is not None:
        return refused
    try:
        # O_NOFOLLOW and O_NONBLOCK: a file swapped for a link or a FIFO since lstat is
        # refused, never followed or waited on.
        descriptor = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK)
        with os.fdopen(descriptor, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                return messages.MEMBER_NOT_A_FILE.format(name=name, kind="special file")
            return file.read()
    except OSError as error:
        return messages.MEMBER_UNREADABLE.format(name=name, reason=error.strerror)


def _not_a_plain_file(path: Path) -> str | None:
    """Why ``path`` is not a regular file of its own (missing, a link, a folder...), or None."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return messages.MEMBER_REMOVED.format(name=path.name)
    except OSError as error:
        return messages.MEMBER_UNREADABLE.format(name=path.name, reason=error.strerror)
    if stat.S_ISLNK(mode):
        return messages.MEMBER_SYMLINK.format(name=path.name, target=_link_target(path))
    if not stat.S_ISREG(mode):
        return messages.MEMBER_NOT_A_FILE.format(name=path.name, kind=_kind_of(mode))
    return None


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def _link_target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "somewhere unreadable"


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special file"


def _marker_problems(directory: Path) -> list[str]:
    """What the run markers say: a run that never finished here, a bundle superseded."""
    problems = []
    in_progress = _marker(directory / IN_PROGRESS)
    if in_progress is not None:
        problems.append(
            messages.VERIFY_IN_PROGRESS.format(
                run_id=in_progress.get("run_id"), started=in_progress.get("started")
            )
        )
    superseded = _marker(directory / SUPERSEDED)
    if superseded is not None:
        problems.append(
            messages.VERIFY_SUPERSEDED.format(
                run_id=superseded.get("superseded_by"), at=superseded.get("at")
            )
        )
    return problems


def _marker(path: Path) -> dict[str, Any] | None:
    if not os.path.lexists(path):
        return None
    data = _read_member(path.parent, path.name)
    try:
        found = json.loads(data) if isinstance(data, bytes) else None
    except (ValueError, RecursionError):
        found = None
    return found if isinstance(found, dict) else {}


def _evidence_problems(contents: Mapping[str, bytes]) -> list[str]:
    """What is wrong with ``evidence.json`` itself, and where the other files disagree with it."""
    from jsonschema import Draft202012Validator  # noqa: PLC0415 - only verify needs it

    from pytest_cutover import __version__  # noqa: PLC0415 - read from metadata when asked
    from pytest_cutover.evidence.agreement import agreement_problems  # noqa: PLC0415 - pulls in Jinja2

    try:
        document = json.loads(contents["evidence.json"].decode("utf-8"))
    except RecursionError as error:
        return [messages.EVIDENCE_TOO_DEEP.format(problem=error)]
    except ValueError as error:  # also UnicodeDecodeError
        return [messages.EVIDENCE_NOT_JSON.format(problem=_short(str(error)))]
    try:
        errors = sorted(
            Draft202012Validator(evidence_schema()).iter_errors(document), key=lambda e: e.path
        )
    except RecursionError as error:
        return [messages.EVIDENCE_TOO_DEEP.format(problem=error)]
    if errors:
        return [
            messages.EVIDENCE_SCHEMA.format(
                where="/".join(map(str, e.path)), problem=_short(e.message)
            )
            for e in errors[:10]
        ]
    try:
        problems = [f"evidence.json: {problem}" for problem in disagreements(document)]
    except ValueError as error:  # a field the schema allows but the rules cannot read
        return [f"evidence.json: {messages.CANNOT_RECOMPUTE.format(error=error)}"]
    rendered = {name: data for name, data in contents.items() if name != "evidence.json"}
    return [*problems, *agreement_problems(document, rendered, __version__)]


def _short(text: str) -> str:
    """``text`` cut to one line's worth: a schema message quotes the value it refuses."""
    return cut(text, 300, one_line=True)


def evidence_schema() -> dict[str, Any]:
    """The JSON Schema of ``evidence.json``, shipped in the package."""
    return load_schema("evidence")


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
