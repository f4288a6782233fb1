"""Behaviour flags from a two-party transcript, in four steps:

1. split turns into timed sentences                       (scoring.sentences)
2. read every sentence in its turn with the adapted MiniLM  (scoring.encoder)  -> (n, 384)
3. act probabilities from features in context             (scoring.features, scoring.acts)
4. flags composed from acts, thresholded                  (scoring.flags)
5. drop a flag whose sentence is more like those the tenant's reviewers dismissed (``unlike``)
   than like the training examples of the behaviour (plain MiniLM, ``scoring.minilm``)
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from scoring import acts, encoder, features, flags, minilm, sentences
from scoring.config import POSITIVE, ScoringConfig
from scoring.schema import Flag, Segment

UNLIKE_SIMILARITY = 0.5  # lowest cosine to a dismissed sentence at which a flag can be dropped


def act_scores(
    segments: tuple[Segment, ...], config: ScoringConfig
) -> tuple[tuple[sentences.Sentence, ...], acts.ActScores]:
    """Sentences of the call and every act's probability on each, shape (sentences, acts)."""
    heads = acts.load(config.heads_path)
    split = sentences.split(segments)
    vectors = encoder.encode(split, [s.text for s in segments], [s.speaker for s in segments],
                             heads.adapter, config.embedding_model)
    matrix = features.build(split, vectors, config.lexicon, heads.lexicon_keys)
    return split, acts.predict(matrix, tuple(s.speaker for s in split), heads)


def _like_dismissed(hit: flags.Hit, text: str, config: ScoringConfig, heads: acts.Heads) -> bool:
    """The sentence resembles what the tenant's reviewers dismissed for this flag type more
    than the training examples of the behaviour itself (and at least ``unlike_similarity``)."""
    rules = config.rules(hit.type)
    unlike = rules.setting("unlike", ())
    if not unlike:
        return False
    vector = minilm.encode((text,), config.embedding_model)[0]
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
    split, scores = act_scores(segments, config)
    call = flags.CallActs(split, scores, angry_turns)
    found = []
    for hit in flags.compose(call, config):
        sentence = split[hit.row]
        if _like_dismissed(hit, sentence.text, config, heads):
            continue
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


def warm_up(config: ScoringConfig) -> None:
    """Load the heads and both encoders, writing their ONNX graphs on first use: a worker does
    this before its first call, the Docker image when it is built."""
    detect((Segment("agent", 0.0, 2.0, "Thanks for calling, how can I help?"),
            Segment("customer", 2.5, 4.0, "My bill is wrong.")), config)
    minilm.encode(("warm up the sentence model",), config.embedding_model)
