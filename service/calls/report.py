"""Turn analysis and scoring results into the JSON contract and a readable text report."""

from __future__ import annotations

import dataclasses
from typing import Any

from audio.schema import CallAnalysis
from audio.serialize import to_plain as _plain
from scoring.schema import AGENT, CUSTOMER, RoleDecision, ScoredCall


def scored_json(scored: ScoredCall) -> dict[str, Any]:
    return {
        "score": scored.score.value,
        "points_lost": scored.score.lost,
        "points_gained": scored.score.gained,
        "score_breakdown": _plain(scored.score.categories),
        "rules_version": scored.score.rules_version,
        "flags": [_plain(f) | {"points": points}
                  for f, points in zip(scored.flags, scored.score.flag_points, strict=True)],
        "segments": _plain(scored.segments),
        "sentiment": {
            "turns": _plain(scored.sentiment),
            "customer_start": scored.customer_sentiment_start,
            "customer_end": scored.customer_sentiment_end,
        },
    }


def analysis_json(
    analysis: CallAnalysis, decision: RoleDecision, scored: ScoredCall
) -> dict[str, Any]:
    role_of = {decision.agent: AGENT, decision.customer: CUSTOMER}
    segments = []
    for turn, segment in zip(analysis.transcript.turns, scored.segments, strict=True):
        segments.append(
            {
                **_plain(segment),
                "label": turn.speaker,
                "words": [
                    {
                        "text": w.text.strip(),
                        "start": w.start,
                        "end": w.end,
                        "probability": w.probability,
                    }
                    for w in turn.words
                ],
            }
        )
    tone = _plain(dataclasses.replace(analysis.tone, tracks=()))
    tone.pop("tracks")
    for speaker in tone["speakers"]:
        speaker["role"] = role_of.get(speaker["speaker"], "")
    for event in tone["events"]:
        event["role"] = role_of.get(event["speaker"], "")
    return {
        **scored_json(scored),
        "segments": segments,
        "source": analysis.source,
        "duration_s": analysis.duration_s,
        "channels": analysis.channels,
        "roles": _plain(decision),
        "tone": tone,
        "models": _plain(analysis.transcript.models),
        "options": dict(analysis.options),
        "timings_s": dict(analysis.timings_s),
    }


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60):02d}:{seconds % 60:04.1f}"


def signed(points: float) -> str:
    """Points as shown to people: +2.5, -7.9, 0 (never -0.0 or +0.0)."""
    if round(points, 1) == 0:
        return "0"
    return f"{points:+.1f}"


def score_lines(result: dict[str, Any]) -> list[str]:
    """The score as a sum: 100, minus what each category lost, plus what it gained."""
    lost, gained = result["points_lost"], result["points_gained"]
    lines = [f"SCORE {result['score']:.1f}/100 = 100 - {lost:.1f} lost + {gained:.1f} gained"
             f"   (rules {result['rules_version']})"]
    if round(100 - lost + gained, 1) != result["score"]:
        lines.append(f"  (100 - {lost:.1f} + {gained:.1f} is "
                     f"{100 - lost + gained:.1f}; a score stays within 0-100)")
    lines.append(f"  {'category':<20} {'lost':>6} {'gained':>7}  flags")
    for category in result["score_breakdown"]:
        if category["flags"]:
            lines.append(f"  {category['name']:<20} {signed(-category['penalty']):>6} "
                         f"{signed(category['credit']):>7}  {category['flags']}")
    return lines


def text_report(result: dict[str, Any]) -> str:
    """A readable report of ``analysis_json`` or ``scored_json`` output."""
    lines = []
    if "source" in result:
        roles = result["roles"]
        lines += [
            f"Call {result['source']}  ({result['duration_s']:.1f} s, "
            f"{result['channels']} channel{'s' if result['channels'] > 1 else ''})",
            f"Roles: agent = {roles['agent']}, customer = {roles['customer']} "
            f"({roles['method']}, confidence {roles['confidence']:.2f})",
            "",
        ]
    lines += score_lines(result)
    lines += ["", f"FLAGS ({len(result['flags'])}): time, type, speaker, confidence, "
              "points, quote"]
    for flag in result["flags"]:
        quote = f' "{flag["quote"]}"' if flag["quote"] else ""
        sign = "+" if flag["polarity"] == "positive" else "-"
        lines.append(
            f"  {sign} {_clock(flag['start'])}-{_clock(flag['end'])} {flag['type']:<24} "
            f"{flag['speaker']:<8} {flag['confidence']:.2f} {signed(flag['points']):>6}{quote}"
        )
        lines.append(f"      {flag['explanation']}  [{flag['rule']}]")
    if "tone" in result:
        lines += ["", "TONE"]
        for speaker in result["tone"]["speakers"]:
            lines.append(
                f"  {speaker['role'] or speaker['speaker']:<9} talk {speaker['talk_ratio']:.0%}  "
                f"{speaker['words_per_second']:.1f} words/s  baseline "
                f"{speaker['baseline_loudness_db']} dBFS  pitch {speaker['pitch_median_hz']} Hz "
                f"(±{speaker['pitch_variability_semitones']} st)  "
                f"interruptions made {speaker['interruptions_made']}"
            )
        lines.append(
            f"  overtalk {result['tone']['overtalk_s']:.1f} s, silence "
            f"{result['tone']['silence_s']:.1f} s"
        )
        for quarter in result["tone"]["quarters"]:
            ratio = ", ".join(f"{k}: {v:.0%}" for k, v in quarter["talk_ratio"])
            lines.append(
                f"  Q{quarter['index'] + 1} {_clock(quarter['start'])}-"
                f"{_clock(quarter['end'])}  {ratio}  raised {quarter['raised_volume_events']}"
                f"  interruptions {quarter['interruptions']}  silence {quarter['silence_s']:.1f} s"
            )
    sentiment = result["sentiment"]
    lines.append(
        f"  customer sentiment {sentiment['customer_start']:+.2f} -> "
        f"{sentiment['customer_end']:+.2f}"
    )
    lines += ["", "TRANSCRIPT"]
    for segment in result["segments"]:
        lines.append(f"  [{_clock(segment['start'])}] {segment['speaker']:<8} {segment['text']}")
    if "timings_s" in result:
        lines += [
            "",
            "Timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in result["timings_s"].items()),
        ]
        lines.append(
            "Models: "
            + "; ".join(f"{m['stage']}: {m['name']} ({m['version']})" for m in result["models"])
        )
    return "\n".join(lines)
