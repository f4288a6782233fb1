"""Alembic environment: the URL comes from the caller (service.db.migrate) or CALLQA_* settings."""

from __future__ import annotations

from alembic import context

from service.db.models import Base
from service.db.session import engine_for, normalise_url

config = context.config


def _url() -> str:
    url = config.attributes.get("database_url")
    if not url:
        from service.settings import get_settings

        url = get_settings().sqlalchemy_url
    return normalise_url(url)


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    with engine_for(_url()).connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # batch mode copies a table and drops the old one: with foreign keys on,
            # that drop would cascade-delete every row that points at it (a tenant's calls)
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=sqlite,
            )
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
        finally:
            if sqlite:  # the connection goes back to the pool the service uses
                connection.rollback()  # after a failure: the pragma is ignored in a transaction
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
