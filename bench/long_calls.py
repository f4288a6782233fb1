"""Issue 14 side by side: peak memory by call length and layout, and the cold `callqa analyze`,
for a baseline revision (checked out in a git work tree) and this one, in one run.

    .venv/bin/python -m bench.long_calls --before 6ceb0f7 [--minutes 1,5,30] [--runs 3]
    .venv/bin/python -m bench.long_calls --minutes 120 --layouts stereo --no-cold \
        --out long_calls_2h.md          # this revision alone
    .venv/bin/python -m bench.long_calls --windows --minutes 2,30 --out long_calls_windows.md

Every row is a fresh Python process per tree running ``audio.pipeline.analyze`` with default
options on the same rendered call (bench.synth's demo lines repeated), reporting its own peak
resident memory (VmHWM) and wall time. The cold start is `python -m service.cli analyze CALL
--format json` on a 64 s stereo call, the trees alternating, plus how fast a missing file and
a text file are refused, and what loading the masking engine (spaCy and Presidio) costs a
process. ``--windows``: the words of one pass against Whisper a window at a time. Writes ``bench/results/long_calls.md`` (or ``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.flags import checkout
from bench.run import RESULTS

HERE = Path(__file__).resolve().parent
_MEASURE = """
import json, sys, time
from pathlib import Path
from audio.pipeline import analyze
began = time.monotonic()
analysis = analyze(sys.argv[1])
status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
print(json.dumps({"peak_gb": int(status["VmHWM"].split()[0]) / 2**20,
                  "wall_s": time.monotonic() - began, "torch": "torch" in sys.modules,
                  "words": sum(len(t.words) for t in analysis.transcript.turns)}))
"""


_MASKING = """
import json, time
from pathlib import Path
began = time.monotonic()
from audio.redact import engine
engine.analyzer()
status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
print(json.dumps({"peak_gb": int(status["VmHWM"].split()[0]) / 2**20,
                  "wall_s": time.monotonic() - began}))
