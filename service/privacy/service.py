"""A tenant's redaction policy and retention, erasure of the calls about someone, the scheduled
purge, and the audit trail of who read or deleted what (never the content)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from audio.redact.kinds import KINDS
from service.auth.principal import Principal
from service.calls import service as calls_service
from service.db.models import AuditEvent, Call, Tenant, utcnow
from service.db.session import after_commit
from service.errors import CallqaError, Invalid
from service.privacy import repository, sealing
from service.privacy.schemas import Erased, RedactionPolicy, Retention
from service.settings import Settings

RETENTION_ACTOR = "retention schedule"
# a player fetches a recording in many range requests, a page polls its call: one read entry
# per person, call and kind of read in this window
READ_WINDOW = timedelta(minutes=10)


def policy(tenant: Tenant) -> RedactionPolicy:
    kinds = [k for k in (tenant.redact_kinds or "").split(",") if k in KINDS]
    return RedactionPolicy(kinds=kinds, audio=tenant.redact_audio or "silence",
                           keep_original=bool(tenant.keep_original))


def masked(tenant: Tenant, text: str) -> str:
    """Free text typed about a call (a reviewer's note, a dialer's metadata) with the personal
    data the tenant's policy names masked, as a transcript would be."""
    kinds = policy(tenant).kinds
    if not kinds or not text.strip():
        return text
    from audio.redact.text import mask_text

    return mask_text(text, kinds)


def masked_metadata(tenant: Tenant, value: Any) -> Any:
    """A JSON value with every string and number in it masked, each read after the name of
    its field ("ssn: 123456789"), which is often the only cue; keys are kept. A number that
    holds personal data becomes its placeholder."""
    kinds = policy(tenant).kinds
    if not kinds:
        return value
    from audio.redact.text import mask_text

    def walk(item: Any, field: str) -> Any:
        if isinstance(item, dict):
            return {key: walk(inner, str(key)) for key, inner in item.items()}
        if isinstance(item, list):
            return [walk(inner, field) for inner in item]
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            return item
        text, label = str(item), field.replace("_", " ").strip()
        read = mask_text(f"{label}: {text}", kinds) if label else mask_text(text, kinds)
        out = read.removeprefix(f"{label}: ") if label else read
        if label and not read.startswith(f"{label}: "):  # the name itself was masked
            out = mask_text(text, kinds)
        return item if out == text else out

    return walk(value, "")


def masked_filename(tenant: Tenant, filename: str | None) -> str | None:
    """An uploaded file's name with personal data masked ("maria_gonzalez_4111....wav" ->
    "[PERSON_NAME]_[CARD_NUMBER].wav"): its name is read as words, separators as spaces, after
    "file name"; a name with nothing found is kept exactly as sent."""
    if not filename or not policy(tenant).kinds:
        return filename
    path = Path(filename)
    words = re.sub(r"[_\-.]+", " ", path.stem).strip()
    read = masked_metadata(tenant, {"file name": words})["file name"]
    return filename if read == words else read.replace(" ", "_") + path.suffix


def set_policy(session: Session, settings: Settings, tenant: Tenant, body: RedactionPolicy,
               who: str) -> RedactionPolicy:
    """Store the policy (audited); keeping originals gives the tenant a data key on first use
    (refused when the server has no master key to seal it with)."""
    if body.keep_original and not tenant.data_key_wrapped:
        tenant.data_key_wrapped = sealing.new_wrapped_data_key(
            sealing.master_key(settings.master_key))
    tenant.redact_kinds = ",".join(k for k in KINDS if k in body.kinds)
    tenant.redact_audio = body.audio
    tenant.keep_original = body.keep_original
    changed = policy(tenant)
    record(session, tenant.id, who, "set_redaction", None, **changed.model_dump())
    return changed


def rotate_master_key(session: Session, current: str, new: str) -> int:
    """Re-wrap every tenant's data key under the ``new`` master key (audited per tenant);
    the number of tenants. All or nothing: one key that the current master key does not open
    refuses the whole rotation."""
    old_key = sealing.master_key(current)
    try:
        new_key = sealing.master_key(new)
    except CallqaError as error:  # its message names the current key's variable
        raise Invalid("CALLQA_NEW_MASTER_KEY must be 32 random bytes as URL-safe base64",
                      code="bad_master_key") from error
    if old_key == new_key:
        raise Invalid("the new master key is the current one", code="same_master_key")
    tenants = repository.tenants_with_data_keys(session)
    for tenant in tenants:
        tenant.data_key_wrapped = sealing.rewrapped(old_key, new_key, tenant.data_key_wrapped)
        record(session, tenant.id, "server operator (callqa keys rotate-master)",
               "rotate_master_key")
    return len(tenants)


