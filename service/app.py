"""The FastAPI application. ``create_app(settings, worker=True)`` also runs the analysis
worker in-process when no broker is configured (the embedded default)."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from service import docs, health, http_errors
from service.auth import endpoints as keys
from service.calls import endpoints as calls
from service.desk import mount as desk
from service.privacy import endpoints as privacy
from service.reviews import endpoints as reviews
from service.rules import endpoints as rules
from service.settings import Settings, get_settings
from service.webhooks import endpoints as webhooks

ROUTERS = (calls.router, webhooks.router, reviews.router, rules.router, privacy.router,
           keys.router)


def create_app(
    settings: Settings | None = None, *, run_worker: bool | None = None, migrate: bool = True
) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from audio.models import offline_environment
        from service.db import migrate as migrations
        from service.jobs.queue import WorkerRunner, get_queue

        offline_environment()
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        if migrate:
            migrations.upgrade(settings.sqlalchemy_url)
        queue = get_queue(settings)
        runner = None
        if run_worker if run_worker is not None else queue.in_process:
            runner = WorkerRunner(settings).start()
        app.state.worker = runner
        yield
        if runner is not None:
            runner.stop()

    app = FastAPI(
        title="callqa",
        version="0.1.0",
        description="Call quality monitoring: upload or push recordings, get flags and scores.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    docs.install(app)
    app.state.settings = settings

    http_errors.install(app)
    app.include_router(health.router)
    for router in ROUTERS:  # every API operation documents the error body
        app.include_router(router, responses=http_errors.ERROR_RESPONSES)
    desk.install(app)
    return app
