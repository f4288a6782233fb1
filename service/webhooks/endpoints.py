"""Recordings pushed by contact-center platforms, and where we call back.

``/webhooks/recordings`` follows Standard Webhooks; the tenant is named by ``?tenant=ID``
(or a platform key) and proven by the signature. ``/webhooks/twilio`` takes Twilio's
recording status callback. A delivery id seen before is answered 200 with ``replayed`` and
the call it made (not the first answer's body again); a concurrent twin of a delivery still
being taken gets 409 and its retry the replay answer."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from service.auth import repository as auth_repository
from service.auth.principal import Configurer
from service.calls import ingest
from service.db.models import WebhookDelivery
from service.deps import SessionDep, SettingsDep
from service.errors import Invalid, TooLarge, Unauthorized
from service.openapi import FILE, form_schema, request_body
from service.validation import nul_free
from service.webhooks import fetch, service, signing
from service.webhooks.schemas import (
    TenantSettings,
    TenantSettingsIn,
    WebhookAccepted,
    WebhookIgnored,
    WebhookRecording,
    WebhookReplayed,
)

router = APIRouter(prefix="/api/v1", tags=["webhooks"])
REPLAYED = {200: {"model": WebhookReplayed, "description": "a delivery id seen before"}}
# the bodies are read raw (they are signed as sent), so FastAPI cannot describe them itself
RECORDING_BODY = request_body({
    "application/json": {"schema": WebhookRecording.model_json_schema()},
    "multipart/form-data": form_schema(
        {"file": FILE, "metadata": {"type": "string", "description": "JSON object"}},
        required=("file",),
    ),
})
TWILIO_FIELDS = ("RecordingSid", "RecordingUrl", "RecordingStatus", "CallSid", "AccountSid",
                 "RecordingChannels")
TWILIO_BODY = request_body({
    "application/x-www-form-urlencoded": form_schema(
        {name: {"type": "string"} for name in TWILIO_FIELDS}
    )
})


def _replayed(delivery: WebhookDelivery, response: Response) -> WebhookReplayed:
    response.status_code = 200
    call_id = delivery.call_id
    return WebhookReplayed(id=call_id, status_url=call_id and f"/api/v1/calls/{call_id}")


@router.post(
    "/webhooks/recordings", status_code=202, responses=REPLAYED, openapi_extra=RECORDING_BODY
)
async def recording_webhook(
    request: Request, response: Response, session: SessionDep, settings: SettingsDep
) -> WebhookAccepted | WebhookReplayed:
    """A Standard Webhooks-signed JSON body with ``audio_url`` (downloaded), or a multipart
    body with ``file`` and a JSON ``metadata`` field."""
    tenant = service.sending_tenant(request, session)
    with ingest.scratch_file(settings, ".body") as body, ingest.scratch_file(settings) as audio:
        await service.spool(request, settings, body)
        delivery_id = service.check_delivery_id(signing.verify(
            tenant.webhook_secret.split(), request.headers, body, settings.webhook_tolerance_s
        ))
        if (seen := service.earlier_delivery(session, tenant, "standard", delivery_id)) is not None:
            return _replayed(seen, response)
        received = await service.audio_from_body(request, settings, body, audio)
        call, created = await run_in_threadpool(
            ingest.accept, session, settings, tenant.id, received.path, received.sha256,
            received.size, source="webhook", metadata=service.metadata_of(received.metadata),
            filename=received.filename,
        )
    service.record_delivery(session, tenant, "standard", delivery_id, call)
    return WebhookAccepted(
        id=call.id, status=call.status, duplicate=not created,
        status_url=f"/api/v1/calls/{call.id}",
    )


def _public_url(request: Request, settings) -> str:
    """The URL Twilio signed: the configured public base plus path and query."""
    base = settings.public_url.rstrip("/") or str(request.base_url).rstrip("/")
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{base}{request.url.path}{query}"


@router.post("/webhooks/twilio", status_code=202, responses=REPLAYED, openapi_extra=TWILIO_BODY)
async def twilio_webhook(
    request: Request, response: Response, session: SessionDep, settings: SettingsDep
) -> WebhookAccepted | WebhookReplayed | WebhookIgnored:
    """Twilio recording status callback. ``?tenant=ID&agent_channel=left|right``."""
    tenant = service.sending_tenant(request, session)
    if not tenant.twilio_auth_token:
        raise Unauthorized("this tenant has no Twilio auth token configured", code="no_twilio")
    if int(request.headers.get("content-length") or 0) > 64 * 1024:
        raise TooLarge("a Twilio callback is a small form")
    form = await request.form()
    pairs = [(key, str(value)) for key, value in form.multi_items()]
    signing.verify_twilio(
        tenant.twilio_auth_token, _public_url(request, settings), pairs,
        request.headers.get("x-twilio-signature", ""),
    )
    params = dict(pairs)  # the last value of a repeated key, as Twilio's own helpers read it
    if not nul_free(params):
        raise Invalid("form values must not contain a NUL character", code="bad_body")
    sid = service.check_delivery_id(params.get("RecordingSid", ""))
    if not sid:
        raise Invalid("RecordingSid is missing", code="bad_body")
    if params.get("RecordingStatus", "completed") != "completed":
        response.status_code = 200
        return WebhookIgnored(reason=f"RecordingStatus is {params['RecordingStatus']}")
    if (seen := service.earlier_delivery(session, tenant, "twilio", sid)) is not None:
        return _replayed(seen, response)
    recording_url = params.get("RecordingUrl", "")
    if not recording_url:
        raise Invalid("RecordingUrl is missing", code="bad_body")
    metadata = service.twilio_metadata(
        params, request.query_params.get("agent_channel", "left"), sid
    )
    policy = fetch.policy_for(settings, (params.get("AccountSid", ""), tenant.twilio_auth_token))
    with ingest.scratch_file(settings) as target:
        fetched = await service.download(recording_url + ".wav", target, policy, "RecordingUrl")
        call, created = await run_in_threadpool(
            ingest.accept, session, settings, tenant.id, target, fetched.sha256, fetched.size,
            source="twilio", filename=f"{sid}.wav", metadata=metadata,
        )
    service.record_delivery(session, tenant, "twilio", sid, call)
    return WebhookAccepted(
        id=call.id, status=call.status, duplicate=not created,
        status_url=f"/api/v1/calls/{call.id}",
    )


@router.put("/config/tenant", tags=["settings"])
def put_tenant_settings(
    body: TenantSettingsIn, principal: Configurer, session: SessionDep
) -> TenantSettings:
    """Where to POST a signed ``call.analyzed`` / ``call.failed`` event (null: nowhere)."""
    tenant = auth_repository.tenant(session, principal.tenant_id)
    tenant.callback_url = str(body.callback_url) if body.callback_url else None
    return TenantSettings(callback_url=tenant.callback_url)
