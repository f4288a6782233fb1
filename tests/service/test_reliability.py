"""Hostile recordings: a few hundred KB that decode to hours of nothing. They are refused
at the door, quickly and in small memory, and the API keeps answering."""

from __future__ import annotations

import resource
import subprocess
import time

import pytest

pytestmark = pytest.mark.slow
HOURS_4 = 14_040  # seconds: inside the 4 h limit, so only the content gives it away


@pytest.fixture
def database_url(tmp_path):
    """One database is enough here: the refusal happens before any row is written."""
    return f"sqlite:///{tmp_path / 'callqa.db'}"


@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    """(name, path): a stereo 8 kHz FLAC of a DC offset (a peak check alone would let it in).
    Digital silence takes the same screening pass (and 24 s more of the suite's time); short
    silent files are refused in tests/test_decode.py and tests/service/test_jobs.py."""
    folder = tmp_path_factory.mktemp("bombs")
    sources = {"dc_offset": f"aevalsrc=0.1|0.1:s=8000:d={HOURS_4}"}
    made = []
    for name, source in sources.items():
        path = folder / f"{name}.flac"
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", source, "-c:a",
                        "flac", "-sample_fmt", "s16", str(path)], check=True, timeout=120)
        assert path.stat().st_size < 4_000_000
        made.append((name, path))
    return made


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def test_decode_bombs_are_refused_fast_in_small_memory(api, bombs):
    before = _peak_rss_mb()
    for name, path in bombs:
        started = time.monotonic()
        with path.open("rb") as handle:
            response = api.client.post("/api/v1/calls", headers=api.headers("qa"),
                                       files={"file": (path.name, handle, "audio/flac")})
        elapsed = time.monotonic() - started
        assert response.status_code == 422, (name, response.text)
        assert response.json()["error"]["code"] == "silent_recording", name
        assert elapsed < 60, (name, elapsed)
        assert api.client.get("/healthz").status_code == 200
    grown = _peak_rss_mb() - before
    assert grown < 500, f"the refusals took {grown:.0f} MB more at their peak"
    assert api.client.get("/api/v1/calls", headers=api.headers()).json()["items"] == []
    assert not [p for p in api.settings.audio_dir.rglob("*") if p.is_file()]
