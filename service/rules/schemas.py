"""API bodies for a tenant's scoring rules and their versions."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class RulesChanged(BaseModel):
    version: str | None = None  # the rules' own version label
    number: int | None  # the tenant's version number; null when nothing changed
    rescore_queued: bool


class LearnedChange(BaseModel):
    flag_type: str
    setting: str
    before: str
    after: str
    reason: str


class Learned(RulesChanged):
    verdicts: int
    changes: list[LearnedChange]


class RulesVersion(BaseModel):
    number: int
    source: str
    summary: str
    created_by: str
    created_at: datetime
    rules_version: str
    current: bool


class CallChangeOut(BaseModel):
    call_id: str
    name: str
    score_before: float
    score_after: float
    added: list[str]
    removed: list[str]
    confirmed_removed: int


class RulesPreview(BaseModel):
    """What the submitted rules would change on the tenant's latest analysed calls."""

    calls: int
    changed: list[CallChangeOut]
    flags_added: dict[str, int]
    flags_removed: dict[str, int]
    mean_score_before: float | None
    mean_score_after: float | None
    confirmed_removed: int = Field(description="flags reviewers confirmed that these rules "
                                   "would no longer raise")
