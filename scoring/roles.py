"""Which speaker is the agent. Stereo: the channel map. Mono: what each one says.

Every sentence is read by the role head (``scoring.role_head``: how much it sounds like the
agent, as log-odds), averaged per speaker. Phrase cues add to that, each at ``CUE_WEIGHT`` of
its weight (evidence for "this speaker is the agent"): a greeting with a company intro, offering
help, asking for account details, apologising or explaining on the company's behalf; and
against: talking about "my account", "I was charged", "my order". Who speaks first counts a
little, because agents usually answer, but never decides alone. Without a role head for the act
encoder in force, the cues decide at full weight.

On the validation dialogs (``python -m scoring.train_roles``,
bench/results/roles_validation.md) the cues alone chose right in 87% of the written dialogs and
57% of those cut to start with the customer; with the role head, 100% of both (99% of what
speech recognition heard of them). Of more than two diarized labels, the two that say most are
the parties; the decision names the role head that read them (``RoleDecision.model``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

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
_WORD = re.compile(r"\w")


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


@dataclass(frozen=True)
class Reading:
    """How one speaker label's sentences read to the role head."""

    mean_logit: float  # mean log-odds that a sentence is the agent's, each clipped
    agent_like: int  # sentences with positive log-odds
    sentences: int  # sentences with at least one word


@dataclass(frozen=True)
class HeadReading:
    model: str  # the role head's version
    speakers: dict[str, Reading]  # by speaker label; a label with no words is absent


def speaks_like_agent(transcript: Transcript, config: ScoringConfig) -> HeadReading | None:
    """How every speaker's sentences read to the role head; None without a role head for the
    act heads and encoder in force."""
    heads = acts.load(config.heads_path)
    head = role_head.for_adapter(config.heads_path, heads.adapter.digest)
    if head is None:
        return None
    segments = tuple(Segment(t.speaker, t.start, t.end, t.text) for t in transcript.turns)
    split = sentences.split(segments)
    vectors = encoder.encode(split, [s.text for s in segments], [s.speaker for s in segments],
                             heads.adapter, config.embedding_model)
    return HeadReading(head.version, per_speaker(split, head.logits(vectors)))


def per_speaker(split: tuple[sentences.Sentence, ...], logits: np.ndarray) -> dict[str, Reading]:
    """Each speaker's ``Reading`` from the role head's log-odds of every sentence in
    ``split``; sentences without a word (an empty turn) say nothing."""
    clipped = np.clip(logits, -LOGIT_CLIP, LOGIT_CLIP)
    rows: dict[str, list[int]] = {}
    for row, sentence in enumerate(split):
        if _WORD.search(sentence.text):
            rows.setdefault(sentence.speaker, []).append(row)
    return {speaker: Reading(float(clipped[mine].mean()), int((clipped[mine] > 0).sum()),
                             len(mine)) for speaker, mine in rows.items()}


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


def _two_who_say_most(transcript: Transcript, speakers: list[str]) -> list[str]:
    """The two labels with the most words, in their order in ``speakers``: a third label that
    diarization split off (a few words) is neither party's voice on its own, and one
    sentence must not outweigh a whole side of the call."""
    words = {s: sum(len(t.words) for t in transcript.turns if t.speaker == s) for s in speakers}
    kept = set(sorted(speakers, key=lambda s: -words[s])[:2])
    return [s for s in speakers if s in kept]


def from_what_is_said(transcript: Transcript, speakers: list[str],
                      read: HeadReading | None) -> RoleDecision:
    """The agent and the customer among ``speakers`` (two or more; of more, the two who say
    most) by cues and ``read`` (``speaks_like_agent``; None: the cues alone, at full weight)."""
    speakers = _two_who_say_most(transcript, speakers)
    scores, cues = {}, {}
    for speaker in speakers:
        said = " ".join(t.text for t in transcript.turns if t.speaker == speaker)
        first_turns = " ".join(t.text for t in transcript.turns[:4] if t.speaker == speaker)
        scores[speaker], cues[speaker] = _evidence(said)
        bonus, _ = _evidence(first_turns)  # openings weigh double: that is where roles show
        scores[speaker] += 0.5 * bonus
    first = transcript.turns[0].speaker if transcript.turns else speakers[0]
    if first in scores:
        scores[first] += FIRST_SPEAKER_WEIGHT
        cues[first] = [*cues[first], "+speaks first"]
    if read is not None:
        for speaker in speakers:
            found = read.speakers.get(speaker, Reading(0.0, 0, 0))
            scores[speaker] = found.mean_logit + CUE_WEIGHT * scores[speaker]
            sounds = (f"+sounds like the agent in {found.agent_like}" if found.mean_logit > 0
                      else f"-sounds like the customer in {found.sentences - found.agent_like}")
            cues[speaker] = [f"{sounds} of {found.sentences} sentences", *cues[speaker]]
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
        read.model if read is not None else "",
    )
