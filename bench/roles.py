"""Who is taken for the agent on a mono call: the phrase cues alone against the role head with
the cues (``scoring.roles``), side by side on the same input.

    python -m bench.roles            # from text: the frozen test sets and the benchmark corpus
    python -m bench.roles --audio corpus,v6 --every 4
                                     # also end to end from audio rendered mono, 4 conditions

From text, each dialog is shown three ways, speaker labels drawn at random so that their order
says nothing: as written; from the customer's first turn (a call picked up mid-way, or the
customer speaking first); and with 20% of the turns given to the wrong speaker (diarization on
a poor line). Only sets the role head was not trained on: frozen v6, v7, v8 and the benchmark
corpus (v1-v5 were retired into the development set). v6 is among the calibration dialogs the
flag thresholds were chosen on: its flag figures compare the two role decisions, they are no
test of the flags.

With ``--audio`` every call of the sets named is rendered and analysed once, mono (diarization by
pyannote), then roles are decided both ways and the call scored with each decision: role
accuracy (the label taken for the agent overlaps the true agent's speech more than the
customer's), word attribution, and flags end to end. Writes ``bench/results/roles.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from tqdm import tqdm

from bench import corpus
from bench.flags import AUDIO_SETS, HERE, labelled_raw
from bench.run import RESULTS, _match, _prf, _prf_table, _role_correct, _turn_of, attribution
from scoring import acts, config, role_head, roles, train_roles
from scoring.call import score_analysis
from scoring.schema import Segment
from scoring.train import _timed
from scoring.train_roles import labelled_transcript

SEED = 20261205
# frozen sets v1-v5 were retired into the development set (scoring/data/dev/retired_v*.json)
# that the role head is trained on: they are no test of it
HELD_OUT = ("v6", "corpus")
TEXT_SETS = (AUDIO_SETS["v6"], ("frozen test set v7", HERE / "frozen_test_v7.json"),
             ("frozen test set v8", HERE / "frozen_test_v8.json"), AUDIO_SETS["corpus"])
# by the name shown here, the condition of ``scoring.train_roles``
SHOWN = {"as written": train_roles.CONDITIONS[0],
         "from the customer's first turn": train_roles.CONDITIONS[1],
         "20% of turns on the wrong speaker": train_roles.CONDITIONS[3]}


def _both_ways(segments: tuple[Segment, ...], labels: list[str], rules) -> tuple[str, str]:
    """The label taken for the agent by the cues alone and by the head with the cues."""
    transcript = labelled_transcript(segments, labels)
    speakers = list(dict.fromkeys(labels))
    return (roles.from_what_is_said(transcript, speakers, None).agent,
            roles.decide(transcript, config=rules).agent)


def text_table(rules, rng: np.random.Generator) -> str:
    lines = ["| test set | shown | dialogs | cues alone | role head and cues |",
             "|---|---|---|---|---|"]
    for title, path in TEXT_SETS:
        data = json.loads(path.read_text())
        data.pop("_about", None)
        found: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
        for turns in data.values():
            segments = _timed([(speaker, text) for speaker, text, *_ in turns])
            parties = [s.speaker for s in segments]
            for name, condition in SHOWN.items():
                case = train_roles.shown(parties, condition, rng)
                if case is None:
                    continue
                first, labels, agent = case
                by_cues, with_head = _both_ways(segments[first:], labels, rules)
                found[name].append((by_cues == agent, with_head == agent))
        for shown, results in found.items():
            lines.append(f"| {title} | {shown} | {len(results)} | "
                         f"{np.mean([c for c, _ in results]):.1%} | "
                         f"{np.mean([h for _, h in results]):.1%} |")
    return "\n".join(lines)


def audio_tables(directory: Path, rules, key: str, every: int = 1) -> str:
    """Both ways on set ``key`` (of ``bench.flags.AUDIO_SETS``) rendered mono: every
    ``every``-th dialog of a frozen set, the whole corpus."""
    from audio.pipeline import AnalysisOptions, analyze

    _, source = AUDIO_SETS[key]
    chosen = dict(list(labelled_raw(source).items())[::1 if key == "corpus" else every])
    subset = directory / f"{source.stem}.json"
    subset.write_text(json.dumps(chosen))
    calls = corpus.build(directory / source.stem, corpus.CONDITIONS, source=subset)
    by: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    counts = {way: (Counter(), Counter(), Counter()) for way in ("cues", "head")}
    for item in tqdm(calls, desc="mono corpus", file=sys.stderr):
        analysis = analyze(item.call.mono_path, AnalysisOptions())
        speakers = [s for s in analysis.transcript.speakers
                    if any(t.speaker == s for t in analysis.transcript.turns)]
        head_decision = roles.decide(analysis.transcript, config=rules)
        cue_decision = (roles.from_what_is_said(analysis.transcript, speakers, None)
                        if head_decision.method == "cues" and len(speakers) >= 2
                        else head_decision)
        for way, decision in (("cues", cue_decision), ("head", head_decision)):
            _, scored = score_analysis(analysis, rules, decided=decision)
            role_of = {decision.agent: "agent", decision.customer: "customer"}
            values = by[(way, item.condition)]
            values["roles"].append(float(_role_correct(item.call, analysis, decision)))
            values["attribution"].append(attribution(item.call, analysis, role_of))
            found = {(_turn_of(item.call, f.start, f.end, f.type), f.type) for f in scored.flags}
            expected = {(i, k) for i, kinds in enumerate(item.labels) for k in kinds}
            _match(found, expected, *counts[way])
    lines = ["| condition | calls | role accuracy: cues alone | role head and cues | "
             "word attribution: cues alone | role head and cues |",
             "|---|---|---|---|---|---|"]
    for condition in corpus.CONDITIONS:
        cues, head = by[("cues", condition)], by[("head", condition)]
        lines.append(f"| {condition} | {len(cues['roles'])} | {np.mean(cues['roles']):.0%} | "
                     f"{np.mean(head['roles']):.0%} | {np.mean(cues['attribution']):.1%} | "
                     f"{np.mean(head['attribution']):.1%} |")
    parts = ["\n".join(lines)]
    for way, title in (("cues", "roles by the cues alone"), ("head", "roles by the role head "
                                                                      "and cues")):
        tp, fp, fn = counts[way]
        kinds = sorted(set(tp) | set(fp) | set(fn))
        parts.append(_prf_table(f"Flags end to end, mono, all conditions, {title}",
                                _prf(tp, fp, fn, kinds)))
    return "\n\n".join(parts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.roles", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--audio", default="", metavar="SETS",
                        help="also end to end from audio rendered mono: comma-separated sets of "
                             f"{', '.join(HELD_OUT)} (the corpus: about 5 minutes)")
    parser.add_argument("--every", type=int, default=1,
                        help="with --audio: every n-th dialog of a frozen set")
    parser.add_argument("--out", type=Path, default=RESULTS / "roles.md")
    args = parser.parse_args(argv)
    rules = config.load()
    heads = acts.load(rules.heads_path)
    head = role_head.for_adapter(rules.heads_path, heads.adapter.digest)
    if head is None:
        parser.error("no role head for the act heads in force: python -m scoring.train_roles")
    sets = [key for key in args.audio.split(",") if key]
    unknown = set(sets) - set(HELD_OUT)
    if unknown:
        parser.error(f"not a held-out set: {sorted(unknown)}; choose from {list(HELD_OUT)} "
                     "(v1-v5 are in the development set the role head was trained on)")
    command = " ".join(["python -m bench.roles", *(["--audio", args.audio] if sets else []),
                        *(["--every", str(args.every)] if sets and args.every > 1 else [])])
    sections = [f"## Who is the agent on a mono call (`{command}`; role head "
                f"{head.meta.get('version')})",
                "### From text: share of dialogs whose agent is found", "",
                text_table(rules, np.random.default_rng(SEED))]
    for key in sets:
        title = AUDIO_SETS[key][0] + (f", every {args.every}th dialog"
                                      if key != "corpus" and args.every > 1 else "")
        with tempfile.TemporaryDirectory() as tmp:
            sections += [f"### End to end from audio: {title}, rendered mono", "",
                         audio_tables(Path(tmp), rules, key, args.every)]
    report = "\n\n".join(sections) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    print(report)


if __name__ == "__main__":
    main()

