"""Behaviour flags from a two-party transcript.

Every rule works per sentence: a phrase pattern from the config (high confidence) or a
paraphrase of a curated exemplar by sentence embedding (confidence from the similarity), then
checks of the surrounding turns decide whether it really is the behaviour (empathy followed by
action is not scripted; a "can't" with an alternative is not a flat refusal; an escalation said
calmly is not one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from scoring import embed, sentiment, text
from scoring.config import FlagRules, ScoringConfig
from scoring.schema import AGENT, CUSTOMER, Flag, Segment

PATTERN_CONFIDENCE = 0.9
CONCESSION = re.compile(
    r"\b(waive|waiving|refund|credit|remove|removing|reverse|take (it|that|the \w+) off|"
    r"exception|technician|discount|comp|cover (it|that|the)|send (someone|a tech))",
    re.I,
)
GIVING = re.compile(
    r"\b(i'?ll|i will|i can(?!'?t|not)|let me|i'?ve|i have|i'?m going to|we'?ll|we will|"
    r"go ahead|i'?m|i am)\b",
    re.I,
)
ACTION = re.compile(
    r"\b(i'?ll|i will|let me|i'?m going to|i'?ve (gone|put|sent|added|made)|"
    r"i'?m (filling|fixing|sending|processing|putting|adding|issuing))\b",
    re.I,
)
REFUSAL = re.compile(r"\b(can'?t|cannot|won'?t|not able|unable|no,|not possible|policy)\b", re.I)
BENIGN_WHATEVER = re.compile(r"\bwhatever (works|suits|you (need|prefer|like|want))", re.I)


@dataclass(frozen=True)
class _Sentence:
    segment: int
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class _Match:
    sentence: _Sentence
    confidence: float
    rule: str


class _Call:
    """The transcript split into sentences, with paraphrase similarities computed once."""

    def __init__(self, segments: tuple[Segment, ...], config: ScoringConfig) -> None:
        self.segments = segments
        self.config = config
        self.sentences: list[_Sentence] = []
        self.by_segment: list[list[int]] = []
        for index, segment in enumerate(segments):
            parts = text.sentences(segment.text) or [segment.text]
            ids, cursor, total = [], 0, max(1, len(segment.text))
            for part in parts:
                offset = segment.text.find(part, cursor)
                offset = cursor if offset < 0 else offset
                cursor = offset + len(part)
                span = segment.end - segment.start
                ids.append(len(self.sentences))
                self.sentences.append(
                    _Sentence(
                        index,
                        part,
                        round(segment.start + span * offset / total, 2),
                        round(segment.start + span * cursor / total, 2),
                    )
                )
            self.by_segment.append(ids)
        self.similarity: dict[str, np.ndarray] = {}
        if config.embedding_enabled:
            all_text = tuple(s.text for s in self.sentences)
            for rules in config.flags:
                self.similarity[rules.name] = embed.max_similarity(
                    all_text, rules.exemplars, config.embedding_model
                )

    def turn_text(self, index: int) -> str:
        return self.segments[index].text

    def match(self, rules: FlagRules, index: int, *, paraphrase: bool = True) -> _Match | None:
        """First sentence of segment ``index`` that says what ``rules`` describe."""
        best: _Match | None = None
        for sid in self.by_segment[index]:
            sentence = self.sentences[sid]
            for pattern in rules.patterns:
                if pattern.search(sentence.text):
                    return _Match(
                        sentence, PATTERN_CONFIDENCE, f"{rules.name}/pattern:{pattern.pattern}"
                    )
            scores = self.similarity.get(rules.name)
            if paraphrase and scores is not None and scores[sid] >= rules.similarity:
                confidence = round(min(0.85, 0.5 + float(scores[sid]) / 2), 2)
                if best is None or confidence > best.confidence:
                    best = _Match(
                        sentence, confidence, f"{rules.name}/paraphrase:{scores[sid]:.2f}"
                    )
        return best

    def previous(self, index: int, speaker: str) -> int | None:
        for other in range(index - 1, -1, -1):
            if self.segments[other].speaker == speaker:
                return other
        return None


def _any(patterns, value: str) -> bool:
    return any(p.search(value) for p in patterns)


def _flag(kind: str, match: _Match, call: _Call, explanation: str, polarity: str) -> Flag:
    return Flag(
        type=kind,
        speaker=call.segments[match.sentence.segment].speaker,
        start=match.sentence.start,
        end=match.sentence.end,
        quote=match.sentence.text,
        confidence=match.confidence,
        rule=match.rule,
        explanation=explanation,
        polarity=polarity,
    )


def _restates(call: _Call, index: int, rules: FlagRules, exclude: str = "") -> bool:
    """The agent's turn repeats specifics of the customer's last turn."""
    customer = call.previous(index, CUSTOMER)
    if customer is None:
        return False
    agent_words = text.content_words(call.turn_text(index).replace(exclude, ""))
    shared = agent_words & text.content_words(call.turn_text(customer))
    return len(shared) >= int(rules.setting("min_shared_words", 3))


def _agent_flags(call: _Call, index: int, refusals_so_far: int) -> list[Flag]:
    config, turn = call.config, call.turn_text(index)
    flags: list[Flag] = []
    listening = call.match(config.rules("active_listening"), index)
    restating = listening is not None
    ownership = call.match(config.rules("ownership"), index)
    concession = bool(CONCESSION.search(turn) and GIVING.search(turn))
    grudging = _any(config.rules("reluctant_concession").compiled("grudging"), turn)
    acting = bool(ACTION.search(turn)) or ownership is not None

    empathy = call.match(config.rules("scripted_empathy"), index)
    if empathy and not (
        acting
        or concession
        or restating
        or _restates(call, index, config.rules("active_listening"), exclude=empathy.sentence.text)
    ):
        flags.append(
            _flag(
                "scripted_empathy",
                empathy,
                call,
                "Stock empathy line with no restating of the problem and no action "
                "in the same turn.",
                "negative",
            )
        )
    if listening:
        flags.append(
            _flag(
                "active_listening",
                listening,
                call,
                "Restates or checks the customer's specifics.",
                "positive",
            )
        )
    elif _restates(call, index, config.rules("active_listening")) and "?" in turn:
        sentence = call.sentences[call.by_segment[index][0]]
        flags.append(
            _flag(
                "active_listening",
                _Match(sentence, 0.7, "active_listening/restates"),
                call,
                "Repeats the specifics of the customer's last turn back to them.",
                "positive",
            )
        )

    reluctant = concession and (grudging or refusals_so_far >= 2)
    if reluctant:
        sentence = _concession_sentence(call, index)
        why = (
            "Concession given grudgingly."
            if grudging
            else "Concession given only after refusing the same request twice."
        )
        flags.append(
            _flag(
                "reluctant_concession",
                _Match(
                    sentence,
                    PATTERN_CONFIDENCE if grudging else 0.75,
                    "reluctant_concession/"
                    + ("grudging_marker" if grudging else "after_two_refusals"),
                ),
                call,
                why,
                "negative",
            )
        )

    refusal = call.match(config.rules("flat_refusal"), index)
    alternative = _any(config.rules("flat_refusal").compiled("alternatives"), turn)
    goodwill = call.match(config.rules("goodwill_gesture"), index, paraphrase=not refusal)
    if refusal and not alternative and not concession and goodwill is None:
        flags.append(
            _flag("flat_refusal", refusal, call, "Refuses with no alternative offered.", "negative")
        )
    if not reluctant and (goodwill or (concession and not grudging)):
        match = goodwill or _Match(
            _concession_sentence(call, index), 0.75, "goodwill_gesture/concession"
        )
        flags.append(
            _flag(
                "goodwill_gesture",
                match,
                call,
                "Offers a concession or a real alternative willingly.",
                "positive",
            )
        )

    blame = call.match(config.rules("system_blame"), index)
    if blame and not _any(config.rules("system_blame").compiled("admits_error"), turn):
        flags.append(
            _flag(
                "system_blame",
                blame,
                call,
                "Uses the system's record to overrule the customer.",
                "negative",
            )
        )
    if ownership:
        flags.append(
            _flag(
                "ownership",
                ownership,
                call,
                "Owns the problem or commits to a concrete fix or follow-up.",
                "positive",
            )
        )
    for kind, explanation in (
        ("deflection", "Sends the customer elsewhere instead of resolving it."),
        ("customer_blame", "Blames the customer for the problem."),
        ("unprofessional_language", "Unprofessional or dismissive language."),
    ):
        match = call.match(config.rules(kind), index)
        if match and not (kind == "unprofessional_language" and BENIGN_WHATEVER.search(turn)):
            flags.append(_flag(kind, match, call, explanation, "negative"))
    return flags


def _concession_sentence(call: _Call, index: int) -> _Sentence:
    for sid in call.by_segment[index]:
        if CONCESSION.search(call.sentences[sid].text):
            return call.sentences[sid]
    return call.sentences[call.by_segment[index][0]]


def _customer_flags(call: _Call, index: int, angry_hint: bool) -> list[Flag]:
    config, turn = call.config, call.turn_text(index)
    flags: list[Flag] = []
    escalation_rules = config.rules("escalation")
    escalation = call.match(escalation_rules, index)
    if escalation:
        mood = sentiment.compound(turn)
        angry = (
            angry_hint
            or _any(escalation_rules.compiled("anger"), turn)
            or mood <= float(escalation_rules.setting("anger_sentiment", -0.35))
        )
        if angry:
            flags.append(
                _flag(
                    "escalation",
                    escalation,
                    call,
                    "Customer threatens to escalate, in anger.",
                    "negative",
                )
            )
    repeat_rules = config.rules("repeated_complaint")
    repeated = call.match(repeat_rules, index)
    if repeated is None:
        repeated = _repeats_ignored_request(call, index, repeat_rules)
    if repeated:
        flags.append(
            _flag(
                "repeated_complaint",
                repeated,
                call,
                "Customer has to repeat themselves.",
                "negative",
            )
        )
    return flags


def _repeats_ignored_request(call: _Call, index: int, rules: FlagRules) -> _Match | None:
    """The customer asks again for something an earlier turn asked and the agent did not take up."""
    if not call.config.embedding_enabled:
        return None
    earlier = [i for i in range(index) if call.segments[i].speaker == CUSTOMER]
    if not earlier:
        return None
    current = tuple(call.sentences[s].text for s in call.by_segment[index])
    before = tuple(call.sentences[s].text for i in earlier for s in call.by_segment[i])
    vectors_now = embed.encode(current, call.config.embedding_model)
    vectors_before = embed.encode(before, call.config.embedding_model)
    similarity = vectors_now @ vectors_before.T
    best = np.unravel_index(int(np.argmax(similarity)), similarity.shape)
    if similarity[best] < float(rules.setting("repeat_similarity", 0.8)):
        return None
    sentence = call.sentences[call.by_segment[index][best[0]]]
    if len(text.content_words(sentence.text)) < 2:
        return None
    return _Match(
        sentence,
        round(min(0.85, float(similarity[best])), 2),
        f"repeated_complaint/repeats_earlier:{float(similarity[best]):.2f}",
    )


def detect(
    segments: tuple[Segment, ...], config: ScoringConfig, angry_turns: frozenset[int] = frozenset()
) -> tuple[Flag, ...]:
    """Text flags of a transcript. ``angry_turns`` are segment indices with a raised voice."""
    call = _Call(segments, config)
    flags: list[Flag] = []
    refusals = 0
    for index, segment in enumerate(segments):
        if segment.speaker == AGENT:
            flags.extend(_agent_flags(call, index, refusals))
            gives = CONCESSION.search(segment.text) and GIVING.search(segment.text)
            if REFUSAL.search(segment.text) and not gives:
                refusals += 1
        elif segment.speaker == CUSTOMER:
            flags.extend(_customer_flags(call, index, index in angry_turns))
    return tuple(sorted(flags, key=lambda flag: (flag.start, flag.type)))
