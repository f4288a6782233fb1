"""Compare act heads on validation dialogs that none of them trained on (how the heads of rules
2026.12-4 and 2026.12-5 were chosen).

    .venv/bin/python -m bench.unseen_groups [--rules REV] [--before REV] NAME=HEADS ...

HEADS is a heads file, or ``git:REV`` for the heads shipped at a revision. Adding the retired
test sets to the development data moved the seeded group split: some of today's validation
groups were training groups of the split before (the development files of revision
``--before``), so heads whose adapter was trained then have seen them, and their own
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


def dev_files_at(revision: str) -> set[str]:
    """The names of the development files at a git revision."""
    listing = subprocess.run(["git", "ls-tree", "--name-only", f"{revision}:scoring/data/dev"],
                             cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return set(listing.split())


def unseen_dialogs(before: str) -> dict[str, list[tuple[str, str, list[str]]]]:
    """Written validation dialogs of groups that were not training groups of the split made
    from the development files of revision ``before`` (unchanged files; later ones are new), as
    (speaker, text, flags)."""
    earlier = dev_files_at(before)
    with tempfile.TemporaryDirectory() as tmp:
        for path in train.DEV_DIR.glob("*.json"):
            if path.name in earlier:
                shutil.copy(path, tmp)
        earlier_dialogs, _ = train.load_dev(Path(tmp))
    trained_before, _ = train.split_groups(earlier_dialogs)
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
    parser.add_argument("--before", default="3aeaea8", help="the revision whose development "
                        "files the earlier adapter trained on (41cff54 for rules 2026.12-4's "
                        "choice; 3aeaea8, rules 2026.12-4 itself, for 2026.12-5's)")
    args = parser.parse_args(argv)
    dialogs = unseen_dialogs(args.before)
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
