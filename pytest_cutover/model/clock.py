"""The cutover on the clock: T0, the time window of each phase, and when phases really ran.

Phase names of the form ``T-60``, ``T0`` or ``T+10`` (minutes; ``T+2h`` for hours)
have a window: from T0 plus their offset until the next phase starts; the last
phase has no end. Times are always aware: a time without an offset is refused.

The clock works within bounds, so that no sum of a time and an offset overflows:
times lie in the years :data:`FIRST_YEAR` to :data:`LAST_YEAR`, and a phase starts at
most :data:`MAX_PHASE_HOURS` hours before or after T0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

from pytest_cutover import messages
from pytest_cutover.model.cutover import Timeline

_PHASE = re.compile(r"^T(?:0|([+-])(\d+)(m|h)?)$")
_INSTANT = re.compile(
    r"^(\d{4})-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-](\d{2}):?(\d{2}))$"
)

#: The years a time may lie in (the bounds keep every sum on the clock computable).
FIRST_YEAR, LAST_YEAR = 1970, 9000
#: How far from T0 a phase may start, either way.
MAX_PHASE_HOURS = 8760


def parse_instant(text: str) -> datetime:
    """An ISO-8601 date and time with its UTC offset; anything less raises ValueError.

    >>> parse_instant("2026-12-01T22:00:00+01:00").isoformat()
    '2026-12-01T22:00:00+01:00'
    >>> parse_instant("2026-12-01T21:00:00Z") == parse_instant("2026-12-01T22:00:00+01:00")
    True
    >>> parse_instant("2026-12-01")
    Traceback (most recent call last):
    ...
    ValueError: '2026-12-01' is not a date and time with an offset, like 2026-12-01T22:00:00+01:00
    >>> parse_instant("2026-02-30T22:00:00+01:00")
    Traceback (most recent call last):
    ...
    ValueError: '2026-02-30T22:00:00+01:00' is not a real date and time (day is out of range \
for month), like 2026-12-01T22:00:00+01:00
    """
    text = str(text).strip()
    match = _INSTANT.match(text)
    if match is None:
        raise ValueError(messages.INSTANT_NOT_A_TIME.format(text=text))
    year, offset_hours, offset_minutes = match[1], match[5], match[6]
    if offset_hours is not None and (int(offset_hours) > 23 or int(offset_minutes) > 59):
        raise ValueError(messages.INSTANT_BAD_OFFSET.format(text=text, offset=match[4]))
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise ValueError(
            messages.INSTANT_OUTSIDE_YEARS.format(text=text, first=FIRST_YEAR, last=LAST_YEAR)
        )
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise ValueError(messages.INSTANT_NOT_REAL.format(text=text, error=error)) from None


def utc_now() -> str:
    """The time now, UTC, ISO-8601 to the second.

    >>> utc_now().endswith("Z")
    True
    """
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc(moment: datetime) -> str:
    """``moment`` in UTC, ISO-8601 to the second.

    >>> utc(parse_instant("2026-12-01T22:00:00+01:00"))
    '2026-12-01T21:00:00Z'
    """
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_precise(moment: datetime) -> str:
    """``moment`` in UTC, ISO-8601 to the millisecond: for what lasts less than a second.

    >>> utc_precise(parse_instant("2026-12-01T22:00:00.123456+01:00"))
    '2026-12-01T21:00:00.123Z'
    """
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def offset_text(moment: datetime) -> str:
    """The UTC offset of ``moment`` as ``+HH:MM`` (``+00:00`` for UTC).

    >>> offset_text(parse_instant("2026-12-01T22:00:00+01:00")), offset_text(parse_instant(
    ...     "2026-12-01T22:00:00Z")), offset_text(parse_instant("2026-12-01T22:00:00-03:30"))
    ('+01:00', '+00:00', '-03:30')
    """
    offset = moment.utcoffset() or timedelta(0)
    minutes = round(offset.total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def own_clock(moment: datetime) -> str:
    """``moment`` in its own offset, ISO-8601 to the second.

    >>> own_clock(parse_instant("2026-12-01T22:00:00+01:00"))
    '2026-12-01T22:00:00+01:00'
    """
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + offset_text(moment)


def on_both_clocks(moment: datetime) -> str:
    """``moment`` in its own offset and in UTC; in UTC alone when that is its offset.

    >>> on_both_clocks(parse_instant("2026-12-01T22:00:00+01:00"))
    '2026-12-01T22:00:00+01:00, UTC 2026-12-01T21:00:00Z'
    >>> on_both_clocks(parse_instant("2026-12-01T22:00:00+00:00"))
    '2026-12-01T22:00:00Z'
    """
    if not moment.utcoffset():
        return utc(moment)
    return messages.ON_BOTH_CLOCKS.format(own=own_clock(moment), utc=utc(moment))


def span_on_both_clocks(start: datetime, end: datetime | None) -> str:
    """From ``start`` to ``end`` (None: no end) in ``start``'s own offset and in UTC; in
    UTC alone when that is its offset.

    >>> t0 = parse_instant("2026-12-01T22:00:00+01:00")
    >>> span_on_both_clocks(t0, t0 + timedelta(minutes=10))
    '2026-12-01T22:00:00+01:00 to 2026-12-01T22:10:00+01:00, UTC 2026-12-01T21:00:00Z to \
2026-12-01T21:10:00Z'
    >>> span_on_both_clocks(t0.astimezone(timezone.utc), None)
    '2026-12-01T21:00:00Z to open end'
    """
    until = messages.OPEN_END
    in_utc = messages.SPAN.format(start=utc(start), end=utc(end) if end else until)
    if not start.utcoffset():
        return in_utc
    own = messages.SPAN.format(start=own_clock(start), end=own_clock(end) if end else until)
    return messages.ON_BOTH_CLOCKS.format(own=own, utc=in_utc)


def phase_offset(phase: str) -> timedelta | None:
    """How long before or after T0 a phase starts; None when its name does not say.
    Raises ValueError when it says more than :data:`MAX_PHASE_HOURS` hours.

    >>> [phase_offset(p) / timedelta(minutes=1) for p in ("T-60", "T0", "T+10", "T+2h")]
    [-60.0, 0.0, 10.0, 120.0]
    >>> phase_offset("prep") is None
    True
    >>> phase_offset("T+99999999h")
    Traceback (most recent call last):
    ...
    ValueError: phase T+99999999h starts more than 8760 hours from T0; phases lie within 8760h of T0
    """
    match = _PHASE.match(phase)
    if match is None:
        return None
    sign, amount, unit = match.groups()
    if sign is None:
        return timedelta(0)
    minutes = int(amount) * (60 if unit == "h" else 1)
    if minutes > MAX_PHASE_HOURS * 60:
        raise ValueError(messages.PHASE_TOO_FAR.format(phase=phase, hours=MAX_PHASE_HOURS))
    return timedelta(minutes=-minutes if sign == "-" else minutes)


class Window(NamedTuple):
    """When a phase is planned to run; ``end`` None means open-ended."""

    start: datetime
    end: datetime | None

    def holds(self, moment: datetime) -> bool:
        """Whether ``moment`` lies in the window (start included, end excluded)."""
        return self.start <= moment and (self.end is None or moment < self.end)


def windows(timeline: Timeline, t0: datetime) -> dict[str, Window]:
    """The planned window of every phase whose name gives its offset from T0."""
    starts = {p: t0 + offset for p in timeline.phases if (offset := phase_offset(p)) is not None}
    ordered = [phase for phase in timeline.phases if phase in starts]
    return {
        phase: Window(starts[phase], starts[ordered[i + 1]] if i + 1 < len(ordered) else None)
        for i, phase in enumerate(ordered)
    }


def window_problems(
    planned: Mapping[str, Window], actual: Mapping[str, tuple[datetime, datetime]]
) -> list[str]:
    """A sentence for each phase that ran (first start, last end) outside its window.

    >>> t0 = parse_instant("2026-12-01T22:00:00Z")
    >>> ran = {"T-60": (t0, t0)}
    >>> window_problems(windows(Timeline(), t0), ran)
    ['phase T-60 ran 2026-12-01T22:00:00Z to 2026-12-01T22:00:00Z, outside its window \
2026-12-01T21:00:00Z to 2026-12-01T21:30:00Z']
    """
    problems = []
    for phase, (first, last) in actual.items():
        window = planned.get(phase)
        if window is None:
            continue
        if not (window.holds(first) and (window.end is None or last <= window.end)):
            end = utc(window.end) if window.end is not None else messages.OPEN_END
            problems.append(
                messages.PHASE_OUTSIDE_WINDOW.format(
                    phase=phase, first=utc(first), last=utc(last), start=utc(window.start), end=end
                )
            )
    return problems


class Span(NamedTuple):
    """When something ran (a phase, a gate): its first start and its last end."""

    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        """How long it ran, from its first start to its last end.

        >>> start = parse_instant("2026-12-01T22:00:00Z")
        >>> Span(start, parse_instant("2026-12-01T22:00:01.500Z")).seconds
        1.5
        """
        return (self.end - self.start).total_seconds()


def ran_spans(spans: Iterable[tuple[str, float, float]]) -> dict[str, Span]:
    """When each phase or gate really ran, from (phase or gate, started, finished) of each
    check that ran, in seconds since the epoch: the first start and the last end. A phase
    or gate none of whose checks ran has none.

    >>> spans = ran_spans([("T-10", 60.0, 120.0), ("T-10", 30.0, 90.0)])
    >>> [utc(moment) for moment in spans["T-10"]], spans["T-10"].seconds
    (['1970-01-01T00:00:30Z', '1970-01-01T00:02:00Z'], 90.0)
    >>> gates = ran_spans([("G1", 10.0, 10.25), ("G2", 10.25, 11.0), ("G1", 10.5, 10.75)])
    >>> {gate: span.seconds for gate, span in gates.items()}
    {'G1': 0.75, 'G2': 0.75}
    """
    times: dict[str, Span] = {}
    for key, started, finished in spans:
        start = datetime.fromtimestamp(started, timezone.utc)
        end = datetime.fromtimestamp(finished, timezone.utc)
        first, last = times.get(key, (start, end))
        times[key] = Span(min(first, start), max(last, end))
    return times
