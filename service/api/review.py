"""The supervisor's side: the flag queue, verdicts, rule precision, scorecards, scoring rules."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Body, Depends, HTTPException, Query
from fastapi.responses import PlainTextResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scoring import config as scoring_config
from service.api.deps import (
    CAN_CONFIG,
    CAN_READ,
    CAN_REVIEW,
    Principal,
    get_session,
    get_settings,
)
from service.api.schemas import ReviewIn, TenantSettingsIn
from service.db.models import Call, FlagRow, Review, Tenant
from service.jobs.queue import get_queue
from service.results import flag_json
from service.review import refresh_unreviewed
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
    review: ReviewIn,
    principal: Principal = CAN_REVIEW,
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    flag = session.get(FlagRow, flag_id)
    if flag is None or flag.tenant_id != principal.tenant_id:
        raise HTTPException(404, f"no flag {flag_id!r}")
    flag.verdict = review.verdict
    session.add(
        Review(
            tenant_id=principal.tenant_id,
            call_id=flag.call_id,
            flag_id=flag.id,
            flag_type=flag.type,
            rule=flag.rule,
            flag_start=flag.start,
            verdict=review.verdict,
            note=review.note,
            reviewer_key_id=principal.key_id,
            reviewer_name=principal.name,
        )
    )
    session.flush()
    refresh_unreviewed(session, flag.call_id)
    session.commit()
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
    fired = session.execute(
        select(FlagRow.rule, FlagRow.type, func.count())
        .where(FlagRow.tenant_id == principal.tenant_id)
        .group_by(FlagRow.rule, FlagRow.type)
    ).all()
    # latest verdict per flag, from the audit trail (survives re-scoring)
    latest = (
        select(Review.rule, Review.verdict, Review.flag_id, Review.id)
        .where(Review.tenant_id == principal.tenant_id)
        .subquery()
    )
    newest_ids = select(func.max(latest.c.id)).group_by(latest.c.flag_id)
    judged = session.execute(
        select(latest.c.rule, latest.c.verdict, func.count())
        .where(latest.c.id.in_(newest_ids))
        .group_by(latest.c.rule, latest.c.verdict)
    ).all()
    stats: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"fired": 0, "confirmed": 0, "dismissed": 0, "type": ""}
    )
    for rule, flag_type, count in fired:
        stats[rule]["fired"] += count
        stats[rule]["type"] = flag_type
    for rule, verdict, count in judged:
        stats[rule][verdict] += count
    out = []
    for rule, row in sorted(stats.items()):
        decided = row["confirmed"] + row["dismissed"]
        out.append(
            {
                "rule": rule,
                **row,
                "precision": round(row["confirmed"] / decided, 3) if decided else None,
            }
        )
    return out


@router.get("/agents/{agent_id}/scorecard")
def scorecard(
    agent_id: str,
    created_from: datetime | None = Query(None, alias="from"),
    created_to: datetime | None = Query(None, alias="to"),
    principal: Principal = CAN_READ,
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    """Score trend (per day) and flag rates per call for the agent, against the team."""
    window = [Call.tenant_id == principal.tenant_id, Call.status == "done"]
    if created_from:
        window.append(Call.created_at >= created_from)
    if created_to:
        window.append(Call.created_at < created_to)
    calls = session.execute(
        select(Call.id, Call.created_at, Call.score, Call.agent_id)
        .where(*window)
        .order_by(Call.created_at)
    ).all()
    mine = [c for c in calls if c.agent_id == agent_id]
    if not mine:
        raise HTTPException(404, f"no analysed calls for agent {agent_id!r} in this range")
    flag_counts = session.execute(
        select(Call.agent_id, FlagRow.type, func.count())
        .join(Call, Call.id == FlagRow.call_id)
        .where(*window)
        .group_by(Call.agent_id, FlagRow.type)
    ).all()
    per_type: dict[str, dict[str, float]] = defaultdict(lambda: {"agent": 0.0, "team": 0.0})
    for flag_agent, flag_type, count in flag_counts:
        per_type[flag_type]["team"] += count
        if flag_agent == agent_id:
            per_type[flag_type]["agent"] += count
    for rates in per_type.values():
        rates["agent"] = round(rates["agent"] / len(mine), 3)
        rates["team"] = round(rates["team"] / len(calls), 3)
    trend: dict[str, list[float]] = defaultdict(list)
    for call in mine:
        trend[call.created_at.date().isoformat()].append(call.score)
    return {
        "agent_id": agent_id,
        "calls": len(mine),
        "average_score": round(sum(c.score for c in mine) / len(mine), 1),
        "team_average_score": round(sum(c.score for c in calls) / len(calls), 1),
        "trend": [
            {"date": day, "average_score": round(sum(s) / len(s), 1), "calls": len(s)}
            for day, s in sorted(trend.items())
        ],
        "flag_rates_per_call": dict(sorted(per_type.items())),
        "worst_calls": [
            {"id": c.id, "score": c.score, "created_at": c.created_at.isoformat()}
            for c in sorted(mine, key=lambda c: c.score)[:5]
        ],
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
    """Replace the rules (validated first); re-scores stored calls unless ``rescore=false``."""
    try:
        rules = scoring_config.from_text(text, "submitted config")
    except ValueError as error:
        raise HTTPException(422, str(error)) from error
    _tenant(session, principal).scoring_config = text
    session.commit()
    if rescore:
        get_queue(settings).rescore.send(principal.tenant_id)
    return {"version": rules.version, "rescore_queued": rescore}


@router.delete("/config/scoring")
def reset_scoring_config(
    principal: Principal = CAN_CONFIG,
    session: Session = Depends(get_session),
    settings: Settings = Depends(get_settings),
) -> dict[str, Any]:
    _tenant(session, principal).scoring_config = None
    session.commit()
    get_queue(settings).rescore.send(principal.tenant_id)
    return {"version": scoring_config.load().version, "rescore_queued": True}


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
