"""Request and response bodies at the API edge (pydantic only here)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, HttpUrl


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
    unreviewed_flags: int
    failure_reason: str | None


class CallPage(BaseModel):
    items: list[CallSummary]
    next_cursor: str | None


class ReviewIn(BaseModel):
    verdict: Literal["confirmed", "dismissed"]
    note: str = Field("", max_length=4000)


class WebhookRecording(BaseModel):
    audio_url: HttpUrl
    external_id: str | None = Field(None, max_length=200)
    agent_id: str | None = Field(None, max_length=200)
    agent_channel: Literal["left", "right"] = "left"
    language: str = Field("en", max_length=8)
    tags: list[str] = Field(default_factory=list, max_length=50)
    metadata: dict[str, Any] = Field(default_factory=dict)


class TenantSettingsIn(BaseModel):
    callback_url: HttpUrl | None = None
