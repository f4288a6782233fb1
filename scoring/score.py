"""The call score, 0-100, and a breakdown that adds up to it, from flags and documented weights.

Each flag's points: a negative flag loses weight x confidence, a positive flag gains it (the
gains together at most ``max_credit``: when they would pass it, each is scaled down by the same
factor). Points are rounded to 0.1 per flag, summed per category, and

    score = clip(100 - points lost + points gained, 0, 100)

so every figure shown (per flag, per category, the total) is the sum of the ones beneath it.
Weights live in the rules file. The customer's own tone (raised voice) is evidence, not scored,
unless the rules say so.
"""

from __future__ import annotations

import math
from collections import defaultdict

from scoring.config import TONE, ScoringConfig
from scoring.schema import CUSTOMER, CallScore, CategoryScore, Flag

TONE_CATEGORY = "conversation"


def total(points: float) -> float:
    """100 plus the signed points of a call's flags, kept within 0-100."""
    return round(max(0.0, min(100.0, 100.0 + points)), 1)


def _category(flag: Flag, config: ScoringConfig) -> str:
    return TONE_CATEGORY if flag.type in TONE else config.rules(flag.type).category


def raw_points(flag: Flag, config: ScoringConfig) -> float:
    """weight x confidence, before the credit cap and rounding; 0 for what is not scored."""
    if flag.type in TONE and flag.speaker == CUSTOMER and not config.customer_tone_counts:
        return 0.0
    return config.weight(flag.type) * flag.confidence


def flag_points(flags: tuple[Flag, ...], config: ScoringConfig) -> tuple[float, ...]:
    """Signed points per flag, in the order given: lost negative, gained positive."""
    raw = [raw_points(flag, config) for flag in flags]
    gains = sum(p for p, f in zip(raw, flags, strict=True) if f.polarity == "positive")
    scale = config.max_credit / gains if gains > config.max_credit else 1.0
    out = []
    for points, flag in zip(raw, flags, strict=True):
        if flag.polarity == "positive":
            # rounded down, so that the rounded gains never pass the cap together
            out.append(math.floor(points * scale * 10 + 1e-9) / 10 if scale < 1 else
                       round(points, 1))
        else:
            out.append(-round(points, 1))
    return tuple(out)


def score(flags: tuple[Flag, ...], config: ScoringConfig) -> CallScore:
    points = flag_points(flags, config)
    lost: dict[str, float] = defaultdict(float)
    gained: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    categories = {rules.category for rules in config.flags} | {TONE_CATEGORY}
    for flag, value in zip(flags, points, strict=True):
        category = _category(flag, config)
        counts[category] += 1
        if value < 0:
            lost[category] -= value
        else:
            gained[category] += value
    total_lost = round(sum(lost.values()), 1)
    total_gained = round(sum(gained.values()), 1)
    breakdown = tuple(
        CategoryScore(
            name=name,
            score=total(gained[name] - lost[name]),
            penalty=round(lost[name], 1),
            credit=round(gained[name], 1),
            flags=counts[name],
            points=round(gained[name] - lost[name], 1),
        )
        for name in sorted(categories)
    )
    return CallScore(value=total(total_gained - total_lost), categories=breakdown, rules_version=config.version,
                     lost=total_lost, gained=total_gained, flag_points=points)
