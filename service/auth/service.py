"""Tenants, keys and secrets, for the CLI (bootstrap) and the admin API."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.auth import keys
from service.db.models import ApiKey, Tenant


def tenant_named(session: Session, name: str, create: bool = True) -> Tenant:
    tenant = session.scalar(select(Tenant).where(Tenant.name == name))
    if tenant is None:
        if not create:
            raise LookupError(f"no tenant named {name!r}")
        tenant = Tenant(name=name, webhook_secret=keys.new_webhook_secret())
        session.add(tenant)
        session.flush()
    return tenant


def create_key(session: Session, tenant: Tenant, role: str, name: str = "") -> str:
    """Returns the key itself: the only time it exists outside the caller's hands."""
    if role not in keys.ROLES:
        raise ValueError(f"role must be one of {', '.join(keys.ROLES)}, not {role!r}")
    key, prefix, digest = keys.generate()
    session.add(ApiKey(tenant_id=tenant.id, prefix=prefix, key_hash=digest, role=role, name=name))
    return key


def rotate_webhook_secret(tenant: Tenant, keep_previous: bool = True) -> str:
    """A new secret first; the previous one keeps verifying until the next rotation."""
    new = keys.new_webhook_secret()
    previous = tenant.webhook_secret.split()[:1] if keep_previous else []
    tenant.webhook_secret = " ".join([new, *previous])
    return new
