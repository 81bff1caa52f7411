"""The import rules between the package's folders (docs/architecture.md draws them).

Read from the installed sources with :mod:`ast`, every ``import`` counted: at the
top of a module, inside a function, or under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import cutover_checks
import pytest_cutover

PACKAGE = Path(pytest_cutover.__file__).parent
CHECKS = Path(cutover_checks.__file__).parent

#: What each folder of ``pytest_cutover`` may import of the package (besides itself).
#: The top-level modules ``messages`` and ``errors`` hold sentences and the error tree,
#: and ``schema/`` the JSON Schemas with their loader: every folder may use them.
MAY_IMPORT = {
    "schema": set(),
    "model": set(),
    "safety": {"model"},
    "plan": {"model", "safety"},
    "evidence": {"model", "plan", "safety"},
    "run": {"model", "plan", "safety", "evidence"},
    "integrations": {"model", "safety", "evidence", "run"},
}
#: Folders that are the pytest shell's; everything else works without pytest.
USES_PYTEST = {"run", "integrations"}


def shown(value: object) -> str:
    """A parameter as a test id: a module by its path inside the package."""
    if isinstance(value, Path):
        return value.relative_to(value.parents[1]).as_posix()
    return str(value)


def imports_of(path: Path) -> Iterator[str]:
    """Every module ``path`` imports, as a dotted name (``from a import b`` gives ``a.b``
    too, since ``b`` may be a module)."""
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None and not node.level:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def folder_modules(folders: set[str] | None = None) -> list[tuple[str, Path]]:
    """The modules of the given folders (all by default), with their folder."""
    return [
        (folder, path)
        for folder in MAY_IMPORT
        if folders is None or folder in folders
        for path in sorted((PACKAGE / folder).glob("*.py"))
    ]


def folder_of(module: str) -> str | None:
    """The folder of ``pytest_cutover`` that ``module`` is in, if it is in one."""
    parts = module.split(".")
    if parts[0] != "pytest_cutover" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in MAY_IMPORT else None


def test_every_folder_of_the_package_has_import_rules() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert folders == set(MAY_IMPORT)


@pytest.mark.parametrize(("folder", "path"), folder_modules(), ids=shown)
def test_a_folder_imports_only_the_folders_below_it(folder: str, path: Path) -> None:
    allowed = MAY_IMPORT[folder] | {folder, "schema"}
    wrong = sorted(
        module
        for module in imports_of(path)
        if (other := folder_of(module)) is not None and other not in allowed
    )
    assert wrong == [], f"{folder}/{path.name} imports {wrong}; {folder}/ may import {allowed}"


@pytest.mark.parametrize(
    ("folder", "path"), folder_modules(set(MAY_IMPORT) - USES_PYTEST), ids=shown
)
def test_only_the_pytest_shell_imports_pytest(folder: str, path: Path) -> None:
    found = sorted(m for m in imports_of(path) if m.split(".")[0] in ("pytest", "_pytest"))
    assert found == [], f"{folder}/{path.name} imports {found}"


#: Top-level modules every folder may use; only the entry points (``plugin.py``,
#: ``__main__.py``, and ``hookspecs.py`` for the types of its hooks) import the folders.
SHARED_MODULES = ("messages.py", "errors.py")


@pytest.mark.parametrize(
    "path", [p for p in sorted(PACKAGE.glob("*.py")) if p.name in SHARED_MODULES], ids=shown
)
def test_the_shared_top_level_modules_import_no_folder(path: Path) -> None:
    wrong = sorted(m for m in imports_of(path) if folder_of(m) is not None)
    assert wrong == [], f"{path.name} imports {wrong}; it must stay importable on its own"


@pytest.mark.parametrize("path", sorted(CHECKS.glob("*.py")), ids=lambda p: p.name)
def test_the_check_library_imports_neither_pytest_nor_the_plugin(path: Path) -> None:
    found = sorted(
        m for m in imports_of(path) if m.split(".")[0] in ("pytest", "_pytest", "pytest_cutover")
    )
    assert found == [], f"cutover_checks/{path.name} imports {found}"


def test_the_import_reader_sees_every_kind_of_import(tmp_path: Path) -> None:
    source = tmp_path / "sample.py"
    source.write_text(
        "import os\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from pytest_cutover.run import session\n"
        "def f():\n"
        "    import pytest\n"
        "    from . import sibling\n"
    )
    assert set(imports_of(source)) == {
        "os",
        "typing",
        "typing.TYPE_CHECKING",
        "pytest_cutover.run",
        "pytest_cutover.run.session",
        "pytest",
    }
