"""Personal data in free text typed by people (a reviewer's note, a dialer's metadata), masked
with the same recognisers as a call: the text is read as one speaker's words.

    mask_text("customer Jane Doe, card 4111 1111 1111 1111", kinds)
        -> "customer [PERSON_NAME], card [CARD_NUMBER]"
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from audio.redact.detect import detect
from audio.redact.kinds import PLACEHOLDER
from audio.redact.mask import mask_ranges, trailing
from audio.schema import Word

_WORD = re.compile(r"\S+")


def mask_text(text: str, kinds: Sequence[str]) -> str:
    """``text`` with every span of ``kinds`` replaced by its placeholder."""
    found = list(_WORD.finditer(text))
    if not found or not kinds:
        return text
    words = [Word(" " + m.group(), float(i), i + 0.5, 1.0, "writer") for i, m in enumerate(found)]
    ranges = []
    for span in detect(words, kinds).spans:
        for position in span.words:
            match = found[position]
            end = match.end() - len(trailing(match.group()))
            if end > match.start():
                ranges.append((match.start(), end, PLACEHOLDER[span.kind]))
    return mask_ranges(text, ranges) if ranges else text
