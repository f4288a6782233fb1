"""Analysis jobs on the real pipeline: results equal the CLI's, re-runs replace instead of
duplicating, failures are visible with a reason, claims and leases keep it exactly-once."""

from __future__ import annotations

import os
import shutil
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from service.db.models import Call, CallResult, FlagRow, MaintenanceRun, utcnow
from service.db.session import unit_of_work
from service.jobs import process
from service.jobs.queue import ORPHAN_SWEEP_S, Reaper, get_queue
from tests.service.conftest import wav_bytes


@pytest.fixture(scope="module")
def short_call(tmp_path_factory):
    from bench.synth import DEMO_LINES, render

    return render(DEMO_LINES[:4], tmp_path_factory.mktemp("short"), "short")


def _upload_file(api, path, **fields) -> str:
    with open(path, "rb") as handle:
        response = api.client.post("/api/v1/calls", headers=api.headers("qa"),
                                   files={"file": (path.name, handle, "audio/wav")}, data=fields)
    assert response.status_code == 202, response.text
    return response.json()["id"]


def _count(settings, table, call_id) -> int:
    with unit_of_work(settings.sqlalchemy_url) as session:
        return session.scalar(select(func.count()).select_from(table).where(
            table.call_id == call_id))


def test_job_result_matches_the_cli_and_reruns_replace(api, short_call):
    from audio.pipeline import analyze
    from scoring import config
    from scoring.call import score_analysis

    call_id = _upload_file(api, short_call.stereo_path, agent_id="a1")
    assert process.run(api.settings, call_id) == "done"
    call = api.client.get(f"/api/v1/calls/{call_id}", headers=api.headers("qa")).json()
    _, scored = score_analysis(analyze(short_call.stereo_path), config.load())
    assert call["status"] == "done" and call["score"] == scored.score.value
    assert [(f["type"], f["start"]) for f in call["flags"]] == [
        (f.type, f.start) for f in scored.flags]
    assert call["model_versions"]["options"]["agent_channel"] == "left"
    flags = _count(api.settings, FlagRow, call_id)
    # re-analysis replaces every derived row
    assert api.client.post(f"/api/v1/calls/{call_id}/reanalyze",
                           headers=api.headers("qa")).status_code == 202
    assert process.run(api.settings, call_id) == "done"
    assert _count(api.settings, FlagRow, call_id) == flags
    assert _count(api.settings, CallResult, call_id) == 1
    again = api.client.get(f"/api/v1/calls/{call_id}", headers=api.headers("qa")).json()
    # attempts only grow: it is the claim token, so a late worker from attempt 1 cannot write
    assert again["attempts"] == 2 and again["score"] == call["score"]


def test_bad_audio_fails_permanently_with_its_reason(api):
    call_id = api.client.post(
        "/api/v1/calls", headers=api.headers("qa"),
        files={"file": ("quiet.wav", wav_bytes(3.0, silent=True), "audio/wav")},
    ).json()["id"]
    assert process.run(api.settings, call_id, final_attempt=False) == "failed"
    call = api.client.get(f"/api/v1/calls/{call_id}", headers=api.headers("qa")).json()
    assert call["status"] == "failed" and call["failure_reason"].startswith("silent_recording")
    failed = api.client.get("/api/v1/calls", headers=api.headers("qa"),
                            params={"status": "failed"}).json()["items"]
    assert [c["id"] for c in failed] == [call_id]


def test_transient_errors_retry_then_fail_visibly(api):
    call_id = api.client.post("/api/v1/calls", headers=api.headers("qa"),
                              files={"file": ("a.wav", wav_bytes(), "audio/wav")}).json()["id"]
    shutil.rmtree(api.settings.audio_dir)  # the audio store lost the file
    with pytest.raises(process.TransientError):
        process.run(api.settings, call_id, final_attempt=False)
    call = api.client.get(f"/api/v1/calls/{call_id}", headers=api.headers("qa")).json()
    assert call["status"] == "queued" and call["failure_reason"].startswith("retrying")
    assert process.run(api.settings, call_id, final_attempt=True) == "failed"
    call = api.client.get(f"/api/v1/calls/{call_id}", headers=api.headers("qa")).json()
    assert call["status"] == "failed" and "gave up after 2 attempts" in call["failure_reason"]


