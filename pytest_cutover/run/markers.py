"""The cutover markers the plugin registers, and the names it reads from a test.

Reading them (and writing them back normalised) is :mod:`pytest_cutover.run.tagging`.
"""

from __future__ import annotations

#: Every marker the plugin registers.
MARKERS = (
    "gate(id): the cutover gate this check belongs to, like gate('G1') or gate(id='G1')",
    "phase(name): the timeline phase of this check's gate, like phase('T-10')",
    "preflight: a check before T0; added by pytest-cutover to every such check",
    "cutover_advisory: a failure of this check is WARN and blocks nothing "
    "(unless --cutover-strict)",
    "rollback_trigger: a failure of this check after T0 means: roll back",
    "mutating: this check changes the system; never in preflight, and only with "
    "--cutover-allow-mutation",
)


#: The markers a cutover check is read by.
READ = frozenset({"gate", "phase", "preflight", "cutover_advisory", "rollback_trigger", "mutating"})
#: The markers that make a test a cutover check (``phase`` alone is an error to report).
CHECK_MARKERS = frozenset({"gate", "phase"})
