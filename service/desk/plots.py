"""Server-drawn SVG charts for the desk (no charting library to ship, nothing from a CDN).

Each function returns an SVG string; the caller marks it safe. Coordinates are in a fixed
viewBox and the SVG scales to its container, so one drawing fits a laptop and a tablet."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import Any

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
    if points is None:
        return ""
    if round(points, 1) == 0:
        return "0"
    return ("+" if points > 0 else "") + number(points)


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


def timeline(
    duration_s: float,
    tracks: Sequence[dict[str, Any]],
    role_of: dict[str, str],
    events: Sequence[dict[str, Any]],
    flags: Sequence[dict[str, Any]],
) -> str:
    """Both speakers' loudness (dBFS) over the call, event rows under it, flag markers on top.

    ``tracks``: [{speaker, times, loudness_db}]; ``events``: [{kind, speaker, start, end}];
    ``flags``: [{id, start, end, type, polarity}]; ``role_of``: speaker label -> role."""
    width, top, plot_h, row_h = TIMELINE_WIDTH, 22, 130, 16
    rows_top = top + plot_h + 8
    height = rows_top + row_h * len(EVENT_ROWS) + 4
    duration = max(duration_s, 1e-6)

    def x_of(t: float) -> float:
        return max(0.0, min(width, t / duration * width))

    levels = [v for track in tracks for v in track["loudness_db"] if v is not None]
    low = max(min(levels, default=-60.0), -70.0)
    high = max(levels, default=0.0) + 3
    span = max(high - low, 1.0)

    def y_of(v: float) -> float:
        return top + plot_h - (max(v, low) - low) / span * plot_h

    def role_class(speaker: str) -> str:
        role = role_of.get(speaker, "")
        return role if role in ("agent", "customer") else "other"

    out = [
        f'<svg class="timeline" viewBox="0 0 {width} {height}" '
        f'data-duration="{duration_s:.3f}" role="img" aria-labelledby="timeline-title '
        f'timeline-desc" xmlns="http://www.w3.org/2000/svg">',
        '<title id="timeline-title">Loudness of both speakers over the call</title>',
        f'<desc id="timeline-desc">Loudness from {low:.0f} to {high:.0f} dBFS over '
        f"{duration_s:.0f} seconds; raised volume, interruptions and silences in rows "
        "below; flag markers along the top. Click to play from that moment.</desc>",
        f'<rect class="plot-bg" x="0" y="{top}" width="{width}" height="{plot_h}"/>',
    ]
    for track in tracks:
        role = role_class(track["speaker"])
        points = _peaks(track["times"], track["loudness_db"], width)
        out.append(f'<path class="loudness {role}" d="{_path(points, x_of, y_of)}"/>')
    for index, (kind, label) in enumerate(EVENT_ROWS):
        y = rows_top + index * row_h
        out.append(f'<text class="row-label" x="3" y="{y + 11}">{label}</text>')
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
    for flag in flags:
        x = x_of(flag["start"])
        out.append(
            f'<a href="#flag-{flag["id"]}" class="flag-marker {flag["polarity"]}" '
            f'data-flag-id="{flag["id"]}" data-start="{flag["start"]:.2f}">'
            f'<title>{escape(flag["type"].replace("_", " "))} at {clock(flag["start"])}</title>'
            f'<path d="M{x - 6:.1f},2 L{x + 6:.1f},2 L{x:.1f},14 Z"/>'
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="14" y2="{top + plot_h}"/></a>'
        )
    out.append(f'<line class="playhead" x1="0" x2="0" y1="0" y2="{height}"/>')
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
            f'{"s" if p["calls"] != 1 else ""} (team '
            f'{team if team is not None else "no calls"})</title></circle>'
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
