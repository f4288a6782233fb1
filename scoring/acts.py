"""Dialogue acts: what each sentence does, as calibrated probabilities from trained heads.

The vocabulary is fixed (docs/labelling.md defines every act). Each act has a logistic
regression head over the sentence's features in context (``scoring.features``), trained by
``python -m scoring.train`` on the development set and stored in ``scoring/heads/acts.npz``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from scoring.schema import AGENT, CUSTOMER

AGENT_ACTS = (
    "empathy",
    "apology",
    "restate",
    "action",
    "ownership",
    "concession",
    "reluctance",
    "refusal",
    "alternative",
    "system_appeal",
    "admits_error",
    "redirect",
    "handoff_care",
    "blame_customer",
    "rude",
)
CUSTOMER_ACTS = ("complaint", "escalation", "anger", "repeat", "thanks")
ACTS = AGENT_ACTS + CUSTOMER_ACTS
SPEAKER_OF = {**dict.fromkeys(AGENT_ACTS, AGENT), **dict.fromkeys(CUSTOMER_ACTS, CUSTOMER)}

# how explanations name an act to a supervisor
DESCRIPTION = {
    "empathy": "empathy line",
    "apology": "apology",
    "restate": "restating the customer's specifics",
    "action": "a concrete action",
    "ownership": "taking responsibility",
    "concession": "a concession",
    "reluctance": "grudging framing",
    "refusal": "a refusal",
    "alternative": "an alternative",
    "system_appeal": "the system cited as the authority",
    "admits_error": "allowing the record may be wrong",
    "redirect": "sending the customer elsewhere",
    "handoff_care": "a looked-after handover",
    "blame_customer": "blaming the customer",
    "rude": "rude or dismissive language",
    "complaint": "a complaint",
    "escalation": "a threat to escalate or leave",
    "anger": "anger",
    "repeat": "repeating an earlier complaint",
    "thanks": "thanks",
}

HEADS_FILE = "heads/acts.npz"


@dataclass(frozen=True)
class Heads:
    """Logistic heads, one column per act: p = sigmoid(features @ weights + bias)."""

    acts: tuple[str, ...]
    lexicon_keys: tuple[str, ...]
    weights: np.ndarray  # (features, acts) float32, standardisation folded in
    bias: np.ndarray  # (acts,) float32
    bank: np.ndarray  # (examples, 384) float16: embeddings of training sentences showing an act
    bank_labels: np.ndarray  # (examples, acts) uint8: which acts each example shows
    meta: dict[str, Any] = field(default_factory=dict)  # training provenance and figures

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "unversioned"))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {**self.meta, "acts": list(self.acts), "lexicon_keys": list(self.lexicon_keys)}
        with path.open("wb") as handle:
            np.savez_compressed(
                handle,
                weights=self.weights.astype(np.float32),
                bias=self.bias.astype(np.float32),
                bank=self.bank.astype(np.float16),
                bank_labels=self.bank_labels.astype(np.uint8),
                meta=np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8),
            )


def read(path: Path) -> Heads:
    with np.load(path) as data:
        meta = json.loads(bytes(data["meta"]).decode())
        return Heads(
            acts=tuple(meta["acts"]),
            lexicon_keys=tuple(meta["lexicon_keys"]),
            weights=data["weights"],
            bias=data["bias"],
            bank=data["bank"],
            bank_labels=data["bank_labels"],
            meta=meta,
        )


@cache
def load(path: str = "") -> Heads:
    """The heads at ``path``, or the shipped ones."""
    if path:
        return read(Path(path))
    with resources.as_file(resources.files("scoring").joinpath(HEADS_FILE)) as shipped:
        return read(shipped)


@dataclass(frozen=True)
class ActScores:
    """Probability of every act for every sentence, shape (sentences, acts); an act of the
    other party's vocabulary is 0."""

    acts: tuple[str, ...]
    probabilities: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "_column", {act: i for i, act in enumerate(self.acts)})

    def p(self, row: int, act: str) -> float:
        return float(self.probabilities[row, self._column[act]])  # type: ignore[attr-defined]

    def best(self, rows: list[int] | range, acts: tuple[str, ...]) -> float:
        """Highest probability of any of ``acts`` on any of ``rows``; 0 for no rows."""
        if not rows or not acts:
            return 0.0
        columns = [self._column[a] for a in acts]  # type: ignore[attr-defined]
        return float(self.probabilities[np.ix_(list(rows), columns)].max())


NEIGHBOURS = 3


def similarity_to_examples(
    embeddings: np.ndarray,
    bank: np.ndarray,
    bank_labels: np.ndarray,
    excluded: np.ndarray | None = None,
) -> np.ndarray:
    """For each sentence and act, the mean cosine of its ``NEIGHBOURS`` nearest training
    examples of that act, shape (sentences, acts). ``excluded`` (sentences, examples) bool
    hides examples (training: the sentence's own paraphrase group)."""
    out = np.zeros((embeddings.shape[0], bank_labels.shape[1]), dtype=np.float32)
    if not len(embeddings) or not len(bank):
        return out
    similarity = embeddings.astype(np.float32) @ bank.astype(np.float32).T
    if excluded is not None:
        similarity[excluded] = -1.0
    for column in range(bank_labels.shape[1]):
        shown = similarity[:, bank_labels[:, column] > 0]
        if shown.shape[1] == 0:
            continue
        k = min(NEIGHBOURS, shown.shape[1])
        out[:, column] = np.sort(np.partition(shown, -k, axis=1)[:, -k:], axis=1).mean(axis=1)
    return out


def predict(features: np.ndarray, speakers: tuple[str, ...], heads: Heads) -> ActScores:
    """Act probabilities for feature rows spoken by ``speakers`` (one per row)."""
    logits = features @ heads.weights + heads.bias
    probabilities = 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))
    spoken = np.array(speakers)[:, None] == np.array([SPEAKER_OF[a] for a in heads.acts])[None]
    return ActScores(heads.acts, (probabilities * spoken).astype(np.float32))
