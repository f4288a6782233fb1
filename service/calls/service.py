"""Calls: take an upload in, list and read calls, re-analyse, erase. Functions flush; the
request commits, and jobs are enqueued after that commit."""

from __future__ import annotations

import base64
import json
from datetime import datetime

from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session
from starlette.requests import Request

from service.calls import ingest, multipart, repository
from service.calls.repository import CallFilters
from service.calls.schemas import CallDetail, CallPage, CallSummary, FlagPublic
from service.calls.storage import storage_for
from service.db.models import CALL_STATUSES, Call, FlagRow
from service.db.session import after_commit
from service.errors import Conflict, Invalid, NotFound, TooLarge
from service.jobs.queue import enqueue_analysis
from service.settings import Settings
from service.validation import in_range, no_nul


def tenant_call(session: Session, tenant_id: str, call_id: str) -> Call:
    """The tenant's call, or NotFound (another tenant's call is as unknown as a missing one)."""
    call = repository.tenant_call(session, tenant_id, call_id)
    if call is None:
        raise NotFound(f"no call {call_id!r}", code="unknown_call")
    return call


async def receive_upload(
    request: Request, session: Session, settings: Settings, tenant_id: str
) -> tuple[Call, bool]:
    """(call, created) from a streamed multipart upload: ``file`` plus optional
    ``external_id``, ``agent_id``, ``agent_channel``, ``language``, ``tags`` (commas)."""
    declared = int(request.headers.get("content-length") or 0)
    if declared > settings.max_upload_bytes + 1024 * 1024:
        raise TooLarge(f"the upload is over the {settings.max_upload_mb} MB limit")
    with ingest.scratch_file(settings) as target:
        upload = await multipart.receive(
            request.headers.get("content-type", ""),
            request.stream(),
            target,
            settings.max_upload_bytes,
        )
        fields = upload.fields
        metadata = ingest.CallMetadata(
            external_id=fields.get("external_id") or None,
            agent_id=fields.get("agent_id") or None,
            agent_channel=fields.get("agent_channel") or "left",
            language=fields.get("language") or "en",
            tags=tuple(t.strip() for t in fields.get("tags", "").split(",") if t.strip()),
        )
        return await run_in_threadpool(
            ingest.accept,
            session,
            settings,
            tenant_id,
            target,
            upload.sha256,
            upload.size,
            source="upload",
            metadata=metadata,
            filename=upload.filename,
        )


def encode_cursor(call: Call) -> str:
    raw = json.dumps([call.created_at.isoformat(), call.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, call_id = json.loads(raw)
        return in_range(datetime.fromisoformat(created)), no_nul(str(call_id))
    except (ValueError, TypeError, RecursionError) as error:
        raise Invalid("cursor is not one this API returned", code="bad_cursor") from error


def list_calls(
    session: Session, tenant_id: str, filters: CallFilters, limit: int, cursor: str | None
) -> CallPage:
    """Newest first; ``next_cursor`` continues where this page ends."""
    if filters.status and filters.status not in CALL_STATUSES:
        raise Invalid(f"status must be one of {', '.join(CALL_STATUSES)}", code="bad_status")
    after = decode_cursor(cursor) if cursor else None
    rows = repository.page_of_calls(session, tenant_id, filters, limit + 1, after)
    next_cursor = encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return CallPage(items=[summary(c) for c in rows[:limit]], next_cursor=next_cursor)


def call_name(external_id: str | None, original_filename: str | None, call_id: str) -> str:
    """What people call a call: its external id, else its file name, else its id's start."""
    return external_id or original_filename or f"call {call_id[:8]}"


def summary(call: Call) -> CallSummary:
    return CallSummary.model_validate(call, from_attributes=True)


def flag_public(flag: FlagRow) -> FlagPublic:
    return FlagPublic.model_validate(flag, from_attributes=True)


def call_detail(session: Session, call: Call) -> CallDetail:
    body = summary(call).model_dump() | {
        "language": call.language,
        "tags": call.tags.get("tags", []),
        "original_filename": call.original_filename,
        "attempts": call.attempts,
        "started_at": call.started_at,
        "model_versions": call.model_versions,
        "rules_version": call.rules_version,
        "audio_url": f"/api/v1/calls/{call.id}/audio",
    }
    if call.status == "done":
        stored = repository.result(session, call.id)
        flags = [flag_public(f) for f in repository.flags_of(session, call.id)]
        body |= (stored.report if stored else {}) | {"flags": flags}
    return CallDetail.model_validate(body)


def reanalyze(session: Session, settings: Settings, call: Call) -> Call:
    if not call.audio_key:
        raise Conflict("this call's audio was erased", code="audio_erased")
    if not repository.requeue_unless_running(session, call.id):
        raise Conflict("the call is being analysed right now", code="being_analysed")
    session.refresh(call)
    after_commit(session, lambda: enqueue_analysis(settings, call.id))
    return call


def erase(session: Session, settings: Settings, call: Call) -> None:
    """Right to erasure: every row derived from the call now, its audio once that commits."""
    keys = set(repository.delete_call(session, call.id))
    keys |= {k for k in (call.audio_key, call.original_key) if k}
    if keys:
        after_commit(session, lambda: [storage_for(settings).delete(k) for k in keys])
