"""Learning from the desk's verdicts, simulated (issue 9).

A tenant's agents open every call with a courtesy apology for the queue ("I do apologise for the
wait, ..."), which the shipped rules often read as scripted empathy. Its supervisor reviews the first
calls: dismisses those flags, confirms flags that match the labels, dismisses the other false
ones. After learning from those verdicts (``scoring.verdicts``), fresh calls are scored with the
tenant's rules. Calls: the development set's validation dialogs (never trained on), each with
the courtesy line added as the agent's second turn; reviewed and fresh calls are different
dialogs, and the line in wordings the supervisor never saw.

    .venv/bin/python -m bench.learning [--reviewed 12]    # writes bench/results/learning.md
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from bench.flags import timed
from bench.run import RESULTS
from scoring import config, train
from scoring.call import score_segments
from scoring.verdicts import Verdict, learn

# what the supervisor reviews, and the wording of the fresh calls: other sentences, same habit
REVIEWED_LINES = (
    "I do apologise for the wait, {reason}.",
    "Sorry to keep you waiting, {reason}.",
    "Apologies for the hold, {reason}.",
)
REVIEWED_REASONS = (
    "we're busier than usual today", "it's a busy morning here", "the lines are full today",
)
FRESH_LINES = (
    "Thanks for holding, and sorry about the queue, {reason}.",
    "My apologies for the wait on the line, {reason}.",
    "Sorry it took a while to get through, {reason}.",
)
FRESH_REASONS = (
    "we've had a lot of calls this week", "it's our peak hour", "we're a little short-staffed",
)
FLAG = "scripted_empathy"


def tenant_calls(dialogs: list[train.Dialog], lines, reasons) -> list[tuple]:
    """(segments, labels per turn, index of the courtesy turn) per dialog."""
    calls = []
    for number, dialog in enumerate(dialogs):
        turns = [(s.speaker, s.text) for s in dialog.segments]
        labels = [set(kinds) for kinds in dialog.flags]
        line = lines[number % len(lines)].format(reason=reasons[(number // 3) % len(reasons)])
        at = 1 if turns and turns[0][0] == "agent" else 0
        turns.insert(at + 1, ("agent", line))
        labels.insert(at + 1, set())
        calls.append((timed(turns), labels, at + 1))
    return calls


def _turn(segments, flag) -> int:
    return next(i for i, s in enumerate(segments) if s.start - 0.01 <= flag.start <= s.end)


def flagged(segments, scored) -> set[tuple[int, str]]:
    return {(_turn(segments, flag), flag.type) for flag in scored.flags}


def measure(calls, scored) -> tuple[float, Counter, Counter]:
    """Share of calls whose courtesy line is flagged; recall counts of the labelled flags.
    ``scored``: each call's ScoredCall, in order."""
    house, hit, total = 0, Counter(), Counter()
    for (segments, labels, courtesy), result in zip(calls, scored, strict=True):
        found = flagged(segments, result)
        house += (courtesy, FLAG) in found
        for turn, kinds in enumerate(labels):
            for kind in kinds & set(train.TEXT_FLAGS):
                total[kind] += 1
                hit[kind] += (turn, kind) in found
    return house / len(calls), hit, total


