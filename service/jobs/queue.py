"""Dramatiq wiring. One set of actors; the broker decides where they run:

* ``CALLQA_BROKER_URL=redis://...`` (or ``amqp://``): the API enqueues, ``callqa worker``
  processes on any host run the actors; Redis gives dead workers' messages back after
  ``CALLQA_BROKER_HEARTBEAT_S``.
* no broker URL: a StubBroker and a dramatiq Worker in the same process (``callqa serve``).

A reaper in every worker re-enqueues calls whose lease expired (worker killed) or whose
message was lost; the claim in ``process.run`` makes duplicates harmless."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import dramatiq
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import CurrentMessage

from service.settings import Settings

log = logging.getLogger("callqa.jobs")


@dataclass
class Queue:
    broker: dramatiq.Broker
    analyze: dramatiq.Actor
    rescore: dramatiq.Actor
    callback: dramatiq.Actor
    in_process: bool


ORPHAN_SWEEP_S = 600
PURGE_S = 300  # retention: recordings and calls past their date go within five minutes
PURGE_BATCHES = 50  # per run, each a transaction of at most 200 calls per tenant
MAINTENANCE_HOLD_S = 1800  # a worker that dies holding a task frees it after this
_queues: dict[str, Queue] = {}
_lock = threading.Lock()


def _make_broker(settings: Settings) -> tuple[dramatiq.Broker, bool]:
    url = settings.broker_url
    if not url:
        return StubBroker(), True
    if url.startswith(("redis://", "rediss://", "unix://")):
        from dramatiq.brokers.redis import RedisBroker

        return RedisBroker(
            url=url,
            namespace=settings.broker_namespace,
            heartbeat_timeout=settings.broker_heartbeat_s * 1000,
        ), False
    if url.startswith(("amqp://", "amqps://")):
        from dramatiq.brokers.rabbitmq import RabbitmqBroker  # needs pika: callqa[rabbitmq]

        return RabbitmqBroker(url=url), False
    raise ValueError(f"CALLQA_BROKER_URL must be redis://, rediss:// or amqp://, not {url!r}")


def get_queue(settings: Settings) -> Queue:
    """The broker and actors for these settings (declared once per process)."""
    key = settings.model_dump_json()  # the actors close over these settings: all must match
    with _lock:
        if key in _queues:
            return _queues[key]
        broker, in_process = _make_broker(settings)
        broker.add_middleware(CurrentMessage())
        dramatiq.set_broker(broker)
        retry = {
            "max_retries": settings.job_max_retries,
            "min_backoff": settings.job_min_backoff_ms,
            "max_backoff": settings.job_min_backoff_ms * 60,
            "time_limit": settings.job_time_limit_s * 1000,
        }

        def analyze_call(call_id: str) -> None:
            from service.jobs import process

            message = CurrentMessage.get_current_message()
            retries = message.options.get("retries", 0) if message else 0
            outcome = process.run(
                settings, call_id, final_attempt=retries >= settings.job_max_retries
            )
            log.info("call %s: %s", call_id, outcome)
            if outcome in ("done", "failed"):
                queue.callback.send(call_id)

        def rescore_tenant(tenant_id: str) -> None:
            from service.reviews import service as review

            review.rescore_tenant(settings, tenant_id)

        def send_callback(call_id: str) -> None:
            from service.webhooks import callbacks

            callbacks.deliver(settings, call_id)

        queue = Queue(
            broker=broker,
            analyze=dramatiq.actor(
                analyze_call,
                actor_name="analyze_call",
                queue_name="analysis",
                broker=broker,
                **retry,
            ),
            rescore=dramatiq.actor(
                rescore_tenant,
                actor_name="rescore_tenant",
                queue_name="scoring",
                broker=broker,
                **retry,
            ),
            callback=dramatiq.actor(
                send_callback,
                actor_name="send_callback",
                queue_name="callbacks",
                broker=broker,
                max_retries=5,
                min_backoff=10_000,
            ),
            in_process=in_process,
        )
        _queues[key] = queue
        return queue


def _send_and_mark(settings: Settings, actor: str, key: str, mark) -> bool:
    """Send ``key`` to the ``actor`` ("analyze" or "rescore") and, once the broker took it,
    set its outbox mark with ``mark(session, key)``; True if sent. A broker that is down is
    logged, not raised: the row stays unsent and every worker's reaper sends it once the
    broker is back."""
    from service.db.session import unit_of_work

    try:
        getattr(get_queue(settings), actor).send(key)
    except Exception:
        log.exception("could not send %s %s; the reaper will send it", actor, key)
        return False
    with unit_of_work(settings.sqlalchemy_url) as session:
        mark(session, key)
    return True


def enqueue_analysis(settings: Settings, call_id: str) -> bool:
    """Send the call's analysis message and mark it sent; call only after the row is committed
    (the worker re-reads it by id)."""
    from service.jobs import repository

    return _send_and_mark(settings, "analyze", call_id, repository.mark_enqueued)


def enqueue_rescore(settings: Settings, tenant_id: str) -> bool:
    """Send the tenant's re-score message and mark it sent, as for calls."""
    from service.rules import repository

    return _send_and_mark(settings, "rescore", tenant_id, repository.mark_rescore_sent)


