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
