"""How a call is analysed: the one place ``AnalysisOptions`` is built (the CLI and the worker
both call ``analysis_options``), and its stored, typed form (``stored``; ``audio.serialize.
from_plain`` reads it back), so a result says exactly how it was made. A Hugging Face token is never stored."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from audio.pipeline import AnalysisOptions


def resolved_device(setting: str) -> str:
    """``auto`` becomes cuda where torch sees a GPU, else cpu."""
    if setting != "auto":
        return setting
    from audio.models import import_torch

    return "cuda" if import_torch().cuda.is_available() else "cpu"


def analysis_options(
    *,
    agent_channel: str = "left",
    language: str = "en",
    layout: str = "auto",
    stereo_asr: str | None = None,
    max_duration_h: float = 4.0,
    threads: int = 2,
    device: str = "cpu",
    compute_type: str | None = None,
    asr_backend: str = "faster-whisper",
    asr_model: str | None = None,
    diarization_pipeline: str | None = None,
    hf_token: str | None = None,
    num_speakers: int | None = 2,
    min_speakers: int | None = None,
    max_speakers: int | None = None,
    segmentation_step: float = 0.5,
) -> AnalysisOptions:
    """Options for one analysis. ``compute_type`` None: int8 on CPU, float16 on a GPU;
    explicit speaker bounds replace the fixed count; ``stereo_asr`` None: the pipeline's
    default."""
    from audio.diarize import DiarizationOptions
    from audio.pipeline import AnalysisOptions
    from audio.transcribe import TranscriptionOptions

    device = resolved_device(device)
    bounded = min_speakers is not None or max_speakers is not None
    chosen = {"stereo_asr": stereo_asr} if stereo_asr else {}
    return AnalysisOptions(
        **chosen,
        agent_channel=agent_channel,
        layout=layout,
        max_duration_s=max_duration_h * 3600,
        threads=threads,
        diarization=DiarizationOptions(
            num_speakers=None if bounded else num_speakers,
            min_speakers=min_speakers,
            max_speakers=max_speakers,
            pipeline=diarization_pipeline or None,
            hf_token=hf_token or None,
            device=device,
            segmentation_step=segmentation_step,
        ),
        transcription=TranscriptionOptions(
            backend=asr_backend,
            model=asr_model,
            device=device,
            compute_type=compute_type or ("int8" if device == "cpu" else "float16"),
            language=language,
            cpu_threads=threads,
        ),
    )


def stored(options: AnalysisOptions) -> dict[str, Any]:
    """The options as JSON, the token left out."""
    from audio.serialize import to_plain

    return to_plain(replace(options, diarization=replace(options.diarization, hf_token=None)))
