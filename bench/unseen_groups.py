"""Compare act heads on validation dialogs that none of them trained on (how rules 2026.12-4's
heads were chosen).

    .venv/bin/python -m bench.unseen_groups [--rules REV] NAME=HEADS ...

HEADS is a heads file, or ``git:REV`` for the heads shipped at a revision. Adding the retired
test sets to the development data moved the seeded group split: some of today's validation
groups were training groups of the split before (the development files without
``retired_v*.json``), so heads whose adapter was trained then have seen them, and their own
validation report flatters them. This scores, with each heads file and the same rules
(thresholds of ``--rules``, a revision, default the working tree), the written dialogs of the
validation groups that were in neither split's training part, and writes
``bench/results/unseen_groups.md``.

How the candidates of 2026-12-04 were made: ``git:41cff54`` (the heads of rules 2026.12-3);
the same adapter with heads refitted on today's data (``cp`` those heads to F, then ``python -m
scoring.train --out F``); today's (``python -m scoring.train --adapt``, shipped).
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.flags import found_flags, text_counts
from bench.run import RESULTS
from scoring import config, train

ROOT = Path(__file__).resolve().parents[1]


def unseen_dialogs() -> dict[str, list[tuple[str, str, list[str]]]]:
    """Written validation dialogs of groups no heads trained on, as (speaker, text, flags)."""
    with tempfile.TemporaryDirectory() as tmp:
        for path in train.DEV_DIR.glob("*.json"):
            if not path.name.startswith("retired_"):
                shutil.copy(path, tmp)
        before, _ = train.load_dev(Path(tmp))
    trained_before, _ = train.split_groups(before)
    dialogs, _ = train.load_dev()
    _, validation = train.split_groups(dialogs)
    unseen = validation - trained_before
    return {d.id: [(s.speaker, s.text, list(f)) for s, f in zip(d.segments, d.flags, strict=True)]
            for d in dialogs if not d.heard and d.group in unseen}


def _from_git(revision: str, path: str, directory: Path) -> Path:
    out = directory / f"{revision}-{Path(path).name}"
    out.write_bytes(subprocess.run(["git", "show", f"{revision}:{path}"], cwd=ROOT, check=True,
                                   capture_output=True).stdout)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.unseen_groups")
    parser.add_argument("heads", nargs="+", metavar="NAME=HEADS")
    parser.add_argument("--rules", default="", help="take the rules (thresholds) of this "
                        "revision; default: the working tree's")
    args = parser.parse_args(argv)
    dialogs = unseen_dialogs()
    lines = [f"<!-- python -m bench.unseen_groups {' '.join(argv or sys.argv[1:])} -->",
             f"## Flags on {len(dialogs)} validation dialogs no heads trained on", "",
             "| heads | precision | recall | F1 | TP | FP | FN |", "|---|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        rules = (config.from_text(_from_git(args.rules, "scoring/default_rules.toml",
                                            Path(tmp)).read_text(), args.rules)
                 if args.rules else config.load())
        for spec in args.heads:
            name, _, heads = spec.partition("=")
            if heads.startswith("git:"):
                heads = str(_from_git(heads[4:], "scoring/heads/acts.npz", Path(tmp)))
            found = found_flags(dialogs, dataclasses.replace(rules, heads_path=heads))
            tp, fp, fn = (sum(c.values()) for c in text_counts(dialogs, found))
            p, r = tp / (tp + fp), tp / (tp + fn)
            lines.append(f"| {name} | {p:.3f} | {r:.3f} | {2 * p * r / (p + r):.3f} | "
                         f"{tp} | {fp} | {fn} |")
            print(lines[-1], file=sys.stderr)
    lines.append(f"\nRules: {rules.version} (thresholds of {args.rules or 'the working tree'}).")
    (RESULTS / "unseen_groups.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
