"""The supervisor's queue: analysed calls that still have unreviewed flags, worst first."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from service.db.models import Call, FlagRow


@dataclass(frozen=True)
class QueueFilters:
    flag_type: str | None = None
    agent_id: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    score_min: float | None = None
    score_max: float | None = None


@dataclass(frozen=True)
class QueueRow:
    call_id: str
    score: float
    agent_id: str | None
    external_id: str | None
    original_filename: str | None
    created_at: datetime
    duration_s: float | None
    unreviewed_by_type: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class QueuePage:
    rows: tuple[QueueRow, ...]
    total: int
    pages: int
    # unreviewed flags per type over the calls matching every filter except the type, so
    # the counts say what picking a type would show
    unreviewed_by_type: tuple[tuple[str, int], ...]


def _conditions(tenant_id: str, filters: QueueFilters, with_type: bool) -> list:
    where = [Call.tenant_id == tenant_id, Call.status == "done", Call.unreviewed_flags > 0]
    if filters.agent_id:
        where.append(Call.agent_id == filters.agent_id)
    if filters.created_from:
        where.append(Call.created_at >= filters.created_from)
    if filters.created_to:
        where.append(Call.created_at < filters.created_to)
    if filters.score_min is not None:
        where.append(Call.score >= filters.score_min)
    if filters.score_max is not None:
        where.append(Call.score <= filters.score_max)
    if with_type and filters.flag_type:
        where.append(
            exists().where(
                FlagRow.call_id == Call.id,
                FlagRow.type == filters.flag_type,
                FlagRow.verdict.is_(None),
            )
        )
    return where


def calls_to_review(
    session: Session, tenant_id: str, filters: QueueFilters, page: int = 1, per_page: int = 25
) -> QueuePage:
    """One page (1-based) of the queue, lowest score first, newest first among equals."""
    where = _conditions(tenant_id, filters, with_type=True)
    total = session.scalar(select(func.count()).select_from(Call).where(*where)) or 0
    calls = list(
        session.scalars(
            select(Call)
            .where(*where)
            .order_by(Call.score.asc(), Call.created_at.desc(), Call.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    per_call: dict[str, dict[str, int]] = {call.id: {} for call in calls}
    if calls:
        for call_id, flag_type, count in session.execute(
            select(FlagRow.call_id, FlagRow.type, func.count())
            .where(FlagRow.call_id.in_(per_call), FlagRow.verdict.is_(None))
            .group_by(FlagRow.call_id, FlagRow.type)
        ):
            per_call[call_id][flag_type] = count
    facet_calls = select(Call.id).where(*_conditions(tenant_id, filters, with_type=False))
    facets = session.execute(
        select(FlagRow.type, func.count())
        .where(FlagRow.call_id.in_(facet_calls), FlagRow.verdict.is_(None))
        .group_by(FlagRow.type)
        .order_by(func.count().desc(), FlagRow.type)
    ).all()
    return QueuePage(
        rows=tuple(
            QueueRow(
                call_id=call.id,
                score=call.score,
                agent_id=call.agent_id,
                external_id=call.external_id,
                original_filename=call.original_filename,
                created_at=call.created_at,
                duration_s=call.duration_s,
                unreviewed_by_type=tuple(sorted(per_call[call.id].items())),
            )
            for call in calls
        ),
        total=total,
        pages=max(1, math.ceil(total / per_page)),
        unreviewed_by_type=tuple((t, c) for t, c in facets),
    )
