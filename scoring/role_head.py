"""Which party a sentence sounds like: a logistic head over the act encoder's vectors.

On a mono call the speakers are only labels; what each says tells the agent from the customer.
Phrase cues ("thank you for calling", "my bill") fire once or not at all, and miss a call that
opens mid-conversation or after the customer; this head reads every sentence (trained on the
development dialogs, where every sentence's party is known) and ``scoring.roles`` averages it
per speaker. It is kept in its own file beside the act heads (``heads/roles.npz``), so adding or
retraining it leaves the act heads' file, and the act records stored with calls, as they are;
it is used only with the encoder adapter it was trained on.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

ROLE_FILE = "heads/roles.npz"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoleHead:
    """logit(agent) = vector @ weights + bias, for unit-norm (n, 384) vectors."""

    weights: np.ndarray  # (384,) float32
    bias: float
    adapter: str  # digest of the encoder adapter whose vectors it reads
    meta: dict[str, Any] = field(default_factory=dict)  # training provenance and figures

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "unversioned"))

    def logits(self, vectors: np.ndarray) -> np.ndarray:
        """Log-odds that each sentence is the agent's, shape (n,)."""
        return vectors.astype(np.float32) @ self.weights + np.float32(self.bias)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {**self.meta, "adapter": self.adapter}
        with path.open("wb") as handle:
            np.savez_compressed(
                handle, weights=self.weights.astype(np.float32), bias=np.float32(self.bias),
                meta=np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8))


def read(path: Path) -> RoleHead:
    with np.load(path) as data:
        meta = json.loads(bytes(data["meta"]).decode())
        return RoleHead(data["weights"].astype(np.float32), float(data["bias"]),
                        str(meta["adapter"]), meta)


def _beside(heads_path: str) -> RoleHead | None:
    """The role head in the act heads' folder (the shipped one for ""), if there is one."""
    if heads_path:
        beside = Path(heads_path).with_name(Path(ROLE_FILE).name)
        return read(beside) if beside.is_file() else None
    with resources.as_file(resources.files("scoring").joinpath(ROLE_FILE)) as shipped:
        return read(shipped) if shipped.is_file() else None


@cache
def for_adapter(heads_path: str, adapter: str) -> RoleHead | None:
    """The role head that reads the vectors of ``adapter`` (a digest): the one beside the act
    heads at ``heads_path``, else the shipped one; None (logged once) when neither does, and
    roles are then decided by the phrase cues alone."""
    for head in (_beside(heads_path), _beside("") if heads_path else None):
        if head is not None and head.adapter == adapter:
            return head
    log.warning("no role head reads the vectors of the act heads in use (%s): mono roles are "
                "decided by phrase cues alone; python -m scoring.train_roles fits one",
                heads_path or "shipped")
    return None
