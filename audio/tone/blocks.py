"""Per-frame features of a long signal, a block of frames at a time.

librosa frames a whole signal at once: YIN's per-frame spectra of a 30-minute channel take
gigabytes. Every feature used here (RMS, YIN) is computed from each frame alone, so cutting
the frames into blocks, each read from its own stretch of samples, gives the same values as
one centred pass over the whole signal (zero padding at both ends), in memory bounded by the
block.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from audio import decode


def centred_frames(
    feature: Callable[[np.ndarray], np.ndarray],
    samples: np.ndarray,
    *,
    frame_length: int,
    hop: int,
    block_frames: int | None = None,
) -> np.ndarray:
    """``feature`` (an uncentred per-frame function of a 1-D signal, returning shape (frames,))
    applied as if centred over all of ``samples`` (shape (samples,)); result shape
    (1 + samples // hop,). ``frame_length`` must be even."""
    if frame_length % 2:
        raise ValueError(f"frame_length must be even, got {frame_length}")
    frames = 1 + samples.size // hop
    block_frames = block_frames or max(1, decode.BLOCK_SAMPLES // hop)  # 60 s by default
    half = frame_length // 2
    out = np.empty(frames, dtype=np.float64)
    for first in range(0, frames, block_frames):
        last = min(frames, first + block_frames)  # exclusive
        lo, hi = first * hop - half, (last - 1) * hop - half + frame_length
        piece = np.zeros(hi - lo, dtype=samples.dtype)
        inside_lo, inside_hi = max(lo, 0), min(hi, samples.size)
        if inside_hi > inside_lo:
            piece[inside_lo - lo : inside_hi - lo] = samples[inside_lo:inside_hi]
        out[first:last] = feature(piece)
    return out
