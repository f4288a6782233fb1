"""Change a tenant's scoring rules (edit, reset, learn, restore) as numbered versions, and
re-score its stored calls once the change has committed. Functions flush."""

from __future__ import annotations

from sqlalchemy.orm import Session

from scoring import config as scoring_config
from scoring.verdicts import Learned
from service.db.models import ScoringConfigVersion, Tenant, utcnow
from service.db.session import after_commit
from service.errors import Invalid
from service.jobs.queue import enqueue_rescore
from service.rules import repository, versions
from service.settings import Settings


def _rescore_after_commit(session: Session, settings: Settings, tenant_id: str) -> None:
    """Mark the tenant as waiting for a re-score (in this transaction), send it after the
    commit; if the broker is down then, a reaper sends it once it is back."""
    repository.request_rescore(session, tenant_id, utcnow())
    after_commit(session, lambda: enqueue_rescore(settings, tenant_id))


def validated(text: str) -> scoring_config.ScoringConfig:
    """``text`` read as a tenant's rules, or Invalid saying what is wrong with it."""
    try:
        rules = scoring_config.from_text(text, "submitted config")
    except ValueError as error:
        raise Invalid(str(error), code="bad_scoring_config") from error
    if rules.heads_path or rules.embedding_model:
        raise Invalid(
            "[embedding] model and [acts] heads name files on the server: the operator sets "
            "them (callqa --rules), a tenant's rules leave them empty",
            code="bad_scoring_config",
        )
    return rules


def replace(
    session: Session, settings: Settings, tenant: Tenant, text: str, by: str, rescore: bool
) -> tuple[scoring_config.ScoringConfig, ScoringConfigVersion]:
    """Validate ``text`` and make it the tenant's rules."""
    rules = validated(text)
    version = versions.record(session, tenant, text, "edit", "rules file replaced", by)
    if rescore:
        _rescore_after_commit(session, settings, tenant.id)
    return rules, version


def reset(session: Session, settings: Settings, tenant: Tenant, by: str) -> ScoringConfigVersion:
    version = versions.record(session, tenant, None, "reset", "back to the shipped rules", by)
    _rescore_after_commit(session, settings, tenant.id)
    return version


def learn(
    session: Session, settings: Settings, tenant: Tenant, by: str
) -> tuple[Learned, int | None]:
    learned, number = versions.learn(session, tenant, by)
    if number is not None:
        _rescore_after_commit(session, settings, tenant.id)
    return learned, number


def restore(
    session: Session, settings: Settings, tenant: Tenant, number: int, by: str
) -> ScoringConfigVersion:
    version = versions.restore(session, tenant, number, by)
    _rescore_after_commit(session, settings, tenant.id)
    return version
