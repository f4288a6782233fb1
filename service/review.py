"""Supervisor review: verdicts, per-rule precision, agent scorecards, re-scoring."""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from service.db.models import Call, FlagRow, Tenant
from service.db.session import session_scope
from service.results import rescore, tenant_rules
from service.settings import Settings

log = logging.getLogger("callqa.review")


def rescore_tenant(settings: Settings, tenant_id: str) -> int:
    """Re-score every analysed call of the tenant with its current rules; returns the count."""
    with session_scope(settings.sqlalchemy_url) as session:
        tenant = session.get(Tenant, tenant_id)
        rules = tenant_rules(tenant.scoring_config)
        call_ids = list(
            session.scalars(
                select(Call.id).where(Call.tenant_id == tenant_id, Call.status == "done")
            )
        )
    for call_id in call_ids:
        with session_scope(settings.sqlalchemy_url) as session:
            call = session.get(Call, call_id)
            if call is not None and call.status == "done":
                rescore(session, call, rules)
    log.info("re-scored %d calls for tenant %s", len(call_ids), tenant_id)
    return len(call_ids)


def refresh_unreviewed(session, call_id: str) -> None:
    count = session.scalar(
        select(func.count())
        .select_from(FlagRow)
        .where(FlagRow.call_id == call_id, FlagRow.verdict.is_(None))
    )
    call = session.get(Call, call_id)
    call.unreviewed_flags = int(count or 0)
