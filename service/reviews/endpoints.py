"""The supervisor's side: the flag queue, verdicts, rule precision, scorecards, scoring rules."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query
from fastapi.responses import PlainTextResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scoring import config as scoring_config
from service.auth.principal import (
    CAN_CONFIG,
    CAN_READ,
    CAN_REVIEW,
    Principal,
    get_session,
    get_settings,
)
from service.calls.results import flag_json
from service.calls.schemas import ReviewIn, TenantSettingsIn
from service.db.models import Call, FlagRow, Review, Tenant
from service.jobs.queue import get_queue
from service.reviews import queue as review_queue_module
from service.reviews import service as review
from service.rules import versions as scoring_versions
from service.settings import Settings

router = APIRouter(prefix="/api/v1")


@router.get("/flags")
def flag_queue(
    type: str | None = None,
    verdict: str | None = Query(None, pattern="^(unreviewed|confirmed|dismissed)$"),
    agent_id: str | None = None,
    polarity: str | None = Query(None, pattern="^(negative|positive)$"),
    min_confidence: float = 0.0,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0),
    principal: Principal = CAN_READ,
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    """Flags to review, worst calls first (lowest score), then by time in the call."""
    query = (
        select(FlagRow, Call.agent_id, Call.score)
        .join(Call, Call.id == FlagRow.call_id)
        .where(FlagRow.tenant_id == principal.tenant_id, FlagRow.confidence >= min_confidence)
    )
    if type:
        query = query.where(FlagRow.type == type)
    if verdict == "unreviewed":
        query = query.where(FlagRow.verdict.is_(None))
    elif verdict:
        query = query.where(FlagRow.verdict == verdict)
    if agent_id:
        query = query.where(Call.agent_id == agent_id)
    if polarity:
        query = query.where(FlagRow.polarity == polarity)
    rows = session.execute(
        query.order_by(Call.score.asc(), FlagRow.call_id, FlagRow.start).limit(limit).offset(offset)
    ).all()
    counts = dict(
        session.execute(
            select(FlagRow.type, func.count())
            .where(FlagRow.tenant_id == principal.tenant_id, FlagRow.verdict.is_(None))
            .group_by(FlagRow.type)
        ).all()
    )
    return {
        "items": [
            flag_json(flag) | {"agent_id": agent, "call_score": score}
            for flag, agent, score in rows
        ],
        "unreviewed_by_type": counts,
        "next_offset": offset + limit if len(rows) == limit else None,
    }


@router.post("/flags/{flag_id}/review")
def review_flag(
    flag_id: str,
    review_in: ReviewIn,
    principal: Principal = CAN_REVIEW,
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    try:
        flag = review.record_verdict(
            session, principal.tenant_id, principal.key_id, principal.name, flag_id,
            review_in.verdict, review_in.note,
        )
    except LookupError as error:
        raise HTTPException(404, str(error)) from error
    return flag_json(flag)


@router.get("/flags/{flag_id}/reviews")
def flag_reviews(
    flag_id: str,
    principal: Principal = CAN_READ,
    session: Session = Depends(get_session),
) -> list[dict[str, Any]]:
    """The audit trail of one flag: every verdict, by whom, when."""
    rows = session.scalars(
        select(Review)
        .where(Review.flag_id == flag_id, Review.tenant_id == principal.tenant_id)
        .order_by(Review.id)
    )
    return [
        {
            "verdict": r.verdict,
            "note": r.note,
            "reviewer": r.reviewer_name or r.reviewer_key_id,
            "at": r.created_at.isoformat(),
        }
        for r in rows
    ]


@router.get("/rules/stats")
def rule_stats(
    principal: Principal = CAN_READ,
    session: Session = Depends(get_session),
) -> list[dict[str, Any]]:
    """Per rule: how often it fired, how reviewers judged it, precision = confirmed / judged."""
    return review.rule_precision(session, principal.tenant_id)


@router.get("/agents/{agent_id}/scorecard")
def scorecard(
    agent_id: str,
    created_from: datetime | None = Query(None, alias="from"),
    created_to: datetime | None = Query(None, alias="to"),
    bucket: str = Query("day", pattern="^(day|week)$"),
    principal: Principal = CAN_READ,
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    """Score trend (per day or week) and flag rates per call for the agent, against the team."""
    try:
        return review.agent_scorecard(
            session, principal.tenant_id, agent_id, created_from, created_to, bucket
        )
    except LookupError as error:
        raise HTTPException(404, str(error)) from error


@router.get("/review-queue")
def review_queue(
    flag_type: str | None = None,
    agent_id: str | None = None,
    created_from: datetime | None = Query(None, alias="from"),
    created_to: datetime | None = Query(None, alias="to"),
    score_min: float | None = None,
    score_max: float | None = None,
    page: int = Query(1, ge=1),
    per_page: int = Query(25, ge=1, le=200),
    principal: Principal = CAN_REVIEW,
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    """Calls with unreviewed flags, worst score first, with unreviewed counts per flag type."""
    filters = review_queue_module.QueueFilters(
        flag_type, agent_id, created_from, created_to, score_min, score_max
    )
    found = review_queue_module.calls_to_review(
        session, principal.tenant_id, filters, page, per_page
    )
    return {
        "items": [
            {
                "id": row.call_id,
                "score": row.score,
                "agent_id": row.agent_id,
                "external_id": row.external_id,
                "created_at": row.created_at.isoformat(),
                "duration_s": row.duration_s,
                "unreviewed_by_type": dict(row.unreviewed_by_type),
            }
            for row in found.rows
        ],
        "total": found.total,
        "unreviewed_by_type": dict(found.unreviewed_by_type),
        "page": page,
        "pages": found.pages,
    }


def _tenant(session: Session, principal: Principal) -> Tenant:
    return session.get(Tenant, principal.tenant_id)


@router.get("/config/scoring", response_class=PlainTextResponse)
def get_scoring_config(
    principal: Principal = CAN_READ,
    session: Session = Depends(get_session),
) -> str:
    """The tenant's scoring rules as TOML (the shipped rules until edited)."""
    return _tenant(session, principal).scoring_config or scoring_config.default_text()


