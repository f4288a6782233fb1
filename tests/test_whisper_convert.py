"""The openai-whisper backend on real weights: the shipped CTranslate2 tiny.en converted to
openai-whisper's checkpoint layout, checked against CTranslate2 itself and end to end."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from audio import models, whisper_convert
from audio.pipeline import AnalysisOptions, analyze
from audio.transcribe import TranscriptionOptions
from tests.test_pipeline import _wer

EXCERPT_S = 25.0  # seconds of the demo call the openai backend transcribes end to end


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    return whisper_convert.convert(
        models.whisper_tiny_en_ct2(), tmp_path_factory.mktemp("whisper") / "tiny.en.pt"
    )


@pytest.fixture(scope="module")
def openai_model(checkpoint):
    from audio.transcribe import _openai_whisper

    return _openai_whisper(str(checkpoint), "cpu")


def test_checkpoint_has_every_openai_weight(openai_model):
    """load_state_dict is strict, so loading at all means no key is missing or extra."""
    assert openai_model.dims.n_text_layer == 4 and openai_model.dims.n_vocab == 51864
    heads = openai_model.alignment_heads.to_dense().nonzero().tolist()
    config_heads = whisper_convert.read_ct2(models.whisper_tiny_en_ct2()).config["alignment_heads"]
    assert sorted(heads) == sorted(config_heads)


def test_encoder_matches_ctranslate2(demo_call, openai_model):
    """Same audio features in, same encoder states out as CTranslate2 running the source."""
    import ctranslate2
    import soundfile as sf
    import torch
    import whisper

    samples, _ = sf.read(demo_call.stereo_path, dtype="float32")
    mel = whisper.log_mel_spectrogram(whisper.pad_or_trim(samples[:, 0]))  # (80, 3000)
    with torch.no_grad():
        ours = openai_model.encoder(mel[None].float()).numpy()
    reference_model = ctranslate2.models.Whisper(
        str(models.whisper_tiny_en_ct2()), device="cpu", compute_type="float32"
    )
    reference = np.array(reference_model.encode(ctranslate2.StorageView.from_array(mel[None].numpy())))
    assert ours.shape == reference.shape == (1, 1500, 384)
    error = np.abs(ours - reference).max() / np.abs(reference).max()
    assert error < 1e-4  # measured 6.5e-6: float32 on both sides


def test_openai_backend_transcribes_the_demo_call(demo_call, checkpoint, stereo_analysis,
                                                  tmp_path):
    """The call's first half-minute, end to end through openai-whisper (the whole call took a
    minute of the suite: torch decoding on two cores)."""
    import soundfile as sf

    samples, rate = sf.read(demo_call.stereo_path, dtype="float32")
    said = [turn for turn in demo_call.turns if turn.end <= EXCERPT_S]
    cut_s = said[-1].end + 0.3
    excerpt = tmp_path / "excerpt.wav"
    sf.write(excerpt, samples[:int(cut_s * rate)], rate, subtype="PCM_16")
    options = AnalysisOptions(
        transcription=TranscriptionOptions(backend="openai-whisper", model=str(checkpoint))
    )
    analysis = analyze(excerpt, options)
    assert len(said) >= 4 and _wer(replace(demo_call, turns=tuple(said)), analysis) < 0.20
    # the same weights as the default backend: word timings agree with faster-whisper's
    ours = {w.text.strip().lower(): w.start for t in analysis.transcript.turns for w in t.words}
    theirs = {w.text.strip().lower(): w.start
              for t in stereo_analysis.transcript.turns for w in t.words if w.end < cut_s}
    shared = [word for word in ours if word in theirs and len(word) > 4]
    assert len(shared) > 8
    assert np.median([abs(ours[w] - theirs[w]) for w in shared]) < 0.1
    (transcription,) = [m for m in analysis.transcript.models if m.stage == "transcription"]
    assert transcription.version.startswith("openai-whisper")


def test_default_openai_model_is_the_converted_shipped_one(tmp_path, monkeypatch):
    monkeypatch.setenv("CALLQA_CACHE_DIR", str(tmp_path))
    path = TranscriptionOptions(backend="openai-whisper").model_name()
    assert path.startswith(str(tmp_path)) and path.endswith(".pt")


def test_not_a_ct2_model_is_a_clear_error(tmp_path):
    from audio.errors import ModelNotFoundError

    with pytest.raises(ModelNotFoundError, match="model.bin"):
        whisper_convert.convert(tmp_path, tmp_path / "out.pt")