def test_claim_is_exclusive_until_the_lease_expires(api):
    call_id = api.client.post("/api/v1/calls", headers=api.headers("qa"),
                              files={"file": ("a.wav", wav_bytes(), "audio/wav")}).json()["id"]
    assert process.claim(api.settings, call_id).attempt == 1
    assert process.claim(api.settings, call_id) is None  # a duplicate message finds it taken
    assert Reaper(api.settings).sweep() == 0  # the lease is live: nothing stale
    with unit_of_work(api.settings.sqlalchemy_url) as session:
        session.execute(update(Call).where(Call.id == call_id).values(
            lease_until=utcnow() - timedelta(seconds=1)))
    assert process.calls_to_send(api.settings) == [call_id]
    assert process.claim(api.settings, call_id).attempt == 2  # the dead worker's is taken over
    process.renew_lease(api.settings, call_id, attempt=1)  # the old worker cannot extend it
    process.fail(api.settings, call_id, "late", attempt=1)  # nor write its outcome
    with unit_of_work(api.settings.sqlalchemy_url) as session:
        assert session.get(Call, call_id).status == "processing"


def test_in_process_worker_runs_uploads(settings, short_call):
    """The embedded default: `callqa serve` analyses with no broker."""
    from fastapi.testclient import TestClient

    from service.app import create_app
    from service.db import migrate
    from tests.service.conftest import fresh_state, make_tenant

    migrate.upgrade(settings.sqlalchemy_url)
    fresh_state(settings)
    with TestClient(create_app(settings)) as client:
        tenant_id, keys, _ = make_tenant(settings, "embedded")
        headers = {"Authorization": f"Bearer {keys['qa']}"}
        with open(short_call.mono_path, "rb") as handle:
            call_id = client.post("/api/v1/calls", headers=headers,
                                  files={"file": ("mono.wav", handle)}).json()["id"]
        import time

        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            call = client.get(f"/api/v1/calls/{call_id}", headers=headers).json()
            if call["status"] in ("done", "failed"):
                break
            time.sleep(0.5)
        assert call["status"] == "done", call
        assert call["roles"]["method"] == "cues" and call["flags"]
        assert call["roles"]["model"].startswith("roles-")  # read by the role head


def _expire_lease(settings, call_id):
    with unit_of_work(settings.sqlalchemy_url) as session:
        session.execute(update(Call).where(Call.id == call_id).values(
            lease_until=utcnow() - timedelta(seconds=1)))


def test_a_call_that_kills_every_worker_fails_after_the_cap(api):
    """Each claim whose worker then dies (the lease lapses unrenewed) uses an attempt; after
    job_max_attempts the call fails with a reason instead of being retaken forever."""
    call_id = api.client.post("/api/v1/calls", headers=api.headers("qa"),
                              files={"file": ("a.wav", wav_bytes(), "audio/wav")}).json()["id"]
    for attempt in range(1, api.settings.job_max_attempts + 1):
        assert process.claim(api.settings, call_id) == process.Claim(attempt, attempt)
        _expire_lease(api.settings, call_id)  # the worker was killed mid-job
    queue = get_queue(api.settings)
    queue.broker.flush_all()
    assert process.claim(api.settings, call_id) is None
    call = api.client.get(f"/api/v1/calls/{call_id}", headers=api.headers("qa")).json()
    assert call["status"] == "failed" and "died" in call["failure_reason"]
    assert queue.broker.queues["callbacks"].qsize() == 1  # the tenant hears of it
    assert call["attempts"] == api.settings.job_max_attempts
    assert process.calls_to_send(api.settings) == []

    # re-analysed (the recording fixed, or a bigger worker): a new run with its own cap
    cap = api.settings.job_max_attempts
    assert api.client.post(f"/api/v1/calls/{call_id}/reanalyze",
                           headers=api.headers("qa")).status_code == 202
    for of_run in range(1, cap + 1):
        assert process.claim(api.settings, call_id) == process.Claim(cap + of_run, of_run)
        _expire_lease(api.settings, call_id)
    assert process.claim(api.settings, call_id) is None
    call = api.client.get(f"/api/v1/calls/{call_id}", headers=api.headers("qa")).json()
    assert call["status"] == "failed" and call["attempts"] == 2 * cap


