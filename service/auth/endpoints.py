"""Key management for a tenant's admins: list, create (shown once), revoke."""

from __future__ import annotations

from fastapi import APIRouter, Response

from service.auth import repository, service
from service.auth.principal import Admin
from service.auth.schemas import KeyCreated, KeyIn, KeyPublic
from service.db.models import ApiKey
from service.deps import SessionDep

router = APIRouter(prefix="/api/v1/keys", tags=["keys"])


def _public(key: ApiKey) -> KeyPublic:
    return KeyPublic(
        id=key.id, prefix=key.prefix, role=key.role, name=key.name, created_at=key.created_at,
        last_used_at=key.last_used_at, revoked=key.revoked_at is not None,
    )


@router.get("")
def list_keys(principal: Admin, session: SessionDep) -> list[KeyPublic]:
    return [_public(key) for key in repository.tenant_keys(session, principal.tenant_id)]


@router.post("", status_code=201)
def create_key(body: KeyIn, principal: Admin, session: SessionDep) -> KeyCreated:
    """The response is the only place the key ever appears."""
    tenant = repository.tenant(session, principal.tenant_id)
    row, key = service.create_key(session, tenant, body.role, body.name)
    return KeyCreated(id=row.id, key=key, role=row.role, name=row.name)


@router.delete("/{key_id}", status_code=204)
def revoke_key(key_id: str, principal: Admin, session: SessionDep) -> Response:
    service.revoke_key(session, principal.tenant_id, key_id, principal.key_id)
    return Response(status_code=204)
