"""The development set as speech recognition hears it: training text with real ASR errors.

    .venv/bin/python -m bench.asr_dev [--dev scoring/data/dev] [--out scoring/data/dev_asr]

Every turn of every development dialog is spoken by a synthetic voice, degraded (clean, or the
telephone band at 8 kHz mu-law, with or without noise) and transcribed by the shipped Whisper
tiny.en with the pipeline's own options. What Whisper wrote is stored per turn next to the
development set (``scoring/data/dev_asr/<file>.json``); ``scoring.train`` aligns it back to the
written sentences so that their act and flag labels carry over, and trains on both.

The voices and noise levels are chosen apart from the benchmark's (``bench.corpus``): other
espeak-ng accents, other Piper pitch shifts, signal-to-noise ratios drawn from 8-30 dB rather
than the benchmark's fixed 10 and 20 dB, so that the end-to-end figures are not measured on the
voices the heads were trained to hear. Resumable: dialogs already in the output are kept.
``--share`` hears only part of the set (the same dialogs every time); the shipped copies are
``--share 0.4``, 308 of the first 672 dialogs (a few hours on two cores); the ``focus_*``
files written later have no heard copies yet.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from bench.corpus import Voice, _espeak, _shifted
from bench.synth import SAMPLE_RATE

ROOT = Path(__file__).resolve().parents[1]
DEV_DIR = ROOT / "scoring" / "data" / "dev"
OUT_DIR = ROOT / "scoring" / "data" / "dev_asr"

# none of these is one of bench.corpus.VOICE_PAIRS
VOICES = (
    Voice("piper", pitch_cents=-250),
    Voice("piper", pitch_cents=120),
    Voice("piper", pitch_cents=-600),
    Voice("espeak", "en-gb+m1", 160),
    Voice("espeak", "en-us+f2", 170),
    Voice("espeak", "en-gb-x-gbclan+m4", 150),
    Voice("espeak", "en-gb-x-gbcwmd+f4", 165),
    Voice("espeak", "en-us+m5", 180),
    Voice("espeak", "en+f5", 155),
)
CONDITIONS = ("clean", "telephone", "noisy_telephone")


def _say(voice: Voice, text: str) -> np.ndarray:
    if voice.engine == "piper":
        return _shifted(text, voice.pitch_cents)
    return _espeak(text, voice.name, voice.words_per_minute)


def _degrade(samples: np.ndarray, condition: str, snr_db: float, rng) -> np.ndarray:
    """16 kHz float32 in and out; the telephone conditions pass through 8 kHz mu-law."""
    if condition == "clean":
        return samples
    if condition == "noisy_telephone":
        rms = float(np.sqrt(np.mean(samples[np.abs(samples) > 1e-3] ** 2))) if samples.size else 0
        samples = samples + rng.normal(0, 1, samples.shape).astype(np.float32) * np.float32(
            rms / 10 ** (snr_db / 20))
    with tempfile.TemporaryDirectory() as tmp:
        source, phone, back = Path(tmp, "in.wav"), Path(tmp, "phone.wav"), Path(tmp, "back.wav")
        sf.write(source, np.clip(samples, -1, 1), SAMPLE_RATE, subtype="FLOAT")
        subprocess.run(["sox", str(source), "-r", "8000", "-e", "u-law", str(phone),
                        "sinc", "300-3400"], check=True, capture_output=True)
        subprocess.run(["sox", str(phone), "-r", str(SAMPLE_RATE), "-e", "float", "-b", "32",
                        str(back)], check=True, capture_output=True)
        out, _ = sf.read(back, dtype="float32")
    return out


def _padded(samples: np.ndarray) -> np.ndarray:
    pad = np.zeros(int(0.4 * SAMPLE_RATE), dtype=np.float32)
    return np.concatenate([pad, samples.astype(np.float32), pad])


def _seed(dialog_id: str) -> int:
    return int.from_bytes(hashlib.sha256(dialog_id.encode()).digest()[:4], "little")


def hear(dialog: dict, options) -> dict:
    """One dialog spoken and transcribed turn by turn: the voices, condition and texts."""
    from audio.transcribe import transcribe

    rng = np.random.default_rng(_seed(dialog["id"]))
    agent, customer = rng.choice(len(VOICES), size=2, replace=False)
    condition = CONDITIONS[int(rng.integers(len(CONDITIONS)))]
    snr_db = float(rng.uniform(8, 30))
    texts = []
    for speaker, written, _ in dialog["turns"]:
        line = " ".join(sentence.strip() for sentence, _ in written)
        voice = VOICES[agent if speaker == "agent" else customer]
        samples = _degrade(_padded(_say(voice, line)), condition, snr_db, rng)
        words = transcribe(samples, options)
        texts.append("".join(w.text for w in words).strip())
    return {"condition": condition,
            "snr_db": round(snr_db, 1) if condition == "noisy_telephone" else None,
            "voices": [VOICES[agent].describe(), VOICES[customer].describe()], "turns": texts}


def _write(target: Path, source: str, heard: dict) -> None:
    target.write_text(json.dumps({
        "_about": f"{source} spoken by synthetic voices and transcribed by the shipped Whisper "
                  "tiny.en, turn by turn (python -m bench.asr_dev)",
        "dialogs": dict(sorted(heard.items()))}, indent=0, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    from audio.transcribe import TranscriptionOptions

    parser = argparse.ArgumentParser(prog="python -m bench.asr_dev", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev", type=Path, default=DEV_DIR)
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--share", type=float, default=1.0,
                        help="hear this share of the dialogs (chosen by a hash of the id)")
    args = parser.parse_args(argv)
    options = TranscriptionOptions(cpu_threads=args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    for path in sorted(args.dev.glob("*.json")):
        target = args.out / path.name
        heard = json.loads(target.read_text())["dialogs"] if target.exists() else {}
        dialogs = json.loads(path.read_text())["dialogs"]
        started, fresh = time.monotonic(), 0
        for number, dialog in enumerate(dialogs, 1):
            if dialog["id"] in heard or _seed(dialog["id"]) % 1000 >= args.share * 1000:
                continue
            heard[dialog["id"]] = hear(dialog, options)
            fresh += 1
            if fresh % 8 == 0:
                _write(target, path.name, heard)
                print(f"{path.name}: {number}/{len(dialogs)} dialogs, "
                      f"{time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
        _write(target, path.name, heard)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
