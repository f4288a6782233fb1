"""Redaction of one analysed call: flags and the score are computed on what was said, then every
text that leaves the scorer (the transcript, its words, each segment, each flag's quote) has the
personal data of the kinds asked for replaced by typed placeholders."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from audio.redact.detect import Detection, call_words, detect
from audio.redact.kinds import KINDS
from audio.redact.mask import mask_quote, mask_ranges, masked_spans_of_turns, redact_transcript
from audio.schema import CallAnalysis
from scoring.record import ActRecord
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
    flags = tuple(
        dataclasses.replace(flag, quote=_masked_quote(flag, analysis, turns))
        for flag in scored.flags
    )
    options = (*analysis.options, ("redacted", ",".join(detection.kinds)),
               ("redaction_engine", detection.engine))
    found = (moved_to_masked(scored.acts, turns, [s.text for s in segments])
             if scored.acts is not None else None)
    return (dataclasses.replace(analysis, transcript=redacted, options=options),
            dataclasses.replace(scored, segments=segments, flags=flags, acts=found))


def moved_to_masked(found: ActRecord, turns, masked: list[str]) -> ActRecord:
    """``found`` with each sentence's characters moved from the turn as said to the masked
    turn, so that a re-score cuts the same sentences, masked, from the stored text."""
    spans, cursor = [], dict.fromkeys(range(len(masked)), 0)
    for span in found.sentences:
        text, ranges = turns[span.segment]
        target = masked[span.segment]
        piece = mask_quote(text[span.first_char:span.last_char], text, ranges).strip()
        first = target.find(piece, cursor[span.segment]) if piece else -1
        if first >= 0:
            last = first + len(piece)
        else:  # the sentence's ends, each moved by the masking before it
            first = min(len(target), max(cursor[span.segment],
                                         _masked_offset(text, ranges, span.first_char)))
            last = max(first, min(len(target), _masked_offset(text, ranges, span.last_char)))
        cursor[span.segment] = last
        spans.append(dataclasses.replace(span, first_char=first, last_char=last))
    return dataclasses.replace(found, sentences=tuple(spans))


def _masked_offset(text: str, ranges, offset: int) -> int:
    """Where character ``offset`` of ``text`` lands once ``ranges`` are masked."""
    return len(mask_ranges(text[:offset], [(b, min(e, offset), p) for b, e, p in ranges
                                           if b < offset]))


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
