"""Upload, list, read, export, re-analyse and erase calls."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse, PlainTextResponse, StreamingResponse

from service.auth.principal import Reader, Uploader
from service.calls import repository, service
from service.calls.repository import CallFilters
from service.calls.schemas import CallAccepted, CallDetail, CallPage, TranscriptOut
from service.calls.storage import storage_for
from service.db.models import Call
from service.deps import SessionDep, SettingsDep
from service.errors import Conflict, NotFound
from service.openapi import FILE, form_schema, request_body
from service.privacy import service as privacy
from service.validation import Instant, Text

router = APIRouter(prefix="/api/v1", tags=["calls"])

MEDIA_TYPES = {
    "opus": "ogg", "vorbis": "ogg", "pcm_s16le": "wav", "pcm_mulaw": "wav", "mp3": "mpeg",
    "aac": "mp4", "flac": "flac",
}
TEXT_FORMATS = {"srt": "application/x-subrip", "vtt": "text/vtt", "rttm": "text/plain"}


def accepted(call: Call, duplicate: bool) -> CallAccepted:
    return CallAccepted(
        id=call.id, status=call.status, duplicate=duplicate, status_url=f"/api/v1/calls/{call.id}"
    )


UPLOAD_BODY = request_body({
    "multipart/form-data": form_schema(
        {
            "file": FILE,
            "external_id": {"type": "string", "maxLength": 200},
            "agent_id": {"type": "string", "maxLength": 200},
            "agent_channel": {"type": "string", "enum": ["left", "right"]},
            "language": {"type": "string", "maxLength": 8},
            "tags": {"type": "string", "description": "comma-separated"},
        },
        required=("file",),
    )
})


@router.post(
    "/calls",
    status_code=202,
    responses={200: {"model": CallAccepted, "description": "a duplicate"}},
    openapi_extra=UPLOAD_BODY,  # the body is streamed to disk, not parsed by FastAPI
)
async def upload_call(
    request: Request, response: Response, principal: Uploader, settings: SettingsDep,
    session: SessionDep,
) -> CallAccepted:
    """Multipart: ``file`` plus optional ``external_id``, ``agent_id``, ``agent_channel``,
    ``language``, ``tags`` (comma-separated). Streamed to disk; 413 as soon as it is too big.
    The same audio again answers 200 with the first call."""
    call, created = await service.receive_upload(request, session, settings, principal.tenant_id)
    if not created:
        response.status_code = 200
    return accepted(call, duplicate=not created)


@router.get("/calls")
def list_calls(
    principal: Reader,
    session: SessionDep,
    status: Annotated[str | None, Query(description="queued|processing|done|failed")] = None,
    agent_id: Text | None = None,
    created_from: Annotated[Instant | None, Query(alias="from")] = None,
    created_to: Annotated[Instant | None, Query(alias="to")] = None,
    score_min: float | None = None,
    score_max: float | None = None,
    flag_type: Text | None = None,
    has_unreviewed: bool | None = None,
    q: Annotated[Text | None, Query(
        max_length=200, description="part of the external id or of the file name, any case"
    )] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Text | None = None,
) -> CallPage:
    """Newest first; pass ``next_cursor`` back as ``cursor`` for the next page."""
    filters = CallFilters(
        status=status, agent_id=agent_id, created_from=created_from, created_to=created_to,
        score_min=score_min, score_max=score_max, flag_type=flag_type,
        has_unreviewed=has_unreviewed, search=q,
    )
    return service.list_calls(session, principal.tenant_id, filters, limit, cursor)


@router.get("/calls/{call_id}", response_model_exclude_unset=True)
def get_call(call_id: str, principal: Reader, session: SessionDep) -> CallDetail:
    call = service.tenant_call(session, principal.tenant_id, call_id)
    privacy.record(session, call.tenant_id, privacy.actor(principal), "read_call", call.id,
                   via="api")
    return service.call_detail(session, call)


@router.get(
    "/calls/{call_id}/audio",
    response_class=FileResponse,
    responses={200: {"content": {"audio/*": {}}, "description": "the recording as stored"}},
)
def get_audio(call_id: str, principal: Reader, session: SessionDep, settings: SettingsDep):
    """The recording as stored; Range requests work, so players can seek."""
    call = service.tenant_call(session, principal.tenant_id, call_id)
    if not call.audio_key:
        raise NotFound("this call's audio was erased", code="audio_erased")
    privacy.record(session, call.tenant_id, privacy.actor(principal), "read_audio", call.id,
                   via="api")
    storage = storage_for(settings)
    media_type = "audio/" + MEDIA_TYPES.get(call.content_type or "", "octet-stream")
    path = storage.open_path(call.audio_key)
    if path is not None:
        return FileResponse(path, media_type=media_type, filename=None)
    audio_key, local = call.audio_key, storage.local_copy(call.audio_key)

    def chunks():
        try:
            with local.open("rb") as handle:
                while block := handle.read(1 << 16):
                    yield block
        finally:
            storage.release(audio_key, local)

    return StreamingResponse(chunks(), media_type=media_type)


@router.get(
    "/calls/{call_id}/transcript",
    response_model=TranscriptOut,
    responses={200: {"content": {t: {} for t in TEXT_FORMATS.values()}}},
)
def get_transcript(
    call_id: str,
    principal: Reader,
    session: SessionDep,
    format: Annotated[str, Query(pattern="^(json|srt|vtt|rttm)$")] = "json",
):
    """The diarized transcript as JSON segments, or as SRT, WebVTT or RTTM text."""
    from audio import export
    from audio.schema import CallAnalysis
    from audio.serialize import from_plain

    call = service.tenant_call(session, principal.tenant_id, call_id)
    result = repository.result(session, call.id)
    if call.status != "done" or result is None:
        raise Conflict(f"call {call_id} is {call.status}; no transcript yet", code="not_analysed")
    privacy.record(session, call.tenant_id, privacy.actor(principal), "read_transcript",
                   call.id, via="api", format=format)
    if format == "json":
        return TranscriptOut(call_id=call.id, segments=result.report["segments"])
    analysis = from_plain(CallAnalysis, result.analysis)
    roles = result.report["roles"]
    labels = {roles["agent"]: "agent", roles["customer"]: "customer"}
    text = export.render(format, analysis.diarization, analysis.transcript.turns, call.id, labels)
    return PlainTextResponse(text, media_type=TEXT_FORMATS[format])


@router.post("/calls/{call_id}/reanalyze", status_code=202)
def reanalyze(
    call_id: str, principal: Uploader, session: SessionDep, settings: SettingsDep
) -> CallAccepted:
    call = service.tenant_call(session, principal.tenant_id, call_id)
    return accepted(service.reanalyze(session, settings, call), duplicate=False)


@router.delete("/calls/{call_id}", status_code=204)
def erase_call(
    call_id: str, principal: Uploader, session: SessionDep, settings: SettingsDep
) -> Response:
    """Right to erasure: the audio and every row derived from it (the audit trail keeps who
    erased which call id, and when)."""
    call = service.tenant_call(session, principal.tenant_id, call_id)
    privacy.record(session, call.tenant_id, privacy.actor(principal), "erase_call", call.id)
    service.erase(session, settings, call)
    return Response(status_code=204)
