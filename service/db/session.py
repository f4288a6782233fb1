"""Engine and sessions. SQLite runs in WAL mode with foreign keys on; PostgreSQL via psycopg."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("callqa.db")


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (SQLAlchemy would pick psycopg2)."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


@cache
def engine_for(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


@cache
def session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(engine_for(url), expire_on_commit=False)


BEFORE_COMMIT = "callqa.before_commit"
AFTER_COMMIT = "callqa.after_commit"
ON_ROLLBACK = "callqa.on_rollback"


def before_commit(session: Session, action: Callable[[], None]) -> None:
    """Run ``action`` just before this unit of work commits: bookkeeping writes (a key's
    last use) that should not take SQLite's write lock for the whole request."""
    session.info.setdefault(BEFORE_COMMIT, []).append(action)


def after_commit(session: Session, action: Callable[[], None]) -> None:
    """Run ``action`` once this unit of work has committed (enqueue a job, delete a file the
    committed change no longer points at); dropped if it rolls back."""
    session.info.setdefault(AFTER_COMMIT, []).append(action)


def on_rollback(session: Session, action: Callable[[], None]) -> None:
    """Run ``action`` if this unit of work rolls back (remove a file stored for a row that
    will not exist)."""
    session.info.setdefault(ON_ROLLBACK, []).append(action)


@contextmanager
def unit_of_work(url: str) -> Iterator[Session]:
    """The one place that commits: a request or a job opens one, services and repositories
    only flush. Commits on success, rolls back on error, then runs the matching actions."""
    session = session_factory(url)()
    try:
        yield session
        for action in session.info.pop(BEFORE_COMMIT, []):
            action()
        session.commit()
    except BaseException:
        session.rollback()
        for action in session.info.pop(ON_ROLLBACK, []):
            try:
                action()
            except Exception:  # the original error is the one to report
                log.exception("an action after a rollback failed")
        raise
    finally:
        session.close()
    for action in session.info.pop(AFTER_COMMIT, []):
        try:
            action()
        except Exception:  # the change is committed; what follows is retried by sweeps
            log.exception("an action after a commit failed")