def test_attempts_taken_by_duplicate_messages_count_towards_the_cap(api):
    """A lapsed lease's resend and the broker's own retry each claim an attempt: the attempt
    that reaches the cap fails the call with its reason, though its message had retries
    left, rather than requeueing it for a claim that could never succeed."""
    call_id = api.client.post("/api/v1/calls", headers=api.headers("qa"),
                              files={"file": ("a.wav", wav_bytes(), "audio/wav")}).json()["id"]
    for _ in range(api.settings.job_max_attempts - 1):
        process.claim(api.settings, call_id)
        _expire_lease(api.settings, call_id)
    shutil.rmtree(api.settings.audio_dir)  # the last attempt meets a transient error
    assert process.run(api.settings, call_id, final_attempt=False) == "failed"
    call = api.client.get(f"/api/v1/calls/{call_id}", headers=api.headers("qa")).json()
    assert call["status"] == "failed"
    assert f"gave up after {api.settings.job_max_attempts} attempts" in call["failure_reason"]


def test_a_call_committed_while_the_broker_is_down_is_sent_when_it_is_back(api, monkeypatch):
    """The upload still answers 202 (the call is stored); the reaper sends it later."""
    queue = get_queue(api.settings)

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(queue.analyze, "send", broker_down)
    response = api.client.post("/api/v1/calls", headers=api.headers("qa"),
                               files={"file": ("a.wav", wav_bytes(), "audio/wav")})
    assert response.status_code == 202, response.text
    call_id = response.json()["id"]
    with unit_of_work(api.settings.sqlalchemy_url) as session:
        assert session.get(Call, call_id).enqueued_at is None
        session.execute(update(Call).where(Call.id == call_id).values(
            queued_at=utcnow() - timedelta(seconds=process.UNSENT_GRACE_S + 1)))
    assert Reaper(api.settings).sweep() == 0  # still down: nothing sent, nothing lost
    monkeypatch.undo()
    queue.broker.flush_all()
    assert Reaper(api.settings).sweep() == 1
    assert queue.broker.queues["analysis"].qsize() == 1
    with unit_of_work(api.settings.sqlalchemy_url) as session:
        assert session.get(Call, call_id).enqueued_at is not None
    assert Reaper(api.settings).sweep() == 0  # sent once, not again


def test_retrying_an_upload_whose_send_failed_sends_it(api, monkeypatch):
    queue = get_queue(api.settings)
    monkeypatch.setattr(queue.analyze, "send", lambda *a, **k: (_ for _ in ()).throw(OSError()))
    first = api.client.post("/api/v1/calls", headers=api.headers("qa"),
                            files={"file": ("a.wav", wav_bytes(), "audio/wav")})
    monkeypatch.undo()
    queue.broker.flush_all()
    again = api.client.post("/api/v1/calls", headers=api.headers("qa"),
                            files={"file": ("a.wav", wav_bytes(), "audio/wav")})
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert queue.broker.queues["analysis"].qsize() == 1



def test_sweeper_removes_partial_uploads_and_unreferenced_audio_only(api):
    """What a killed API server or a refused request left behind goes after the grace period;
    a live call's audio stays."""
    import os
    import time

    from service.calls import orphans

    call_id = api.client.post("/api/v1/calls", headers=api.headers("qa"),
                              files={"file": ("a.wav", wav_bytes(), "audio/wav")}).json()["id"]
    incoming = api.settings.data_dir / "incoming"
    incoming.mkdir(exist_ok=True)
    partial = incoming / "tmpkilled.part"
    partial.write_bytes(b"\0" * 1000)  # an upload cut off by SIGKILL
    stray = api.settings.audio_dir / "zz" / "zz-no-row.wav"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(wav_bytes())
    fresh = incoming / "tmpuploading.part"
    fresh.write_bytes(b"\0")
    hours_ago = time.time() - 7 * 3600
    for path in (partial, stray, *api.settings.audio_dir.rglob("*.wav")):
        os.utime(path, (hours_ago, hours_ago))
    swept = orphans.sweep(api.settings)
    assert (swept.partial_files, swept.unreferenced_audio) == (1, 1)
    assert not partial.exists() and not stray.exists() and fresh.exists()
    # in a fleet, one worker sweeps (listing every stored key is costly), at most every 10 min
    first, second = Reaper(api.settings), Reaper(api.settings)
    assert first.sweep_orphans() and not second.sweep_orphans() and not first.sweep_orphans()
    with unit_of_work(api.settings.sqlalchemy_url) as session:
        session.execute(update(MaintenanceRun).values(
            finished_at=utcnow() - timedelta(seconds=ORPHAN_SWEEP_S + 1)))
    assert second.sweep_orphans()
    with unit_of_work(api.settings.sqlalchemy_url) as session:  # a holder that died frees it
        session.execute(update(MaintenanceRun).values(
            held_until=utcnow() - timedelta(seconds=1),
            finished_at=utcnow() - timedelta(seconds=ORPHAN_SWEEP_S + 1)))
    assert first.sweep_orphans()
    from service.jobs import repository as jobs_repository

    with unit_of_work(api.settings.sqlalchemy_url) as session:  # one that overran its hold
        session.execute(update(MaintenanceRun).values(
            finished_at=utcnow() - timedelta(seconds=ORPHAN_SWEEP_S + 1)))
        late = jobs_repository.take_maintenance(session, "orphan_sweep", ORPHAN_SWEEP_S, 0)
    with unit_of_work(api.settings.sqlalchemy_url) as session:
        taker = jobs_repository.take_maintenance(session, "orphan_sweep", ORPHAN_SWEEP_S, 600)
    assert late and taker and late != taker
    with unit_of_work(api.settings.sqlalchemy_url) as session:  # cannot release the new holder
        jobs_repository.finish_maintenance(session, "orphan_sweep", late)
    assert not second.sweep_orphans()
    audio = api.client.get(f"/api/v1/calls/{call_id}/audio", headers=api.headers("qa"))
    assert audio.status_code == 200


