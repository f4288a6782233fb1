"""Turn a received recording into a queued call: deduplicate, check it is audio, store it.

Callers enqueue the analysis only after ``accept`` has committed the row."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from audio import decode
from audio.errors import AudioError, NotAudioError, UnsupportedCodecError
from service.calls.storage import storage_for
from service.db.models import Call
from service.settings import Settings

AGENT_CHANNELS = ("left", "right")


class IngestError(Exception):
    def __init__(self, status_code: int, code: str, detail: str):
        super().__init__(detail)
        self.status_code, self.code, self.detail = status_code, code, detail


@dataclass(frozen=True)
class CallMetadata:
    external_id: str | None = None
    agent_id: str | None = None
    agent_channel: str = "left"
    language: str = "en"
    tags: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.agent_channel not in AGENT_CHANNELS:
            raise IngestError(422, "bad_metadata", "agent_channel must be 'left' or 'right'")
        if not self.language.isalpha() or len(self.language) > 8:
            raise IngestError(422, "bad_metadata", "language must be a code such as 'en'")


def scratch_file(settings: Settings, suffix: str = ".part") -> Path:
    """A temp file next to the audio store, so moving it in is a rename, not a copy."""
    directory = settings.data_dir / "incoming"
    directory.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=directory, suffix=suffix)
    os.close(descriptor)
    return Path(name)


def _check_audio(path: Path, settings: Settings) -> decode.AudioInfo:
    try:
        info = decode.probe(path)
    except (NotAudioError, UnsupportedCodecError) as error:
        raise IngestError(415, error.code, error.message) from error
    except AudioError as error:
        raise IngestError(422, error.code, error.message) from error
    limit_s = settings.max_duration_h * 3600
    if info.header_duration_s is not None and info.header_duration_s > limit_s:
        raise IngestError(
            422,
            "too_long",
            f"the recording is {info.header_duration_s / 3600:.1f} h, over the "
            f"{settings.max_duration_h:g} h limit",
        )
    return info


def existing_call(session: Session, tenant_id: str, sha256: str) -> Call | None:
    return session.scalar(
        select(Call).where(Call.tenant_id == tenant_id, Call.content_hash == sha256)
    )


def accept(
    session: Session,
    settings: Settings,
    tenant_id: str,
    path: Path,
    sha256: str,
    size: int,
    *,
    source: str,
    metadata: CallMetadata,
    filename: str | None = None,
) -> tuple[Call, bool]:
    """(call, created). The same audio twice for a tenant returns the first call."""
    try:
        found = existing_call(session, tenant_id, sha256)
        if found is not None:
            return found, False
        info = _check_audio(path, settings)
        key = storage_for(settings).put(path, Path(filename or "").suffix or info.format_name)
    finally:
        path.unlink(missing_ok=True)
    call = Call(
        tenant_id=tenant_id,
        source=source,
        external_id=metadata.external_id,
        agent_id=metadata.agent_id,
        agent_channel=metadata.agent_channel,
        language=metadata.language,
        tags={"tags": list(metadata.tags), **metadata.extra},
        original_filename=(filename or None) and filename[:500],
        audio_key=key,
        audio_bytes=size,
        content_hash=sha256,
        content_type=info.codec,
        duration_s=info.header_duration_s,
        status="queued",
    )
    session.add(call)
    try:
        session.commit()
    except IntegrityError:  # the same file raced in twice: keep the first
        session.rollback()
        storage_for(settings).delete(key)
        found = existing_call(session, tenant_id, sha256)
        if found is None:
            raise
        return found, False
    return call, True
