"""Decode any recording (WAV, FLAC, MP3, OGG/Opus, M4A/AAC, ...) to 16 kHz samples per channel.

ffprobe reads the container first so bad input fails fast with a typed error; ffmpeg then
streams raw float32 samples through a pipe, and reading stops at the configured duration limit,
so memory stays bounded whatever the header claims.

A call up to ``FLOAT32_UP_TO_S`` long is held as ffmpeg's float32, exactly; a longer one is
held as 16-bit PCM (half the memory: 0.46 GB instead of 0.92 GB for two hours of stereo),
each sample rounded to the nearest step of 1/32768 (at most 2**-16 off, -96 dBFS; nothing at
all for 16-bit sources at 16 kHz, whose samples are on that grid already). Either way the
samples are only read as float32 in [-1, 1], a slice at a time: ``DecodedAudio.window`` or a
``Channel`` view, whose slices are float32 arrays.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from audio.errors import (
    AbsurdHeaderError,
    CorruptAudioError,
    EmptyFileError,
    NotAudioError,
    SilentRecordingError,
    SteadyToneError,
    TooLongError,
    UnsupportedCodecError,
    ZeroDurationError,
)

SAMPLE_RATE = 16_000
# calls longer than this are held as int16 (one Whisper window: shorter calls are analysed
# exactly as they were when everything was float32)
FLOAT32_UP_TO_S = 300.0
PCM_SCALE = 32768.0  # int16 sample k is k / PCM_SCALE as float32 (exact: a power of two)
# long signals are processed this many samples at a time (60 s), never whole as float64
BLOCK_SAMPLES = 60 * SAMPLE_RATE
DEFAULT_MAX_DURATION_S = 4 * 3600.0
MIN_DURATION_S = 0.1
SILENCE_PEAK = 10 ** (-70 / 20)  # peak below -70 dBFS on every channel: nothing recorded
_MAX_HEADER_RATE_HZ = 768_000
_MAX_HEADER_CHANNELS = 64
_READ_CHUNK_BYTES = 1 << 20
# Recordings longer than this (or of unknown length) are screened first by one cheap pass
# (8 kHz mono, statistics only), so hours of silence, DC offset or a test tone fail in
# seconds and small memory instead of being decoded whole and analysed.
SCREEN_FROM_S = 600.0
SCREEN_RATE = 8_000
MIN_SOUND_S, MIN_SOUND_SHARE = 3, 0.005
STEADY_VARIATION = 0.02  # window-to-window spread of level and pitch below 2%: not a voice

# Leading bytes of containers we know; used to tell "corrupt audio" from "not audio at all".
_AUDIO_MAGIC = (
    b"RIFF",
    b"fLaC",
    b"OggS",
    b"ID3",
    b"\xff\xfb",
    b"\xff\xf3",
    b"\xff\xf2",
    b"\xff\xf1",
    b"\xff\xf9",
    b"FORM",
    b".snd",
    b"#!AMR",
    b"caff",
    b"\x30\x26\xb2\x75",
)


@dataclass(frozen=True)
class AudioInfo:
    """What the container says about itself."""

    format_name: str
    codec: str
    channels: int
    source_sample_rate: int
    header_duration_s: float | None


@dataclass(frozen=True, eq=False)
class DecodedAudio:
    """A decoded recording at ``sample_rate`` Hz: ``channels`` rows of ``frames`` samples.

    Read the samples with ``window`` (one channel, a range of sample indices) or through a
    ``Channel`` view (``channel(i)``, ``mono()``); both give float32 in [-1, 1] whatever is
    held. ``_held`` is float32 (calls up to ``FLOAT32_UP_TO_S``) or int16 PCM (scale
    1 / ``PCM_SCALE``), shape (channels, frames), read-only: not to be read directly.
    """

    _held: np.ndarray = field(repr=False)
    sample_rate: int
    info: AudioInfo

    @property
    def channels(self) -> int:
        return int(self._held.shape[0])

    @property
    def frames(self) -> int:
        """Samples per channel."""
        return int(self._held.shape[1])

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate

    @property
    def held_dtype(self) -> np.dtype:
        """How the samples are held in memory (float32 or int16); reads are float32 anyway."""
        return self._held.dtype

    def window(self, channel: int, start: int, stop: int) -> np.ndarray:
        """Samples ``start``..``stop`` (indices, clipped to the recording) of ``channel`` as
        float32 in [-1, 1], shape (stop - start,): a read-only view when held as float32, a new
        array converted from int16 otherwise (4 bytes a sample, for this window only)."""
        held = self._held[channel, start:stop]
        if held.dtype == np.float32:
            return held
        return held.astype(np.float32) * np.float32(1 / PCM_SCALE)

    def channel(self, index: int) -> Channel:
        """Channel ``index`` (0: left), read a slice at a time."""
        if not 0 <= index < self.channels:
            raise IndexError(f"no channel {index} in a {self.channels}-channel recording")
        return Channel(self, index)

    def mono(self) -> Channel:
        """The mixdown (the mean of the channels; a mono recording's one channel), read a slice
        at a time."""
        return Channel(self, 0 if self.channels == 1 else None)


@dataclass(frozen=True, eq=False)
class Channel:
    """One channel of a ``DecodedAudio`` (``index``; None: the mean of all its channels), read
    as float32 a slice at a time: ``channel[a:b]`` is float32 in [-1, 1], shape (b - a,), from
    sample indices (steps other than 1 and single indices are refused). ``size`` is its length
    in samples. numpy cannot turn it into an array silently (``np.asarray`` raises): the whole
    channel as float32 is ``whole()``, by name."""

    audio: DecodedAudio
    index: int | None

    @property
    def size(self) -> int:
        return self.audio.frames

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, key: slice) -> np.ndarray:
        if not isinstance(key, slice):
            raise TypeError(f"read a channel by slices (channel[a:b]), not {key!r}")
        start, stop, step = key.indices(self.size)
        if step != 1:
            raise ValueError(f"a channel is read in contiguous slices, not with step {step}")
        if self.index is not None:
            return self.audio.window(self.index, start, stop)
        rows = [self.audio.window(i, start, stop) for i in range(self.audio.channels)]
        return np.stack(rows).mean(axis=0, dtype=np.float32)

    def whole(self) -> np.ndarray:
        """The whole channel as float32, shape (samples,): 4 bytes a sample of new memory,
        converted a block at a time (for consumers that need the whole signal at once)."""
        out = np.empty(self.size, dtype=np.float32)
        for start in range(0, self.size, BLOCK_SAMPLES):
            out[start : start + BLOCK_SAMPLES] = self[start : start + BLOCK_SAMPLES]
        return out

    def __array__(self, dtype=None, copy=None):
        raise TypeError("a decoded channel is read a slice at a time (channel[a:b]) or "
                        "whole() explicitly, never converted implicitly")


# one channel's float32 samples, shape (samples,): an array, or a ``Channel`` read a slice at
# a time (what the blockwise steps accept: ``.size`` and ``[a:b]`` are all they use)
Samples = np.ndarray | Channel


def require_tool(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise RuntimeError(f"{tool} is not installed; install the Debian package 'ffmpeg'")
    return found


def _looks_like_audio(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(16)
    return head.startswith(_AUDIO_MAGIC) or head[4:8] == b"ftyp" or head[:4] == b"\x1aE\xdf\xa3"


def probe(path: str | os.PathLike[str]) -> AudioInfo:
    """Read the container header with ffprobe. Raises an ``AudioError`` subclass on bad input."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    if path.stat().st_size == 0:
        raise EmptyFileError(f"{path.name}: the file is empty (0 bytes)")
    command = [
        require_tool("ffprobe"),
        "-v",
        "error",
        "-print_format",
        "json",
        "-show_format",
        "-show_streams",
        "-select_streams",
        "a",
        str(path),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    if result.returncode != 0:
        reason = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "unreadable"
        if _looks_like_audio(path):
            raise CorruptAudioError(f"{path.name}: the audio container is damaged ({reason})")
        raise NotAudioError(f"{path.name}: not an audio file ({reason})")
    meta = json.loads(result.stdout or "{}")
    streams = meta.get("streams") or []
    if not streams:
        raise NotAudioError(f"{path.name}: the file has no audio stream")
    stream = streams[0]
    codec = stream.get("codec_name") or "unknown"
    if codec in ("unknown", "none"):
        raise UnsupportedCodecError(f"{path.name}: the audio codec is not supported")
    channels = int(stream.get("channels") or 0)
    rate = int(stream.get("sample_rate") or 0)
    if not 1 <= channels <= _MAX_HEADER_CHANNELS or not 1 <= rate <= _MAX_HEADER_RATE_HZ:
        raise AbsurdHeaderError(
            f"{path.name}: the header is not plausible ({channels} channels at {rate} Hz)"
        )
    duration = stream.get("duration") or meta.get("format", {}).get("duration")
    return AudioInfo(
        format_name=meta.get("format", {}).get("format_name", "unknown"),
        codec=codec,
        channels=channels,
        source_sample_rate=rate,
        header_duration_s=float(duration) if duration not in (None, "N/A") else None,
    )


def _ffmpeg_pcm(path: Path, channels: int, rate: int) -> list[str]:
    return [
        require_tool("ffmpeg"), "-nostdin", "-v", "error", "-i", str(path), "-map", "0:a:0", "-vn",
        "-ac", str(channels), "-ar", str(rate), "-f", "f32le", "-acodec", "pcm_f32le", "pipe:1",
    ]


@dataclass(frozen=True)
class Screening:
    """What one streamed pass found: decoded length and per-second level and crossings."""

    duration_s: float
    active_seconds: int
    level_spread: float  # coefficient of variation of the per-second AC level (active seconds)
    crossing_spread: float  # the same for zero crossings


def screen(
    path: str | os.PathLike[str], *, max_duration_s: float = DEFAULT_MAX_DURATION_S
) -> Screening:
    """Decode once at 8 kHz mono keeping only per-second statistics (memory: kilobytes per
    hour). Raises TooLongError past ``max_duration_s``, SilentRecordingError when nothing
    but silence or a constant offset is there, SteadyToneError for one unchanging tone."""
    path = Path(path)
    window = SCREEN_RATE * 4  # bytes in one second of float32 mono
    levels: list[float] = []
    crossings: list[int] = []
    pending = bytearray()
    with subprocess.Popen(
        _ffmpeg_pcm(path, 1, SCREEN_RATE), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    ) as process:
        assert process.stdout is not None
        while chunk := process.stdout.read(_READ_CHUNK_BYTES):
            pending += chunk
            whole = len(pending) - len(pending) % window
            if whole:
                seconds = np.frombuffer(bytes(pending[:whole]), dtype="<f4").reshape(-1, SCREEN_RATE)
                del pending[:whole]
                ac = seconds - seconds.mean(axis=1, keepdims=True)
                levels.extend(np.sqrt(np.mean(ac * ac, axis=1)).tolist())
                crossings.extend(np.count_nonzero(np.diff(np.signbit(ac), axis=1), axis=1).tolist())
                if len(levels) > max_duration_s:
                    process.kill()
                    raise TooLongError(
                        f"{path.name}: longer than the {max_duration_s / 3600:g} h limit "
                        f"(max_duration_s={max_duration_s:g})"
                    )
        process.wait()
    duration_s = len(levels) + len(pending) / window
    level = np.asarray(levels)
    active = level > SILENCE_PEAK
    # a click where a constant offset starts is not sound: a few seconds in a long file are
    if levels and active.sum() < max(MIN_SOUND_S, MIN_SOUND_SHARE * len(levels)):
        raise SilentRecordingError(
            f"{path.name}: {duration_s / 60:.0f} minutes of silence or a constant offset, "
            f"with {int(active.sum())} s of sound: nothing to analyse"
        )
    spread = _spread(level[active]), _spread(np.asarray(crossings)[active])
    if active.sum() >= SCREEN_FROM_S and max(spread) < STEADY_VARIATION:
        raise SteadyToneError(
            f"{path.name}: {duration_s / 60:.0f} minutes of one unchanging sound (a tone, hum "
            "or hiss), not a conversation: a test signal or a stuck line?"
        )
    return Screening(duration_s, int(active.sum()), *spread)


def _spread(values: np.ndarray) -> float:
    mean = float(values.mean()) if values.size else 0.0
    return float(values.std() / mean) if mean > 0 else 0.0


def _quantise(block: np.ndarray) -> np.ndarray:
    """float32 samples to int16 PCM: rounded to the nearest 1/``PCM_SCALE`` (ties to even),
    clipped to [-1, 32767/32768]. Same shape."""
    scaled = np.rint(block * np.float32(PCM_SCALE))
    return np.clip(scaled, -PCM_SCALE, PCM_SCALE - 1, out=scaled).astype(np.int16)


def _holder(channels: int, frames: int, pcm16: bool) -> np.ndarray:
    """An empty (channels, frames) array, int16 when ``pcm16`` else float32."""
    return np.empty((channels, frames), dtype=np.int16 if pcm16 else np.float32)


def _store(held: np.ndarray, at: int, block: np.ndarray) -> None:
    """Write ``block`` (channels, frames; float32, or int16 into int16) into ``held`` from frame
    ``at``, quantised when float32 goes into int16."""
    fits = held.dtype == block.dtype
    held[:, at : at + block.shape[1]] = block if fits else _quantise(block)


def _peak(held: np.ndarray) -> float:
    """Largest absolute sample, as a fraction of full scale (no abs() copy)."""
    peak = max(float(held.max()), -float(held.min()))
    return peak if held.dtype == np.float32 else peak / PCM_SCALE


def decode(
    path: str | os.PathLike[str],
    *,
    max_duration_s: float = DEFAULT_MAX_DURATION_S,
    float32_up_to_s: float = FLOAT32_UP_TO_S,
) -> DecodedAudio:
    """Decode ``path`` at 16 kHz, one row per channel (mono stays mono, stereo stays stereo,
    more than two channels are mixed down to mono). Held as float32 when the call (its decoded
    length, or its header's claim up to ``SCREEN_FROM_S``) is no longer than
    ``float32_up_to_s`` seconds, else as int16; read as float32 either way.

    Raises an ``AudioError`` subclass for empty, non-audio, corrupt, unsupported, zero-length,
    silent or too-long input.
    """
    path = Path(path)
    info = probe(path)
    out_channels = info.channels if info.channels <= 2 else 1
    length_s = min(info.header_duration_s or 60.0, SCREEN_FROM_S)
    if info.header_duration_s is None or info.header_duration_s > SCREEN_FROM_S:
        length_s = screen(path, max_duration_s=max_duration_s).duration_s  # decoded, not claimed
    max_frames = int(max_duration_s * SAMPLE_RATE)
    float32_up_to = float32_up_to_s * SAMPLE_RATE  # frames
    # one (channels, samples) array sized from the decoded length (a header can lie), filled
    # chunk by chunk as ffmpeg streams: never the interleaved bytes plus a transposed copy;
    # float32 or int16 by the length it is expected to hold
    expected = max(int(length_s * 1.02 * SAMPLE_RATE), _READ_CHUNK_BYTES // 4)
    held = _holder(out_channels, min(max_frames, expected), length_s > float32_up_to_s)
    received = 0  # frames (one sample per channel)
    pending = b""
    frame_bytes = 4 * out_channels
    command = _ffmpeg_pcm(path, out_channels, SAMPLE_RATE)
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        while chunk := process.stdout.read(_READ_CHUNK_BYTES):
            pending += chunk
            whole = len(pending) - len(pending) % frame_bytes
            frames = whole // frame_bytes
            if received + frames > max_frames:
                process.kill()
                raise TooLongError(
                    f"{path.name}: longer than the {max_duration_s / 3600:g} h limit "
                    f"(max_duration_s={max_duration_s:g})"
                )
            if received + frames > held.shape[1]:  # longer than claimed: int16 once it is long
                pcm16 = held.dtype == np.int16 or received + frames > float32_up_to
                size = min(max_frames, max(received + frames, held.shape[1] * 5 // 4))
                grown = _holder(out_channels, size, pcm16)
                _store(grown, 0, held[:, :received])
                held = grown
            block = np.frombuffer(pending[:whole], dtype="<f4").reshape(frames, out_channels)
            _store(held, received, block.T)
            received += frames
            pending = pending[whole:]
        errors = process.stderr.read().decode(errors="replace").strip()
        returncode = process.wait()
    if returncode != 0 and received == 0:
        last = errors.splitlines()[-1] if errors else "decoder failed"
        if "decoder" in errors.lower() and "not found" in errors.lower():
            raise UnsupportedCodecError(f"{path.name}: no decoder for codec {info.codec} ({last})")
        raise CorruptAudioError(f"{path.name}: the audio data cannot be decoded ({last})")
    if received < held.shape[1]:  # a header that claimed more than was there
        held = held[:, :received].copy() if received < held.shape[1] * 0.9 \
            else held[:, :received]
    duration_s = held.shape[1] / SAMPLE_RATE
    if duration_s < MIN_DURATION_S:
        raise ZeroDurationError(f"{path.name}: the recording has no audio ({duration_s:.2f} s)")
    if held.dtype == np.float32:  # int16 was clipped as it was stored
        np.clip(held, -1.0, 1.0, out=held)
    if _peak(held) < SILENCE_PEAK:
        raise SilentRecordingError(f"{path.name}: the recording is silent on every channel")
    held.flags.writeable = False
    return DecodedAudio(_held=held, sample_rate=SAMPLE_RATE, info=info)
