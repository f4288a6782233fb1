"""Every query about calls and their stored results. Calls are always looked up within a
tenant: another tenant's call is as unknown as a missing one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from scoring.config import TONE
from service.db.models import (
    Call,
    CallResult,
    FlagRow,
    Review,
    WebhookDelivery,
    utcnow,
)


@dataclass(frozen=True)
class CallFilters:
    """What a list of calls may be narrowed by; None means any."""

    status: str | None = None
    agent_id: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None  # exclusive
    score_min: float | None = None
    score_max: float | None = None
    flag_type: str | None = None  # has a flag of this type
    unreviewed_flag_type: str | None = None  # has a flag of this type waiting for review
    has_unreviewed: bool | None = None  # has flags waiting for review
    search: str | None = None  # part of the external id or of the file name, any case


def waiting_for_review() -> ColumnElement[bool]:
    """A flag a supervisor still has to judge: it took points off the score (not a good
    practice, not the customer's own raised voice) and nobody has confirmed or dismissed it.
    Flags stored before points were kept count when they are negative."""
    return and_(FlagRow.verdict.is_(None), costs_points())


def costs_points() -> ColumnElement[bool]:
    """A flag that took points off its call's score (or, stored before points were kept, a
    negative one other than the customer's own tone, which is never scored by default)."""
    customer_tone = and_(FlagRow.speaker == "customer", FlagRow.type.in_(TONE))
    return and_(FlagRow.polarity == "negative",
                or_(FlagRow.points < 0, and_(FlagRow.points.is_(None), ~customer_tone)))


def waits_for_review(flag) -> bool:
    """``waiting_for_review`` for one flag already loaded (a row or its public form)."""
    if flag.verdict is not None or flag.polarity != "negative":
        return False
    if flag.points is not None:
        return flag.points < 0
    return not (flag.speaker == "customer" and flag.type in TONE)


def conditions(tenant_id: str, filters: CallFilters) -> list[ColumnElement[bool]]:
    """The WHERE clauses for ``filters`` within one tenant (the one place they are built)."""
    where: list[ColumnElement[bool]] = [Call.tenant_id == tenant_id]
    if filters.status:
        where.append(Call.status == filters.status)
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
    if filters.flag_type:
        where.append(exists().where(FlagRow.call_id == Call.id, FlagRow.type == filters.flag_type))
    if filters.unreviewed_flag_type:
        where.append(
            exists().where(
                FlagRow.call_id == Call.id,
                FlagRow.type == filters.unreviewed_flag_type,
                waiting_for_review(),
            )
        )
    for word in (filters.search or "").split():
        # every word somewhere in the id or the name ("fee dispute" finds
        # lakeside_fee_dispute.ogg); lower() on both sides in SQL, as SQLite folds only ASCII
        pattern = func.lower("%" + re.sub(r"([\\%_])", r"\\\1", word) + "%")
        where.append(or_(func.lower(Call.external_id).like(pattern, escape="\\"),
                         func.lower(Call.original_filename).like(pattern, escape="\\")))
    if filters.has_unreviewed is not None:
        where.append(
            Call.unreviewed_flags > 0 if filters.has_unreviewed else Call.unreviewed_flags == 0
        )
    return where


def tenant_call(session: Session, tenant_id: str, call_id: str) -> Call | None:
    call = session.get(Call, call_id)
    return call if call is not None and call.tenant_id == tenant_id else None


def call(session: Session, call_id: str) -> Call | None:
    return session.get(Call, call_id)


def call_by_hash(session: Session, tenant_id: str, sha256: str) -> Call | None:
    return session.scalar(
        select(Call).where(Call.tenant_id == tenant_id, Call.content_hash == sha256)
    )


def page_of_calls(
    session: Session,
    tenant_id: str,
    filters: CallFilters,
    limit: int,
    after: tuple[datetime, str] | None = None,
) -> list[Call]:
    """Up to ``limit`` calls, newest first, strictly after the (created_at, id) cursor."""
    query = select(Call).where(*conditions(tenant_id, filters))
    if after is not None:
        created, call_id = after
        query = query.where(
            (Call.created_at < created) | ((Call.created_at == created) & (Call.id < call_id))
        )
    return list(
        session.scalars(query.order_by(Call.created_at.desc(), Call.id.desc()).limit(limit))
    )


def agent_ids(session: Session, tenant_id: str) -> list[str]:
    """Every agent id of the tenant's calls, sorted."""
    return list(session.scalars(
        select(Call.agent_id).distinct()
        .where(Call.tenant_id == tenant_id, Call.agent_id.is_not(None))
        .order_by(Call.agent_id)
    ))


def review_progress(session: Session, call_ids: list[str]) -> dict[str, tuple[int, int]]:
    """Per call: (flags that cost points and were judged, flags that cost points)."""
    if not call_ids:
        return {}
    rows = session.execute(
        select(FlagRow.call_id, func.count(FlagRow.verdict), func.count())
        .where(FlagRow.call_id.in_(call_ids), costs_points())
        .group_by(FlagRow.call_id)
    ).all()
    return {call_id: (int(judged), int(total)) for call_id, judged, total in rows}


def result(session: Session, call_id: str) -> CallResult | None:
    return session.get(CallResult, call_id)


def flags_of(session: Session, call_id: str) -> list[FlagRow]:
    return list(
        session.scalars(
            select(FlagRow).where(FlagRow.call_id == call_id).order_by(FlagRow.start, FlagRow.type)
        )
    )


def reviews_of(session: Session, call_id: str) -> list[Review]:
    """The call's verdict audit trail, oldest first."""
    return list(
        session.scalars(select(Review).where(Review.call_id == call_id).order_by(Review.id))
    )


def delete_flags(session: Session, call_id: str) -> None:
    """The call's flag rows, before scoring writes them anew."""
    session.execute(delete(FlagRow).where(FlagRow.call_id == call_id))


def requeue_unless_running(session: Session, call_id: str) -> bool:
    """Mark the call queued again unless a live worker holds it; True if it was. This starts
    a new run: its cap on attempts counts from here."""
    updated = session.execute(
        update(Call)
        .where(Call.id == call_id, (Call.status != "processing") | (Call.lease_until < utcnow()))
        .values(status="queued", queued_at=utcnow(), enqueued_at=None, failure_reason=None,
                attempts_base=Call.attempts)
    )
    return updated.rowcount == 1


def delete_call(session: Session, call_id: str) -> list[str]:
    """The call and, by the database's cascade, every row derived from it; webhook
    deliveries keep their id (so a replay is still answered) but lose the call. Returns the
    storage keys the row held when it went (a worker may have just replaced them)."""
    session.execute(
        update(WebhookDelivery).where(WebhookDelivery.call_id == call_id).values(call_id=None)
    )
    gone = session.execute(delete(Call).where(Call.id == call_id).returning(
        Call.audio_key, Call.original_key)).first()
    return [key for key in (gone or ()) if key]


def done_call_ids(session: Session, tenant_id: str) -> list[str]:
    return list(
        session.scalars(select(Call.id).where(Call.tenant_id == tenant_id, Call.status == "done"))
    )


def referenced_audio_keys(session: Session, keys: list[str], batch: int = 500) -> set[str]:
    """Those of ``keys`` that a call still points at."""
    found: set[str] = set()
    for start in range(0, len(keys), batch):
        chunk = keys[start : start + batch]
        found |= set(session.scalars(select(Call.audio_key).where(Call.audio_key.in_(chunk))))
        found |= set(session.scalars(select(Call.original_key).where(
            Call.original_key.in_(chunk))))
    return found

