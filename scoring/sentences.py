"""Turns split into sentences, each timed by its share of the turn's characters."""

from __future__ import annotations

from dataclasses import dataclass

from scoring import text
from scoring.schema import Segment


@dataclass(frozen=True)
class Sentence:
    segment: int  # index of the turn it belongs to
    position: int  # 0 for the turn's first sentence
    speaker: str
    text: str
    start: float  # seconds
    end: float  # seconds
    first_char: int  # where the sentence begins in its turn's text
    last_char: int  # where it ends in that text (exclusive)


def split(segments: tuple[Segment, ...]) -> tuple[Sentence, ...]:
    """Every turn's sentences in call order; a turn without punctuation is one sentence."""
    out: list[Sentence] = []
    for index, segment in enumerate(segments):
        parts = text.sentences(segment.text) or [segment.text]
        cursor, total = 0, max(1, len(segment.text))
        span = segment.end - segment.start
        for position, part in enumerate(parts):
            offset = segment.text.find(part, cursor)
            offset = cursor if offset < 0 else offset
            cursor = offset + len(part)
            out.append(
                Sentence(
                    segment=index,
                    position=position,
                    speaker=segment.speaker,
                    text=part,
                    start=round(segment.start + span * offset / total, 2),
                    end=round(segment.start + span * cursor / total, 2),
                    first_char=offset,
                    last_char=cursor,
                )
            )
    return tuple(out)
