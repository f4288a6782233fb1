"""One command for the accuracy and speed figures (README "Measured"; results in bench/results/).

    .venv/bin/python -m bench.run            # corpus accuracy, text flags, ASR side by side, speed
    .venv/bin/python -m bench.run --smoke    # 2 dialogs, clean only: keeps the code working
    .venv/bin/python -m bench.run --long     # also the 30-minute calls (about 15 min more)

Accuracy is scored with the reference tools: WER with jiwer and Whisper's English normaliser,
DER/JER with pyannote.metrics (collar 0.25 s; and collar 0 with overlap scored)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import jiwer
import numpy as np
from pyannote.core import Annotation, Segment
from pyannote.metrics.diarization import DiarizationErrorRate, JaccardErrorRate
from tqdm import tqdm
from whisper.normalizers import EnglishTextNormalizer

from audio.pipeline import AnalysisOptions, analyze
from audio.transcribe import TranscriptionOptions
from bench import corpus
from bench.synth import pyannote_sample, reference_annotation
from scoring import config, roles
from scoring.call import score_analysis, score_segments
from scoring.schema import Segment as TextSegment

RESULTS = Path(__file__).with_name("results")
TONE_KINDS = ("raised_volume", "interruption", "long_silence")
_normalise = EnglishTextNormalizer()


def _reference(call) -> Annotation:
    return reference_annotation(call.turns)


def _hypothesis(analysis, role_of) -> Annotation:
    annotation = Annotation()
    for turn in analysis.diarization:
        annotation[Segment(turn.start, turn.end)] = role_of.get(turn.speaker, turn.speaker)
    return annotation


def _turn_of(call, start: float, end: float, kind: str = "") -> int | None:
    """The truth turn a flag at [start, end] points at: most overlap, else the nearest start."""
    if kind == "long_silence":  # dead air belongs to the turn that ends it
        return min(range(len(call.turns)), key=lambda i: abs(call.turns[i].start - end))
    # an interruption's span is shared by both turns: the tie goes to the turn starting there
    overlaps = [(round(min(end, t.end) - max(start, t.start), 2), -abs(t.start - start), i)
                for i, t in enumerate(call.turns)]
    best = max(overlaps)
    if best[0] > 0:
        return best[2]
    # a silence overlaps no turn: it belongs to the turn that ends it
    return min(range(len(call.turns)), key=lambda i: abs(call.turns[i].start - end))


def _match(found: set, expected: set, tp: Counter, fp: Counter, fn: Counter) -> None:
    for _, kind in found & expected:
        tp[kind] += 1
    for _, kind in found - expected:
        fp[kind] += 1
    for _, kind in expected - found:
        fn[kind] += 1


def _prf(tp: Counter, fp: Counter, fn: Counter, kinds) -> list[tuple]:
    rows = []
    for kind in kinds:
        t, f, n = tp[kind], fp[kind], fn[kind]
        p = t / (t + f) if t + f else float("nan")
        r = t / (t + n) if t + n else float("nan")
        f1 = 2 * p * r / (p + r) if p + r and not np.isnan(p + r) else float("nan")
        rows.append((kind, t, f, n, p, r, f1))
    t, f, n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    p, r = (t / (t + f) if t + f else 0.0), (t / (t + n) if t + n else 0.0)
    rows.append(("micro", t, f, n, p, r, 2 * p * r / (p + r) if p + r else 0.0))
    return rows


def _prf_table(title: str, rows) -> str:
    lines = [f"### {title}", "", "| flag | TP | FP | FN | precision | recall | F1 |",
             "|---|---|---|---|---|---|---|"]
    lines += [f"| {k} | {t} | {f} | {n} | {p:.2f} | {r:.2f} | {f1:.2f} |"
              for k, t, f, n, p, r, f1 in rows]
    return "\n".join(lines)


def text_flags(calls) -> list[tuple]:
    """Flags from the dialog text alone (what `callqa score` sees), timed like speech."""
    rules = config.load()
    tp, fp, fn = Counter(), Counter(), Counter()
    seen = set()
    for item in calls:
        if item.dialog in seen:
            continue
        seen.add(item.dialog)
        segments = tuple(TextSegment(t.speaker, t.start, t.end, t.text) for t in item.call.turns)
        scored = score_segments(segments, rules)
        found = {(_turn_of(item.call, f.start, f.end, f.type), f.type) for f in scored.flags}
        expected = {(i, kind) for i, kinds in enumerate(item.labels) for kind in kinds
                    if kind not in TONE_KINDS}
        _match(found, expected, tp, fp, fn)
    kinds = sorted(set(tp) | set(fp) | set(fn))
    return _prf(tp, fp, fn, kinds)


def evaluate(calls, options: AnalysisOptions) -> dict:
    """Analyse every call in both layouts; accuracy by condition and layout."""
    rules = config.load()
    by = defaultdict(lambda: defaultdict(list))
    flag_counts = {layout: (Counter(), Counter(), Counter()) for layout in ("stereo", "mono")}
    tone_counts = {layout: (Counter(), Counter(), Counter()) for layout in ("stereo", "mono")}
    der, der_overlap, jer = (DiarizationErrorRate(collar=0.25), DiarizationErrorRate(collar=0.0),
                             JaccardErrorRate(collar=0.25))
    for item in tqdm(calls, desc="corpus", file=sys.stderr):
        for layout, path in (("stereo", item.call.stereo_path), ("mono", item.call.mono_path)):
            analysis = analyze(path, options)
            decision, scored = score_analysis(analysis, rules)
            role_of = {decision.agent: "agent", decision.customer: "customer"}
            reference, hypothesis = _reference(item.call), _hypothesis(analysis, role_of)
            key = (layout, item.condition)
            by[key]["der"].append(der(reference, hypothesis))
            by[key]["der_overlap"].append(der_overlap(reference, hypothesis))
            by[key]["jer"].append(jer(reference, hypothesis))
            truth = _normalise(" ".join(t.text for t in item.call.turns))
            heard = _normalise(" ".join(t.text for t in analysis.transcript.turns))
            by[key]["wer"].append(jiwer.wer(truth, heard))
            by[key]["roles"].append(float(_role_correct(item.call, analysis, decision)))
            by[key]["attribution"].append(attribution(item.call, analysis, role_of))
            found = {(_turn_of(item.call, f.start, f.end, f.type), f.type) for f in scored.flags}
            expected = {(i, k) for i, kinds in enumerate(item.labels) for k in kinds}
            _match(found, expected, *flag_counts[layout])
            tone_found = {(i, k) for i, k in found if k in TONE_KINDS}
            tone_expected = {(i, k) for i, k in expected if k in TONE_KINDS}
            _match(tone_found, tone_expected, *tone_counts[layout])
            by[key]["seconds"].append(sum(dict(analysis.timings_s).values()))
            by[key]["duration"].append(item.call.duration_s)
    return {"by": by, "flags": flag_counts, "tone": tone_counts}


def attribution(call, analysis, role_of: dict[str, str]) -> float:
    """Share of the heard words whose middle falls in a true turn (within 0.25 s) of the role
    their speaker was given."""
    words = [w for t in analysis.transcript.turns for w in t.words]
    right = sum(any(t.start - 0.25 <= (w.start + w.end) / 2 <= t.end + 0.25
                    and t.speaker == role_of.get(w.speaker) for t in call.turns)
                for w in words)
    return right / max(1, len(words))


def _role_correct(call, analysis, decision) -> bool:
    """The label chosen as agent overlaps the true agent's speech more than the customer's."""
    time_with = Counter()
    for turn in analysis.diarization:
        if turn.speaker != decision.agent:
            continue
        for truth in call.turns:
            shared = min(turn.end, truth.end) - max(turn.start, truth.start)
            if shared > 0:
                time_with[truth.speaker] += shared
    return time_with["agent"] > time_with["customer"]


def accuracy_tables(result: dict) -> str:
    lines = ["### Speakers, words and roles by layout and condition", "",
             "| layout | condition | calls | DER (collar 0.25) | DER (no collar, overlap) | JER | "
             "WER | role accuracy | word attribution | RTF |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for (layout, condition), values in sorted(result["by"].items()):
        rtf = sum(values["seconds"]) / sum(values["duration"])
        lines.append(
            f"| {layout} | {condition} | {len(values['der'])} | {np.mean(values['der']):.3f} | "
            f"{np.mean(values['der_overlap']):.3f} | {np.mean(values['jer']):.3f} | "
            f"{np.mean(values['wer']):.3f} | {np.mean(values['roles']):.0%} | "
            f"{np.mean(values['attribution']):.1%} | {rtf:.3f} |")
    parts = ["\n".join(lines)]
    for layout in ("stereo", "mono"):
        tp, fp, fn = result["tone"][layout]
        parts.append(_prf_table(f"Tone events from audio ({layout})",
                                _prf(tp, fp, fn, TONE_KINDS)))
        tp, fp, fn = result["flags"][layout]
        kinds = sorted(set(tp) | set(fp) | set(fn))
        parts.append(_prf_table(f"Flags end to end from audio ({layout}, all conditions)",
                                _prf(tp, fp, fn, kinds)))
    return "\n\n".join(parts)


def asr_side_by_side(calls) -> str:
    """faster-whisper int8 vs float32 vs openai-whisper (same tiny.en weights), stereo."""
    variants = (
        ("faster-whisper int8", TranscriptionOptions()),
        ("faster-whisper float32", TranscriptionOptions(compute_type="float32")),
        ("openai-whisper (converted)", TranscriptionOptions(backend="openai-whisper")),
    )
    lines = ["### Transcription back ends (stereo, same tiny.en weights)", "",
             "| back end | condition | WER | transcription RTF |", "|---|---|---|---|"]
    for label, transcription in variants:
        options = replace(AnalysisOptions(), transcription=transcription)
        analyze(calls[0].call.stereo_path, options)  # load
        per = defaultdict(lambda: [[], 0.0, 0.0])
        for item in tqdm(calls, desc=label, file=sys.stderr):
            analysis = analyze(item.call.stereo_path, options)
            truth = _normalise(" ".join(t.text for t in item.call.turns))
            heard = _normalise(" ".join(t.text for t in analysis.transcript.turns))
            entry = per[item.condition]
            entry[0].append(jiwer.wer(truth, heard))
            entry[1] += dict(analysis.timings_s)["transcription"]
            entry[2] += item.call.duration_s
        for condition, (wers, seconds, duration) in per.items():
            lines.append(f"| {label} | {condition} | {np.mean(wers):.3f} | {seconds / duration:.3f} |")
    return "\n".join(lines)


def scoring_throughput(calls, repeats: int = 20) -> str:
    rules = config.load()
    transcripts = [tuple(TextSegment(t.speaker, t.start, t.end, t.text) for t in c.call.turns)
                   for c in calls]
    score_segments(transcripts[0], rules)
    began = time.perf_counter()
    for _ in range(repeats):
        for segments in transcripts:
            # vary the text so the sentence-embedding cache does not make it look free
            score_segments(tuple(replace(s, text=s.text + f" ({_})") for s in segments), rules)
    rate = repeats * len(transcripts) / (time.perf_counter() - began)
    return f"Scoring throughput: {rate:.1f} transcripts/s (text only, {len(transcripts)} distinct dialogs, uncached)."


def speed(directory: Path, minutes: tuple[float, ...]) -> str:
    """Per-stage RTF and peak memory per call length, each layout in a fresh worker process.

    Calls are rendered here, so the children's peak RSS is the worker's alone."""
    from bench.synth import DEMO_LINES, render

    warm = render(DEMO_LINES[:3], directory, "warm")
    lines = ["### Speed by call length (warm worker; each row a fresh process)", "",
             "| minutes | layout | decode | speakers | transcription | alignment | tone | total RTF | worker peak RSS MB |",
             "|---|---|---|---|---|---|---|---|---|"]
    for length in minutes:
        call = render(DEMO_LINES * max(1, round(length * 60 / 33)), directory, f"len{length:g}")
        for layout in ("stereo", "mono"):
            paths = (warm.stereo_path, call.stereo_path) if layout == "stereo" else (
                warm.mono_path, call.mono_path)
            out = subprocess.run(
                [sys.executable, "-m", "bench.run", "--one", str(paths[0]), str(paths[1]),
                 str(call.duration_s)],
                capture_output=True, text=True, check=True, cwd=Path(__file__).parents[1])
            row = json.loads(out.stdout.strip().splitlines()[-1])
            stages = " | ".join(f"{row['rtf'][k]:.3f}" for k in
                                ("decode", "speakers", "transcription", "alignment", "tone"))
            lines.append(f"| {length:g} | {layout} | {stages} | {row['total']:.3f} | {row['rss_mb']:.0f} |")
    return "\n".join(lines)


def one(warm_path: str, call_path: str, duration_s: str) -> None:
    """Child process of ``speed``: a worker that warms up on one call, then analyses another."""
    analyze(warm_path)
    analysis = analyze(call_path)
    timings = dict(analysis.timings_s)
    duration = float(duration_s)
    print(json.dumps({
        "rtf": {k: v / duration for k, v in timings.items()},
        "total": sum(timings.values()) / duration,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


def throughput(directory: Path, calls: int = 6) -> str:
    """Calls per hour per machine at 1 and 2 worker processes (1-minute stereo calls)."""
    from bench.synth import DEMO_LINES, render

    files = [render(DEMO_LINES * 2, directory, f"tp{i}", seed=i).stereo_path for i in range(calls)]
    script = ("import sys, time; from audio.pipeline import analyze; "
              "analyze(sys.argv[1]); t = time.time(); "
              "[analyze(p) for p in sys.argv[2:]]; print(time.time() - t)")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    lines = ["### Throughput (1-minute stereo calls, warm workers)", "",
             "| worker processes | threads each | calls/hour | per-call seconds |", "|---|---|---|---|"]
    for workers in (1, 2):
        share = [files[i::workers] for i in range(workers)]
        procs = [subprocess.Popen([sys.executable, "-c", script, str(files[0]), *map(str, part)],
                                  cwd=Path(__file__).parents[1], env=env, stdout=subprocess.PIPE)
                 for part in share]
        busy = max(float(p.communicate()[0].decode().split()[-1]) for p in procs)
        lines.append(f"| {workers} | {2 // workers} | {calls / busy * 3600:.0f} | {busy / calls * workers:.1f} |")
    return "\n".join(lines)


def real_speech_sample() -> str:
    """pyannote.audio's shipped sample (real two-speaker speech with its RTTM): DER by step."""
    from audio.diarize import DiarizationOptions, diarize

    samples, rate, reference = pyannote_sample()
    lines = ["### Real speech: pyannote.audio's shipped sample (30 s, 2 speakers, reference RTTM)",
             "", "| window step | DER (collar 0.25) | DER (no collar, overlap) | JER | seconds |",
             "|---|---|---|---|---|"]
    for step in (0.1, 0.5):
        options = DiarizationOptions(segmentation_step=step)
        diarize(samples, rate, options)  # load
        began = time.perf_counter()
        result = diarize(samples, rate, options)
        seconds = time.perf_counter() - began
        hypothesis = Annotation()
        for turn in result.turns:
            hypothesis[Segment(turn.start, turn.end)] = turn.speaker
        lines.append(
            f"| {step} {'(pyannote default)' if step == 0.1 else '(ours)'} | "
            f"{DiarizationErrorRate(collar=0.25)(reference, hypothesis):.3f} | "
            f"{DiarizationErrorRate(collar=0.0)(reference, hypothesis):.3f} | "
            f"{JaccardErrorRate(collar=0.25)(reference, hypothesis):.3f} | {seconds:.1f} |")
    return "\n".join(lines)


