"""Tenants, keys and secrets, for the CLI (bootstrap) and the admin API. Functions flush;
the caller's unit of work commits."""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.auth import keys, repository
from service.db.models import ApiKey, Tenant, utcnow
from service.errors import Conflict, Invalid, NotFound


def tenant_named(session: Session, name: str, create: bool = True) -> Tenant:
    tenant = repository.tenant_by_name(session, name)
    if tenant is None:
        if not create:
            raise NotFound(f"no tenant named {name!r}", code="unknown_tenant")
        tenant = Tenant(name=name, webhook_secret=keys.new_webhook_secret())
        session.add(tenant)
        session.flush()
    return tenant


def create_key(session: Session, tenant: Tenant, role: str, name: str = "") -> tuple[ApiKey, str]:
    """(the stored key row, the key itself): the only time the key exists outside the
    caller's hands."""
    if role not in keys.ROLES:
        raise Invalid(f"role must be one of {', '.join(keys.ROLES)}, not {role!r}",
                      code="unknown_role")
    key, prefix, digest = keys.generate()
    row = ApiKey(tenant_id=tenant.id, prefix=prefix, key_hash=digest, role=role, name=name)
    session.add(row)
    session.flush()
    return row, key


def revoke_key(session: Session, tenant_id: str, key_id: str, by_key_id: str) -> ApiKey:
    key = repository.tenant_key(session, tenant_id, key_id)
    if key is None:
        raise NotFound(f"no key {key_id!r}", code="unknown_key")
    if key.id == by_key_id:
        raise Conflict("a key cannot revoke itself; use another admin key", code="self_revoke")
    key.revoked_at = key.revoked_at or utcnow()
    session.flush()
    return key


def rotate_webhook_secret(tenant: Tenant, keep_previous: bool = True) -> str:
    """A new secret first; the previous one keeps verifying until the next rotation."""
    new = keys.new_webhook_secret()
    previous = tenant.webhook_secret.split()[:1] if keep_previous else []
    tenant.webhook_secret = " ".join([new, *previous])
    return new
