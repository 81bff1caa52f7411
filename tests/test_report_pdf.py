"""report.html printed to PDF by the real Chromium: the decision and every gate row survive.

A change board often files the evidence page as a PDF. Printing is Chromium's own
(``page.pdf``, print media); the PDF's text is read back with pypdf, as a reader's
search would find it.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from cutover_project import CutoverProject
from playwright.sync_api import Page
from pypdf import PdfReader

CHECKS = """
    t0: "2026-12-01T22:00:00+01:00"
    checks:
      - {id: bash-on-path, gate: G1, tool: bash}
      - {id: config-present, gate: G2, command: ["true"]}
      - {id: build-green, gate: G3, command: [sh, -c, "echo build broke >&2; exit 2"]}
      - {id: switched, gate: G4, command: ["true"]}
      - {id: healthy, gate: G5, command: ["true"]}
"""
#: The gate table's rows as they read in the PDF: id, title, phase and status.
ROWS = [
    "G1 Tooling ready T-60 PASSED",
    "G2 Config valid T-30 PASSED",
    "G3 Build green T-10 FAILED",
    "G4 Switched T0 OUT OF SCOPE",
    "G5 Healthy T+10 OUT OF SCOPE",
]


def pdf_text(path: Path) -> str:
    """The PDF's text as a search reads it: its ligatures (Chromium sets "fi" as one glyph)
    as letters, its whitespace (line and page breaks too) as single spaces."""
    reader = PdfReader(path)
    text = unicodedata.normalize("NFKC", " ".join(page.extract_text() for page in reader.pages))
    return " ".join(text.split())


def test_the_printed_report_carries_the_decision_and_every_gate_row(
    cutover_project: CutoverProject, page: Page
) -> None:
    cutover_project.five_gates(CHECKS)
    result = cutover_project.run("-m", "preflight", "--cutover-evidence=evidence")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    page.goto((cutover_project.path / "evidence" / "report.html").as_uri())
    pdf = cutover_project.path / "report.pdf"

    page.pdf(path=str(pdf), format="A4", print_background=True)

    text = pdf_text(pdf)
    assert "NO-GO Test cutover" in text
    assert "gate G3 'Build green' FAILED: build-green failed" in text  # the reason
    where = [text.find(row) for row in ROWS]
    assert -1 not in where, [row for row in ROWS if row not in text]
    assert where == sorted(where)  # in the table's order
    assert "build broke" in text  # the failed check's evidence, printed open
    assert "T0" in text  # the timeline picture's text prints as text
