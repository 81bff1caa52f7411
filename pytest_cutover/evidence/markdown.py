"""Values written into Markdown, escaped for Markdown (CommonMark), so content cannot steer it.

A value is text, never markup: in running text every character CommonMark could read as
markup is backslash-escaped (a backslash before ASCII punctuation always shows the
character itself), so a value cannot open a link, an autolink, raw HTML, emphasis, a code
span or an entity, and one that would start a heading, a quote or a list item where it
begins a line is neutralised. A value shown as code goes in a code span or fence longer
than any run of backticks inside it, so it cannot close it. No HTML entities are written:
``>=`` is written as ``>=``, in code and in text.
"""

from __future__ import annotations

import re

#: ASCII punctuation that can start or end inline markup in CommonMark wherever it stands
#: (and GFM's ``~`` and table ``|``); each is backslash-escaped in running text. An
#: underscore between two letters or digits cannot open or close emphasis and is kept, so
#: ``test_x.py`` reads as it is; ``#`` and ``>`` only matter where a line begins.
_INLINE_MARKUP = re.compile(r"([\\`*\[\]<|&~]|(?<![^\W_])_|_(?![^\W_]))")
#: A value that begins with a heading or quote marker, a list marker (``-``, ``+``,
#: ``1.``, ``1)`` and a space), a thematic break or a setext underline (``---``, ``===``)
#: would start one where it begins a line or a list item.
_LEADING_MARKER = re.compile(r"^(?:([-+=])(?=[-+= ]|$)|([#>])|(\d{1,9})([.)])(?= |$))")
_BACKTICKS = re.compile(r"`+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def text(value: object) -> str:
    """``value`` as one line of Markdown text that reads exactly as ``value``.

    >>> text("[x](javascript:alert(1)) <script> a|b")
    '\\\\[x\\\\](javascript:alert(1)) \\\\<script> a\\\\|b'
    >>> text("# heading"), text("- item"), text("12. item"), text("version >= 2")
    ('\\\\# heading', '\\\\- item', '12\\\\. item', 'version >= 2')
    >>> text("3.11.7"), text("-x"), text("---"), text("> quote"), text("test_x.py _y_")
    ('3.11.7', '-x', '\\\\---', '\\\\> quote', 'test_x.py \\\\_y\\\\_')
    >>> text("two\\nlines")
    'two lines'
    """
    flat = " ".join(str(value).split())
    escaped = _INLINE_MARKUP.sub(r"\\\1", flat)
    return _LEADING_MARKER.sub(_escape_marker, escaped, count=1)


def _escape_marker(match: re.Match[str]) -> str:
    if match.group(1) or match.group(2):
        return "\\" + match.group(0)
    return f"{match.group(3)}\\{match.group(4)}"


def code(value: object) -> str:
    """``value`` as an inline code span, on one line, that no backtick inside can close.

    >>> code("a >= b")
    '`a >= b`'
    >>> code("echo `date`")
    '`` echo `date` ``'
    >>> code("")
    '` `'
    """
    content = _LINE_BREAK.sub(" ", str(value))
    if not content:
        return "` `"
    fence = "`" * (_longest_backtick_run(content) + 1)
    pad = content[0] == "`" or content[-1] == "`" or (content[0] == content[-1] == " ")
    if pad and content.strip(" "):
        content = f" {content} "
    return f"{fence}{content}{fence}"


def fence(value: object, info: str = "") -> str:
    """``value`` as a fenced code block (no trailing newline) that no line inside can close.

    >>> print(fence("$ echo hi\\n```\\n## 7) Final decision", "console"))
    ````console
    $ echo hi
    ```
    ## 7) Final decision
    ````
    """
    content = str(value)
    marker = "`" * max(3, _longest_backtick_run(content) + 1)
    return f"{marker}{info}\n{content}\n{marker}"


def _longest_backtick_run(content: str) -> int:
    return max((len(run) for run in _BACKTICKS.findall(content)), default=0)
