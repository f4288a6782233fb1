"""Interruptions from speaker turns: who started over whom, and what does not count."""

from audio.schema import SpeakerTurn
from audio.tone.timing import TimingOptions, interruptions


def test_pauses_inside_the_interrupting_turn_do_not_hide_it():
    """'Okay, okay, I can...' reaches VAD as fragments shorter than a turn; it is one turn."""
    turns = (
        SpeakerTurn("customer", 20.0, 23.8),
        SpeakerTurn("agent", 22.9, 23.3),
        SpeakerTurn("agent", 23.6, 23.9),
        SpeakerTurn("agent", 24.3, 26.4),
    )
    (event,) = interruptions(turns, TimingOptions())
    assert (event.speaker, event.other, event.start) == ("agent", "customer", 22.9)
    assert abs(event.value - 0.9) < 1e-6


def test_backchannels_and_jitter_are_not_interruptions():
    turns = (
        SpeakerTurn("customer", 0.0, 6.0),
        SpeakerTurn("agent", 2.0, 2.4),  # "mm-hm"
        SpeakerTurn("agent", 5.8, 9.0),  # starts 0.2 s early: turn-taking jitter
    )
    assert interruptions(turns, TimingOptions()) == ()
