"""The FastAPI application. ``create_app(settings, worker=True)`` also runs the analysis
worker in-process when no broker is configured (the embedded default)."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from service import docs, health
from service.auth import endpoints as keys
from service.calls import endpoints as calls
from service.desk import mount as desk
from service.reviews import endpoints as review
from service.settings import Settings, get_settings
from service.webhooks import endpoints as webhooks


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

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError):
        first = error.errors()[0] if error.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()))
        return JSONResponse(
            {"detail": f"{where}: {first.get('msg', 'invalid request')}"}, status_code=422
        )

    for module in (health, calls, webhooks, review, keys):
        app.include_router(module.router)
    desk.install(app)
    return app
