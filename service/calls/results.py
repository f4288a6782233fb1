"""Score an analysis and store it as the call's rows (idempotent; verdicts survive)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from audio.redact.detect import Detection
from audio.schema import CallAnalysis
from audio.serialize import from_plain, to_plain
from scoring import config as scoring_config
from scoring import record
from scoring.call import score_analysis
from scoring.config import ScoringConfig
from scoring.record import ActRecord
from scoring.schema import RoleDecision
from service.calls import redaction as redaction_service
from service.calls import repository
from service.calls.report import analysis_json
from service.db.models import (
    Call,
    CallResult,
    FlagRow,
    utcnow,
)
from service.errors import NotFound


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
    redaction: Detection | None = None,
    stored_acts: ActRecord | None = None,
    decided: RoleDecision | None = None,
) -> dict[str, Any]:
    """Replace ``call``'s derived rows with this analysis (idempotent: never duplicates).

    Verdicts already given survive when the same rule fires at the same moment again. With
    ``redaction``, the call is scored as said and stored with those spans masked: the
    transcript, its words, the segments and every flag's quote. ``stored_acts`` (a re-score)
    are the act probabilities of the call's first scoring, reused while they fit, and
    ``decided`` its roles."""
    decision, scored = score_analysis(analysis, rules, override_agent=agent_speaker,
                                      stored_acts=stored_acts, decided=decided)
    if redaction is not None:
        analysis, masked = redaction_service.apply(analysis, scored, redaction)
        # composed again from the same acts and roles on the masked turns, as a re-score will
        # be: the same quotes, and a tenant's ``unlike`` examples (masked quotes) meet masked
        # sentences
        _, scored = score_analysis(analysis, rules, override_agent=agent_speaker,
                                   stored_acts=masked.acts, decided=decision)
    report = analysis_json(analysis, decision, scored)
    report.pop("source", None)  # a server-side path, not the caller's business
    old_verdicts = {
        _verdict_key(f.rule, f.start, f.quote): f.verdict
        for f in repository.flags_of(session, call.id)
        if f.verdict
    }
    # a flag that rules once suppressed (a learned change, later undone) gets its verdict back
    # from the audit trail, where the latest verdict per rule and moment wins
    audited = {
        (review.rule, round(review.flag_start, 1)): review.verdict
        for review in repository.reviews_of(session, call.id)
    }
    repository.delete_flags(session, call.id)
    unreviewed = 0
    for flag, points in zip(scored.flags, scored.score.flag_points, strict=True):
        verdict = old_verdicts.get(_verdict_key(flag.rule, flag.start, flag.quote)) or audited.get(
            (flag.rule, round(flag.start, 1))
        )
        unreviewed += verdict is None and flag.polarity == "negative" and points < 0
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
                points=points,
                rule=flag.rule,
                explanation=flag.explanation,
                verdict=verdict,
            )
        )
    stored = repository.result(session, call.id)
    plain = to_plain(analysis)
    # a re-score keeps the acts of the first scoring even when they no longer fit (edited
    # lexicon cues): they fit again once the edit is undone, and masked text cannot replace them
    found = scored.acts.to_plain() if scored.acts is not None else None
    if stored is None:
        session.add(CallResult(call_id=call.id, analysis=plain, report=report,
                               agent_speaker=agent_speaker, acts=found))
    else:
        stored.analysis, stored.report, stored.updated_at = plain, report, utcnow()
        stored.agent_speaker = agent_speaker
        if stored_acts is None:
            stored.acts = found
    call.score = scored.score.value
    call.rules_version = scored.score.rules_version
    call.duration_s = analysis.duration_s
    call.unreviewed_flags = unreviewed
    made_with = (call.model_versions or {}).get("analysis_options")
    reused = stored_acts is not None and scored.acts is stored_acts
    call.model_versions = {
        "models": [to_plain(m) for m in analysis.transcript.models],
        "options": dict(analysis.options),
        "rules_version": scored.score.rules_version,
        "acts_read_from": "first scoring" if reused else "text",
        **({"analysis_options": made_with} if made_with else {}),
    }
    return report


def stored_acts(stored: CallResult) -> ActRecord | None:
    """The act probabilities of the call's first scoring; None for calls scored before they
    were kept."""
    return record.from_plain(stored.acts) if stored.acts else None


def first_roles(stored: CallResult) -> RoleDecision | None:
    """The roles the call was first scored with (its report's), None if it has none."""
    roles = (stored.report or {}).get("roles")
    return from_plain(RoleDecision, roles) if roles else None


def rescore(session: Session, call: Call, rules: ScoringConfig) -> dict[str, Any]:
    """Score the stored analysis again (new rules), without touching the audio: the acts of
    the first scoring are reused while the heads, encoder and lexicon are unchanged, and its
    roles kept, so a redacted call's flags do not move because its stored text is masked."""
    stored = repository.result(session, call.id)
    if stored is None:
        raise NotFound(f"call {call.id} has no stored analysis to re-score", code="no_analysis")
    analysis = from_plain(CallAnalysis, stored.analysis)
    return store(session, call, analysis, rules, stored.agent_speaker,
                 stored_acts=stored_acts(stored), decided=first_roles(stored))
