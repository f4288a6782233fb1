"""Every query behind reviews: flags and verdicts, the queue, rule statistics, scorecards."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, case, func, select
from sqlalchemy.orm import Session

from service.calls.repository import CallFilters, conditions, waiting_for_review
from service.db.models import Call, FlagRow, Review


def tenant_flag(session: Session, tenant_id: str, flag_id: str) -> FlagRow | None:
    flag = session.get(FlagRow, flag_id)
    return flag if flag is not None and flag.tenant_id == tenant_id else None


def flag_page(
    session: Session,
    tenant_id: str,
    *,
    flag_type: str | None,
    verdict: str | None,
    agent_id: str | None,
    polarity: str | None,
    min_confidence: float,
    limit: int,
    offset: int,
) -> Sequence[Row[Any]]:
    """(flag, agent id, call score) rows, lowest call score first, then by time."""
    query = (
        select(FlagRow, Call.agent_id, Call.score)
        .join(Call, Call.id == FlagRow.call_id)
        .where(FlagRow.tenant_id == tenant_id, FlagRow.confidence >= min_confidence)
    )
    if flag_type:
        query = query.where(FlagRow.type == flag_type)
    if verdict == "unreviewed":
        query = query.where(FlagRow.verdict.is_(None))
    elif verdict:
        query = query.where(FlagRow.verdict == verdict)
    if agent_id:
        query = query.where(Call.agent_id == agent_id)
    if polarity:
        query = query.where(FlagRow.polarity == polarity)
    return session.execute(
        query.order_by(Call.score.asc(), FlagRow.call_id, FlagRow.start).limit(limit).offset(offset)
    ).all()


def unreviewed_by_type(session: Session, tenant_id: str) -> dict[str, int]:
    return dict(
        session.execute(
            select(FlagRow.type, func.count())
            .where(FlagRow.tenant_id == tenant_id, FlagRow.verdict.is_(None))
            .group_by(FlagRow.type)
        ).all()
    )


def flag_reviews(session: Session, tenant_id: str, flag_id: str) -> list[Review]:
    return list(
        session.scalars(
            select(Review)
            .where(Review.flag_id == flag_id, Review.tenant_id == tenant_id)
            .order_by(Review.id)
        )
    )


def count_unreviewed(session: Session, call_id: str) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(FlagRow)
            .where(FlagRow.call_id == call_id, waiting_for_review())
        )
        or 0
    )


def fired_per_rule(session: Session, tenant_id: str) -> Sequence[Row[Any]]:
    """(rule, flag type, count) for the flags stored now."""
    return session.execute(
        select(FlagRow.rule, FlagRow.type, func.count())
        .where(FlagRow.tenant_id == tenant_id)
        .group_by(FlagRow.rule, FlagRow.type)
    ).all()


def latest_verdicts_per_rule(session: Session, tenant_id: str) -> Sequence[Row[Any]]:
    """(rule, verdict, count) over each flag's newest verdict in the audit trail (which
    survives re-scoring)."""
    latest = (
        select(Review.rule, Review.verdict, Review.flag_id, Review.id)
        .where(Review.tenant_id == tenant_id)
        .subquery()
    )
    newest_ids = select(func.max(latest.c.id)).group_by(latest.c.flag_id)
    return session.execute(
        select(latest.c.rule, latest.c.verdict, func.count())
        .where(latest.c.id.in_(newest_ids))
        .group_by(latest.c.rule, latest.c.verdict)
    ).all()


def scored_calls(session: Session, tenant_id: str, filters: CallFilters) -> Sequence[Row[Any]]:
    """(id, created_at, score, agent_id, external_id, original_filename, kept_points,
    dismissed_points, unknown_points) of analysed calls, oldest first: the sums of the points
    of the flags no reviewer dismissed and of those dismissed, and how many flags were
    stored without points (before migration 0007)."""
    dismissed = FlagRow.verdict == "dismissed"
    sums = (
        select(
            FlagRow.call_id,
            func.sum(case((dismissed, 0.0), else_=FlagRow.points)).label("kept"),
            func.sum(case((dismissed, FlagRow.points), else_=0.0)).label("dismissed"),
            func.sum(case((FlagRow.points.is_(None), 1), else_=0)).label("unknown"),
        )
        .where(FlagRow.tenant_id == tenant_id)
        .group_by(FlagRow.call_id)
        .subquery()
    )
    return session.execute(
        select(Call.id, Call.created_at, Call.score, Call.agent_id, Call.external_id,
               Call.original_filename,
               func.coalesce(sums.c.kept, 0.0).label("kept_points"),
               func.coalesce(sums.c.dismissed, 0.0).label("dismissed_points"),
               func.coalesce(sums.c.unknown, 0).label("unknown_points"))
        .outerjoin(sums, sums.c.call_id == Call.id)
        .where(*conditions(tenant_id, filters))
        .order_by(Call.created_at)
    ).all()


def flag_counts_per_call(
    session: Session, tenant_id: str, filters: CallFilters
) -> Sequence[Row[Any]]:
    """(call id, speaker, flag type, polarity, count) of the flags no reviewer dismissed, over
    the calls ``filters`` select."""
    return session.execute(
        select(FlagRow.call_id, FlagRow.speaker, FlagRow.type, FlagRow.polarity, func.count())
        .join(Call, Call.id == FlagRow.call_id)
        .where(*conditions(tenant_id, filters),
               (FlagRow.verdict != "dismissed") | FlagRow.verdict.is_(None))
        .group_by(FlagRow.call_id, FlagRow.speaker, FlagRow.type, FlagRow.polarity)
    ).all()


def unreviewed_per_agent(session: Session, tenant_id: str) -> Sequence[Row[Any]]:
    """(agent id, unreviewed flags) over the agent's analysed calls."""
    return session.execute(
        select(Call.agent_id, func.sum(Call.unreviewed_flags))
        .where(Call.tenant_id == tenant_id, Call.status == "done", Call.agent_id.is_not(None))
        .group_by(Call.agent_id)
    ).all()


def queue_count(session: Session, tenant_id: str, filters: CallFilters) -> int:
    return session.scalar(
        select(func.count()).select_from(Call).where(*conditions(tenant_id, filters))
    ) or 0


def queue_calls(
    session: Session, tenant_id: str, filters: CallFilters, limit: int, offset: int
) -> list[Call]:
    """Lowest score first, newest first among equals."""
    return list(
        session.scalars(
            select(Call)
            .where(*conditions(tenant_id, filters))
            .order_by(Call.score.asc(), Call.created_at.desc(), Call.id)
            .limit(limit)
            .offset(offset)
        )
    )


def unreviewed_per_call(session: Session, call_ids: Sequence[str]) -> Sequence[Row[Any]]:
    """(call id, flag type, count) of flags waiting for review."""
    if not call_ids:
        return []
    return session.execute(
        select(FlagRow.call_id, FlagRow.type, func.count())
        .where(FlagRow.call_id.in_(call_ids), waiting_for_review())
        .group_by(FlagRow.call_id, FlagRow.type)
    ).all()


def unreviewed_facets(session: Session, tenant_id: str, filters: CallFilters) -> Sequence[Row[Any]]:
    """(flag type, count) of flags waiting for review over the calls ``filters`` select,
    most first."""
    calls = select(Call.id).where(*conditions(tenant_id, filters))
    return session.execute(
        select(FlagRow.type, func.count())
        .where(FlagRow.call_id.in_(calls), waiting_for_review())
        .group_by(FlagRow.type)
        .order_by(func.count().desc(), FlagRow.type)
    ).all()
