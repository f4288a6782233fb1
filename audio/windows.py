"""Where to cut a long recording into windows that are processed one at a time.

Cuts fall in silence, never inside speech where it can be helped: in the widest pause in the
second half of each window, so no word straddles two windows and each window holds whole
utterances. A recording no longer than one window is one window, unchanged.
"""

from __future__ import annotations

MAX_WINDOW_S = 300.0
MIN_WINDOW_S = 30.0  # Whisper's own window: shorter ones only cost accuracy
MIN_TAIL_S = 1.0  # never leave a last window shorter than this (Whisper invents words there)


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
    long (the last up to ``MIN_TAIL_S`` longer, rather than a sliver on its own), cut in pauses
    between the speech ``regions`` (seconds). Where a window's stretch has no pause at all (over
    ``max_window_s`` of unbroken speech), it is cut at its limit."""
    if not max_window_s > 0:
        raise ValueError(f"max_window_s must be positive, got {max_window_s}")
    pauses = _pauses(regions)
    cuts: list[tuple[float, float]] = []
    start = 0.0
    while duration_s - start > max_window_s + MIN_TAIL_S:
        limit = start + max_window_s
        late = [p for p in pauses if start + max_window_s / 2 <= p[1] <= limit]
        anywhere = [p for p in pauses if start < p[1] <= limit]
        cut = max(late or anywhere or [(0.0, limit)])[1]
        cuts.append((start, cut))
        start = cut
    cuts.append((start, duration_s))
    return cuts
