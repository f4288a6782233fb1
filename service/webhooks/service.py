"""Recordings pushed by platforms: who sent it, is it signed, where is the audio, and the
delivery record that makes a replay harmless. Functions flush; the request commits."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.requests import Request

from service.auth import repository as auth_repository
from service.auth.principal import principal_for_key
from service.calls import ingest, multipart
from service.db.models import Call, Tenant, WebhookDelivery
from service.db.upsert import insert_unless_taken
from service.errors import Conflict, Invalid, TooLarge, Unauthorized, UnsupportedMedia
from service.settings import Settings
from service.validation import nul_free
from service.webhooks import fetch, repository
from service.webhooks.schemas import WebhookRecording

TWILIO_FIELDS = (
    "RecordingSid", "CallSid", "AccountSid", "RecordingChannels", "RecordingDuration",
    "RecordingSource",
)


@dataclass(frozen=True)
class ReceivedAudio:
    path: Path
    sha256: str
    size: int
    filename: str
    metadata: WebhookRecording


def sending_tenant(request: Request, session: Session) -> Tenant:
    """The tenant named by ``?tenant=ID`` or by a platform key; the signature proves it."""
    tenant_id = request.query_params.get("tenant")
    header = request.headers.get("authorization", "")
    if not tenant_id and header.lower().startswith("bearer "):
        principal = principal_for_key(session, header[7:].strip())
        if principal is not None and principal.can("webhook"):
            tenant_id = principal.tenant_id
    tenant = auth_repository.tenant(session, tenant_id) if tenant_id else None
    if tenant is None:
        # one answer for "no tenant" and "unknown tenant": nothing to probe
        raise Unauthorized("name the tenant with ?tenant=ID (or a platform key)",
                           code="unknown_tenant")
    return tenant


def earlier_delivery(
    session: Session, tenant: Tenant, source: str, delivery_id: str
) -> WebhookDelivery | None:
    return repository.delivery(session, tenant.id, source, delivery_id)


MAX_DELIVERY_ID = 200  # the column's length


def check_delivery_id(delivery_id: str) -> str:
    """A delivery id the table can hold (signed by the sender, but still bounded)."""
    if len(delivery_id) > MAX_DELIVERY_ID or not nul_free(delivery_id):
        raise Invalid(
            f"the delivery id must be at most {MAX_DELIVERY_ID} characters", code="bad_delivery_id"
        )
    return delivery_id


def record_delivery(
    session: Session, tenant: Tenant, source: str, delivery_id: str, call: Call
) -> None:
    """Remember the delivery id, so a replay gets this call back. A concurrent twin of the
    same delivery loses here and rolls back: its retry is answered as a replay."""
    taken = insert_unless_taken(
        session, WebhookDelivery, ["tenant_id", "source", "delivery_id"],
        tenant_id=tenant.id, source=source, delivery_id=delivery_id, call_id=call.id,
    )
    if not taken:
        raise Conflict(
            "this delivery is being taken by a concurrent request; retry to get its answer",
            code="delivery_in_progress",
        )


async def spool(request: Request, settings: Settings, path: Path) -> None:
    """The raw body on disk at ``path`` (it is signed as sent), capped at the upload limit."""
    limit = settings.max_upload_bytes + 1024 * 1024
    too_big = TooLarge(f"the body is over the {settings.max_upload_mb} MB limit")
    if int(request.headers.get("content-length") or 0) > limit:
        raise too_big
    size = 0
    with path.open("wb") as out:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_big
            out.write(chunk)


async def _chunks_of(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as handle:
        while block := handle.read(1 << 16):
            yield block


def _bad_body(error: ValidationError) -> Invalid:
    first = error.errors()[0]
    where = ".".join(map(str, first["loc"]))
    return Invalid(f"bad body: {first['msg']} at {where}", code="bad_metadata")


async def audio_from_body(
    request: Request, settings: Settings, body: Path, target: Path
) -> ReceivedAudio:
    """The audio into ``target``, from a multipart body (the file inside) or a JSON body
    (``audio_url``, downloaded through the address checks)."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        upload = await multipart.receive(
            content_type, _chunks_of(body), target, settings.max_upload_bytes
        )
        fields = upload.fields
        try:
            data = json.loads(fields["metadata"]) if "metadata" in fields else dict(fields)
        except (ValueError, RecursionError) as error:
            raise Invalid("bad metadata: not a JSON object", code="bad_metadata") from error
        if not isinstance(data, dict):
            raise Invalid("bad metadata: send a JSON object", code="bad_metadata")
        try:
            metadata = WebhookRecording.model_validate(
                {"audio_url": "http://upload.invalid/", **data}
            )
        except ValidationError as error:
            raise _bad_body(error) from error
        return ReceivedAudio(target, upload.sha256, upload.size, upload.filename, metadata)
    if not content_type.startswith("application/json"):
        raise UnsupportedMedia(
            "send application/json with audio_url, or multipart with file", code="bad_body"
        )
    try:
        metadata = WebhookRecording.model_validate_json(body.read_bytes())
    except ValidationError as error:
        raise _bad_body(error) from error
    fetched = await download(str(metadata.audio_url), target, fetch.policy_for(settings), "audio_url")
    filename = Path(urlsplit(str(metadata.audio_url)).path).name
    return ReceivedAudio(target, fetched.sha256, fetched.size, filename, metadata)


async def download(url: str, target: Path, policy: fetch.FetchPolicy, field: str) -> fetch.Fetched:
    """Fetch ``url``; a refusal names the field the URL came from."""
    try:
        return await run_in_threadpool(fetch.fetch, url, target, policy)
    except fetch.FetchError as error:
        raise fetch.FetchError(f"{field}: {error.message}") from error


def metadata_of(data: WebhookRecording) -> ingest.CallMetadata:
    return ingest.CallMetadata(
        external_id=data.external_id,
        agent_id=data.agent_id,
        agent_channel=data.agent_channel,
        language=data.language,
        tags=tuple(data.tags),
        extra={"metadata": data.metadata} if data.metadata else {},
    )


def twilio_metadata(params: dict[str, str], agent_channel: str, sid: str) -> ingest.CallMetadata:
    if params.get("RecordingChannels") == "1":
        agent_channel = "left"  # mono: the channel map does not apply
    return ingest.CallMetadata(
        external_id=params.get("CallSid") or sid,
        agent_channel=agent_channel,
        extra={"twilio": {k: params[k] for k in TWILIO_FIELDS if k in params}},
    )
