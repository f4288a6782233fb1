"""A tenant's scoring rules over time: every edit, reset, learned adjustment and restore is a
numbered version, so a learned change can always be undone. Functions flush; the request
commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from scoring import config as scoring_config
from scoring import verdicts
from service.db.models import ScoringConfigVersion, Tenant
from service.errors import NotFound
from service.rules import repository


def record(
    session: Session, tenant: Tenant, text: str | None, source: str, summary: str, by: str
) -> ScoringConfigVersion:
    """Make ``text`` (None: the shipped rules) the tenant's rules and keep it as a version."""
    # one change at a time per tenant: the next number is read under the tenant's row lock
    repository.lock_tenant(session, tenant.id)
    if not repository.version_count(session, tenant.id):
        # the rules in force before the first recorded change, so it can be restored too
        session.add(ScoringConfigVersion(tenant_id=tenant.id, number=1,
                                         text=tenant.scoring_config, source="initial",
                                         summary="rules before the first recorded change"))
        session.flush()
    number = repository.latest_number(session, tenant.id) + 1
    version = ScoringConfigVersion(
        tenant_id=tenant.id, number=number, text=text, source=source, summary=summary,
        created_by=by,
    )
    tenant.scoring_config = text
    session.add(version)
    session.flush()
    return version


def listing(session: Session, tenant_id: str) -> list[dict[str, Any]]:
    rows = repository.versions(session, tenant_id)
    latest = None
    out = []
    for row in rows:
        latest = row.number if latest is None else latest
        out.append({
            "number": row.number,
            "source": row.source,
            "summary": row.summary,
            "created_by": row.created_by,
            "created_at": row.created_at,
            "rules_version": _version_of(row.text),
            "current": row.number == latest,
        })
    return out


def _version_of(text: str | None) -> str:
    if text is None:
        return scoring_config.load().version
    try:
        return scoring_config.from_text(text, "stored").version
    except ValueError:
        return "unreadable"


def restore(session: Session, tenant: Tenant, number: int, by: str) -> ScoringConfigVersion:
    """Bring back version ``number`` as a new version; NotFound if there is none."""
    old = repository.version(session, tenant.id, number)
    if old is None:
        raise NotFound(f"no scoring rules version {number}", code="unknown_version")
    return record(session, tenant, old.text, "restore", f"restored version {number}", by)


def tenant_verdicts(session: Session, tenant_id: str) -> list[verdicts.Verdict]:
    """The latest verdict on each currently stored flag of the tenant."""
    return [
        verdicts.Verdict(flag_type, quote, float(confidence), verdict == "confirmed")
        for flag_type, quote, confidence, verdict in repository.judged_flags(session, tenant_id)
    ]


def learn(session: Session, tenant: Tenant, by: str) -> tuple[verdicts.Learned, int | None]:
    """Adjust the tenant's rules from its verdicts; a new version only if something changed."""
    text = tenant.scoring_config or scoring_config.default_text()
    label = f"{scoring_config.from_text(text, 'tenant rules').version.split('+')[0]}+{tenant.name}"
    learned = verdicts.learn(text, tenant_verdicts(session, tenant.id), version=label)
    if not learned.changes:
        return learned, None
    summary = "; ".join(
        f"{c.flag_type} {c.setting} {c.before} -> {c.after} ({c.reason})" for c in learned.changes
    )
    version = record(session, tenant, learned.text, "learned",
                     f"learned from {learned.verdicts} verdicts: {summary}", by)
    return learned, version.number
