"""Train the act encoder's low-rank adapter (``python -m scoring.train --adapt``; needs torch).

MiniLM (transformers' ``BertModel`` over the shipped weights, frozen) gets a rank-``rank``
update on every linear layer of its six blocks. Each development dialog is one step: its turns
are read exactly as at scoring time (``scoring.encoder.windows``, mean of each sentence's own
tokens, unit-norm), the vectors with the sentence's context features (``scoring.features``) go
through one provisional network per party, and binary cross-entropy on the act labels trains the
adapter and those networks together. Only the adapter is kept: ``scoring.train`` then fits the
shipped heads on the vectors of the ONNX encoder, the same vectors the scorer will see.

Seeded, on the CPU, with a fixed thread count: the same command on the same machine gives the
same adapter. About 3 minutes per epoch per 500 dialogs on two cores.
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass

import numpy as np

from scoring import acts, config, encoder, features, minilm
from scoring.schema import AGENT, CUSTOMER

# the linear layers of each block that get an update: (module path under the layer, weight)
TARGETS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)
EMBEDDING_SCALE = 10.0  # unit vectors against context features of order one


@dataclass(frozen=True)
class AdapterOptions:
    rank: int = 8
    alpha: float = 16.0  # update scale = alpha / rank
    epochs: int = 5
    learning_rate: float = 5e-4
    head_learning_rate: float = 1e-3
    warmup_steps: int = 100
    dropout: float = 0.1
    units: int = 256
    context_words: int = 0  # words of the other party's turn before read with each turn
    threads: int = 2


def _modules(options: AdapterOptions):
    """torch modules, built here so that importing this file does not import torch."""
    import torch
    from torch import nn

    class LowRank(nn.Module):
        def __init__(self, base: nn.Linear) -> None:
            super().__init__()
            self.base = base
            self.a = nn.Parameter(torch.randn(options.rank, base.in_features)
                                  / math.sqrt(base.in_features))
            self.b = nn.Parameter(torch.zeros(base.out_features, options.rank))
            self.drop = nn.Dropout(options.dropout)
            self.scale = options.alpha / options.rank

        def forward(self, x):
            return self.base(x) + (self.drop(x) @ self.a.T @ self.b.T) * self.scale

    def head(inputs: int, outputs: int) -> nn.Module:
        return nn.Sequential(nn.Dropout(options.dropout), nn.Linear(inputs, options.units),
                             nn.ReLU(), nn.Dropout(options.dropout),
                             nn.Linear(options.units, outputs))

    return LowRank, head


def _inputs(dialog, context_words: int, tokenizer):
    """Token ids, mask and types (turn windows, tokens) and the pooling matrix
    (sentences, windows x tokens), as ``scoring.encoder`` reads the dialog."""
    import torch

    texts = [s.text for s in dialog.segments]
    speakers = [s.speaker for s in dialog.segments]
    windows = encoder.windows(dialog.sentences, texts, speakers, context_words, tokenizer)
    ids, mask, types = encoder.padded(windows)
    pooling = np.zeros((len(dialog.sentences), len(windows), ids.shape[1]), dtype=np.float32)
    for w, window in enumerate(windows):
        for row, positions in window.members:
            pooling[row, w, list(positions)] = 1.0 / len(positions)
    return (torch.tensor(ids), torch.tensor(mask), torch.tensor(types),
            torch.tensor(pooling.reshape(len(dialog.sentences), -1)))


def train_adapter(dialogs, training: set[str], rules: config.ScoringConfig, seed: int,
                  options: AdapterOptions = AdapterOptions()) -> encoder.Adapter:
    """The adapter trained on the dialogs of the ``training`` paraphrase groups."""
    import torch
    from torch import nn
    from transformers import BertModel

    torch.manual_seed(seed)
    torch.set_num_threads(options.threads)
    rng = np.random.default_rng(seed)
    directory = minilm.model_dir(rules.embedding_model)
    bert = BertModel.from_pretrained(str(directory))
    for parameter in bert.parameters():
        parameter.requires_grad = False
    low_rank, head = _modules(options)
    for layer in bert.encoder.layer:
        for target in TARGETS:
            parent_path, name = target.rsplit(".", 1)
            parent = layer.get_submodule(parent_path)
            setattr(parent, name, low_rank(getattr(parent, name)))
    columns = {side: [i for i, act in enumerate(acts.ACTS) if acts.SPEAKER_OF[act] == side]
               for side in (AGENT, CUSTOMER)}
    width = bert.config.hidden_size + len(features.SCALARS) + 2 * len(config.LEXICON_KEYS)
    heads = nn.ModuleDict({side: head(width, len(c)) for side, c in columns.items()})
    tokenizer = encoder.tokenizer(rules.embedding_model)
    chosen = [d for d in dialogs if d.group in training]
    inputs = [_inputs(d, options.context_words, tokenizer) for d in chosen]
    adapted = [p for p in bert.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW([{"params": adapted, "lr": options.learning_rate},
                                   {"params": heads.parameters(),
                                    "lr": options.head_learning_rate}], weight_decay=0.01)
    steps = options.epochs * len(chosen)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, step / options.warmup_steps) * max(0.0, 1 - step / steps))
    loss_of = nn.BCEWithLogitsLoss(reduction="none")
    bert.train()
    heads.train()
    for epoch in range(options.epochs):
        started, total = time.monotonic(), 0.0
        for index in rng.permutation(len(chosen)):
            dialog = chosen[index]
            ids, mask, types, pooling = inputs[index]
            states = bert(input_ids=ids, attention_mask=mask, token_type_ids=types)
            pooled = pooling @ states.last_hidden_state.reshape(-1, states.last_hidden_state.shape[-1])
            vectors = pooled / pooled.norm(dim=1, keepdim=True).clamp_min(1e-12)
            context = features.build(dialog.sentences, vectors.detach().numpy(), rules.lexicon,
                                     config.LEXICON_KEYS)[:, vectors.shape[1]:]
            x = torch.cat([vectors * EMBEDDING_SCALE, torch.tensor(context)], dim=1)
            spoken = np.array([s.speaker for s in dialog.sentences])
            logits = torch.zeros(len(spoken), len(acts.ACTS))
            weight = torch.zeros_like(logits)
            for side, side_columns in columns.items():
                rows = np.flatnonzero(spoken == side)
                if len(rows):
                    logits[np.ix_(rows, side_columns)] = heads[side](x[rows])
                    weight[np.ix_(rows, side_columns)] = 1.0
            truth = torch.tensor(dialog.labels, dtype=torch.float32)
            loss = (loss_of(logits, truth) * weight).sum() / weight.sum().clamp_min(1.0)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float(loss.detach())
        print(f"  adapter epoch {epoch + 1}/{options.epochs}: loss {total / len(chosen):.4f}, "
              f"{time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    factors = []
    for number, layer in enumerate(bert.encoder.layer):
        for target in TARGETS:
            module = layer.get_submodule(target)
            factors.append((f"encoder.layer.{number}.{target}.weight",
                            module.a.detach().numpy().copy(), module.b.detach().numpy().copy()))
    return encoder.Adapter(options.rank, options.alpha / options.rank, options.context_words,
                           tuple(factors))
