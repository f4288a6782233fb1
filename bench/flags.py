"""Flag accuracy and scoring speed (issue 9), on data the scorer was never built from.

    .venv/bin/python -m bench.flags            # text flags, `callqa score` wall time, throughput
    .venv/bin/python -m bench.flags --audio [--every 2]  # end to end from audio (hours for all)

Test sets: the frozen test sets (``bench/frozen_test_v*.json``, written by authors who saw
only docs/labelling.md, never used to train or tune; checksums pinned in tests/test_training.py),
the benchmark corpus
(``bench/corpus_dialogs.json``) and issue 2's held-out calls. Sets v1 to v4 were test sets until
rules 2026.12-4, v5 until rules 2026.12-5, v6 until rules 2026.12-7, v8 until rules
2026.12-8, v9 until rules 2026.12-9, v10 until rules 2026.12-10, v11 until rules 2026.12-11,
v12 until rules 2026.12-12 and v13 until rules 2026.12-13, when they were act-labelled and added to the development data: they are still
reported, marked as training data for this revision, and their earlier columns stand. v7 was
read once, by a candidate that was not shipped (rules 2026.12-6,
``bench/results/flags_v7_candidate.md``), and had been seen when 2026.12-7 was chosen; it is
reported, marked so. v14 was read once at rules 2026.12-13 and v15 once by the rules 2026.12-14
candidate, which was not shipped (``bench/results/flags_v15_candidate.md``); both are reported,
marked so. v16 was never read by a benchmark, but its text was printed during development on
2026-12-06, so it is no test set; v17 was read once by the rules 2026.12-15 candidate (thresholds
chosen on v7 and v14-v16, ``scoring/data/calibration/``), which was not shipped
(``bench/results/flags_v17_candidate.md``); v18 was read once by the rules 2026.12-16
candidate (v14 to v17 act-labelled and trained on), which was not shipped
(``bench/results/flags_v18_candidate.md``). Rules 2026.12-17 (the encoder's adapter retrained
with v14 to v17 act-labelled, which are training data since) were shipped after reading v19
once (``bench/results/flags.md`` of that day). v20 was read once by the rules 2026.12-18
candidate (the adapter retrained with v18 and v19 act-labelled too), which was not shipped
(``bench/results/flags_v20_candidate.md``). v21 was read once for rules 2026.12-19 (a flat refusal
gives way) and v22 once for rules 2026.12-20 (the heads refitted with telegraphic development
dialogs), both shipped (``bench/results/flags.md`` of their day); v23 once by the rules
2026.12-21 candidate (the paraphrase groups split by a hash of their names, the heads refitted),
which was not shipped (``bench/results/flags_v23_candidate.md``). A flag counts as found when its
type is labelled on the turn it falls in. Earlier scorers run side by side from git work trees
(``--baseline``): the phrase rules before issue 9, the first act heads, the adapted heads
before the ``focus_*`` development dialogs, the same heads with the thresholds of the
plain best F1 (before ``scoring.thresholds``), and each later rules version. Writes
``bench/results/flags.md``.
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
from collections import Counter
from pathlib import Path

from bench import corpus
from bench.run import RESULTS, TONE_KINDS, _match, _prf, _prf_table
from scoring import config
from scoring.call import score_segments
from scoring.schema import Segment

HERE = Path(__file__).parent
FROZEN = HERE / "frozen_test_dialogs.json"
FROZEN_V2 = HERE / "frozen_test_v2.json"
FROZEN_V3 = HERE / "frozen_test_v3.json"
FROZEN_V4 = HERE / "frozen_test_v4.json"
FROZEN_V5 = HERE / "frozen_test_v5.json"
FROZEN_V6 = HERE / "frozen_test_v6.json"
FROZEN_V7 = HERE / "frozen_test_v7.json"
FROZEN_V8 = HERE / "frozen_test_v8.json"
FROZEN_V9 = HERE / "frozen_test_v9.json"
FROZEN_V10 = HERE / "frozen_test_v10.json"
FROZEN_V11 = HERE / "frozen_test_v11.json"
FROZEN_V12 = HERE / "frozen_test_v12.json"
FROZEN_V13 = HERE / "frozen_test_v13.json"
FROZEN_V14 = HERE / "frozen_test_v14.json"
FROZEN_V15 = HERE / "frozen_test_v15.json"
FROZEN_V16 = HERE / "frozen_test_v16.json"
FROZEN_V17 = HERE / "frozen_test_v17.json"
FROZEN_V18 = HERE / "frozen_test_v18.json"
FROZEN_V19 = HERE / "frozen_test_v19.json"
FROZEN_V20 = HERE / "frozen_test_v20.json"
FROZEN_V21 = HERE / "frozen_test_v21.json"
FROZEN_V22 = HERE / "frozen_test_v22.json"
FROZEN_V23 = HERE / "frozen_test_v23.json"
HELDOUT = HERE / "heldout_calls.json"
TEXT_FLAGS = config.NEGATIVE + config.POSITIVE
# earlier scorers run side by side: name, git revision
BASELINES = (
    ("phrase rules", "c17d96b"),  # main before issue 9: phrase patterns and exemplar similarity
    ("act heads 2026-11-25", "c2f3d22"),  # plain MiniLM vectors, 480 development dialogs
    ("adapted heads 2026-12-04 (rules 2026.12-1)", "3af8202"),  # before the focus_* dialogs
    ("best-F1 thresholds (rules 2026.12-2)", "4cec4d2"),  # the heads of 2026.12-2 and -3
    ("steady thresholds (rules 2026.12-3)", "41cff54"),  # before v1-v4 became training data
    ("rules 2026.12-4", "3aeaea8"),  # before v5 and the focus_blame/repeats dialogs
    ("rules 2026.12-5", "71dfd15"),  # shipped 2026-12-04 to 2026-12-05, before v6 was trained on
    ("rules 2026.12-7", "d67267f"),  # before v8 was trained on
    ("rules 2026.12-8", "589948c"),  # before v9 was trained on
    ("rules 2026.12-9", "160b9e3"),  # before v10 was trained on
    ("rules 2026.12-10", "e1e1d3d"),  # before v11 was trained on
    ("rules 2026.12-11", "191a204"),  # before v12 was trained on
    ("rules 2026.12-12", "3750aec"),  # before v13 was trained on
    ("rules 2026.12-13", "fdcf513"),  # shipped until 2026.12-17
    ("rules 2026.12-17", "89a4455"),  # the adapter retrained with v14-v17; the baseline of later changes
    ("rules 2026.12-19", "88e8f59"),  # a flat refusal gives way to system blame and deflection
    ("rules 2026.12-20", "95659c4"),  # the heads refitted with telegraphic development dialogs
)
RETIRED = " (training data since rules 2026.12-4)"
RETIRED_5 = " (training data since rules 2026.12-5)"
RETIRED_6 = " (training data since rules 2026.12-7)"
RETIRED_8 = " (training data since rules 2026.12-8)"
RETIRED_9 = " (training data since rules 2026.12-9)"
RETIRED_10 = " (training data since rules 2026.12-10)"
RETIRED_11 = " (training data since rules 2026.12-11)"
RETIRED_12 = " (training data since rules 2026.12-12)"
RETIRED_13 = " (training data since rules 2026.12-13)"
SEEN_7 = " (read for the 2026.12-6 candidate, seen when 2026.12-7 was chosen)"
RETIRED_17 = " (training data since rules 2026.12-17)"
READ_18 = " (read for the 2026.12-16 candidate, not shipped)"
READ_19 = " (read for rules 2026.12-17)"
READ_20 = " (read for the 2026.12-18 candidate, not shipped)"
READ_21 = " (read for rules 2026.12-19)"
READ_22 = " (read for rules 2026.12-20)"
READ_23 = " (read for the 2026.12-21 candidate, not shipped)"
TEST_SETS = (("Frozen test set v23" + READ_23, FROZEN_V23),
             ("Frozen test set v22" + READ_22, FROZEN_V22),
             ("Frozen test set v21" + READ_21, FROZEN_V21), ("Benchmark corpus", corpus.DIALOGS),
             ("Frozen test set v20" + READ_20, FROZEN_V20),
             ("Frozen test set v19" + READ_19, FROZEN_V19),
             ("Frozen test set v18" + READ_18, FROZEN_V18),
             ("Issue 2 held-out calls", HELDOUT), ("Frozen test set v17" + RETIRED_17, FROZEN_V17),
             ("Frozen test set v16" + RETIRED_17, FROZEN_V16),
             ("Frozen test set v15" + RETIRED_17, FROZEN_V15),
             ("Frozen test set v14" + RETIRED_17, FROZEN_V14),
             ("Frozen test set v13" + RETIRED_13, FROZEN_V13),
             ("Frozen test set v12" + RETIRED_12, FROZEN_V12),
             ("Frozen test set v11" + RETIRED_11, FROZEN_V11),
             ("Frozen test set v10" + RETIRED_10, FROZEN_V10),
             ("Frozen test set v9" + RETIRED_9, FROZEN_V9),
             ("Frozen test set v8" + RETIRED_8, FROZEN_V8),
             ("Frozen test set v7" + SEEN_7, FROZEN_V7),
             ("Frozen test set v6" + RETIRED_6, FROZEN_V6),
             ("Frozen test set v5" + RETIRED_5, FROZEN_V5),
             ("Frozen test set v1" + RETIRED, FROZEN), ("Frozen test set v2" + RETIRED, FROZEN_V2),
             ("Frozen test set v3" + RETIRED, FROZEN_V3),
             ("Frozen test set v4" + RETIRED, FROZEN_V4))


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


def found_flags(dialogs, rules) -> list[set[tuple[int, str]]]:
    """(turn, flag type) of every text flag raised, per dialog."""
    out = []
    for turns in dialogs.values():
        segments = timed([(speaker, text) for speaker, text, _ in turns])
        found = set()
        for flag in score_segments(segments, rules).flags:
            turn = next(i for i, s in enumerate(segments) if s.start - 0.01 <= flag.start <= s.end)
            found.add((turn, flag.type))
        out.append(found)
    return out


def text_counts(dialogs, found: list[set]) -> tuple[Counter, Counter, Counter]:
    tp, fp, fn = Counter(), Counter(), Counter()
    for turns, raised in zip(dialogs.values(), found, strict=True):
        expected = {(i, kind) for i, (_, _, kinds) in enumerate(turns) for kind in kinds
                    if kind not in TONE_KINDS}
        _match({f for f in raised if f[1] not in TONE_KINDS}, expected, tp, fp, fn)
    return tp, fp, fn


# run in a checkout of an earlier revision: the same dialogs, that revision's scorer
_BASELINE = """
import json, sys, time
from scoring import config
from scoring.call import score_segments
from scoring.schema import Segment
rules = config.load()
out = []
for turns in json.load(sys.stdin):
    segments, clock = [], 0.0
    for speaker, text in turns:
        length = max(0.4, len(text.split()) / 2.6)
        segments.append(Segment(speaker, round(clock, 2), round(clock + length, 2), text))
        clock += length + 0.4
    began = time.perf_counter()
    flags = score_segments(tuple(segments), rules).flags
    seconds = time.perf_counter() - began
    found = [[next(i for i, s in enumerate(segments) if s.start - 0.01 <= f.start <= s.end),
              f.type] for f in flags]
    out.append({"found": found, "seconds": seconds})
