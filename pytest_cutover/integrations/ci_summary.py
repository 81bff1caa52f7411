"""CI-native output: the decision on the CI job's page, an annotation per check that failed.

Registered by the plugin on GitHub Actions (``GITHUB_ACTIONS=true``) and with
``--cutover-summary`` (its ini key ``cutover_summary``, its variable
``PYTEST_CUTOVER_SUMMARY``). At the end of a cutover run, after the session end decided,
it takes the finished run from the run state and

- with ``--cutover-summary FILE``: writes the summary Markdown
  (:mod:`pytest_cutover.evidence.summary`) to ``FILE``, replacing it, its missing folders
  made as pytest's ``--junitxml`` makes them; a file that cannot be written is said in red
  and, as a missing evidence bundle does, makes a run that would pass exit 1;
- on GitHub Actions: appends the same Markdown to ``$GITHUB_STEP_SUMMARY`` (other steps
  write there too: it is never truncated), and writes one workflow annotation per check
  that did not pass (:mod:`pytest_cutover.evidence.annotations`) on its own line of the
  terminal output, paths relative to ``$GITHUB_WORKSPACE`` (else where pytest started).
  A step summary that cannot be written is said in red; it changes no exit status, as it
  is GitHub's page, not the run's evidence.

A run that selected no cutover check gets a summary that says so, and no annotation.
Everything goes through the run's redactor, refreshed first for secrets that appeared
during the run.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from pytest_cutover import messages
from pytest_cutover.run.keys import STATE_KEY


def on_github_actions(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether this run is a step of a GitHub Actions job."""
    return environ.get("GITHUB_ACTIONS") == "true"


def write_summary(path: Path, text: str, *, append: bool) -> OSError | None:
    """Write ``text`` to ``path`` (appended after a blank line, or replacing it); the error
    that kept it from being written, if one did. A character UTF-8 cannot hold (a lone
    surrogate from undecodable output) is written as its escape, never an error."""
    try:
        if append:
            with path.open("a", encoding="utf-8", errors="backslashreplace") as file:
                file.write(("\n" if file.tell() else "") + text)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", errors="backslashreplace")
    except OSError as error:
        return error
    return None


class CiSummary:
    """Writes the summary files at the end of a cutover run, and the annotations after the
    terminal's decision section."""

    def __init__(self, config: pytest.Config, environ: Mapping[str, str] = os.environ) -> None:
        self.config = config
        self.github = on_github_actions(environ)
        self.step_summary = Path(environ["GITHUB_STEP_SUMMARY"]) if self._has(environ) else None
        workspace = environ.get("GITHUB_WORKSPACE", "")
        self.base = Path(workspace) if workspace else config.invocation_params.dir
        #: The lines the terminal shows after the decision: where the summary went, or not.
        self.notes: list[tuple[str, str]] = []
        #: The workflow commands still to be written.
        self.commands: list[str] = []

    def _has(self, environ: Mapping[str, str]) -> bool:
        return self.github and bool(environ.get("GITHUB_STEP_SUMMARY"))

    @pytest.hookimpl(trylast=True)  # after the session end decided and set the exit status
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        run = self.config.stash.get(STATE_KEY, None)
        if run is None:
            return
        from pytest_cutover.evidence import annotations, summary  # noqa: PLC0415 - at the end

        run.redact.refresh()
        if run.finished is not None:
            text = summary.summary_markdown(run.finished, run.redact)
            if self.github:
                self.commands = [
                    annotations.workflow_command(annotation, self.base, run.redact)
                    for annotation in annotations.run_annotations(run.finished)
                ]
        elif run.no_decision:
            name = run.catalog.name if run.catalog is not None else ""
            text = summary.no_decision_markdown(name, run.redact)
        else:
            return  # nothing was decided (--collect-only, a usage error, not a cutover run)
        path = run.settings.summary
        if path is not None and path != self.step_summary:
            error = write_summary(path, text, append=False)
            if error is None:
                self.notes.append((messages.SUMMARY_WRITTEN.format(path=path), ""))
            else:
                self.notes.append(
                    (messages.SUMMARY_NOT_WRITTEN.format(path=path, error=error), "red")
                )
                if session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
                    session.exitstatus = pytest.ExitCode.TESTS_FAILED
        if self.step_summary is not None:
            error = write_summary(self.step_summary, text, append=True)
            shown = self.step_summary
            if error is None:
                self.notes.append((messages.STEP_SUMMARY_WRITTEN.format(path=shown), ""))
            else:
                note = messages.STEP_SUMMARY_NOT_WRITTEN.format(path=shown, error=error)
                self.notes.append((note, "red"))

    @pytest.hookimpl(trylast=True)  # after the "cutover decision" section
    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        redact = self._redact()
        for text, colour in self.notes:
            markup = {colour: True, "bold": True} if colour else {}
            terminalreporter.write_line(redact(text), **markup)
        self.notes = []
        for command in self.commands:  # at the start of a line, without colour
            terminalreporter.write_line(command)
        self.commands = []

    def pytest_unconfigure(self) -> None:
        """Without pytest's terminal summary (``--no-summary``, ``-p no:terminal``, an
        internal error), the annotations still reach the step's output."""
        for command in self.commands:
            sys.stdout.write(command + "\n")
        sys.stdout.flush()
        self.commands = []

    def _redact(self) -> Callable[[str], str]:
        run = self.config.stash.get(STATE_KEY, None)
        return run.redact if run is not None else (lambda text: text)
