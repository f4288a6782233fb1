"""Every query about a tenant's scoring rules versions and the verdicts they learn from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from service.db.models import FlagRow, ScoringConfigVersion, Tenant


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
