"""Which speaker is the agent. Stereo: the channel map. Mono: cues from what each one says.

Cues and their weights (evidence for "this speaker is the agent"): a greeting with a company
intro, offering help, asking for account details, apologising or explaining on the company's
behalf; and against: talking about "my account", "I was charged", "my order". Who speaks first
counts a little, because agents usually answer, but never decides alone.
"""

from __future__ import annotations

import math
import re

from audio.schema import Transcript
from scoring.schema import AGENT, CUSTOMER, RoleDecision

_AGENT_CUES = (
    (
        re.compile(r"\b(thank(s| you) for (calling|contacting|holding|waiting))\b", re.I),
        2.5,
        "greeting",
    ),
    (
        re.compile(r"\b(this is|my name is|you'?re speaking with) [A-Z]?\w+", re.I),
        1.0,
        "introduces self",
    ),
    (re.compile(r"\bhow (can|may) i (help|assist)\b", re.I), 2.5, "offers help"),
    (
        re.compile(
            r"\b(can|could|may) i (have|get) (your|the) (account|name|number|zip|date)", re.I
        ),
        2.0,
        "asks for details",
    ),
    (re.compile(r"\b(our|the) (system|records|policy)\b", re.I), 1.0, "speaks for the company"),
    (re.compile(r"\bis there anything else\b", re.I), 2.0, "closing offer"),
    (
        re.compile(r"\b(let me|i'?ll) (check|look|pull up|transfer|waive|refund|credit)\b", re.I),
        1.0,
        "acts on the account",
    ),
)
_CUSTOMER_CUES = (
    (
        re.compile(
            r"\bmy (account|bill|order|card|package|phone|prescription|refund|laptop|payment)\b",
            re.I,
        ),
        1.5,
        "my account",
    ),
    (
        re.compile(r"\bi (was|got|have been) (charged|billed|overcharged)\b", re.I),
        2.0,
        "I was charged",
    ),
    (
        re.compile(r"\b(i'?m calling|i called|i want|i need|i'?d like) (to|about|because)\b", re.I),
        1.5,
        "states a need",
    ),
    (re.compile(r"\b(supervisor|manager|cancel)\b", re.I), 1.0, "asks to escalate"),
)
FIRST_SPEAKER_WEIGHT = 0.5


def _evidence(text: str) -> tuple[float, list[str]]:
    total, cues = 0.0, []
    for pattern, weight, name in _AGENT_CUES:
        if pattern.search(text):
            total += weight
            cues.append(f"+{name}")
    for pattern, weight, name in _CUSTOMER_CUES:
        if pattern.search(text):
            total -= weight
            cues.append(f"-{name}")
    return total, cues


def decide(transcript: Transcript, override_agent: str | None = None) -> RoleDecision:
    """Map speaker labels to agent/customer with a confidence in [0.5, 1]."""
    speakers = [s for s in transcript.speakers if any(t.speaker == s for t in transcript.turns)]
    speakers = speakers or list(transcript.speakers)
    if override_agent is not None:
        if override_agent not in transcript.speakers:
            raise ValueError(
                f"unknown speaker {override_agent!r}; speakers are {', '.join(transcript.speakers)}"
            )
        other = next((s for s in transcript.speakers if s != override_agent), "")
        return RoleDecision(override_agent, other, 1.0, "override", ("set by user",))
    if transcript.channel_roles:
        roles = dict(transcript.channel_roles)
        agent = next(label for label, role in roles.items() if role == AGENT)
        customer = next(label for label, role in roles.items() if role == CUSTOMER)
        return RoleDecision(agent, customer, 1.0, "channel_map", (f"agent on {agent} channel",))
    if len(speakers) < 2:
        only = speakers[0] if speakers else ""
        return RoleDecision(only, "", 0.5, "cues", ("only one speaker heard",))
    scores, cues = {}, {}
    for speaker in speakers:
        said = " ".join(t.text for t in transcript.turns if t.speaker == speaker)
        first_turns = " ".join(t.text for t in transcript.turns[:4] if t.speaker == speaker)
        scores[speaker], cues[speaker] = _evidence(said)
        bonus, _ = _evidence(first_turns)  # openings weigh double: that is where roles show
        scores[speaker] += 0.5 * bonus
    first = transcript.turns[0].speaker if transcript.turns else speakers[0]
    scores[first] = scores.get(first, 0.0) + FIRST_SPEAKER_WEIGHT
    cues[first] = [*cues.get(first, []), "+speaks first"]
    ranked = sorted(speakers, key=lambda s: scores[s], reverse=True)
    agent, customer = ranked[0], ranked[1]
    margin = scores[agent] - scores[customer]
    confidence = round(1 / (1 + math.exp(-margin)), 3)
    return RoleDecision(
        agent,
        customer,
        max(0.5, confidence),
        "cues",
        tuple(f"{agent}:{c}" for c in cues[agent])
        + tuple(f"{customer}:{c}" for c in cues[customer]),
    )
