"""Turn a received recording into a queued call: deduplicate, check it is audio, store it.

``accept`` flushes the row and arranges the rest with the caller's unit of work: the analysis
is enqueued after the commit, and the stored audio is removed if the commit never happens."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from audio import decode
from audio.errors import AudioError, NotAudioError, UnsupportedCodecError
from service.calls import repository
from service.calls.storage import storage_for
from service.db.models import Call, new_id, utcnow
from service.db.session import after_commit, on_rollback
from service.db.upsert import insert_unless_taken
from service.errors import CallqaError
from service.jobs.queue import enqueue_analysis
from service.settings import Settings
from service.validation import nul_free

AGENT_CHANNELS = ("left", "right")


class IngestError(CallqaError):
    """A recording refused at the door (its ``code`` names why)."""

    status = 422


@dataclass(frozen=True)
class CallMetadata:
    external_id: str | None = None
    agent_id: str | None = None
    agent_channel: str = "left"
    language: str = "en"
    tags: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("external_id", "agent_id"):
            value = getattr(self, name)
            if value is not None and len(value) > 200:
                raise IngestError(f"{name} is longer than 200 characters", code="bad_metadata")
        if not nul_free([self.external_id, self.agent_id, self.language, self.tags, self.extra]):
            raise IngestError("metadata must not contain a NUL character", code="bad_metadata")
        if self.agent_channel not in AGENT_CHANNELS:
            raise IngestError("agent_channel must be 'left' or 'right'", code="bad_metadata")
        if not self.language.isalpha() or len(self.language) > 8:
            raise IngestError("language must be a code such as 'en'", code="bad_metadata")


@contextmanager
def scratch_file(settings: Settings, suffix: str = ".part") -> Iterator[Path]:
    """A temp file next to the audio store (so moving it in is a rename, not a copy), gone
    when the block ends whatever happened; storing it moves it away first."""
    directory = settings.data_dir / "incoming"
    directory.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=directory, suffix=suffix)
    os.close(descriptor)
    path = Path(name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def audio_error_message(error: AudioError, path: Path, shown: str | None = None) -> str:
    """The decoder names the file it read; in the service that is our temp file or local
    copy, not the caller's: the caller's own file name (``shown``) takes its place, and
    the server's path never appears."""
    message = error.message.removeprefix(f"{path.name}: ")
    message = message.replace(f"{path}: ", "").replace(str(path), "the recording")
    message = message.replace(path.name, "the recording")
    return f"{shown}: {message}" if shown else message


def _check_audio(path: Path, settings: Settings, shown: str | None = None) -> decode.AudioInfo:
    try:
        info = decode.probe(path)
    except (NotAudioError, UnsupportedCodecError) as error:
        raise IngestError(audio_error_message(error, path, shown), code=error.code,
                          status=415) from error
    except AudioError as error:
        raise IngestError(audio_error_message(error, path, shown), code=error.code) from error
    limit_s = settings.max_duration_h * 3600
    if info.header_duration_s is not None and info.header_duration_s > limit_s:
        raise IngestError(
            f"the recording is {info.header_duration_s / 3600:.1f} h, over the "
            f"{settings.max_duration_h:g} h limit",
            code="too_long",
        )
    if info.header_duration_s is None or info.header_duration_s > decode.SCREEN_FROM_S:
        # hours of silence, offset or test tone in a few hundred KB: refused here, in
        # seconds and kilobytes, before anything decodes it whole
        try:
            decode.screen(path, max_duration_s=limit_s)
        except AudioError as error:
            raise IngestError(audio_error_message(error, path, shown), code=error.code
                              ) from error
    return info


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
    """(call, created). The same audio twice for a tenant returns the first call. A new call
    is flushed; its analysis is enqueued once the caller's unit of work commits. Its metadata
    and file name are stored with personal data masked as the tenant's redaction policy asks."""
    from service.auth import repository as auth_repository
    from service.privacy import service as privacy

    found = repository.call_by_hash(session, tenant_id, sha256)
    if found is not None:
        if found.status == "queued" and found.enqueued_at is None:  # a retry after a failed send
            after_commit(session, lambda: enqueue_analysis(settings, found.id))
        return found, False
    tenant = auth_repository.tenant(session, tenant_id)
    shown = Path(filename.replace("\x00", "")).name[:200] if filename else None
    info = _check_audio(path, settings, shown)
    storage = storage_for(settings)
    key = storage.put(path, Path(filename or "").suffix or info.format_name)
    on_rollback(session, lambda: storage.delete(key))
    call_id = new_id()
    fields = dict(
        id=call_id,
        tenant_id=tenant_id,
        source=source,
        external_id=metadata.external_id,
        agent_id=metadata.agent_id,
        agent_channel=metadata.agent_channel,
        language=metadata.language,
        tags=privacy.masked_metadata(tenant, {"tags": list(metadata.tags), **metadata.extra}),
        original_filename=privacy.masked_filename(
            tenant, (filename or None) and filename.replace("\x00", "")[:500]),
        audio_key=key,
        audio_bytes=size,
        content_hash=sha256,
        content_type=info.codec,
        duration_s=info.header_duration_s,
        status="queued",
        created_at=utcnow(),
        queued_at=utcnow(),
    )
    if not insert_unless_taken(session, Call, ["tenant_id", "content_hash"], **fields):
        storage.delete(key)  # the same file raced in twice: keep the first
        found = repository.call_by_hash(session, tenant_id, sha256)
        if found is None:
            raise IngestError("the same recording is being taken right now; send it again",
                              code="upload_in_progress", status=409)
        return found, False
    after_commit(session, lambda: enqueue_analysis(settings, call_id))
    return repository.call(session, call_id), True
