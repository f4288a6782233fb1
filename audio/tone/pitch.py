"""Pitch level and variability from librosa's YIN over a speaker's voiced frames."""

from __future__ import annotations

import librosa
import numpy as np

from audio import decode
from audio.tone import blocks

FMIN_HZ = 60.0
FMAX_HZ = 400.0


def load_librosa_modules() -> None:
    """Import what ``librosa.yin`` and ``librosa.feature.rms`` load lazily on first use (scipy's
    signal package, librosa's spectrum and pitch modules: about 1.5 s on a cold process)."""
    import librosa.core.pitch  # noqa: F401
    import librosa.feature  # noqa: F401


def warm_up(sr: int = 16000, hop_s: float = 0.02) -> None:
    """Compile the numba functions YIN runs on, once, by tracking 2 s of a 150 Hz tone.
    librosa caches them on disk (``cache=True``, beside its modules), so the first call a process
    measures does not pay the compile: about 15 s on two cores when the cache is empty (first run
    after install), well under a second to load it afterwards. ``./dev``, the Docker image and
    the worker's start run it."""
    load_librosa_modules()
    seconds = np.arange(2 * sr, dtype=np.float32) / sr
    pitch_track_hz((0.1 * np.sin(2 * np.pi * 150.0 * seconds)).astype(np.float32), sr=sr,
                   hop_s=hop_s)


def pitch_track_hz(samples: decode.Samples, *, sr: int, hop_s: float) -> np.ndarray:
    """Fundamental frequency per ``hop_s`` frame in Hz, shape (frames,); ``samples`` shape
    (samples,), read a block at a time."""
    hop = int(hop_s * sr)

    def yin(piece: np.ndarray) -> np.ndarray:
        return librosa.yin(
            piece, fmin=FMIN_HZ, fmax=FMAX_HZ, sr=sr, frame_length=4 * hop, hop_length=hop,
            center=False,
        )

    return blocks.centred_frames(yin, samples, frame_length=4 * hop, hop=hop)


def pitch_stats(f0_hz: np.ndarray) -> tuple[float, float]:
    """(median Hz, standard deviation in semitones) of voiced frames; NaN when none."""
    voiced = f0_hz[np.isfinite(f0_hz) & (f0_hz > FMIN_HZ * 1.05) & (f0_hz < FMAX_HZ * 0.95)]
    if voiced.size < 5:
        return float("nan"), float("nan")
    median = float(np.median(voiced))
    return median, float(np.std(12 * np.log2(voiced / median)))
