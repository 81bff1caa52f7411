"""Waivers: accepted failures, each until it expires (read by :mod:`pytest_cutover.plan.load`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TypedDict

from pytest_cutover.model.cutover import Waiver

APPLIED, EXPIRED, UNUSED = "APPLIED", "EXPIRED", "UNUSED"


class WaiverRecord(TypedDict):
    """A waiver as the evidence shows it, with what became of it (``status``)."""

    check: str
    justification: str
    approver: str
    ticket: str
    expires: str
    source: str
    status: str


def active_waiver(waivers: Sequence[Waiver], check_id: str, now: datetime) -> Waiver | None:
    """The first waiver of ``check_id`` that has not expired at ``now``."""
    return next((w for w in waivers if w.check == check_id and not w.expired(now)), None)


def waiver_records(
    waivers: Sequence[Waiver], applied: set[int], now: datetime
) -> list[WaiverRecord]:
    """Every waiver with what became of it: APPLIED, EXPIRED (not applied) or UNUSED."""
    return [
        {
            "check": waiver.check,
            "justification": waiver.justification,
            "approver": waiver.approver,
            "ticket": waiver.ticket,
            "expires": waiver.expires.isoformat(),
            "source": waiver.source,
            "status": APPLIED if index in applied else EXPIRED if waiver.expired(now) else UNUSED,
        }
        for index, waiver in enumerate(waivers)
    ]
