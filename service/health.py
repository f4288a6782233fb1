"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from service.db.session import engine_for
from service.deps import SettingsDep
from service.settings import Settings

router = APIRouter(tags=["health"])


class Readiness(BaseModel):
    ready: bool
    checks: dict[str, str]


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


def check_database(settings: Settings) -> str:
    with engine_for(settings.sqlalchemy_url).connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return f"ok (schema {version})"


def check_broker(settings: Settings) -> str:
    if not settings.broker_url:
        return "ok (in-process)"
    from service.jobs.queue import get_queue

    broker = get_queue(settings).broker
    client = getattr(broker, "client", None)
    if client is not None:  # Redis
        client.ping()
    else:
        broker.get_declared_queues()
    return "ok"


def _check_models() -> str:
    from audio import models

    models.whisper_tiny_en_ct2()
    models.segmentation_3_0()
    models.campplus_state_dict()
    models.minilm_sentence_model()
    return "ok (shipped models present)"


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
def readyz(settings: SettingsDep) -> JSONResponse:
    checks, ready = {}, True
    for name, check in (
        ("database", lambda: check_database(settings)),
        ("broker", lambda: check_broker(settings)),
        ("models", _check_models),
    ):
        try:
            checks[name] = check()
        except Exception as error:
            checks[name], ready = f"failed: {type(error).__name__}: {error}", False
    return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)
