"""The README's contract, as a user runs it: `callqa keys create`, `callqa serve`, curl."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _callqa(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "service.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("served")
    env = {**os.environ, "CALLQA_DATA_DIR": str(data)}
    env.pop("CALLQA_DATABASE_URL", None)
    env.pop("CALLQA_BROKER_URL", None)
    created = _callqa(env, "keys", "create", "--tenant", "demo", "--role", "admin")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    secret = _callqa(env, "webhooks", "secret", "--tenant", "demo")
    assert secret.stdout.strip().startswith("whsec_")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--port", str(port)], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail(server.stderr.read())
    yield base, key, data
    server.terminate()
    server.wait(timeout=30)


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
    result = _callqa({**os.environ, "CALLQA_DATA_DIR": str(data)},
                     "keys", "create", "--tenant", "demo", "--role", "owner")
    assert result.returncode != 0 and "invalid choice" in result.stderr
