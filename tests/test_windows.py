"""Long recordings processed a window at a time (issue 14): where the cuts fall, and that the
tone features computed block by block equal librosa's whole-signal pass."""

from __future__ import annotations

from pathlib import Path

import librosa
import numpy as np
import pytest

from audio import windows
from audio.tone import blocks, loudness, pitch


def test_a_recording_of_one_window_is_not_cut():
    assert windows.windows([(1.0, 5.0)], 250.0, 300.0) == [(0.0, 250.0)]


def test_cuts_fall_in_the_widest_pause_of_each_windows_second_half():
    # speech every 10 s with 2 s pauses, and one 6 s pause at 80-86 s
    speech = [(t, t + 8.0) for t in range(0, 200, 10) if t != 80] + [(86.0, 88.0)]
    cuts = windows.windows(speech, 200.0, 100.0)
    assert cuts[0] == (0.0, 82.0)  # the widest pause between 50 and 100 s (78-86), its middle
    assert all(end - start <= 100.0 for start, end in cuts)
    assert cuts[-1][1] == 200.0
    assert all(a[1] == b[0] for a, b in zip(cuts, cuts[1:], strict=False))
    for _start, end in cuts[:-1]:  # no cut inside speech
        assert not any(s < end < e for s, e in speech)


def test_unbroken_speech_is_cut_at_the_window_limit():
    assert windows.windows([(0.0, 250.0)], 250.0, 100.0) == [(0.0, 100.0), (100.0, 200.0),
                                                             (200.0, 250.0)]


def test_no_sliver_of_a_last_window_and_no_window_of_nothing():
    assert windows.windows([], 100.5, 100.0) == [(0.0, 100.5)]
    assert windows.windows([], 250.0, 100.0)[-1] == (200.0, 250.0)
    with pytest.raises(ValueError, match="positive"):
        windows.windows([], 10.0, 0.0)


def test_analysis_windows_shorter_than_whispers_own_are_refused():
    from audio.pipeline import AnalysisOptions

    with pytest.raises(ValueError, match="window_s"):
        AnalysisOptions(window_s=5.0)


def _voice_like(seconds: float, rate: int = 16_000) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    f0 = 120 + 40 * np.sin(2 * np.pi * 0.3 * t)  # a gliding pitch with loud and quiet stretches
    envelope = 0.05 + 0.4 * (np.sin(2 * np.pi * 0.7 * t) > 0)
    noise = np.random.default_rng(7).normal(0, 0.01, t.size)
    return (envelope * np.sin(2 * np.pi * np.cumsum(f0) / rate) + noise).astype(np.float32)


@pytest.mark.parametrize("block_frames", [37, 500, 3000])
def test_block_by_block_features_equal_the_whole_signal_pass(block_frames):
    signal, hop = _voice_like(11.3), 320

    def rms(piece):
        return librosa.feature.rms(y=piece, frame_length=4 * hop, hop_length=hop, center=False)[0]

    def yin(piece):
        return librosa.yin(piece, fmin=pitch.FMIN_HZ, fmax=pitch.FMAX_HZ, sr=16_000,
                           frame_length=4 * hop, hop_length=hop, center=False)

    whole_rms = librosa.feature.rms(y=signal, frame_length=4 * hop, hop_length=hop)[0]
    whole_f0 = librosa.yin(signal, fmin=pitch.FMIN_HZ, fmax=pitch.FMAX_HZ, sr=16_000,
                           frame_length=4 * hop, hop_length=hop)
    in_blocks_rms = blocks.centred_frames(rms, signal, frame_length=4 * hop, hop=hop,
                                          block_frames=block_frames)
    in_blocks_f0 = blocks.centred_frames(yin, signal, frame_length=4 * hop, hop=hop,
                                         block_frames=block_frames)
    np.testing.assert_array_equal(in_blocks_rms, whole_rms)
    np.testing.assert_array_equal(in_blocks_f0, whole_f0)
    # and the tone step's own entry points give librosa's centred values
    np.testing.assert_array_equal(loudness.loudness_db(signal, sr=16_000),
                                  librosa.amplitude_to_db(whole_rms, ref=1.0, amin=1e-6,
                                                          top_db=None))
    np.testing.assert_array_equal(pitch.pitch_track_hz(signal, sr=16_000, hop_s=0.02), whole_f0)


