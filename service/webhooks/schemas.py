"""API bodies for pushed recordings and the tenant's callback settings."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, HttpUrl, UrlConstraints, field_validator

from service.validation import Text, nul_free


class WebhookRecording(BaseModel):
    audio_url: HttpUrl
    external_id: Text | None = Field(None, max_length=200)
    agent_id: Text | None = Field(None, max_length=200)
    agent_channel: Literal["left", "right"] = "left"
    language: Text = Field("en", max_length=8)
    tags: list[Annotated[Text, Field(max_length=100)]] = Field(default_factory=list, max_length=50)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("metadata")
    @classmethod
    def _storable(cls, value: dict[str, Any]) -> dict[str, Any]:
        if not nul_free(value):
            raise ValueError("must not contain a NUL character")
        return value


class WebhookAccepted(BaseModel):
    """A delivery taken: a new call, or the call this audio already made (``duplicate``)."""

    id: str
    status: str
    duplicate: bool
    status_url: str


class WebhookReplayed(BaseModel):
    """A delivery id seen before: the call it made (null if that call was since erased)."""

    id: str | None
    replayed: bool = True
    status_url: str | None


class WebhookIgnored(BaseModel):
    ignored: bool = True
    reason: str


class TenantSettingsIn(BaseModel):
    callback_url: Annotated[HttpUrl, UrlConstraints(max_length=2000)] | None = None


class TenantSettings(BaseModel):
    callback_url: str | None
