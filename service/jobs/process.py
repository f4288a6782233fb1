"""One analysis job: claim the call, analyse its audio, store the result, or record why not.

The database decides who works on a call: a conditional UPDATE claims it (queued, or
processing with an expired lease), so duplicate messages and restarted workers never
analyse a call twice at once, and a result is only written under a live claim."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import or_, select, update

from audio.errors import AudioError
from service.db.models import Call, Tenant, utcnow
from service.db.session import session_scope
from service.settings import Settings

log = logging.getLogger("callqa.jobs")


class TransientError(Exception):
    """Worth retrying (storage or database hiccup)."""


def claim(settings: Settings, call_id: str) -> int | None:
    """Take the call for this worker; returns the attempt number, or None if not ours."""
    now = utcnow()
    with session_scope(settings.sqlalchemy_url) as session:
        result = session.execute(
            update(Call)
            .where(
                Call.id == call_id,
                or_(
                    Call.status == "queued",
                    (Call.status == "processing") & (Call.lease_until < now),
                ),
            )
            .values(
                status="processing",
                attempts=Call.attempts + 1,
                started_at=now,
                lease_until=now + timedelta(seconds=settings.job_lease_s),
                failure_reason=None,
            )
        )
        if result.rowcount != 1:
            return None
        return session.scalar(select(Call.attempts).where(Call.id == call_id))


def _still_ours(call_id: str, attempt: int):
    return (Call.id == call_id) & (Call.status == "processing") & (Call.attempts == attempt)


def renew_lease(settings: Settings, call_id: str, attempt: int) -> None:
    with session_scope(settings.sqlalchemy_url) as session:
        session.execute(
            update(Call)
            .where(_still_ours(call_id, attempt))
            .values(lease_until=utcnow() + timedelta(seconds=settings.job_lease_s))
        )


class LeaseKeeper:
    """Renews the claim every third of the lease while the analysis runs."""

    def __init__(self, settings: Settings, call_id: str, attempt: int):
        self.settings, self.call_id, self.attempt = settings, call_id, attempt
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name=f"lease-{call_id}")

    def _run(self) -> None:
        while not self.stop.wait(max(1.0, self.settings.job_lease_s / 3)):
            try:
                renew_lease(self.settings, self.call_id, self.attempt)
            except Exception:  # a missed renewal is retried next tick
                log.exception("lease renewal failed for %s", self.call_id)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=5)


def fail(settings: Settings, call_id: str, reason: str, attempt: int | None = None) -> None:
    with session_scope(settings.sqlalchemy_url) as session:
        condition = Call.id == call_id if attempt is None else _still_ours(call_id, attempt)
        session.execute(
            update(Call)
            .where(condition)
            .values(status="failed", failure_reason=reason, finished_at=utcnow(), lease_until=None)
        )


def requeue(settings: Settings, call_id: str, attempt: int, reason: str) -> None:
    """Give the call back after a transient error; the broker retries the message."""
    with session_scope(settings.sqlalchemy_url) as session:
        session.execute(
            update(Call)
            .where(_still_ours(call_id, attempt))
            .values(
                status="queued",
                lease_until=None,
                queued_at=utcnow(),
                failure_reason=f"retrying after: {reason}",
            )
        )


def resolved_device(setting: str) -> str:
    if setting != "auto":
        return setting
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def analysis_options(settings: Settings, call: Call):
    from audio.diarize import DiarizationOptions
    from audio.pipeline import AnalysisOptions
    from audio.transcribe import TranscriptionOptions

    device = resolved_device(settings.device)
    options = AnalysisOptions(
        agent_channel=call.agent_channel,
        max_duration_s=settings.max_duration_h * 3600,
        threads=settings.analysis_threads,
    )
    return replace(
        options,
        transcription=replace(
            TranscriptionOptions(),
            language=call.language,
            cpu_threads=settings.analysis_threads,
            device=device,
            compute_type="int8" if device == "cpu" else "float16",
        ),
        diarization=replace(
            DiarizationOptions(),
            device=device,
            pipeline=settings.diarization_pipeline or None,
            hf_token=settings.hf_token or None,
        ),
    )


def run(settings: Settings, call_id: str, *, final_attempt: bool = True) -> str:
    """Analyse ``call_id``; returns what happened: done | failed | skipped | retry.

    Raises TransientError (after requeueing the call) when a retry may succeed."""
    from audio.pipeline import analyze
    from service.calls.results import store, tenant_rules
    from service.calls.storage import storage_for

    attempt = claim(settings, call_id)
    if attempt is None:
        return "skipped"
    with session_scope(settings.sqlalchemy_url) as session:
        call = session.get(Call, call_id)
        audio_key, options = call.audio_key, analysis_options(settings, call)
    storage = storage_for(settings)
    try:
        path = storage.local_copy(audio_key)
    except Exception as error:
        return _transient(settings, call_id, attempt, f"audio storage: {error}", final_attempt)
    try:
        with LeaseKeeper(settings, call_id, attempt):
            analysis = analyze(path, options)
    except AudioError as error:
        fail(settings, call_id, f"{error.code}: {error.message}", attempt)
        return "failed"
    except Exception as error:
        log.exception("analysis of %s failed", call_id)
        return _transient(
            settings, call_id, attempt, f"{type(error).__name__}: {error}", final_attempt
        )
    finally:
        storage.release(audio_key, path)
    with session_scope(settings.sqlalchemy_url) as session:
        call = session.scalar(select(Call).where(_still_ours(call_id, attempt)).with_for_update())
        if call is None:  # deleted, or our lease lapsed and another worker took over
            return "skipped"
        tenant = session.get(Tenant, call.tenant_id)
        try:
            store(session, call, analysis, tenant_rules(tenant.scoring_config))
        except ValueError as error:  # the tenant's rules are broken: nothing to retry
            call.status, call.failure_reason = "failed", f"scoring_config: {error}"
            call.finished_at, call.lease_until = utcnow(), None
            return "failed"
        call.status, call.finished_at, call.lease_until = "done", utcnow(), None
        call.failure_reason = None
    return "done"


def _transient(settings, call_id, attempt, reason, final_attempt) -> str:
    if final_attempt:
        fail(settings, call_id, f"gave up after {attempt} attempts: {reason}", attempt)
        return "failed"
    requeue(settings, call_id, attempt, reason)
    raise TransientError(reason)


def stale_call_ids(settings: Settings, queued_older_than_s: float) -> list[str]:
    """Calls whose worker died (lease expired) or whose message may be lost."""
    now = utcnow()
    with session_scope(settings.sqlalchemy_url) as session:
        return list(
            session.scalars(
                select(Call.id)
                .where(
                    or_(
                        (Call.status == "processing") & (Call.lease_until < now),
                        (Call.status == "queued")
                        & (Call.queued_at < now - timedelta(seconds=queued_older_than_s)),
                    )
                )
                .limit(1000)
            )
        )
