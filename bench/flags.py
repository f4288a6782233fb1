"""Flag accuracy and scoring speed (issue 9), on data the scorer was never built from.

    .venv/bin/python -m bench.flags            # text flags, `callqa score` wall time, throughput
    .venv/bin/python -m bench.flags --audio    # also end to end from audio (about 40 min)

Test sets: the frozen test set (``bench/frozen_test_dialogs.json``, written by authors who saw
only docs/labelling.md, before any training; its checksum is pinned in tests/test_frozen_set.py),
the benchmark corpus (``bench/corpus_dialogs.json``) and issue 2's held-out calls. A flag counts
as found when its type is labelled on the turn it falls in. Writes ``bench/results/flags.md``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench import corpus
from bench.run import RESULTS, TONE_KINDS, _match, _prf, _prf_table
from scoring import config
from scoring.call import score_segments
from scoring.schema import Segment

HERE = Path(__file__).parent
FROZEN = HERE / "frozen_test_dialogs.json"
HELDOUT = HERE / "heldout_calls.json"
TEXT_FLAGS = config.NEGATIVE + config.POSITIVE


def timed(turns: list[tuple[str, str]], start: float = 0.0) -> tuple[Segment, ...]:
    """Segments spoken at 2.6 words per second with 0.4 s gaps."""
    segments, clock = [], start
    for speaker, text in turns:
        length = max(0.4, len(text.split()) / 2.6)
        segments.append(Segment(speaker, round(clock, 2), round(clock + length, 2), text))
        clock += length + 0.4
    return tuple(segments)


def labelled(path: Path) -> dict[str, list[tuple[str, str, list[str]]]]:
    """Dialogs as (speaker, text, flags) turns, from the corpus or held-out format."""
    data = json.loads(path.read_text())
    data.pop("_about", None)
    return {name: [(t[0], t[1], list(t[2])) for t in turns] for name, turns in data.items()}


def text_counts(dialogs, rules) -> tuple[Counter, Counter, Counter]:
    tp, fp, fn = Counter(), Counter(), Counter()
    for turns in dialogs.values():
        segments = timed([(speaker, text) for speaker, text, _ in turns])
        scored = score_segments(segments, rules)
        found = set()
        for flag in scored.flags:
            turn = next(i for i, s in enumerate(segments) if s.start - 0.01 <= flag.start <= s.end)
            found.add((turn, flag.type))
        expected = {(i, kind) for i, (_, _, kinds) in enumerate(turns) for kind in kinds
                    if kind not in TONE_KINDS}
        _match(found, expected, tp, fp, fn)
    return tp, fp, fn


def text_table(title: str, dialogs, rules) -> tuple[str, dict]:
    tp, fp, fn = text_counts(dialogs, rules)
    rows = _prf(tp, fp, fn, TEXT_FLAGS)
    turns = sum(len(t) for t in dialogs.values())
    table = _prf_table(f"{title}: {len(dialogs)} dialogs, {turns} turns", rows)
    return table, {row[0]: row[4:] for row in rows}


def five_minute_transcripts(count: int) -> list[tuple[Segment, ...]]:
    """Distinct 5-minute transcripts (about 60 turns) stitched from the test dialogs."""
    pool = [turn[:2] for source in (FROZEN, corpus.DIALOGS) if source.exists()
            for turns in labelled(source).values() for turn in turns]
    transcripts = []
    for index in range(count):
        turns, at, clock = [], (index * 37) % len(pool), 0.0
        while clock < 300:
            speaker, text = pool[at % len(pool)]
            turns.append((speaker, f"{text}" if index == 0 else f"{text} ({index})"))
            clock += len(text.split()) / 2.6 + 0.4
            at += 1
        transcripts.append(timed(turns))
    return transcripts


def score_wall_time(directory: Path, runs: int = 3) -> str:
    """`callqa score` on one 1- and one 5-minute transcript, fresh process each run."""
    lines = ["### `callqa score` wall time (fresh process, start-up included; median of "
             f"{runs})", "", "| transcript | turns | sentences | seconds |", "|---|---|---|---|"]
    five = five_minute_transcripts(1)[0]
    one = tuple(s for s in five if s.end <= 60)
    for label, segments in (("1 minute", one), ("5 minutes", five)):
        path = directory / f"{label.replace(' ', '')}.json"
        path.write_text(json.dumps({"segments": [s.__dict__ for s in segments]}))
        cli = [sys.executable, "-m", "service.cli", "score", str(path)]
        subprocess.run(cli, check=True, capture_output=True)  # the ONNX graph is cached once
        seconds = []
        for _ in range(runs):
            began = time.perf_counter()
            subprocess.run(cli, check=True, capture_output=True)
            seconds.append(time.perf_counter() - began)
        from scoring import sentences

        lines.append(f"| {label} | {len(segments)} | {len(sentences.split(segments))} | "
                     f"{statistics.median(seconds):.2f} |")
    return "\n".join(lines)


def throughput(count: int = 20) -> str:
    rules = config.load()
    five = five_minute_transcripts(count + 1)
    score_segments(five[0], rules)
    began = time.perf_counter()
    for segments in five[1:]:
        score_segments(segments, rules)
    long_rate = count / (time.perf_counter() - began)
    short = [timed([(s, t) for s, t, _ in turns]) for source in (FROZEN, corpus.DIALOGS)
             if source.exists() for turns in labelled(source).values()]
    began = time.perf_counter()
    for segments in short:
        score_segments(segments, rules)
    short_rate = len(short) / (time.perf_counter() - began)
    return "\n".join([
        "### Scoring throughput in process (embeddings included, 2 threads)", "",
        "| transcripts | count | transcripts/s |", "|---|---|---|",
        f"| 5 minutes, about 60 turns, distinct | {count} | {long_rate:.1f} |",
        f"| test-set dialogs, 6-16 turns | {len(short)} | {short_rate:.1f} |",
    ])


def audio_tables(directory: Path) -> str:
    from audio.pipeline import AnalysisOptions
    from bench.run import accuracy_tables, evaluate

    parts = []
    for title, source in (("frozen test set", FROZEN), ("benchmark corpus", corpus.DIALOGS)):
        calls = corpus.build(directory / source.stem, corpus.CONDITIONS, source=source)
        parts.append(f"## End to end from audio: {title}\n\n"
                     + accuracy_tables(evaluate(calls, AnalysisOptions())))
    return "\n\n".join(parts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.flags")
    parser.add_argument("--audio", action="store_true", help="also end to end from audio")
    args = parser.parse_args(argv)
    rules = config.load()
    sections = ["## Flags from text (`callqa score`), on sets the scorer was not built from"]
    summary = []
    for title, source in (("Frozen test set", FROZEN), ("Benchmark corpus", corpus.DIALOGS),
                          ("Issue 2 held-out calls", HELDOUT)):
        if not source.exists():
            continue
        table, figures = text_table(title, labelled(source), rules)
        sections.append(table)
        micro = figures["micro"]
        summary.append(f"{title}: micro P {micro[0]:.2f} R {micro[1]:.2f} F1 {micro[2]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        sections.append(score_wall_time(Path(tmp)))
        sections.append(throughput())
        if args.audio:
            sections.append(audio_tables(Path(tmp)))
    report = "\n\n".join(sections) + "\n"
    name = "flags_audio.md" if args.audio else "flags.md"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / name).write_text(
        f"<!-- python -m bench.flags{' --audio' if args.audio else ''}, "
        f"{time.strftime('%Y-%m-%d')}, rules {rules.version} -->\n" + report)
    print(report)
    print("\n".join(summary), file=sys.stderr)


if __name__ == "__main__":
    main()
