"""Server-drawn SVG charts for the desk (no charting library to ship, nothing from a CDN).

Each function returns an SVG string; the caller marks it safe. Coordinates are in a fixed
viewBox and the SVG scales to its container, so one drawing fits a laptop and a tablet."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import Any

from service.calls import report

TIMELINE_WIDTH = 1000
EVENT_ROWS = (("raised_volume", "Raised volume"), ("interruption", "Interruption"),
              ("long_silence", "Silence"))
MINUS = "\u2212"  # the typographic minus: one sign everywhere a person reads a number


def number(value: float, digits: int = 1) -> str:
    """A number as people read it: -24.71 -> "−24.7", never "-0.0"."""
    text = f"{round(value, digits) + 0.0:.{digits}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", MINUS)


SCORE_BANDS = ((40, "critical"), (55, "bad"), (70, "poor"), (85, "fair"), (101, "good"))


def score_band(score: float | None) -> str:
    """The word (and CSS class) for a call score: critical < 40 <= bad < 55 <= poor < 70 <=
    fair < 85 <= good."""
    if score is None:
        return ""
    return next(name for upper, name in SCORE_BANDS if score < upper)


def signed(points: float | None) -> str:
    """Score points with their sign: "+2.5", "−7.9", "0"; "" when unknown."""
    return "" if points is None else report.signed(points).replace("-", MINUS)


def _peaks(times: Sequence[float], values: Sequence[float | None], buckets: int):
    """At most ``buckets`` (time, loudest value) pairs; None where the speaker is silent."""
    if len(times) <= buckets:
        return list(zip(times, values, strict=True))
    size = math.ceil(len(times) / buckets)
    out = []
    for i in range(0, len(times), size):
        chunk = [v for v in values[i : i + size] if v is not None]
        out.append((times[i], max(chunk) if chunk else None))
    return out


def _path(points, x_of, y_of) -> str:
    parts, pen_down = [], False
    for t, v in points:
        if v is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{x_of(t):.1f},{y_of(v):.1f}")
        pen_down = True
    return " ".join(parts)


def _time_step(duration_s: float) -> float:
    """Seconds between time-axis ticks: about six to ten ticks over the call."""
    return next((step for step in (5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)
                 if duration_s / step <= 10), 7200)


def _marker_rows(xs: Sequence[float], gap: float = 13.0, rows: int = 3) -> list[int]:
    """A row for each flag marker (x in viewBox units, in time order) so that markers closer
    than ``gap`` do not sit on each other: the first row with room, else the least full."""
    last = [-math.inf] * rows
    out = []
    for x in xs:
        row = next((r for r in range(rows) if x - last[r] >= gap),
                   min(range(rows), key=lambda r: last[r]))
        last[row] = x
        out.append(row)
    return out


def timeline(
    duration_s: float,
    tracks: Sequence[dict[str, Any]],
    role_of: dict[str, str],
    events: Sequence[dict[str, Any]],
    flags: Sequence[dict[str, Any]],
) -> str:
    """Both speakers' loudness (dBFS) over the call with a level axis, event rows under it, a
    time axis, flag markers on top (stacked where they would overlap).

    ``tracks``: [{speaker, times, loudness_db}]; ``events``: [{kind, speaker, start, end}];
    ``flags``: [{id, start, end, type, polarity}]; ``role_of``: speaker label -> role.
    Loudness below the level floor (the quietest 5% of the call, less 3 dB) is silence: the
    line stops there instead of dropping to the bottom."""
    width, left, right, plot_h, row_h = TIMELINE_WIDTH, 92, 8, 130, 16
    ordered = sorted(flags, key=lambda f: f["start"])
    duration = max(duration_s, 1e-6)
    plot_w = width - left - right

    def x_of(t: float) -> float:
        return left + max(0.0, min(plot_w, t / duration * plot_w))

    rows = _marker_rows([x_of(f["start"]) for f in ordered])
    top = 8 + 12 * (max(rows, default=0) + 1) + 2
    rows_top = top + plot_h + 8
    axis_y = rows_top + row_h * len(EVENT_ROWS) + 4
    height = axis_y + 22

    levels = sorted(v for track in tracks for v in track["loudness_db"] if v is not None)
    floor = levels[len(levels) // 20] - 3 if levels else -60.0
    low = max(floor, -70.0)
    high = (levels[-1] if levels else 0.0) + 3
    span = max(high - low, 1.0)

    def y_of(v: float) -> float:
        return top + plot_h - (max(v, low) - low) / span * plot_h

    def role_class(speaker: str) -> str:
        role = role_of.get(speaker, "")
        return role if role in ("agent", "customer") else "other"

    out = [
        f'<svg class="timeline" viewBox="0 0 {width} {height}" '
        f'data-duration="{duration_s:.3f}" data-plot-left="{left}" data-plot-width="{plot_w}" '
        f'role="img" aria-labelledby="timeline-title timeline-desc" '
        'xmlns="http://www.w3.org/2000/svg">',
        '<title id="timeline-title">Loudness of both speakers over the call</title>',
        f'<desc id="timeline-desc">Loudness from {number(low, 0)} to {number(high, 0)} dBFS '
        f"over {duration_s:.0f} seconds; raised volume, interruptions and silences in rows "
        "below; flag markers along the top. Click to play from that moment.</desc>",
        f'<rect class="plot-bg" x="{left}" y="{top}" width="{plot_w}" height="{plot_h}"/>',
    ]
    first_tick = math.ceil(low / 10) * 10
    for level in range(int(first_tick), int(high) + 1, 10):
        y = y_of(level)
        out.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" '
                   f'y2="{y:.1f}"/><text class="axis" x="{left - 4}" y="{y + 4:.1f}" '
                   f'text-anchor="end">{number(level, 0)} dB</text>')
    for track in tracks:
        role = role_class(track["speaker"])
        heard = [v if v is not None and v >= low else None for v in track["loudness_db"]]
        points = _peaks(track["times"], heard, plot_w)
        out.append(f'<path class="loudness {role}" d="{_path(points, x_of, y_of)}"/>')
    for index, (kind, label) in enumerate(EVENT_ROWS):
        y = rows_top + index * row_h
        out.append(f'<text class="row-label" x="{left - 4}" y="{y + 11}" '
                   f'text-anchor="end">{label}</text>')
        for event in events:
            if event["kind"] != kind:
                continue
            role = role_class(event["speaker"])
            x0, x1 = x_of(event["start"]), x_of(event["end"])
            out.append(
                f'<rect class="event {kind} {role}" x="{x0:.1f}" y="{y + 2}" '
                f'width="{max(x1 - x0, 3):.1f}" height="{row_h - 4}" '
                f'data-start="{event["start"]:.2f}"><title>{label} by {role} at '
                f'{clock(event["start"])}</title></rect>'
            )
    step = _time_step(duration_s)
    out.append(f'<line class="axis-line" x1="{left}" x2="{width - right}" y1="{axis_y}" '
               f'y2="{axis_y}"/>')
    tick = 0.0
    while tick <= duration_s + 1e-6:
        x = x_of(tick)
        out.append(f'<line class="tick" x1="{x:.1f}" x2="{x:.1f}" y1="{axis_y}" '
                   f'y2="{axis_y + 4}"/><text class="axis" x="{x:.1f}" y="{axis_y + 16}" '
                   f'text-anchor="middle">{clock(tick)}</text>')
        tick += step
    for flag, row in zip(ordered, rows, strict=True):
        x = x_of(flag["start"])
        tip = 8 + 12 * row + 10
        out.append(
            f'<a href="#flag-{flag["id"]}" class="flag-marker {flag["polarity"]}'
            f'{" context" if flag.get("speaker") == "customer" else ""}" '
            f'data-flag-id="{flag["id"]}" data-start="{flag["start"]:.2f}">'
            f'<title>{escape(flag["type"].replace("_", " "))} at {clock(flag["start"])}</title>'
            f'<path d="M{x - 6:.1f},{tip - 10} L{x + 6:.1f},{tip - 10} L{x:.1f},{tip} Z"/>'
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{tip}" y2="{top + plot_h}"/></a>'
        )
    out.append(f'<line class="playhead" x1="{left}" x2="{left}" y1="0" y2="{axis_y}"/>')
    out.append("</svg>")
    return "".join(out)


def trend(points: Sequence[dict[str, Any]]) -> str:
    """Daily average score (0-100) of an agent, with the team's daily average dashed.

    ``points``: [{date, average_score, team_average_score, calls}] in date order."""
    width, height, left, right, top, bottom = 640, 220, 36, 12, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(points)

    def x_of(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else i / (n - 1) * plot_w)

    def y_of(score: float) -> float:
        return top + plot_h - score / 100 * plot_h

    out = [
        f'<svg class="trend" viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="trend-title" xmlns="http://www.w3.org/2000/svg">',
        '<title id="trend-title">Average call score per day, agent against team</title>',
    ]
    for tick in (0, 25, 50, 75, 100):
        y = y_of(tick)
        out.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y}" y2="{y}"/>')
        out.append(f'<text class="axis" x="{left - 6}" y="{y + 4}" text-anchor="end">{tick}</text>')
    for key, css in (("team_average_score", "team"), ("average_score", "agent")):
        known = [(i, p[key]) for i, p in enumerate(points) if p[key] is not None]
        coords = " ".join(f"{x_of(i):.1f},{y_of(value):.1f}" for i, value in known)
        out.append(f'<polyline class="series {css}" points="{coords}"/>')
        if css == "team":  # marked too, so a single day (no line) still shows the team
            out += [f'<circle class="dot team" cx="{x_of(i):.1f}" cy="{y_of(value):.1f}" r="3"/>'
                    for i, value in known]
    for i, p in enumerate(points):
        team = p["team_average_score"]
        out.append(
            f'<circle class="dot" cx="{x_of(i):.1f}" cy="{y_of(p["average_score"]):.1f}" r="4">'
            f'<title>{p["date"]}: {p["average_score"]} over {p["calls"]} call'
            f'{"s" if p["calls"] != 1 else ""} '
            f'({f"team {team}" if team is not None else "no team calls that day"})'
            '</title></circle>'
        )
    label_every = max(1, math.ceil(n / 6))
    for i, p in enumerate(points):
        if i % label_every == 0 or i == n - 1:
            out.append(
                f'<text class="axis" x="{x_of(i):.1f}" y="{height - 8}" '
                f'text-anchor="middle">{p["date"][5:]}</text>'
            )
    out.append("</svg>")
    return "".join(out)


def clock(seconds: float) -> str:
    """m:ss (or h:mm:ss) for people."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