def test_a_dying_analysis_process_fails_the_call_not_the_service(api, short_call):
    """In embedded mode the analysis runs in a child process: when that child dies (here:
    SIGKILL, as the kernel's OOM killer would), the call fails with the reason, the service
    process carries on, and the next analysis gets a fresh child."""
    import os
    import signal
    import threading
    import time

    from service.jobs import isolation

    if api.settings.sqlalchemy_url.startswith("postgresql"):
        pytest.skip("one database is enough: a child's death is not a database matter")
    settings = api.settings.model_copy(update={"analysis_in_child": "auto"})
    assert settings.isolates_analysis  # no broker: embedded
    call_id = _upload_file(api, short_call.stereo_path, agent_id="a1")
    outcome = {}
    runner = threading.Thread(target=lambda: outcome.update(
        result=process.run(settings, call_id, final_attempt=True)))
    runner.start()
    deadline = time.monotonic() + 120
    while not isolation.child_pids() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # inside the analysis
    for pid in isolation.child_pids():
        os.kill(pid, signal.SIGKILL)
    runner.join(timeout=180)
    assert outcome["result"] == "failed"
    call = api.client.get(f"/api/v1/calls/{call_id}", headers=api.headers("qa")).json()
    assert call["status"] == "failed" and "process analysing this call died" in call[
        "failure_reason"]
    again = api.client.post(f"/api/v1/calls/{call_id}/reanalyze", headers=api.headers("qa"))
    assert again.status_code == 202
    assert process.run(settings, call_id) == "done"


def test_a_rescore_asked_for_while_the_broker_is_down_is_sent_later(api, monkeypatch):
    from service.db.models import Tenant
    from service.reviews.service import rescore_tenant

    queue = get_queue(api.settings)
    monkeypatch.setattr(queue.rescore, "send", lambda *a, **k: (_ for _ in ()).throw(OSError()))
    reset = api.client.delete("/api/v1/config/scoring", headers=api.headers())
    assert reset.status_code == 200, reset.text  # the new rules are stored all the same
    monkeypatch.undo()
    queue.broker.flush_all()
    with unit_of_work(api.settings.sqlalchemy_url) as session:
        tenant = session.get(Tenant, api.tenant_id)
        assert tenant.rescore_requested_at is not None and tenant.rescore_sent_at is None
        tenant.rescore_requested_at = utcnow() - timedelta(seconds=process.UNSENT_GRACE_S + 1)
    # never sent: the next sweep (every half lease, 30 s by default) sends it
    assert Reaper(api.settings).resend_rescores() == 1
    assert queue.broker.queues["scoring"].qsize() == 1
    assert Reaper(api.settings).resend_rescores() == 0  # sent: not again within the period
    with unit_of_work(api.settings.sqlalchemy_url) as session:  # ... until it must be lost
        session.get(Tenant, api.tenant_id).rescore_sent_at = utcnow() - timedelta(
            seconds=api.settings.job_resend_after_s + 1)
    assert Reaper(api.settings).resend_rescores() == 1
    rescore_tenant(api.settings, api.tenant_id)
    with unit_of_work(api.settings.sqlalchemy_url) as session:
        tenant = session.get(Tenant, api.tenant_id)
        assert tenant.rescore_requested_at is None and tenant.rescore_sent_at is None
    assert Reaper(api.settings).resend_rescores() == 0


