"""Decoding real files in every supported container, and every kind of bad input."""

from __future__ import annotations

import dataclasses
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
    assert audio.held_dtype == np.float32  # a short call is held as ffmpeg gives it
    assert audio.channels == 2
    assert abs(audio.duration_s - demo_call.duration_s) < 0.2
    for channel in (0, 1):
        samples = audio.channel(channel)[:]
        assert samples.dtype == np.float32 and np.abs(samples).max() <= 1.0


def test_mono_stays_mono(demo_call):
    audio = decode.decode(demo_call.mono_path)
    assert audio.channels == 1 and audio.mono().whole().ndim == 1


def _float_wav(path, seconds, rate=16_000):
    """A stereo float32 WAV (more precision than 16 bits) of gliding tones and noise."""
    t = np.arange(int(seconds * rate)) / rate
    noise = np.random.default_rng(3).normal(0, 0.01, (2, t.size))
    left = 0.3 * np.sin(2 * np.pi * np.cumsum(150 + 50 * np.sin(2 * np.pi * 0.2 * t)) / rate)
    right = 0.2 * np.sin(2 * np.pi * 330 * t) * (np.sin(2 * np.pi * 0.5 * t) > 0)
    sf.write(path, (np.stack([left, right]) + noise).T, rate, subtype="FLOAT")
    return path


# int16 holds each sample to the nearest 1/32768: at most half a step off (-96 dBFS)
PCM16_TOLERANCE = 2.0**-16


def test_a_long_call_is_held_as_int16_and_read_as_float32_within_half_a_step(tmp_path):
    path = _float_wav(tmp_path / "long.wav", decode.FLOAT32_UP_TO_S + 1)
    held = decode.decode(path)
    exact = decode.decode(path, float32_up_to_s=float("inf"))  # float32 throughout, as before
    assert held.held_dtype == np.int16 and exact.held_dtype == np.float32
    assert held.frames == exact.frames and held.channels == exact.channels == 2
    edges = [0, 7, decode.BLOCK_SAMPLES - 3, 2 * decode.BLOCK_SAMPLES + 11, held.frames]
    for channel in (0, 1):
        for start, stop in zip(edges, edges[1:], strict=False):
            window = held.window(channel, start, stop)
            assert window.dtype == np.float32 and window.shape == (stop - start,)
            error = np.abs(window - exact.window(channel, start, stop)).max()
            assert 0 < error <= PCM16_TOLERANCE  # rounded: not exact, never more than that
    mix = held.mono().whole()
    assert mix.dtype == np.float32 and mix.shape == (held.frames,)
    assert np.abs(mix - exact.mono().whole()).max() <= PCM16_TOLERANCE


def test_a_sixteen_bit_source_is_held_as_int16_bit_for_bit(demo_call):
    """16-bit PCM at 16 kHz (the bench's calls, most call recorders) is on int16's grid."""
    held = decode.decode(demo_call.stereo_path, float32_up_to_s=0.0)
    exact = decode.decode(demo_call.stereo_path)
    assert held.held_dtype == np.int16 and exact.held_dtype == np.float32
    for channel in (0, 1):
        np.testing.assert_array_equal(held.channel(channel)[:], exact.channel(channel)[:])
    np.testing.assert_array_equal(held.mono().whole(), exact.mono().whole())


def test_a_header_that_understates_the_length_turns_int16_once_the_call_is_long(
        demo_call, monkeypatch):
    """The array is sized from the header's claim (up to ``SCREEN_FROM_S``); a call that turns
    out longer than ``float32_up_to_s`` while it streams in is switched to int16 then."""
    real = decode.probe(demo_call.stereo_path)
    monkeypatch.setattr(decode, "probe", lambda path: dataclasses.replace(
        real, header_duration_s=5.0))
    held = decode.decode(demo_call.stereo_path, float32_up_to_s=20.0)
    exact = decode.decode(demo_call.stereo_path, float32_up_to_s=float("inf"))
    assert held.held_dtype == np.int16 and exact.held_dtype == np.float32
    assert held.frames == exact.frames > 20 * decode.SAMPLE_RATE
    for channel in (0, 1):
        np.testing.assert_array_equal(held.channel(channel)[:], exact.channel(channel)[:])


def test_samples_are_read_only_as_float32_slices(demo_call):
    for limit in (float("inf"), 0.0):
        audio = decode.decode(demo_call.stereo_path, float32_up_to_s=limit)
        left = audio.channel(0)
        assert len(left) == left.size == audio.frames
        assert left[-100:].shape == (100,) and left[audio.frames - 5 : audio.frames + 50].size == 5
        with pytest.raises(TypeError, match="slice"):
            np.asarray(left)  # never the whole channel, nor int16, silently
        with pytest.raises(TypeError, match="slices"):
            left[3]
        with pytest.raises(ValueError, match="step"):
            left[::2]
        with pytest.raises(IndexError):
            audio.channel(2)
        window = audio.window(1, 1000, 2000)
        assert window.dtype == np.float32
        if audio.held_dtype == np.float32:  # a view into what is held, so never writable
            with pytest.raises(ValueError, match="read-only"):
                window[0] = 1.0
        expected = (audio.window(0, 0, 5000) + audio.window(1, 0, 5000)) / np.float32(2)
        np.testing.assert_array_equal(audio.mono()[0:5000], expected)


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
