"""Every query about a tenant's scoring rules versions and the verdicts they learn from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, or_, select, update
from sqlalchemy.orm import Session

from service.db.models import Call, FlagRow, ScoringConfigVersion, Tenant, utcnow


def lock_tenant(session: Session, tenant_id: str) -> None:
    """Serialise rules changes per tenant (a row lock on PostgreSQL; SQLite has one writer)."""
    session.execute(select(Tenant.id).where(Tenant.id == tenant_id).with_for_update())


def version_count(session: Session, tenant_id: str) -> int:
    return session.scalar(
        select(func.count()).where(ScoringConfigVersion.tenant_id == tenant_id)
    ) or 0


def latest_number(session: Session, tenant_id: str) -> int:
    return session.scalar(
        select(func.max(ScoringConfigVersion.number)).where(
            ScoringConfigVersion.tenant_id == tenant_id
        )
    ) or 0


def versions(session: Session, tenant_id: str) -> list[ScoringConfigVersion]:
    """Newest first."""
    return list(
        session.scalars(
            select(ScoringConfigVersion)
            .where(ScoringConfigVersion.tenant_id == tenant_id)
            .order_by(ScoringConfigVersion.number.desc())
        )
    )


def version(session: Session, tenant_id: str, number: int) -> ScoringConfigVersion | None:
    return session.scalar(
        select(ScoringConfigVersion).where(
            ScoringConfigVersion.tenant_id == tenant_id, ScoringConfigVersion.number == number
        )
    )


def judged_flags(session: Session, tenant_id: str) -> Sequence[Row[Any]]:
    """(type, quote, confidence, verdict) of every stored flag with a verdict."""
    return session.execute(
        select(FlagRow.type, FlagRow.quote, FlagRow.confidence, FlagRow.verdict).where(
            FlagRow.tenant_id == tenant_id, FlagRow.verdict.is_not(None)
        )
    ).all()


def request_rescore(session: Session, tenant_id: str, at: datetime) -> None:
    session.execute(update(Tenant).where(Tenant.id == tenant_id)
                    .values(rescore_requested_at=at, rescore_sent_at=None))


def mark_rescore_sent(session: Session, tenant_id: str) -> None:
    """The outbox mark: the re-score asked for has been handed to the broker."""
    session.execute(update(Tenant).where(Tenant.id == tenant_id,
                                         Tenant.rescore_requested_at.is_not(None))
                    .values(rescore_sent_at=utcnow()))


def rescore_done(session: Session, tenant_id: str, requested_at: datetime | None) -> None:
    """Clear the mark, unless a newer request came in while this re-score ran."""
    if requested_at is None:
        return
    session.execute(
        update(Tenant)
        .where(Tenant.id == tenant_id, Tenant.rescore_requested_at == requested_at)
        .values(rescore_requested_at=None, rescore_sent_at=None)
    )


def tenants_awaiting_rescore(
    session: Session, unsent_before: datetime, resend_before: datetime
) -> list[str]:
    """Tenants whose re-score needs a message: asked for but never handed to the broker (it
    was down), or handed over so long ago, unfinished, that the message must be lost."""
    return list(
        session.scalars(
            select(Tenant.id).where(
                Tenant.rescore_requested_at.is_not(None),
                or_(
                    Tenant.rescore_sent_at.is_(None)
                    & (Tenant.rescore_requested_at < unsent_before),
                    Tenant.rescore_sent_at < resend_before,
                ),
            ).limit(1000)
        )
    )


def latest_scored_calls(session: Session, tenant_id: str, limit: int) -> list[Call]:
    """The tenant's ``limit`` newest analysed calls."""
    return list(session.scalars(
        select(Call)
        .where(Call.tenant_id == tenant_id, Call.status == "done", Call.score.is_not(None))
        .order_by(Call.created_at.desc(), Call.id.desc())
        .limit(limit)
    ))