"""
_WORDS = """
import sys
from audio.pipeline import AnalysisOptions, analyze
analysis = analyze(sys.argv[1], AnalysisOptions(window_s=float(sys.argv[2])))
print(" ".join(turn.text for turn in analysis.transcript.turns))
"""
_RENDER = """
import json, sys
from pathlib import Path
from bench.synth import DEMO_LINES, render
call = render(DEMO_LINES * int(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
print(json.dumps({"stereo": str(call.stereo_path), "mono": str(call.mono_path)}))
"""


def rendered(repeats: int, directory: Path, name: str) -> dict[str, Path]:
    """The demo lines said ``repeats`` times, as {layout: path}. Rendered in a child process:
    the speech synthesiser's thread pool then never shares the cores with what is measured."""
    done = _run(HERE.parent, ["-c", _RENDER, str(repeats), str(directory), name])
    if done.returncode != 0:
        raise RuntimeError(f"rendering failed: {done.stderr[-2000:]}")
    return {k: Path(v) for k, v in json.loads(done.stdout.strip().splitlines()[-1]).items()}


def _run(tree: Path, args: list[str], timeout_s: float = 7200,
         env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree), "HF_HUB_OFFLINE": "1",
           "PYANNOTE_METRICS_ENABLED": "0", "TOKENIZERS_PARALLELISM": "false", **(env_extra or {})}
    return subprocess.run([sys.executable, *args], cwd=tree, env=env, capture_output=True,
                          text=True, timeout=timeout_s, check=False)


def measure(tree: Path, path: Path) -> dict:
    done = _run(tree, ["-c", _MEASURE, str(path)])
    if done.returncode != 0:
        raise RuntimeError(f"analysis in {tree} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def memory_table(trees: dict[str, Path], minutes: list[float], layouts: list[str],
                 directory: Path) -> str:
    names = list(trees)
    lines = ["### Peak resident memory (VmHWM) of one analysis in a fresh process, GB "
             "(analysis wall s)", "",
             f"| minutes | layout | {' | '.join(names)} | target |",
             "|---|---|" + "---|" * len(names) + "---|"]
    for length in minutes:
        print(f"rendering a {length:g}-minute call", file=sys.stderr)
        call = rendered(max(1, round(length * 60 / 33)), directory, f"len{length:g}")
        for layout in layouts:
            path = call[layout]
            cells = []
            for name in names:
                row = measure(trees[name], path)
                cells.append(f"{row['peak_gb']:.2f} ({row['wall_s']:.0f} s"
                             f"{', torch' if row['torch'] else ''})")
                print(f"{length:g} min {layout} {name}: {cells[-1]}", file=sys.stderr)
            lines.append(f"| {length:g} | {layout} | {' | '.join(cells)} | < 1.5 |")
    return "\n".join(lines)


def cold_table(trees: dict[str, Path], runs: int, directory: Path) -> str:
    call = rendered(2, directory, "cold")
    text = directory / "notes.txt"
    text.write_text("not a recording\n" * 50)
    cases = (("64 s stereo call", [str(call["stereo"]), "--format", "json"]),
             ("missing file", [str(directory / "missing.wav")]),
             ("text file", [str(text)]))
    names = list(trees)
    lines = [f"### Cold `callqa analyze` (fresh process; median of {runs}, trees alternating)",
             "", f"| input | {' | '.join(names)} | target |",
             "|---|" + "---|" * len(names) + "---|"]
    targets = {"64 s stereo call": "< 8 s", "missing file": "< 1 s", "text file": "< 1 s"}
    for label, arguments in cases:
        seconds: dict[str, list[float]] = {name: [] for name in names}
        for _ in range(runs):
            for name in names:
                began = time.perf_counter()
                _run(trees[name], ["-m", "service.cli", "analyze", *arguments], timeout_s=600)
                seconds[name].append(time.perf_counter() - began)
        cells = [f"{statistics.median(seconds[name]):.2f} s" for name in names]
        lines.append(f"| {label} | {' | '.join(cells)} | {targets[label]} |")
        print(lines[-1], file=sys.stderr)
    return "\n".join(lines)


def masking_table(trees: dict[str, Path], runs: int) -> str:
    """Loading the masking engine in a fresh process: wall seconds and peak resident GB."""
    names = list(trees)
    lines = [f"### Loading the masking engine (spaCy + Presidio) in a fresh process, median of "
             f"{runs}", "", f"| figure | {' | '.join(names)} |", "|---|" + "---|" * len(names)]
    rows: dict[str, list[dict]] = {name: [] for name in names}
    for _ in range(runs):
        for name in names:
            done = _run(trees[name], ["-c", _MASKING], timeout_s=600)
            rows[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
    for figure, unit in (("wall_s", "s"), ("peak_gb", "GB")):
        cells = [f"{statistics.median(r[figure] for r in rows[name]):.2f} {unit}"
                 for name in names]
        lines.append(f"| {figure} | {' | '.join(cells)} |")
    return "\n".join(lines)


def windows_table(minutes: list[float], directory: Path) -> str:
    """Stereo calls transcribed in one pass and a window at a time (the default), each scored
    against the script it was rendered from (WER, whisper's English normaliser)."""
    import jiwer
    from whisper.normalizers import EnglishTextNormalizer

    from audio.windows import MAX_WINDOW_S
    from bench.synth import DEMO_LINES

    normalise = EnglishTextNormalizer()
    lines = ["### Whisper in one pass against a window at a time (stereo, this revision)", "",
             "| minutes | window s | WER one pass | WER in windows | words that differ "
             "(WER between the two) |", "|---|---|---|---|---|"]
    for length in minutes:
        repeats = max(1, round(length * 60 / 33))
        call = rendered(repeats, directory, f"words{length:g}")
        window = MAX_WINDOW_S if length * 60 > MAX_WINDOW_S else 45.0
        heard = []
        for window_s in (1e6, window):
            done = _run(HERE.parent, ["-c", _WORDS, str(call["stereo"]), str(window_s)])
            if done.returncode != 0:
                raise RuntimeError(f"analysis failed: {done.stderr[-2000:]}")
            heard.append(normalise(done.stdout.strip().splitlines()[-1]))
        truth = normalise(" ".join(line.text for line in DEMO_LINES * repeats))
        lines.append(f"| {length:g} | {window:g} | {jiwer.wer(truth, heard[0]):.3f} | "
                     f"{jiwer.wer(truth, heard[1]):.3f} | {jiwer.wer(*heard):.3f} |")
        print(lines[-1], file=sys.stderr)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.long_calls")
    parser.add_argument("--before", help="git revision to compare against (none: this alone)")
    parser.add_argument("--minutes", default="1,5,30")
    parser.add_argument("--layouts", default="stereo,mono")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-cold", action="store_true", help="memory rows only")
    parser.add_argument("--windows", action="store_true",
                        help="only: one pass against windows, words against the script")
    parser.add_argument("--out", default="long_calls.md")
    args = parser.parse_args(argv)
    minutes = [float(m) for m in args.minutes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        trees = {f"before ({args.before})": checkout(args.before, directory)} \
            if args.before else {}
        trees["this revision"] = HERE.parent
        command = " ".join(["python -m bench.long_calls", *(argv or sys.argv[1:])])
        sections = [f"<!-- {command}, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores -->",
                    "## Long calls and cold start (issue 14), side by side"]
        if args.windows:
            sections.append(windows_table(minutes, directory))
        else:
            if not args.no_cold:
                sections.append(cold_table(trees, args.runs, directory))
                sections.append(masking_table(trees, args.runs))
            sections.append(memory_table(trees, minutes, args.layouts.split(","), directory))
        subprocess.run(["git", "worktree", "prune"], cwd=HERE.parent, capture_output=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / args.out).write_text("\n\n".join(sections) + "\n")
    print("\n\n".join(sections))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
