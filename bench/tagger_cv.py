"""What the redaction tagger adds to the rules on calls it was not trained on (issue 13).

    .venv/bin/python -m bench.tagger_cv [--folds 3] [--out bench/results/redaction_tagger_cv.md]

The labelled sets the shipped tagger learns from (``audio.redact.train.TRAINING_SETS``) are dealt
into folds by set (a set's calls, one author's, stay together); for each fold a tagger is trained
on the other folds and reads this one. Rules alone against rules with the tagger, over every
call: items found (every word masked) and words wrongly masked, as ``bench.redaction`` counts
them. The rules were developed on these sets, so both columns read higher than on a fresh set;
what this measures is the tagger's addition where it has not seen the calls. The tagger's words
are checked as ``detect`` checks them (``learned``), except for one check: a business's own
phone number or address given as such.
About 6 minutes on two cores.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from audio.redact import learned, tagger
from audio.redact.kinds import KINDS
from audio.redact.spoken import tokens
from audio.redact.train import BENCH, TRAINING_SETS, Call, calls, fit
from bench.run import RESULTS


def _score(read: list[Call], masked: list[set[int]]) -> tuple[Counter, Counter, int, int]:
    """(found by kind, total by kind, words wrongly masked, words)."""
    found, total, wrongly, words = Counter(), Counter(), 0, 0
    for call, mask in zip(read, masked, strict=True):
        inside: set[int] = set()
        for kind, positions in call.items:
            total[kind] += 1
            found[kind] += positions <= mask
            inside |= positions
        wrongly += len(mask - inside)
        words += len(call.labels)
    return found, total, wrongly, words


def cross_validate(names: tuple[str, ...], folds: int) -> str:
    import pycrfsuite

    started = time.monotonic()
    by_set = {}
    for number, name in enumerate(names, 1):
        by_set[name] = calls(BENCH / name)
        print(f"read {number}/{len(names)} sets ({time.monotonic() - started:.0f} s)",
              file=sys.stderr)
    fold_of = {name: i % folds for i, name in enumerate(names)}
    read, rules, with_tagger = [], [], []
    with tempfile.TemporaryDirectory() as scratch:
        for fold in range(folds):
            model = Path(scratch) / f"fold{fold}.crfsuite"
            fit([c for n in names if fold_of[n] != fold for c in by_set[n]], model)
            crf = pycrfsuite.Tagger()
            crf.open(str(model))
            for call in (c for n in names if fold_of[n] == fold for c in by_set[n]):
                by_rules = {i for i, k in enumerate(call.rule_kinds) if k != tagger.OUTSIDE}
                added = learned.added(tokens(call.texts), call.texts, call.speakers,
                                      call.rule_kinds, tagger.read(crf, call.attributes))
                read.append(call)
                rules.append(by_rules)
                with_tagger.append(by_rules | {w for found in added for w in found.words})
            print(f"fold {fold + 1}/{folds} ({time.monotonic() - started:.0f} s)",
                  file=sys.stderr)
    before, after = _score(read, rules), _score(read, with_tagger)
    lines = [f"<!-- python -m bench.tagger_cv --folds {folds} -->",
             f"## The redaction tagger on sets it was not trained on ({folds} folds by set)", "",
             f"{len(read)} calls from {len(names)} labelled sets ({names[0]} ... {names[-1]}); "
             f"each fold's tagger trained on the other folds. {time.monotonic() - started:.0f} s.",
             "", "| kind | items | rules alone | rules and tagger |", "|---|---|---|---|"]
    for kind in KINDS:
        total = before[1][kind]
        if total:
            lines.append(f"| {kind} | {total} | {before[0][kind] / total:.3f} | "
                         f"{after[0][kind] / total:.3f} |")
    items = sum(before[1].values())
    lines.append(f"| all | {items} | {sum(before[0].values())} ({sum(before[0].values()) / items:.3f}) "
                 f"| {sum(after[0].values())} ({sum(after[0].values()) / items:.3f}) |")
    lines.append(f"| words wrongly masked | {before[3]} words | {before[2]} ({before[2] / before[3]:.2%}) "
                 f"| {after[2]} ({after[2] / after[3]:.2%}) |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS / "redaction_tagger_cv.md")
    args = parser.parse_args(argv)
    text = cross_validate(TRAINING_SETS, args.folds)
    args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