def diarization_side_by_side(calls) -> str:
    """Mono calls: pyannote's pipeline at its default 1 s window step vs our default path."""
    from audio.diarize import DiarizationOptions

    lines = ["### Mono diarization: pyannote default step vs ours (clean + telephone)", "",
             "| path | DER (collar 0.25) | JER | speakers RTF |", "|---|---|---|---|"]
    for label, step in (("pyannote, 1 s step (its default)", 0.1), ("ours, 5 s step", 0.5)):
        options = replace(AnalysisOptions(),
                          diarization=DiarizationOptions(segmentation_step=step))
        ders, jers, seconds, duration = [], [], 0.0, 0.0
        for item in tqdm(calls, desc=label, file=sys.stderr):
            analysis = analyze(item.call.mono_path, options)
            decision = roles.decide(analysis.transcript)
            role_of = {decision.agent: "agent", decision.customer: "customer"}
            reference, hypothesis = _reference(item.call), _hypothesis(analysis, role_of)
            ders.append(DiarizationErrorRate(collar=0.25)(reference, hypothesis))
            jers.append(JaccardErrorRate(collar=0.25)(reference, hypothesis))
            seconds += dict(analysis.timings_s)["speakers"]
            duration += item.call.duration_s
        lines.append(f"| {label} | {np.mean(ders):.3f} | {np.mean(jers):.3f} | "
                     f"{seconds / duration:.3f} |")
    return "\n".join(lines)