def rescored(calls, first, rules) -> list:
    """Each call scored again with ``rules`` as the service re-scores it: the acts read at its
    first scoring (``first``) are reused while the heads and encoder are the same."""
    return [score_segments(segments, rules, stored_acts=result.acts)
            for (segments, _, _), result in zip(calls, first, strict=True)]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.learning")
    parser.add_argument("--reviewed", type=int, default=20, help="calls the supervisor reviews")
    parser.add_argument("--fresh", type=int, default=0,
                        help="score only this many fresh calls (0: all the other validation "
                             "dialogs; the test suite takes fewer)")
    parser.add_argument("--out", default=str(RESULTS / "learning.md"),
                        help="report file ('' to skip writing)")
    args = parser.parse_args(argv)
    dialogs, _ = train.load_dev()
    _, validation = train.split_groups(dialogs)
    held = [d for d in dialogs if d.group in validation and not d.heard]
    if not 0 < args.reviewed < len(held):
        parser.error(f"--reviewed must be between 1 and {len(held) - 1}")
    reviewed = tenant_calls(held[: args.reviewed], REVIEWED_LINES, REVIEWED_REASONS)
    others = held[args.reviewed :]
    fresh = tenant_calls(others[: args.fresh] if args.fresh else others, FRESH_LINES, FRESH_REASONS)
    shipped = config.load()
    first = [score_segments(segments, shipped) for segments, _, _ in reviewed]
    verdicts = []
    for (segments, labels, _), result in zip(reviewed, first, strict=True):
        for flag in result.flags:
            verdicts.append(Verdict(flag.type, flag.quote, flag.confidence,
                                    flag.type in labels[_turn(segments, flag)]))
    began = time.perf_counter()
    learned = learn(config.default_text(), verdicts)
    seconds = time.perf_counter() - began
    tenant = config.from_text(learned.text, "tenant")
    scored_before = [score_segments(segments, shipped) for segments, _, _ in fresh]
    before, hit_before, total = measure(fresh, scored_before)
    after, hit_after, _ = measure(fresh, rescored(fresh, scored_before, tenant))
    confirmed = [(segments, flag, again)
                 for (segments, labels, _), result, again in zip(
                     reviewed, first, rescored(reviewed, first, tenant), strict=True)
                 for flag in result.flags if flag.type in labels[_turn(segments, flag)]]
    kept = sum(any(f.type == flag.type and f.start == flag.start for f in again.flags)
               for segments, flag, again in confirmed)
    lines = [
        "## Learning from verdicts (`python -m bench.learning`)", "",
        f"Reviewed calls: {len(reviewed)}, giving {len(verdicts)} verdicts "
        f"({sum(not v.confirmed for v in verdicts)} dismissed, "
        f"{sum(v.flag_type == FLAG and not v.confirmed for v in verdicts)} of them "
        f"{FLAG}). Learning took {seconds:.1f} s and changed: "
        + ("; ".join(f"{c.flag_type} {c.setting} {c.before} -> {c.after} ({c.reason})"
                     for c in learned.changes) or "nothing") + ".", "",
        f"Confirmed flags of the reviewed calls still raised after learning: {kept} of "
        f"{len(confirmed)}.", "",
        f"Fresh calls: {len(fresh)}: other dialogs, and the courtesy line in wordings the "
        "supervisor never reviewed (see FRESH_LINES). The calls are the development set's "
        "validation dialogs: never trained on, but the shipped thresholds were chosen on them.",
        "",
        "| figure | shipped rules | tenant rules after learning |", "|---|---|---|",
        f"| courtesy line flagged as {FLAG} | {before:.0%} of calls | {after:.0%} of calls |",
    ]
    for kind in sorted(total):
        lines.append(f"| recall {kind} ({total[kind]} labelled) | "
                     f"{hit_before[kind] / total[kind]:.2f} | {hit_after[kind] / total[kind]:.2f} |")
    drop = (before - after) / before if before else 0.0
    lost = [k for k in total if k != FLAG and hit_after[k] < hit_before[k]]
    lines += ["", f"False-positive rate fell by {drop:.0%} (target: at least half); "
              f"recall lost on other flag types: {', '.join(lost) or 'none'}."]
    report = "\n".join(lines) + "\n"
    if args.out:
        Path(args.out).write_text(report)
        print(report)
    return {"false_positive_rate": (before, after), "recall_lost": lost,
            "confirmed_kept": (kept, len(confirmed)),
            "changes": learned.changes, "verdicts": len(verdicts)}


if __name__ == "__main__":
    main()
