"""The picture of the window in ``report.html``: the run on the clock, as an inline SVG.

With a T0 the axis is the T0 clock, its ticks in T0's own offset: each phase's planned
window is a band along the top, T0 a line, and each gate that ran a bar from its first
check's start to its last check's end. Without a T0 the axis is the run's own clock,
from the run's start, with the bars alone. A bar is at least :data:`MIN_BAR` wide, so a
gate of a few milliseconds still shows; it is coloured by the gate's status (a class the
page's style colours) and labelled in words, so the picture holds without colour and in
print. A gate that did not run has its row and a label, and no bar.

Every text of the document is escaped (:func:`markupsafe.escape`): gate titles come from the
plan, which anyone may have written. No script, no ``style`` attribute.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, NamedTuple

from markupsafe import Markup, escape

from pytest_cutover.model.clock import parse_instant
from pytest_cutover.model.vocabulary import shown_seconds, status_class

if TYPE_CHECKING:
    from pytest_cutover.evidence.records import EvidenceDocument, GateRecord, PhaseRecord

#: The picture's width in its own units (it scales to the page).
WIDTH = 960
#: The narrowest a gate's bar is drawn, in the picture's units.
MIN_BAR = 4.0
#: How long an open-ended last phase is drawn when nothing else says: 30 minutes.
OPEN_END = timedelta(minutes=30)
#: A gate title longer than this is cut in the picture (the gate table shows it whole).
TITLE_LIMIT = 48
_LEFT, _RIGHT = 30.0, WIDTH - 30.0
_TOP, _BAND, _ROW, _AXIS = 26, 30, 24, 40
#: Tick steps, in seconds: the first that gives at most :data:`_MOST_TICKS` ticks is used.
_STEPS: tuple[float, ...] = (0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800)
_STEPS += (3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800)
_MOST_TICKS = 8


class Scale(NamedTuple):
    """Where on the picture's x axis a moment lies."""

    start: datetime
    end: datetime

    def x(self, moment: datetime) -> float:
        """The x of ``moment``: :data:`_LEFT` at the start, :data:`_RIGHT` at the end.

        >>> t = parse_instant("2026-12-01T21:00:00Z")
        >>> Scale(t, t + timedelta(minutes=10)).x(t + timedelta(minutes=5))
        480.0
        """
        whole = (self.end - self.start).total_seconds() or 1.0
        part = (moment - self.start).total_seconds()
        return _LEFT + (_RIGHT - _LEFT) * part / whole


def tick_step(seconds: float) -> float:
    """The step between ticks over an axis of ``seconds``: a round number of them.

    >>> tick_step(0.9), tick_step(60), tick_step(5400), tick_step(86400 * 30)
    (0.2, 10, 900, 604800)
    """
    return next((step for step in _STEPS if seconds / step <= _MOST_TICKS), _STEPS[-1])


def ticks(start: datetime, end: datetime, origin: datetime) -> list[datetime]:
    """The moments between ``start`` and ``end`` a whole number of steps after ``origin``.

    >>> t = parse_instant("2026-12-01T21:00:00Z")
    >>> [m.strftime("%H:%M") for m in ticks(t - timedelta(minutes=7), t + timedelta(minutes=29), t)]
    ['20:55', '21:00', '21:05', '21:10', '21:15', '21:20', '21:25']
    """
    step = tick_step((end - start).total_seconds())
    first = math.ceil((start - origin).total_seconds() / step)
    moments = []
    number = first
    while (moment := origin + timedelta(seconds=number * step)) <= end:
        moments.append(moment)
        number += 1
    return moments


def clock_label(moment: datetime, step: float) -> str:
    """A tick's time on the clock it is shown in, as precise as the step needs.

    >>> t = parse_instant("2026-12-01T22:00:05.500+01:00")
    >>> clock_label(t, 0.5), clock_label(t, 5), clock_label(t, 600), clock_label(t, 86400)
    ('22:00:05.5', '22:00:05', '22:00', '12-01 22:00')
    """
    if step < 1:
        return moment.strftime("%H:%M:%S.%f")[:-5]
    if step < 60:
        return moment.strftime("%H:%M:%S")
    if step < 86400:
        return moment.strftime("%H:%M")
    return moment.strftime("%m-%d %H:%M")


