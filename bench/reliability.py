"""Recovery with the default settings, measured on real processes.

    python -m bench.reliability        # about 5 minutes on 2 cores; writes bench/results/reliability.md

A private redis-server (started and stopped here, on a free port), PostgreSQL (a scratch
database), `callqa serve` and `callqa worker` processes, and a synthetic call:

1. worker SIGKILLed mid-job: seconds from the kill to the call done, with exactly one result;
2. broker down when the call commits: the upload's answer, and seconds from the broker's
   return (and a worker's) to the call done;
3. the decode bombs of issue 11 uploaded: status, seconds, the API still healthy.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import httpx

from bench.served import ROOT, callqa, create_key, free_port, scratch_postgres, service_env, serving

RESULTS = ROOT / "bench" / "results" / "reliability.md"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def redis_on(port: int):
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        import redis

        while True:
            try:
                redis.Redis(port=port).ping()
                break
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=20)


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "worker", "--threads", "1"], cwd=ROOT, env=env,
        stderr=subprocess.PIPE, text=True,
    )
    for line in process.stderr:
        if "worker ready" in line:
            return process
    raise RuntimeError(f"worker exited with {process.wait()}")


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        process.wait(timeout=60)


def upload(base: str, key: str, path: Path) -> httpx.Response:
    with path.open("rb") as handle:
        return httpx.post(f"{base}/api/v1/calls", headers={"Authorization": f"Bearer {key}"},
                          files={"file": (path.name, handle)}, timeout=120)


def wait_for(base: str, key: str, call_id: str, statuses: tuple[str, ...], limit_s: float,
             poll_s: float = 0.2) -> dict:
    deadline = time.monotonic() + limit_s
    while True:
        call = httpx.get(f"{base}/api/v1/calls/{call_id}",
                         headers={"Authorization": f"Bearer {key}"}).json()
        if call["status"] in statuses or time.monotonic() > deadline:
            return call
        time.sleep(poll_s)


def killed_worker(env, base, key, call) -> list[str]:
    worker = start_worker(env)
    call_id = upload(base, key, call.stereo_path).json()["id"]
    wait_for(base, key, call_id, ("processing",), 120, poll_s=0.05)
    time.sleep(1.0)  # mid-job
    stop(worker, signal.SIGKILL)
    killed_at = time.monotonic()
    log("worker killed mid-job; starting another")
    replacement = start_worker(env)
    try:
        done = wait_for(base, key, call_id, ("done", "failed"), 300)
    finally:
        stop(replacement)
    seconds = time.monotonic() - killed_at
    moments = [(f["type"], f["start"]) for f in done.get("flags", [])]
    return [
        "| worker SIGKILLed mid-job (default lease) | "
        f"{done['status']} after {seconds:.0f} s from the kill | attempts {done['attempts']}, "
        f"{len(moments)} flags, {len(moments) - len(set(moments))} duplicated |"
    ]


def broker_down_at_commit(env, base, key, call, redis_port) -> list[str]:
    """No redis-server runs on redis_port while the call is uploaded."""
    response = upload(base, key, call.mono_path)
    call_id = response.json().get("id")
    answered = f"{response.status_code} {response.json().get('status', response.text[:80])}"
    time.sleep(5)
    with redis_on(redis_port):
        back_at = time.monotonic()
        worker = start_worker(env)
        try:
            done = wait_for(base, key, call_id, ("done", "failed"), 300)
        finally:
            stop(worker)
    seconds = time.monotonic() - back_at
    return [
        f"| broker down when the call committed | upload answered {answered}; "
        f"{done['status']} {seconds:.0f} s after the broker came back (worker start included) "
        f"| attempts {done['attempts']} |"
    ]


def bombs(base, key, folder: Path) -> list[str]:
    rows = []
    for name, source in (
        ("4 h DC offset, stereo 8 kHz FLAC", "aevalsrc=0.1|0.1:s=8000:d=14040"),
        ("4 h digital silence, stereo 8 kHz FLAC", "anullsrc=r=8000:cl=stereo:d=14400"),
    ):
        path = folder / (name.split(",")[0].replace(" ", "_") + ".flac")
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", source, "-c:a",
                        "flac", "-sample_fmt", "s16", str(path)], check=True)
        started = time.monotonic()
        response = upload(base, key, path)
        seconds = time.monotonic() - started
        healthy = httpx.get(f"{base}/healthz").status_code == 200
        code = response.json().get("error", {}).get("code", response.json().get("status"))
        rows.append(f"| {name} ({path.stat().st_size // 1024} KB) | {response.status_code} "
                    f"{code} in {seconds:.1f} s | API healthy: {healthy} |")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    from bench.synth import DEMO_LINES, render

    scratch = ROOT / "test-artifacts" / "reliability"
    scratch.mkdir(parents=True, exist_ok=True)
    call = render(DEMO_LINES[:4], scratch, "reliability")
    redis_port = free_port()
    rows: list[str] = []
    with scratch_postgres() as database_url:
        env = service_env(scratch / f"data-{int(time.time())}", database_url) | {
            "CALLQA_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
        }
        callqa(env, "db", "upgrade")
        key = create_key(env, "reliability", "admin")
        with serving(env) as base:
            with redis_on(redis_port):
                log("1/3 worker killed mid-job")
                rows += killed_worker(env, base, key, call)
            log("2/3 broker down when a call commits")
            rows += broker_down_at_commit(env, base, key, call, redis_port)
            log("3/3 decode bombs")
            rows += bombs(base, key, scratch)
    text = "\n".join([
        f"<!-- python -m bench.reliability, {date.today()}, defaults: lease 60 s, "
        "reaper every 30 s, 4 attempts -->",
        "## Recovery and hostile input, default settings (2 cores, PostgreSQL, Redis)",
        "",
        "| what | outcome | detail |",
        "|---|---|---|",
        *rows,
        "",
    ])
    RESULTS.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