print(json.dumps(out))
"""


def checkout(revision: str, directory: Path) -> Path:
    """A work tree of git ``revision`` inside ``directory`` (made once)."""
    tree = directory / f"baseline-{revision}"
    if not tree.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), revision], check=True,
                       capture_output=True, cwd=HERE.parent)
    return tree


def baseline_found(revision: str, dialogs, directory: Path) -> tuple[list[set], float]:
    """Flags of ``dialogs`` by the scorer at git ``revision`` (checked out in ``directory``),
    and its seconds per dialog after the first."""
    tree = checkout(revision, directory)
    payload = json.dumps([[t[:2] for t in turns] for turns in dialogs.values()])
    result = subprocess.run([sys.executable, "-c", _BASELINE], input=payload, text=True,
                            capture_output=True, check=True, cwd=tree,
                            env={**os.environ, "PYTHONPATH": str(tree)})
    rows = json.loads(result.stdout)
    seconds = sum(r["seconds"] for r in rows[1:]) / max(1, len(rows) - 1)
    return [{(t, k) for t, k in r["found"]} for r in rows], seconds


def text_table(title: str, dialogs, found: list[set]) -> tuple[str, dict]:
    tp, fp, fn = text_counts(dialogs, found)
    rows = _prf(tp, fp, fn, TEXT_FLAGS)
    turns = sum(len(t) for t in dialogs.values())
    table = _prf_table(f"{title}: {len(dialogs)} dialogs, {turns} turns", rows)
    return table, {row[0]: row[4:] for row in rows}


def five_minute_transcripts(count: int) -> list[tuple[Segment, ...]]:
    """Distinct 5-minute transcripts stitched from the test dialogs' turns."""
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


