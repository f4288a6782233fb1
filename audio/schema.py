"""Every type that passes between audio stages, and from audio/ to scoring/.

Times are seconds from the start of the recording. Speakers are labels: for stereo calls the
channel name ("left"/"right"), for mono calls the diarization label ("SPEAKER_00", ...).
Which label is the agent is decided later (``scoring.roles``), helped by ``channel_roles``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Span:
    """A stretch of time, ``start`` <= ``end``, in seconds."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def middle(self) -> float:
        return (self.start + self.end) / 2

    def overlap(self, other: Span) -> float:
        """Seconds shared with ``other`` (0 when disjoint)."""
        return max(0.0, min(self.end, other.end) - max(self.start, other.start))


@dataclass(frozen=True)
class SpeakerTurn:
    """One speaker active over a span (diarization or VAD output)."""

    speaker: str
    start: float
    end: float

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float
    probability: float
    speaker: str = ""


@dataclass(frozen=True)
class Turn:
    """Consecutive words of one speaker."""

    speaker: str
    start: float
    end: float
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return "".join(word.text for word in self.words).strip()

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class ModelInfo:
    """Which model did a stage's work, and with which options."""

    stage: str
    name: str
    version: str
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Transcript:
    turns: tuple[Turn, ...]
    language: str
    duration_s: float
    speakers: tuple[str, ...]
    channel_roles: tuple[tuple[str, str], ...] = ()  # (speaker label, role) when known from stereo
    models: tuple[ModelInfo, ...] = ()

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(word for turn in self.turns for word in turn.words)


@dataclass(frozen=True)
class ToneEvent:
    """A measured event. ``kind`` is raised_volume | interruption | long_silence.

    ``value`` is dB above the speaker's baseline for raised_volume, overlap seconds for
    interruption, and gap seconds for long_silence. ``other`` is the interrupted speaker.
    """

    kind: str
    speaker: str
    start: float
    end: float
    value: float
    other: str = ""


@dataclass(frozen=True)
class SpeakerTone:
    """Per-speaker summary over the whole call."""

    speaker: str
    talk_time_s: float
    talk_ratio: float
    baseline_loudness_db: float
    loudness_p95_db: float
    pitch_median_hz: float
    pitch_variability_semitones: float
    words_per_second: float
    interruptions_made: int
    overtalk_s: float


@dataclass(frozen=True)
class TurnTone:
    """Per-turn measurements aligned with ``Transcript.turns`` by index."""

    speaker: str
    start: float
    end: float
    words_per_second: float
    loudness_db: float
    loudness_above_baseline_db: float
    pitch_median_hz: float


@dataclass(frozen=True)
class QuarterView:
    """Talk share and events in one quarter of the call (index 0..3)."""

    index: int
    start: float
    end: float
    talk_ratio: tuple[tuple[str, float], ...]
    raised_volume_events: int
    interruptions: int
    silence_s: float


@dataclass(frozen=True)
class LoudnessTrack:
    """Loudness over time for plotting: ``times`` and ``loudness_db`` have equal length."""

    speaker: str
    times: tuple[float, ...]
    loudness_db: tuple[float, ...]


@dataclass(frozen=True)
class ToneReport:
    speakers: tuple[SpeakerTone, ...]
    turns: tuple[TurnTone, ...]
    events: tuple[ToneEvent, ...]
    quarters: tuple[QuarterView, ...]
    overtalk_s: float
    silence_s: float
    tracks: tuple[LoudnessTrack, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class CallAnalysis:
    """What ``audio.pipeline.analyze`` returns."""

    source: str
    duration_s: float
    channels: int
    diarization: tuple[SpeakerTurn, ...]
    transcript: Transcript
    tone: ToneReport
    timings_s: tuple[tuple[str, float], ...]
    options: tuple[tuple[str, str], ...]
