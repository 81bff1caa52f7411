"""The run's story in :mod:`logging`: what each check does, redacted before any handler sees it.

The plugin logs on the ``pytest_cutover`` logger and the check library on
``cutover_checks`` (one logger each, no children: a logger's filter applies only
to the records logged on it). While a run is on, :class:`StoryFilter` sits on
both: it replaces every record's text with the text redacted by the run's
redactor, so that no handler (pytest's live log, ``--log-file``, the captured
log of a report, or one a conftest added) can show a secret from a command's
argument list. A record logged by a declared check on the gate pool starts with
the check's id, as several checks run at once.

Records are at ``INFO``: ``--log-cli-level=INFO`` shows them live, and with
``--log-level=INFO`` (or ``--log-cli-level``) a failing check's captured log
keeps them in its evidence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar

#: The plugin's one logger.
LOG = logging.getLogger("pytest_cutover")
#: The loggers whose records the run redacts: the plugin's and the check library's.
STORY_LOGGERS = ("pytest_cutover", "cutover_checks")

#: The id of the declared check the pool runs in this context, if any.
CHECK_ID: ContextVar[str | None] = ContextVar("pytest_cutover_check_id", default=None)


class StoryFilter(logging.Filter):
    """Redacts each record's text, and names the pool's check that logged it."""

    def __init__(self, redact: Callable[[str], str]) -> None:
        super().__init__()
        self.redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        check_id = CHECK_ID.get()
        if check_id is not None:
            text = f"{check_id}: {text}"
        record.msg, record.args = self.redact(text), None
        return True


def redact_story(redact: Callable[[str], str]) -> Callable[[], None]:
    """Put a :class:`StoryFilter` on the story's loggers; the function that takes it off."""
    story = StoryFilter(redact)
    loggers = [logging.getLogger(name) for name in STORY_LOGGERS]
    for logger in loggers:
        logger.addFilter(story)

    def remove() -> None:
        for logger in loggers:
            logger.removeFilter(story)

    return remove
