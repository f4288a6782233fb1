"""Behaviour flags from a two-party transcript, in five steps:

1. split turns into timed sentences                       (scoring.sentences)
2. read every sentence in its turn with the adapted MiniLM  (scoring.encoder)  -> (n, 384)
3. act probabilities from features in context             (scoring.features, scoring.acts)
4. flags composed from acts, thresholded                  (scoring.flags)
   (a re-score reuses the acts of the first scoring: ``scoring.record``)
5. drop a flag whose sentence is more like those the tenant's reviewers dismissed (``unlike``)
   than like the training examples of the behaviour (plain MiniLM, ``scoring.minilm``)
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from scoring import acts, encoder, features, flags, minilm, record, sentences
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
    unlike = config.rules(hit.type).setting("unlike", ())
    if not unlike:
        return False
    vector = minilm.encode((text,), config.embedding_model)[0]
    return silencing(vector, _unlike_vectors(unlike, config.embedding_model), hit.type, config,
                     heads).any()


def silencing(vector: np.ndarray, unlike: np.ndarray, flag_type: str, config: ScoringConfig,
              heads: acts.Heads) -> np.ndarray:
    """Which ``unlike`` examples (MiniLM vectors, shape (n, 384)) would each keep a sentence
    (``vector``) from raising ``flag_type``: at least ``unlike_similarity`` to it, and more like
    it than the behaviour's training examples are; shape (n,) bool."""
    similarity = unlike @ vector
    floor = float(config.rules(flag_type).setting("unlike_similarity", UNLIKE_SIMILARITY))
    examples = heads.behaviour_examples(flag_type, flags.PRIMARY_ACTS[flag_type])
    genuine = acts.similarity_to_examples(vector[None], heads.bank, examples)[0, 0]
    return (similarity >= floor) & (similarity > float(genuine))


@lru_cache(maxsize=64)
def _unlike_vectors(unlike: tuple[str, ...], model: str) -> np.ndarray:
    return minilm.encode(unlike, model)


def read_acts(
    segments: tuple[Segment, ...], config: ScoringConfig, stored: record.ActRecord | None = None
) -> record.ActRecord:
    """The acts of every sentence: ``stored`` (from the call's first scoring) while it fits
    these turns and the heads, encoder and lexicon in force, else read from the text."""
    if stored is not None and stored.fits(segments, config):
        return stored
    if not segments:
        heads = acts.load(config.heads_path)
        empty = acts.ActScores(heads.acts, np.zeros((0, len(heads.acts)), dtype=np.float32))
        return record.of(segments, (), empty, config)
    split, scores = act_scores(segments, config)
    return record.of(segments, split, scores, config)


def flags_from(
    segments: tuple[Segment, ...],
    found: record.ActRecord,
    config: ScoringConfig,
    angry_turns: frozenset[int] = frozenset(),
) -> tuple[Flag, ...]:
    """Text flags composed from the acts ``found`` on ``segments``; ``angry_turns`` are segment
    indices with a raised voice. Quotes are cut from the segments' text as it stands."""
    if not found.sentences:
        return ()
    heads = acts.load(config.heads_path)
    split = found.sentences_of(segments)
    call = flags.CallActs(split, acts.ActScores(found.acts, found.probabilities), angry_turns)
    out = []
    for hit in flags.compose(
            call, config, lambda hit: _like_dismissed(hit, split[hit.row].text, config, heads)):
        sentence = split[hit.row]
        out.append(
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
    return tuple(sorted(out, key=lambda flag: (flag.start, flag.type)))


def detect(
    segments: tuple[Segment, ...], config: ScoringConfig, angry_turns: frozenset[int] = frozenset()
) -> tuple[Flag, ...]:
    """Text flags of a transcript, its acts read from the text."""
    return flags_from(segments, read_acts(segments, config), config, angry_turns)


def warm_up(config: ScoringConfig) -> None:
    """Load the heads and both encoders, writing their ONNX graphs on first use: a worker does
    this before its first call, the Docker image when it is built."""
    detect((Segment("agent", 0.0, 2.0, "Thanks for calling, how can I help?"),
            Segment("customer", 2.5, 4.0, "My bill is wrong.")), config)
    minilm.encode(("warm up the sentence model",), config.embedding_model)
