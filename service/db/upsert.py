"""INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL alike: the way to take a row
that a concurrent request may take first, without a savepoint (Python's sqlite3 driver
begins no transaction before SAVEPOINT, so RELEASE would commit everything before it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_unless_taken(session: Session, model: type, unique: list[str], **values: Any) -> bool:
    """Insert one row; False (and nothing written) when ``unique`` columns already hold it."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    key = next(iter(model.__table__.primary_key.columns))
    statement = (
        insert(model).values(**values).on_conflict_do_nothing(index_elements=unique).returning(key)
    )
    # RETURNING, not rowcount: psycopg reports -1 for this statement
    return session.execute(statement).first() is not None
