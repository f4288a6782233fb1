"""Train the redaction tagger (``audio/redact/tagger.crfsuite``) on labelled calls.

    .venv/bin/python -m audio.redact.train        # the shipped model, from TRAINING_SETS
    .venv/bin/python -m audio.redact.train --sets a.json b.json --out /tmp/tagger.crfsuite

Each call is read as timed words (``labelled``), the rules find what they find (the tagger
reads their kinds), and each word's label is the kind of the item it is in, or none. CRFsuite's
training is deterministic: the same sets give the same model. Beside the model, ``.json`` names
the sets it learned from with their SHA-256. Frozen test sets that have not been read yet must
never be named here (README, Privacy: they measure the next change; a test checks the shipped
model's sets).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from audio.redact import tagger
from audio.redact.detect import detect
from audio.redact.labelled import labelled_items, load, words_of

BENCH = Path(__file__).resolve().parents[2] / "bench"
# the labelled sets the model learns from: every set read before its features were last changed
# (v45, read for the first model with the wider name lists, is kept out: the fix after that
# reading was checked on it; v46 and v47 are not read yet)
TRAINING_SETS = ("pii_dev.json", "pii_dev2.json",
                 *(f"pii_test_v{i}.json" for i in range(1, 45)))


@dataclass(frozen=True)
class Call:
    """One labelled call as the tagger reads it: per word, its text, speaker, attributes, label
    and the kind the rules gave it (``tagger.OUTSIDE`` for none); and each item's (kind,
    words)."""
    texts: list[str]
    speakers: list[str]
    attributes: list[list[str]]
    labels: list[str]
    rule_kinds: list[str]
    items: list[tuple[str, frozenset[int]]]


def calls(path: Path) -> list[Call]:
    """The calls of a labelled set, read by the rules."""
    out = []
    for call in load(path).values():
        words, where, _ = words_of(call["turns"])
        items = [(kind, frozenset(p)) for kind, p in labelled_items(call, where)]
        labels = [tagger.OUTSIDE] * len(words)
        for kind, positions in items:
            for p in positions:
                labels[p] = kind
        rule_kinds = [tagger.OUTSIDE] * len(words)
        for span in detect(words, with_tagger=False).spans:
            for w in span.words:
                rule_kinds[w] = span.kind
        texts, speakers = [w.text for w in words], [w.speaker for w in words]
        attributes = tagger.features(texts, speakers, rule_kinds)
        out.append(Call(texts, speakers, attributes, labels, rule_kinds, items))
    return out


def fit(training: list[Call], out: Path) -> None:
    """Train a model on ``training`` and write it to ``out``."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    trainer.set_params(tagger.TRAINING)
    for call in training:
        trainer.append(call.attributes, call.labels)
    trainer.train(str(out))


def provenance(paths: list[Path], calls: int) -> dict:
    """What a model was trained from: each set's name and SHA-256, the options, the count."""
    return {"sets": {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths},
            "calls": calls, "options": tagger.TRAINING}


def train(paths: list[Path], out: Path) -> int:
    """Writes the model to ``out`` and what it was trained from beside it (``.json``); returns
    how many calls it learned from."""
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise SystemExit(f"no labelled set at {', '.join(missing)}: the sets live in the "
                         "repository's bench/ folder (run from a checkout, or name --sets)")
    started, training = time.monotonic(), []
    for number, path in enumerate(paths, 1):
        training += calls(path)
        print(f"read {number}/{len(paths)} sets ({len(training)} calls, "
              f"{time.monotonic() - started:.0f} s)", file=sys.stderr)
    print("training ...", file=sys.stderr)
    fit(training, out)
    out.with_suffix(".json").write_text(json.dumps(provenance(paths, len(training)), indent=1)
                                        + "\n")
    print(f"wrote {out} from {len(training)} calls in {time.monotonic() - started:.0f} s",
          file=sys.stderr)
    return len(training)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m audio.redact.train", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="+", type=Path,
                        help="labelled sets to learn from (default: TRAINING_SETS, the sets "
                             "already read, for the shipped model)")
    parser.add_argument("--out", type=Path,
                        help="where to write the model (default: the shipped tagger.crfsuite, "
                             "only when --sets is left out)")
    args = parser.parse_args(argv)
    if args.sets and not args.out:
        parser.error("name --out for a model of other sets: the shipped model is rebuilt only "
                     "from TRAINING_SETS")
    train(args.sets or [BENCH / name for name in TRAINING_SETS], args.out or tagger.MODEL)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