class Reaper:
    """Every ``interval_s``: fail calls whose workers keep dying, and send the calls with a
    lapsed lease, never sent, or sent so long ago the message must be lost."""

    def __init__(self, settings: Settings, interval_s: float | None = None):
        self.settings = settings
        self.interval_s = interval_s or max(2.0, settings.job_lease_s / 2)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name="callqa-reaper")

    def sweep(self) -> int:
        from service.jobs.process import calls_to_send

        stale = calls_to_send(self.settings)
        sent = sum(enqueue_analysis(self.settings, call_id) for call_id in stale)
        self.resend_rescores()
        if stale:
            log.info("sent %d of %d calls that needed an analysis message", sent, len(stale))
        return sent

    def resend_rescores(self) -> int:
        """Send the re-scores that need a message: never sent (the broker was down), or sent
        longer ago than CALLQA_JOB_RESEND_AFTER_S and not finished (the message was lost).
        Returns how many were sent."""
        from datetime import timedelta

        from service.db.models import utcnow
        from service.db.session import unit_of_work
        from service.jobs.process import UNSENT_GRACE_S
        from service.rules import repository

        now = utcnow()
        with unit_of_work(self.settings.sqlalchemy_url) as session:
            waiting = repository.tenants_awaiting_rescore(
                session,
                unsent_before=now - timedelta(seconds=UNSENT_GRACE_S),
                resend_before=now - timedelta(seconds=self.settings.job_resend_after_s),
            )
        return sum(enqueue_rescore(self.settings, tenant_id) for tenant_id in waiting)

    def _maintain(self, name: str, every_s: float, task) -> bool:
        """Run ``task`` if no other worker of the fleet runs ``name`` now and it last ran
        over ``every_s`` ago; True if it ran."""
        from service.db.session import unit_of_work
        from service.jobs import repository

        with unit_of_work(self.settings.sqlalchemy_url) as session:
            token = repository.take_maintenance(session, name, every_s, MAINTENANCE_HOLD_S)
        if token is None:
            return False
        try:
            task()
        finally:
            with unit_of_work(self.settings.sqlalchemy_url) as session:
                repository.finish_maintenance(session, name, token)
        return True

    def sweep_orphans(self) -> bool:
        """Partial uploads and unreferenced audio past grace, in one worker of the fleet at
        most every ORPHAN_SWEEP_S (listing every stored key is costly on S3)."""
        from service.calls import orphans

        return self._maintain("orphan_sweep", ORPHAN_SWEEP_S, lambda: orphans.sweep(self.settings))

    def purge_expired(self) -> bool:
        """Recordings and calls past their tenant's retention, in one worker of the fleet at
        most every PURGE_S, a bounded batch per transaction."""
        return self._maintain("retention_purge", PURGE_S, self._purge)

    def _purge(self) -> None:
        from service.db.session import unit_of_work
        from service.privacy import service as privacy

        audio = calls = 0
        for _ in range(PURGE_BATCHES):
            with unit_of_work(self.settings.sqlalchemy_url) as session:
                batch = privacy.purge(session, self.settings)
            audio, calls = audio + batch[0], calls + batch[1]
            if batch == (0, 0):
                break
        if audio or calls:
            log.info("retention: deleted %d recordings and %d calls", audio, calls)

    def touch_alive_file(self) -> None:
        """Liveness for orchestrators: the file's mtime is the last time this worker reached
        both the database (the sweep) and the broker (a ping)."""
        if not self.settings.worker_alive_file:
            return
        from service.health import check_broker

        check_broker(self.settings)
        Path(self.settings.worker_alive_file).touch()

    def _run(self) -> None:
        while True:
            for step in (self.sweep, self.touch_alive_file, self.sweep_orphans,
                         self.purge_expired):
                try:
                    step()
                except Exception:
                    log.exception("reaper %s failed", step.__name__)
                    if step == self.sweep:
                        break  # no database: not alive either
            if self.stop.wait(self.interval_s):
                return

    def start(self) -> Reaper:
        self.thread.start()
        return self


class WorkerRunner:
    """A dramatiq Worker for the analysis actors plus the reaper, started and stopped together."""

    def __init__(self, settings: Settings, threads: int | None = None):
        self.settings = settings
        self.queue = get_queue(settings)
        self.worker = dramatiq.Worker(
            self.queue.broker,
            worker_threads=threads or settings.worker_threads,
            worker_timeout=1000,
        )
        self.reaper = Reaper(settings)

    def start(self) -> WorkerRunner:
        from audio.models import offline_environment

        offline_environment()
        self.worker.start()
        self.reaper.start()
        return self

    def stop(self) -> None:
        from service.jobs import isolation

        self.reaper.stop.set()
        self.worker.stop(timeout=10_000)
        isolation.shutdown()
