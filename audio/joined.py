"""Both channels of a stereo call heard in one transcription pass.

Each channel's own speech (its VAD turns, padded) is cut out and the pieces are laid end to end
in the order they were spoken, with a short silence between; Whisper transcribes that one
stream, and each word goes back to the channel and time it came from. A short call then pays
Whisper's fixed cost once, not once per channel, and nothing outside a speaker's own speech
(the other party's bleed, hold music) is transcribed at all.

    stream, pieces = joined_speech({"left": (samples,), "right": ...}, turns, 16000)
    words = words_in_call(transcribe(stream), pieces)
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace

import numpy as np

from audio import decode
from audio.schema import SpeakerTurn, Word

PAD_S = 0.2  # either side of each turn: VAD edges cut word onsets
GAP_S = 0.5  # silence between pieces, so that Whisper hears a pause, not one run-on word
MERGE_GAP_S = 1.0  # one speaker's turns closer than this are one piece


@dataclass(frozen=True)
class Piece:
    """A stretch of one channel's speech: ``start``..``end`` s in the call, laid at ``offset``
    s in the joined stream."""

    speaker: str
    start: float
    end: float
    offset: float


def _regions(turns: list[SpeakerTurn], duration_s: float) -> list[tuple[float, float]]:
    merged: list[list[float]] = []
    for turn in sorted(turns, key=lambda t: t.start):
        start, end = max(0.0, turn.start - PAD_S), min(duration_s, turn.end + PAD_S)
        if merged and start - merged[-1][1] < MERGE_GAP_S:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged if end > start]


def joined_speech(channels: dict[str, decode.Samples], turns: tuple[SpeakerTurn, ...],
                  sample_rate: int) -> tuple[np.ndarray, tuple[Piece, ...]]:
    """(the joined stream, float32 shape (samples,); its pieces in order). Only the speech
    pieces of each channel (shape (samples,), an array or a ``decode.Channel``) are read; the
    stream holds all of them at once, as float32."""
    spans = sorted(
        (start, end, speaker)
        for speaker, samples in channels.items()
        for start, end in _regions([t for t in turns if t.speaker == speaker],
                                   samples.size / sample_rate)
    )
    gap = np.zeros(int(GAP_S * sample_rate), dtype=np.float32)
    parts, pieces, offset = [], [], 0.0
    for start, end, speaker in spans:
        cut = channels[speaker][int(start * sample_rate):int(end * sample_rate)]
        pieces.append(Piece(speaker, start, start + cut.size / sample_rate, offset))
        parts += [cut.astype(np.float32, copy=False), gap]
        offset += (cut.size + gap.size) / sample_rate
    stream = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
    return stream, tuple(pieces)


def words_in_call(words: tuple[Word, ...], pieces: tuple[Piece, ...]) -> tuple[Word, ...]:
    """The joined stream's words at their times in the call, each with its piece's speaker
    (the piece its middle falls in; a word in a gap goes to the piece before)."""
    offsets = [piece.offset for piece in pieces]
    out = []
    for word in words:
        index = bisect.bisect_right(offsets, (word.start + word.end) / 2) - 1
        if index < 0:
            continue
        piece = pieces[index]

        def at(t: float, piece: Piece = piece) -> float:
            return round(min(piece.end, max(piece.start, t - piece.offset + piece.start)), 3)

        out.append(replace(word, start=at(word.start), end=at(word.end), speaker=piece.speaker))
    return tuple(sorted(out, key=lambda w: (w.start, w.end)))
