"""Every query of the privacy domain: audit events, calls by who they were about, calls past
their tenant's retention."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.models import AuditEvent, Call, Tenant


def add_event(session: Session, event: AuditEvent) -> None:
    session.add(event)


def recently_recorded(session: Session, tenant_id: str, actor: str, action: str,
                      call_id: str | None, since: datetime) -> bool:
    return session.scalar(select(AuditEvent.id).where(
        AuditEvent.tenant_id == tenant_id, AuditEvent.actor == actor,
        AuditEvent.action == action, AuditEvent.call_id == call_id,
        AuditEvent.at >= since).limit(1)) is not None


def events(session: Session, tenant_id: str, *, call_id: str | None, action: str | None,
           before_id: int | None, limit: int) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.tenant_id == tenant_id)
    if call_id:
        query = query.where(AuditEvent.call_id == call_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if before_id:
        query = query.where(AuditEvent.id < before_id)
    return list(session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))


def calls_about(session: Session, tenant_id: str, *, agent_id: str | None,
                external_id: str | None) -> list[Call]:
    query = select(Call).where(Call.tenant_id == tenant_id)
    if agent_id is not None:
        query = query.where(Call.agent_id == agent_id)
    if external_id is not None:
        query = query.where(Call.external_id == external_id)
    return list(session.scalars(query.order_by(Call.created_at)))


def tenants_with_retention(session: Session) -> list[Tenant]:
    return list(session.scalars(select(Tenant).where(
        (Tenant.retain_audio_days.is_not(None)) | (Tenant.retain_call_days.is_not(None)))))


def calls_created_before(session: Session, tenant_id: str, cutoff: datetime, *,
                         with_audio: bool, limit: int) -> list[Call]:
    """The tenant's oldest ``limit`` finished calls created before ``cutoff`` (with audio
    still stored, if ``with_audio``)."""
    query = select(Call).where(Call.tenant_id == tenant_id, Call.created_at < cutoff,
                               Call.status.in_(("done", "failed")))
    if with_audio:
        query = query.where(Call.audio_key.is_not(None))
    return list(session.scalars(query.order_by(Call.created_at).limit(limit)))


def tenants_with_data_keys(session: Session) -> list[Tenant]:
    return list(session.scalars(select(Tenant).where(Tenant.data_key_wrapped.is_not(None))
                                .with_for_update()))