def _column_names(baselines) -> list[str]:
    return [f"{name} ({revision})" for name, revision in baselines] + ["this revision"]


def score_wall_time(baselines, directory: Path, runs: int = 3) -> str:
    """`callqa score` on one 1- and one 5-minute transcript, a fresh process each run, the
    baselines and this revision side by side."""
    from scoring import sentences

    trees = [checkout(revision, directory) for _, revision in baselines]
    names = _column_names(baselines)
    lines = [f"### `callqa score` wall time (fresh process, start-up included; median of {runs})",
             "", f"| transcript | turns | sentences | {' | '.join(names)} |",
             "|---|---|---|" + "---|" * len(names)]
    five = five_minute_transcripts(1)[0]
    one = tuple(s for s in five if s.end <= 60)
    for label, segments in (("1 minute", one), ("5 minutes", five)):
        path = directory / f"{label.replace(' ', '')}.json"
        path.write_text(json.dumps({"segments": [s.__dict__ for s in segments]}))
        cells = []
        for cwd in (*trees, HERE.parent):
            cli = [sys.executable, "-m", "service.cli", "score", str(path)]
            env = {**os.environ, "PYTHONPATH": str(cwd)}
            subprocess.run(cli, check=True, capture_output=True, cwd=cwd, env=env)  # caches
            seconds = []
            for _ in range(runs):
                began = time.perf_counter()
                subprocess.run(cli, check=True, capture_output=True, cwd=cwd, env=env)
                seconds.append(time.perf_counter() - began)
            cells.append(f"{statistics.median(seconds):.2f} s")
        lines.append(f"| {label} | {len(segments)} | {len(sentences.split(segments))} | "
                     f"{' | '.join(cells)} |")
    return "\n".join(lines)


