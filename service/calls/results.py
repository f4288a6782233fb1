"""Store a scored analysis as rows, and turn rows back into the API's JSON."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from audio.schema import CallAnalysis
from audio.serialize import from_plain, to_plain
from scoring import config as scoring_config
from scoring.call import score_analysis
from scoring.config import ScoringConfig
from service.calls.report import analysis_json
from service.db.models import (
    Call,
    CallResult,
    FlagRow,
    Review,
    ToneEventRow,
    TranscriptSegment,
    utcnow,
)


def tenant_rules(text: str | None) -> ScoringConfig:
    return scoring_config.from_text(text, "tenant config") if text else scoring_config.load()


def _verdict_key(rule: str, start: float, quote: str) -> tuple[str, float, str]:
    return rule, round(start, 1), quote


def store(
    session: Session,
    call: Call,
    analysis: CallAnalysis,
    rules: ScoringConfig,
    agent_speaker: str | None = None,
) -> dict[str, Any]:
    """Replace ``call``'s derived rows with this analysis (idempotent: never duplicates).

    Verdicts already given survive when the same rule fires at the same moment again."""
    decision, scored = score_analysis(analysis, rules, override_agent=agent_speaker)
    report = analysis_json(analysis, decision, scored)
    report.pop("source", None)  # a server-side path, not the caller's business
    old_verdicts = {
        _verdict_key(f.rule, f.start, f.quote): f.verdict
        for f in session.scalars(select(FlagRow).where(FlagRow.call_id == call.id))
        if f.verdict
    }
    # a flag that rules once suppressed (a learned change, later undone) gets its verdict back
    # from the audit trail, where the latest verdict per rule and moment wins
    audited = {
        (review.rule, round(review.flag_start, 1)): review.verdict
        for review in session.scalars(
            select(Review).where(Review.call_id == call.id).order_by(Review.id)
        )
    }
    for table in (TranscriptSegment, ToneEventRow, FlagRow):
        session.execute(delete(table).where(table.call_id == call.id))
    for position, segment in enumerate(report["segments"]):
        session.add(
            TranscriptSegment(
                call_id=call.id,
                position=position,
                speaker=segment["speaker"],
                label=segment["label"],
                start=segment["start"],
                end=segment["end"],
                text=segment["text"],
                words={"words": segment["words"]},
            )
        )
    for event in report["tone"]["events"]:
        session.add(
            ToneEventRow(
                call_id=call.id,
                kind=event["kind"],
                speaker=event["speaker"],
                role=event["role"],
                other=event.get("other", ""),
                start=event["start"],
                end=event["end"],
                value=event["value"],
            )
        )
    unreviewed = 0
    for flag in scored.flags:
        verdict = old_verdicts.get(_verdict_key(flag.rule, flag.start, flag.quote)) or audited.get(
            (flag.rule, round(flag.start, 1))
        )
        unreviewed += verdict is None
        session.add(
            FlagRow(
                call_id=call.id,
                tenant_id=call.tenant_id,
                type=flag.type,
                polarity=flag.polarity,
                speaker=flag.speaker,
                start=flag.start,
                end=flag.end,
                quote=flag.quote,
                confidence=flag.confidence,
                rule=flag.rule,
                explanation=flag.explanation,
                verdict=verdict,
            )
        )
    stored = session.get(CallResult, call.id)
    plain = to_plain(analysis)
    if stored is None:
        session.add(
            CallResult(call_id=call.id, analysis=plain, report=report, agent_speaker=agent_speaker)
        )
    else:
        stored.analysis, stored.report, stored.updated_at = plain, report, utcnow()
        stored.agent_speaker = agent_speaker
    call.score = scored.score.value
    call.rules_version = scored.score.rules_version
    call.duration_s = analysis.duration_s
    call.unreviewed_flags = unreviewed
    call.model_versions = {
        "models": [to_plain(m) for m in analysis.transcript.models],
        "options": dict(analysis.options),
        "rules_version": scored.score.rules_version,
    }
    return report


def rescore(session: Session, call: Call, rules: ScoringConfig) -> dict[str, Any]:
    """Score the stored analysis again (new rules), without touching the audio."""
    stored = session.get(CallResult, call.id)
    if stored is None:
        raise LookupError(f"call {call.id} has no stored analysis to re-score")
    analysis = from_plain(CallAnalysis, stored.analysis)
    return store(session, call, analysis, rules, stored.agent_speaker)


def flag_json(flag: FlagRow) -> dict[str, Any]:
    return {
        "id": flag.id,
        "call_id": flag.call_id,
        "type": flag.type,
        "polarity": flag.polarity,
        "speaker": flag.speaker,
        "start": flag.start,
        "end": flag.end,
        "quote": flag.quote,
        "confidence": flag.confidence,
        "rule": flag.rule,
        "explanation": flag.explanation,
        "verdict": flag.verdict,
    }
