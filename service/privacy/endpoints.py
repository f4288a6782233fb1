"""A tenant's privacy: which personal data is masked before a call is stored, how long calls
are kept, erasure of every call about someone, and the audit trail of reads and deletions."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from service.auth import repository as auth_repository
from service.auth.principal import Admin, Reader
from service.calls import service as calls_service
from service.calls.storage import storage_for
from service.deps import SessionDep, SettingsDep
from service.errors import NotFound
from service.privacy import repository, sealing, service
from service.privacy.schemas import AuditEventOut, AuditPage, Erased, RedactionPolicy, Retention

router = APIRouter(prefix="/api/v1", tags=["privacy"])


@router.get("/config/redaction")
def get_redaction(principal: Reader, session: SessionDep) -> RedactionPolicy:
    """Which personal data is masked in calls analysed from now on (no kinds: none)."""
    return service.policy(auth_repository.tenant(session, principal.tenant_id))


@router.put("/config/redaction")
def put_redaction(body: RedactionPolicy, principal: Admin, session: SessionDep,
                  settings: SettingsDep) -> RedactionPolicy:
    """Mask these kinds of personal data in every call analysed from now on: in the
    transcript, words, flag quotes and exports, and (``audio``: silence or tone) in the stored
    recording, whose unmasked original is then deleted, or with ``keep_original`` kept sealed
    with the organisation's own key for admins (409 ``no_master_key`` when the server has no
    CALLQA_MASTER_KEY). Calls already analysed are unchanged until they are analysed again.
    Admins only; every change is in the audit trail."""
    tenant = auth_repository.tenant(session, principal.tenant_id)
    return service.set_policy(session, settings, tenant, body, service.actor(principal))


@router.get(
    "/calls/{call_id}/original",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}},
                     "description": "the recording as sent, before masking"}},
)
def get_original(call_id: str, principal: Admin, session: SessionDep, settings: SettingsDep):
    """The recording as it was sent, before personal data was masked: kept sealed when the
    organisation keeps originals; admins only, and every download is in the audit trail."""
    call = calls_service.tenant_call(session, principal.tenant_id, call_id)
    if not call.original_key:
        raise NotFound("this call's original recording was not kept", code="no_original")
    tenant = auth_repository.tenant(session, principal.tenant_id)
    key = service.data_key_of(settings, tenant.data_key_wrapped)
    service.record(session, call.tenant_id, service.actor(principal), "read_original_audio",
                   call.id, via="api")
    storage = storage_for(settings)
    original, local = call.original_key, storage.local_copy(call.original_key)

    def chunks():
        try:
            yield from sealing.unseal(local, key)
        finally:
            storage.release(original, local)

    name = re.sub(r"[^\w.\-]", "_", call.original_filename or f"{call.id}.audio", flags=re.ASCII)
    return StreamingResponse(chunks(), media_type="application/octet-stream",
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/config/retention")
def get_retention(principal: Reader, session: SessionDep) -> Retention:
    """How many days recordings and calls are kept (null: until deleted)."""
    return service.retention(auth_repository.tenant(session, principal.tenant_id))


@router.put("/config/retention")
def put_retention(body: Retention, principal: Admin, session: SessionDep) -> Retention:
    """Keep recordings ``audio_days`` and calls ``call_days`` from upload; the worker's purge
    deletes what is older (checked every few minutes) and records each deletion. Admins only;
    every change is in the audit trail."""
    tenant = auth_repository.tenant(session, principal.tenant_id)
    return service.set_retention(session, tenant, body, service.actor(principal))


@router.delete("/calls")
def erase_calls(
    principal: Admin,
    session: SessionDep,
    settings: SettingsDep,
    agent_id: Annotated[str | None, Query(max_length=200)] = None,
    external_id: Annotated[str | None, Query(max_length=200)] = None,
) -> Erased:
    """Right to erasure for a person: delete every call of ``agent_id``, or every call with
    ``external_id`` (exactly one), their audio and everything derived from them. The audit
    trail records who asked, when and which calls went, not what they held."""
    return service.erase_calls_about(session, settings, principal, agent_id=agent_id,
                                     external_id=external_id)


@router.get("/audit")
def audit_trail(
    principal: Admin,
    session: SessionDep,
    call_id: Annotated[str | None, Query(max_length=32)] = None,
    action: Annotated[str | None, Query(max_length=40)] = None,
    before_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AuditPage:
    """Who read a call, its transcript or its audio, and who or what deleted calls, newest
    first (admins only)."""
    events = repository.events(session, principal.tenant_id, call_id=call_id, action=action,
                               before_id=before_id, limit=limit)
    return AuditPage(events=[AuditEventOut.model_validate(e, from_attributes=True)
                             for e in events],
                     next_before_id=events[-1].id if len(events) == limit else None)
