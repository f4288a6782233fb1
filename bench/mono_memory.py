"""Where a mono analysis's memory goes (issue 14), and what oneDNN's primitive cache costs.

    python -m bench.mono_memory [--minutes 5]

1. Steps: one fresh process runs the mono analysis step by step (the pipeline's own functions)
   and reports, after each, its resident memory, the change, and the peak while the step ran
   (VmHWM, reset between steps through /proc/self/clear_refs).
2. oneDNN's cache: diarization alone in fresh processes with
   ``ONEDNN_PRIMITIVE_CACHE_CAPACITY`` at 1024 (oneDNN's default), 64 (``audio.models``) and 0,
   the capacities alternating over two rounds: wall time, peak memory and whether the speaker
   turns are those of the default.

The call is bench.synth's demo lines repeated (as ``bench.long_calls``). Writes
``bench/results/mono_memory.md``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from bench.long_calls import HERE, _run, rendered
from bench.run import RESULTS

_STEPS = """
import sys, time
from pathlib import Path

def status():
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return int(fields["VmRSS"].split()[0]) / 2**20, int(fields["VmHWM"].split()[0]) / 2**20

last = [status()[0]]
def mark(name):
    rss, peak = status()
    print(f"| {name} | {rss:.2f} | {rss - last[0]:+.2f} | {peak:.2f} |", flush=True)
    last[0] = rss
    Path("/proc/self/clear_refs").write_text("5")  # the next step's peak starts here

Path("/proc/self/clear_refs").write_text("5")
mark("start")
from audio import align, decode, diarize, transcribe
from audio.pipeline import AnalysisOptions, _spans, set_threads
from audio.schema import Transcript
from audio.tone import pitch, report
mark("import callqa's audio modules")
options = AnalysisOptions()
audio = decode.decode(sys.argv[1], max_duration_s=options.max_duration_s)
mono = audio.mono()
mark("decode")
set_threads(options.threads)
mark("import torch")
from audio import models
models.import_pyannote()
import pyannote.audio.pipelines  # noqa: F401
mark("import pyannote's pipelines (without torchcodec)")
diarize.load_pipeline(options.diarization)
mark("load segmentation-3.0 and CAM++")
found = diarize.diarize(mono.whole(), audio.sample_rate, options.diarization)
mark("diarize (float32 mixdown included)")
transcribe.load(options.transcription)
mark("load Whisper")
raw = transcribe.transcribe_windows(mono, audio.sample_rate, _spans(found.turns),
                                    options.transcription, options.window_s)
mark("transcribe")
pitch.load_librosa_modules()
mark("import librosa")
turns = align.group_turns(align.assign_speakers(raw, found.turns))
transcript = Transcript(turns=turns, language="en", duration_s=audio.duration_s,
                        speakers=found.speakers, channel_roles=(), models=())
report.measure({s: mono for s in found.speakers}, audio.sample_rate, found.turns, transcript,
               options.tone)
mark("tone")
"""

_DIARIZE = """
import json, sys, time
from pathlib import Path
from audio import decode, diarize
audio = decode.decode(sys.argv[1])
samples = audio.mono().whole()
began = time.perf_counter()
found = diarize.diarize(samples, audio.sample_rate, diarize.DiarizationOptions())
wall = time.perf_counter() - began
fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
print(json.dumps({"wall_s": wall, "peak_gb": int(fields["VmHWM"].split()[0]) / 2**20,
                  "turns": [[t.speaker, t.start, t.end] for t in found.turns]}))
"""
CAPACITIES = ("1024", "64", "0")


def steps_table(path: Path) -> str:
    done = _run(HERE.parent, ["-c", _STEPS, str(path)])
    if done.returncode != 0:
        raise RuntimeError(f"the step-by-step analysis failed: {done.stderr[-2000:]}")
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    return "\n".join(["| after | resident GB | change | peak during the step, GB |",
                      "|---|---|---|---|", *rows])


def cache_table(path: Path, rounds: int = 2) -> str:
    runs: dict[str, list[dict]] = {capacity: [] for capacity in CAPACITIES}
    for _ in range(rounds):
        for capacity in CAPACITIES:
            done = _run(HERE.parent, ["-c", _DIARIZE, str(path)], env_extra={
                "ONEDNN_PRIMITIVE_CACHE_CAPACITY": capacity})
            if done.returncode != 0:
                raise RuntimeError(f"diarization failed: {done.stderr[-2000:]}")
            runs[capacity].append(json.loads(done.stdout.strip().splitlines()[-1]))
    default_turns = runs["1024"][0]["turns"]
    lines = ["| primitives kept | diarization wall, s | peak GB | turns as with 1024 |",
             "|---|---|---|---|"]
    for capacity, found in runs.items():
        walls = " / ".join(f"{r['wall_s']:.1f}" for r in found)
        peaks = " / ".join(f"{r['peak_gb']:.2f}" for r in found)
        same = "yes" if all(r["turns"] == default_turns for r in found) else "no"
        lines.append(f"| {capacity} | {walls} | {peaks} | {same} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.mono_memory", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=5.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        call = rendered(max(1, round(args.minutes * 60 / 33)), Path(tmp), "mono")["mono"]
        report = "\n\n".join([
            f"<!-- python -m bench.mono_memory --minutes {args.minutes:g} -->",
            f"## Where a {args.minutes:g}-minute mono analysis's memory goes",
            steps_table(call),
            "## oneDNN's primitive cache, diarization alone (fresh processes, two rounds)",
            cache_table(call)]) + "\n"
    (RESULTS / "mono_memory.md").write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
