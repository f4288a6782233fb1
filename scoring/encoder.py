"""Sentence vectors in context, the input of the dialogue-act heads.

all-MiniLM-L6-v2 with a trained low-rank adapter reads each turn whole (and, if the adapter was
trained so, after the last ``context_words`` words of the other party's turn before it, as the
first segment; the shipped adapter uses none: it did no better), and a sentence's vector is the
mean of its own tokens' states, made unit-norm. So "I can't waive it" is read beside "but I can
split it over three bills". The adapter is trained with the act heads (``scoring.train``) and stored
with them; here it runs through ONNX Runtime, merged into a graph that is written once from the
shipped weights and cached, as for plain MiniLM (``scoring.minilm``). No torch.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import numpy as np

from scoring import minilm
from scoring.sentences import Sentence

GRAPH_VERSION = "bert-token-states-1"  # part of the cache key
MAX_TOKENS = 256  # MiniLM's trained length; longer turns are read in parts
_BATCH = 16  # windows sorted by length: little padding per run
_REMEMBERED = 2  # calls whose vectors ``encode`` keeps
_recent: dict[tuple, np.ndarray] = {}


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: it holds arrays
class Adapter:
    """Low-rank updates of the encoder's linear layers: weight += scale * B @ A."""

    rank: int
    scale: float
    context_words: int  # words of the other party's turn before, read with each turn
    factors: tuple[tuple[str, np.ndarray, np.ndarray], ...]  # (weight name, A (r, in), B (out, r))

    def deltas(self) -> dict[str, np.ndarray]:
        return {
            name: (self.scale * b.astype(np.float32) @ a.astype(np.float32)).astype(np.float32)
            for name, a, b in self.factors
        }

    @cached_property
    def digest(self) -> str:
        hashed = hashlib.sha256(f"{self.rank}:{self.scale}:{self.context_words}".encode())
        for name, a, b in self.factors:
            hashed.update(name.encode() + a.astype(np.float16).tobytes()
                          + b.astype(np.float16).tobytes())
        return hashed.hexdigest()[:16]


@dataclass(frozen=True)
class Window:
    """One encoder input: a turn, or part of a long one, after its context.

    ``members`` gives, for each sentence read here, its row in the call and the positions of
    its own tokens."""

    ids: tuple[int, ...]
    types: tuple[int, ...]  # 0: context and special tokens before it, 1: the turn
    members: tuple[tuple[int, tuple[int, ...]], ...]


def _context(turn_texts: list[str], speakers: list[str], index: int, words: int) -> str:
    """The last ``words`` words of the other party's nearest turn before ``index``."""
    if words <= 0:
        return ""
    for earlier in range(index - 1, -1, -1):
        if speakers[earlier] != speakers[index] and turn_texts[earlier].strip():
            return " ".join(turn_texts[earlier].split()[-words:])
    return ""


def _encoded(tokenizer, context: str, text: str):
    return tokenizer.encode(context, text) if context else tokenizer.encode(text)


def _window(encoding, read: int, shift: int, rows: list[tuple[int, Sentence]]) -> Window:
    """The window of one encoding (``read``: the segment holding the turn), its sentences'
    own tokens found by character offsets (the turn's text starts ``shift`` characters in)."""
    segment_of, offsets = encoding.sequence_ids, encoding.offsets
    turn = tuple(k for k, segment in enumerate(segment_of) if segment == read)
    members = []
    for row, sentence in rows:
        begin, end = sentence.first_char - shift, sentence.last_char - shift
        own = tuple(k for k in turn if offsets[k][1] > offsets[k][0]
                    and offsets[k][0] < end and offsets[k][1] > begin)
        # no token of its own (nothing was heard): the turn, or the [CLS] token, stands for it
        members.append((row, own or turn or (0,)))
    return Window(tuple(encoding.ids), tuple(encoding.type_ids), tuple(members))


def windows(
    sentences: tuple[Sentence, ...],
    turn_texts: list[str],
    speakers: list[str],
    context_words: int,
    tokenizer,
    max_tokens: int = MAX_TOKENS,
) -> list[Window]:
    """The encoder inputs for a call: one per turn, with its context; a turn too long for
    ``max_tokens`` is read in runs of whole sentences, each with the same context (and a
    single sentence longer than that is cut)."""
    by_turn: dict[int, list[tuple[int, Sentence]]] = {}
    for row, sentence in enumerate(sentences):
        by_turn.setdefault(sentence.segment, []).append((row, sentence))
    out = []
    for index, rows in by_turn.items():
        text = turn_texts[index]
        context = _context(turn_texts, speakers, index, context_words)
        read = 1 if context else 0
        whole = _encoded(tokenizer, context, text)
        if len(whole.ids) <= max_tokens:
            out.append(_window(whole, read, 0, rows))
            continue
        spare = max_tokens - (len(whole.ids) - sum(s == read for s in whole.sequence_ids))
        runs: list[list[tuple[int, Sentence]]] = [[]]
        used = 0
        for row, sentence in rows:
            size = sum(1 for k, s in enumerate(whole.sequence_ids) if s == read
                       and whole.offsets[k][0] < sentence.last_char
                       and whole.offsets[k][1] > sentence.first_char)
            if runs[-1] and used + size > spare:
                runs.append([])
                used = 0
            runs[-1].append((row, sentence))
            used += size
        for run in runs:
            first, last = run[0][1].first_char, run[-1][1].last_char
            part = _encoded(tokenizer, context, text[first:last])
            part.truncate(max_tokens, direction="right")
            out.append(_window(part, read, first, run))
    return out


