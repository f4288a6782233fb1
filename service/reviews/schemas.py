"""API bodies for flags, verdicts, the review queue, rule statistics and scorecards."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from service.calls.schemas import FlagPublic
from service.validation import Text


class ReviewIn(BaseModel):
    verdict: Literal["confirmed", "dismissed"]
    note: Text = Field("", max_length=4000)


class QueuedFlag(FlagPublic):
    agent_id: str | None
    call_score: float | None


class FlagQueue(BaseModel):
    items: list[QueuedFlag]
    unreviewed_by_type: dict[str, int]
    next_offset: int | None


class ReviewEntry(BaseModel):
    verdict: str
    note: str
    reviewer: str
    at: datetime


class RuleStat(BaseModel):
    rule: str
    type: str
    fired: int
    confirmed: int
    dismissed: int
    precision: float | None = Field(description="confirmed / judged; null until judged")


class FlagRate(BaseModel):
    agent: float
    team: float
    polarity: str | None = None


class TrendPoint(BaseModel):
    date: str
    average_score: float
    calls: int
    team_average_score: float


class WorstCall(BaseModel):
    id: str
    score: float
    created_at: datetime


class Scorecard(BaseModel):
    agent_id: str
    calls: int
    bucket: str
    average_score: float
    team_average_score: float
    trend: list[TrendPoint]
    flag_rates_per_call: dict[str, FlagRate]
    worst_calls: list[WorstCall]


class QueuedCall(BaseModel):
    id: str
    score: float | None
    agent_id: str | None
    external_id: str | None
    created_at: datetime
    duration_s: float | None
    unreviewed_by_type: dict[str, int]


class ReviewQueue(BaseModel):
    items: list[QueuedCall]
    total: int
    unreviewed_by_type: dict[str, int]
    page: int
    pages: int
