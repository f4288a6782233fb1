"""Redaction of one analysed call: flags and the score are computed on what was said, then every
text that leaves the scorer (the transcript, its words, each segment, each flag's quote) has the
personal data of the kinds asked for replaced by typed placeholders."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from audio.redact.detect import Detection, call_words, detect
from audio.redact.kinds import KINDS
from audio.redact.mask import (
    mask_quote,
    masked_spans_of_turns,
    masked_word_of,
    redact_transcript,
    word_extents,
)
from audio.schema import CallAnalysis, Transcript
from scoring.record import ActRecord, digest_of_texts
from scoring.schema import ScoredCall
from service.errors import Invalid


def parse_kinds(text: str | None) -> tuple[str, ...]:
    """``--redact`` with no value means every kind; else a comma-separated list of kinds."""
    if text is None or text.strip() in ("", "all"):
        return KINDS
    kinds = tuple(dict.fromkeys(k.strip().lower().replace("-", "_") for k in text.split(",")
                                if k.strip()))
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise Invalid(f"unknown kind of personal data: {', '.join(unknown)} "
                       f"(known: {', '.join(KINDS)})", code="unknown_redaction_kind")
    return kinds


def find(analysis: CallAnalysis, kinds: Sequence[str]) -> Detection:
    """The personal data of ``kinds`` said in the call."""
    return detect(call_words(analysis.transcript), kinds)


def redact_call(
    analysis: CallAnalysis, scored: ScoredCall, kinds: Sequence[str]
) -> tuple[CallAnalysis, ScoredCall, Detection]:
    """``analysis`` and ``scored`` with personal data masked in every text they carry; the
    flags, their times and the score are unchanged."""
    detection = find(analysis, kinds)
    return (*apply(analysis, scored, detection), detection)


def apply(analysis: CallAnalysis, scored: ScoredCall,
          detection: Detection) -> tuple[CallAnalysis, ScoredCall]:
    """``analysis`` and ``scored`` with ``detection``'s spans masked in every text."""
    turns = masked_spans_of_turns(analysis.transcript, detection)
    redacted = redact_transcript(analysis.transcript, detection)
    segments = tuple(
        dataclasses.replace(segment, text=turn.text)
        for segment, turn in zip(scored.segments, redacted.turns, strict=True)
    )
    found = (moved_to_masked(scored.acts, analysis.transcript, redacted, detection)
             if scored.acts is not None else None)
    # a text flag's quote is its sentence as a re-score cuts it from the masked turn
    sentences = {(s.speaker, s.start, s.end): s.text
                 for s in (found.sentences_of(segments) if found is not None else ())}
    flags = tuple(
        dataclasses.replace(flag, quote=sentences.get((flag.speaker, flag.start, flag.end))
                            or _masked_quote(flag, analysis, turns))
        for flag in scored.flags
    )
    options = (*analysis.options, ("redacted", ",".join(detection.kinds)),
               ("redaction_engine", detection.engine))
    return (dataclasses.replace(analysis, transcript=redacted, options=options),
            dataclasses.replace(scored, segments=segments, flags=flags, acts=found))


def moved_to_masked(found: ActRecord, clear: Transcript, masked: Transcript,
                    detection: Detection) -> ActRecord:
    """``found`` (read from ``clear``) with each sentence's characters moved to ``masked``, the
    transcript with ``detection``'s spans masked: a sentence runs from the first to the last
    word it covers, a masked word being its whole placeholder (two sentences that end and begin
    inside one span both show it)."""
    word_of = masked_word_of(clear, detection)
    said = [word_extents(turn) for turn in clear.turns]
    shown = [word_extents(turn) for turn in masked.turns]
    spans = []
    for span in found.sentences:
        covered = [i for i, (begin, end) in enumerate(said[span.segment])
                   if begin < span.last_char and end > span.first_char]
        if covered:
            first = shown[span.segment][word_of[span.segment][covered[0]]][0]
            last = shown[span.segment][word_of[span.segment][covered[-1]]][1]
        else:  # no word in it (an empty turn)
            first = last = min(span.first_char, len(masked.turns[span.segment].text))
        spans.append(dataclasses.replace(span, first_char=first, last_char=last))
    return dataclasses.replace(found, sentences=tuple(spans),
                               texts=digest_of_texts([t.text for t in masked.turns]))


def _masked_quote(flag, analysis: CallAnalysis, turns) -> str:
    """The quote masked with the turn it was cut from (the turn around the flag's start)."""
    if not flag.quote:
        return flag.quote
    best = None
    for turn, (text, ranges) in zip(analysis.transcript.turns, turns, strict=True):
        if turn.start - 0.5 <= flag.start <= turn.end + 0.5 and flag.quote in text:
            best = (text, ranges)
            break
    if best is None:  # a quote spanning turns: mask the masked words of every turn in it
        quote = flag.quote
        for text, ranges in turns:
            quote = mask_quote(quote, text, ranges) if ranges else quote
        return quote
    return mask_quote(flag.quote, *best)
