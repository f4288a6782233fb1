"""Behaviour flags composed from dialogue acts: one small function per flag type.

Each function reads act probabilities (``ActScores``) and returns, per turn, the sentence that
best shows the behaviour with its probability. A flag's probability is the probability of its
act (the likeliest sentence of the turn), times (1 - p) where p is the highest probability,
over the sentences in the context, of any act that rules it out; so it stays a probability and
is the flag's confidence. Thresholds, explanations and context lengths come from the rules file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scoring.acts import ActScores
from scoring.config import FlagRules, ScoringConfig
from scoring.schema import AGENT, CUSTOMER
from scoring.sentences import Sentence

# the acts that show each flag's behaviour (its training examples stand for the real thing)
PRIMARY_ACTS = {
    "scripted_empathy": ("empathy", "apology"),
    "reluctant_concession": ("concession", "reluctance"),
    "flat_refusal": ("refusal",),
    "system_blame": ("system_appeal",),
    "deflection": ("redirect",),
    "unprofessional_language": ("rude",),
    "customer_blame": ("blame_customer",),
    "escalation": ("escalation",),
    "repeated_complaint": ("repeat",),
    "active_listening": ("restate",),
    "ownership": ("ownership",),
    "goodwill_gesture": ("concession",),
}
FOLLOW_THROUGH = ("restate", "action", "ownership", "concession", "alternative")
WAYS_OUT = ("alternative", "concession", "action", "ownership")
REFUSAL_COUNTS_AT = 0.5  # an agent turn counts as a refusal from this probability


@dataclass(frozen=True)
class Hit:
    """One flag candidate: the sentence that shows it, and how sure the composition is."""

    type: str
    row: int  # sentence index
    probability: float
    rule: str  # stable id, "flag_type/rule_name"
    explanation: str


class CallActs:
    """Sentences, their act probabilities and which turn each belongs to."""

    def __init__(
        self, sentences: tuple[Sentence, ...], scores: ActScores, loud_turns: frozenset[int]
    ) -> None:
        self.sentences = sentences
        self.scores = scores
        self.loud_turns = loud_turns
        count = (sentences[-1].segment + 1) if sentences else 0
        self.rows: list[list[int]] = [[] for _ in range(count)]
        for row, sentence in enumerate(sentences):
            self.rows[sentence.segment].append(row)
        self.speaker = [sentences[r[0]].speaker if r else "" for r in self.rows]

    def turns_of(self, speaker: str) -> list[int]:
        return [t for t, rows in enumerate(self.rows) if rows and self.speaker[t] == speaker]

    def next_turns(self, turn: int, count: int) -> list[int]:
        """The same speaker's next ``count`` turns."""
        later = [t for t in self.turns_of(self.speaker[turn]) if t > turn]
        return later[:count]

    def rows_in(self, turns: list[int]) -> list[int]:
        return [row for t in turns for row in self.rows[t]]

    def strongest(self, turn: int, acts: tuple[str, ...]) -> tuple[int, float]:
        """The turn's sentence most likely to be any of ``acts``, and that probability."""
        best = max(self.rows[turn], key=lambda row: self.scores.best([row], acts))
        return best, self.scores.best([best], acts)

    def either(self, turn: int, acts: tuple[str, ...]) -> tuple[int, float]:
        """The turn's sentence most likely to show at least one of ``acts``, and that
        probability, 1 - prod(1 - p) over the acts (labellers split some lines between acts
        that a flag reads as one: "I'm sorry to hear that." is empathy to some, an apology to
        others, and always one of them)."""
        def union(row: int) -> float:
            missing = 1.0
            for act in acts:
                missing *= 1.0 - self.scores.p(row, act)
            return 1.0 - missing

        best = max(self.rows[turn], key=union)
        return best, union(best)

    def refusals_before(self, turn: int) -> int:
        return sum(
            1
            for t in self.turns_of(AGENT)
            if t < turn and self.scores.best(self.rows[t], ("refusal",)) >= REFUSAL_COUNTS_AT
        )


def _one(call: CallActs, rules: FlagRules, speaker: str, acts: tuple[str, ...], name: str):
    """Flags that are a single act: the act's probability is the flag's."""
    for turn in call.turns_of(speaker):
        row, p = call.strongest(turn, acts)
        yield Hit(rules.name, row, p, f"{rules.name}/{name}", rules.explanation)


def scripted_empathy(call: CallActs, rules: FlagRules):
    """Empathy or apology (the probability that a sentence is at least one of them) with no
    restating and no concrete action in the same turn or the agent's next ``follow_turns``
    turns."""
    follow = int(rules.setting("follow_turns", 1))
    for turn in call.turns_of(AGENT):
        row, p = call.either(turn, ("empathy", "apology"))
        around = call.rows_in([turn, *call.next_turns(turn, follow)])
        p *= 1.0 - call.scores.best(around, FOLLOW_THROUGH)
        yield Hit(rules.name, row, p, f"{rules.name}/no_follow_through",
                  rules.explanation.format(follow_turns=follow))


def _concession(call: CallActs, turn: int, limit: int) -> tuple[int, float, float, bool]:
    row, p = call.strongest(turn, ("concession",))
    grudging = call.scores.best(call.rows[turn], ("reluctance",))
    return row, p, grudging, call.refusals_before(turn) >= limit


def reluctant_concession(call: CallActs, rules: FlagRules):
    """A concession framed grudgingly, or given only after ``refusals_before`` refusals."""
    limit = int(rules.setting("refusals_before", 2))
    for turn in call.turns_of(AGENT):
        row, p, grudging, worn_down = _concession(call, turn, limit)
        if worn_down and p > p * grudging:
            yield Hit(rules.name, row, p, f"{rules.name}/after_refusals",
                      str(rules.setting("explanation_after_refusals", rules.explanation))
                      .format(refusals=limit))
        else:
            yield Hit(rules.name, row, p * grudging, f"{rules.name}/grudging_framing",
                      rules.explanation)


