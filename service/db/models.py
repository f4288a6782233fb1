"""The service's tables. Times are UTC; ``start``/``end`` columns are seconds into the call."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return uuid.uuid4().hex


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every database (SQLite hands back naive ones otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON}


CALL_STATUSES = ("queued", "processing", "done", "failed")


class Tenant(Base):
    __tablename__ = "tenants"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # Standard Webhooks secrets, space-separated, newest first (older ones during rotation)
    webhook_secret: Mapped[str] = mapped_column(String(500))
    twilio_auth_token: Mapped[str | None] = mapped_column(String(100))
    callback_url: Mapped[str | None] = mapped_column(String(2000))
    scoring_config: Mapped[str | None] = mapped_column(Text)  # TOML; None: shipped default
    # personal data masked before anything of a call is stored: comma-separated kinds
    # (audio.redact.kinds), "" for none; and how the stored audio is masked: silence | tone | off
    redact_kinds: Mapped[str] = mapped_column(Text, default="", server_default="")
    redact_audio: Mapped[str] = mapped_column(String(10), default="silence",
                                              server_default="silence")
    # keep each recording as sent, sealed with this tenant's data key (wrapped by the server's
    # master key), readable by admins only
    keep_original: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    data_key_wrapped: Mapped[str | None] = mapped_column(Text)
    # days a call's audio, and the call itself (transcript, flags, reviews), are kept; None: ever
    retain_audio_days: Mapped[int | None] = mapped_column(Integer)
    retain_call_days: Mapped[int | None] = mapped_column(Integer)
    # a re-score of every stored call was asked for and has not finished (the outbox mark)
    rescore_requested_at: Mapped[datetime | None] = mapped_column()
    # when that re-score's message was handed to the broker (None: not yet)
    rescore_sent_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))  # sha256 hex of the whole key
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()
    last_used_at: Mapped[datetime | None] = mapped_column()


class Call(Base):
    __tablename__ = "calls"
    __table_args__ = (
        UniqueConstraint("tenant_id", "content_hash", name="uq_calls_tenant_hash"),
        Index("ix_calls_tenant_created", "tenant_id", "created_at", "id"),
        Index("ix_calls_tenant_agent", "tenant_id", "agent_id"),
        Index("ix_calls_status_lease", "status", "lease_until"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(20))  # upload | webhook | twilio
    external_id: Mapped[str | None] = mapped_column(String(200))
    agent_id: Mapped[str | None] = mapped_column(String(200))
    agent_channel: Mapped[str] = mapped_column(String(10), default="left")
    language: Mapped[str] = mapped_column(String(10), default="en")
    tags: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"tags": [...], ...metadata}
    original_filename: Mapped[str | None] = mapped_column(String(500))
    audio_key: Mapped[str | None] = mapped_column(String(500))
    # the recording as sent, sealed (service.privacy.sealing), when the tenant keeps originals
    original_key: Mapped[str | None] = mapped_column(String(500))
    audio_bytes: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str | None] = mapped_column(String(100))
    duration_s: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(12), default="queued")
    failure_reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # attempts taken before the current run (a re-analysis starts a run): the cap on worker
    # deaths counts from here, while ``attempts`` itself stays the claim token
    attempts_base: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lease_until: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    # the outbox mark: when the analysis message was handed to the broker (None: not yet)
    enqueued_at: Mapped[datetime | None] = mapped_column()
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    score: Mapped[float | None] = mapped_column(Float)
    rules_version: Mapped[str | None] = mapped_column(String(100))
    model_versions: Mapped[dict[str, Any] | None] = mapped_column()
    unreviewed_flags: Mapped[int] = mapped_column(Integer, default=0)

    result: Mapped[CallResult | None] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, uselist=False
    )


class CallResult(Base):
    """The whole analysis (for re-scoring without re-transcription) and the scored JSON."""

    __tablename__ = "call_results"
    call_id: Mapped[str] = mapped_column(
        ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True
    )
    analysis: Mapped[dict[str, Any]] = mapped_column()  # audio.serialize of CallAnalysis
    report: Mapped[dict[str, Any]] = mapped_column()  # service.calls.report.analysis_json
    agent_speaker: Mapped[str | None] = mapped_column(String(50))  # role override
    # scoring.record.ActRecord of the scoring: act probabilities and offsets, no text
    acts: Mapped[dict[str, Any] | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class FlagRow(Base):
    __tablename__ = "flags"
    __table_args__ = (
        Index("ix_flags_tenant_type", "tenant_id", "type"),
        Index("ix_flags_call", "call_id"),
        Index("ix_flags_tenant_verdict", "tenant_id", "verdict"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(40))
    polarity: Mapped[str] = mapped_column(String(10))
    speaker: Mapped[str] = mapped_column(String(20))
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    quote: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    # signed share of the call's score: lost (negative) or gained; NULL if scored before 0007
    points: Mapped[float | None] = mapped_column(Float, nullable=True)
    rule: Mapped[str] = mapped_column(Text)  # "type/name"; rows scored before 2026.11-2 hold regexes
    explanation: Mapped[str] = mapped_column(Text)
    verdict: Mapped[str | None] = mapped_column(String(12))  # latest review: confirmed|dismissed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Review(Base):
    """Append-only audit of verdicts; the flag keeps the latest one for fast queries.

    Keyed by the flag's rule/type/quote as well as its id, so the audit survives a re-score
    that replaces the flag rows."""

    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_tenant_rule", "tenant_id", "rule"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    flag_id: Mapped[str] = mapped_column(String(32))
    flag_type: Mapped[str] = mapped_column(String(40))
    rule: Mapped[str] = mapped_column(Text)  # "type/name"; rows scored before 2026.11-2 hold regexes
    flag_start: Mapped[float] = mapped_column(Float)
    verdict: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer_key_id: Mapped[str] = mapped_column(String(32))
    reviewer_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ScoringConfigVersion(Base):
    """Every rules file a tenant has had, newest last: edits, resets, learned adjustments and
    restores each add one, so any earlier version can be restored."""

    __tablename__ = "scoring_config_versions"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per tenant
    text: Mapped[str | None] = mapped_column(Text)  # TOML; None: the shipped default
    source: Mapped[str] = mapped_column(String(20))  # edit | reset | learned | restore
    summary: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDelivery(Base):
    """One row per accepted delivery id: a replay finds it and gets the same answer."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("tenant_id", "source", "delivery_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(20))  # standard | twilio
    delivery_id: Mapped[str] = mapped_column(String(200))
    call_id: Mapped[str | None] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """Who read or deleted what, and when: never the content itself. ``call_id`` is kept after
    the call is gone (no foreign key), so an erasure stays on record."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_tenant_at", "tenant_id", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(250))  # "key <name> (<role>)", "retention"
    action: Mapped[str] = mapped_column(String(40))
    call_id: Mapped[str | None] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class CallbackAttempt(Base):
    """Outgoing signed result callbacks to a tenant's URL, for support and retries."""

    __tablename__ = "callback_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2000))
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    delivered: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored, so a
    leaked database cannot be replayed as sessions. Ends at ``expires_at`` or after idling."""

    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_expires", "expires_at"),)
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    api_key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    user_agent: Mapped[str] = mapped_column(String(300), default="")


class MaintenanceRun(Base):
    """Fleet-wide schedule of a maintenance task (orphan sweep, retention purge): one worker
    holds it at a time, and it runs at most once per interval however many workers there are."""

    __tablename__ = "maintenance_runs"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(32))  # a token: only it may finish
    held_until: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
