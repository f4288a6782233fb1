"""Stereo transcription side by side (issue 14): both channels' speech in one Whisper pass
(``stereo_asr="joined"``) against each whole channel on its own (``"per-channel"``).

    .venv/bin/python -m bench.stereo_asr [--minutes 1,5]

One run, one process, the same calls for both: the benchmark corpus in every condition (WER,
word attribution, flags end to end, transcription and total seconds), then rendered calls of
each length (warm, median of 3 per variant, alternating). Writes ``bench/results/stereo_asr.md``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import jiwer
import numpy as np

from audio.pipeline import AnalysisOptions, analyze
from bench import corpus
from bench.run import RESULTS, _match, _normalise, _turn_of, attribution
from scoring import config
from scoring.call import score_analysis

VARIANTS = ("per-channel", "joined")


def corpus_table(directory: Path) -> str:
    rules = config.load()
    calls = corpus.build(directory, corpus.CONDITIONS)
    by = defaultdict(lambda: defaultdict(list))
    flags = {v: (Counter(), Counter(), Counter()) for v in VARIANTS}
    for number, item in enumerate(calls, 1):
        print(f"corpus call {number}/{len(calls)}", file=sys.stderr)
        for variant in VARIANTS:
            analysis = analyze(item.call.stereo_path,
                               AnalysisOptions(layout="stereo", stereo_asr=variant))
            decision, scored = score_analysis(analysis, rules)
            role_of = {decision.agent: "agent", decision.customer: "customer"}
            truth = _normalise(" ".join(t.text for t in item.call.turns))
            heard = _normalise(" ".join(t.text for t in analysis.transcript.turns))
            key = (variant, item.condition)
            by[key]["wer"].append(jiwer.wer(truth, heard))
            by[key]["attribution"].append(attribution(item.call, analysis, role_of))
            timings = dict(analysis.timings_s)
            by[key]["asr_s"].append(timings["transcription"])
            by[key]["total_s"].append(sum(timings.values()))
            by[key]["duration_s"].append(item.call.duration_s)
            found = {(_turn_of(item.call, f.start, f.end, f.type), f.type) for f in scored.flags}
            expected = {(i, k) for i, kinds in enumerate(item.labels) for k in kinds}
            _match(found, expected, *flags[variant])
    lines = ["### Benchmark corpus, stereo: "
             f"{len({c.dialog for c in calls})} dialogs x {len(corpus.CONDITIONS)} conditions", "",
             "| condition | variant | WER | word attribution | transcription s per call | "
             "total RTF |", "|---|---|---|---|---|---|"]
    for condition in corpus.CONDITIONS:
        for variant in VARIANTS:
            v = by[(variant, condition)]
            lines.append(f"| {condition} | {variant} | {np.mean(v['wer']):.3f} | "
                         f"{np.mean(v['attribution']):.1%} | {np.mean(v['asr_s']):.2f} | "
                         f"{sum(v['total_s']) / sum(v['duration_s']):.3f} |")
    lines += ["", "| variant | flags end to end: TP | FP | FN | micro F1 |",
              "|---|---|---|---|---|"]
    for variant in VARIANTS:
        tp, fp, fn = (sum(c.values()) for c in flags[variant])
        f1 = 2 * tp / max(1, 2 * tp + fp + fn)
        lines.append(f"| {variant} | {tp} | {fp} | {fn} | {f1:.3f} |")
    return "\n".join(lines)


def length_table(directory: Path, minutes: tuple[float, ...]) -> str:
    from bench.synth import DEMO_LINES, render

    warm = render(DEMO_LINES[:3], directory, "warm")
    for variant in VARIANTS:
        analyze(warm.stereo_path, AnalysisOptions(layout="stereo", stereo_asr=variant))
    lines = ["### Speed by call length, stereo (warm process, median of 3 per variant)", "",
             "| minutes | variant | transcription RTF | total RTF |", "|---|---|---|---|"]
    for length in minutes:
        call = render(DEMO_LINES * max(1, round(length * 60 / 33)), directory, f"len{length:g}")
        runs = defaultdict(list)
        for _ in range(3):
            for variant in VARIANTS:
                timings = dict(analyze(call.stereo_path, AnalysisOptions(
                    layout="stereo", stereo_asr=variant)).timings_s)
                runs[variant].append((timings["transcription"], sum(timings.values())))
        for variant in VARIANTS:
            asr = statistics.median(r[0] for r in runs[variant]) / call.duration_s
            total = statistics.median(r[1] for r in runs[variant]) / call.duration_s
            lines.append(f"| {length:g} | {variant} | {asr:.3f} | {total:.3f} |")
            print(lines[-1], file=sys.stderr)
    return "\n".join(lines)


def cold_table(directory: Path) -> str:
    """``callqa analyze`` of a 1-minute stereo call in a fresh process (imports and model
    loading included), median of 3 per variant, alternating."""
    import subprocess

    from bench.synth import DEMO_LINES, render

    call = render(DEMO_LINES * 2, directory, "cold")
    cli = Path(sys.executable).with_name("callqa")
    walls = defaultdict(list)
    for _ in range(3):
        for variant in VARIANTS:
            start = time.perf_counter()
            subprocess.run([str(cli), "analyze", str(call.stereo_path), "--stereo-asr", variant],
                           check=True, capture_output=True)
            walls[variant].append(time.perf_counter() - start)
    lines = [f"### `callqa analyze` of a {call.duration_s:.0f} s stereo call, cold process "
             "(median of 3)", "", "| variant | wall s | target |", "|---|---|---|"]
    for variant in VARIANTS:
        wall = statistics.median(walls[variant])
        lines.append(f"| {variant} | {wall:.1f} | < 8 s — {'met' if wall < 8 else 'missed'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stereo_asr")
    parser.add_argument("--minutes", default="1,5")
    parser.add_argument("--no-corpus", action="store_true")
    args = parser.parse_args(argv)
    minutes = tuple(float(m) for m in args.minutes.split(",") if m)
    with tempfile.TemporaryDirectory() as tmp:
        sections = [f"<!-- python -m bench.stereo_asr {' '.join(argv or sys.argv[1:])}, "
                    f"{time.strftime('%Y-%m-%d')} -->",
                    "## Stereo transcription: one joined pass against one pass per channel"]
        sections.append(cold_table(Path(tmp)))
        sections.append(length_table(Path(tmp), minutes))
        if not args.no_corpus:
            sections.append(corpus_table(Path(tmp)))
    report = "\n\n".join(sections) + "\n"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "stereo_asr.md").write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
