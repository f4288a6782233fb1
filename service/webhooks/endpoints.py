"""Recordings pushed by contact-center platforms.

``/webhooks/recordings`` follows Standard Webhooks; the tenant is named by ``?tenant=ID``
(or a platform key) and proven by the signature. ``/webhooks/twilio`` takes Twilio's
recording status callback. A delivery id seen before gets the first answer again."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.auth.principal import get_session, get_settings, principal_for_key
from service.calls import ingest, multipart
from service.calls.schemas import WebhookRecording
from service.db.models import Call, Tenant, WebhookDelivery
from service.jobs.queue import enqueue_analysis
from service.settings import Settings
from service.webhooks import fetch, signing

router = APIRouter(prefix="/api/v1/webhooks")


def _tenant(request: Request, session: Session) -> Tenant:
    tenant_id = request.query_params.get("tenant")
    header = request.headers.get("authorization", "")
    if not tenant_id and header.lower().startswith("bearer "):
        principal = principal_for_key(session, header[7:].strip())
        if principal is not None and principal.can("webhook"):
            tenant_id = principal.tenant_id
    tenant = session.get(Tenant, tenant_id) if tenant_id else None
    if tenant is None:
        # one answer for "no tenant" and "unknown tenant": nothing to probe
        raise HTTPException(401, "name the tenant with ?tenant=ID (or a platform key)")
    return tenant


def _replayed(session: Session, tenant: Tenant, source: str, delivery_id: str):
    return session.scalar(
        select(WebhookDelivery).where(
            WebhookDelivery.tenant_id == tenant.id,
            WebhookDelivery.source == source,
            WebhookDelivery.delivery_id == delivery_id,
        )
    )


def _replay_answer(delivery: WebhookDelivery) -> JSONResponse:
    return JSONResponse(
        {
            "id": delivery.call_id,
            "replayed": True,
            "status_url": delivery.call_id and f"/api/v1/calls/{delivery.call_id}",
        },
        status_code=200,
    )


def _accepted(
    session: Session,
    settings: Settings,
    tenant: Tenant,
    source: str,
    delivery_id: str,
    call: Call,
    created: bool,
) -> JSONResponse | None:
    """Record the delivery and enqueue a new call; the first answer if another request
    recorded the same delivery first (a concurrent replay), else None."""
    session.add(
        WebhookDelivery(
            tenant_id=tenant.id,
            source=source,
            delivery_id=delivery_id,
            call_id=call.id,
            status_code=202,
        )
    )
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return _replay_answer(_replayed(session, tenant, source, delivery_id))
    if created:
        enqueue_analysis(settings, call.id)
    return None


async def _spool(request: Request, settings: Settings) -> Path:
    """The raw body on disk (it is signed as sent), capped at the upload limit."""
    limit = settings.max_upload_bytes + 1024 * 1024
    if int(request.headers.get("content-length") or 0) > limit:
        raise HTTPException(413, f"the body is over the {settings.max_upload_mb} MB limit")
    path, size = ingest.scratch_file(settings, ".body"), 0
    with path.open("wb") as out:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                out.close()
                path.unlink(missing_ok=True)
                raise HTTPException(413, f"the body is over the {settings.max_upload_mb} MB limit")
            out.write(chunk)
    return path


async def _chunks_of(path: Path):
    with path.open("rb") as handle:
        while block := handle.read(1 << 16):
            yield block


async def _audio_from_body(request: Request, settings: Settings, body: Path):
    """(audio path, sha256, size, filename, metadata) from a JSON or multipart body."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        target = ingest.scratch_file(settings)
        try:
            upload = await multipart.receive(
                content_type, _chunks_of(body), target, settings.max_upload_bytes
            )
        except multipart.UploadError as error:
            target.unlink(missing_ok=True)
            raise HTTPException(error.status_code, error.detail) from error
        fields = upload.fields
        try:
            data = json.loads(fields["metadata"]) if "metadata" in fields else dict(fields)
            metadata = WebhookRecording.model_validate(
                {"audio_url": "http://upload.invalid/", **data}
            )
        except (ValueError, ValidationError) as error:
            target.unlink(missing_ok=True)
            raise HTTPException(422, f"bad metadata: {error}") from error
        return target, upload.sha256, upload.size, upload.filename, metadata
    if not content_type.startswith("application/json"):
        raise HTTPException(415, "send application/json with audio_url, or multipart with file")
    try:
        metadata = WebhookRecording.model_validate_json(body.read_bytes())
    except ValidationError as error:
        raise HTTPException(
            422,
            f"bad body: {error.errors()[0]['msg']} at "
            f"{'.'.join(map(str, error.errors()[0]['loc']))}",
        ) from error
    target = ingest.scratch_file(settings)
    try:
        fetched = await run_in_threadpool(
            fetch.fetch, str(metadata.audio_url), target, fetch.policy_for(settings)
        )
    except fetch.FetchError as error:
        target.unlink(missing_ok=True)
        raise HTTPException(422, f"audio_url: {error}") from error
    filename = Path(urlsplit(str(metadata.audio_url)).path).name
    return target, fetched.sha256, fetched.size, filename, metadata


