"""The picture of the window in a real browser: visible, one mark per gate that ran, in order."""

from __future__ import annotations

from pathlib import Path

import pytest
from cutover_project import CutoverProject
from playwright.sync_api import Page, expect
from processes import verify
from test_timeline_picture import ran_at, timeline_document

from pytest_cutover.evidence.records import EvidenceDocument
from pytest_cutover.evidence.report import render_report

PICTURE = "#timeline svg.timeline-picture"


def open_report(page: Page, folder: Path, document: EvidenceDocument) -> None:
    report = folder / "report.html"
    report.write_text(render_report(document), encoding="utf-8")
    page.goto(report.as_uri())


def mark_order(page: Page) -> list[str]:
    """The gates of the picture's bars, left to right as the browser lays them out."""
    marks = page.locator(f"{PICTURE} rect.bar")
    placed = []
    for number in range(marks.count()):
        box = marks.nth(number).bounding_box()
        assert box is not None
        assert box["width"] > 0
        assert box["height"] > 0
        placed.append((box["x"], marks.nth(number).get_attribute("data-gate") or ""))
    return [gate for _, gate in sorted(placed)]


def test_the_picture_is_visible_with_a_mark_per_gate_that_ran_in_the_order_they_ran(
    page: Page, tmp_path: Path
) -> None:
    # G2 ran first here, then G1: the marks follow the clock, not the plan's order.
    document = timeline_document(gate_times={"G1": ran_at(-20, 3), "G2": ran_at(-50, 40)})
    open_report(page, tmp_path, document)

    picture = page.locator(PICTURE)
    expect(picture).to_be_visible()
    box = picture.bounding_box()
    assert box is not None
    assert box["width"] > 300
    assert box["height"] > 100
    assert mark_order(page) == ["G2", "G1"]
    expect(picture.locator("text", has_text="G3 Build green: BLOCKED, did not run")).to_be_visible()
    expect(picture.locator("text.t0-label")).to_have_text("T0")


def test_without_t0_the_picture_is_on_the_runs_own_clock(page: Page, tmp_path: Path) -> None:
    open_report(page, tmp_path, timeline_document(t0=None))

    expect(page.locator(PICTURE)).to_be_visible()
    assert mark_order(page) == ["G1", "G2"]
    assert page.locator(f"{PICTURE} .t0, {PICTURE} .phase").count() == 0
    expect(page.locator("#timeline figcaption")).to_contain_text("No T0 in this run")


def test_a_real_runs_report_draws_the_gates_that_ran_in_run_order(
    cutover_project: CutoverProject, page: Page
) -> None:
    cutover_project.plan(
        """
        cutover: Picture
        t0: "2026-12-01T22:00:00+01:00"
        gates:
          - {id: G1, title: Tooling, phase: T-60}
          - {id: G2, title: Config, phase: T-30}
          - {id: G3, title: Build, phase: T-10}
        checks:
          - {id: a, gate: G1, command: [sleep, "0.2"]}
          - {id: b, gate: G2, command: [sh, -c, "sleep 0.2; exit 1"]}
          - {id: c, gate: G3, command: ["true"]}
        """
    )
    result = cutover_project.run("--cutover-evidence=ev")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    checked = verify(cutover_project.path / "ev")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    page.goto((cutover_project.path / "ev" / "report.html").as_uri())

    expect(page.locator(PICTURE)).to_be_visible()
    marks = page.locator(f"{PICTURE} rect.bar")
    assert [marks.nth(i).get_attribute("data-gate") for i in range(marks.count())] == ["G1", "G2"]
    for i in range(marks.count()):
        box = marks.nth(i).bounding_box()
        assert box is not None
        assert box["width"] > 0
    expect(page.locator(PICTURE).locator("text", has_text="G3 Build: BLOCKED")).to_be_visible()
