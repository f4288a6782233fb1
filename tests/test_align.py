"""Word-to-speaker assignment and turn grouping."""

from audio.align import assign_speakers, group_turns, keep_words_in_turns
from audio.schema import SpeakerTurn, Word


def _w(text, start, end, speaker=""):
    return Word(text, start, end, 1.0, speaker)


def test_word_goes_to_speaker_with_most_overlap():
    turns = (SpeakerTurn("A", 0.0, 1.2), SpeakerTurn("B", 1.0, 3.0))
    words = assign_speakers((_w(" hi", 0.9, 1.5),), turns)
    assert words[0].speaker == "B"  # 0.5 s with B, 0.3 s with A


def test_word_without_overlap_goes_to_nearest_turn():
    turns = (SpeakerTurn("A", 0.0, 1.0), SpeakerTurn("B", 5.0, 6.0))
    words = assign_speakers((_w(" a", 1.2, 1.4), _w(" b", 4.5, 4.8)), turns)
    assert [w.speaker for w in words] == ["A", "B"]


def test_long_turn_before_short_ones_is_found():
    turns = (SpeakerTurn("A", 0.0, 100.0),) + tuple(
        SpeakerTurn("B", 10.0 + i, 10.5 + i) for i in range(50))
    words = assign_speakers((_w(" x", 70.6, 70.9),), turns)
    assert words[0].speaker == "A"


def test_turns_break_on_speaker_change_and_long_pause():
    words = (_w(" a", 0, 0.5, "A"), _w(" b", 0.6, 1.0, "A"), _w(" c", 1.5, 2.0, "B"),
             _w(" d", 6.0, 6.5, "B"))
    turns = group_turns(words)
    assert [(t.speaker, t.text) for t in turns] == [("A", "a b"), ("B", "c"), ("B", "d")]


def test_overtalk_does_not_shred_a_turn():
    words = (_w(" I", 0.0, 0.3, "A"), _w(" paid", 0.4, 0.8, "A"), _w(" fine", 0.7, 1.0, "B"),
             _w(" on", 0.9, 1.1, "A"), _w(" time", 1.2, 1.5, "A"), _w(" I'll", 1.1, 1.4, "B"))
    turns = group_turns(words)
    assert [(t.speaker, t.text) for t in turns] == [("A", "I paid on time"), ("B", "fine I'll")]


def test_bleed_words_outside_own_speech_are_dropped():
    turns = (SpeakerTurn("left", 0.0, 2.0), SpeakerTurn("right", 3.0, 5.0))
    words = (_w(" mine", 0.5, 0.9), _w(" echo", 3.5, 3.9))
    kept = keep_words_in_turns(words, turns, "left")
    assert [w.text for w in kept] == [" mine"] and kept[0].speaker == "left"
