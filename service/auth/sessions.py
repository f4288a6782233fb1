"""Browser sessions for the review desk: signed in with an API key, held by a cookie.

The cookie carries a random token; the database keeps its SHA-256, the key it was opened
with, and a per-session CSRF token that every state-changing request must echo. Functions
flush; the request commits."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from service.auth import repository
from service.db.models import ApiKey, WebSession, utcnow
from service.db.session import before_commit, unit_of_work
from service.settings import Settings

COOKIE = "callqa_session"
SEEN_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionState:
    """What a cookie resolved to: ``status`` is active | expired | ended (unknown token)."""

    status: str
    key: ApiKey | None = None
    csrf_token: str = ""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(
    session: Session, settings: Settings, key_id: str, tenant_id: str, user_agent: str
) -> str:
    """Store a new session for an API key; returns the cookie token (shown to nobody else)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    repository.delete_expired_sessions(session, now)  # housekeeping
    session.add(
        WebSession(
            token_hash=_digest(token),
            tenant_id=tenant_id,
            api_key_id=key_id,
            csrf_token=secrets.token_urlsafe(24),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_max_hours),
            user_agent=user_agent[:300],
        )
    )
    session.flush()
    return token


def _expired(row: WebSession, settings: Settings, now: datetime) -> bool:
    idle = timedelta(minutes=settings.session_idle_minutes)
    return now >= row.expires_at or now - row.last_seen_at > idle


def resolve(session: Session, settings: Settings, token: str) -> SessionState:
    """The session behind a cookie token. A revoked key ends its sessions at once. Writes
    (the last-seen time, dropping a dead session) wait for the request's commit."""
    row = repository.web_session(session, _digest(token)) if token else None
    if row is None:
        return SessionState("ended")
    now = utcnow()
    key = repository.key(session, row.api_key_id)
    if _expired(row, settings, now) or key is None or key.revoked_at is not None:
        with unit_of_work(settings.sqlalchemy_url) as own:  # the request will refuse: not
            repository.delete_web_session(own, row.token_hash)  # its transaction
        return SessionState("expired")
    if now - row.last_seen_at > SEEN_RESOLUTION:
        before_commit(session, lambda: setattr(row, "last_seen_at", now))
    return SessionState("active", key, row.csrf_token)


def close_session(session: Session, token: str) -> None:
    repository.delete_web_session(session, _digest(token))


def csrf_matches(expected: str, given: str | None) -> bool:
    return bool(expected) and hmac.compare_digest(expected.encode(), (given or "").encode())
