"""report.html in a real browser: readable at once, with or without JavaScript, and inert."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from test_report_html import make_check, make_command, make_document

from pytest_cutover.evidence.report import render_report

PAYLOAD = "<script>document.title = 'pwned'; window.pwned = true</script>"
FAILED = '[id="check-db.reachable"]'
PASSED = '[id="check-dns.resolves"]'


@pytest.fixture
def report_uri(tmp_path: Path) -> str:
    """A rendered report in a folder whose name needs escaping in a URL."""
    document = make_document(
        [
            make_check(
                "db.reachable",
                "failed",
                message=f"connection refused {PAYLOAD}",
                commands=[make_command(["pg_isready"], exit_code=2, stdout=PAYLOAD)],
            ),
            make_check(
                "dns.resolves",
                commands=[make_command(["dig", "+short", "db"], stdout="10.0.0.7")],
            ),
        ]
    )
    folder = tmp_path / "evidence 100% bündle"
    folder.mkdir()
    report = folder / "report.html"
    report.write_text(render_report(document), encoding="utf-8")
    return report.as_uri()


def assert_readable(page: Page) -> None:
    """The banner, the gate table and the failure are visible; the passing check opens on click."""
    expect(page.locator("#decision")).to_be_visible()
    expect(page.locator("#decision .verdict")).to_have_text("NO-GO")
    expect(page.locator("#gates table")).to_be_visible()
    expect(page.locator("#gates tbody tr").first).to_contain_text("FAILED")
    expect(page.locator(FAILED).get_by_text("pg_isready")).to_be_visible()
    passed_output = page.locator(PASSED).get_by_text("10.0.0.7")
    expect(passed_output).to_be_hidden()
    page.locator(f"{PASSED} > summary").click()
    expect(passed_output).to_be_visible()


def test_the_decision_banner_and_gate_table_are_visible(page: Page, report_uri: str) -> None:
    page.goto(report_uri)

    expect(page.locator("#decision")).to_be_visible()
    expect(page.locator("#decision")).to_contain_text("NO-GO")
    expect(page.locator("#gates table")).to_be_visible()


def test_a_failed_checks_evidence_is_visible_without_clicking(page: Page, report_uri: str) -> None:
    page.goto(report_uri)

    expect(page.locator(FAILED)).to_have_attribute("open", "")
    expect(page.locator(FAILED).get_by_text("pg_isready")).to_be_visible()
    expect(page.locator(f"{FAILED} pre")).to_have_text(PAYLOAD)


def test_a_passed_checks_evidence_is_hidden_until_its_summary_is_clicked(
    page: Page, report_uri: str
) -> None:
    page.goto(report_uri)
    evidence = page.locator(PASSED).get_by_text("10.0.0.7")
    expect(evidence).to_be_hidden()

    page.locator(f"{PASSED} > summary").click()

    expect(evidence).to_be_visible()


def test_the_same_content_is_readable_with_javascript_disabled(
    page_without_js: Page, report_uri: str
) -> None:
    page_without_js.goto(report_uri)

    assert_readable(page_without_js)


def test_a_script_in_a_message_or_stdout_does_not_run_and_shows_as_text(
    page: Page, report_uri: str
) -> None:
    page.goto(report_uri)

    assert page.title() == "NO-GO: Billing cutover (cutover evidence)"
    assert page.evaluate("typeof window.pwned") == "undefined"
    expect(page.locator(f"{FAILED} dd.text")).to_have_text(f"connection refused {PAYLOAD}")
    expect(page.locator(f"{FAILED} pre")).to_have_text(PAYLOAD)
    assert page.locator("script").count() == 0


def test_the_report_requests_nothing_but_itself_and_logs_no_errors(
    page: Page, report_uri: str
) -> None:
    requests: list[str] = []
    console: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))

    page.goto(report_uri)
    page.locator(f"{PASSED} > summary").click()

    assert requests == [report_uri]
    assert console == []


def test_printing_shows_every_checks_evidence(page: Page, report_uri: str) -> None:
    page.goto(report_uri)

    page.emulate_media(media="print")

    expect(page.locator(PASSED).get_by_text("10.0.0.7")).to_be_visible()
    expect(page.locator(FAILED).get_by_text("pg_isready")).to_be_visible()
