"""Every query that moves a call through the job states: queued → processing (claimed under
a lease, renewed while it runs) → done | failed, or back to queued."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from service.db.models import Call, MaintenanceRun, new_id, utcnow
from service.db.upsert import insert_unless_taken


def still_ours(call_id: str, attempt: int) -> ColumnElement[bool]:
    return (Call.id == call_id) & (Call.status == "processing") & (Call.attempts == attempt)


def claim(
    session: Session, call_id: str, lease_s: float, now: datetime, max_attempts: int
) -> tuple[int, int] | None:
    """Mark the call processing for this worker (queued, or processing with a lapsed lease
    and attempts left in this run); (the attempt number, which is the claim token; the
    attempts taken before this run), or None if it is not ours to take."""
    taken = session.execute(
        update(Call)
        .where(
            Call.id == call_id,
            or_(
                Call.status == "queued",
                (Call.status == "processing")
                & (Call.lease_until < now)
                & (Call.attempts - Call.attempts_base < max_attempts),
            ),
        )
        .values(
            status="processing",
            attempts=Call.attempts + 1,
            started_at=now,
            lease_until=now + timedelta(seconds=lease_s),
            failure_reason=None,
        )
        .returning(Call.attempts, Call.attempts_base)
    ).first()
    return None if taken is None else (taken[0], taken[1])


def renew_lease(session: Session, call_id: str, attempt: int, lease_s: float) -> None:
    session.execute(
        update(Call)
        .where(still_ours(call_id, attempt))
        .values(lease_until=utcnow() + timedelta(seconds=lease_s))
    )


def mark_failed(session: Session, call_id: str, reason: str, attempt: int | None) -> None:
    condition = Call.id == call_id if attempt is None else still_ours(call_id, attempt)
    session.execute(
        update(Call)
        .where(condition)
        .values(status="failed", failure_reason=reason, finished_at=utcnow(), lease_until=None)
    )


def mark_queued(session: Session, call_id: str, attempt: int, reason: str) -> None:
    session.execute(
        update(Call)
        .where(still_ours(call_id, attempt))
        .values(
            status="queued",
            lease_until=None,
            queued_at=utcnow(),
            enqueued_at=utcnow(),  # the broker retries the same message
            failure_reason=f"retrying after: {reason}",
        )
    )


def held_call(session: Session, call_id: str, attempt: int) -> Call | None:
    """The call, locked, if this attempt still holds it."""
    return session.scalar(select(Call).where(still_ours(call_id, attempt)).with_for_update())


def fail_abandoned(
    session: Session, max_attempts: int, call_id: str | None = None
) -> list[str]:
    """Fail calls whose worker died (lease lapsed) on their last allowed attempt: a call that
    kills its worker is not retried forever. Returns their ids."""
    where = (
        (Call.status == "processing")
        & (Call.lease_until < utcnow())
        & (Call.attempts - Call.attempts_base >= max_attempts)
    )
    if call_id is not None:
        where = where & (Call.id == call_id)
    result = session.execute(
        update(Call)
        .where(where)
        .values(
            status="failed",
            failure_reason=(
                "the worker died while analysing this call on every attempt (killed or out "
                "of memory); it is not retried again. Check the recording, then re-analyse."
            ),
            finished_at=utcnow(),
            lease_until=None,
        )
        .returning(Call.id)
    )
    return list(result.scalars())


def mark_enqueued(session: Session, call_id: str) -> None:
    session.execute(update(Call).where(Call.id == call_id).values(enqueued_at=utcnow()))


def calls_to_send(
    session: Session, unsent_before: datetime, resend_before: datetime, limit: int = 1000
) -> list[str]:
    """Calls that need an analysis message: a lapsed lease (the worker died), queued but
    never handed to the broker (committed while it was down), or handed over so long ago
    that the message must be lost."""
    now = utcnow()
    return list(
        session.scalars(
            select(Call.id)
            .where(
                or_(
                    (Call.status == "processing") & (Call.lease_until < now),
                    (Call.status == "queued")
                    & Call.enqueued_at.is_(None)
                    & (Call.queued_at < unsent_before),
                    (Call.status == "queued") & (Call.enqueued_at < resend_before),
                )
            )
            .order_by(Call.queued_at)
            .limit(limit)
        )
    )


def take_maintenance(session: Session, name: str, every_s: float, hold_s: float) -> str | None:
    """Hold the fleet-wide task ``name`` for ``hold_s`` if nobody holds it and it last
    finished over ``every_s`` ago; the holder's token if this caller now runs it, else None."""
    now, token = utcnow(), new_id()
    insert_unless_taken(session, MaintenanceRun, ["name"], name=name)
    taken = session.execute(
        update(MaintenanceRun)
        .where(
            MaintenanceRun.name == name,
            MaintenanceRun.held_until.is_(None) | (MaintenanceRun.held_until < now),
            MaintenanceRun.finished_at.is_(None)
            | (MaintenanceRun.finished_at < now - timedelta(seconds=every_s)),
        )
        .values(held_until=now + timedelta(seconds=hold_s), holder=token)
        .returning(MaintenanceRun.name)
    )
    return token if taken.first() is not None else None


def finish_maintenance(session: Session, name: str, token: str) -> None:
    """Release the task, only if ``token`` still holds it (a holder that overran its hold and
    was taken over must not release the next holder's)."""
    session.execute(update(MaintenanceRun)
                    .where(MaintenanceRun.name == name, MaintenanceRun.holder == token)
                    .values(held_until=None, holder=None, finished_at=utcnow()))
