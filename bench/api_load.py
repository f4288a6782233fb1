"""API throughput and latency: ``GET /api/v1/calls`` with 10,000 stored calls, and the upload
path's peak memory with a 200 MB recording. Runs a real ``callqa serve`` (uvicorn, 1 process)
against SQLite, or PostgreSQL with ``--database-url``; jobs go to Redis with no worker, so only
the API is measured.

Usage: .venv/bin/python -m bench.api_load [--calls 10000] [--requests 2000] [--upload-mb 200]
           [--database-url postgresql://postgres@127.0.0.1:5432/test]
Writes bench/results/api_load.md and prints it.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import numpy as np
import soundfile as sf
from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _seed(settings, calls: int) -> str:
    """``calls`` finished calls spread over 90 days for 20 agents; returns a qa key."""
    from sqlalchemy import insert

    from service.auth import service as admin
    from service.db import migrate
    from service.db.models import Call
    from service.db.session import unit_of_work

    migrate.upgrade(settings.sqlalchemy_url)
    with unit_of_work(settings.sqlalchemy_url) as session:
        tenant = admin.tenant_named(session, f"bench-{uuid.uuid4().hex[:6]}")
        _, key = admin.create_key(session, tenant, "qa")
        start = datetime.now(UTC) - timedelta(days=90)
        rng = np.random.default_rng(0)
        rows = [
            {
                "id": uuid.uuid4().hex,
                "tenant_id": tenant.id,
                "source": "upload",
                "agent_id": f"agent-{i % 20}",
                "agent_channel": "left",
                "language": "en",
                "tags": {"tags": []},
                "audio_bytes": 0,
                "content_hash": uuid.uuid4().hex * 2,
                "status": "done",
                "attempts": 1,
                "score": float(rng.uniform(20, 100)),
                "unreviewed_flags": int(rng.integers(0, 6)),
                "created_at": start + timedelta(minutes=13 * i),
            }
            for i in range(calls)
        ]
        for chunk in range(0, calls, 2000):
            session.execute(insert(Call), rows[chunk : chunk + 2000])
    return key


def _serve(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _latencies(base: str, key: str, params: dict, requests: int, concurrency: int):
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        client.get("/api/v1/calls", params=params)  # warm

        def one(_):
            began = time.perf_counter()
            response = client.get("/api/v1/calls", params=params)
            assert response.status_code == 200, response.text
            return time.perf_counter() - began

        began = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            times = list(
                tqdm(
                    pool.map(one, range(requests)),
                    total=requests,
                    file=sys.stderr,
                    desc=str(params),
                    leave=False,
                )
            )
        wall = time.perf_counter() - began
    times.sort()
    return requests / wall, statistics.median(times) * 1000, times[int(0.95 * len(times))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--upload-mb", type=int, default=200)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    from service.settings import Settings

    database_url = _scratch_database(args.database_url) if args.database_url else ""
    try:
        report, database = _run(args, database_url, Settings)
    finally:
        if database_url:
            _drop_database(database_url)
    out = ROOT / "bench" / "results" / f"api_load_{database.lower()}.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(report)
    print(report)


def _scratch_database(server_url: str) -> str:
    """A new database on the server at ``server_url``, so the benchmark leaves nothing behind."""
    from sqlalchemy import create_engine, text

    from service.db.session import normalise_url

    name = f"callqa_bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(normalise_url(server_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


def _drop_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    from service.db.session import engine_for, normalise_url

    engine_for(url).dispose()
    server, name = url.rsplit("/", 1)
    engine = create_engine(normalise_url(server + "/postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _run(args, database_url: str, Settings) -> tuple[str, str]:  # noqa: N803
    args.database_url = database_url
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=Path(tmp),
            database_url=args.database_url,
            broker_url="redis://127.0.0.1:6379/0",
            broker_namespace=f"callqa-bench-{uuid.uuid4().hex[:6]}",
            max_upload_mb=args.upload_mb + 50,
            max_duration_h=8,
        )
        key = _seed(settings, args.calls)
        env = {
            **os.environ,
            "CALLQA_DATA_DIR": tmp,
            "CALLQA_DATABASE_URL": args.database_url,
            "CALLQA_BROKER_URL": settings.broker_url,
            "CALLQA_BROKER_NAMESPACE": settings.broker_namespace,
            "CALLQA_MAX_UPLOAD_MB": str(settings.max_upload_mb),
            "CALLQA_MAX_DURATION_H": "8",
        }
        port = _port()
        server = _serve(env, port)
        base = f"http://127.0.0.1:{port}"
        try:
            idle_mb = _peak_rss_mb(server.pid)
            rows = []
            for label, params in (
                ("first page (50)", {"limit": 50}),
                ("agent filter", {"agent_id": "agent-7", "limit": 50}),
                ("score range + unreviewed", {"score_max": 40, "has_unreviewed": True}),
            ):
                rps, median_ms, p95_ms = _latencies(
                    base, key, params, args.requests, args.concurrency
                )
                rows.append(f"| {label} | {rps:.0f} | {median_ms:.1f} | {p95_ms:.1f} |")
            seconds = args.upload_mb * 1024 * 1024 // 2 // 16000
            audio = Path(tmp) / "big.wav"
            # noise in bursts of changing loudness: an unchanging hiss is refused as no call
            rng = np.random.default_rng(1)
            bursts = np.repeat(rng.uniform(0.05, 1.0, 200), 16000 * 60 // 200)
            noise = (rng.normal(0, 0.05, 16000 * 60) * bursts).astype(np.float32)
            with sf.SoundFile(audio, "w", 16000, 1, subtype="PCM_16") as out:
                for _ in range(seconds // 60):
                    out.write(noise)
            size_mb = audio.stat().st_size / 2**20
            began = time.perf_counter()
            with audio.open("rb") as handle:
                response = httpx.post(
                    f"{base}/api/v1/calls",
                    timeout=600,
                    headers={"Authorization": f"Bearer {key}"},
                    files={"file": ("big.wav", handle, "audio/wav")},
                )
            upload_s = time.perf_counter() - began
            assert response.status_code == 202, response.text
            peak_mb = _peak_rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait()
    database = "PostgreSQL" if args.database_url else "SQLite"
    report = "\n".join(
        [
            f"## API on {database}, {args.calls:,} calls stored, {args.concurrency} concurrent "
            f"clients, 1 uvicorn process ({os.cpu_count()} cores)",
            "",
            "| GET /api/v1/calls | requests/s | median ms | p95 ms |",
            "|---|---|---|---|",
            *rows,
            "",
            f"Upload of a {size_mb:.0f} MB WAV: {upload_s:.1f} s; server peak RSS {peak_mb:.0f} MB "
            f"(idle {idle_mb:.0f} MB).",
            "",
        ]
    )
    return report, database


if __name__ == "__main__":
    main()
