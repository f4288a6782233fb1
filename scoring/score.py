"""The call score, 0-100, and a per-category breakdown, from flags and documented weights.

score = clip(100 - sum(weight * confidence of negative flags)
             + min(max_credit, sum(weight * confidence of positive flags)), 0, 100)
Each category is the same sum over its own flags, starting from 100. Weights live in the
rules file. The customer's own tone (raised voice) is evidence, not scored, unless the rules say so.
"""

from __future__ import annotations

from collections import defaultdict

from scoring.config import TONE, ScoringConfig
from scoring.schema import CUSTOMER, CallScore, CategoryScore, Flag

TONE_CATEGORY = "conversation"


def _category(flag: Flag, config: ScoringConfig) -> str:
    return TONE_CATEGORY if flag.type in TONE else config.rules(flag.type).category


def points(flag: Flag, config: ScoringConfig) -> float:
    if flag.type in TONE and flag.speaker == CUSTOMER and not config.customer_tone_counts:
        return 0.0
    return config.weight(flag.type) * flag.confidence


def score(flags: tuple[Flag, ...], config: ScoringConfig) -> CallScore:
    penalty: dict[str, float] = defaultdict(float)
    credit: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    categories = {rules.category for rules in config.flags} | {TONE_CATEGORY}
    for flag in flags:
        category = _category(flag, config)
        counts[category] += 1
        target = credit if flag.polarity == "positive" else penalty
        target[category] += points(flag, config)
    total_credit = min(config.max_credit, sum(credit.values()))
    value = max(0.0, min(100.0, 100.0 - sum(penalty.values()) + total_credit))
    breakdown = tuple(
        CategoryScore(
            name=name,
            score=round(max(0.0, min(100.0, 100 - penalty[name] + credit[name])), 1),
            penalty=round(penalty[name], 2),
            credit=round(credit[name], 2),
            flags=counts[name],
        )
        for name in sorted(categories)
    )
    return CallScore(value=round(value, 1), categories=breakdown, rules_version=config.version)
