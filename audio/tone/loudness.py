"""Loudness against each speaker's own baseline, and raised-volume events."""

from __future__ import annotations

from dataclasses import dataclass

import librosa
import numpy as np

from audio import decode
from audio.schema import Span, ToneEvent
from audio.tone import blocks

HOP_S = 0.02


@dataclass(frozen=True)
class LoudnessOptions:
    raised_threshold_db: float = 7.0  # smoothed loudness this far above the baseline
    min_raised_duration_s: float = 1.0
    merge_gap_s: float = 1.0
    smoothing_s: float = 0.6


def loudness_db(samples: decode.Samples, *, sr: int, hop_s: float = HOP_S) -> np.ndarray:
    """RMS loudness in dBFS per ``hop_s`` frame, shape (frames,); frame i starts at i * hop_s.
    ``samples`` shape (samples,), read a block at a time."""
    hop = int(hop_s * sr)

    def rms(piece: np.ndarray) -> np.ndarray:
        return librosa.feature.rms(y=piece, frame_length=4 * hop, hop_length=hop, center=False)[0]

    level = blocks.centred_frames(rms, samples, frame_length=4 * hop, hop=hop)
    return librosa.amplitude_to_db(level.astype(np.float32), ref=1.0, amin=1e-6, top_db=None)


def spans_mask(spans: list[Span], frames: int, *, hop_s: float = HOP_S) -> np.ndarray:
    """Boolean mask (frames,) that is True inside any of ``spans``."""
    mask = np.zeros(frames, dtype=bool)
    for span in spans:
        mask[int(span.start / hop_s) : int(np.ceil(span.end / hop_s))] = True
    return mask


def speech_frames_db(level_db: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Levels of the speaker's voiced frames: inside its speech and above its pauses."""
    inside = level_db[mask[: level_db.size]]
    if inside.size == 0:
        return inside
    return inside[inside > np.percentile(inside, 20) - 1e-9]


def baseline_db(level_db: np.ndarray, mask: np.ndarray) -> float:
    """The speaker's typical speaking level: median of its voiced frames (dBFS)."""
    voiced = speech_frames_db(level_db, mask)
    return float(np.median(voiced)) if voiced.size else float("nan")


def raised_volume_events(
    level_db: np.ndarray,
    mask: np.ndarray,
    speaker: str,
    baseline: float,
    options: LoudnessOptions,
    *,
    hop_s: float = HOP_S,
) -> tuple[ToneEvent, ...]:
    """Stretches where the speaker's smoothed loudness stays ``raised_threshold_db`` above their
    own baseline for at least ``min_raised_duration_s``. ``value`` is the mean excess in dB."""
    if not np.isfinite(baseline):
        return ()
    width = max(1, int(options.smoothing_s / hop_s))
    # average in the power domain over the speaker's own frames: pauses between words then
    # pull a loud stretch down far less than a dB average would
    inside = mask[: level_db.size]
    power = np.where(inside, 10 ** (level_db / 10), 0.0)
    count = np.convolve(inside.astype(float), np.ones(width), mode="same")
    summed = np.convolve(power, np.ones(width), mode="same")
    with np.errstate(divide="ignore", invalid="ignore"):
        smoothed = np.where(count > width / 3, 10 * np.log10(summed / np.maximum(count, 1)), np.nan)
    raised = (smoothed - baseline) >= options.raised_threshold_db
    events: list[list[float]] = []
    edges = np.diff(np.concatenate([[0], raised.astype(np.int8), [0]]))
    for start, end in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        t0, t1 = start * hop_s, end * hop_s
        if events and t0 - events[-1][1] <= options.merge_gap_s:
            events[-1][1] = t1
        else:
            events.append([t0, t1])
    result = []
    for t0, t1 in events:
        if t1 - t0 < options.min_raised_duration_s:
            continue
        window = smoothed[int(t0 / hop_s) : int(t1 / hop_s)]
        result.append(
            ToneEvent(
                "raised_volume",
                speaker,
                round(t0, 2),
                round(t1, 2),
                round(float(np.nanmean(window) - baseline), 1),
            )
        )
    return tuple(result)
