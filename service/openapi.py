"""OpenAPI descriptions of request bodies that routes read raw (streamed to disk, or signed
as sent), which FastAPI therefore cannot derive."""

from __future__ import annotations

from typing import Any

FILE = {"type": "string", "format": "binary"}


def form_schema(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"schema": {"type": "object", "required": list(required), "properties": properties}}


def request_body(content: dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` for a route: ``content`` maps media types to their schema."""
    return {"requestBody": {"required": True, "content": content}}
