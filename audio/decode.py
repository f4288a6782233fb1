"""Decode any recording (WAV, FLAC, MP3, OGG/Opus, M4A/AAC, ...) to 16 kHz float32 per channel.

ffprobe reads the container first so bad input fails fast with a typed error; ffmpeg then
streams raw samples through a pipe, and reading stops at the configured duration limit, so
memory stays bounded whatever the header claims.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
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
    """Samples as float32 in [-1, 1], shape (channels, samples), at ``sample_rate`` Hz."""

    samples: np.ndarray
    sample_rate: int
    info: AudioInfo

    @property
    def channels(self) -> int:
        return int(self.samples.shape[0])

    @property
    def duration_s(self) -> float:
        return self.samples.shape[1] / self.sample_rate

    def mono(self) -> np.ndarray:
        """Mixdown, shape (samples,)."""
        return self.samples.mean(axis=0, dtype=np.float32)


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


def decode(
    path: str | os.PathLike[str], *, max_duration_s: float = DEFAULT_MAX_DURATION_S
) -> DecodedAudio:
    """Decode ``path`` to 16 kHz float32, one row per channel (mono stays mono, stereo stays
    stereo, more than two channels are mixed down to mono).

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
    # one (channels, samples) array sized from the decoded length (a header can lie), filled
    # chunk by chunk as ffmpeg streams: never the interleaved bytes plus a transposed copy
    expected = max(int(length_s * 1.02 * SAMPLE_RATE), _READ_CHUNK_BYTES // 4)
    samples = np.empty((out_channels, min(max_frames, expected)), dtype=np.float32)
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
            if received + frames > samples.shape[1]:
                grown = min(max_frames, max(received + frames, samples.shape[1] * 5 // 4))
                samples = np.concatenate(
                    [samples[:, :received], np.empty((out_channels, grown - received),
                                                     dtype=np.float32)], axis=1)
            block = np.frombuffer(pending[:whole], dtype="<f4").reshape(frames, out_channels)
            samples[:, received : received + frames] = block.T
            received += frames
            pending = pending[whole:]
        errors = process.stderr.read().decode(errors="replace").strip()
        returncode = process.wait()
    if returncode != 0 and received == 0:
        last = errors.splitlines()[-1] if errors else "decoder failed"
        if "decoder" in errors.lower() and "not found" in errors.lower():
            raise UnsupportedCodecError(f"{path.name}: no decoder for codec {info.codec} ({last})")
        raise CorruptAudioError(f"{path.name}: the audio data cannot be decoded ({last})")
    if received < samples.shape[1]:  # a header that claimed more than was there
        samples = samples[:, :received].copy() if received < samples.shape[1] * 0.9 \
            else samples[:, :received]
    duration_s = samples.shape[1] / SAMPLE_RATE
    if duration_s < MIN_DURATION_S:
        raise ZeroDurationError(f"{path.name}: the recording has no audio ({duration_s:.2f} s)")
    np.clip(samples, -1.0, 1.0, out=samples)
    if max(float(samples.max()), -float(samples.min())) < SILENCE_PEAK:  # no abs() copy
        raise SilentRecordingError(f"{path.name}: the recording is silent on every channel")
    return DecodedAudio(samples=samples, sample_rate=SAMPLE_RATE, info=info)
