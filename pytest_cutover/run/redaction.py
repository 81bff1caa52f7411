"""Redaction of what pytest itself shows: reports, warnings, live logs and log files.

Every reader (the terminal, JUnit XML, pytest-html, other plugins) sees the text
after these functions replaced its secrets. They are used in every run, also in
one without cutover checks, so this module imports only the redactor.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable

import pytest

from pytest_cutover.safety.redact import MARKER, is_secret_name

Redact = Callable[[str], str]


def redact_report(report: pytest.TestReport | pytest.CollectReport, redact: Redact) -> None:
    """Replace secrets in a report's failure text or skip reason, its xfail reason, its
    captured output and its user properties (``record_property``)."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):
        path, line, reason = longrepr
        cleaned = redact(str(reason))
        if cleaned != reason:
            report.longrepr = (path, line, cleaned)
    elif longrepr is not None:
        text = str(longrepr)
        cleaned = redact(text)
        if cleaned != text:
            report.longrepr = cleaned
    wasxfail = getattr(report, "wasxfail", None)
    if isinstance(wasxfail, str) and wasxfail:
        report.wasxfail = redact(wasxfail)  # type: ignore[union-attr]  # set by pytest's skipping
    if report.sections:
        report.sections = [(title, redact(content)) for title, content in report.sections]
    properties = getattr(report, "user_properties", None)
    if properties:
        report.user_properties = [  # type: ignore[union-attr]  # test reports only
            (name, MARKER if is_secret_name(str(name)) else _redacted(redact, value))
            for name, value in properties
        ]


def _redacted(redact: Redact, value: object) -> object:
    """A property value redacted: a string as text, anything else as the text it shows."""
    if isinstance(value, str):
        return redact(value)
    shown = str(value)
    cleaned = redact(shown)
    return value if cleaned == shown else cleaned


def redact_warning(warning_message: warnings.WarningMessage, redact: Redact) -> None:
    """Replace secrets in a recorded warning's text, keeping its category where it can."""
    message = warning_message.message
    text = str(message)
    cleaned = redact(text)
    if cleaned == text:
        return
    replacement: Warning | str = cleaned
    try:
        candidate = type(message)(cleaned) if isinstance(message, Warning) else cleaned
    except Exception:  # a warning class with a constructor of its own: keep the text
        candidate = cleaned
    if str(candidate) == cleaned:
        replacement = candidate
    warning_message.message = replacement


class RedactingFormatter(logging.Formatter):
    """A log handler's formatter whose every line goes through the redactor."""

    def __init__(self, inner: logging.Formatter, redact: Redact) -> None:
        super().__init__()
        self.inner = inner
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(self.inner.format(record))


#: The handlers of pytest's logging plugin that write where a person reads.
LOG_HANDLERS = ("log_cli_handler", "log_file_handler")


def redact_log_handlers(config: pytest.Config, redact: Redact) -> None:
    """Put the redactor into live logging (``--log-cli-level``) and ``--log-file``.

    pytest's logging plugin is found by its registered name and its handlers by
    what they are (``logging.StreamHandler``); a handler writing to the null device
    (no ``--log-file``) or none at all (no live logging) is left alone, so a run
    without them pays nothing.
    """
    plugin = config.pluginmanager.get_plugin("logging-plugin")
    for name in LOG_HANDLERS:
        handler = getattr(plugin, name, None)
        if not isinstance(handler, logging.StreamHandler):
            continue
        if isinstance(handler, logging.FileHandler) and handler.baseFilename == os.devnull:
            continue
        formatter = handler.formatter or logging.Formatter()
        if not isinstance(formatter, RedactingFormatter):
            handler.setFormatter(RedactingFormatter(formatter, redact))
