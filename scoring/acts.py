"""Dialogue acts: what each sentence does, as calibrated probabilities from trained heads.

The vocabulary is fixed (docs/labelling.md defines every act). Each party's acts are read by
one small network over the sentence's features in context (``scoring.features``): a hidden
layer of rectified units shared by that party's acts, then one logistic output per act. On the
validation split this beat one logistic regression per act (mean average precision 0.83 vs
0.80) and stayed calibrated. Trained by ``python -m scoring.train`` on the development set;
stored in ``scoring/heads/acts.npz``.
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

HEADS_FILE = "heads/acts.npz"


@dataclass(frozen=True)
class Layers:
    """One party's network: p = sigmoid(relu(x @ hidden + hidden_bias) @ out + out_bias)."""

    hidden: np.ndarray  # (features, units) float32, standardisation folded in
    hidden_bias: np.ndarray  # (units,)
    out: np.ndarray  # (units, that party's acts)
    out_bias: np.ndarray  # (that party's acts,)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        hidden = np.maximum(features @ self.hidden + self.hidden_bias, 0.0)
        logits = hidden @ self.out + self.out_bias
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))


@dataclass(frozen=True)
class Heads:
    """The act networks of both parties, and the examples their similarity features use."""

    acts: tuple[str, ...]
    lexicon_keys: tuple[str, ...]
    agent: Layers
    customer: Layers
    bank: np.ndarray  # (examples, 384) float16: embeddings of training sentences showing an act
    bank_labels: np.ndarray  # (examples, acts) uint8: which acts each example shows
    meta: dict[str, Any] = field(default_factory=dict)  # training provenance and figures

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "unversioned"))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {**self.meta, "acts": list(self.acts), "lexicon_keys": list(self.lexicon_keys)}
        arrays = {
            f"{side}_{name}": getattr(getattr(self, side), name).astype(np.float32)
            for side in (AGENT, CUSTOMER)
            for name in ("hidden", "hidden_bias", "out", "out_bias")
        }
        with path.open("wb") as handle:
            np.savez_compressed(
                handle,
                **arrays,
                bank=self.bank.astype(np.float16),
                bank_labels=self.bank_labels.astype(np.uint8),
                meta=np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8),
            )


def read(path: Path) -> Heads:
    with np.load(path) as data:
        meta = json.loads(bytes(data["meta"]).decode())
        sides = {
            side: Layers(*(data[f"{side}_{name}"] for name in
                           ("hidden", "hidden_bias", "out", "out_bias")))
            for side in (AGENT, CUSTOMER)
        }
        return Heads(
            acts=tuple(meta["acts"]),
            lexicon_keys=tuple(meta["lexicon_keys"]),
            agent=sides[AGENT],
            customer=sides[CUSTOMER],
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
    out = np.zeros((len(speakers), len(heads.acts)), dtype=np.float32)
    spoken = np.array(speakers)
    for side, layers in ((AGENT, heads.agent), (CUSTOMER, heads.customer)):
        rows = np.flatnonzero(spoken == side)
        columns = [i for i, act in enumerate(heads.acts) if SPEAKER_OF[act] == side]
        if len(rows):
            out[np.ix_(rows, columns)] = layers.probabilities(features[rows])
    return ActScores(heads.acts, out)
