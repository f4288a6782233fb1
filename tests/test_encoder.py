"""The act encoder: what the scorer reads through ONNX Runtime is what the adapter was trained
on in torch, every sentence gets a vector however its turn looks, and adapter training is
seeded."""

from __future__ import annotations

import numpy as np
import pytest

from scoring import encoder, sentences
from scoring.schema import Segment

LONG = " ".join(f"Item {i} on the bill is the late fee from March that I never agreed to."
                for i in range(30))
SEGMENTS = (
    Segment("agent", 0.0, 2.0, "Thanks for calling. How can I help?"),
    Segment("customer", 2.5, 4.0, ""),  # nothing was heard
    Segment("customer", 4.0, 9.0, "I was charged twice. Can you refund one?"),
    Segment("agent", 9.5, 12.0, "I can't refund it today, but I can credit it now."),
    Segment("customer", 12.5, 60.0, LONG),  # past MiniLM's 256 tokens
    Segment("agent", 60.5, 62.0, "ok"),
)


def _random_adapter(context_words: int, rank: int = 4) -> encoder.Adapter:
    from scoring.adapt import TARGETS

    rng = np.random.default_rng(7)
    shapes = {"attention.self.query": (384, 384), "attention.self.key": (384, 384),
              "attention.self.value": (384, 384), "attention.output.dense": (384, 384),
              "intermediate.dense": (1536, 384), "output.dense": (384, 1536)}
    factors = tuple(
        (f"encoder.layer.{layer}.{target}.weight",
         rng.normal(0, 0.05, (rank, shapes[target][1])).astype(np.float32),
         rng.normal(0, 0.05, (shapes[target][0], rank)).astype(np.float32))
        for layer in range(6) for target in TARGETS
    )
    return encoder.Adapter(rank, 2.0, context_words, factors)


@pytest.mark.parametrize("context_words", [0, 30])
def test_windows_give_every_sentence_its_own_tokens(context_words):
    split = sentences.split(SEGMENTS)
    inputs = encoder.windows(split, [s.text for s in SEGMENTS], [s.speaker for s in SEGMENTS],
                             context_words, encoder.tokenizer())
    rows = sorted(row for window in inputs for row, _ in window.members)
    assert rows == list(range(len(split)))
    assert all(len(window.ids) <= encoder.MAX_TOKENS for window in inputs)
    assert len([w for w in inputs if any(split[r].segment == 4 for r, _ in w.members)]) >= 2
    tokenizer = encoder.tokenizer()
    for window in inputs:
        for row, positions in window.members:
            if split[row].text.strip():  # its tokens spell its own words, not a neighbour's
                words = tokenizer.decode([window.ids[k] for k in positions])
                assert words.split()[0] in split[row].text.lower()
    if context_words:  # the refusal is read after the customer's request, as segment two
        refusal = next(w for w in inputs if any(split[r].segment == 3 for r, _ in w.members))
        assert 0 in refusal.types and 1 in refusal.types


@pytest.mark.slow  # loads torch and transformers' BertModel, converts a graph: seconds
@pytest.mark.parametrize("context_words", [0, 30])
def test_scorer_reads_what_the_adapter_was_trained_on(tmp_path, monkeypatch, context_words):
    """The ONNX graph with the adapter merged gives the vectors of the torch model the adapter
    was trained in (``scoring.adapt``), sentence by sentence."""
    import torch
    from transformers import BertModel

    from scoring import adapt, minilm, train

    monkeypatch.setenv("CALLQA_CACHE_DIR", str(tmp_path))
    adapter = _random_adapter(context_words)
    split = sentences.split(SEGMENTS)
    ours = encoder.encode(split, [s.text for s in SEGMENTS], [s.speaker for s in SEGMENTS],
                          adapter)
    assert list(tmp_path.glob("acts-encoder-*.onnx")), "the merged graph is cached"
    assert ours.shape == (len(split), 384) and np.isfinite(ours).all()

    bert = BertModel.from_pretrained(str(minilm.model_dir())).eval()
    weights = bert.state_dict()
    for name, delta in adapter.deltas().items():
        weights[name] = weights[name] + torch.tensor(delta)
    bert.load_state_dict(weights)
    dialog = train.Dialog("t", "t", SEGMENTS, split, np.zeros((len(split), 20), np.int8),
                          tuple(frozenset() for _ in SEGMENTS), False)
    ids, mask, types, pooling = adapt._inputs(dialog, context_words, encoder.tokenizer())
    with torch.no_grad():
        states = bert(input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state
        pooled = (pooling @ states.reshape(-1, states.shape[-1])).numpy()
    theirs = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
    assert np.abs(ours - theirs).max() < 1e-4
    plain = _random_adapter(context_words, rank=1)
    assert np.abs(encoder.encode(split, [s.text for s in SEGMENTS],
                                 [s.speaker for s in SEGMENTS], plain) - ours).max() > 1e-2


def test_an_adapter_for_another_encoder_is_refused_with_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("CALLQA_CACHE_DIR", str(tmp_path))
    name, a, b = _random_adapter(0).factors[0]
    wrong = encoder.Adapter(4, 2.0, 0, ((name, a[:, :100], b),))
    with pytest.raises(ValueError, match="train heads for that model"):
        encoder.encode(sentences.split(SEGMENTS[:1]), [SEGMENTS[0].text], ["agent"], wrong)


@pytest.mark.slow
def test_adapter_training_is_seeded_and_learns():
    from scoring import adapt, config, train

    dialogs, _ = train.load_dev(heard=None)
    few = dialogs[:4]
    options = adapt.AdapterOptions(epochs=1, rank=2, warmup_steps=1)
    rules = config.load()
    first = adapt.train_adapter(few, {d.group for d in few}, rules, 11, options)
    again = adapt.train_adapter(few, {d.group for d in few}, rules, 11, options)
    assert len(first.factors) == 36
    for (name, a, b), (name_again, a_again, b_again) in zip(first.factors, again.factors,
                                                            strict=True):
        assert name == name_again
        assert np.array_equal(a, a_again) and np.array_equal(b, b_again)
    assert max(float(np.abs(b).max()) for _, _, b in first.factors) > 0  # it moved from zero