def _splice_accuracy(text: str) -> None:
    """Replace the accuracy sections of an existing benchmark.md, keep the speed sections."""
    path = RESULTS / "benchmark.md"
    report = path.read_text()
    start = report.index("### Flags from text")
    end = report.index("### Real speech")
    path.write_text(report[:start] + text + report[end:])
    print(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="2 dialogs, clean, no speed runs")
    parser.add_argument("--long", action="store_true", help="include 30-minute calls")
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--speed-only", action="store_true",
                        help="speed-by-length section only, written into benchmark.md in place")
    parser.add_argument("--accuracy-only", action="store_true",
                        help="corpus accuracy sections only, written into benchmark.md in place")
    args = parser.parse_args()
    if args.one:
        one(*args.one)
        return
    if args.speed_only:
        with tempfile.TemporaryDirectory() as tmp:
            text = speed(Path(tmp), (1, 5, 30) if args.long else (1, 5)) + "\n\n"
        path = RESULTS / "benchmark.md"
        report = path.read_text()
        start, end = report.index("### Speed by call length"), report.index("### Throughput")
        path.write_text(report[:start] + text + report[end:])
        print(text)
        return
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        conditions = ("clean",) if args.smoke else corpus.CONDITIONS
        calls = corpus.build(directory, conditions, limit=2 if args.smoke else None)
        sections = [
            f"## callqa benchmark ({platform.machine()}, {os.cpu_count()} cores, no GPU, "
            f"{time.strftime('%Y-%m-%d')})",
            f"Corpus: {len({c.dialog for c in calls})} dialogs x {len(conditions)} conditions "
            f"({', '.join(conditions)}), stereo and mono renderings; voices: "
            + "; ".join(sorted({f'{a} / {b}' for c in calls for a, b in [c.voices]})),
            _prf_table("Flags from text (`callqa score`)", text_flags(calls)),
            accuracy_tables(evaluate(calls, AnalysisOptions())),
            scoring_throughput(calls),
        ]
        if args.accuracy_only:
            _splice_accuracy("\n\n".join(sections[2:]) + "\n\n")
            return
        sections.append(real_speech_sample())
        if not args.smoke:
            clean_and_phone = [c for c in calls if c.condition in ("clean", "telephone")]
            sections.append(diarization_side_by_side(clean_and_phone))
            sections.append(asr_side_by_side(clean_and_phone))
            sections.append(speed(directory, (1, 5, 30) if args.long else (1, 5)))
            sections.append(throughput(directory))
    report = "\n\n".join(sections) + "\n"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / ("smoke.md" if args.smoke else "benchmark.md")).write_text(report)
    print(report)


if __name__ == "__main__":
    main()
