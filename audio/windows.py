"""Where to cut a long recording into windows that are processed one at a time.

Cuts fall in silence, never inside speech where it can be helped: in the widest pause in the
second half of each window, so no word straddles two windows and each window holds whole
utterances. A recording no longer than one window is one window, unchanged.
"""

from __future__ import annotations

MAX_WINDOW_S = 300.0


def _pauses(regions: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """(width s, middle s) of every pause between the merged speech ``regions``."""
    merged: list[list[float]] = []
    for start, end in sorted(regions):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(b[0] - a[1], (a[1] + b[0]) / 2) for a, b in zip(merged, merged[1:], strict=False)]


def windows(
    regions: list[tuple[float, float]], duration_s: float, max_window_s: float = MAX_WINDOW_S
) -> list[tuple[float, float]]:
    """(start s, end s) windows covering ``[0, duration_s]``, each at most ``max_window_s``
    long, cut in pauses between the speech ``regions`` (seconds). Where a window's stretch
    has no pause at all (over ``max_window_s`` of unbroken speech), it is cut at its limit."""
    pauses = _pauses(regions)
    cuts: list[tuple[float, float]] = []
    start = 0.0
    while duration_s - start > max_window_s:
        limit = start + max_window_s
        late = [p for p in pauses if start + max_window_s / 2 <= p[1] <= limit]
        anywhere = [p for p in pauses if start < p[1] <= limit]
        cut = max(late or anywhere or [(0.0, limit)])[1]
        cuts.append((start, cut))
        start = cut
    cuts.append((start, duration_s))
    return cuts
