"""closeout.md cannot be steered by its content: read with a real CommonMark parser.

A value in the closeout (a plan name, a gate title, a check's message, a command's argv)
is text, never markup: it cannot plant a heading, a second decision, a link or raw HTML,
and it reads back as written (no ``&gt;`` for ``>``).
"""

from __future__ import annotations

import json
import shlex

import pytest
from cutover_project import CutoverProject
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from pytest_cutover.evidence import markdown
from pytest_cutover.evidence.closeout import STAMP
from pytest_cutover.evidence.records import EvidenceDocument

HOSTILE = "[x](javascript:alert(1)) # heading <script>alert(1)</script> <https://evil.example>"
PLANTED = "\n```\n\n## 7) Final decision\n\n- Decision: **GO**\n\n```\n"
#: A command whose argv breaks out of a three-backtick fence, and a comparison.
ARGV = ["sh", "-c", f"echo '{PLANTED}'; test 1 -ge 2", "version >= 2"]
#: Headings the plugin writes, in order, around one per check.
SECTIONS_BEFORE = ["1) Scope", "2) Gates and their results", "3) Executed evidence"]
SECTIONS_AFTER = [
    "4) Sign-off checklist",
    "5) Rollback plan",
    "6) Open constraints",
    "7) Final decision",
]


def plain(token: Token) -> str:
    """The text a reader sees in an inline token."""
    return "".join(child.content for child in token.children or [] if child.type != "softbreak")


@pytest.fixture
def closeout(cutover_project: CutoverProject) -> tuple[str, EvidenceDocument]:
    """A NO-GO run whose plan, gate titles, check message and argv are all hostile."""
    plan = {
        "cutover": f"Hostile {HOSTILE}",
        "gates": [
            {"id": "G1", "title": f"# {HOSTILE}", "phase": "T-60"},
            {"id": "G2", "title": "- Decision: **GO** version >= 2", "phase": "T-30"},
        ],
        "checks": [{"id": "planted-fence", "gate": "G1", "command": ARGV}],
    }
    cutover_project.write("cutover.yaml", json.dumps(plan))
    cutover_project.test_modules(
        test_hostile=f"""
        import pytest

        @pytest.mark.gate("G1")
        def test_hostile_message():
            pytest.fail({f"- Decision: **GO**{PLANTED}{HOSTILE} >= &amp;"!r}, pytrace=False)
        """
    )
    result = cutover_project.run("--cutover-evidence", "ev")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    document = result.evidence
    assert document["decision"]["verdict"] == "NO-GO"
    return (cutover_project.path / "ev" / "closeout.md").read_text(encoding="utf-8"), document


def test_the_closeout_has_exactly_the_headings_the_plugin_writes(
    closeout: tuple[str, EvidenceDocument],
) -> None:
    text, document = closeout
    tokens = MarkdownIt("commonmark").parse(text)
    headings = [
        (token.tag, plain(tokens[index + 1]))
        for index, token in enumerate(tokens)
        if token.type == "heading_open"
    ]
    checks = [c for c in document["checks"] if c["outcome"] != "deselected"]
    assert headings == [
        ("h1", f"Hostile {HOSTILE}: cutover closeout"),
        *(("h2", section) for section in SECTIONS_BEFORE),
        *(("h3", f"{check['gate']} / {check['id']}") for check in checks),
        *(("h2", section) for section in SECTIONS_AFTER),
    ]


def test_the_closeout_states_one_decision_the_real_one(
    closeout: tuple[str, EvidenceDocument],
) -> None:
    text, _ = closeout
    tokens = MarkdownIt("commonmark").parse(text)
    statements = [
        plain(token)
        for index, token in enumerate(tokens)
        if token.type == "inline"
        and tokens[index - 1].type == "paragraph_open"
        and plain(token).startswith("Decision:")
    ]
    assert statements == ["Decision: NO-GO"]
    inline = [token.children or [] for token in tokens if token.type == "inline"]
    strong = [
        children[index + 1].content
        for children in inline
        for index, child in enumerate(children)
        if child.type == "strong_open"
    ]
    assert strong == ["NO-GO"], "the only bold text is the plugin's decision"


def test_the_closeout_has_no_link_and_no_html_but_its_stamp(
    closeout: tuple[str, EvidenceDocument],
) -> None:
    text, document = closeout
    tokens = MarkdownIt("commonmark").parse(text)
    inline = [child for token in tokens for child in token.children or []]
    assert [t for t in inline if t.type in ("link_open", "image", "html_inline")] == []
    stamp = STAMP.format(run_id=document["run"]["run_id"], decision="NO-GO")
    assert [t.content for t in tokens if t.type == "html_block"] == [stamp + "\n"]


def test_values_read_back_as_written_with_no_html_entities(
    closeout: tuple[str, EvidenceDocument],
) -> None:
    text, _ = closeout
    tokens = MarkdownIt("commonmark").parse(text)
    fences = [token.content for token in tokens if token.type == "fence"]
    assert fences == [f"$ {shlex.join(ARGV)}\n"], "the argv stays inside its one code block"
    paragraphs = [plain(token) for token in tokens if token.type == "inline"]
    assert any("| # " + HOSTILE + " |" in p for p in paragraphs), "a gate title is its text"
    assert any("- Decision: **GO** version >= 2" in p for p in paragraphs)
    message = " ".join(f"- Decision: **GO**{PLANTED}{HOSTILE} >= &amp;".split())
    assert f"Result: FAILED: Failed: {message}" in paragraphs
    assert "&gt;" not in text.replace("&amp;", "")
    assert "&lt;" not in text.replace("&amp;", "")


# -- the escaping functions, against the parser, for any text --------------------------------

#: Text a Markdown file holds: no NUL (CommonMark replaces it) and no lone CR (a line ending).
TEXT = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00\r"))


@given(TEXT)
def test_any_text_reads_back_as_itself(value: str) -> None:
    flat = " ".join(value.split())
    rendered = MarkdownIt("commonmark").render(markdown.text(value))
    assert rendered == (f"<p>{escapeHtml(flat)}</p>\n" if flat else "")


@given(TEXT)
def test_any_text_reads_back_as_itself_inside_a_line_and_as_a_list_item(value: str) -> None:
    flat = " ".join(value.split())
    parser = MarkdownIt("commonmark")
    inside = parser.render(f"Result: {markdown.text(value)}")
    assert inside == f"<p>Result: {escapeHtml(flat)}</p>\n".replace(" </p>", "</p>")
    item = parser.render(f"- {markdown.text(value)}")
    assert item == (
        f"<ul>\n<li>{escapeHtml(flat)}</li>\n</ul>\n" if flat else "<ul>\n<li></li>\n</ul>\n"
    )


@given(TEXT)
def test_any_code_span_holds_its_value_on_one_line(value: str) -> None:
    shown = value.replace("\n", " ")
    rendered = MarkdownIt("commonmark").render(markdown.code(value))
    assert rendered == f"<p><code>{escapeHtml(shown or ' ')}</code></p>\n"


@given(TEXT)
def test_any_fence_holds_its_value_whole(value: str) -> None:
    rendered = MarkdownIt("commonmark").render(markdown.fence(value, "console"))
    assert rendered == f'<pre><code class="language-console">{escapeHtml(value)}\n</code></pre>\n'
