"""Transcript highlights on the call page: one mark per run of flagged words."""

from service.calls.schemas import FlagPublic, SegmentOut, WordOut
from service.desk.pages import _mark_words


def _flag(flag_id: str, start: float, end: float, quote: str = "q") -> FlagPublic:
    return FlagPublic(id=flag_id, call_id="c", type="system_blame", polarity="negative",
                      speaker="agent", start=start, end=end, quote=quote, confidence=0.9,
                      points=-5.0, rule="system_blame/x", explanation="", verdict=None)


def _turn(words: int) -> SegmentOut:
    return SegmentOut(speaker="agent", label="left", start=0, end=words, text="",
                      words=[WordOut(text=f"w{i}", start=i, end=i + 0.9, probability=1)
                             for i in range(words)])


def test_overlapping_flags_make_one_highlight_and_touching_ones_two():
    overlapping = [_flag("a", 0, 2.5), _flag("b", 2.0, 4.0)]
    [pieces] = _mark_words([_turn(4)], overlapping)
    assert [(text, flag.id if flag else None) for text, flag in pieces] == [
        ("w0 w1 w2 w3", "a")]
    touching = [_flag("a", 0, 2.0), _flag("b", 2.0, 4.0)]
    [pieces] = _mark_words([_turn(4)], touching)
    assert [flag.id for _, flag in pieces] == ["a", "b"]


def test_a_time_span_without_words_does_not_cut_a_quote():
    tone = _flag("tone", 1.0, 2.0, quote="")  # e.g. raised volume: a span, no quote
    [pieces] = _mark_words([_turn(4)], [_flag("a", 0, 4.0), tone])
    assert [flag.id for _, flag in pieces] == ["a"]
