"""The evidence bundle: written all at once, verifiable file by file.

A bundle is a folder with ``report.html``, ``evidence.json``, ``closeout.md``,
``junit.xml`` and ``MANIFEST.sha256`` (``sha256sum`` format, so
``sha256sum -c MANIFEST.sha256`` checks it). It is built in a temporary folder
next to its place and moved there in one rename, so no reader ever sees a
half-written bundle.
"""

from __future__ import annotations

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
    if present and not (MANIFEST in present and present <= {MANIFEST, *CONTENTS}):
        return f"{directory} already holds files that are not an evidence bundle"
    return None


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
    manifest = directory / MANIFEST
    if not manifest.is_file():
        return [f"{MANIFEST} is missing, so nothing in {directory} can be checked"]
    problems: list[str] = []
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
    present = {entry.name for entry in directory.iterdir()} - {MANIFEST}
    problems.extend(f"{name} was added" for name in sorted(present - listed))
    problems.extend(f"{name} is missing from {MANIFEST}" for name in CONTENTS if name not in listed)
    if (directory / "evidence.json").is_file():
        problems.extend(_evidence_problems(directory / "evidence.json"))
    return problems


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
