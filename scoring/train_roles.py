"""Train the role head (``scoring.role_head``) and measure who is taken for the agent.

    python -m scoring.train_roles [--heads scoring/heads/acts.npz]
                                  [--report bench/results/roles_validation.md]

``python -m scoring.train`` runs this too, on the vectors it has read. Alone, it reads the
development set with the adapter of the act heads at ``--heads`` (the shipped ones by default),
fits a logistic regression from each training sentence's vector to its party, writes
``roles.npz`` beside those heads, and reports on the validation split (same seeded split by
paraphrase group as the act heads) how often the agent is found, by the cues alone and with the
head, in four conditions: the dialog as written; cut to start at the customer's first turn (a
call picked up mid-way, or the customer speaking first); and with 10% or 20% of the turns given
to the wrong speaker, as diarization does on a poor line. Each, written and as speech
recognition heard it. Speaker labels are drawn at random per dialog so that label order says
nothing. A minute or two on two cores.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from audio.schema import Transcript, Turn, Word
from scoring import acts, config, roles, sentences
from scoring.role_head import ROLE_FILE, RoleHead
from scoring.schema import AGENT, Segment

C = 1.0  # inverse L2 penalty of the logistic regression on unit-norm vectors
REPORT_OUT = Path(__file__).resolve().parents[1] / "bench" / "results" / "roles_validation.md"
CONDITIONS = ("as written", "starts with the customer", "10% of turns on the wrong speaker",
              "20% of turns on the wrong speaker")
_WRONG = {CONDITIONS[2]: 0.1, CONDITIONS[3]: 0.2}


def fit(dialogs, vectors: list[np.ndarray], training: set[str], adapter_digest: str,
        checksum: str, seed: int) -> RoleHead:
    """The head over the training split's sentences, each labelled with its party."""
    from sklearn.linear_model import LogisticRegression

    rows = [i for i, d in enumerate(dialogs) if d.group in training]
    x = np.concatenate([vectors[i] for i in rows])
    y = np.array([s.speaker == AGENT for i in rows for s in dialogs[i].sentences])
    model = LogisticRegression(C=C, max_iter=2000).fit(x, y)
    return RoleHead(model.coef_[0].astype(np.float32), float(model.intercept_[0]), adapter_digest,
                    {"version": f"roles-{checksum[:8]}-s{seed}", "dev_sha256": checksum,
                     "seed": seed, "C": C, "training_sentences": int(len(y))})


def labelled_transcript(segments: tuple[Segment, ...], labels: list[str]) -> Transcript:
    """``segments`` as a mono transcript, turn i spoken by ``labels[i]``, its words spread
    evenly over the turn."""
    turns = []
    for segment, label in zip(segments, labels, strict=True):
        said = segment.text.split() or ["..."]
        step = (segment.end - segment.start) / len(said)
        words = tuple(Word(" " + w, segment.start + i * step, segment.start + (i + 1) * step,
                           0.9, label) for i, w in enumerate(said))
        turns.append(Turn(label, segment.start, segment.end, words))
    return Transcript(tuple(turns), "en", segments[-1].end, ("S0", "S1"))


def shown(parties: list[str], condition: str, rng: np.random.Generator
          ) -> tuple[int, list[str], str] | None:
    """Speaker labels for turns said by ``parties`` (agent/customer) as ``condition`` shows
    them: the first turn kept, the labels from there on, and which label is the agent's; None
    when fewer than two speakers are left. Labels are drawn at random per dialog."""
    first = 0
    if condition == CONDITIONS[1]:
        first = next((i for i, p in enumerate(parties) if p != AGENT), len(parties))
    agent, customer = ("S0", "S1") if rng.random() < 0.5 else ("S1", "S0")
    labels = [agent if p == AGENT else customer for p in parties]
    wrong = _WRONG.get(condition, 0.0)
    labels = [(customer if label == agent else agent) if rng.random() < wrong else label
              for label in labels][first:]
    return (first, labels, agent) if len(set(labels)) >= 2 else None


def _case(dialog, vectors: np.ndarray, condition: str, rng: np.random.Generator
          ) -> tuple[Transcript, np.ndarray, str] | None:
    """The dialog as the condition shows it: (transcript, its sentences' vectors, the agent's
    label), or None when the condition leaves fewer than two speakers."""
    case = shown([s.speaker for s in dialog.segments], condition, rng)
    if case is None:
        return None
    first, labels, agent = case
    rows = [r for r, s in enumerate(dialog.sentences) if s.segment >= first]
    # the vectors were read per turn; the shipped adapter reads no context across turns, so
    # moving a turn to the other label leaves them as they are
    return labelled_transcript(dialog.segments[first:], labels), vectors[rows], agent