def padded(chosen: list[Window]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Token ids, attention mask and token types of ``chosen``, (windows, longest) int64."""
    ids = np.zeros((len(chosen), max(len(w.ids) for w in chosen)), dtype=np.int64)
    mask, types = np.zeros_like(ids), np.zeros_like(ids)
    for row, window in enumerate(chosen):
        ids[row, : len(window.ids)] = window.ids
        types[row, : len(window.ids)] = window.types
        mask[row, : len(window.ids)] = 1
    return ids, mask, types


def pool(states: np.ndarray, window: Window) -> list[tuple[int, np.ndarray]]:
    """Each member sentence's mean token state, unit-norm; ``states`` (tokens, hidden)."""
    out = []
    for row, positions in window.members:
        vector = states[list(positions)].mean(axis=0)
        out.append((row, vector / max(float(np.linalg.norm(vector)), 1e-12)))
    return out


@cache
def _session(adapter: Adapter, model: str):
    return minilm.cpu_session(_graph(adapter, model))


def _graph(adapter: Adapter, model: str) -> Path:
    """The cached ONNX graph of the encoder with ``adapter`` merged (written on first use)."""
    from scoring.bert_onnx import bert_graph

    directory = minilm.model_dir(model)
    stem = minilm.onnx_path(directory).stem.removeprefix("minilm-")
    key = hashlib.sha256(f"{GRAPH_VERSION}:{stem}:{adapter.digest}".encode()).hexdigest()
    target = minilm.onnx_path(directory).with_name(f"acts-encoder-{key[:16]}.onnx")
    if not target.is_file():
        _check_fits(adapter, directory)
        config = json.loads((directory / "config.json").read_text())
        minilm.write_graph(bert_graph(directory / "model.safetensors", config,
                                      adapter.deltas(), token_states=True), target)
    return target


def _check_fits(adapter: Adapter, directory: Path) -> None:
    """ValueError, saying what to do, when the adapter was trained for another encoder."""
    from safetensors import safe_open

    with safe_open(str(directory / "model.safetensors"), "np") as weights:
        names = set(weights.keys())
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in names else ""
        for name, a, b in adapter.factors:
            shape = (tuple(weights.get_slice(prefix + name).get_shape())
                     if prefix + name in names else None)
            if shape != (b.shape[0], a.shape[1]):
                raise ValueError(
                    f"the act heads were trained with an encoder whose {name} is "
                    f"{b.shape[0]}x{a.shape[1]}, but the embedding model in use has "
                    f"{'no such weight' if shape is None else 'x'.join(map(str, shape))}: train "
                    "heads for that model (python -m scoring.train --adapt) and set [acts] heads "
                    "to them"
                )


@cache
def tokenizer(model: str = ""):
    """MiniLM's WordPiece tokenizer, without truncation (``windows`` keeps inputs short)."""
    from tokenizers import Tokenizer

    loaded = Tokenizer.from_file(str(minilm.model_dir(model) / "tokenizer.json"))
    loaded.no_truncation()
    loaded.no_padding()
    return loaded


def encode(
    sentences: tuple[Sentence, ...],
    turn_texts: list[str],
    speakers: list[str],
    adapter: Adapter,
    model: str = "",
) -> np.ndarray:
    """Unit-norm vector of every sentence read in its turn and context, (sentences, 384).

    The last ``_REMEMBERED`` calls are kept: a mono call is read once under its speaker labels
    to tell the agent from the customer (``scoring.roles``) and again under those roles for its
    acts, and with no context words the labels change nothing the encoder reads."""
    key = (adapter, model, tuple(turn_texts),
           tuple((s.segment, s.first_char, s.last_char) for s in sentences),
           tuple(speakers) if adapter.context_words else ())
    if key not in _recent:
        _recent[key] = encode_calls([(sentences, turn_texts, speakers)], adapter, model)[0]
        _recent[key].flags.writeable = False
        while len(_recent) > _REMEMBERED:
            _recent.pop(next(iter(_recent)))
    return _recent[key]


def encode_calls(
    calls: list[tuple[tuple[Sentence, ...], list[str], list[str]]],
    adapter: Adapter,
    model: str = "",
) -> list[np.ndarray]:
    """``encode`` for many calls at once (sentences, turn texts, speakers each): their windows
    are batched together by length, which is faster than one call at a time."""
    session = _session(adapter, model)
    width = int(session.get_outputs()[0].shape[2])
    out = [np.zeros((len(call[0]), width), dtype=np.float32) for call in calls]
    inputs = [(number, window) for number, (split, texts, speakers) in enumerate(calls)
              for window in windows(split, texts, speakers, adapter.context_words,
                                    tokenizer(model))]
    inputs.sort(key=lambda item: len(item[1].ids))
    for begin in range(0, len(inputs), _BATCH):
        chosen = inputs[begin : begin + _BATCH]
        ids, mask, types = padded([window for _, window in chosen])
        (states,) = session.run(
            ["token_states"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        )
        for row, (number, window) in enumerate(chosen):
            for sentence_row, vector in pool(states[row], window):
                out[number][sentence_row] = vector
    return out
