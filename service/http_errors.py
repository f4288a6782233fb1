"""The one handler that maps errors to HTTP: ``CallqaError``, FastAPI's request validation
and Starlette's own (unknown route, wrong method) all answer with ``ErrorBody``."""

from __future__ import annotations

import logging
from http import HTTPStatus
from urllib.parse import unquote_plus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.errors import CallqaError

log = logging.getLogger("callqa.api")


class ErrorDetail(BaseModel):

    code: str
    message: str


class ErrorBody(BaseModel):
    """What every 4xx and 5xx answer of the API carries."""

    error: ErrorDetail


def body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def _code_for(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


# documented on every operation: the statuses any route may answer with the error body
ERROR_RESPONSES: dict[int | str, dict] = {
    status: {
        "model": ErrorBody,
        "description": HTTPStatus(status).phrase,
        # explicit, so routes answering text on success still document JSON errors
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    }
    for status in (400, 401, 403, 404, 409, 413, 415, 422)
}


def _has_nul(scope) -> bool:
    query = unquote_plus(scope.get("query_string", b"").decode("latin-1"))
    return "\x00" in scope.get("path", "") or "\x00" in query


class RefuseNul:
    """A NUL in a path or query value reaches no route (PostgreSQL cannot store it). Plain
    ASGI: a cheap check on every request, without BaseHTTPMiddleware's extra task."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and _has_nul(scope):
            refusal = body("invalid_request", "the address must not contain a NUL character")
            await JSONResponse(refusal, 422)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def install(app: FastAPI) -> None:
    app.add_middleware(RefuseNul)

    @app.exception_handler(CallqaError)
    async def callqa_error(request: Request, error: CallqaError) -> JSONResponse:
        return JSONResponse(body(error.code, error.message), error.status, error.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0] if error.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()))
        return JSONResponse(
            body("invalid_request", f"{where}: {first.get('msg', 'invalid request')}"), 422
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse(
            body("internal_error", "something went wrong on our side; it is logged. Try again, "
                 "and tell the operator if it keeps happening"),
            500,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        message = error.detail if isinstance(error.detail, str) else HTTPStatus(
            error.status_code
        ).phrase
        return JSONResponse(
            body(_code_for(error.status_code), message), error.status_code, error.headers
        )
