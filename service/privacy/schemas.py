"""API bodies for a tenant's redaction policy."""

from __future__ import annotations

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
