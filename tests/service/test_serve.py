"""The README's contract, as a user runs it: `callqa keys create`, `callqa serve`, curl."""

from __future__ import annotations

import json
import subprocess
import time

import httpx
import pytest

from bench.served import callqa, create_key, service_env, serving


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("served")
    env = service_env(data)
    key = create_key(env, "demo", "admin")
    secret = callqa(env, "webhooks", "secret", "--tenant", "demo")
    assert secret.stdout.strip().startswith("whsec_")
    with serving(env) as base:
        yield base, key, data


def test_curl_upload_comes_back_scored(served, demo_call):
    base, key, data = served
    assert (data / "callqa.db").is_file()  # the embedded database was created and migrated
    upload = subprocess.run(
        ["curl", "-sS", "-H", f"Authorization: Bearer {key}", "-F",
         f"file=@{demo_call.stereo_path}", "-F", "agent_id=jordan", f"{base}/api/v1/calls"],
        capture_output=True, text=True, timeout=60, check=True,
    )
    accepted = json.loads(upload.stdout)
    assert accepted["status"] == "queued"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        call = httpx.get(f"{base}/api/v1/calls/{accepted['id']}",
                         headers={"Authorization": f"Bearer {key}"}).json()
        if call["status"] in ("done", "failed"):
            break
        time.sleep(1)
    assert call["status"] == "done", call
    assert {"scripted_empathy", "system_blame", "raised_volume"} <= {f["type"] for f in call["flags"]}
    assert 0 <= call["score"] <= 100


def test_cli_refuses_a_bad_role(served):
    _, _, data = served
    result = callqa(service_env(data), "keys", "create", "--tenant", "demo", "--role", "owner")
    assert result.returncode != 0 and "invalid choice" in result.stderr


def test_worker_with_no_broker_fails_fast_with_a_reason(tmp_path):
    """A worker whose broker is down exits at once, non-zero, saying what to fix, instead of
    printing 'ready' and logging connection errors forever."""
    from bench.served import free_port

    env = service_env(tmp_path) | {"CALLQA_BROKER_URL": f"redis://127.0.0.1:{free_port()}/0"}
    started = time.monotonic()
    result = callqa(env, "worker", "--migrate", "--no-preload")
    assert result.returncode == 3, result.stderr
    assert "worker_unreachable" in result.stderr and "CALLQA_BROKER_URL" in result.stderr
    assert "ready" not in result.stderr and "Traceback" not in result.stderr
    assert time.monotonic() - started < 60
