"""Features of each sentence in its context, the input of the dialogue-act heads.

Per sentence (rows in call order), concatenated:

    own vector, read in its turn (``scoring.encoder``)   384
    context scalars                                       len(SCALARS)
    lexicon cues: sentence hit, turn hit                  2 x len(lexicon keys)

The sentence's own turn is in its vector; the turns around it enter as measured relations (its
similarity to the other party's turn before, to the speaker's own earlier turns, words shared
with the turn before and with the speaker's earlier turns, how much the other party's turn
before resembles what this speaker said earlier, since a complaint not taken up comes back, and
position). Reading the other party's turn before inside the encoder instead, or whole
neighbouring vectors as columns, did no better on the validation split. The
flags then read the acts of the turns around (``scoring.flags``). Vectors are unit-norm;
similarities are cosines.
"""

from __future__ import annotations

import math
import re

import numpy as np

from scoring import text
from scoring.sentences import Sentence

SCALARS = (
    "question",
    "log_words",
    "first_in_turn",
    "position_in_call",
    "unpunctuated_turn",
    "similarity_to_other_before",
    "similarity_to_own_earlier",
    "has_own_earlier",
    "shared_words_with_other_before",
    "shared_words_with_own_earlier",
    "other_before_like_own_earlier",
)
Lexicon = tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]


def _turns(sentences: tuple[Sentence, ...]) -> list[list[int]]:
    count = (sentences[-1].segment + 1) if sentences else 0
    turns: list[list[int]] = [[] for _ in range(count)]
    for row, sentence in enumerate(sentences):
        turns[sentence.segment].append(row)
    return turns


def _neighbour(turns, speakers, index: int, step: int) -> int | None:
    """The nearest turn before (step -1) or after (step +1) by the other speaker."""
    other = index + step
    while 0 <= other < len(turns):
        if turns[other] and speakers[other] != speakers[index]:
            return other
        other += step
    return None


def _unpunctuated(value: str) -> bool:
    return not re.search(r"[.,?!]", value) and value == value.lower()


def build(
    sentences: tuple[Sentence, ...],
    embeddings: np.ndarray,
    lexicon: Lexicon,
    lexicon_keys: tuple[str, ...],
) -> np.ndarray:
    """Feature matrix, shape (sentences, dimension + len(SCALARS) + 2 x len(lexicon_keys)),
    float32.

    ``lexicon`` holds the patterns in force (a rules file may drop or change them); columns
    follow ``lexicon_keys``, the keys the heads were trained with.
    """
    n, dim = embeddings.shape[0], embeddings.shape[1] if embeddings.ndim == 2 else 0
    keys = len(lexicon_keys)
    out = np.zeros((n, dim + len(SCALARS) + 2 * keys), dtype=np.float32)
    if n == 0:
        return out
    turns = _turns(sentences)
    speakers = [sentences[rows[0]].speaker if rows else "" for rows in turns]
    turn_texts = [" ".join(sentences[r].text for r in rows) for rows in turns]
    turn_words = [text.content_words(value) for value in turn_texts]
    # content words the turn's speaker said before it, and the speaker's first turn
    own_words: list[frozenset[str]] = []
    first_turn: list[int] = []
    said: dict[str, set[str]] = {}
    first: dict[str, int] = {}
    for index, speaker in enumerate(speakers):
        own_words.append(frozenset(said.get(speaker, ())))
        first_turn.append(first.setdefault(speaker, index))
        said.setdefault(speaker, set()).update(turn_words[index])
    patterns = dict(lexicon)
    hits = np.zeros((n, keys), dtype=np.float32)
    for row, sentence in enumerate(sentences):
        for column, key in enumerate(lexicon_keys):
            if any(p.search(sentence.text) for p in patterns.get(key, ())):
                hits[row, column] = 1.0
    last_turn = max(1, len(turns) - 1)
    scalar_at = dim
    for row, sentence in enumerate(sentences):
        index = sentence.segment
        own = turns[index]
        out[row, :dim] = embeddings[row]
        before = _neighbour(turns, speakers, index, -1)
        earlier = [
            r
            for t in range(index)
            if speakers[t] == sentence.speaker
            for r in turns[t]
        ]
        words = text.words(sentence.text)
        scalars = (
            1.0 if "?" in sentence.text else 0.0,
            math.log1p(len(words)),
            1.0 if sentence.position == 0 else 0.0,
            index / last_turn,
            1.0 if _unpunctuated(turn_texts[index]) else 0.0,
            float((embeddings[turns[before]] @ embeddings[row]).max()) if before is not None else 0.0,
            float((embeddings[earlier] @ embeddings[row]).max()) if earlier else 0.0,
            1.0 if earlier else 0.0,
            min(1.0, len(text.content_words(sentence.text) & turn_words[before]) / 4)
            if before is not None
            else 0.0,
            min(1.0, len(text.content_words(sentence.text) & own_words[index]) / 4),
            float((embeddings[turns[before]] @ embeddings[earlier].T).max())
            if before is not None and earlier and before > first_turn[index]
            else 0.0,
        )
        out[row, scalar_at : scalar_at + len(SCALARS)] = scalars
        lexicon_at = scalar_at + len(SCALARS)
        out[row, lexicon_at : lexicon_at + keys] = hits[row]
        out[row, lexicon_at + keys :] = hits[own].max(axis=0)
    return out