def throughput(baselines, directory: Path, count: int = 20) -> str:
    """Transcripts scored per second in process, the baselines and this revision, same input."""
    rules = config.load()
    five = five_minute_transcripts(count + 1)
    score_segments(five[0], rules)
    began = time.perf_counter()
    for segments in five[1:]:
        score_segments(segments, rules)
    long_rate = count / (time.perf_counter() - began)
    short = {name: turns for source in (FROZEN, corpus.DIALOGS)
             for name, turns in labelled(source).items()}
    began = time.perf_counter()
    found_flags(short, rules)
    short_rate = len(short) / (time.perf_counter() - began)
    # the phrase rules take seconds per 5-minute transcript: a warm-up and five are enough
    as_dialogs = {str(i): [(s.speaker, s.text, []) for s in t] for i, t in enumerate(five[:6])}
    long_cells, short_cells = [], []
    for _, revision in baselines:
        _, old_long = baseline_found(revision, as_dialogs, directory)
        _, old_short = baseline_found(revision, short, directory)
        long_cells.append(f"{1 / old_long:.2f}/s (5 timed)")
        short_cells.append(f"{1 / old_short:.1f}/s")
    turns = statistics.mean(len(t) for t in five)
    names = _column_names(baselines)
    return "\n".join([
        "### Scoring throughput in process (embeddings included, 2 threads)", "",
        f"| transcripts | {' | '.join(names)} |", "|---|" + "---|" * len(names),
        f"| distinct 5-minute transcripts, {turns:.0f} turns on average | "
        f"{' | '.join(long_cells)} | {long_rate:.1f}/s ({count} timed) |",
        f"| test-set and corpus dialogs, 4-16 turns ({len(short)}) | {' | '.join(short_cells)} | "
        f"{short_rate:.1f}/s |",
    ])


