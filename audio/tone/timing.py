"""Timing between the parties: interruptions, overtalk, long silences and talk share."""

from __future__ import annotations

from dataclasses import dataclass

from audio.schema import Span, SpeakerTurn, ToneEvent


@dataclass(frozen=True)
class TimingOptions:
    min_interruption_overlap_s: float = 0.4  # shorter overlaps are turn-taking jitter
    min_interrupter_turn_s: float = 0.8  # shorter interjections are backchannels ("mm-hm")
    long_silence_s: float = 3.0
    # pauses shorter than this inside one speaker's speech (commas, breaths) do not end a turn
    # when judging interruptions: "Okay, okay, I can..." is one turn, not three short ones
    same_turn_gap_s: float = 0.5


def merge_spans(spans: list[Span], gap_s: float = 0.0) -> list[Span]:
    merged: list[Span] = []
    for span in sorted(spans):
        if merged and span.start <= merged[-1].end + gap_s:
            merged[-1] = Span(merged[-1].start, max(merged[-1].end, span.end))
        else:
            merged.append(span)
    return merged


def speaker_spans(turns: tuple[SpeakerTurn, ...], speaker: str) -> list[Span]:
    return merge_spans([turn.span for turn in turns if turn.speaker == speaker])


def interruptions(turns: tuple[SpeakerTurn, ...], options: TimingOptions) -> tuple[ToneEvent, ...]:
    """A speaker starts while the other is mid-turn, and the overlap is long enough to matter.

    ``speaker`` interrupted ``other``; ``value`` is the overlap in seconds.
    """
    speakers = sorted({turn.speaker for turn in turns})
    spans = {
        speaker: merge_spans(speaker_spans(turns, speaker), options.same_turn_gap_s)
        for speaker in speakers
    }
    events = []
    for speaker in speakers:
        for span in spans[speaker]:
            if span.duration < options.min_interrupter_turn_s:
                continue
            for other in speakers:
                if other == speaker:
                    continue
                for held in spans[other]:
                    if held.start < span.start < held.end:
                        overlap = span.overlap(held)
                        if overlap >= options.min_interruption_overlap_s:
                            events.append(
                                ToneEvent(
                                    "interruption",
                                    speaker,
                                    round(span.start, 2),
                                    round(min(span.end, held.end), 2),
                                    round(overlap, 2),
                                    other=other,
                                )
                            )
    return tuple(sorted(events, key=lambda event: event.start))


def overtalk_s(turns: tuple[SpeakerTurn, ...]) -> float:
    """Total seconds in which two or more speakers talk at once."""
    points = sorted([(t.start, 1) for t in turns] + [(t.end, -1) for t in turns])
    active, last, total = 0, 0.0, 0.0
    for time, delta in points:
        if active >= 2:
            total += time - last
        active += delta
        last = time
    return round(total, 2)


def silences(turns: tuple[SpeakerTurn, ...], duration_s: float) -> list[Span]:
    """Gaps in which nobody speaks, including the lead-in and the tail."""
    gaps, cursor = [], 0.0
    for span in merge_spans([turn.span for turn in turns]):
        if span.start > cursor:
            gaps.append(Span(cursor, span.start))
        cursor = max(cursor, span.end)
    if duration_s > cursor:
        gaps.append(Span(cursor, duration_s))
    return gaps


def long_silences(
    turns: tuple[SpeakerTurn, ...], duration_s: float, options: TimingOptions
) -> tuple[ToneEvent, ...]:
    """Dead air or hold inside the conversation (not before the first or after the last word).

    The silence is the speaker's who ends it: whoever was slow to answer, or paused before
    going on. ``other`` is who spoke last before it."""
    speech = merge_spans([turn.span for turn in turns])
    if not speech:
        return ()
    inner = [
        gap
        for gap in silences(turns, duration_s)
        if gap.start >= speech[0].end - 1e-9 and gap.end <= speech[-1].start + 1e-9
    ]
    events = []
    for gap in inner:
        if gap.duration < options.long_silence_s:
            continue
        after = min(turns, key=lambda t: (abs(t.start - gap.end), t.start))
        before = max(turns, key=lambda t: (t.end <= gap.start + 1e-9, t.end))
        events.append(ToneEvent("long_silence", after.speaker, round(gap.start, 2),
                                round(gap.end, 2), round(gap.duration, 2), other=before.speaker))
    return tuple(events)
