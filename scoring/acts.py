"""Dialogue acts: what each sentence does, as calibrated probabilities from trained heads.

The vocabulary is fixed (docs/labelling.md defines every act). Each sentence is read in its
turn by MiniLM with a trained low-rank adapter (``scoring.encoder``); each party's acts are then
read by one small network over that vector and the sentence's context features
(``scoring.features``): a hidden layer of rectified units shared by that party's acts, then one
logistic output per act (the agent's network is a committee of four networks of 64 units fitted
with different seeds, stored as one layer whose logits are their mean). On the validation split the
adapted encoder lifted act macro-F1 from 0.748 (the same networks over plain per-sentence MiniLM
vectors, d3cab9a) to 0.805, and the heads stayed calibrated. Trained by ``python -m scoring.train`` on the development set; stored, adapter
included, in ``scoring/heads/acts.npz``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from scoring.encoder import Adapter
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
    """The act encoder's adapter, the act networks of both parties, and training examples of
    each act (plain MiniLM vectors, which a tenant's ``unlike`` sentences are compared with)."""

    acts: tuple[str, ...]
    lexicon_keys: tuple[str, ...]
    adapter: Adapter
    agent: Layers
    customer: Layers
    bank: np.ndarray  # (examples, 384) float32: MiniLM vectors of training sentences showing
    # an act some flag is made of (``flags.PRIMARY_ACTS``)
    bank_labels: np.ndarray  # (examples, acts) uint8: which acts each example shows
    meta: dict[str, Any] = field(default_factory=dict)  # training provenance and figures
    # (examples, len(meta["bank_flag_types"])) uint8: the flags labelled on each example's turn;
    # None in heads from before rules 2026.12-12
    bank_flags: np.ndarray | None = None

    def behaviour_examples(self, flag_type: str, flag_acts: tuple[str, ...]) -> np.ndarray:
        """Which bank examples show the behaviour ``flag_type`` names, shape (examples, 1) uint8:
        a sentence with one of its acts (``flag_acts``) in a turn labelled with the flag. A queue
        apology followed by help shows the apology act but not scripted empathy, so it is no
        example of what a reviewer may call a false flag. Heads without flag labels, or with
        fewer than ``NEIGHBOURS`` such examples, fall back to the acts alone."""
        columns = [self.acts.index(act) for act in flag_acts]
        shown = self.bank_labels[:, columns].max(axis=1, keepdims=True)
        types = list(self.meta.get("bank_flag_types", ()))
        if self.bank_flags is None or flag_type not in types:
            return shown
        flagged = shown * self.bank_flags[:, [types.index(flag_type)]]
        return flagged if int(flagged.sum()) >= NEIGHBOURS else shown

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "unversioned"))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        bank_scale = 127.0 / max(float(np.abs(self.bank).max(initial=0.0)), 1e-6)
        adapter = self.adapter
        meta = {**self.meta, "acts": list(self.acts), "lexicon_keys": list(self.lexicon_keys),
                "adapter": {"rank": adapter.rank, "scale": adapter.scale,
                            "context_words": adapter.context_words,
                            "weights": [name for name, _, _ in adapter.factors]}}
        factors = {
            f"adapter_{i}_{part}": matrix.astype(np.float16)
            for i, (_, a, b) in enumerate(adapter.factors)
            for part, matrix in (("a", a), ("b", b))
        }
        arrays = {
            f"{side}_{name}": getattr(getattr(self, side), name).astype(np.float32)
            for side in (AGENT, CUSTOMER)
            for name in ("hidden", "hidden_bias", "out", "out_bias")
        }
        with path.open("wb") as handle:
            np.savez_compressed(
                handle,
                **arrays,
                **factors,
                # int8, the largest component at 127 (cosines within 0.002): half the file
                bank=np.round(self.bank.astype(np.float32) * bank_scale).astype(np.int8),
                bank_scale=np.float32(bank_scale),
                bank_labels=self.bank_labels.astype(np.uint8),
                **({} if self.bank_flags is None
                   else {"bank_flags": self.bank_flags.astype(np.uint8)}),
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
        settings = meta.get("adapter")
        if settings is None:
            raise ValueError(
                f"the act heads in {path.name} were trained before the act encoder had an "
                "adapter (rules 2026.12-1): train them again (python -m scoring.train --adapt)")
        adapter = Adapter(
            rank=int(settings["rank"]),
            scale=float(settings["scale"]),
            context_words=int(settings["context_words"]),
            factors=tuple(
                (name, data[f"adapter_{i}_a"].astype(np.float32),
                 data[f"adapter_{i}_b"].astype(np.float32))
                for i, name in enumerate(settings["weights"])
            ),
        )
        return Heads(
            acts=tuple(meta["acts"]),
            lexicon_keys=tuple(meta["lexicon_keys"]),
            adapter=adapter,
            agent=sides[AGENT],
            customer=sides[CUSTOMER],
            bank=data["bank"].astype(np.float32) / float(data["bank_scale"]),
            bank_labels=data["bank_labels"],
            meta=meta,
            bank_flags=data["bank_flags"] if "bank_flags" in data.files else None,
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
    embeddings: np.ndarray, bank: np.ndarray, bank_labels: np.ndarray
) -> np.ndarray:
    """For each sentence and act, the mean cosine of its ``NEIGHBOURS`` nearest training
    examples of that act, shape (sentences, acts); plain MiniLM vectors on both sides."""
    out = np.zeros((embeddings.shape[0], bank_labels.shape[1]), dtype=np.float32)
    if not len(embeddings) or not len(bank):
        return out
    similarity = embeddings.astype(np.float32) @ bank.astype(np.float32, copy=False).T
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