AUDIO_SETS = {"v1": ("frozen test set v1", FROZEN), "v2": ("frozen test set v2", FROZEN_V2),
              "v3": ("frozen test set v3", FROZEN_V3), "v4": ("frozen test set v4", FROZEN_V4),
              "v5": ("frozen test set v5", FROZEN_V5), "v6": ("frozen test set v6", FROZEN_V6),
              "v7": ("frozen test set v7", FROZEN_V7), "v8": ("frozen test set v8", FROZEN_V8),
              "v9": ("frozen test set v9", FROZEN_V9), "v10": ("frozen test set v10", FROZEN_V10),
              "v11": ("frozen test set v11", FROZEN_V11), "v12": ("frozen test set v12", FROZEN_V12),
              "v13": ("frozen test set v13", FROZEN_V13), "v14": ("frozen test set v14", FROZEN_V14),
              "v15": ("frozen test set v15", FROZEN_V15), "v16": ("frozen test set v16", FROZEN_V16),
              "v17": ("frozen test set v17", FROZEN_V17), "v18": ("frozen test set v18", FROZEN_V18),
              "v19": ("frozen test set v19", FROZEN_V19), "v20": ("frozen test set v20", FROZEN_V20),
              "v21": ("frozen test set v21", FROZEN_V21),
              "v22": ("frozen test set v22", FROZEN_V22),
              "v23": ("frozen test set v23", FROZEN_V23),
              "corpus": ("benchmark corpus", corpus.DIALOGS)}


def audio_tables(directory: Path, sets: tuple[str, ...], every: int = 1, offset: int = 0) -> str:
    """Flags end to end from rendered audio, all conditions: every ``every``-th dialog from
    ``offset`` of each frozen set named, and the whole benchmark corpus if named."""
    from audio.pipeline import AnalysisOptions
    from bench.run import accuracy_tables, evaluate

    parts = []
    for key in sets:
        title, source = AUDIO_SETS[key]
        step, start = (1, 0) if key == "corpus" else (every, offset)
        subset = directory / f"{source.stem}.json"
        chosen = dict(list(labelled_raw(source).items())[start::step])
        subset.write_text(json.dumps(chosen))
        calls = corpus.build(directory / source.stem, corpus.CONDITIONS, source=subset)
        parts.append(f"## End to end from audio: {title}, {len(chosen)} dialogs x "
                     f"{len(corpus.CONDITIONS)} conditions\n\n"
                     + accuracy_tables(evaluate(calls, AnalysisOptions())))
    return "\n\n".join(parts)


def labelled_raw(path: Path) -> dict[str, list]:
    data = json.loads(path.read_text())
    data.pop("_about", None)
    return data


