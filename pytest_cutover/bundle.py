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
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import shutil
import uuid
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from pytest_cutover import messages
from pytest_cutover.document import disagreements

MANIFEST = "MANIFEST.sha256"
CONTENTS = ("closeout.md", "evidence.json", "junit.xml", "report.html")
#: In DIR while a run that will write its bundle there is under way.
IN_PROGRESS = "IN_PROGRESS.json"
#: In a bundle that a later run moved aside.
SUPERSEDED = "SUPERSEDED.json"
_MARKERS = (IN_PROGRESS, SUPERSEDED)
_MANIFEST_LINE = re.compile(r"^([0-9a-f]{64})  (\S.*)$")


class BundleError(Exception):
    """The bundle cannot be written where it was asked for."""


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
    try:
        document = json.loads((directory / "evidence.json").read_text(encoding="utf-8"))
        run_id = document["run"]["run_id"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return run_id if isinstance(run_id, str) and re.fullmatch(r"[\w.-]+", run_id) else None


def write_bundle(directory: Path, document: Mapping[str, Any]) -> None:
    """Render every file of the bundle from ``document`` and put the bundle at ``directory``."""
    problem = check_destination(directory)
    if problem is not None:
        raise BundleError(problem)
    # Rendering pulls in Jinja2; imported here so that pytest starts without it.
    from pytest_cutover.closeout import stream_closeout  # noqa: PLC0415
    from pytest_cutover.junit import stream_junit  # noqa: PLC0415
    from pytest_cutover.report_html import stream_report  # noqa: PLC0415

    writers: dict[str, Callable[[Mapping[str, Any]], Iterable[str]]] = {
        "evidence.json": _stream_json,
        "report.html": stream_report,
        "closeout.md": stream_closeout,
        "junit.xml": stream_junit,
    }
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = directory.parent / f".{directory.name}.{uuid.uuid4().hex}.tmp"
    staging.mkdir()
    try:
        for name, write in writers.items():
            with (staging / name).open("w", encoding="utf-8") as file:
                file.writelines(write(document))
        manifest = "".join(f"{_digest(staging / name)}  {name}\n" for name in sorted(writers))
        (staging / MANIFEST).write_text(manifest, encoding="utf-8")
        _replace(staging, directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _stream_json(document: Mapping[str, Any]) -> Iterable[str]:
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
    """Every problem with the bundle at ``directory``; an empty list means it is intact."""
    if not directory.is_dir():
        return [f"{directory} is not a folder"]
    problems = _marker_problems(directory)
    manifest = directory / MANIFEST
    if not manifest.is_file():
        if problems:
            return problems
        return [f"{MANIFEST} is missing, so nothing in {directory} can be checked"]
    listed: set[str] = set()
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
        match = _MANIFEST_LINE.match(line)
        if match is None:
            problems.append(f"{MANIFEST} line {number} is not '<sha256>  <file>'")
            continue
        digest, name = match.groups()
        listed.add(name)
        target = directory / name
        if not target.is_file():
            problems.append(f"{name} was removed")
        elif _digest(target) != digest:
            problems.append(f"{name} was changed")
    present = {entry.name for entry in directory.iterdir()} - {MANIFEST, *_MARKERS}
    problems.extend(f"{name} was added" for name in sorted(present - listed))
    problems.extend(f"{name} is missing from {MANIFEST}" for name in CONTENTS if name not in listed)
    if (directory / "evidence.json").is_file():
        problems.extend(_evidence_problems(directory / "evidence.json"))
    return problems


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
    if not path.exists():
        return None
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        found = None
    return found if isinstance(found, dict) else {}


def _evidence_problems(path: Path) -> list[str]:
    from jsonschema import Draft202012Validator  # noqa: PLC0415 - only verify needs it

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [f"evidence.json is not valid JSON: {exc}"]
    errors = sorted(
        Draft202012Validator(evidence_schema()).iter_errors(document), key=lambda e: e.path
    )
    if errors:
        return [
            f"evidence.json does not match its schema at /{'/'.join(map(str, e.path))}: {e.message}"
            for e in errors[:10]
        ]
    try:
        problems = disagreements(document)
    except ValueError as error:  # a field the schema allows but the rules cannot read
        return [f"evidence.json: {messages.CANNOT_RECOMPUTE.format(error=error)}"]
    return [f"evidence.json: {problem}" for problem in problems]


@cache
def evidence_schema() -> dict[str, Any]:
    """The JSON Schema of ``evidence.json``, shipped in the package."""
    text = files("pytest_cutover").joinpath("schema/evidence.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
