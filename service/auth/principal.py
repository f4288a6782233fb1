"""Who is calling: an API key (``Authorization: Bearer``) or the desk's session cookie, and
what its role may do. ``PrincipalDep`` for any caller, ``can(permission)`` for a guard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from service.auth import keys, repository
from service.auth import sessions as web_sessions
from service.db.models import ApiKey, utcnow
from service.db.session import before_commit
from service.deps import SessionDep, SettingsDep
from service.errors import Forbidden, Unauthorized
from service.settings import Settings
from service.validation import nul_free

LAST_USED_RESOLUTION = timedelta(minutes=1)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Declares the scheme in the OpenAPI document (the Authorize button of /docs); the header is
# read below, so a missing or malformed one gets our own error body.
BEARER = HTTPBearer(
    scheme_name="ApiKey", bearerFormat="cqa_...", auto_error=False,
    description="an API key from `callqa keys create` (or POST /api/v1/keys by an admin)",
)


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


def principal_for_key(session: Session, key: str) -> Principal | None:
    """The key's principal, or None for an unknown, revoked or mistyped key."""
    prefix = keys.prefix_of(key) if nul_free(key) else None
    if prefix is None:
        return None
    row = repository.key_by_prefix(session, prefix)
    if row is None or row.revoked_at is not None or not keys.matches(key, row.key_hash):
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        # a write per minute per key, not one per request, and only at the commit
        before_commit(session, lambda: setattr(row, "last_used_at", now))
    return Principal.of(row)


def get_principal(
    request: Request, session: SessionDep, settings: SettingsDep,
    _declared: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
) -> Principal:
    """The caller, from ``Authorization: Bearer KEY`` or from the review desk's session
    cookie; a cookie-authenticated change must also send the session's ``X-CSRF-Token``."""
    header = request.headers.get("authorization", "")
    if not header and request.cookies.get(web_sessions.COOKIE):
        return _principal_from_cookie(request, session, settings)
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise Unauthorized("send an API key as 'Authorization: Bearer KEY'", code="no_key")
    principal = principal_for_key(session, key.strip())
    if principal is None:
        raise Unauthorized(
            "the API key is not valid (unknown, revoked or mistyped)", code="bad_key"
        )
    return principal


def _principal_from_cookie(request: Request, session: Session, settings: Settings) -> Principal:
    state = web_sessions.resolve(session, settings, request.cookies[web_sessions.COOKIE])
    if state.key is None:
        raise Unauthorized(
            f"your session has {state.status}; sign in again at /signin", code="session_ended"
        )
    if request.method in UNSAFE_METHODS and not web_sessions.csrf_matches(
        state.csrf_token, request.headers.get("x-csrf-token")
    ):
        raise Forbidden(
            "missing or wrong X-CSRF-Token for this session; reload the page", code="bad_csrf"
        )
    return Principal.of(state.key)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(permission: str):
    """A dependency that passes the caller on only if its role may ``permission``."""

    def check(principal: PrincipalDep) -> Principal:
        if not principal.can(permission):
            raise Forbidden(
                f"the {principal.role!r} role may not {permission}; ask an admin for a "
                f"key with a role that may",
                code="role_may_not",
            )
        return principal

    return check


Uploader = Annotated[Principal, Depends(require("upload"))]
Reader = Annotated[Principal, Depends(require("read"))]
Reviewer = Annotated[Principal, Depends(require("review"))]
Configurer = Annotated[Principal, Depends(require("config"))]
Admin = Annotated[Principal, Depends(require("admin"))]
