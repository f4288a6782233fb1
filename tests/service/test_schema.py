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
