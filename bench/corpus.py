"""The benchmark corpus: labelled synthetic calls with exact ground truth.

Dialogs (``corpus_dialogs.json``, written for the corpus and kept apart from the tests) are
spoken by pairs of voices (Piper's natural "joe", espeak-ng accents and speeds), placed on a
timeline with louder turns, overlaps and holds, and rendered stereo (agent left) and mono under
conditions: clean 16 kHz, telephone (300-3400 Hz, 8 kHz mu-law), and telephone with noise at
20 and 10 dB SNR. Ground truth: speaker turns and text, roles, tone events and flag labels.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import soundfile as sf

from bench.synth import SAMPLE_RATE, Line, SyntheticCall, render, speak

DIALOGS = Path(__file__).with_name("corpus_dialogs.json")
CONDITIONS = ("clean", "telephone", "noise_20db", "noise_10db")


@dataclass(frozen=True)
class Voice:
    engine: str  # piper | espeak
    name: str = ""  # espeak voice, e.g. "en-gb-scotland+m3"
    words_per_minute: int = 165
    pitch_cents: int = 0  # sox pitch shift after synthesis

    def describe(self) -> str:
        if self.engine == "piper":
            return f"piper joe{'' if not self.pitch_cents else f' {self.pitch_cents:+d} cents'}"
        return f"espeak {self.name} {self.words_per_minute} wpm"


# (agent, customer) pairs; dialogs take them in turn so every accent meets every condition
VOICE_PAIRS = (
    (Voice("piper"), Voice("espeak", "en-gb-scotland+f3", 150)),
    (Voice("espeak", "en-us+m3", 175), Voice("piper", pitch_cents=-450)),
    (Voice("espeak", "en-gb-x-rp+f2", 160), Voice("espeak", "en-029+m2", 185)),
    (Voice("piper", pitch_cents=250), Voice("espeak", "en-us+m7", 140)),
)


@dataclass(frozen=True)
class CorpusCall:
    name: str
    dialog: str
    condition: str
    call: SyntheticCall
    labels: tuple[tuple[str, ...], ...]  # flag types per turn, same order as call.turns
    voices: tuple[str, str]


def dialogs(path: Path = DIALOGS) -> dict[str, list]:
    data = json.loads(path.read_text())
    data.pop("_about", None)
    return data


def _sox(source: Path, target: Path, *effects: str, rate: int = SAMPLE_RATE) -> None:
    subprocess.run(["sox", str(source), "-r", str(rate), "-c", "1", "-b", "16", str(target),
                    *effects], check=True, capture_output=True)


@cache
def _espeak(text: str, voice: str, words_per_minute: int) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        raw, out = Path(tmp, "raw.wav"), Path(tmp, "out.wav")
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(words_per_minute), "-w", str(raw),
                        text], check=True, capture_output=True)
        _sox(raw, out)
        samples, _ = sf.read(out, dtype="float32")
    loud = np.flatnonzero(np.abs(samples) > 10 ** (-45 / 20) * np.abs(samples).max())
    samples = samples[loud[0]: loud[-1] + 1]
    return (samples * (0.25 / max(1e-6, float(np.abs(samples).max())))).astype(np.float32)


@cache
def _shifted(text: str, cents: int) -> np.ndarray:
    """Piper joe, pitch-shifted by ``cents`` (formants move too: a different-sounding person)."""
    base = speak(text, "agent")
    if not cents:
        return base
    with tempfile.TemporaryDirectory() as tmp:
        raw, out = Path(tmp, "raw.wav"), Path(tmp, "out.wav")
        sf.write(raw, base, SAMPLE_RATE, subtype="PCM_16")
        _sox(raw, out, "pitch", str(cents))
        shifted, _ = sf.read(out, dtype="float32")
    return shifted


def voice_function(agent: Voice, customer: Voice):
    def say(text: str, speaker: str) -> np.ndarray:
        voice = agent if speaker == "agent" else customer
        if voice.engine == "piper":
            return _shifted(text, voice.pitch_cents)
        return _espeak(text, voice.name, voice.words_per_minute)

    return say


def degrade(path: Path, condition: str, seed: int = 0) -> Path:
    """Apply ``condition`` to a rendered WAV in place-ish: returns the file to analyse."""
    if condition == "clean":
        return path
    samples, rate = sf.read(path, dtype="float32", always_2d=True)
    if condition.startswith("noise_"):
        snr_db = float(condition.removeprefix("noise_").removesuffix("db"))
        speech_rms = float(np.sqrt(np.mean(samples[np.abs(samples) > 1e-3] ** 2)))
        noise = np.random.default_rng(seed).normal(0, 1, samples.shape).astype(np.float32)
        samples = samples + noise * np.float32(speech_rms / 10 ** (snr_db / 20))
    staged = path.with_name(path.stem + f"_{condition}_staged.wav")
    sf.write(staged, np.clip(samples, -1, 1), rate, subtype="FLOAT")
    target = path.with_name(path.stem + f"_{condition}.wav")
    subprocess.run(["sox", str(staged), "-r", "8000", "-e", "u-law", str(target),
                    "sinc", "300-3400"], check=True, capture_output=True)
    staged.unlink()
    return target


def build(directory: Path, conditions=CONDITIONS, limit: int | None = None,
          source: Path = DIALOGS) -> list[CorpusCall]:
    """Render every dialog of ``source`` once per voice pair slot, then each condition of it."""
    calls = []
    for index, (name, turns) in enumerate(list(dialogs(source).items())[:limit]):
        agent, customer = VOICE_PAIRS[index % len(VOICE_PAIRS)]
        lines = [Line(speaker, text, gap_before_s=options.get("gap_s", 0.5),
                      gain_db=options.get("gain_db", 0.0))
                 for speaker, text, _, options in turns]
        rendered = render(lines, directory, name, voice=voice_function(agent, customer),
                          seed=index)
        labels = tuple(tuple(flags) for _, _, flags, _ in turns)
        for condition in conditions:
            call = SyntheticCall(
                stereo_path=degrade(rendered.stereo_path, condition, seed=index),
                mono_path=degrade(rendered.mono_path, condition, seed=index + 100),
                turns=rendered.turns, duration_s=rendered.duration_s,
            )
            calls.append(CorpusCall(f"{name}/{condition}", name, condition, call, labels,
                                    (agent.describe(), customer.describe())))
    return calls
