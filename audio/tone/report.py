"""Put the tone measurements together into a ``ToneReport``."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from audio import decode
from audio.schema import (
    LoudnessTrack,
    QuarterView,
    Span,
    SpeakerTone,
    SpeakerTurn,
    ToneEvent,
    ToneReport,
    Transcript,
    TurnTone,
)
from audio.tone import loudness, pitch, timing

HOP_S = loudness.HOP_S
TRACK_STEP_S = 0.25  # resolution of the loudness track kept for plots


@dataclass(frozen=True)
class ToneOptions:
    loudness: loudness.LoudnessOptions = field(default_factory=loudness.LoudnessOptions)
    timing: timing.TimingOptions = field(default_factory=timing.TimingOptions)


def _nan_to_none(value: float) -> float:
    return round(float(value), 2) if np.isfinite(value) else float("nan")


def _solo_spans(turns: tuple[SpeakerTurn, ...], speaker: str) -> list[Span]:
    """The speaker's spans minus everyone else's, so a mono mix is measured on one voice."""
    own = timing.speaker_spans(turns, speaker)
    others = timing.merge_spans([t.span for t in turns if t.speaker != speaker])
    solo = []
    for span in own:
        cursor = span.start
        for other in others:
            if other.end <= cursor or other.start >= span.end:
                continue
            if other.start > cursor:
                solo.append(Span(cursor, other.start))
            cursor = max(cursor, other.end)
        if cursor < span.end:
            solo.append(Span(cursor, span.end))
    return solo


def measure(
    signals: dict[str, decode.Samples],
    sr: int,
    speaker_turns: tuple[SpeakerTurn, ...],
    transcript: Transcript,
    options: ToneOptions,
) -> ToneReport:
    """Tone of a call.

    ``signals`` maps each speaker to the samples to measure them on, shape (samples,): their own
    channel for stereo calls, the mono mix for mono calls (then only solo speech is measured);
    arrays or ``decode.Channel`` views, read a block at a time.
    """
    duration = transcript.duration_s
    speakers = transcript.speakers
    talk = {s: sum(x.duration for x in timing.speaker_spans(speaker_turns, s)) for s in speakers}
    total_talk = sum(talk.values()) or 1.0
    interruptions = timing.interruptions(speaker_turns, options.timing)
    silences = timing.long_silences(speaker_turns, duration, options.timing)
    events: list[ToneEvent] = [*interruptions, *silences]
    speaker_tones, tracks, levels, baselines, f0s = [], [], {}, {}, {}
    stereo_like = len({id(v) for v in signals.values()}) > 1  # one signal per speaker
    for speaker in speakers:
        signal = signals[speaker]
        spans = (
            timing.speaker_spans(speaker_turns, speaker)
            if stereo_like
            else _solo_spans(speaker_turns, speaker)
        )
        level = loudness.loudness_db(signal, sr=sr, hop_s=HOP_S)
        mask = loudness.spans_mask(spans, level.size, hop_s=HOP_S)
        baseline = loudness.baseline_db(level, mask)
        events.extend(
            loudness.raised_volume_events(
                level, mask, speaker, baseline, options.loudness, hop_s=HOP_S
            )
        )
        f0 = pitch.pitch_track_hz(signal, sr=sr, hop_s=HOP_S)[: level.size]
        f0_voiced = np.where(mask[: f0.size] & (level[: f0.size] > baseline - 10), f0, np.nan)
        median_hz, spread = pitch.pitch_stats(f0_voiced)
        voiced = loudness.speech_frames_db(level, mask)
        words = [w for turn in transcript.turns if turn.speaker == speaker for w in turn.words]
        levels[speaker], baselines[speaker], f0s[speaker] = (level, mask), baseline, f0_voiced
        speaker_tones.append(
            SpeakerTone(
                speaker=speaker,
                talk_time_s=round(talk[speaker], 2),
                talk_ratio=round(talk[speaker] / total_talk, 3),
                baseline_loudness_db=_nan_to_none(baseline),
                loudness_p95_db=_nan_to_none(np.percentile(voiced, 95) if voiced.size else np.nan),
                pitch_median_hz=_nan_to_none(median_hz),
                pitch_variability_semitones=_nan_to_none(spread),
                words_per_second=round(len(words) / talk[speaker], 2) if talk[speaker] else 0.0,
                interruptions_made=sum(1 for e in interruptions if e.speaker == speaker),
                overtalk_s=round(sum(e.value for e in interruptions if e.speaker == speaker), 2),
            )
        )
        step = int(TRACK_STEP_S / HOP_S)
        masked = np.where(mask[: level.size], level, np.nan)
        tracks.append(
            LoudnessTrack(
                speaker,
                tuple(round(i * HOP_S, 2) for i in range(0, level.size, step)),
                tuple(_nan_to_none(v) for v in masked[::step]),
            )
        )
    turn_tones = tuple(_turn_tone(turn, levels, baselines, f0s) for turn in transcript.turns)
    events.sort(key=lambda event: (event.start, event.kind))
    gaps = timing.silences(speaker_turns, duration)
    return ToneReport(
        speakers=tuple(speaker_tones),
        turns=turn_tones,
        events=tuple(events),
        quarters=_quarters(duration, speaker_turns, events, gaps, speakers),
        overtalk_s=timing.overtalk_s(speaker_turns),
        silence_s=round(sum(g.duration for g in gaps), 2),
        tracks=tuple(tracks),
    )


def _turn_tone(turn, levels, baselines, f0s) -> TurnTone:
    level, mask = levels[turn.speaker]
    lo, hi = int(turn.start / HOP_S), max(int(turn.start / HOP_S) + 1, int(turn.end / HOP_S))
    inside = level[lo:hi][mask[lo:hi]]
    loud = float(np.percentile(inside, 75)) if inside.size else float("nan")
    f0 = f0s[turn.speaker][lo:hi]
    median_hz = float(np.nanmedian(f0)) if np.isfinite(f0).any() else float("nan")
    rate = len(turn.words) / turn.duration if turn.duration > 0 else 0.0
    return TurnTone(
        turn.speaker,
        turn.start,
        turn.end,
        round(rate, 2),
        _nan_to_none(loud),
        _nan_to_none(loud - baselines[turn.speaker]),
        _nan_to_none(median_hz),
    )


def _quarters(duration, speaker_turns, events, gaps, speakers) -> tuple[QuarterView, ...]:
    views = []
    for index in range(4):
        window = Span(duration * index / 4, duration * (index + 1) / 4)
        talk = {
            s: sum(window.overlap(t.span) for t in speaker_turns if t.speaker == s)
            for s in speakers
        }
        total = sum(talk.values()) or 1.0
        inside = [e for e in events if window.start <= e.start < window.end]
        views.append(
            QuarterView(
                index=index,
                start=round(window.start, 2),
                end=round(window.end, 2),
                talk_ratio=tuple((s, round(talk[s] / total, 3)) for s in speakers),
                raised_volume_events=sum(1 for e in inside if e.kind == "raised_volume"),
                interruptions=sum(1 for e in inside if e.kind == "interruption"),
                silence_s=round(sum(window.overlap(g) for g in gaps), 2),
            )
        )
    return tuple(views)
