"""The supervisor's queue: analysed calls that still have unreviewed flags, worst first."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from service.calls.repository import CallFilters
from service.reviews import repository


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


def _call_filters(filters: QueueFilters, with_type: bool) -> CallFilters:
    return CallFilters(
        status="done",
        has_unreviewed=True,
        agent_id=filters.agent_id,
        created_from=filters.created_from,
        created_to=filters.created_to,
        score_min=filters.score_min,
        score_max=filters.score_max,
        unreviewed_flag_type=filters.flag_type if with_type else None,
    )


def calls_to_review(
    session: Session, tenant_id: str, filters: QueueFilters, page: int = 1, per_page: int = 25
) -> QueuePage:
    """One page (1-based) of the queue, lowest score first, newest first among equals."""
    selected = _call_filters(filters, with_type=True)
    total = repository.queue_count(session, tenant_id, selected)
    calls = repository.queue_calls(session, tenant_id, selected, per_page, (page - 1) * per_page)
    per_call: dict[str, dict[str, int]] = {call.id: {} for call in calls}
    for call_id, flag_type, count in repository.unreviewed_per_call(session, list(per_call)):
        per_call[call_id][flag_type] = count
    facets = repository.unreviewed_facets(
        session, tenant_id, _call_filters(filters, with_type=False)
    )
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
