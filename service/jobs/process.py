"""One analysis job: claim the call, analyse its audio, store the result, or record why not.

The database decides who works on a call: a conditional UPDATE claims it (queued, or
processing with an expired lease), so duplicate messages and restarted workers never
analyse a call twice at once, and a result is only written under a live claim."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta

from audio.errors import AudioError
from service.auth import repository as auth_repository
from service.calls import repository as calls_repository
from service.calls.ingest import audio_error_message
from service.db.models import Call, utcnow
from service.db.session import after_commit, on_rollback, unit_of_work
from service.errors import CallqaError
from service.jobs import isolation, repository
from service.privacy import service as privacy
from service.settings import Settings

log = logging.getLogger("callqa.jobs")


UNSENT_GRACE_S = 5  # a just-committed call's own send is usually under way


class TransientError(Exception):
    """Worth retrying (storage or database hiccup)."""


@dataclass(frozen=True)
class Claim:
    attempt: int  # the claim token: every write of this job is conditional on it
    of_run: int  # 1, 2, ...: which attempt of the current run (a re-analysis starts a run)


def claim(settings: Settings, call_id: str) -> Claim | None:
    """Take the call for this worker; None if it is not ours."""
    with unit_of_work(settings.sqlalchemy_url) as session:
        taken = repository.claim(
            session, call_id, settings.job_lease_s, utcnow(), settings.job_max_attempts
        )
        if taken is None:  # perhaps because its workers keep dying: then it ends here
            _announce(session, settings,
                      repository.fail_abandoned(session, settings.job_max_attempts, call_id))
            return None
        attempt, before_run = taken
        return Claim(attempt, attempt - before_run)


def renew_lease(settings: Settings, call_id: str, attempt: int) -> None:
    with unit_of_work(settings.sqlalchemy_url) as session:
        repository.renew_lease(session, call_id, attempt, settings.job_lease_s)


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
    with unit_of_work(settings.sqlalchemy_url) as session:
        repository.mark_failed(session, call_id, reason, attempt)


def requeue(settings: Settings, call_id: str, attempt: int, reason: str) -> None:
    """Give the call back after a transient error; the broker retries the message."""
    with unit_of_work(settings.sqlalchemy_url) as session:
        repository.mark_queued(session, call_id, attempt, reason)


def analysis_options(settings: Settings, call: Call):
    """The worker's options for ``call``: the service settings plus the call's own."""
    from service.calls.options import analysis_options as build

    return build(
        agent_channel=call.agent_channel,
        language=call.language,
        max_duration_h=settings.max_duration_h,
        threads=settings.analysis_threads,
        device=settings.device,
        diarization_pipeline=settings.diarization_pipeline or None,
        hf_token=settings.hf_token or None,
    )


def run(settings: Settings, call_id: str, *, final_attempt: bool = True) -> str:
    """Analyse ``call_id``; returns what happened: done | failed | skipped.

    Raises TransientError (after requeueing the call) when a retry may succeed. The attempt
    is the last one when the broker will not retry the message (``final_attempt``) or when
    this run has had all its attempts, whichever message they came from (a lapsed lease's
    resend and the broker's own retry each claim one)."""
    from audio.pipeline import analyze
    from service.calls.options import stored
    from service.calls.results import store, tenant_rules
    from service.calls.storage import storage_for

    claimed = claim(settings, call_id)
    if claimed is None:
        return "skipped"
    attempt = claimed.attempt
    final_attempt = final_attempt or claimed.of_run >= settings.job_max_attempts
    with unit_of_work(settings.sqlalchemy_url) as session:
        call = calls_repository.call(session, call_id)
        audio_key, options = call.audio_key, analysis_options(settings, call)
        tenant = auth_repository.tenant(session, call.tenant_id)
        policy, wrapped_key = privacy.policy(tenant), tenant.data_key_wrapped
        # the recording as sent is sealed once: on a re-analysis the stored one is masked
        seal = (policy.keep_original and bool(policy.kinds) and policy.audio != "off"
                and call.original_key is None)
    try:  # keeping originals with no master key here: say so; the recording stays as sent
        seal_key = privacy.data_key_of(settings, wrapped_key) if seal else None
    except CallqaError as error:
        fail(settings, call_id, f"{error.code}: {error.message}", attempt)
        return "failed"
    storage = storage_for(settings)
    try:
        path = storage.local_copy(audio_key)
    except Exception as error:
        return _transient(settings, call_id, claimed, f"audio storage: {error}", final_attempt)
    try:
        with LeaseKeeper(settings, call_id, attempt):
            if settings.isolates_analysis:
                analysis = isolation.analyze_in_child(
                    path, options, slots=settings.worker_threads,
                    memory_gb=settings.analysis_memory_budget_gb,
                    time_limit_s=settings.job_time_limit_s,
                )
            else:
                analysis = analyze(path, options)
            redaction, masked_key, sealed_key = _redact(settings, storage, path, analysis,
                                                        policy, seal_key)
    except AudioError as error:
        message = audio_error_message(error, path)
        fail(settings, call_id, f"{error.code}: {message}", attempt)
        return "failed"
    except isolation.AnalysisProcessDied as error:
        log.error("analysis of %s: %s", call_id, error)
        return _transient(settings, call_id, claimed, str(error), final_attempt)
    except Exception as error:
        log.exception("analysis of %s failed", call_id)
        return _transient(
            settings, call_id, claimed, f"{type(error).__name__}: {error}", final_attempt
        )
    finally:
        storage.release(audio_key, path)
    with unit_of_work(settings.sqlalchemy_url) as session:
        call = repository.held_call(session, call_id, attempt)
        if call is None:  # deleted, or our lease lapsed and another worker took over
            for key in (masked_key, sealed_key):
                if key:
                    storage.delete(key)
            return "skipped"
        tenant = auth_repository.tenant(session, call.tenant_id)
        try:
            store(session, call, analysis, tenant_rules(tenant.scoring_config),
                  redaction=redaction)
            call.model_versions = {**call.model_versions, "analysis_options": stored(options)}
        except ValueError as error:  # the tenant's rules are broken: nothing to retry
            call.status, call.failure_reason = "failed", f"scoring_config: {error}"
            call.finished_at, call.lease_until = utcnow(), None
            for key in (masked_key, sealed_key):  # the recording stays as it was
                if key:
                    after_commit(session, lambda key=key: storage.delete(key))
            return "failed"
        if masked_key:  # the recording with personal data masked replaces the one sent
            _replace_audio(session, storage, call, masked_key, sealed_key)
        call.status, call.finished_at, call.lease_until = "done", utcnow(), None
        call.failure_reason = None
    return "done"


def _redact(settings: Settings, storage, path, analysis, policy, seal_key: bytes | None):
    """(the personal data found, the storage key of the audio masked over it, the key of the
    original sealed with ``seal_key``), as the tenant's policy asks; Nones for what it does
    not ask."""
    from audio.redact.mask import mask_file
    from service.calls import redaction
    from service.calls.ingest import scratch_file
    from service.privacy import sealing

    if not policy.kinds:
        return None, None, None
    detection = redaction.find(analysis, policy.kinds)
    if policy.audio == "off" or not detection.spans:
        return detection, None, None
    with scratch_file(settings, ".flac") as masked:
        mask_file(path, masked, detection.spans, policy.audio)
        masked_key = storage.put(masked, ".flac")
    if seal_key is None:
        return detection, masked_key, None
    with scratch_file(settings, ".sealed") as sealed:
        sealing.seal(path, sealed, seal_key)
        return detection, masked_key, storage.put(sealed, ".sealed")


def _replace_audio(session, storage, call: Call, masked_key: str, sealed_key: str | None
                   ) -> None:
    """Point the call at its masked recording (and its sealed original); the recording as
    sent goes once that is committed."""
    original = call.audio_key
    call.audio_key, call.content_type = masked_key, "flac"
    if sealed_key:
        if call.original_key is None:  # never over an original kept before
            call.original_key = sealed_key
        else:
            after_commit(session, lambda: storage.delete(sealed_key))
        on_rollback(session, lambda: storage.delete(sealed_key))
    if original:
        after_commit(session, lambda: storage.delete(original))
    on_rollback(session, lambda: storage.delete(masked_key))


def _public(reason: str, settings: Settings) -> str:
    """A failure reason as the tenant sees it: no paths of this server."""
    return reason.replace(str(settings.data_dir.resolve()), "").replace(str(settings.data_dir), "")


def _transient(settings, call_id, claimed: Claim, reason, final_attempt) -> str:
    reason = _public(reason, settings)
    if final_attempt:
        fail(settings, call_id, f"gave up after {claimed.of_run} attempts: {reason}",
             claimed.attempt)
        return "failed"
    requeue(settings, call_id, claimed.attempt, reason)
    raise TransientError(reason)


def _announce(session, settings: Settings, failed_ids: list[str]) -> None:
    """The tenant's callback for calls failed outside a job (``call.failed``), once committed."""
    from service.jobs.queue import get_queue

    for call_id in failed_ids:
        after_commit(session, lambda call_id=call_id: get_queue(settings).callback.send(call_id))


def calls_to_send(settings: Settings) -> list[str]:
    """Fail the calls whose workers died on every attempt; then the calls that need an
    analysis message (see ``repository.calls_to_send``)."""
    now = utcnow()
    with unit_of_work(settings.sqlalchemy_url) as session:
        failed = repository.fail_abandoned(session, settings.job_max_attempts)
        if failed:
            log.warning("%d calls failed: their worker died on every attempt", len(failed))
        _announce(session, settings, failed)
        return repository.calls_to_send(
            session,
            unsent_before=now - timedelta(seconds=UNSENT_GRACE_S),
            resend_before=now - timedelta(seconds=settings.job_resend_after_s),
        )
