"""API bodies for a tenant's redaction policy."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from audio.redact.kinds import KINDS

Kind = Literal[KINDS]  # type: ignore[valid-type]


class RedactionPolicy(BaseModel):
    """What is masked in every call analysed from now on: the kinds of personal data (none:
    redaction off) in the transcript, words, flag quotes and exports, and how the stored audio
    is masked over the same spans (``off``: the recording is kept as sent)."""

    kinds: list[Kind] = Field(default_factory=list, max_length=len(KINDS),
                              examples=[["card_number", "security_code", "ssn"]])
    audio: Literal["silence", "tone", "off"] = "silence"
    # keep each recording as sent, sealed with the tenant's own key, for admins only (needs
    # CALLQA_MASTER_KEY on the server); otherwise the masked recording replaces it for good
    keep_original: bool = False


class Retention(BaseModel):
    """How long a tenant keeps calls: the recording, and the call itself (transcript, flags,
    reviews), in days from upload; null keeps them until deleted. A scheduled purge in the
    worker deletes what is past its date and records it in the audit trail."""

    audio_days: int | None = Field(default=None, ge=0, le=36500)
    call_days: int | None = Field(default=None, ge=1, le=36500)


class Erased(BaseModel):
    deleted: int
    call_ids: list[str]


class AuditEventOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str  # read_call | read_transcript | read_audio | erase_call | erase_calls | ...
    call_id: str | None
    detail: dict


class AuditPage(BaseModel):
    events: list[AuditEventOut]
    next_before_id: int | None  # pass as before_id for the next (older) page
