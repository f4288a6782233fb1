"""Put typed placeholders where personal data was said: in the transcript's words ("[CARD_NUMBER]"
for the words of one span, its time kept), in any text cut from a turn (a flag's quote), and in
the audio (silence or a 1 kHz tone over the span, every channel)."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

from audio.decode import require_tool
from audio.redact.detect import Detection, PiiSpan
from audio.redact.kinds import PLACEHOLDER
from audio.schema import Transcript, Turn, Word

PAD_S = 0.08  # audio masked this far either side of a span: word timings are approximate
TONE_HZ = 1000.0
TONE_LEVEL = 0.05  # peak amplitude of the masking tone (about -26 dBFS)
_TRAILING = re.compile(r"[.,?!;:]+$")


def trailing(text: str) -> str:
    """Sentence punctuation ending a word ("1111." -> "."): kept after the placeholder."""
    match = _TRAILING.search(text.strip())
    return match.group(0) if match else ""


def _owners(detection: Detection) -> dict[int, PiiSpan]:
    return {w: span for span in detection.spans for w in span.words}


def redact_transcript(transcript: Transcript, detection: Detection) -> Transcript:
    """The transcript with each span's words made one word: its placeholder, over its time."""
    owner = _owners(detection)
    position, turns = 0, []
    for turn in transcript.turns:
        words: list[Word] = []
        previous: PiiSpan | None = None
        for word in turn.words:
            span = owner.get(position)
            position += 1
            if span is None:
                words.append(word)
            elif span is previous:
                last = words[-1]
                words[-1] = dataclasses.replace(
                    last, text=" " + PLACEHOLDER[span.kind] + trailing(word.text), end=word.end,
                    probability=min(last.probability, word.probability))
            else:
                words.append(dataclasses.replace(
                    word, text=" " + PLACEHOLDER[span.kind] + trailing(word.text)))
            previous = span
        turns.append(dataclasses.replace(turn, words=tuple(words)))
    return dataclasses.replace(transcript, turns=tuple(turns))


def masked_word_of(transcript: Transcript, detection: Detection) -> list[list[int]]:
    """Per turn, for each of its words, the index of the word it is in the turn that
    ``redact_transcript`` makes (the words of one span become one placeholder)."""
    owner = _owners(detection)
    position, out = 0, []
    for turn in transcript.turns:
        index, previous, row = -1, None, []
        for _ in turn.words:
            span = owner.get(position)
            position += 1
            if span is None or span is not previous:
                index += 1
            row.append(index)
            previous = span
        out.append(row)
    return out


def word_extents(turn: Turn) -> list[tuple[int, int]]:
    """Each word's (begin, end) in ``turn.text``, its punctuation included."""
    return [(begin, begin + len(word.text.strip()))
            for (begin, _), word in zip(word_ranges(turn), turn.words, strict=True)]


def word_ranges(turn: Turn) -> list[tuple[int, int]]:
    """Each word's (begin, end) characters in ``turn.text`` (words joined, then stripped)."""
    joined = "".join(w.text for w in turn.words)
    lead = len(joined) - len(joined.lstrip())
    out, cursor = [], -lead
    for word in turn.words:
        inner = word.text.strip()
        begin = cursor + word.text.find(inner) if inner else cursor
        out.append((begin, begin + len(inner) - len(trailing(inner))))
        cursor += len(word.text)
    return out


def mask_ranges(text: str, ranges: list[tuple[int, int, str]]) -> str:
    """``text`` with each (begin, end, placeholder) replaced; neighbours with the same
    placeholder and only spaces or punctuation between become one placeholder."""
    out, cursor, last = [], 0, None
    for begin, end, placeholder in sorted(ranges):
        begin, end = max(begin, cursor), max(end, cursor)
        between = text[cursor:begin]
        if last == placeholder and not between.strip(" ,.-"):
            cursor = end
            continue
        out += [between, placeholder]
        cursor, last = end, placeholder
    out.append(text[cursor:])
    return "".join(out)


