"""Run the real service as a user does: `callqa` subprocesses against a real database.
Shared by the tests and the benchmarks (bench never imports tests/)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_SERVER = os.environ.get(
    "CALLQA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


# Debian's chromium (apt); Playwright drives it, it never downloads a browser
CHROMIUM = os.environ.get("CALLQA_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def callqa(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "service.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def service_env(data_dir: Path, database_url: str = "") -> dict[str, str]:
    """The embedded default (SQLite in ``data_dir``) unless a database URL is given."""
    env = {**os.environ, "CALLQA_DATA_DIR": str(data_dir)}
    env.pop("CALLQA_BROKER_URL", None)
    env.pop("CALLQA_DATABASE_URL", None)
    if database_url:
        env["CALLQA_DATABASE_URL"] = database_url
    return env


def create_key(env: dict[str, str], tenant: str, role: str, name: str = "") -> str:
    created = callqa(env, "keys", "create", "--tenant", tenant, "--role", role,
                     *(["--name", name] if name else []))
    assert created.returncode == 0, created.stderr
    return created.stdout.strip().splitlines()[-1]


@contextmanager
def serving(env: dict[str, str]) -> Iterator[str]:
    """`callqa serve` on a free port until the block ends; yields its base URL."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--port", str(port)], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise RuntimeError(f"callqa serve did not start: {server.stderr.read()}")
        time.sleep(0.3)
    try:
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def scratch_postgres() -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server, dropped afterwards."""
    name = f"callqa_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # say what is missing instead of a wall of driver errors
        raise RuntimeError(f"PostgreSQL is required at {POSTGRES_SERVER} ({error})") from error
    try:
        yield POSTGRES_SERVER.rsplit("/", 1)[0] + "/" + name
    finally:
        from service.db.session import engine_for

        engine_for(POSTGRES_SERVER.rsplit("/", 1)[0] + "/" + name).dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
