"""silero-vad without torch: its shipped ONNX model run with ONNX Runtime, and its own rule from
per-frame speech probabilities to speech spans.

The ``silero-vad`` package's Python code imports torch (about 0.7 GB of resident memory for the
CUDA build pip installs) only to hold the model's state between frames. A stereo call needs
nothing else from torch, so the same model file is run here with numpy state: the probabilities
and the spans equal the package's ``get_speech_timestamps`` (a test compares them).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from audio import decode, models

if TYPE_CHECKING:
    from audio.vad import VadOptions  # silero's get_speech_timestamps arguments, ours

SAMPLE_RATE = 16_000
FRAME_SAMPLES = 512  # one probability per 32 ms at 16 kHz
CONTEXT_SAMPLES = 64  # the model reads the previous frame's last 64 samples with each frame
STATE_SHAPE = (2, 1, 128)


@cache
def _session():
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.inter_op_num_threads = 1
    options.intra_op_num_threads = 1
    options.log_severity_level = 3
    path = models.package_file("silero-vad", "silero_vad/data/silero_vad.onnx")
    return onnxruntime.InferenceSession(
        str(path), providers=["CPUExecutionProvider"], sess_options=options
    )


class FrameProbabilities:
    """Speech probability per 512-sample frame of a 16 kHz stream fed in pieces of any length;
    the model's state carries over between pieces, so feeding a channel window by window gives
    the same probabilities as feeding it whole."""

    def __init__(self) -> None:
        self._state = np.zeros(STATE_SHAPE, dtype=np.float32)
        self._context = np.zeros((1, CONTEXT_SAMPLES), dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)
        self._rate = np.array(SAMPLE_RATE, dtype=np.int64)

    def feed(self, samples: np.ndarray) -> np.ndarray:
        """Probabilities of the whole frames completed by ``samples`` (shape (samples,))."""
        stream = np.asarray(samples, dtype=np.float32)
        if self._pending.size:
            stream = np.concatenate([self._pending, stream])
        whole = stream.size - stream.size % FRAME_SAMPLES
        self._pending = stream[whole:]
        return self._run(stream[:whole])

    def finish(self) -> np.ndarray:
        """The last, zero-padded frame's probability (empty when the stream ended on a frame)."""
        if not self._pending.size:
            return np.zeros(0, dtype=np.float32)
        last = np.zeros(FRAME_SAMPLES, dtype=np.float32)
        last[: self._pending.size] = self._pending
        self._pending = np.zeros(0, dtype=np.float32)
        return self._run(last)

    def _run(self, frames: np.ndarray) -> np.ndarray:
        session = _session()
        found = np.empty(frames.size // FRAME_SAMPLES, dtype=np.float32)
        for index, frame in enumerate(frames.reshape(-1, FRAME_SAMPLES)):
            window = np.concatenate([self._context, frame[None]], axis=1)
            output, self._state = session.run(
                None, {"input": window, "state": self._state, "sr": self._rate}
            )
            self._context = window[:, -CONTEXT_SAMPLES:]
            found[index] = output.item()
        return found


def probabilities(samples: decode.Samples) -> np.ndarray:
    """Speech probability per 512-sample frame of a whole 16 kHz channel (shape (samples,), an
    array or a ``decode.Channel``), shape (frames,)."""
    model = FrameProbabilities()
    # a block at a time: no float32 copy of the whole channel
    step = decode.BLOCK_SAMPLES - decode.BLOCK_SAMPLES % FRAME_SAMPLES
    found = [model.feed(samples[start : start + step]) for start in range(0, samples.size, step)]
    return np.concatenate([*found, model.finish()])


def speech_spans(
    probs: np.ndarray, total_samples: int, options: VadOptions, *, time_resolution: int = 3
) -> list[tuple[float, float]]:
    """Speech (start, end) seconds from per-frame probabilities: silero's own rule, hysteresis
    at ``threshold`` and ``threshold - 0.15``, short silences bridged, short speech dropped,
    then padding that never crosses into the next span."""
    rate = SAMPLE_RATE
    min_speech = rate * options.min_speech_duration_ms / 1000
    min_silence = rate * options.min_silence_duration_ms / 1000
    pad = rate * options.speech_pad_ms / 1000
    low = max(options.threshold - 0.15, 0.01)
    spans: list[list[int]] = []
    start: int | None = None
    silence_from = 0
    for index, prob in enumerate(probs.tolist()):
        sample = FRAME_SAMPLES * index
        if prob >= options.threshold:
            silence_from = 0
            if start is None:
                start = sample
                continue
        if prob < low and start is not None:
            if not silence_from:
                silence_from = sample
            if sample - silence_from < min_silence:
                continue
            if silence_from - start > min_speech:
                spans.append([start, silence_from])
            start, silence_from = None, 0
    if start is not None and total_samples - start > min_speech:
        spans.append([start, total_samples])
    for index, span in enumerate(spans):
        if index == 0:
            span[0] = int(max(0, span[0] - pad))
        if index == len(spans) - 1:
            span[1] = int(min(total_samples, span[1] + pad))
            continue
        following = spans[index + 1]
        gap = following[0] - span[1]
        if gap < 2 * pad:
            span[1] += int(gap // 2)
            following[0] = int(max(0, following[0] - gap // 2))
        else:
            span[1] = int(min(total_samples, span[1] + pad))
            following[0] = int(max(0, following[0] - pad))
    length_s = total_samples / rate
    return [
        (max(round(a / rate, time_resolution), 0), min(round(b / rate, time_resolution), length_s))
        for a, b in spans
    ]
