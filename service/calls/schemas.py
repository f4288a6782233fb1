"""API bodies for calls and their analysis (pydantic only at the edge)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class CallAccepted(BaseModel):
    id: str
    status: str
    duplicate: bool = False
    status_url: str


class CallSummary(BaseModel):
    id: str
    status: str
    source: str
    external_id: str | None
    agent_id: str | None
    agent_channel: str
    created_at: datetime
    finished_at: datetime | None
    duration_s: float | None
    score: float | None
    original_filename: str | None = Field(None, description="the uploaded file's name")
    unreviewed_flags: int = Field(description="flags that took points off the score and that "
                                  "nobody has confirmed or dismissed yet")
    failure_reason: str | None


class CallPage(BaseModel):
    items: list[CallSummary]
    next_cursor: str | None


class _Open(BaseModel):
    """Analysis parts: the fields listed are always there; newer analyses may add more."""

    model_config = ConfigDict(extra="allow")


class FlagPublic(BaseModel):
    id: str
    call_id: str
    type: str
    polarity: str
    speaker: str
    start: float
    end: float
    quote: str
    confidence: float
    points: float | None = Field(
        None, description="what this flag took from the score (negative) or added to it; "
        "null for flags scored before points were stored (re-score the call)")
    rule: str
    explanation: str
    verdict: str | None


class WordOut(_Open):
    text: str
    start: float
    end: float
    probability: float


class SegmentOut(_Open):
    speaker: str
    label: str
    start: float
    end: float
    text: str
    words: list[WordOut]


class CategoryScoreOut(_Open):
    name: str
    score: float = Field(description="this category alone, from 100, as if it were the call")
    penalty: float = Field(description="points lost in this category")
    credit: float = Field(description="points gained in this category (after the credit cap)")
    flags: int
    points: float | None = Field(None, description="credit - penalty: what this category adds "
                                 "to the call's score")


class TurnSentimentOut(_Open):
    speaker: str
    start: float
    compound: float


class SentimentOut(_Open):
    turns: list[TurnSentimentOut]
    customer_start: float
    customer_end: float


class RolesOut(_Open):
    agent: str
    customer: str
    confidence: float
    method: str
    cues: list[str]
    model: str = ""  # the role head that read what each speaker says; "" for none


class SpeakerToneOut(_Open):
    speaker: str
    role: str
    talk_time_s: float
    talk_ratio: float
    baseline_loudness_db: float | None
    pitch_median_hz: float | None
    words_per_second: float
    interruptions_made: int


class ToneEventOut(_Open):
    kind: str
    speaker: str
    role: str
    start: float
    end: float
    value: float


class ToneOut(_Open):
    speakers: list[SpeakerToneOut]
    turns: list[dict[str, Any]]
    events: list[ToneEventOut]
    quarters: list[dict[str, Any]]
    overtalk_s: float
    silence_s: float


class ModelOut(_Open):
    stage: str
    name: str
    version: str


class CallDetail(CallSummary):
    """A call; once ``status`` is done, also its transcript, tone, flags and score."""

    language: str
    tags: list[str]
    attempts: int
    started_at: datetime | None
    model_versions: dict[str, Any] | None
    rules_version: str | None
    audio_url: str
    points_lost: float | None = Field(None, description="sum of the categories' penalties; "
                                      "score = clip(100 - points_lost + points_gained, 0, 100)")
    points_gained: float | None = Field(None, description="sum of the categories' credits")
    score_breakdown: list[CategoryScoreOut] = []
    flags: list[FlagPublic] = []
    segments: list[SegmentOut] = []
    sentiment: SentimentOut | None = None
    channels: int | None = None
    roles: RolesOut | None = None
    tone: ToneOut | None = None
    models: list[ModelOut] = []
    options: dict[str, Any] = {}
    timings_s: dict[str, float] = {}


class TranscriptOut(BaseModel):
    call_id: str
    segments: list[SegmentOut]
