"""Behaviour flags from a two-party transcript, in four steps:

1. split turns into timed sentences                       (scoring.sentences)
2. embed every sentence once with MiniLM (ONNX Runtime)   (scoring.minilm)   -> (n, 384)
3. act probabilities from features in context             (scoring.features, scoring.acts)
4. flags composed from acts, thresholded                  (scoring.flags)
5. drop a flag whose sentence is more like those the tenant's reviewers dismissed (``unlike``)
   than like the training examples of the behaviour
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from scoring import acts, features, flags, minilm, sentences
from scoring.config import POSITIVE, ScoringConfig
from scoring.schema import Flag, Segment

UNLIKE_SIMILARITY = 0.5  # lowest cosine to a dismissed sentence at which a flag can be dropped


def act_scores(
    segments: tuple[Segment, ...], config: ScoringConfig
) -> tuple[tuple[sentences.Sentence, ...], np.ndarray, acts.ActScores]:
    """Sentences of the call, their embeddings (sentences, 384) and every act's probability
    on each, shape (sentences, acts)."""
    heads = acts.load(config.heads_path)
    split = sentences.split(segments)
    vectors = minilm.encode(tuple(s.text for s in split), config.embedding_model)
    if vectors.shape[1] != heads.bank.shape[1]:
        raise ValueError(
            f"the act heads ({heads.version}) were trained on {heads.bank.shape[1]}-dimensional "
            f"sentence embeddings, but the embedding model in {config.source} gives "
            f"{vectors.shape[1]}: train heads for that model (python -m scoring.train) and set "
            "[acts] heads to them"
        )
    similar = acts.similarity_to_examples(vectors, heads.bank, heads.bank_labels)
    matrix = features.build(split, vectors, similar, config.lexicon, heads.lexicon_keys)
    return split, vectors, acts.predict(matrix, tuple(s.speaker for s in split), heads)


def _like_dismissed(
    hit: flags.Hit, vectors: np.ndarray, config: ScoringConfig, heads: acts.Heads
) -> bool:
    """The sentence resembles what the tenant's reviewers dismissed for this flag type more
    than the training examples of the behaviour itself (and at least ``unlike_similarity``)."""
    rules = config.rules(hit.type)
    unlike = rules.setting("unlike", ())
    if not unlike:
        return False
    vector = vectors[hit.row]
    dismissed = float((_unlike_vectors(unlike, config.embedding_model) @ vector).max())
    if dismissed < float(rules.setting("unlike_similarity", UNLIKE_SIMILARITY)):
        return False
    columns = [heads.acts.index(act) for act in flags.PRIMARY_ACTS[hit.type]]
    genuine = acts.similarity_to_examples(
        vector[None], heads.bank, heads.bank_labels[:, columns].max(axis=1, keepdims=True)
    )[0, 0]
    return dismissed > float(genuine)


@lru_cache(maxsize=64)
def _unlike_vectors(unlike: tuple[str, ...], model: str) -> np.ndarray:
    return minilm.encode(unlike, model)


def detect(
    segments: tuple[Segment, ...], config: ScoringConfig, angry_turns: frozenset[int] = frozenset()
) -> tuple[Flag, ...]:
    """Text flags of a transcript. ``angry_turns`` are segment indices with a raised voice."""
    if not segments:
        return ()
    heads = acts.load(config.heads_path)
    split, vectors, scores = act_scores(segments, config)
    call = flags.CallActs(split, scores, angry_turns)
    found = []
    for hit in flags.compose(call, config):
        if _like_dismissed(hit, vectors, config, heads):
            continue
        sentence = split[hit.row]
        found.append(
            Flag(
                type=hit.type,
                speaker=sentence.speaker,
                start=sentence.start,
                end=sentence.end,
                quote=sentence.text,
                confidence=round(hit.probability, 2),
                rule=hit.rule,
                explanation=hit.explanation,
                polarity="positive" if hit.type in POSITIVE else "negative",
            )
        )
    return tuple(sorted(found, key=lambda flag: (flag.start, flag.type)))
