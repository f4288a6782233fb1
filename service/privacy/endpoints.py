"""A tenant's redaction policy: which personal data is masked before a call is stored."""

from __future__ import annotations

from fastapi import APIRouter

from service.auth import repository as auth_repository
from service.auth.principal import Configurer, Reader
from service.deps import SessionDep
from service.privacy import service
from service.privacy.schemas import RedactionPolicy

router = APIRouter(prefix="/api/v1/config/redaction", tags=["privacy"])


@router.get("")
def get_redaction(principal: Reader, session: SessionDep) -> RedactionPolicy:
    """Which personal data is masked in calls analysed from now on (no kinds: none)."""
    return service.policy(auth_repository.tenant(session, principal.tenant_id))


@router.put("")
def put_redaction(body: RedactionPolicy, principal: Configurer,
                  session: SessionDep) -> RedactionPolicy:
    """Mask these kinds of personal data in every call analysed from now on: in the
    transcript, words, flag quotes and exports, and (``audio``: silence or tone) in the stored
    recording, whose unmasked original is then deleted. Calls already analysed are unchanged
    until they are analysed again."""
    tenant = auth_repository.tenant(session, principal.tenant_id)
    return service.set_policy(tenant, body)
