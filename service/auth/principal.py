"""Request dependencies: settings, a database session, and the caller's key and tenant."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Depends, HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.auth import keys
from service.auth import sessions as web_sessions
from service.db.models import ApiKey, utcnow
from service.db.session import session_factory
from service.settings import Settings

LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class Principal:
    key_id: str
    tenant_id: str
    role: str
    name: str

    def can(self, permission: str) -> bool:
        return permission in keys.PERMISSIONS[self.role]

    @classmethod
    def of(cls, key: ApiKey) -> Principal:
        return cls(key.id, key.tenant_id, key.role, key.name)


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(settings: Settings = Depends(get_settings)) -> Iterator[Session]:
    session = session_factory(settings.sqlalchemy_url)()
    try:
        yield session
    finally:
        session.close()


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


def principal_for_key(session: Session, key: str) -> Principal | None:
    prefix = keys.prefix_of(key)
    if prefix is None:
        return None
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if row is None or row.revoked_at is not None or not keys.matches(key, row.key_hash):
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        row.last_used_at = now  # a write per minute per key, not one per request
        session.commit()
    return Principal.of(row)


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def get_principal(
    request: Request,
    session: Session = Depends(get_session),
    settings: Settings = Depends(get_settings),
) -> Principal:
    """The caller, from ``Authorization: Bearer KEY`` or from the review desk's session
    cookie; a cookie-authenticated change must also send the session's ``X-CSRF-Token``."""
    header = request.headers.get("authorization", "")
    if not header and request.cookies.get(web_sessions.COOKIE):
        return _principal_from_cookie(request, session, settings)
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise _unauthorized("send an API key as 'Authorization: Bearer KEY'")
    principal = principal_for_key(session, key.strip())
    if principal is None:
        raise _unauthorized("the API key is not valid (unknown, revoked or mistyped)")
    return principal


def _principal_from_cookie(request: Request, session: Session, settings: Settings) -> Principal:
    state = web_sessions.resolve(session, settings, request.cookies[web_sessions.COOKIE])
    if state.key is None:
        raise HTTPException(
            401, f"your session has {state.status}; sign in again at /signin"
        )
    if request.method in UNSAFE_METHODS and not web_sessions.csrf_matches(
        state.csrf_token, request.headers.get("x-csrf-token")
    ):
        raise HTTPException(403, "missing or wrong X-CSRF-Token for this session; reload the page")
    return Principal.of(state.key)


def require(permission: str):
    def check(principal: Principal = Depends(get_principal)) -> Principal:
        if not principal.can(permission):
            raise HTTPException(
                403,
                f"the {principal.role!r} role may not {permission}; ask an admin for a "
                f"key with a role that may",
            )
        return principal

    return check


CAN_UPLOAD = Depends(require("upload"))
CAN_READ = Depends(require("read"))
CAN_REVIEW = Depends(require("review"))
CAN_CONFIG = Depends(require("config"))