def elapsed_label(seconds: float) -> str:
    """How long after the run's start a tick lies.

    >>> elapsed_label(0), elapsed_label(1.5), elapsed_label(120), elapsed_label(5400)
    ('0 s', '1.5 s', '2 min', '1.5 h')
    """
    if seconds < 60:
        return f"{seconds:g} s"
    if seconds < 3600:
        return f"{seconds / 60:g} min"
    return f"{seconds / 3600:g} h"


def _zone(offset: str | None) -> timezone:
    """The fixed zone of an offset like ``+01:00`` (UTC without one)."""
    if not offset:
        return timezone.utc
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = offset[1:].split(":")
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))


class _Ran(NamedTuple):
    gate: GateRecord
    start: datetime | None
    end: datetime | None


def _gates(gates: Sequence[GateRecord]) -> list[_Ran]:
    found = []
    for gate in gates:
        started, finished = gate.get("started"), gate.get("finished")
        if started and finished:
            found.append(_Ran(gate, parse_instant(started), parse_instant(finished)))
        else:
            found.append(_Ran(gate, None, None))
    return found


class _Window(NamedTuple):
    name: str
    start: datetime
    end: datetime | None


def _windows(phases: Sequence[PhaseRecord]) -> list[_Window]:
    return [
        _Window(
            phase["name"],
            parse_instant(phase["window_start"]),
            parse_instant(end) if (end := phase["window_end"]) else None,
        )
        for phase in phases
        if phase["window_start"]
    ]


def _attr(value: object) -> Markup:
    return escape(str(value))


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _title(text: str) -> str:
    return text if len(text) <= TITLE_LIMIT else text[: TITLE_LIMIT - 1] + "…"


class _Clock(NamedTuple):
    """The axis of the picture: where it starts and ends, what its ticks count from, and the
    zone its times are shown in (None: the run's own clock, times since its start)."""

    scale: Scale
    origin: datetime
    zone: timezone | None


def _clock(document: EvidenceDocument, ran: Sequence[_Ran], windows: Sequence[_Window]) -> _Clock:
    spans = [moment for r in ran for moment in (r.start, r.end) if moment is not None]
    t0_text = document["t0"]
    if t0_text is not None:
        zone = _zone(document.get("t0_offset"))
        t0 = parse_instant(t0_text).astimezone(zone)
        moments = [t0, *spans, *(w.start for w in windows), *(w.end for w in windows if w.end)]
        start, end = min(moments), max(moments)
        if windows and windows[-1].end is None:  # the last phase has no end: draw some of it
            before = windows[-2] if len(windows) > 1 else None
            drawn = before.end - before.start if before and before.end else OPEN_END
            end = max(end, windows[-1].start + drawn)
        origin, shown_in = t0, zone
    else:
        start = parse_instant(document["run"]["started"])
        end = max([start, parse_instant(document["run"]["finished"]), *spans])
        origin, shown_in = start, None
    if end <= start:
        end = start + timedelta(seconds=1)
    return _Clock(Scale(start, end), origin, shown_in)


def _phase_bands(windows: Sequence[_Window], scale: Scale) -> Iterator[str]:
    for number, (name, start, end) in enumerate(windows):
        x0 = scale.x(start)
        x1 = scale.x(end) if end is not None else _RIGHT
        shade = "window" + (" alt" if number % 2 else "") + ("" if end else " open")
        name_shown = f"{name} (open end)" if end is None else name
        yield (
            f'<g class="phase"><rect class="{shade}" x="{_number(x0)}" y="{_TOP}" '
            f'width="{_number(max(x1 - x0, 1.0))}" height="{_BAND - 4}"/>'
            f'<text class="phase-name" x="{_number(x0 + 4)}" y="{_TOP + 17}">'
            f"{escape(name_shown)}</text></g>"
        )


