"""Which speaker is the agent. Stereo: the channel map. Mono: what each one says.

Every sentence is read by the role head (``scoring.role_head``: how much it sounds like the
agent, as log-odds), averaged per speaker. Phrase cues add to that, each at ``CUE_WEIGHT`` of
its weight (evidence for "this speaker is the agent"): a greeting with a company intro, offering
help, asking for account details, apologising or explaining on the company's behalf; and
against: talking about "my account", "I was charged", "my order". Who speaks first counts a
little, because agents usually answer, but never decides alone. Without a role head for the act
encoder in force, the cues decide at full weight.

On the validation dialogs (``python -m scoring.train``, bench/results/acts_validation.md) the
cues alone chose right in 86% of the written dialogs and 58% of those that start with the
customer; with the role head, 100% of both.
"""

from __future__ import annotations

import math
import re

import numpy as np

from audio.schema import Transcript
from scoring import acts, encoder, role_head, sentences
from scoring import config as scoring_config
from scoring.config import ScoringConfig
from scoring.schema import AGENT, CUSTOMER, RoleDecision, Segment

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
CUE_WEIGHT = 0.25  # a cue's weight beside the role head's mean log-odds
LOGIT_CLIP = 4.0  # one emphatic sentence counts no more than this


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


def speaks_like_agent(transcript: Transcript, config: ScoringConfig
                      ) -> dict[str, tuple[float, int, int]] | None:
    """Per speaker label: the mean log-odds that their sentences are the agent's, how many
    read as the agent's and how many they said. None without a role head for these heads."""
    heads = acts.load(config.heads_path)
    head = role_head.for_adapter(config.heads_path, heads.adapter.digest)
    if head is None:
        return None
    segments = tuple(Segment(t.speaker, t.start, t.end, t.text) for t in transcript.turns)
    split = sentences.split(segments)
    if not split:
        return {}
    vectors = encoder.encode(split, [s.text for s in segments], [s.speaker for s in segments],
                             heads.adapter, config.embedding_model)
    return per_speaker(split, head.logits(vectors))


def per_speaker(split: tuple[sentences.Sentence, ...], logits: np.ndarray
                ) -> dict[str, tuple[float, int, int]]:
    """``speaks_like_agent`` from the role head's log-odds of each sentence in ``split``."""
    clipped = np.clip(logits, -LOGIT_CLIP, LOGIT_CLIP)
    out = {}
    for speaker in dict.fromkeys(s.speaker for s in split):
        mine = clipped[[i for i, s in enumerate(split) if s.speaker == speaker]]
        out[speaker] = (float(mine.mean()), int((mine > 0).sum()), len(mine))
    return out


def decide(transcript: Transcript, override_agent: str | None = None,
           config: ScoringConfig | None = None) -> RoleDecision:
    """Map speaker labels to agent/customer with a confidence in [0.5, 1]; ``config`` names
    the act heads and encoder (the shipped rules' when None)."""
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
    return from_what_is_said(transcript, speakers,
                             speaks_like_agent(transcript, config or scoring_config.load()))


def from_what_is_said(transcript: Transcript, speakers: list[str],
                      read: dict[str, tuple[float, int, int]] | None) -> RoleDecision:
    """The agent among ``speakers`` (two or more) by cues and ``read`` (``speaks_like_agent``;
    None: cues only, at full weight)."""
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
    if read is not None:
        for speaker in speakers:
            mean, agent_like, said = read.get(speaker, (0.0, 0, 0))
            scores[speaker] = mean + CUE_WEIGHT * scores[speaker]
            sounds = (f"+sounds like the agent in {agent_like}" if mean > 0
                      else f"-sounds like the customer in {said - agent_like}")
            cues[speaker] = [f"{sounds} of {said} sentences", *cues[speaker]]
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
