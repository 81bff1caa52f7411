"""The user's pytest-html report gets the decision, the gate table and gate columns, escaped."""

from __future__ import annotations

from pathlib import Path

import pytest
from cutover_project import CutoverProject
from playwright.sync_api import Page, expect

PAYLOAD = "<script>window.pwned = 1</script>"


@pytest.fixture
def html_report(cutover_project: CutoverProject) -> Path:
    cutover_project.plan(
        f"""
        cutover: 'Cutover {PAYLOAD}'
        gates:
          - {{id: G1, title: 'Tooling {PAYLOAD}', phase: T-60}}
          - {{id: G2, title: Config, phase: T-60}}
        checks:
          - {{id: sh-on-path, gate: G1, tool: sh}}
          - {{id: prints-markup, gate: G2, command: [sh, -c, 'echo "{PAYLOAD}"; exit 1']}}
        """
    )
    cutover_project.test_modules(test_plain="def test_unrelated(): pass")
    # pytest-html itself shows nothing from a path with %
    folder = cutover_project.mkdir("html-report")
    result = cutover_project.run("--html", str(folder / "report.html"), "--self-contained-html")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    return folder / "report.html"


def test_everything_the_plugin_adds_is_escaped(html_report: Path) -> None:
    text = html_report.read_text(encoding="utf-8")
    assert "Cutover decision: NO-GO" in text
    assert "Cutover &lt;script&gt;window.pwned = 1&lt;/script&gt;" in text
    assert "Tooling &lt;script&gt;" in text
    assert '<th class="sortable" data-column-type="gate">Gate</th>' in text


def test_the_enriched_report_shows_the_decision_and_gate_columns_in_a_browser(
    page: Page, html_report: Path
) -> None:
    page.goto(html_report.as_uri())
    expect(page.locator(".cutover-decision h3")).to_have_text("Cutover decision: NO-GO")
    expect(page.locator(".cutover-gates")).to_contain_text("FAILED")
    expect(page.locator("#results-table-head")).to_contain_text("Gate")
    expect(page.locator("td.col-gate").first).to_be_visible()
    expect(page.locator(".cutover-decision")).to_contain_text(PAYLOAD)
    assert page.evaluate("window.pwned") is None
