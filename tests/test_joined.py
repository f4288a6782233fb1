"""Both stereo channels in one transcription pass: pieces laid out in speaking order, words
mapped back to their channel and time; on a real call, the same words as per channel."""

from __future__ import annotations

import numpy as np
import pytest

from audio import joined
from audio.schema import SpeakerTurn, Word

RATE = 16_000


def test_pieces_follow_the_conversation_and_words_go_back_where_they_were_said():
    left = np.full(10 * RATE, 0.1, dtype=np.float32)
    right = np.full(10 * RATE, 0.2, dtype=np.float32)
    turns = (SpeakerTurn("left", 1.0, 3.0), SpeakerTurn("right", 3.5, 6.0),
             SpeakerTurn("left", 6.2, 6.8), SpeakerTurn("left", 7.0, 8.0))
    stream, pieces = joined.joined_speech({"left": left, "right": right}, turns, RATE)
    # padded 0.2 s; the two left turns 0.2 s apart are one piece
    assert [(p.speaker, round(p.start, 6), round(p.end, 6)) for p in pieces] == [
        ("left", 0.8, 3.2), ("right", 3.3, 6.2), ("left", 6.0, 8.2)]
    assert pieces[1].offset == pytest.approx(2.4 + joined.GAP_S)
    # each piece's samples come from its own channel, followed by silence
    first_right = int(pieces[1].offset * RATE)
    assert stream[first_right + 10] == pytest.approx(0.2) and stream[first_right - 10] == 0
    assert stream.size == int(round((2.4 + 2.9 + 2.2 + 3 * joined.GAP_S) * RATE))
    heard = (Word(" hello", 0.5, 0.9, 0.9), Word(" there", 3.0, 3.4, 0.9),
             Word(" late", 2.35, 2.6, 0.9))  # a word in the gap after the first piece
    words = joined.words_in_call(heard, pieces)
    assert [(w.text, w.speaker, w.start, w.end) for w in words] == [
        (" hello", "left", 1.3, 1.7), (" late", "left", 3.15, 3.2),
        (" there", "right", 3.4, 3.8)]


def test_no_speech_gives_an_empty_stream():
    stream, pieces = joined.joined_speech({"left": np.zeros(RATE, np.float32),
                                           "right": np.zeros(RATE, np.float32)}, (), RATE)
    assert stream.size == 0 and pieces == ()
    assert joined.words_in_call((Word(" x", 0.1, 0.2, 0.5),), pieces) == ()


def test_joined_pass_hears_the_demo_call_as_well_as_one_pass_per_channel(demo_call,
                                                                          stereo_analysis):
    from audio.pipeline import AnalysisOptions, analyze
    from tests.test_pipeline import _der, _roles, _wer

    once = analyze(demo_call.stereo_path, AnalysisOptions(stereo_asr="joined"))
    assert _wer(demo_call, once) <= _wer(demo_call, stereo_analysis) + 0.03
    assert _der(demo_call, once) == pytest.approx(_der(demo_call, stereo_analysis))
    assert _roles(once) == _roles(stereo_analysis)
    assert [t.speaker for t in once.transcript.turns] == [
        t.speaker for t in stereo_analysis.transcript.turns]
    assert ("stereo_asr", "joined") in once.options
