"""Service fixtures: a real database (SQLite file and PostgreSQL), a real app, real keys.

Every API test runs on both databases. PostgreSQL gets a fresh database per test session
(created on the server at CALLQA_TEST_POSTGRES_URL, dropped afterwards)."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from bench.served import scratch_postgres

REDIS_URL = os.environ.get("CALLQA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="session")
def postgres_url():
    try:
        with scratch_postgres() as url:
            yield url
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'callqa.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def settings(database_url, tmp_path):
    from service.settings import Settings

    # analyses run in this process here (a child per test run is slow); the child-process
    # path has its own test in test_jobs.py and runs under `callqa serve` in test_serve.py
    return Settings(
        data_dir=tmp_path / "data", database_url=database_url, max_upload_mb=5,
        public_url="https://callqa.example.com", analysis_in_child="no",
    )


@dataclass
class Api:
    client: TestClient
    settings: object
    tenant_id: str
    keys: dict[str, str]  # role -> key
    secret: str

    def headers(self, role: str = "admin") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}


def make_tenant(settings, name: str) -> tuple[str, dict[str, str], str]:
    from service.auth import service as admin
    from service.db.session import unit_of_work

    with unit_of_work(settings.sqlalchemy_url) as session:
        tenant = admin.tenant_named(session, name)
        tenant.twilio_auth_token = "twilio-token-" + name
        keys = {role: admin.create_key(session, tenant, role, f"{role} of {name}")[1]
                for role in ("qa", "supervisor", "platform", "admin")}
        return tenant.id, keys, tenant.webhook_secret


def fresh_state(settings) -> None:
    """PostgreSQL's database and the in-process broker are shared by the session's tests:
    start each test from empty."""
    from service.db.models import Base
    from service.db.session import engine_for
    from service.jobs.queue import get_queue

    queue = get_queue(settings)
    if queue.in_process:
        queue.broker.flush_all()
    engine = engine_for(settings.sqlalchemy_url)
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {names} CASCADE"))


@pytest.fixture
def api(settings):
    """The app with no worker running: calls stay queued unless a test runs the job."""
    from service.app import create_app

    with TestClient(create_app(settings, run_worker=False)) as client:
        fresh_state(settings)
        tenant_id, keys, secret = make_tenant(settings, "acme")
        yield Api(client, settings, tenant_id, keys, secret)


@pytest.fixture
def other_tenant(api):
    return Api(api.client, api.settings, *make_tenant(api.settings, "globex"))


def wav_bytes(seconds: float = 1.0, silent: bool = False) -> bytes:
    """A small valid WAV (a tone, or digital silence)."""
    import io

    import numpy as np
    import soundfile as sf

    t = np.arange(int(16000 * seconds)) / 16000
    samples = np.zeros_like(t) if silent else 0.3 * np.sin(2 * np.pi * 220 * t)
    buffer = io.BytesIO()
    sf.write(buffer, samples.astype(np.float32), 16000, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def store_done_call(api: Api, analysis, agent_id: str = "agent-1", created_at=None,
                    tenant_id: str | None = None) -> str:
    """A finished call from an analysis computed once per session (no models run here)."""
    import hashlib

    from service.calls.results import store, tenant_rules
    from service.db.models import Call, Tenant
    from service.db.session import unit_of_work

    with unit_of_work(api.settings.sqlalchemy_url) as session:
        tenant = session.get(Tenant, tenant_id or api.tenant_id)
        call = Call(
            tenant_id=tenant.id, source="upload", agent_id=agent_id, agent_channel="left",
            content_hash=hashlib.sha256(uuid.uuid4().bytes).hexdigest(), status="done",
            audio_key=None,
        )
        if created_at is not None:
            call.created_at = created_at
        session.add(call)
        session.flush()
        store(session, call, analysis, tenant_rules(tenant.scoring_config))
        return call.id
