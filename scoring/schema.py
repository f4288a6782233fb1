"""Types that scoring produces. Times in seconds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scoring.record import ActRecord

AGENT, CUSTOMER = "agent", "customer"


@dataclass(frozen=True)
class Segment:
    """One turn of the transcript contract: ``speaker`` is "agent" or "customer"."""

    speaker: str
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Flag:
    type: str
    speaker: str
    start: float
    end: float
    quote: str
    confidence: float
    rule: str
    explanation: str
    polarity: str  # "negative" | "positive"


@dataclass(frozen=True)
class CategoryScore:
    name: str
    score: float  # 0-100: this category alone, as if it were the whole call
    penalty: float  # points lost here (positive number)
    credit: float  # points gained here, after the credit cap
    flags: int
    points: float = 0.0  # what this category adds to the call's score: credit - penalty


@dataclass(frozen=True)
class CallScore:
    value: float  # 0-100 = clip(100 - lost + gained)
    categories: tuple[CategoryScore, ...]
    rules_version: str
    lost: float = 0.0  # sum of the categories' penalties
    gained: float = 0.0  # sum of their credits
    flag_points: tuple[float, ...] = ()  # signed points of each flag, in the call's flag order


@dataclass(frozen=True)
class RoleDecision:
    """Which speaker label is the agent, with the cues that decided it."""

    agent: str
    customer: str
    confidence: float
    method: str  # channel_map | cues | override
    cues: tuple[str, ...]
    model: str = ""  # the role head that read the sentences (scoring.role_head); "" for none


@dataclass(frozen=True)
class TurnSentiment:
    speaker: str
    start: float
    compound: float  # VADER compound, -1..1


@dataclass(frozen=True)
class ScoredCall:
    segments: tuple[Segment, ...]
    flags: tuple[Flag, ...]
    score: CallScore
    sentiment: tuple[TurnSentiment, ...]
    customer_sentiment_start: float
    customer_sentiment_end: float
    # the act probabilities the flags came from, for a re-score
    acts: ActRecord | None = field(default=None, compare=False)
