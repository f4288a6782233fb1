"""Per-channel voice activity for stereo calls (silero-vad), with cross-channel bleed removed.

On a dual-channel recording each party has a channel, but each also leaks faintly into the
other's. A frame of channel A is B's voice leaking in when A is much quieter than B
(``bleed_margin_db``) *and* the two channels carry the same waveform there (correlation above
``bleed_correlation``); such frames are not A's speech, so one utterance is never counted
twice. Real overtalk is two different voices, uncorrelated, and is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from audio import decode, silero
from audio.schema import ModelInfo, SpeakerTurn

FRAME_S = 0.02


@dataclass(frozen=True)
class VadOptions:
    threshold: float = 0.5
    min_speech_duration_ms: int = 200
    min_silence_duration_ms: int = 300
    speech_pad_ms: int = 60
    bleed_margin_db: float = 10.0
    bleed_correlation: float = 0.6
    voiced_above_floor_db: float = 10.0


def describe(options: VadOptions) -> ModelInfo:
    from audio.models import package_version

    return ModelInfo(
        stage="vad",
        name="silero-vad",
        version=package_version("silero-vad"),
        options=tuple((k, str(v)) for k, v in vars(options).items()),
    )


def speech_regions(
    samples: decode.Samples, sample_rate: int, options: VadOptions
) -> list[tuple[float, float]]:
    """Speech spans in seconds for one channel, ``samples`` shape (samples,) at 16 kHz, read a
    block at a time."""
    if sample_rate != silero.SAMPLE_RATE:
        raise ValueError(f"voice activity needs {silero.SAMPLE_RATE} Hz audio, got {sample_rate}")
    return silero.speech_spans(silero.probabilities(samples), samples.size, options)


def _frame_blocks(samples: decode.Samples, hop: int, usable: int):
    """Successive (frames, hop) float64 blocks of ``samples[:usable]``: at most
    ``decode.BLOCK_SAMPLES`` in memory as float64, never the whole channel."""
    step = decode.BLOCK_SAMPLES - decode.BLOCK_SAMPLES % hop
    for start in range(0, usable, step):
        stop = min(usable, start + step)
        yield samples[start:stop].astype(np.float64).reshape(-1, hop)


def frame_db(samples: decode.Samples, sample_rate: int) -> np.ndarray:
    """RMS level per ``FRAME_S`` frame in dBFS, shape (frames,)."""
    hop = int(FRAME_S * sample_rate)
    usable = samples.size - samples.size % hop
    power = [np.mean(block**2, axis=1) for block in _frame_blocks(samples, hop, usable)]
    return 10 * np.log10(np.concatenate(power or [np.zeros(0)]) + 1e-12)


def frame_correlation(left: decode.Samples, right: decode.Samples, sample_rate: int
                      ) -> np.ndarray:
    """Absolute zero-lag correlation of the two channels per frame, shape (frames,)."""
    hop = int(FRAME_S * sample_rate)
    usable = min(left.size, right.size)
    usable -= usable % hop
    found = [
        np.abs(np.sum(a * b, axis=1)) / (np.sqrt(np.sum(a * a, axis=1) * np.sum(b * b, axis=1))
                                         + 1e-12)
        for a, b in zip(_frame_blocks(left, hop, usable), _frame_blocks(right, hop, usable),
                        strict=True)
    ]
    return np.concatenate(found or [np.zeros(0)])


def _close_gaps(mask: np.ndarray, max_gap_frames: int) -> np.ndarray:
    """Fill False runs shorter than ``max_gap_frames`` between True runs."""
    closed = mask.copy()
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    gap_starts, gap_ends = np.flatnonzero(edges == -1), np.flatnonzero(edges == 1)
    for start in gap_starts:
        later = gap_ends[gap_ends > start]
        if later.size and later[0] - start < max_gap_frames and start > 0:
            closed[start : later[0]] = True
    return closed


def _regions_to_mask(regions: list[tuple[float, float]], frames: int) -> np.ndarray:
    mask = np.zeros(frames, dtype=bool)
    for start, end in regions:
        mask[int(start / FRAME_S) : int(np.ceil(end / FRAME_S))] = True
    return mask


def _mask_to_regions(mask: np.ndarray, min_duration_s: float) -> list[tuple[float, float]]:
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return [
        (round(float(s) * FRAME_S, 3), round(float(e) * FRAME_S, 3))
        for s, e in zip(starts, ends, strict=True)
        if (e - s) * FRAME_S >= min_duration_s
    ]


def stereo_turns(
    samples: Sequence[decode.Samples], sample_rate: int, labels: tuple[str, str],
    options: VadOptions,
) -> tuple[SpeakerTurn, ...]:
    """Speaker turns of a two-channel call, ``samples`` its two channels (each shape (samples,),
    an array or a ``decode.Channel``; a (2, samples) array too); channel i is ``labels[i]``.
    Bleed from the other channel is removed frame by frame."""
    levels = [frame_db(channel, sample_rate) for channel in samples]
    same_signal = frame_correlation(samples[0], samples[1], sample_rate) > options.bleed_correlation
    frames = min(min(level.size for level in levels), same_signal.size)
    masks = [
        _regions_to_mask(speech_regions(channel, sample_rate, options), frames)[:frames]
        for channel in samples
    ]
    max_gap = int(options.min_silence_duration_ms / 1000 / FRAME_S)
    turns: list[SpeakerTurn] = []
    for index, label in enumerate(labels):
        own, other = levels[index][:frames], levels[1 - index][:frames]
        bleed = (own < other - options.bleed_margin_db) & same_signal[:frames]
        # frames clearly above this channel's own noise floor; pauses between words are
        # bridged by closing short gaps, but never start a turn on their own
        voiced = own > np.percentile(own, 10) + options.voiced_above_floor_db
        own_speech = _close_gaps(masks[index] & voiced & ~bleed, max_gap) & masks[index]
        for start, end in _mask_to_regions(own_speech, options.min_speech_duration_ms / 1000):
            turns.append(SpeakerTurn(label, start, end))
    return tuple(sorted(turns, key=lambda turn: (turn.start, turn.end)))