@router.put("/config/scoring")
def put_scoring_config(
    text: str = Body(..., media_type="application/toml"),
    rescore: bool = True,
    principal: Principal = CAN_CONFIG,
    session: Session = Depends(get_session),
    settings: Settings = Depends(get_settings),
) -> dict[str, Any]:
    """Replace the rules (validated first); re-scores stored calls unless ``rescore=false``.
    The previous rules stay restorable (``/config/scoring/versions``)."""
    try:
        rules = scoring_config.from_text(text, "submitted config")
    except ValueError as error:
        raise HTTPException(422, str(error)) from error
    if rules.heads_path or rules.embedding_model:
        raise HTTPException(422, "[embedding] model and [acts] heads name files on the server: "
                                 "the operator sets them (callqa --rules), a tenant's rules "
                                 "leave them empty")
    version = scoring_versions.record(session, _tenant(session, principal), text, "edit",
                                      "rules file replaced", principal.name)
    session.commit()
    if rescore:
        get_queue(settings).rescore.send(principal.tenant_id)
    return {"version": rules.version, "number": version.number, "rescore_queued": rescore}


@router.delete("/config/scoring")
def reset_scoring_config(
    principal: Principal = CAN_CONFIG,
    session: Session = Depends(get_session),
    settings: Settings = Depends(get_settings),
) -> dict[str, Any]:
    version = scoring_versions.record(session, _tenant(session, principal), None, "reset",
                                      "back to the shipped rules", principal.name)
    session.commit()
    get_queue(settings).rescore.send(principal.tenant_id)
    return {"version": scoring_config.load().version, "number": version.number,
            "rescore_queued": True}


@router.post("/config/scoring/learn")
def learn_scoring_config(
    principal: Principal = CAN_CONFIG,
    session: Session = Depends(get_session),
    settings: Settings = Depends(get_settings),
) -> dict[str, Any]:
    """Adjust the tenant's thresholds and add recurring dismissed sentences as ``unlike``
    examples, from the supervisors' verdicts; re-scores stored calls when anything changed.
    Undo with ``POST /config/scoring/versions/{number}/restore``."""
    tenant = _tenant(session, principal)
    learned, number = scoring_versions.learn(session, tenant, principal.name)
    session.commit()
    if number is not None:
        get_queue(settings).rescore.send(principal.tenant_id)
    return {
        "verdicts": learned.verdicts,
        "number": number,
        "changes": [dataclasses.asdict(change) for change in learned.changes],
        "rescore_queued": number is not None,
    }


@router.get("/config/scoring/versions")
def scoring_config_versions(
    principal: Principal = CAN_READ,
    session: Session = Depends(get_session),
) -> list[dict[str, Any]]:
    """Every rules version of the tenant, newest first."""
    return scoring_versions.listing(session, principal.tenant_id)


@router.post("/config/scoring/versions/{number}/restore")
def restore_scoring_config(
    number: int = Path(ge=1, le=1_000_000),
    principal: Principal = CAN_CONFIG,
    session: Session = Depends(get_session),
    settings: Settings = Depends(get_settings),
) -> dict[str, Any]:
    try:
        version = scoring_versions.restore(session, _tenant(session, principal), number,
                                           principal.name)
    except LookupError as error:
        raise HTTPException(404, str(error)) from error
    session.commit()
    get_queue(settings).rescore.send(principal.tenant_id)
    return {"number": version.number, "rescore_queued": True}


@router.put("/config/tenant")
def put_tenant_settings(
    body: TenantSettingsIn,
    principal: Principal = CAN_CONFIG,
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    tenant = _tenant(session, principal)
    tenant.callback_url = str(body.callback_url) if body.callback_url else None
    session.commit()
    return {"callback_url": tenant.callback_url}
