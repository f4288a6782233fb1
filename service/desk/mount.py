"""Mount the review desk on the API app: pages, static files, errors, security headers."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from service.desk import pages
from service.desk.viewer import PageForbidden, SignInRequired

# the desk loads only its own files: no CDN, no inline script, no framing
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
API_PREFIXES = ("/api/", "/docs", "/openapi.json", "/healthz", "/readyz")


def install(app: FastAPI) -> None:
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC_DIR), name="static")

    @app.exception_handler(SignInRequired)
    async def to_signin(request: Request, error: SignInRequired):
        return RedirectResponse(error.location(), status_code=303)

    @app.exception_handler(PageForbidden)
    async def forbidden(request: Request, error: PageForbidden):
        return pages.page(request, error.who, "error.html", status_code=403,
                          title="Not for this role", message=str(error))

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        if not request.url.path.startswith(API_PREFIXES):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            response.headers.setdefault("Referrer-Policy", "same-origin")
            if "text/html" in response.headers.get("content-type", ""):
                response.headers.setdefault("Cache-Control", "no-store")
        return response

