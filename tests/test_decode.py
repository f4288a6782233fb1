"""Decoding real files in every supported container, and every kind of bad input."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
import soundfile as sf

from audio import decode, errors


def _ffmpeg(src, dst, *args):
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(src), *args, str(dst)], check=True)


@pytest.mark.parametrize(
    ("suffix", "args"),
    [
        (".flac", []),
        (".mp3", ["-b:a", "64k"]),
        (".ogg", ["-c:a", "libopus", "-b:a", "32k"]),
        (".m4a", ["-c:a", "aac", "-b:a", "64k"]),
        (".wav", ["-ar", "8000", "-c:a", "pcm_mulaw"]),  # 8 kHz u-law telephony
    ],
)
def test_decodes_containers_to_16k_float_per_channel(demo_call, tmp_path, suffix, args):
    target = tmp_path / f"call{suffix}"
    _ffmpeg(demo_call.stereo_path, target, *args)
    audio = decode.decode(target)
    assert audio.sample_rate == 16_000
    assert audio.samples.dtype == np.float32
    assert audio.channels == 2
    assert abs(audio.duration_s - demo_call.duration_s) < 0.2
    assert np.abs(audio.samples).max() <= 1.0


def test_mono_stays_mono(demo_call):
    audio = decode.decode(demo_call.mono_path)
    assert audio.channels == 1 and audio.mono().ndim == 1


def _tone(path, seconds=1.0, rate=16_000, amplitude=0.3):
    t = np.arange(int(seconds * rate)) / rate
    sf.write(path, amplitude * np.sin(2 * np.pi * 220 * t), rate)
    return path


def test_empty_file(tmp_path):
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(errors.EmptyFileError, match="empty"):
        decode.decode(path)


def test_not_audio(tmp_path):
    path = tmp_path / "notes.wav"
    path.write_text("this is a text file, not a recording\n" * 50)
    with pytest.raises(errors.NotAudioError, match="not an audio file"):
        decode.decode(path)


def test_corrupt_audio(tmp_path):
    good = _tone(tmp_path / "good.wav")
    path = tmp_path / "corrupt.wav"
    path.write_bytes(good.read_bytes()[:12] + bytes(range(256)) * 40)
    with pytest.raises((errors.CorruptAudioError, errors.AbsurdHeaderError)):
        decode.decode(path)


def test_truncated_mp3_still_decodes_what_is_there(demo_call, tmp_path):
    mp3 = tmp_path / "call.mp3"
    _ffmpeg(demo_call.mono_path, mp3)
    cut = tmp_path / "cut.mp3"
    cut.write_bytes(mp3.read_bytes()[: mp3.stat().st_size // 2])
    audio = decode.decode(cut)
    assert 5 < audio.duration_s < demo_call.duration_s


def test_zero_duration(tmp_path):
    path = tmp_path / "zero.wav"
    sf.write(path, np.zeros(0, dtype=np.float32), 16_000)
    with pytest.raises((errors.ZeroDurationError, errors.CorruptAudioError, errors.NotAudioError)):
        decode.decode(path)


def test_silent_recording(tmp_path):
    path = tmp_path / "silent.wav"
    sf.write(path, np.zeros(16_000 * 3, dtype=np.float32), 16_000)
    with pytest.raises(errors.SilentRecordingError, match="silent"):
        decode.decode(path)


def test_longer_than_limit_stops_reading(tmp_path):
    path = _tone(tmp_path / "long.wav", seconds=5.0)
    with pytest.raises(errors.TooLongError, match="limit"):
        decode.decode(path, max_duration_s=2.0)


def test_absurd_header(tmp_path):
    good = bytearray(_tone(tmp_path / "good.wav").read_bytes())
    good[24:28] = (0).to_bytes(4, "little")  # sample rate 0 in the fmt chunk
    path = tmp_path / "absurd.wav"
    path.write_bytes(bytes(good))
    with pytest.raises((errors.AbsurdHeaderError, errors.CorruptAudioError)):
        decode.decode(path)


def test_every_error_has_a_code_and_message():
    for cls in errors.AudioError.__subclasses__():
        assert cls.code != errors.AudioError.code
        assert str(cls("x")) == "x"
