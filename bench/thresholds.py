"""Which threshold rule holds on a new author's calls: leave one calibration set out at a time.

    .venv/bin/python -m bench.thresholds        # about a minute; writes bench/results/thresholds.md

Each file of ``scoring/data/calibration/`` is a retired frozen test set by authors the heads
never trained on. For each set in turn, the thresholds are chosen on the other sets by each rule
of ``scoring.thresholds`` and the held-out set's flag micro precision / recall / F1 is read at
them, beside 0.5 for every flag (the thresholds of rules 2026.12-13 and before; the rules file
now holds thresholds chosen on all the sets, so it is no column here). The shipped heads score
every set; nothing is fitted.
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
from pathlib import Path

from bench.run import RESULTS
from scoring import acts, config, thresholds, train

RULES = (("best F1 on the other sets (best_on_fresh)", thresholds.best_on_fresh),
         ("one standard error toward 0.5 (one_standard_error)", thresholds.one_standard_error))


def _scored(path: Path, heads: acts.Heads, rules: config.ScoringConfig) -> tuple[list, list]:
    """The set's dialogs and the heads' act scores for them."""
    with tempfile.TemporaryDirectory() as directory:
        (Path(directory) / path.name).write_bytes(path.read_bytes())
        dialogs = train.load_calibration(Path(directory))
    matrices = train.featurise(dialogs, train.embed(dialogs, heads.adapter, rules), rules)
    return dialogs, train._predicted(dialogs, matrices, range(len(dialogs)), heads)


def _at(rules: config.ScoringConfig, chosen: dict[str, float]) -> config.ScoringConfig:
    return dataclasses.replace(rules, flags=tuple(
        dataclasses.replace(f, threshold=chosen.get(f.name, f.threshold)) for f in rules.flags))


def _prf(dialogs, predicted, rules) -> tuple[int, int, int]:
    tp, fp, fn = train.flag_counts(dialogs, predicted, rules)
    return sum(tp.values()), sum(fp.values()), sum(fn.values())


def _cell(counts: tuple[int, int, int]) -> str:
    precision, recall, f1 = train._prf(*counts)
    return f"{precision:.3f} / {recall:.3f} / {f1:.3f}"


def study(directory: Path = train.CALIBRATION_DIR) -> str:
    rules, heads = config.load(), acts.load()
    sets = {}
    for path in sorted(directory.glob("*.json")):
        print(f"scoring {path.name}", file=sys.stderr)
        sets[path.stem] = _scored(path, heads, rules)
    if len(sets) < 2:
        raise SystemExit(f"needs two or more calibration sets in {directory}")
    header = ["held-out set", "0.5 for every flag", *(name for name, _ in RULES)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    pooled = [[0, 0, 0] for _ in range(len(header) - 1)]
    picked: dict[str, list[str]] = {}
    for held, (dialogs, predicted) in sets.items():
        others = [name for name in sets if name != held]
        other_dialogs = [d for name in others for d in sets[name][0]]
        other_predicted = [p for name in others for p in sets[name][1]]
        cells = [_prf(dialogs, predicted, _at(rules, dict.fromkeys(train.TEXT_FLAGS, 0.5)))]
        for _, rule in RULES:
            choices = train.threshold_choices(other_dialogs, other_predicted, rules, False, rule)
            chosen = {kind: c.threshold for kind, (c, _, _) in choices.items()}
            cells.append(_prf(dialogs, predicted, _at(rules, chosen)))
            if rule is thresholds.best_on_fresh:
                picked[held] = [f"{chosen[kind]:g}" for kind in train.TEXT_FLAGS]
        for total, counts in zip(pooled, cells, strict=True):
            total[:] = [a + b for a, b in zip(total, counts, strict=True)]
        lines.append(f"| {held} | " + " | ".join(_cell(c) for c in cells) + " |")
    lines.append("| pooled | " + " | ".join(_cell(tuple(c)) for c in pooled) + " |")
    picks = ["| held-out set | " + " | ".join(train.TEXT_FLAGS) + " |",
             "|" + "---|" * (len(train.TEXT_FLAGS) + 1),
             *(f"| {held} | " + " | ".join(row) + " |" for held, row in picked.items())]
    return "\n".join([
        "<!-- python -m bench.thresholds -->",
        "## Flag thresholds chosen on fresh authors' sets, read on another such set",
        "",
        f"Sets: the {len(sets)} files of `scoring/data/calibration/` (retired frozen test sets, "
        "never trained on), scored by the shipped heads. Each row: thresholds chosen on the "
        "other sets by each rule of `scoring.thresholds`, flag micro precision / recall / F1 on "
        "the held-out set (turn level).",
        "",
        *lines,
        "",
        "Thresholds `best_on_fresh` picked without each set:",
        "",
        *picks,
        "",
    ])


def main() -> int:
    report = study()
    (RESULTS / "thresholds.md").write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
