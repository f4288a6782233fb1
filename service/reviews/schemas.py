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
    judged: int = Field(description="flags with a verdict (confirmed + dismissed)")
    precision: float | None = Field(description="confirmed / judged; null until judged")
    precision_low: float | None = Field(
        description="95% Wilson interval of the precision, lower end (few verdicts: wide)")
    precision_high: float | None = Field(description="its upper end")


class FlagRate(BaseModel):
    agent: float = Field(description="flags per call of this agent")
    team: float | None = Field(description="flags per call of the rest of the team (null: no "
                               "other calls in the range)")
    polarity: str | None = None


class TrendPoint(BaseModel):
    date: str
    average_score: float
    calls: int
    team_average_score: float | None


class WorstCall(BaseModel):
    id: str
    name: str = Field(description="the call's external id, else its file name")
    score: float
    created_at: datetime


class Scorecard(BaseModel):
    """Scores are after review (a dismissed flag gives its points back); the team is every
    other call in the range, never the agent's own."""

    agent_id: str
    calls: int
    team_calls: int
    bucket: str
    average_score: float
    team_average_score: float | None
    trend: list[TrendPoint]
    flag_rates_per_call: dict[str, FlagRate] = Field(
        description="the agent's own flags that no reviewer dismissed, per call")
    customer_context_per_call: dict[str, FlagRate] = Field(
        description="the customer's flags (raised voice, escalation, repeats) per call, apart "
        "from the agent's own; escalations and repeats still lower the call's score")
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
