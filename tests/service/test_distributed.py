"""The fleet path: API and worker as separate processes, Redis as broker, PostgreSQL as the
source of truth, a real synthetic call analysed end to end, and a worker killed mid-job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import REDIS_URL, make_tenant

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def calls(tmp_path_factory):
    from bench.synth import DEMO_LINES, render

    directory = tmp_path_factory.mktemp("fleet")
    return [render(DEMO_LINES[start:start + 3], directory, f"part{start}")
            for start in (0, 3)]


@pytest.fixture
def fleet(postgres_url, tmp_path):
    import redis

    from service.settings import Settings

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis is required at {REDIS_URL} ({error})")
    settings = Settings(
        data_dir=tmp_path / "shared", database_url=postgres_url, broker_url=REDIS_URL,
        broker_namespace=f"callqa-test-{uuid.uuid4().hex[:8]}", job_lease_s=8,
        broker_heartbeat_s=5, job_min_backoff_ms=500,
    )
    env = {**os.environ, **{f"CALLQA_{k.upper()}": str(v) for k, v in {
        "data_dir": settings.data_dir, "database_url": postgres_url, "broker_url": REDIS_URL,
        "broker_namespace": settings.broker_namespace, "job_lease_s": 8,
        "broker_heartbeat_s": 5, "job_min_backoff_ms": 500}.items()}}
    workers: list[subprocess.Popen] = []

    def start_worker() -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "worker", "--threads", "1"], cwd=ROOT,
            env=env, stderr=subprocess.PIPE, text=True,
        )
        for line in process.stderr:  # wait until models are loaded and it consumes
            if "worker ready" in line:
                break
        else:
            pytest.fail(f"worker exited with {process.wait()}")
        workers.append(process)
        return process

    from service.app import create_app
    from tests.service.conftest import fresh_state

    with TestClient(create_app(settings, run_worker=False)) as client:
        fresh_state(settings)
        tenant_id, keys, _ = make_tenant(settings, "fleet")
        yield client, {"Authorization": f"Bearer {keys['qa']}"}, start_worker, settings
    for process in workers:
        process.kill()
        process.wait()
    redis.Redis.from_url(REDIS_URL).delete(*(
        redis.Redis.from_url(REDIS_URL).keys(f"{settings.broker_namespace}*") or [b"none"]))


def _upload(client, headers, path) -> str:
    with open(path, "rb") as handle:
        response = client.post("/api/v1/calls", headers=headers, files={"file": (path.name, handle)})
    assert response.status_code == 202, response.text
    return response.json()["id"]


def _wait(client, headers, call_id, statuses, timeout_s=180, poll_s=0.5):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        call = client.get(f"/api/v1/calls/{call_id}", headers=headers).json()
        if call["status"] in statuses:
            return call
        time.sleep(poll_s)
    pytest.fail(f"call {call_id} stayed {call['status']} for {timeout_s} s")


def test_worker_process_analyses_through_redis(fleet, calls):
    client, headers, start_worker, _ = fleet
    start_worker()
    call_id = _upload(client, headers, calls[0].stereo_path)
    call = _wait(client, headers, call_id, ("done", "failed"))
    assert call["status"] == "done" and call["attempts"] == 1, call
    assert call["flags"] and call["segments"][0]["speaker"] == "agent"
    ready = client.get("/readyz").json()
    assert ready["checks"]["broker"] == "ok"


def test_worker_killed_mid_job_completes_exactly_once(fleet, calls):
    client, headers, start_worker, _ = fleet
    first = start_worker()
    call_id = _upload(client, headers, calls[1].stereo_path)
    _wait(client, headers, call_id, ("processing",), poll_s=0.05)
    first.send_signal(signal.SIGKILL)  # no cleanup, no ack, lease left behind
    first.wait()
    start_worker()
    call = _wait(client, headers, call_id, ("done", "failed"))
    assert call["status"] == "done" and call["attempts"] == 2, call
    moments = [(f["type"], f["start"]) for f in call["flags"]]
    assert moments and len(moments) == len(set(moments))  # no duplicated results
