"""Where a run keeps its values: ``config.stash`` keys, in a module that imports nothing heavy.

The entry module reads them on every run, also on one that turns out to have no
cutover in it, so the types stay behind ``TYPE_CHECKING``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pytest_cutover.run.state import RunState
    from pytest_cutover.safety.redact import RunRedactor

#: The run's state, once the run has cutover checks, a plan or a cutover option.
STATE_KEY: pytest.StashKey[RunState] = pytest.StashKey()
#: The run's redactor, built when first needed (by the state, or by a redaction hook).
REDACTOR_KEY: pytest.StashKey[RunRedactor] = pytest.StashKey()