def _axis(clock: _Clock, axis_y: int) -> Iterator[str]:
    scale = clock.scale
    step = tick_step((scale.end - scale.start).total_seconds())
    yield (
        f'<line class="axis" x1="{_number(_LEFT)}" y1="{axis_y}" x2="{_number(_RIGHT)}" '
        f'y2="{axis_y}"/>'
    )
    for moment in ticks(scale.start, scale.end, clock.origin):
        x = _number(scale.x(moment))
        if clock.zone is not None:
            text = clock_label(moment.astimezone(clock.zone), step)
        else:
            text = elapsed_label((moment - clock.origin).total_seconds())
        yield (
            f'<line class="tick" x1="{x}" y1="{_TOP}" x2="{x}" y2="{axis_y + 5}"/>'
            f'<text class="tick-label" x="{x}" y="{axis_y + 20}">{escape(text)}</text>'
        )
    if clock.zone is not None:
        x = _number(scale.x(clock.origin))
        yield (
            f'<g class="t0"><line class="t0-line" x1="{x}" y1="{_TOP - 8}" x2="{x}" '
            f'y2="{axis_y}"/><text class="t0-label" x="{x}" y="{_TOP - 12}">T0</text></g>'
        )


def _gate_row(ran: _Ran, scale: Scale, y: int) -> str:
    gate, start, end = ran
    status = gate["status"]
    words = f"{gate['id']} {_title(gate['title'])}".strip()
    if start is None or end is None:
        return (
            f'<text class="gate-label not-ran" x="{_number(_LEFT)}" y="{y + 15}">'
            f"{escape(words)}: {escape(status)}, did not run</text>"
        )
    x0, x1 = scale.x(start), scale.x(end)
    width = max(x1 - x0, MIN_BAR)
    x0 = min(x0, _RIGHT - width)
    said = f"{words}: {status}, {shown_seconds(gate.get('duration'))}"
    if _RIGHT - (x0 + width) > x0 - _LEFT:  # the label goes where there is more room
        where, anchor = x0 + width + 6, "start"
    else:
        where, anchor = x0 - 6, "end"
    return (
        f'<g class="gate-mark"><rect class="bar {status_class(status)}" '
        f'data-gate="{_attr(gate["id"])}" x="{_number(x0)}" y="{y + 3}" '
        f'width="{_number(width)}" height="{_ROW - 8}"><title>{escape(said)}</title></rect>'
        f'<text class="gate-label" x="{_number(where)}" y="{y + 15}" '
        f'text-anchor="{anchor}">{escape(said)}</text></g>'
    )


def timeline_svg(document: EvidenceDocument) -> Markup:
    """The picture of the run in ``document`` on the clock: an inline ``<svg>`` element."""
    ran = _gates(document["gates"])
    windows = _windows(document["phases"]) if document["t0"] is not None else []
    clock = _clock(document, ran, windows)
    rows_top = _TOP + (_BAND if windows else 0) + 6
    axis_y = rows_top + _ROW * max(len(ran), 1) + 6
    title = "The run on the T0 clock" if clock.zone is not None else "The run on its own clock"
    parts = [
        f'<svg class="timeline-picture" role="img" '
        f'viewBox="0 0 {WIDTH} {axis_y + _AXIS}" width="100%" '
        f'aria-labelledby="timeline-picture-title">'
        f'<title id="timeline-picture-title">{escape(title)}</title>',
        *_phase_bands(windows, clock.scale),
        *_axis(clock, axis_y),
        *(_gate_row(r, clock.scale, rows_top + row * _ROW) for row, r in enumerate(ran)),
    ]
    if not ran:
        parts.append(
            f'<text class="gate-label not-ran" x="{_number(_LEFT)}" y="{rows_top + 15}">'
            "no gates</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # every text and attribute above is escaped
