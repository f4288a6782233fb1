"""Read and change a tenant's redaction policy."""

from __future__ import annotations

from audio.redact.kinds import KINDS
from service.db.models import Tenant
from service.privacy.schemas import RedactionPolicy


def policy(tenant: Tenant) -> RedactionPolicy:
    kinds = [k for k in (tenant.redact_kinds or "").split(",") if k in KINDS]
    return RedactionPolicy(kinds=kinds, audio=tenant.redact_audio or "silence")


def set_policy(tenant: Tenant, body: RedactionPolicy) -> RedactionPolicy:
    tenant.redact_kinds = ",".join(k for k in KINDS if k in body.kinds)
    tenant.redact_audio = body.audio
    return policy(tenant)


def kinds_of(tenant: Tenant) -> tuple[str, ...]:
    return tuple(policy(tenant).kinds)
