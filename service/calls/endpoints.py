"""Upload, list, read, export, re-analyse and erase calls."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, PlainTextResponse, StreamingResponse
from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from service.auth.principal import (
    CAN_READ,
    CAN_UPLOAD,
    Principal,
    get_session,
    get_settings,
)
from service.calls import ingest, multipart
from service.calls.results import flag_json
from service.calls.schemas import CallAccepted, CallPage, CallSummary
from service.calls.storage import storage_for
from service.db.models import CALL_STATUSES, Call, CallResult, FlagRow, WebhookDelivery, utcnow
from service.jobs.queue import enqueue_analysis
from service.settings import Settings

router = APIRouter(prefix="/api/v1")


def load_call(session: Session, principal: Principal, call_id: str) -> Call:
    """The caller's call, or 404 (another tenant's call is as unknown as a missing one)."""
    call = session.get(Call, call_id)
    if call is None or call.tenant_id != principal.tenant_id:
        raise HTTPException(404, f"no call {call_id!r}")
    return call


def summary(call: Call) -> CallSummary:
    return CallSummary.model_validate(call, from_attributes=True)


def accepted(call: Call, duplicate: bool) -> CallAccepted:
    return CallAccepted(
        id=call.id, status=call.status, duplicate=duplicate, status_url=f"/api/v1/calls/{call.id}"
    )


@router.post("/calls", status_code=202, response_model=CallAccepted)
async def upload_call(
    request: Request,
    response: Response,
    principal: Principal = CAN_UPLOAD,
    settings: Settings = Depends(get_settings),
    session: Session = Depends(get_session),
) -> CallAccepted:
    """Multipart: ``file`` plus optional ``external_id``, ``agent_id``, ``agent_channel``,
    ``language``, ``tags`` (comma-separated). Streamed to disk; 413 as soon as it is too big."""
    declared = int(request.headers.get("content-length") or 0)
    if declared > settings.max_upload_bytes + 1024 * 1024:
        raise HTTPException(413, f"the upload is over the {settings.max_upload_mb} MB limit")
    target = ingest.scratch_file(settings)
    try:
        upload = await multipart.receive(
            request.headers.get("content-type", ""),
            request.stream(),
            target,
            settings.max_upload_bytes,
        )
    except multipart.UploadError as error:
        target.unlink(missing_ok=True)
        raise HTTPException(error.status_code, error.detail) from error
    fields = upload.fields
    try:
        metadata = ingest.CallMetadata(
            external_id=fields.get("external_id") or None,
            agent_id=fields.get("agent_id") or None,
            agent_channel=fields.get("agent_channel") or "left",
            language=fields.get("language") or "en",
            tags=tuple(t.strip() for t in fields.get("tags", "").split(",") if t.strip()),
        )
        call, created = await run_in_threadpool(
            ingest.accept,
            session,
            settings,
            principal.tenant_id,
            target,
            upload.sha256,
            upload.size,
            source="upload",
            metadata=metadata,
            filename=upload.filename,
        )
    except ingest.IngestError as error:
        target.unlink(missing_ok=True)
        raise HTTPException(error.status_code, f"{error.code}: {error.detail}") from error
    if created:
        enqueue_analysis(settings, call.id)
    else:
        response.status_code = 200
    return accepted(call, duplicate=not created)


def _encode_cursor(call: Call) -> str:
    raw = json.dumps([call.created_at.isoformat(), call.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, call_id = json.loads(raw)
        return datetime.fromisoformat(created), str(call_id)
    except (ValueError, TypeError) as error:
        raise HTTPException(422, "cursor is not one this API returned") from error


@router.get("/calls", response_model=CallPage)
def list_calls(
    status: str | None = Query(None, description="queued|processing|done|failed"),
    agent_id: str | None = None,
    created_from: datetime | None = Query(None, alias="from"),
    created_to: datetime | None = Query(None, alias="to"),
    score_min: float | None = None,
    score_max: float | None = None,
    flag_type: str | None = None,
    has_unreviewed: bool | None = None,
    limit: int = Query(50, ge=1, le=500),
    cursor: str | None = None,
    principal: Principal = CAN_READ,
    session: Session = Depends(get_session),
) -> CallPage:
    """Newest first; pass ``next_cursor`` back as ``cursor`` for the next page."""
    query = select(Call).where(Call.tenant_id == principal.tenant_id)
    if status:
        if status not in CALL_STATUSES:
            raise HTTPException(422, f"status must be one of {', '.join(CALL_STATUSES)}")
        query = query.where(Call.status == status)
    if agent_id:
        query = query.where(Call.agent_id == agent_id)
    if created_from:
        query = query.where(Call.created_at >= created_from)
    if created_to:
        query = query.where(Call.created_at < created_to)
    if score_min is not None:
        query = query.where(Call.score >= score_min)
    if score_max is not None:
        query = query.where(Call.score <= score_max)
    if flag_type:
        query = query.where(exists().where(FlagRow.call_id == Call.id, FlagRow.type == flag_type))
    if has_unreviewed is not None:
        query = query.where(
            Call.unreviewed_flags > 0 if has_unreviewed else Call.unreviewed_flags == 0
        )
    if cursor:
        created, call_id = _decode_cursor(cursor)
        query = query.where(
            (Call.created_at < created) | ((Call.created_at == created) & (Call.id < call_id))
        )
    rows = list(
        session.scalars(query.order_by(Call.created_at.desc(), Call.id.desc()).limit(limit + 1))
    )
    next_cursor = _encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return CallPage(items=[summary(c) for c in rows[:limit]], next_cursor=next_cursor)


def call_detail(session: Session, call: Call) -> dict[str, Any]:
    body: dict[str, Any] = summary(call).model_dump(mode="json")
    body |= {
        "language": call.language,
        "tags": call.tags.get("tags", []),
        "original_filename": call.original_filename,
        "attempts": call.attempts,
        "started_at": call.started_at and call.started_at.isoformat(),
        "model_versions": call.model_versions,
        "rules_version": call.rules_version,
        "audio_url": f"/api/v1/calls/{call.id}/audio",
    }
    if call.status != "done":
        return body
    result = session.get(CallResult, call.id)
    flags = session.scalars(
        select(FlagRow).where(FlagRow.call_id == call.id).order_by(FlagRow.start, FlagRow.type)
    )
    report = dict(result.report) if result else {}
    report["flags"] = [flag_json(f) for f in flags]
    return body | report


@router.get("/calls/{call_id}")
def get_call(
    call_id: str,
    principal: Principal = CAN_READ,
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    return call_detail(session, load_call(session, principal, call_id))


@router.get("/calls/{call_id}/audio")
def get_audio(
    call_id: str,
    principal: Principal = CAN_READ,
    session: Session = Depends(get_session),
    settings: Settings = Depends(get_settings),
):
    """The recording as stored; Range requests work, so players can seek."""
    call = load_call(session, principal, call_id)
    storage = storage_for(settings)
    path = storage.open_path(call.audio_key) if call.audio_key else None
    media_type = "audio/" + {
        "opus": "ogg",
        "vorbis": "ogg",
        "pcm_s16le": "wav",
        "pcm_mulaw": "wav",
        "mp3": "mpeg",
        "aac": "mp4",
    }.get(call.content_type or "", "octet-stream")
    if path is not None:
        return FileResponse(path, media_type=media_type, filename=None)
    if not call.audio_key:
        raise HTTPException(404, "this call's audio was erased")
    local = storage.local_copy(call.audio_key)

    def chunks():
        try:
            with local.open("rb") as handle:
                while block := handle.read(1 << 16):
                    yield block
        finally:
            storage.release(call.audio_key, local)

    return StreamingResponse(chunks(), media_type=media_type)


@router.get("/calls/{call_id}/transcript")
def get_transcript(
    call_id: str,
    format: str = Query("json", pattern="^(json|srt|vtt|rttm)$"),
    principal: Principal = CAN_READ,
    session: Session = Depends(get_session),
):
    from audio import export
    from audio.schema import CallAnalysis
    from audio.serialize import from_plain

    call = load_call(session, principal, call_id)
    result = session.get(CallResult, call.id)
    if call.status != "done" or result is None:
        raise HTTPException(409, f"call {call_id} is {call.status}; no transcript yet")
    if format == "json":
        return {"call_id": call.id, "segments": result.report["segments"]}
    analysis = from_plain(CallAnalysis, result.analysis)
    roles = result.report["roles"]
    labels = {roles["agent"]: "agent", roles["customer"]: "customer"}
    text = export.render(format, analysis.diarization, analysis.transcript.turns, call.id, labels)
    media = {"srt": "application/x-subrip", "vtt": "text/vtt", "rttm": "text/plain"}[format]
    return PlainTextResponse(text, media_type=media)


@router.post("/calls/{call_id}/reanalyze", status_code=202, response_model=CallAccepted)
def reanalyze(
    call_id: str,
    principal: Principal = CAN_UPLOAD,
    session: Session = Depends(get_session),
    settings: Settings = Depends(get_settings),
) -> CallAccepted:
    call = load_call(session, principal, call_id)
    if not call.audio_key:
        raise HTTPException(409, "this call's audio was erased")
    updated = session.execute(
        update(Call)
        .where(Call.id == call.id, (Call.status != "processing") | (Call.lease_until < utcnow()))
        .values(status="queued", queued_at=utcnow(), failure_reason=None)
    )
    session.commit()
    if updated.rowcount != 1:
        raise HTTPException(409, "the call is being analysed right now")
    enqueue_analysis(settings, call.id)
    session.refresh(call)
    return accepted(call, duplicate=False)


@router.delete("/calls/{call_id}", status_code=204)
def erase_call(
    call_id: str,
    principal: Principal = CAN_UPLOAD,
    session: Session = Depends(get_session),
    settings: Settings = Depends(get_settings),
) -> Response:
    """Right to erasure: the audio and every row derived from it."""
    call = load_call(session, principal, call_id)
    if call.audio_key:
        storage_for(settings).delete(call.audio_key)
    session.execute(
        update(WebhookDelivery).where(WebhookDelivery.call_id == call.id).values(call_id=None)
    )
    session.execute(delete(Call).where(Call.id == call.id))  # the database cascades the rest
    session.commit()
    return Response(status_code=204)
