"""Score a call: from the transcript contract (text only) or from an audio analysis (text plus
the tone measurements and the speaker roles)."""

from __future__ import annotations

from audio.schema import CallAnalysis, ToneEvent
from scoring import roles, rules, sentiment
from scoring import score as scoring
from scoring.config import ScoringConfig
from scoring.record import ActRecord
from scoring.schema import AGENT, CUSTOMER, Flag, RoleDecision, ScoredCall, Segment

_TONE_TEXT = {
    "raised_volume": "Speaks {value:.0f} dB above their own normal level.",
    "interruption": "Talks over the other party for {value:.1f} s.",
    "long_silence": "{value:.1f} s of dead air.",
}


def score_segments(
    segments: tuple[Segment, ...],
    config: ScoringConfig,
    tone_flags: tuple[Flag, ...] = (),
    angry_turns: frozenset[int] = frozenset(),
    stored_acts: ActRecord | None = None,
) -> ScoredCall:
    """Flags and score of a transcript; ``stored_acts`` (a re-score) are reused while they fit."""
    for segment in segments:
        if segment.speaker not in (AGENT, CUSTOMER):
            raise ValueError(f"speaker must be 'agent' or 'customer', got {segment.speaker!r}")
    found = rules.read_acts(segments, config, stored_acts)
    flags = tuple(
        sorted(
            rules.flags_from(segments, found, config, angry_turns) + tone_flags,
            key=lambda flag: (flag.start, flag.type),
        )
    )
    turns = sentiment.per_turn(segments)
    start, end = sentiment.customer_trajectory(turns)
    return ScoredCall(
        segments=segments,
        flags=flags,
        score=scoring.score(flags, config),
        sentiment=turns,
        customer_sentiment_start=start,
        customer_sentiment_end=end,
        acts=found,
    )


def tone_flag(event: ToneEvent, role_of: dict[str, str]) -> Flag:
    # dead air is the speaker's who ends it (analyses from before that was measured name no
    # one: the agent owns the line then); a third diarized label is the customer's side, as
    # its turns are (``segments_of``)
    speaker = role_of.get(event.speaker, CUSTOMER) if event.speaker else AGENT
    explanation = _TONE_TEXT[event.kind].format(value=event.value)
    if event.kind == "long_silence" and event.speaker:
        explanation = (f"{event.value:.1f} s of dead air before the {speaker} spoke" + (
            " again." if event.other == event.speaker else "."))
    if event.kind == "interruption":
        explanation = (
            f"Starts over the {role_of.get(event.other, 'other party')} and "
            f"talks over them for {event.value:.1f} s."
        )
    return Flag(
        type=event.kind,
        speaker=speaker,
        start=float(event.start),
        end=float(event.end),
        quote="",
        confidence=1.0,
        rule=f"tone/{event.kind}",
        explanation=explanation,
        polarity="negative",
    )


def segments_of(analysis: CallAnalysis, decision: RoleDecision) -> tuple[Segment, ...]:
    role_of = {decision.agent: AGENT, decision.customer: CUSTOMER}
    return tuple(
        Segment(role_of.get(turn.speaker, CUSTOMER), turn.start, turn.end, turn.text)
        for turn in analysis.transcript.turns
    )


def _speaks(decision: RoleDecision, analysis: CallAnalysis) -> bool:
    speakers = set(analysis.transcript.speakers)
    return decision.agent in speakers and decision.customer in speakers | {""}


def score_analysis(
    analysis: CallAnalysis,
    config: ScoringConfig,
    override_agent: str | None = None,
    stored_acts: ActRecord | None = None,
    decided: RoleDecision | None = None,
) -> tuple[RoleDecision, ScoredCall]:
    """The roles and the scored call. ``decided`` (a re-score) are the roles of the call's
    first scoring, kept while both speakers are still in the transcript: masked text must not
    decide them again ("this is [PERSON_NAME]" no longer reads as the agent's introduction).
    A user's ``override_agent`` wins over both."""
    if override_agent is None and decided is not None and _speaks(decided, analysis):
        decision = decided
    else:
        decision = roles.decide(analysis.transcript, override_agent, config)
    role_of = {decision.agent: AGENT, decision.customer: CUSTOMER}
    segments = segments_of(analysis, decision)
    raised = [e for e in analysis.tone.events if e.kind == "raised_volume"]
    angry_turns = frozenset(
        index
        for index, turn in enumerate(analysis.transcript.turns)
        if any(
            e.speaker == turn.speaker and e.start < turn.end and e.end > turn.start for e in raised
        )
    )
    tone_flags = tuple(tone_flag(event, role_of) for event in analysis.tone.events)
    return decision, score_segments(segments, config, tone_flags, angry_turns, stored_acts)