def goodwill_gesture(call: CallActs, rules: FlagRules):
    """A concession given willingly: no grudging framing, not wrung out by refusals."""
    limit = int(rules.setting("refusals_before", 2))
    for turn in call.turns_of(AGENT):
        row, p, grudging, worn_down = _concession(call, turn, limit)
        p = 0.0 if worn_down else p * (1.0 - grudging)
        yield Hit(rules.name, row, p, f"{rules.name}/willing_concession", rules.explanation)


def flat_refusal(call: CallActs, rules: FlagRules):
    """A refusal (not resting on the system alone) with no alternative, concession or next step
    in the same turn or the agent's next ``nearby_turns`` turns."""
    nearby = int(rules.setting("nearby_turns", 1))
    for turn in call.turns_of(AGENT):
        best: tuple[int, float] = (call.rows[turn][0], 0.0)
        for row in call.rows[turn]:
            p = call.scores.p(row, "refusal") * (1.0 - call.scores.p(row, "system_appeal"))
            best = max(best, (row, p), key=lambda pair: pair[1])
        around = call.rows_in([turn, *call.next_turns(turn, nearby)])
        p = best[1] * (1.0 - call.scores.best(around, WAYS_OUT))
        yield Hit(rules.name, best[0], p, f"{rules.name}/no_alternative",
                  rules.explanation.format(nearby_turns=nearby))


def system_blame(call: CallActs, rules: FlagRules):
    """The system cited as the authority, with no word that it may be wrong in the turn."""
    for turn in call.turns_of(AGENT):
        row, p = call.strongest(turn, ("system_appeal",))
        p *= 1.0 - call.scores.best(call.rows[turn], ("admits_error",))
        yield Hit(rules.name, row, p, f"{rules.name}/system_overrules", rules.explanation)


def deflection(call: CallActs, rules: FlagRules):
    """Sending the customer elsewhere with no care for the handover in the same turn."""
    for turn in call.turns_of(AGENT):
        row, p = call.strongest(turn, ("redirect",))
        p *= 1.0 - call.scores.best(call.rows[turn], ("handoff_care",))
        yield Hit(rules.name, row, p, f"{rules.name}/cold_redirect", rules.explanation)


def escalation(call: CallActs, rules: FlagRules):
    """A threat to escalate or leave; a raised voice lowers the bar to ``loud_threshold``."""
    threshold = rules.threshold
    loud = float(rules.setting("loud_threshold", threshold))
    for turn in call.turns_of(CUSTOMER):
        row, p = call.strongest(turn, ("escalation",))
        if turn in call.loud_turns and loud < threshold and p >= loud:
            p = max(p, threshold)  # reaches the flag's bar: the voice says it is no calm request
        yield Hit(rules.name, row, p, f"{rules.name}/threat", rules.explanation)


def customer_blame(call, rules):
    return _one(call, rules, AGENT, ("blame_customer",), "blames_customer")


def unprofessional_language(call, rules):
    return _one(call, rules, AGENT, ("rude",), "rude_language")


def repeated_complaint(call, rules):
    return _one(call, rules, CUSTOMER, ("repeat",), "repeats_complaint")


def active_listening(call, rules):
    return _one(call, rules, AGENT, ("restate",), "restates_specifics")


def ownership(call, rules):
    return _one(call, rules, AGENT, ("ownership",), "takes_responsibility")


COMPOSERS = {
    "scripted_empathy": scripted_empathy,
    "reluctant_concession": reluctant_concession,
    "flat_refusal": flat_refusal,
    "system_blame": system_blame,
    "deflection": deflection,
    "unprofessional_language": unprofessional_language,
    "customer_blame": customer_blame,
    "escalation": escalation,
    "repeated_complaint": repeated_complaint,
    "active_listening": active_listening,
    "ownership": ownership,
    "goodwill_gesture": goodwill_gesture,
}


# one concession is either grudging or willing: the likelier reading wins
EXCLUSIVE = (("reluctant_concession", "goodwill_gesture"),)


def compose(call: CallActs, config: ScoringConfig,
            dismissed: Callable[[Hit], bool] = lambda hit: False) -> list[Hit]:
    """Every flag whose probability reaches its threshold, at most one per type and turn, less
    those ``dismissed`` (a tenant's reviewers dismissed the like) and those that give way to
    another flag raised on the same turn (``gives_way_to``)."""
    hits = []
    for rules in config.flags:
        for hit in COMPOSERS[rules.name](call, rules):
            if hit.probability >= rules.threshold and not dismissed(hit):
                hits.append(hit)
    turn_of = {id(h): call.sentences[h.row].segment for h in hits}
    for first, second in EXCLUSIVE:
        pairs = [(a, b) for a in hits for b in hits if a.type == first and b.type == second
                 and turn_of[id(a)] == turn_of[id(b)]]
        for a, b in pairs:
            weaker = a if a.probability < b.probability else b
            if weaker in hits:
                hits.remove(weaker)
    # "the system won't let me" is system blame, not a flat refusal (docs/labelling.md); the
    # labellers mark sending the customer elsewhere as deflection alone: that flag stands alone
    raised = {(turn_of[id(h)], h.type) for h in hits}
    return [h for h in hits if not any(
        (turn_of[id(h)], other) in raised
        for other in config.rules(h.type).setting("gives_way_to", ()))]
