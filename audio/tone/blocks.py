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
    samples: decode.Samples,
    *,
    frame_length: int,
    hop: int,
    block_frames: int | None = None,
) -> np.ndarray:
    """``feature`` (an uncentred per-frame function of a 1-D signal, returning shape (frames,))
    applied as if centred over all of ``samples`` (shape (samples,), an array or a
    ``decode.Channel``: only each block's stretch is read); result shape (1 + samples // hop,).
    ``frame_length`` must be even."""
    if frame_length % 2:
        raise ValueError(f"frame_length must be even, got {frame_length}")
    frames = 1 + samples.size // hop
    block_frames = block_frames or max(1, decode.BLOCK_SAMPLES // hop)  # 60 s by default
    half = frame_length // 2
    out = np.empty(frames, dtype=np.float64)
    for first in range(0, frames, block_frames):
        last = min(frames, first + block_frames)  # exclusive
        lo, hi = first * hop - half, (last - 1) * hop - half + frame_length
        inside_lo = max(lo, 0)
        inside = samples[inside_lo : max(inside_lo, min(hi, samples.size))]
        piece = np.zeros(hi - lo, dtype=inside.dtype)
        piece[inside_lo - lo : inside_lo - lo + inside.size] = inside
        out[first:last] = feature(piece)
    return out
