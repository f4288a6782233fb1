"""Key management for a tenant's admins: list, create (shown once), revoke."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.auth import service as admin
from service.auth.keys import ROLES
from service.auth.principal import Principal, get_session, require
from service.db.models import ApiKey, Tenant, utcnow

router = APIRouter(prefix="/api/v1/keys")
CAN_ADMIN = Depends(require("admin"))


class KeyIn(BaseModel):
    role: str = Field(pattern="^(" + "|".join(ROLES) + ")$")
    name: str = Field("", max_length=200)


def _public(key: ApiKey) -> dict[str, Any]:
    return {
        "id": key.id,
        "prefix": key.prefix,
        "role": key.role,
        "name": key.name,
        "created_at": key.created_at.isoformat(),
        "last_used_at": key.last_used_at and key.last_used_at.isoformat(),
        "revoked": key.revoked_at is not None,
    }


@router.get("")
def list_keys(principal: Principal = CAN_ADMIN, session: Session = Depends(get_session)):
    keys = session.scalars(
        select(ApiKey).where(ApiKey.tenant_id == principal.tenant_id).order_by(ApiKey.created_at)
    )
    return [_public(key) for key in keys]


@router.post("", status_code=201)
def create_key(
    body: KeyIn, principal: Principal = CAN_ADMIN, session: Session = Depends(get_session)
) -> dict[str, Any]:
    """The response is the only place the key ever appears."""
    key = admin.create_key(session, session.get(Tenant, principal.tenant_id), body.role, body.name)
    session.commit()
    return {"key": key, "role": body.role, "name": body.name}


@router.delete("/{key_id}", status_code=204)
def revoke_key(
    key_id: str, principal: Principal = CAN_ADMIN, session: Session = Depends(get_session)
) -> None:
    key = session.get(ApiKey, key_id)
    if key is None or key.tenant_id != principal.tenant_id:
        raise HTTPException(404, f"no key {key_id!r}")
    if key.id == principal.key_id:
        raise HTTPException(409, "a key cannot revoke itself; use another admin key")
    key.revoked_at = utcnow()
    session.commit()