def data_key_of(settings: Settings, wrapped: str | None) -> bytes:
    """A tenant's data key for sealed originals, unwrapped with the server's master key."""
    if not wrapped:
        raise sealing.SealingUnavailable("this organisation has no key for sealed originals")
    return sealing.data_key(sealing.master_key(settings.master_key), wrapped)


def actor(principal: Principal) -> str:
    return f"{principal.name or 'unnamed key'} ({principal.role})"


def record(session: Session, tenant_id: str, who: str, action: str,
           call_id: str | None = None, **detail) -> None:
    """One audit entry: who did what to which call; ``detail`` holds counts and ids only.
    Reads repeated within ``READ_WINDOW`` are one entry."""
    if action.startswith("read_") and repository.recently_recorded(
            session, tenant_id, who, action, call_id, utcnow() - READ_WINDOW):
        return
    repository.add_event(session, AuditEvent(tenant_id=tenant_id, actor=who, action=action,
                                             call_id=call_id, detail=detail))


def retention(tenant: Tenant) -> Retention:
    return Retention(audio_days=tenant.retain_audio_days, call_days=tenant.retain_call_days)


def set_retention(session: Session, tenant: Tenant, body: Retention, who: str) -> Retention:
    tenant.retain_audio_days, tenant.retain_call_days = body.audio_days, body.call_days
    record(session, tenant.id, who, "set_retention", None, **body.model_dump())
    return retention(tenant)


def erase_calls_about(session: Session, settings: Settings, principal: Principal, *,
                      agent_id: str | None, external_id: str | None) -> Erased:
    """Right to erasure for a person: every call of an agent id, or of an external id (the
    platform's id of a call or customer), with one audit entry naming what went."""
    if (agent_id is None) == (external_id is None):
        raise Invalid("give exactly one of agent_id or external_id", code="erasure_selector")
    calls = repository.calls_about(session, principal.tenant_id, agent_id=agent_id,
                                   external_id=external_id)
    ids = [call.id for call in calls]
    for call in calls:
        calls_service.erase(session, settings, call)
    # which kind of id was asked for, not the id: the erased person stays erased here too
    record(session, principal.tenant_id, actor(principal), "erase_calls", None,
           calls=len(ids), call_ids=ids, by="agent_id" if agent_id is not None else "external_id")
    return Erased(deleted=len(ids), call_ids=ids)


def purge(session: Session, settings: Settings, limit: int = 200) -> tuple[int, int]:
    """(recordings deleted, calls deleted) past each tenant's retention, now: at most
    ``limit`` of each per tenant, so that one transaction stays small; call again while it
    returns anything."""
    from service.calls.storage import storage_for

    audio = calls = 0
    now = utcnow()
    for tenant in repository.tenants_with_retention(session):
        if tenant.retain_call_days is not None:
            cutoff = now - timedelta(days=tenant.retain_call_days)
            for call in repository.calls_created_before(session, tenant.id, cutoff,
                                                        with_audio=False, limit=limit):
                record(session, tenant.id, RETENTION_ACTOR, "purge_call", call.id,
                       days=tenant.retain_call_days)
                calls_service.erase(session, settings, call)
                calls += 1
        if tenant.retain_audio_days is not None:
            cutoff = now - timedelta(days=tenant.retain_audio_days)
            for call in repository.calls_created_before(session, tenant.id, cutoff,
                                                        with_audio=True, limit=limit):
                _drop_audio(session, storage_for(settings), call)
                record(session, tenant.id, RETENTION_ACTOR, "purge_audio", call.id,
                       days=tenant.retain_audio_days)
                audio += 1
    return audio, calls


def _drop_audio(session: Session, storage, call: Call) -> None:
    keys = [k for k in (call.audio_key, call.original_key) if k]
    call.audio_key = call.original_key = None
    after_commit(session, lambda: [storage.delete(k) for k in keys])
