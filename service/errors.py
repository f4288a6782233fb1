"""The one error contract of the service.

Every refusal is a ``CallqaError`` with a machine ``code`` (stable, snake_case), a
``message`` a person can act on, and an HTTP ``status``. One handler
(``service.http_errors``) answers ``{"error": {"code": ..., "message": ...}}`` for these; the
CLI prints the same code and message on one line. No web framework is imported here, so the
CLI's scoring path stays light."""

from __future__ import annotations


class CallqaError(Exception):
    """Base of every error the service shows to a caller."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or type(self).code
        self.status = status or type(self).status
        self.headers = headers or {}

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class NotFound(CallqaError):
    status, code = 404, "not_found"


class Conflict(CallqaError):
    status, code = 409, "conflict"


class Invalid(CallqaError):
    status, code = 422, "invalid"


class TooLarge(CallqaError):
    status, code = 413, "too_large"


class UnsupportedMedia(CallqaError):
    status, code = 415, "unsupported_media_type"


class Unauthorized(CallqaError):
    status, code = 401, "unauthorized"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message, code=code, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(CallqaError):
    status, code = 403, "forbidden"
