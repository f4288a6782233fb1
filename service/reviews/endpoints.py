"""The supervisor's side: the flag queue, verdicts, rule precision, scorecards."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service.auth.principal import Reader, Reviewer
from service.calls.schemas import FlagPublic
from service.calls.service import flag_public
from service.deps import SessionDep
from service.reviews import queue, repository, service
from service.reviews.schemas import (
    FlagQueue,
    QueuedCall,
    QueuedFlag,
    ReviewEntry,
    ReviewIn,
    ReviewQueue,
    RuleStat,
    Scorecard,
)
from service.validation import MAX_OFFSET, Instant, Text

router = APIRouter(prefix="/api/v1", tags=["reviews"])


@router.get("/flags")
def flag_queue(
    principal: Reader,
    session: SessionDep,
    type: Text | None = None,
    verdict: Annotated[str | None, Query(pattern="^(unreviewed|confirmed|dismissed)$")] = None,
    agent_id: Text | None = None,
    polarity: Annotated[str | None, Query(pattern="^(negative|positive)$")] = None,
    min_confidence: float = 0.0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> FlagQueue:
    """Flags to review, worst calls first (lowest score), then by time in the call."""
    rows = repository.flag_page(
        session, principal.tenant_id, flag_type=type, verdict=verdict, agent_id=agent_id,
        polarity=polarity, min_confidence=min_confidence, limit=limit, offset=offset,
    )
    return FlagQueue(
        items=[
            QueuedFlag(**flag_public(flag).model_dump(), agent_id=agent, call_score=score)
            for flag, agent, score in rows
        ],
        unreviewed_by_type=repository.unreviewed_by_type(session, principal.tenant_id),
        next_offset=offset + limit if len(rows) == limit else None,
    )


@router.post("/flags/{flag_id}/review")
def review_flag(
    flag_id: str, review_in: ReviewIn, principal: Reviewer, session: SessionDep
) -> FlagPublic:
    flag = service.record_verdict(
        session, principal.tenant_id, principal.key_id, principal.name, flag_id,
        review_in.verdict, review_in.note,
    )
    return flag_public(flag)


@router.get("/flags/{flag_id}/reviews")
def flag_reviews(flag_id: str, principal: Reader, session: SessionDep) -> list[ReviewEntry]:
    """The audit trail of one flag: every verdict, by whom, when (still there after a
    re-score replaced the flag's row). Another tenant's flag is a 404, like a missing one."""
    reviews = repository.flag_reviews(session, principal.tenant_id, flag_id)
    if not reviews:
        service.tenant_flag(session, principal.tenant_id, flag_id)
    return [
        ReviewEntry(
            verdict=r.verdict, note=r.note, reviewer=r.reviewer_name or r.reviewer_key_id,
            at=r.created_at,
        )
        for r in reviews
    ]


@router.get("/rules/stats")
def rule_stats(principal: Reader, session: SessionDep) -> list[RuleStat]:
    """Per rule: how often it fired, how reviewers judged it, precision = confirmed / judged."""
    return [RuleStat(**row) for row in service.rule_precision(session, principal.tenant_id)]


@router.get("/agents/{agent_id}/scorecard")
def scorecard(
    agent_id: str,
    principal: Reader,
    session: SessionDep,
    created_from: Annotated[Instant | None, Query(alias="from")] = None,
    created_to: Annotated[Instant | None, Query(alias="to")] = None,
    bucket: Annotated[str, Query(pattern="^(day|week)$")] = "day",
) -> Scorecard:
    """Score trend (per day or week) and flag rates per call for the agent, against the team."""
    return Scorecard.model_validate(
        service.agent_scorecard(
            session, principal.tenant_id, agent_id, created_from, created_to, bucket
        )
    )


@router.get("/review-queue")
def review_queue(
    principal: Reviewer,
    session: SessionDep,
    flag_type: Text | None = None,
    agent_id: Text | None = None,
    created_from: Annotated[Instant | None, Query(alias="from")] = None,
    created_to: Annotated[Instant | None, Query(alias="to")] = None,
    score_min: float | None = None,
    score_max: float | None = None,
    page: Annotated[int, Query(ge=1, le=MAX_OFFSET)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 25,
) -> ReviewQueue:
    """Calls with unreviewed flags, worst score first, with unreviewed counts per flag type."""
    filters = queue.QueueFilters(
        flag_type, agent_id, created_from, created_to, score_min, score_max
    )
    found = queue.calls_to_review(session, principal.tenant_id, filters, page, per_page)
    return ReviewQueue(
        items=[
            QueuedCall(
                id=row.call_id, score=row.score, agent_id=row.agent_id,
                external_id=row.external_id, created_at=row.created_at,
                duration_s=row.duration_s, unreviewed_by_type=dict(row.unreviewed_by_type),
            )
            for row in found.rows
        ],
        total=found.total,
        unreviewed_by_type=dict(found.unreviewed_by_type),
        page=page,
        pages=found.pages,
    )
