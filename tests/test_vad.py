"""Voice activity without torch (audio.silero) equals the silero-vad package's own
``get_speech_timestamps`` on real speech (the package itself, which needs torch, is the
reference here)."""

from __future__ import annotations

import numpy as np

from audio import silero, vad
from bench.synth import pyannote_sample


def test_speech_spans_equal_the_silero_package_on_real_speech():
    import torch
    from silero_vad import get_speech_timestamps, load_silero_vad

    speech, rate, _ = pyannote_sample()
    # its speech in 2 s pieces with pauses of 0.1-0.9 s between them: spans to join and split
    pauses = np.random.default_rng(3).uniform(0.1, 0.9, 12)
    samples = np.concatenate([
        part for index, pause in enumerate(pauses)
        for part in (speech[int((7.6 + 2 * index) * rate) : int((9.6 + 2 * index) * rate)],
                     np.zeros(int(pause * rate), dtype=np.float32))
    ])
    options = vad.VadOptions()
    model = load_silero_vad(onnx=True)
    reference = [
        (float(span["start"]), float(span["end"]))
        for span in get_speech_timestamps(
            torch.from_numpy(samples), model, threshold=options.threshold, sampling_rate=rate,
            min_speech_duration_ms=options.min_speech_duration_ms,
            min_silence_duration_ms=options.min_silence_duration_ms,
            speech_pad_ms=options.speech_pad_ms, return_seconds=True, time_resolution=3)
    ]
    assert len(reference) > 6
    assert vad.speech_regions(samples, rate, options) == reference


def test_probabilities_fed_in_pieces_equal_one_pass():
    samples, _, _ = pyannote_sample()
    whole = silero.probabilities(samples[: 16_000 * 8])
    model = silero.FrameProbabilities()
    pieces = [model.feed(piece) for piece in np.array_split(samples[: 16_000 * 8], 7)]
    np.testing.assert_array_equal(np.concatenate([*pieces, model.finish()]), whole)
