"""How much personal data redaction finds and how much else it masks (issue 13).

    .venv/bin/python -m bench.redaction                      # the frozen PII test set, from text
    .venv/bin/python -m bench.redaction --set bench/pii_dev.json --out /tmp/dev.md  # development set
    .venv/bin/python -m bench.redaction --set bench/pii_dev.json bench/pii_dev2.json ...  # as one
    .venv/bin/python -m bench.redaction --audio [--every 2]  # spoken, heard by Whisper (long)
    .venv/bin/python -m bench.redaction --plain  # what it masks in calls with little personal data

A set is ``{"_about", name: {"turns": [[speaker, text]], "pii": [[turn, span, kind]]}}``
(``bench/pii_test_v1.json``, written by an author who saw no code; checksum pinned in
tests/test_redact.py). Each turn is read as words said at 2.6 words a second. A labelled
item counts as found when every word of it is masked (under any placeholder: nothing of it is
left in the clear); "as its kind" when the placeholder is also the right one. Words wrongly
masked: masked words outside every labelled item, over all words. Timing: detection of a
5-minute call (calls joined up to 5 minutes of speech) against the analysis time of a 5-minute
stereo call from bench/results/benchmark.md. Writes ``bench/results/redaction.md``.

``--overhead``: what redaction adds to a job, measured in one run: a 5-minute stereo call made of
the development set's calls (``bench/pii_dev.json``: it says card numbers, names, addresses) is
analysed (warm, median of 3), then redacted as the worker does it (detection, masking every text,
rewriting the audio with silence over the spans). Writes ``bench/results/redaction_overhead.md``.

``--audio``: each call is spoken (the benchmark corpus's voice pairs: Piper and espeak-ng
accents, in turn), analysed by the real pipeline and redacted; an item leaks when what it says
is still in the redacted transcript: its digits (three or more) as one run of unmasked number
words, or one of its distinctive words (a name, an e-mail's local part, a street name). Writes
``bench/results/redaction_audio.md``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from audio.redact.detect import detect
from audio.redact.kinds import KINDS
from audio.redact.labelled import WORDS_PER_S, labelled_items, load, words_of
from bench.run import RESULTS

FROZEN = Path(__file__).with_name("pii_test_v1.json")
FIVE_MINUTE_ANALYSIS_S = 28.5  # stereo RTF 0.095 at 5 minutes (bench/results/benchmark.md)
TARGET_RECALL = {"card_number": 1.0, "ssn": 1.0}
TARGET_OTHER = 0.95
TARGET_WRONGLY_MASKED = 0.01




def evaluate(data: dict) -> dict:
    found, found_kind, total = Counter(), Counter(), Counter()
    wrongly, all_words, missed, extra = 0, 0, [], []
    for name, call in data.items():
        words, where, _ = words_of(call["turns"])
        spans = detect(words).spans
        masked = {w: s.kind for s in spans for w in s.words}
        items = labelled_items(call, where)
        inside = set().union(*(p for _, p in items)) if items else set()
        for kind, positions in items:
            total[kind] += 1
            if positions <= set(masked):
                found[kind] += 1
                found_kind[kind] += all(masked[p] == kind for p in positions)
            else:
                missed.append((name, kind, " ".join(words[p].text.strip()
                                                     for p in sorted(positions))))
        all_words += len(words)
        for position, kind in masked.items():
            if position not in inside:
                wrongly += 1
                extra.append((name, kind, words[position].text.strip()))
    return {"found": found, "found_kind": found_kind, "total": total, "wrongly": wrongly,
            "words": all_words, "missed": missed, "extra": extra}


def timing(data: dict) -> tuple[float, float, int]:
    """(first call with models loading, a 5-minute call, its words) in seconds."""
    start = time.perf_counter()
    first = next(iter(data.values()))
    detect(words_of(first["turns"])[0])
    cold = time.perf_counter() - start
    words, clock = [], 0.0
    for call in data.values():
        more, _, clock = words_of(call["turns"], clock)
        words += more
        if clock >= 300:
            break
    start = time.perf_counter()
    detect(words)
    return cold, time.perf_counter() - start, len(words)


def report(paths: list[Path], result: dict, cold: float, five: float, five_words: int) -> str:
    found, found_kind, total = result["found"], result["found_kind"], result["total"]
    names = " ".join(path.name for path in paths)
    lines = [f"<!-- python -m bench.redaction --set {names} -->",
             f"## Redaction from text: {', '.join(path.name for path in paths)}", "",
             "| kind | items | masked | recall | as its kind | target |",
             "|---|---|---|---|---|---|"]
    for kind in KINDS:
        if not total[kind]:
            continue
        recall = found[kind] / total[kind]
        target = TARGET_RECALL.get(kind, TARGET_OTHER)
        verdict = "met" if recall >= target else f"missed by {target - recall:.2f}"
        lines.append(f"| {kind} | {total[kind]} | {found[kind]} | {recall:.2f} | "
                     f"{found_kind[kind] / total[kind]:.2f} | {target:.2f} ({verdict}) |")
    all_found, all_total = sum(found.values()), sum(total.values())
    lines.append(f"| all | {all_total} | {all_found} | {all_found / all_total:.2f} | "
                 f"{sum(found_kind.values()) / all_total:.2f} | |")
    share = result["wrongly"] / result["words"]
    verdict = "met" if share < TARGET_WRONGLY_MASKED else \
        f"missed by {100 * (share - TARGET_WRONGLY_MASKED):.2f} points"
    lines += ["", f"Words wrongly masked: {result['wrongly']} of {result['words']} "
              f"({share:.2%}; target under 1%, {verdict}).", "",
              f"Time: {cold:.1f} s for the first call (loading spaCy and Presidio, once per "
              f"process); {five:.2f} s for a 5-minute call ({five_words} words), "
              f"{five / FIVE_MINUTE_ANALYSIS_S:.1%} of the {FIVE_MINUTE_ANALYSIS_S} s a 5-minute "
              f"stereo call takes to analyse (target under 5%).", ""]
    if result["missed"]:
        lines += ["Missed items (kind: words):", ""]
        lines += [f"- {name}: {kind}: {text}" for name, kind, text in result["missed"]]
        lines.append("")
    if result["extra"]:
        lines += ["Words masked that were no personal data (kind: word):", ""]
        lines += [f"- {name}: {kind}: {text}" for name, kind, text in result["extra"]]
    return "\n".join(lines) + "\n"


def _leak_marks(span: str) -> tuple[str, set[str]]:
    """(digits, distinctive words) whose presence after redaction shows ``span`` leaked."""
    from audio.redact.people import COMMON
    from audio.redact.phrases import STREET, TLDS
    from audio.redact.spoken import MONTHS, digit_string, is_number, tokens

    said = tokens(span.split())
    digits = digit_string([t for t in said if is_number(t)])
    plain = {"dot", "at", "underscore", "dash", "hyphen", "apartment", "apt", "unit", "flat",
             "suite", "of", "the"}
    words = {t.text for t in said if not is_number(t) and len(t.text) >= 3 and t.text.isalpha()
             and t.text not in COMMON | STREET | TLDS | set(MONTHS) | plain}
    return (digits if len(digits) >= 3 else ""), words


def _unmasked(transcript) -> tuple[list[str], set[str]]:
    """Runs of digits said in unmasked words (per turn), and every unmasked word."""
    from audio.redact.spoken import digit_string, is_number, tokens

    runs, words = [], set()
    for turn in transcript.turns:
        said = tokens([w.text for w in turn.words])
        current = []
        for item in said + [None]:
            if item is not None and is_number(item):
                current.append(item)
                continue
            if current:
                runs.append(digit_string(current))
                current = []
            if item is not None:
                words.add(item.text)
    return runs, words


def evaluate_audio(data: dict, every: int, offset: int = 0) -> tuple[Counter, Counter, list, float]:
    """Speak, analyse, redact each call; count items of each kind and those that leaked."""
    from audio.pipeline import analyze
    from bench import corpus
    from bench.synth import Line, render
    from scoring import config
    from scoring.call import score_analysis
    from service.calls.redaction import redact_call

    rules = config.load()
    total, leaked, leaks, audio_s = Counter(), Counter(), [], 0.0
    names = list(data)[offset::every]
    for number, name in enumerate(names):
        call = data[name]
        position = list(data).index(name)  # the same voices for a call whatever the subset
        agent, customer = corpus.VOICE_PAIRS[position // every % len(corpus.VOICE_PAIRS)]
        with tempfile.TemporaryDirectory() as tmp:
            rendered = render([Line(s, t) for s, t in call["turns"]], Path(tmp), "call",
                              voice=corpus.voice_function(agent, customer))
            analysis = analyze(rendered.stereo_path)
        audio_s += rendered.duration_s
        _, scored = score_analysis(analysis, rules)
        redacted, _, _ = redact_call(analysis, scored, KINDS)
        runs, words = _unmasked(redacted.transcript)
        for _, span, kind in call["pii"]:
            total[kind] += 1
            digits, marks = _leak_marks(span)
            found = [m for m in marks if m in words] + (
                [digits] if digits and any(digits in run for run in runs) else [])
            if found:
                leaked[kind] += 1
                leaks.append((name, kind, ", ".join(found)))
        print(f"{number + 1}/{len(names)} {name}: {sum(leaked.values())} leaked so far",
              file=sys.stderr)
    return total, leaked, leaks, audio_s


def audio_report(path: Path, every: int, offset: int, total, leaked, leaks,
                 audio_s: float) -> str:
    lines = [f"<!-- python -m bench.redaction --audio --every {every} --offset {offset} "
             f"--set {path.name} -->",
             f"## Redaction end to end from spoken calls: {path.name}", "",
             f"{sum(total.values())} labelled items in {audio_s / 60:.1f} minutes of speech "
             f"(every {every} call(s) from call {offset}), spoken by the benchmark corpus's Piper "
             "and espeak-ng voice pairs, heard by the default pipeline (Whisper tiny.en), redacted for every kind.", "",
             "| kind | items | not leaked | recall | target |", "|---|---|---|---|---|"]
    for kind in KINDS:
        if total[kind]:
            recall = 1 - leaked[kind] / total[kind]
            target = TARGET_RECALL.get(kind, TARGET_OTHER)
            verdict = "met" if recall >= target else f"missed by {target - recall:.2f}"
            lines.append(f"| {kind} | {total[kind]} | {total[kind] - leaked[kind]} | "
                         f"{recall:.2f} | {target:.2f} ({verdict}) |")
    lines += ["", "Leaked (kind: what was still there):", ""]
    lines += [f"- {name}: {kind}: {found}" for name, kind, found in leaks] or ["- none"]
    return "\n".join(lines) + "\n"


def overhead(minutes: float = 5.0) -> str:
    """Analysis and redaction of one rendered call, side by side (see ``--overhead``)."""
    import statistics

    from audio.pipeline import AnalysisOptions, analyze
    from audio.redact.mask import mask_file
    from bench.synth import DEMO_LINES, Line, render
    from scoring import config
    from scoring.call import score_analysis
    from service.calls.redaction import apply, find

    lines = []
    for call in load(Path(__file__).with_name("pii_dev.json")).values():
        lines += [Line(speaker, text) for speaker, text in call["turns"]]
        if sum(len(line.text.split()) for line in lines) / WORDS_PER_S > minutes * 60:
            break
    rules = config.load()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"rendering {len(lines)} turns", file=sys.stderr)
        call = render(lines, Path(tmp), "pii")
        analyze(render(DEMO_LINES[:3], Path(tmp), "warm").stereo_path)  # models and JIT warm
        analysis_s, redaction_s, spans = [], [], 0
        for run in range(3):
            start = time.perf_counter()
            analysis = analyze(call.stereo_path, AnalysisOptions())
            _, scored = score_analysis(analysis, rules)
            analysis_s.append(time.perf_counter() - start)
            start = time.perf_counter()
            detection = find(analysis, KINDS)
            apply(analysis, scored, detection)
            mask_file(call.stereo_path, Path(tmp) / f"masked{run}.flac", detection.spans,
                      "silence")
            redaction_s.append(time.perf_counter() - start)
            spans = len(detection.spans)
            print(f"run {run + 1}: analysis {analysis_s[-1]:.1f} s, redaction "
                  f"{redaction_s[-1]:.2f} s", file=sys.stderr)
    analysed, redacted = statistics.median(analysis_s), statistics.median(redaction_s)
    return "\n".join([
        f"<!-- python -m bench.redaction --overhead, {time.strftime('%Y-%m-%d')} -->",
        f"## What redaction adds to the analysis of a {call.duration_s / 60:.1f}-minute stereo "
        "call (one run, median of 3)", "",
        "| analysis and scoring s | redaction s (detect, mask texts, rewrite audio) | "
        "redaction / analysis | spans masked | target |", "|---|---|---|---|---|",
        f"| {analysed:.1f} | {redacted:.2f} | {redacted / analysed:.1%} | {spans} | "
        f"< 5% — {'met' if redacted / analysed < 0.05 else 'missed'} |"])


def plain_calls() -> str:
    """Words masked, per kind, in calls written with little personal data (the flag test sets
    and the benchmark corpus): what redaction takes from ordinary conversation."""
    import glob

    words, masked, rules = 0, Counter(), Counter()
    paths = sorted(glob.glob(str(Path(__file__).with_name("frozen_test*.json"))))
    for path in [*paths, str(Path(__file__).with_name("corpus_dialogs.json"))]:
        for turns in load(Path(path)).values():
            found, _, _ = words_of([[turn[0], turn[1]] for turn in turns])
            words += len(found)
            for span in detect(found).spans:
                masked[span.kind] += len(span.words)
                rules[span.rule] += 1
    lines = ["<!-- python -m bench.redaction --plain -->",
             "## Redaction of calls with little personal data", "",
             f"{len(paths) + 1} sets (the flag test sets and the benchmark corpus), {words} words.",
             "", "| kind | words masked |", "|---|---|"]
    lines += [f"| {kind} | {count} |" for kind, count in masked.most_common()]
    lines += ["", "| recogniser | spans |", "|---|---|"]
    lines += [f"| {rule} | {count} |" for rule, count in rules.most_common()]
    return "\n".join(lines) + "\n"


def rescore_drift(paths: list[Path]) -> str:
    """Flags of each call scored on its clear text, against two re-scores of its stored,
    masked text (every kind masked): one that reads the acts again from the masked text (as
    before 0013), one that reuses the acts of the first scoring (``scoring.record``)."""
    from audio.redact.mask import redact_transcript
    from audio.schema import Transcript, Turn
    from scoring import config
    from scoring.call import score_segments
    from scoring.schema import Segment
    from service.calls.redaction import moved_to_masked

    rules = config.load()

    def segments_of(transcript: Transcript) -> tuple[Segment, ...]:
        return tuple(Segment(t.speaker, t.start, t.end, t.text) for t in transcript.turns)

    def by_turn(transcript: Transcript, flags) -> set[tuple[str, int]]:
        starts = [t.start for t in transcript.turns]
        return {(f.type, max(i for i, s in enumerate(starts) if s <= f.start + 0.05))
                for f in flags}

    ways = ("read again from the masked text", "acts of the first scoring reused")
    tally = {way: Counter() for way in ways}
    types = {way: Counter() for way in ways}
    calls = 0
    for path in paths:
        for call in load(path).values():
            words, _, clock = words_of(call["turns"])
            turns, position = [], 0
            for speaker, text in call["turns"]:
                own = words[position: position + len(text.split())]
                position += len(own)
                if own:
                    turns.append(Turn(speaker, own[0].start, own[-1].end, tuple(own)))
            clear = Transcript(tuple(turns), "en", clock, ("agent", "customer"))
            detection = detect(words)
            masked = redact_transcript(clear, detection)
            scored = score_segments(segments_of(clear), rules)
            first = by_turn(clear, scored.flags)
            kept_acts = moved_to_masked(scored.acts, clear, masked, detection)
            again = {
                ways[0]: by_turn(clear, score_segments(segments_of(masked), rules).flags),
                ways[1]: by_turn(clear, score_segments(segments_of(masked), rules,
                                                       stored_acts=kept_acts).flags),
            }
            calls += 1
            for way, found in again.items():
                tally[way].update(kept=len(first & found), lost=len(first - found),
                                  new=len(found - first), changed=int(first != found))
                types[way].update(kind for kind, _ in first ^ found)
    lines = [f"<!-- python -m bench.redaction --rescore {' '.join(str(p) for p in paths)} -->",
             "## A re-score of the masked transcript against the first scoring", "",
             f"{calls} calls dense with personal data; every kind masked. A re-score (an "
             "edited rules file, thresholds learned from verdicts) either reads the acts "
             "again from the stored, masked text, or reuses the act probabilities of the first "
             "scoring, which saw the clear words (the service's way since migration 0013).", "",
             "| re-score | flags first scored | kept | lost | new | calls changed |",
             "|---|---|---|---|---|---|"]
    for way in ways:
        t = tally[way]
        total = t["kept"] + t["lost"]
        lines.append(f"| {way} | {total} | {t['kept']} ({t['kept'] / max(1, total):.0%}) | "
                     f"{t['lost']} | {t['new']} | {t['changed']} |")
    lines += ["", "| flag type | flags that differ: " + " | ".join(ways) + " |", "|---|---|---|"]
    for kind in sorted(set(types[ways[0]]) | set(types[ways[1]]),
                       key=lambda k: (-types[ways[0]][k], k)):
        lines.append(f"| {kind} | {types[ways[0]][kind]} | {types[ways[1]][kind]} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, nargs="+", default=[FROZEN],
                        help="labelled calls (JSON); several are read as one set")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--audio", action="store_true", help="speak, transcribe, then redact")
    parser.add_argument("--every", type=int, default=1, help="with --audio: every Nth call")
    parser.add_argument("--offset", type=int, default=0, help="with --audio: the first call")
    parser.add_argument("--overhead", action="store_true",
                        help="redaction against analysis time of a 5-minute call, one run")
    parser.add_argument("--plain", action="store_true",
                        help="words masked in calls with little personal data")
    parser.add_argument("--rescore", nargs="+", type=Path, metavar="SET",
                        help="flags of a re-score of the masked text against the first scoring")
    args = parser.parse_args(argv)
    if args.rescore:
        text = rescore_drift(args.rescore)
        (args.out or RESULTS / "redaction_rescore.md").write_text(text)
        print(text)
        return 0
    if args.plain:
        text = plain_calls()
        (args.out or RESULTS / "redaction_plain.md").write_text(text)
        print(text)
        return 0
    if args.overhead:
        text = overhead()
        (args.out or RESULTS / "redaction_overhead.md").write_text(text + "\n")
        print(text)
        return 0
    data = {name: call for path in args.set for name, call in load(path).items()}
    if args.audio:
        if len(args.set) != 1:
            parser.error("--audio reads one set")
        text = audio_report(args.set[0], args.every, args.offset,
                            *evaluate_audio(data, args.every, args.offset))
        suffix = f"_from{args.offset}" if args.offset else ""
        (args.out or RESULTS / f"redaction_audio{suffix}.md").write_text(text)
        print(text)
        return 0
    args.out = args.out or RESULTS / "redaction.md"
    print(f"{len(data)} calls from {', '.join(map(str, args.set))}", file=sys.stderr)
    cold, five, five_words = timing(data)
    text = report(args.set, evaluate(data), cold, five, five_words)
    args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