def figures(dialogs, vectors: list[np.ndarray], validation: set[str], head: RoleHead,
            seed: int) -> tuple[str, dict]:
    """Share of validation dialogs whose agent is found, by cues alone and with ``head``."""
    rng = np.random.default_rng(seed)
    found: dict[tuple[str, bool], list[tuple[bool, bool]]] = {}
    for dialog, vector in zip(dialogs, vectors, strict=True):
        if dialog.group not in validation:
            continue
        for condition in CONDITIONS:
            case = _case(dialog, vector, condition, rng)
            if case is None:
                continue
            transcript, rows, agent = case
            speakers = list(dict.fromkeys(t.speaker for t in transcript.turns))
            segments = tuple(Segment(t.speaker, t.start, t.end, t.text) for t in transcript.turns)
            split = sentences.split(segments)
            read = roles.HeadReading(head.version, roles.per_speaker(split, head.logits(rows)))
            by_cues = roles.from_what_is_said(transcript, speakers, None).agent == agent
            with_head = roles.from_what_is_said(transcript, speakers, read).agent == agent
            found.setdefault((condition, dialog.heard), []).append((by_cues, with_head))
    lines = ["| validation dialogs | heard by speech recognition | dialogs | cues alone | "
             "role head and cues |", "|---|---|---|---|---|"]
    summary: dict[str, dict[str, float]] = {}
    for (condition, heard), results in found.items():
        cues_share = float(np.mean([c for c, _ in results]))
        head_share = float(np.mean([h for _, h in results]))
        lines.append(f"| {condition} | {'yes' if heard else 'no'} | {len(results)} | "
                     f"{cues_share:.1%} | {head_share:.1%} |")
        summary[f"{condition}{' (heard)' if heard else ''}"] = {
            "dialogs": len(results), "cues": round(cues_share, 4), "head": round(head_share, 4)}
    return "\n".join(lines), summary


def train(dialogs, vectors, training, validation, adapter_digest: str, checksum: str, seed: int,
          out: Path, report: Path) -> RoleHead:
    """Fit, measure, write the head to ``out`` and its report to ``report``."""
    head = fit(dialogs, vectors, training, adapter_digest, checksum, seed)
    table, summary = figures(dialogs, vectors, validation, head, seed)
    head = RoleHead(head.weights, head.bias, head.adapter, {**head.meta, "validation": summary})
    head.save(out)
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(
        f"## Who is the agent on a mono call (`python -m scoring.train_roles`, seed {seed})\n\n"
        f"Role head fitted on {head.meta['training_sentences']} training sentences of the "
        f"development set (sha256 {checksum[:16]}); the share of validation dialogs whose agent "
        f"is found (`scoring.roles`), by the phrase cues alone and by the head's mean log-odds "
        f"per speaker plus the cues at {roles.CUE_WEIGHT} of their weight.\n\n{table}\n")
    print(table, file=sys.stderr)
    print(f"role head written to {out}", file=sys.stderr)
    return head


def main(argv: list[str] | None = None) -> int:
    from scoring import train as acts_training

    parser = argparse.ArgumentParser(prog="python -m scoring.train_roles", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev", type=Path, default=acts_training.DEV_DIR)
    parser.add_argument("--heard", type=Path, default=acts_training.HEARD_DIR)
    parser.add_argument("--heads", type=Path, default=None,
                        help="act heads whose adapter the head reads (default: the shipped)")
    parser.add_argument("--report", type=Path, default=REPORT_OUT)
    parser.add_argument("--seed", type=int, default=acts_training.SEED)
    args = parser.parse_args(argv)
    heads = acts.read(args.heads) if args.heads else acts.load()
    out = (args.heads.with_name(Path(ROLE_FILE).name) if args.heads
           else Path(__file__).with_name("heads") / Path(ROLE_FILE).name)
    dialogs, checksum = acts_training.load_dev(args.dev, args.heard)
    training, validation = acts_training.split_groups(dialogs, args.seed)
    vectors = acts_training.embed(dialogs, heads.adapter, config.load())
    train(dialogs, vectors, training, validation, heads.adapter.digest, checksum, args.seed,
          out, args.report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