def _held_as_int16(tmp_path, seconds: float = 11.3):
    """A stereo call with more than 16 bits of precision, decoded and held as int16."""
    import soundfile as sf

    from audio import decode

    left = _voice_like(seconds)
    right = 0.5 * np.roll(left, 8000) + np.random.default_rng(8).normal(0, 0.02, left.size)
    path = tmp_path / "call.wav"
    sf.write(path, np.stack([left, right], axis=1), 16_000, subtype="FLOAT")
    audio = decode.decode(path, float32_up_to_s=0.0)
    assert audio.held_dtype == np.int16
    return audio


def test_every_blockwise_step_reads_a_held_channel_as_it_reads_the_array(tmp_path,
                                                                         monkeypatch):
    """Issue 14: long calls are held as int16 and each step converts only the block it reads.
    With blocks of 2.0004 s (frames and silero's 512-sample frames straddle their edges), every
    step fed the ``decode.Channel`` equals the same step fed the whole channel as float32."""
    from audio import decode, joined, silero, transcribe, vad
    from audio.pipeline import is_stereo
    from audio.schema import SpeakerTurn

    audio = _held_as_int16(tmp_path)
    monkeypatch.setattr(decode, "BLOCK_SAMPLES", 32_007)
    channels = (audio.channel(0), audio.channel(1))
    arrays = tuple(channel.whole() for channel in channels)
    assert all(a.dtype == np.float32 and a.size == audio.frames for a in arrays)
    for held, array in zip(channels, arrays, strict=True):
        np.testing.assert_array_equal(vad.frame_db(held, 16_000), vad.frame_db(array, 16_000))
        np.testing.assert_array_equal(silero.probabilities(held), silero.probabilities(array))
        np.testing.assert_array_equal(loudness.loudness_db(held, sr=16_000),
                                      loudness.loudness_db(array, sr=16_000))
        np.testing.assert_array_equal(pitch.pitch_track_hz(held, sr=16_000, hop_s=0.02),
                                      pitch.pitch_track_hz(array, sr=16_000, hop_s=0.02))
    np.testing.assert_array_equal(vad.frame_correlation(*channels, 16_000),
                                  vad.frame_correlation(*arrays, 16_000))
    turns = (SpeakerTurn("left", 0.5, 2.5), SpeakerTurn("right", 1.9, 4.3),
             SpeakerTurn("left", 9.0, 11.3))
    stream, pieces = joined.joined_speech(dict(zip(("left", "right"), channels, strict=True)),
                                          turns, 16_000)
    expected = joined.joined_speech(dict(zip(("left", "right"), arrays, strict=True)), turns,
                                    16_000)
    np.testing.assert_array_equal(stream, expected[0])
    assert stream.dtype == np.float32 and pieces == expected[1]
    assert is_stereo(audio, "auto")  # its blocks read through DecodedAudio.window

    read = []  # Whisper's windows: each one read as float32, only its own samples
    monkeypatch.setattr(transcribe, "transcribe", lambda piece, options: read.append(piece) or ())
    transcribe.transcribe_windows(channels[0], 16_000, [(0.5, 2.5), (4.0, 6.0), (7.0, 11.0)],
                                  transcribe.TranscriptionOptions(), window_s=5.0)
    assert len(read) >= 2 and all(piece.dtype == np.float32 for piece in read)
    np.testing.assert_array_equal(np.concatenate(read), arrays[0])


def test_after_warm_up_a_fresh_process_loads_librosas_jit_from_disk():
    """``pitch.warm_up`` (run by ./dev, the Docker build and the worker's start) leaves YIN's numba
    functions compiled on disk, so the first call a fresh process analyses loads them instead of
    compiling them (about 15 s on two cores). Warmed up as ./dev does it (a load where it already
    ran), a second fresh process must load YIN's functions and compile nothing (numba's own cache
    log says which)."""
    import os
    import subprocess
    import sys

    warm = [sys.executable, "-c", "from audio.tone import pitch; pitch.warm_up()"]
    subprocess.run(warm, check=True, timeout=300)
    logged = subprocess.run(warm, check=True, timeout=300, capture_output=True, text=True,
                            env=dict(os.environ, NUMBA_DEBUG_CACHE="1"))
    lines = (logged.stdout + logged.stderr).splitlines()
    loaded = {Path(line.split("'")[1]).name.split("-")[0] for line in lines
              if line.startswith("[cache] data loaded from")}
    # YIN's local minima and its parabolic interpolation
    assert {"utils._localmin", "pitch._pi_wrapper"} <= loaded, lines
    assert not [line for line in lines if "saved" in line], lines