def test_a_dying_child_fails_only_its_own_job(tmp_path):
    """With two job slots (CALLQA_WORKER_THREADS=2) each job has its own child: killing one
    fails that job alone, while the other finishes (a shared pool broke both)."""
    import os
    import signal
    import threading

    from service.jobs import isolation

    outcomes = {}

    def job(name, seconds):
        try:
            isolation.run_in_child(time.sleep, seconds, slots=2, memory_gb=0, time_limit_s=120)
            outcomes[name] = "done"
        except isolation.AnalysisProcessDied:
            outcomes[name] = "died"

    def new_children():
        return set(isolation.child_pids()) - before

    before = set(isolation.child_pids())  # earlier tests' children, for other job slots
    try:
        doomed = threading.Thread(target=job, args=("doomed", 60))
        doomed.start()
        deadline = time.monotonic() + 60
        while not new_children() and time.monotonic() < deadline:
            time.sleep(0.05)
        [victim] = new_children()
        other = threading.Thread(target=job, args=("other", 4))
        other.start()
        while len(new_children()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # both are inside their jobs
        os.kill(victim, signal.SIGKILL)
        doomed.join(timeout=60)
        other.join(timeout=60)
        assert outcomes == {"doomed": "died", "other": "done"}
        assert victim not in isolation.child_pids()
    finally:
        isolation.shutdown()


def hold_memory(gb: float, seconds: float) -> int:
    """In an analysis child: take ``gb`` of resident memory (every byte written), hold it."""
    block = b"\x01" * int(gb * 2**30)
    time.sleep(seconds)
    return len(block)


def test_a_child_past_its_memory_budget_is_stopped_with_the_reason():
    """The watchdog stops a child whose resident memory passes the budget, before the kernel
    would pick a victim; a job within the budget is left alone."""
    from service.jobs import isolation

    try:
        assert isolation.run_in_child(hold_memory, 0.1, 0.5, slots=1, memory_gb=1.0,
                                      time_limit_s=60) == int(0.1 * 2**30)
        with pytest.raises(isolation.AnalysisProcessDied, match="memory budget of 1.0 GB"):
            isolation.run_in_child(hold_memory, 1.5, 30, slots=1, memory_gb=1.0,
                                   time_limit_s=60)
        assert isolation.run_in_child(time.sleep, 0, slots=1, memory_gb=1.0,
                                      time_limit_s=60) is None  # a fresh child takes over
    finally:
        isolation.shutdown()


def test_the_memory_budget_defaults_to_three_quarters_of_the_machine(settings):
    """Of the machine's memory, or of the container's limit when lower, shared by the slots."""
    from service.settings import available_memory_gb

    physical_gb = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    assert 0 < available_memory_gb() <= physical_gb
    default = settings.model_copy(update={"analysis_memory_gb": None})
    assert default.analysis_memory_budget_gb == pytest.approx(0.75 * available_memory_gb())
    two = default.model_copy(update={"worker_threads": 2})
    assert two.analysis_memory_budget_gb == pytest.approx(default.analysis_memory_budget_gb / 2)
    assert settings.model_copy(update={"analysis_memory_gb": 0}).analysis_memory_budget_gb == 0


def raise_timeout() -> None:
    raise TimeoutError("the decoder gave up")


def test_an_analysis_that_raises_timeouterror_fails_at_once_with_it():
    """Not mistaken for the job's time limit (it used to spin until the limit passed)."""
    from service.jobs import isolation

    try:
        started = time.monotonic()
        with pytest.raises(TimeoutError, match="decoder gave up"):
            isolation.run_in_child(raise_timeout, slots=1, memory_gb=1.0, time_limit_s=60)
        assert time.monotonic() - started < 30
    finally:
        isolation.shutdown()


def test_analysis_children_end_with_the_process_that_started_them(tmp_path):
    """A killed API server leaves no analysis child behind holding its models (they used to
    pile up, half a gigabyte each, until the machine ran out of memory)."""
    import signal
    import subprocess
    import sys

    script = (
        "import sys, time\n"
        "from service.jobs import isolation\n"
        "isolation.run_in_child(time.sleep, 0, slots=1, memory_gb=0, time_limit_s=60)\n"
        "print(isolation.child_pids()[0], flush=True)\n"
        "time.sleep(120)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                              text=True)
    try:
        child = int(parent.stdout.readline())
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)

    def alive(pid: int) -> bool:
        try:
            state = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            return False
        return "\nState:\tZ" not in state  # a zombie has ended; only its entry is left

    deadline = time.monotonic() + 15
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(child), "the analysis child outlived its parent"