def text_sections(baselines, rules) -> list[str]:
    sections = ["## Flags from text (`callqa score`), on sets the scorer was not built from "
                "(v1-v4: until rules 2026.12-4; v5: until rules 2026.12-5; v6: until rules 2026.12-7; "
                "v8: until rules 2026.12-8; v9: until rules 2026.12-9; v10: until rules 2026.12-10; "
                "v11: until rules 2026.12-11; v12: until rules 2026.12-12; "
                "v13: until rules 2026.12-13; v14-v17: until rules 2026.12-17)"]
    names = _column_names(baselines)
    summary = []
    with tempfile.TemporaryDirectory() as tmp:
        for title, source in TEST_SETS:
            dialogs = labelled(source)
            table, figures = text_table(title, dialogs, found_flags(dialogs, rules))
            cells = []
            for _, revision in baselines:
                old_found, _ = baseline_found(revision, dialogs, Path(tmp))
                _, old_figures = text_table(title, dialogs, old_found)
                cells.append("{:.2f} / {:.2f} / {:.2f}".format(*old_figures["micro"][:3]))
            cells.append("{:.2f} / {:.2f} / {:.2f}".format(*figures["micro"][:3]))
            sections.append(table)
            summary.append(f"| {title} | {' | '.join(cells)} |")
        sections.insert(1, "\n".join([
            "### Side by side: micro precision / recall / F1", "",
            f"| test set | {' | '.join(names)} |", "|---|" + "---|" * len(names), *summary]))
        sections.append(score_wall_time(baselines, Path(tmp)))
        sections.append(throughput(baselines, Path(tmp)))
        subprocess.run(["git", "worktree", "prune"], cwd=HERE.parent, capture_output=True)
    return sections


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.flags")
    parser.add_argument("--audio", action="store_true", help="end to end from audio only")
    parser.add_argument("--sets", default="v20,corpus",
                        help="with --audio: which sets, of v1 to v23 (the frozen test sets) "
                             "and corpus")
    parser.add_argument("--every", type=int, default=1,
                        help="with --audio: every n-th frozen dialog (a whole set takes hours)")
    parser.add_argument("--offset", type=int, default=0,
                        help="with --audio: the first frozen dialog to take")
    parser.add_argument("--baseline", action="append", default=None, metavar="NAME=REVISION",
                        help="an earlier scorer to run side by side (repeatable; default: the "
                             "phrase rules, the first act heads, the adapted heads of 3af8202, "
                             "the best-F1 thresholds of 4cec4d2, the steady thresholds of "
                             "41cff54, rules 2026.12-4 of 3aeaea8, rules 2026.12-5 of 71dfd15, "
                             "rules 2026.12-7 of d67267f, rules 2026.12-8 of 589948c, "
                             "rules 2026.12-9 of 160b9e3, rules 2026.12-10 of e1e1d3d, "
                             "rules 2026.12-11 of 191a204)")
    args = parser.parse_args(argv)
    rules = config.load()
    if args.audio:
        with tempfile.TemporaryDirectory() as tmp:
            sets = tuple(key for key in args.sets.split(",") if key)
            unknown = set(sets) - set(AUDIO_SETS)
            if unknown:
                parser.error(f"unknown sets {sorted(unknown)}; choose from {sorted(AUDIO_SETS)}")
            sections = [audio_tables(Path(tmp), sets, args.every, args.offset)]
    else:
        if any("=" not in b for b in args.baseline or ()):
            parser.error("--baseline takes NAME=REVISION, e.g. 'phrase rules=c17d96b'")
        baselines = (tuple(tuple(b.split("=", 1)) for b in args.baseline) if args.baseline
                     else BASELINES)
        sections = text_sections(baselines, rules)
    report = "\n\n".join(sections) + "\n"
    suffix = (f"_{args.sets.replace(',', '_')}" + (f"_every{args.every}" if args.every > 1 else "")
              + (f"_from{args.offset}" if args.offset else ""))
    name = f"flags_audio{suffix}.md" if args.audio else "flags.md"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / name).write_text(
        f"<!-- {' '.join(['python -m bench.flags', *(argv if argv is not None else sys.argv[1:])])}, "
        f"{time.strftime('%Y-%m-%d')}, rules {rules.version} -->\n" + report)
    print(report)


if __name__ == "__main__":
    main()
