"""The act probabilities a call was first scored with, kept so that a re-score reuses them.

A re-score (an edited rules file, thresholds learned from verdicts) changes how flags are
composed from acts, not what each sentence does. Reading the acts again from the stored text
would be slower, and wrong for a redacted call: its stored text has placeholders where the
customer's specifics were, and "so that's the card ending [CARD_NUMBER]" does not restate what
"so that's the card ending 4417" did. So the probabilities of the first scoring are stored with
the call: numbers and character offsets only, no text. They are reused while the things that
made them are unchanged (``key_of``: the heads, the encoder and the lexicon cues) and the
stored turns still fit them; otherwise the acts are read again from the stored text.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from scoring import acts
from scoring.config import ScoringConfig
from scoring.schema import Segment
from scoring.sentences import Sentence

DIGITS = 6  # probabilities are stored rounded to this many decimals
# bump when sentence splitting, the features or the encoder's graph change what the same heads
# would read from the same text
READER_VERSION = "1"


@dataclass(frozen=True)
class SentenceSpan:
    """Where a sentence lies: its turn, its characters in that turn's text, its times (s)."""

    segment: int
    position: int
    speaker: str
    first_char: int
    last_char: int
    start: float
    end: float


@dataclass(frozen=True)
class ActRecord:
    """Every act's probability on every sentence of a call, shape (sentences, acts)."""

    key: str  # what made the probabilities (``key_of``)
    acts: tuple[str, ...]
    sentences: tuple[SentenceSpan, ...]
    texts: str  # digest of the turns' text the character offsets point into (``digest``)
    probabilities: np.ndarray = field(compare=False)

    def to_plain(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "acts": list(self.acts),
            "texts": self.texts,
            "sentences": [[s.segment, s.position, s.speaker, s.first_char, s.last_char,
                           s.start, s.end] for s in self.sentences],
            "probabilities": np.round(self.probabilities.astype(np.float64), DIGITS).tolist(),
        }

    def sentences_of(self, segments: tuple[Segment, ...]) -> tuple[Sentence, ...]:
        """The sentences, their text cut from ``segments`` (the stored, maybe masked, turns)."""
        return tuple(
            Sentence(s.segment, s.position, s.speaker,
                     segments[s.segment].text[s.first_char:s.last_char].strip(),
                     s.start, s.end, s.first_char, s.last_char)
            for s in self.sentences
        )

    def fits(self, segments: tuple[Segment, ...], config: ScoringConfig) -> bool:
        """Made by the heads, encoder and lexicon in force, for these turns' text and
        speakers."""
        if self.key != key_of(config) or self.texts != digest(segments):
            return False
        if {s.segment for s in self.sentences} != set(range(len(segments))):
            return False
        return all(
            segments[s.segment].speaker == s.speaker
            and 0 <= s.first_char <= s.last_char <= len(segments[s.segment].text)
            for s in self.sentences
        )


def from_plain(value: dict[str, Any]) -> ActRecord:
    rows = value["sentences"]
    return ActRecord(
        key=str(value["key"]),
        acts=tuple(value["acts"]),
        texts=str(value["texts"]),
        sentences=tuple(SentenceSpan(int(a), int(b), str(c), int(d), int(e), float(f), float(g))
                        for a, b, c, d, e, f, g in rows),
        probabilities=np.asarray(value["probabilities"], dtype=np.float32).reshape(
            len(rows), len(value["acts"])),
    )


def of(segments: tuple[Segment, ...], split: tuple[Sentence, ...], scores: acts.ActScores,
       config: ScoringConfig) -> ActRecord:
    """The record of a scoring that read ``split`` (the sentences of ``segments``) and found
    ``scores``."""
    spans = tuple(SentenceSpan(s.segment, s.position, s.speaker, s.first_char, s.last_char,
                               s.start, s.end) for s in split)
    rounded = np.round(scores.probabilities.astype(np.float64), DIGITS).astype(np.float32)
    return ActRecord(key_of(config), scores.acts, spans, digest(segments), rounded)


def digest(segments: tuple[Segment, ...]) -> str:
    """What the record's offsets must fit: the turns' text."""
    return digest_of_texts([s.text for s in segments])


def digest_of_texts(texts: list[str]) -> str:
    return hashlib.sha256(json.dumps(texts).encode()).hexdigest()[:16]


def key_of(config: ScoringConfig) -> str:
    """A digest of what act probabilities depend on: the heads file, the encoder model and the
    lexicon cues in force, and the version of the code that reads them (not thresholds,
    weights, explanations or ``unlike`` examples)."""
    lexicon = [[key, [p.pattern for p in patterns]] for key, patterns in config.lexicon]
    made_of = [READER_VERSION, _heads_digest(config.heads_path), config.embedding_model, lexicon]
    return hashlib.sha256(json.dumps(made_of).encode()).hexdigest()[:16]


@cache
def _heads_digest(path: str) -> str:
    if path:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    with resources.as_file(resources.files("scoring").joinpath(acts.HEADS_FILE)) as shipped:
        return hashlib.sha256(shipped.read_bytes()).hexdigest()