def masked_spans_of_turns(transcript: Transcript, detection: Detection):
    """Per turn: (text, [(begin, end, placeholder)]) of the words to mask in that text."""
    owner = _owners(detection)
    position, out = 0, []
    for turn in transcript.turns:
        ranges = []
        for (begin, end), _ in zip(word_ranges(turn), turn.words, strict=True):
            span = owner.get(position)
            if span is not None and end > begin:
                ranges.append((begin, end, PLACEHOLDER[span.kind]))
            position += 1
        out.append((turn.text, ranges))
    return out


def mask_quote(quote: str, turn_text: str, ranges: list[tuple[int, int, str]]) -> str:
    """A piece of a turn's text (a flag's quote) with the turn's masked words masked in it."""
    offset = turn_text.find(quote)
    if offset < 0:  # not cut from this turn as it stands: mask every masked word found in it
        return _mask_words_anywhere(quote, turn_text, ranges)
    inside = [(max(b, offset) - offset, min(e, offset + len(quote)) - offset, p)
              for b, e, p in ranges if b < offset + len(quote) and e > offset]
    return mask_ranges(quote, inside)


def _mask_words_anywhere(quote: str, turn_text: str, ranges) -> str:
    for begin, end, placeholder in sorted(ranges, key=lambda r: r[0] - r[1]):
        word = turn_text[begin:end]
        if word:
            quote = quote.replace(word, placeholder)
    return quote


GATES_PER_FILTER = 40  # ffmpeg's expression parser recurses per term: about 100 fail
FRAME_SAMPLES = 160  # 10 ms at 16 kHz, 20 ms at 8 kHz: well under PAD_S


def _windows(spans: tuple[PiiSpan, ...]) -> list[tuple[float, float]]:
    """The spans padded by ``PAD_S``, overlapping ones merged, in time order."""
    out: list[tuple[float, float]] = []
    for start, end in sorted((max(0.0, s.start - PAD_S), s.end + PAD_S) for s in spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _filters(spans: tuple[PiiSpan, ...], mode: str) -> str:
    """The audio cut into 10 ms frames (160 samples at 16 kHz), then a chain of filters, each
    silencing (or replacing by a tone) the frames that start inside at most
    ``GATES_PER_FILTER`` windows. The gate is checked per frame, not per sample (a per-sample
    expression took 10 s on a 6-minute call); a frame is shorter than the padding, so the
    span itself is always covered."""
    windows = _windows(spans)
    chain = [f"asetnsamples=n={FRAME_SAMPLES}:p=0"]
    for first in range(0, len(windows), GATES_PER_FILTER):
        gates = "+".join(f"between(t,{a:.3f},{b:.3f})"
                         for a, b in windows[first:first + GATES_PER_FILTER])
        if mode == "tone":
            chain.append(f"aeval='{TONE_LEVEL}*sin(2*PI*{TONE_HZ:g}*t)':c=same:enable='{gates}'")
        else:
            chain.append(f"volume=0:enable='{gates}'")
    return ",".join(chain)


def mask_file(source: Path, target: Path, spans: tuple[PiiSpan, ...],
              mode: str = "silence") -> None:
    """Write ``source`` to ``target`` (FLAC) with every span's time, padded by ``PAD_S``,
    replaced on every channel by silence or a tone; sample rate and channels kept. Streams
    through ffmpeg, so a long call is never held in memory."""
    if mode not in ("silence", "tone"):
        raise ValueError(f"audio masking is silence or tone, not {mode!r}")
    # tags and chapters are not copied: a recorder may have written a caller's details there
    command = [require_tool("ffmpeg"), "-nostdin", "-v", "error", "-y", "-i", str(source),
               "-map", "0:a:0", "-vn", "-map_metadata", "-1", "-map_chapters", "-1"]
    if spans:
        command += ["-af", _filters(spans, mode)]
    command += ["-c:a", "flac", str(target)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        raise RuntimeError(f"masking the audio failed: {result.stderr.strip()[-300:]}")
