"""Per-turn sentiment with VADER (an offline lexicon model) and the customer's trajectory."""

from __future__ import annotations

from functools import cache

from scoring.schema import CUSTOMER, Segment, TurnSentiment


@cache
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def compound(text: str) -> float:
    """VADER compound score in [-1, 1]."""
    return float(_analyzer().polarity_scores(text)["compound"])


def per_turn(segments: tuple[Segment, ...]) -> tuple[TurnSentiment, ...]:
    return tuple(TurnSentiment(s.speaker, s.start, round(compound(s.text), 3)) for s in segments)


def customer_trajectory(turns: tuple[TurnSentiment, ...]) -> tuple[float, float]:
    """Mean customer sentiment over the first and the last third of their turns."""
    customer = [t.compound for t in turns if t.speaker == CUSTOMER]
    if not customer:
        return 0.0, 0.0
    third = max(1, len(customer) // 3)
    return (round(sum(customer[:third]) / third, 3), round(sum(customer[-third:]) / third, 3))
