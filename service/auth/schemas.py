"""API bodies for key management."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from service.auth.keys import ROLES
from service.validation import Text


class KeyIn(BaseModel):
    role: str = Field(pattern="^(" + "|".join(ROLES) + ")$")
    name: Text = Field("", max_length=200)


class KeyPublic(BaseModel):
    id: str
    prefix: str
    role: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool


class KeyCreated(BaseModel):
    """The only answer that ever carries the key itself."""

    id: str
    key: str
    role: str
    name: str
