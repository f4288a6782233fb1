"""A tenant's scoring rules: read, replace, reset, learn from verdicts, versions, restore."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import APIRouter, Body, Path
from fastapi.responses import PlainTextResponse

from scoring import config as scoring_config
from service.auth import repository as auth_repository
from service.auth.principal import Configurer, Reader
from service.deps import SessionDep, SettingsDep
from service.rules import preview, service, versions
from service.rules.schemas import (
    Learned,
    LearnedChange,
    RulesChanged,
    RulesPreview,
    RulesVersion,
)

router = APIRouter(prefix="/api/v1/config/scoring", tags=["scoring rules"])


@router.get(
    "", response_class=PlainTextResponse, response_model=None,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                     "description": "the rules as TOML"}},
)
def get_scoring_config(principal: Reader, session: SessionDep) -> PlainTextResponse:
    """The tenant's scoring rules as TOML (the shipped rules until edited)."""
    tenant = auth_repository.tenant(session, principal.tenant_id)
    return PlainTextResponse(tenant.scoring_config or scoring_config.default_text())


@router.put("")
def put_scoring_config(
    principal: Configurer,
    session: SessionDep,
    settings: SettingsDep,
    text: Annotated[str, Body(media_type="application/toml")],
    rescore: bool = True,
) -> RulesChanged:
    """Replace the rules (validated first); re-scores stored calls unless ``rescore=false``.
    The previous rules stay restorable (``/config/scoring/versions``)."""
    tenant = auth_repository.tenant(session, principal.tenant_id)
    rules, version = service.replace(session, settings, tenant, text, principal.name, rescore)
    return RulesChanged(version=rules.version, number=version.number, rescore_queued=rescore)


@router.post("/preview")
def preview_scoring_config(
    principal: Configurer,
    session: SessionDep,
    text: Annotated[str, Body(media_type="application/toml")],
) -> RulesPreview:
    """What these rules would change on the tenant's 50 newest analysed calls (flags added
    and removed, score before and after), without saving anything. Takes seconds: each call
    is scored again."""
    found = preview.preview(session, principal.tenant_id, service.validated(text))
    return RulesPreview(
        calls=found.calls, changed=[dataclasses.asdict(c) for c in found.changed],
        flags_added=dict(found.flags_added), flags_removed=dict(found.flags_removed),
        mean_score_before=found.mean_score_before, mean_score_after=found.mean_score_after,
        confirmed_removed=found.confirmed_removed)


@router.delete("")
def reset_scoring_config(
    principal: Configurer, session: SessionDep, settings: SettingsDep
) -> RulesChanged:
    tenant = auth_repository.tenant(session, principal.tenant_id)
    version = service.reset(session, settings, tenant, principal.name)
    return RulesChanged(
        version=scoring_config.load().version, number=version.number, rescore_queued=True
    )


@router.post("/learn")
def learn_scoring_config(
    principal: Configurer, session: SessionDep, settings: SettingsDep
) -> Learned:
    """Adjust the tenant's thresholds and add recurring dismissed sentences as ``unlike``
    examples, from the supervisors' verdicts; re-scores stored calls when anything changed.
    Undo with ``POST /config/scoring/versions/{number}/restore``."""
    tenant = auth_repository.tenant(session, principal.tenant_id)
    learned, number = service.learn(session, settings, tenant, principal.name)
    return Learned(
        verdicts=learned.verdicts,
        number=number,
        changes=[LearnedChange(**dataclasses.asdict(change)) for change in learned.changes],
        rescore_queued=number is not None,
    )


@router.get("/versions")
def scoring_config_versions(principal: Reader, session: SessionDep) -> list[RulesVersion]:
    """Every rules version of the tenant, newest first."""
    return [RulesVersion(**row) for row in versions.listing(session, principal.tenant_id)]


@router.post("/versions/{number}/restore")
def restore_scoring_config(
    number: Annotated[int, Path(ge=1, le=1_000_000)],
    principal: Configurer,
    session: SessionDep,
    settings: SettingsDep,
) -> RulesChanged:
    tenant = auth_repository.tenant(session, principal.tenant_id)
    version = service.restore(session, settings, tenant, number, principal.name)
    return RulesChanged(number=version.number, rescore_queued=True)
