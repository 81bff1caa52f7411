"""Sign-offs: who signed for each role the plan requires, and when.

A sign-off names a person: a blank name signs nothing, from the command line or
from the file. A sign-off time later than now (beyond a small clock skew) is
refused: nobody signs a cutover in advance.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import NamedTuple

from pytest_cutover import messages
from pytest_cutover.errors import SignoffError
from pytest_cutover.model.clock import parse_instant, utc
from pytest_cutover.model.cutover import Signoff

#: How far a sign-off time may lie ahead of this machine's clock (clocks drift).
CLOCK_SKEW = timedelta(minutes=5)


class Signature(NamedTuple):
    """One role signed by a person at a time (UTC, ISO-8601)."""

    role: str
    name: str
    at: str
    source: str


def collect_signatures(
    signoff: Signoff | None,
    given: Sequence[tuple[str, str]],
    file: Path | None,
    now: datetime,
) -> dict[str, Signature]:
    """Sign-offs from ``--cutover-signoff`` and the sign-off file, checked against the plan.

    A sign-off for a role the plan does not require is a :class:`SignoffError`: it is a
    typo that would otherwise leave the real role unsigned. An unreadable sign-off file
    is a :class:`~pytest_cutover.errors.PlanError`.
    """
    signatures = [Signature(role, name, utc(now), "--cutover-signoff") for role, name in given]
    if file is not None:
        signatures += _from_file(file, now)
    if signatures and signoff is None:
        raise SignoffError(messages.NO_SIGNOFF_PLAN.format(source=signatures[0].source))
    roles = signoff.roles if signoff is not None else ()
    for signature in signatures:
        if signature.role not in roles:
            raise SignoffError(
                messages.UNKNOWN_SIGNOFF_ROLE.format(
                    source=signature.source, role=signature.role, roles=", ".join(roles)
                )
            )
    return _one_per_role(signatures)


def _one_per_role(signatures: Sequence[Signature]) -> dict[str, Signature]:
    """Each role's sign-off; the same name twice is one sign-off (the first), two names
    for one role are a :class:`SignoffError` naming both."""
    by_role: dict[str, Signature] = {}
    for signature in signatures:
        first = by_role.setdefault(signature.role, signature)
        if first.name != signature.name:
            raise SignoffError(
                messages.SIGNOFF_CONFLICT.format(
                    source=signature.source,
                    role=signature.role,
                    first=first.name,
                    first_source=first.source,
                    second=signature.name,
                )
            )
    return by_role


def _from_file(path: Path, now: datetime) -> list[Signature]:
    from pytest_cutover.plan.load import read_document  # noqa: PLC0415 - with a file

    source = str(path)
    data = read_document(path, source, "sign-off files").data  # a PlanError when unreadable
    if not isinstance(data, dict):
        raise SignoffError(
            messages.FROM_SOURCE.format(source=source, problem=messages.BAD_SIGNOFF_FILE)
        )
    signatures = []
    for role, entry in data.items():
        name, at = (entry, None) if isinstance(entry, str) else _entry(entry, source)
        if not name.strip():
            raise SignoffError(messages.BLANK_SIGNOFF_NAME.format(source=source, role=role))
        when = _instant(at, source) if at is not None else _mtime(path)
        if when > now + CLOCK_SKEW:
            raise SignoffError(
                messages.SIGNOFF_IN_FUTURE.format(
                    source=source, role=role, at=utc(when), now=utc(now)
                )
            )
        signatures.append(Signature(str(role), name.strip(), utc(when), source))
    return signatures


def _entry(entry: object, source: str) -> tuple[str, str | None]:
    if isinstance(entry, dict) and isinstance(entry.get("name"), str):
        at = entry.get("at")
        return entry["name"], None if at is None else str(at)
    raise SignoffError(
        messages.FROM_SOURCE.format(source=source, problem=messages.BAD_SIGNOFF_FILE)
    )


def _instant(text: str, source: str) -> datetime:
    try:
        return parse_instant(text)
    except ValueError as error:
        raise SignoffError(messages.FROM_SOURCE.format(source=source, problem=error)) from None


def _bad_file(source: str) -> str:
    return messages.FROM_SOURCE.format(source=source, problem=messages.BAD_SIGNOFF_FILE)


def _mtime(path: Path) -> datetime:
    """When a file was last written: when a sign-off file gives no time, it signed then."""
    return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
