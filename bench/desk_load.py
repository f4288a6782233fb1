"""Review desk page times: server time per page (httpx, sequential) and, in Debian's chromium,
time until the browser has laid the page out, for a short, a 5-minute and a 30-minute call.

Long calls are made by repeating a real analysis of examples/lakeside_fee_dispute.ogg end to
end (every time shifted), so the pages carry a real call's density of words, flags and tone
events. Runs `callqa serve` on a scratch SQLite database with ``--calls`` stored calls.

Usage: .venv/bin/python -m bench.desk_load [--calls 300] [--requests 20]
Writes bench/results/desk_load.md and prints it.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from tqdm import tqdm

from bench.served import ROOT, create_key, service_env, serving

EXAMPLE = ROOT / "examples" / "lakeside_fee_dispute.ogg"
TIME_KEYS = ("start", "end")


def _shifted(plain: Any, offset: float) -> Any:
    """A copy of ``to_plain`` output with every start/end/times value moved by ``offset`` s."""
    if isinstance(plain, dict):
        out = {}
        for key, value in plain.items():
            if key in TIME_KEYS and isinstance(value, int | float):
                out[key] = value + offset
            elif key == "times":
                out[key] = [t + offset for t in value]
            else:
                out[key] = _shifted(value, offset)
        return out
    if isinstance(plain, list):
        return [_shifted(item, offset) for item in plain]
    return plain


def repeated(analysis, copies: int):
    """``analysis`` played ``copies`` times back to back, as one call."""
    from audio.schema import CallAnalysis
    from audio.serialize import from_plain, to_plain

    plain = to_plain(analysis)
    step = plain["duration_s"]
    parts = [_shifted(plain, i * step) for i in range(copies)]
    joined = dict(plain, duration_s=step * copies)
    joined["diarization"] = [t for p in parts for t in p["diarization"]]
    joined["transcript"] = dict(plain["transcript"],
                                turns=[t for p in parts for t in p["transcript"]["turns"]])
    tone = dict(plain["tone"])
    for key in ("turns", "events"):
        tone[key] = [x for p in parts for x in p["tone"][key]]
    tone["tracks"] = [
        dict(track, times=[t for p in parts for t in p["tone"]["tracks"][i]["times"]],
             loudness_db=[v for p in parts for v in p["tone"]["tracks"][i]["loudness_db"]])
        for i, track in enumerate(plain["tone"]["tracks"])
    ]
    joined["tone"] = tone
    return from_plain(CallAnalysis, joined)


def _store(settings, analysis, agent: str) -> str:
    from service.calls.results import store, tenant_rules
    from service.db.models import Call, Tenant
    from service.db.session import unit_of_work

    with unit_of_work(settings.sqlalchemy_url) as session:
        tenant = session.query(Tenant).filter_by(name="bench").one()
        call = Call(tenant_id=tenant.id, source="upload", agent_id=agent, agent_channel="left",
                    content_hash=uuid.uuid4().hex * 2, status="done", audio_key=None)
        session.add(call)
        session.flush()
        store(session, call, analysis, tenant_rules(None))
        return call.id


def _signed_in_client(base: str, key: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=120, follow_redirects=True)
    token = re.search(r'name="signin_token" value="([^"]+)"', client.get("/signin").text)
    signed = client.post("/signin", data={"api_key": key, "signin_token": token.group(1)})
    assert signed.status_code == 200, signed.text[:300]
    return client


def _server_times(client: httpx.Client, path: str, requests: int) -> dict[str, float]:
    times, size = [], 0
    for _ in range(requests):
        began = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - began)
        assert response.status_code == 200, (path, response.status_code)
        size = len(response.content)
    times.sort()
    return {"median_ms": 1000 * statistics.median(times),
            "p95_ms": 1000 * times[max(0, int(0.95 * len(times)) - 1)], "kb": size / 1024}


def _browser_times(base: str, key: str, paths: dict[str, str], runs: int) -> dict[str, float]:
    """Median ms from navigation start to the load event, page fully laid out, in chromium."""
    from playwright.sync_api import sync_playwright

    from bench.served import CHROMIUM

    out = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox",
                                            "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(base + "/signin")
        page.get_by_label("API key").fill(key)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        for name, path in paths.items():
            samples = []
            for _ in range(runs):
                page.goto(base + path, wait_until="load")
                page.evaluate("document.body.offsetHeight")  # force layout
                samples.append(page.evaluate(
                    "performance.getEntriesByType('navigation')[0].loadEventEnd"))
            out[name] = statistics.median(samples)
        browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300, help="short calls in the queue")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    args = parser.parse_args()

    from audio.pipeline import analyze
    from service.settings import Settings

    print("analysing the example call once", flush=True)
    short = analyze(EXAMPLE)
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch)
        env = service_env(data)
        key = create_key(env, "bench", "supervisor", "bench supervisor")
        settings = Settings(data_dir=data)
        calls = {
            f"{short.duration_s / 60:.1f} min": _store(settings, short, "agent-0"),
            "5 min": _store(settings, repeated(short, round(300 / short.duration_s)), "agent-1"),
            "30 min": _store(settings, repeated(short, round(1800 / short.duration_s)),
                             "agent-1"),
        }
        for i in tqdm(range(args.calls), desc="storing calls"):
            _store(settings, short, f"agent-{i % 20}")
        pages = {f"queue (25 of {args.calls + 3} calls)": "/queue",
                 "rules": "/rules", "agent scorecard": "/agents/agent-1"}
        pages |= {f"call page, {name}": f"/calls/{call_id}" for name, call_id in calls.items()}
        with serving(env) as base:
            client = _signed_in_client(base, key)
            server = {name: _server_times(client, path, args.requests)
                      for name, path in tqdm(pages.items(), desc="server times")}
            browser = _browser_times(base, key, pages, runs=5)
    lines = [
        "# Review desk page times",
        "",
        f"`python -m bench.desk_load --calls {args.calls} --requests {args.requests}`: one "
        "`callqa serve` process on SQLite, requests one at a time; browser: Debian chromium "
        "headless, median of 5 loads, from navigation start to the load event.",
        "",
        "| page | server median | server p95 | HTML size | browser, until loaded |",
        "|---|---|---|---|---|",
    ]
    for name, row in server.items():
        lines.append(f"| {name} | {row['median_ms']:.0f} ms | {row['p95_ms']:.0f} ms | "
                     f"{row['kb']:.0f} KB | {browser[name]:.0f} ms |")
    report = "\n".join(lines) + "\n"
    target = ROOT / "bench" / "results" / "desk_load.md"
    target.parent.mkdir(exist_ok=True)
    target.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
