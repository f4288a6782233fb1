"""Service settings from ``CALLQA_*`` environment variables (and nothing else)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CALLQA_", extra="ignore")

    data_dir: Path = Path("callqa-data")
    database_url: str = ""  # default: SQLite in data_dir
    broker_url: str = ""  # redis://... for a fleet; empty: in-process worker, no broker
    storage: str = "local"  # local | s3
    s3_bucket: str = ""
    s3_endpoint_url: str = ""
    s3_prefix: str = "audio/"
    public_url: str = ""  # how platforms reach us (Twilio signs the public URL)
    max_upload_mb: int = 500
    max_duration_h: float = 4.0
    webhook_tolerance_s: int = 300
    fetch_allowlist: str = ""  # comma-separated hosts (suffix match); empty: any public host
    fetch_allow_private: bool = False  # only for tests and closed networks
    fetch_timeout_s: float = 60.0
    job_max_retries: int = 3
    job_min_backoff_ms: int = 5_000
    # a call "processing" past its lease is picked up again; the worker renews it every
    # third of the lease while it runs, so it can be short: a dead worker costs about a lease
    job_lease_s: int = 60
    job_max_attempts: int = 4
    # partial uploads and stored audio no call points at are deleted after this long
    orphan_grace_s: int = 6 * 3600  # every claim counts, worker deaths included
    # a queued call whose message the broker took this long ago is sent again (lost message)
    job_resend_after_s: int = 1_800
    job_time_limit_s: int = 3 * 3600
    worker_threads: int = 1
    # touched by each worker's reaper when the database and broker answered (liveness probe:
    # restart the worker when its mtime is older than a few reaper intervals)
    worker_alive_file: str = ""
    analysis_threads: int = 2
    # run each analysis in a child process (auto: in embedded mode, where jobs share the
    # API's process), and stop a child whose resident memory passes this (unset: three
    # quarters of the machine's memory; 0: no cap)
    analysis_in_child: str = "auto"  # auto | yes | no
    analysis_memory_gb: float | None = None
    device: str = "cpu"  # cpu | cuda | auto (cuda when available)
    diarization_pipeline: str = ""  # local pyannote pipeline dir or HF id; empty: shipped
    hf_token: str = ""
    # seals the tenants' data keys for kept originals (32 bytes, URL-safe base64); never stored
    master_key: str = ""
    broker_heartbeat_s: int = 60  # Redis: a dead worker's messages go back after this
    broker_namespace: str = "callqa"  # Redis key prefix: several deployments, one Redis
    callback_timeout_s: float = 10.0
    session_idle_minutes: int = 120  # the review desk signs a browser out after this idle
    session_max_hours: int = 12  # ... and after this long in any case

    @property
    def isolates_analysis(self) -> bool:
        if self.analysis_in_child == "auto":
            return not self.broker_url
        return self.analysis_in_child == "yes"

    @property
    def analysis_memory_budget_gb(self) -> float:
        """Each analysis child's resident memory cap in GB (0: none): by default three
        quarters of the machine's memory, or of the container's limit, shared by the job slots."""
        if self.analysis_memory_gb is not None:
            return self.analysis_memory_gb
        return 0.75 * available_memory_gb() / max(1, self.worker_threads)

    @property
    def sqlite_file(self) -> Path:
        """The embedded database, used when ``database_url`` is empty."""
        return (self.data_dir / "callqa.db").resolve()

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{self.sqlite_file}"

    @property
    def audio_dir(self) -> Path:
        return self.data_dir / "audio"

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024


@cache
def get_settings() -> Settings:
    return Settings()


def available_memory_gb() -> float:
    """The machine's physical memory, or the cgroup (container) limit when lower, in GB."""
    physical = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            limit = Path(path).read_text().strip()
        except OSError:
            continue
        if limit.isdigit():
            physical = min(physical, int(limit))
    return physical / 2**30
