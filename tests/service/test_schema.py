"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from service.db import migrate
from service.db.models import Base
from service.db.session import engine_for


def test_migrations_match_models(settings):
    migrate.upgrade(settings.sqlalchemy_url)
    with engine_for(settings.sqlalchemy_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        drift = compare_metadata(context, Base.metadata)
    assert drift == [], f"models and migrations disagree: {drift}"


def test_upgrade_is_idempotent_and_sqlite_uses_wal(settings):
    migrate.upgrade(settings.sqlalchemy_url)
    migrate.upgrade(settings.sqlalchemy_url)
    engine = engine_for(settings.sqlalchemy_url)
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_0007_recounts_what_waits_for_review(tmp_path):
    """Calls stored before 0007 counted every unjudged flag; after it, only those waiting for
    review: negative, not the customer's own tone (SQLite file; the rule is plain SQL)."""
    from sqlalchemy import create_engine, text

    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade(url, "0006")
    now = "2026-12-01 10:00:00"
    with create_engine(url).begin() as connection:
        connection.execute(text(
            "INSERT INTO tenants (id, name, webhook_secret, created_at) "
            "VALUES ('t', 'acme', 's', :now)"), {"now": now})
        connection.execute(text(
            "INSERT INTO calls (id, tenant_id, source, agent_channel, language, tags, "
            "audio_bytes, content_hash, status, attempts, created_at, unreviewed_flags) "
            "VALUES ('c', 't', 'upload', 'left', 'en', '{}', 1, 'h', 'done', 1, :now, 4)"),
            {"now": now})
        for number, (kind, polarity, speaker, verdict) in enumerate((
                ("system_blame", "negative", "agent", None),
                ("ownership", "positive", "agent", None),
                ("raised_volume", "negative", "customer", None),
                ("scripted_empathy", "negative", "agent", "dismissed"),
                ("escalation", "negative", "customer", None))):
            connection.execute(text(
                "INSERT INTO flags (id, call_id, tenant_id, type, polarity, speaker, start, "
                '"end", quote, confidence, rule, explanation, verdict, created_at) VALUES '
                "(:id, 'c', 't', :kind, :polarity, :speaker, 1, 2, '', 0.9, 'r', '', "
                ":verdict, :now)"), {"id": f"f{number}", "kind": kind, "polarity": polarity,
                                     "speaker": speaker, "verdict": verdict, "now": now})
    migrate.upgrade(url)
    with create_engine(url).connect() as connection:
        assert connection.execute(text("SELECT unreviewed_flags FROM calls")).scalar() == 2
        # every later migration keeps every row: a table copied by SQLite's batch mode once
        # cascade-deleted the calls of the tenants table it replaced
        assert connection.execute(text("SELECT count(*) FROM flags")).scalar() == 5
