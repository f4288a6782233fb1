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


# a payment taken over the phone: the card number said as digit words, with the code
PAYMENT_LINES = (
    ("agent", "Thanks for calling Northgate Energy. Can I take the card number for the payment?"),
    ("customer", "Yes. It's four one one one, one one one one, one one one one, one one one one."),
    ("agent", "Thank you. And the three digit security code on the back?"),
    ("customer", "Seven three two."),
    ("agent", "Lovely, that payment has gone through. Is there anything else?"),
)


@pytest.fixture(scope="session")
def payment_call(tmp_path_factory) -> SyntheticCall:
    from bench.synth import Line

    return render([Line(s, t) for s, t in PAYMENT_LINES], tmp_path_factory.mktemp("pay"), "pay")


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
SLOW_FIXTURES = {"demo_call", "stereo_analysis", "mono_analysis", "short_call", "checkpoint", "desk",
                 "payment_call"}
SLOW_MODULES = {"test_pipeline", "test_align", "test_cli", "test_bench", "test_distributed",
                "test_serve", "test_desk", "test_whisper_convert", "test_timing", "test_decode"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1]
        if module in SLOW_MODULES or SLOW_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.slow)

