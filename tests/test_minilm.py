"""MiniLM through ONNX Runtime: the same embeddings as sentence-transformers, and a scoring path
that never imports torch."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

SENTENCES = [
    "I understand your frustration.",
    "ok",
    "The computer says the payment came in on the third, so the fee stands.",
    "um so like i was told the fee would be waved you know and it wasnt",
    "Fine. I'll remove it this one time, but it won't happen again! " * 12,  # past 256 tokens
    "Préstamo, naïve café — émigré façade 😀",
]


def test_onnx_embeddings_equal_sentence_transformers(tmp_path, monkeypatch):
    monkeypatch.setenv("CALLQA_CACHE_DIR", str(tmp_path))  # convert afresh from the weights
    from sentence_transformers import SentenceTransformer

    from audio.models import minilm_sentence_model
    from scoring import minilm

    minilm._session.cache_clear()
    ours = minilm.encode(SENTENCES)
    assert list(tmp_path.glob("minilm-*.onnx")), "the converted graph is cached"
    reference = SentenceTransformer(str(minilm_sentence_model()), device="cpu").encode(
        SENTENCES, normalize_embeddings=True
    )
    assert ours.shape == (len(SENTENCES), 384) and ours.dtype == np.float32
    assert np.abs(ours - reference).max() < 1e-4
    # batching by length gives each sentence the same vector as on its own
    alone = np.stack([minilm.encode([s])[0] for s in SENTENCES])
    assert np.abs(alone - ours).max() < 1e-5
    minilm._session.cache_clear()


def test_scoring_path_does_not_import_torch(tmp_path):
    transcript = {"segments": [
        {"speaker": "agent", "start": 0, "end": 2, "text": "Hello, how can I help?"},
        {"speaker": "customer", "start": 2.4, "end": 5, "text": "My bill is wrong."},
    ]}
    path = tmp_path / "t.json"
    path.write_text(json.dumps(transcript))
    probe = (
        "import sys, runpy; sys.argv = ['callqa', 'score', sys.argv[1]]\n"
        "try:\n    runpy.run_module('service.cli', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH', file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["score"] >= 0
    assert result.stderr.strip().endswith("NO-TORCH")