@router.post("/recordings", status_code=202)
async def recording_webhook(
    request: Request,
    session: Session = Depends(get_session),
    settings: Settings = Depends(get_settings),
):
    tenant = _tenant(request, session)
    body = await _spool(request, settings)
    try:
        try:
            delivery_id = signing.verify(
                tenant.webhook_secret.split(),
                request.headers,
                body,
                settings.webhook_tolerance_s,
            )
        except signing.SignatureError as error:
            raise HTTPException(401, f"signature: {error}") from error
        if (seen := _replayed(session, tenant, "standard", delivery_id)) is not None:
            return _replay_answer(seen)
        audio, sha256, size, filename, data = await _audio_from_body(request, settings, body)
    finally:
        body.unlink(missing_ok=True)
    try:
        metadata = ingest.CallMetadata(
            external_id=data.external_id,
            agent_id=data.agent_id,
            agent_channel=data.agent_channel,
            language=data.language,
            tags=tuple(data.tags),
            extra={"metadata": data.metadata} if data.metadata else {},
        )
        call, created = await run_in_threadpool(
            ingest.accept,
            session,
            settings,
            tenant.id,
            audio,
            sha256,
            size,
            source="webhook",
            metadata=metadata,
            filename=filename,
        )
    except ingest.IngestError as error:
        audio.unlink(missing_ok=True)
        raise HTTPException(error.status_code, f"{error.code}: {error.detail}") from error
    if replay := _accepted(session, settings, tenant, "standard", delivery_id, call, created):
        return replay
    return {
        "id": call.id,
        "status": call.status,
        "duplicate": not created,
        "status_url": f"/api/v1/calls/{call.id}",
    }


def _public_url(request: Request, settings: Settings) -> str:
    """The URL Twilio signed: the configured public base plus path and query."""
    base = settings.public_url.rstrip("/") or str(request.base_url).rstrip("/")
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{base}{request.url.path}{query}"


@router.post("/twilio")
async def twilio_webhook(
    request: Request,
    session: Session = Depends(get_session),
    settings: Settings = Depends(get_settings),
):
    """Twilio recording status callback. ``?tenant=ID&agent_channel=left|right``."""
    tenant = _tenant(request, session)
    if not tenant.twilio_auth_token:
        raise HTTPException(401, "this tenant has no Twilio auth token configured")
    if int(request.headers.get("content-length") or 0) > 64 * 1024:
        raise HTTPException(413, "a Twilio callback is a small form")
    form = await request.form()
    params = {key: str(value) for key, value in form.multi_items()}
    try:
        signing.verify_twilio(
            tenant.twilio_auth_token,
            _public_url(request, settings),
            params,
            request.headers.get("x-twilio-signature", ""),
        )
    except signing.SignatureError as error:
        raise HTTPException(401, f"signature: {error}") from error
    sid = params.get("RecordingSid", "")
    if not sid:
        raise HTTPException(422, "RecordingSid is missing")
    if params.get("RecordingStatus", "completed") != "completed":
        return {"ignored": True, "reason": f"RecordingStatus is {params['RecordingStatus']}"}
    if (seen := _replayed(session, tenant, "twilio", sid)) is not None:
        return _replay_answer(seen)
    recording_url = params.get("RecordingUrl", "")
    if not recording_url:
        raise HTTPException(422, "RecordingUrl is missing")
    agent_channel = request.query_params.get("agent_channel", "left")
    if params.get("RecordingChannels") == "1":
        agent_channel = "left"  # mono: the channel map does not apply
    target = ingest.scratch_file(settings)
    account = params.get("AccountSid", "")
    try:
        fetched = await run_in_threadpool(
            fetch.fetch,
            recording_url + ".wav",
            target,
            fetch.policy_for(settings, (account, tenant.twilio_auth_token)),
        )
        call, created = await run_in_threadpool(
            ingest.accept,
            session,
            settings,
            tenant.id,
            target,
            fetched.sha256,
            fetched.size,
            source="twilio",
            filename=f"{sid}.wav",
            metadata=ingest.CallMetadata(
                external_id=params.get("CallSid") or sid,
                agent_channel=agent_channel,
                extra={
                    "twilio": {
                        k: params[k]
                        for k in (
                            "RecordingSid",
                            "CallSid",
                            "AccountSid",
                            "RecordingChannels",
                            "RecordingDuration",
                            "RecordingSource",
                        )
                        if k in params
                    }
                },
            ),
        )
    except fetch.FetchError as error:
        target.unlink(missing_ok=True)
        raise HTTPException(422, f"RecordingUrl: {error}") from error
    except ingest.IngestError as error:
        target.unlink(missing_ok=True)
        raise HTTPException(error.status_code, f"{error.code}: {error.detail}") from error
    if replay := _accepted(session, settings, tenant, "twilio", sid, call, created):
        return replay
    return JSONResponse(
        {"id": call.id, "status": call.status, "duplicate": not created}, status_code=202
    )
