"""Shared fixtures: one synthetic call rendered per session, analysed once per layout."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")

from bench.synth import DEMO_LINES, SyntheticCall, render  # noqa: E402


@pytest.fixture(scope="session")
def demo_call(tmp_path_factory) -> SyntheticCall:
    return render(DEMO_LINES, tmp_path_factory.mktemp("demo"), "demo")


@pytest.fixture(scope="session")
def stereo_analysis(demo_call):
    from audio.pipeline import analyze

    return analyze(demo_call.stereo_path)


@pytest.fixture(scope="session")
def mono_analysis(demo_call):
    from audio.pipeline import analyze

    return analyze(demo_call.mono_path)


@pytest.fixture(scope="session")
def rules():
    from scoring import config

    return config.load()


# Tests that render speech, run the audio models, start chromium or start service
# processes are `slow`: `./dev test -m "not slow"` is the fast lane, `./dev test` runs all.
SLOW_FIXTURES = {"demo_call", "stereo_analysis", "mono_analysis", "short_call", "checkpoint", "desk"}
SLOW_MODULES = {"test_pipeline", "test_align", "test_cli", "test_bench", "test_distributed",
                "test_serve", "test_desk", "test_whisper_convert", "test_timing", "test_decode"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1]
        if module in SLOW_MODULES or SLOW_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.slow)

