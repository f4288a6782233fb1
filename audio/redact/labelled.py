"""Labelled calls for redaction: written turns with their personal data marked, read as timed
words. The format of ``bench/pii_*.json``: ``{"_about", name: {"turns": [[speaker, text]],
"pii": [[turn, span, kind]]}}``, each span said in its turn exactly as written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from audio.schema import Word

WORDS_PER_S = 2.6  # each turn is read as words said at this rate


def load(path: Path) -> dict:
    """A labelled set's calls by name, without its ``_about``."""
    data = json.loads(path.read_text())
    data.pop("_about", None)
    return data


def words_of(turns: list[list[str]], start: float = 0.0):
    """Each turn's whitespace-separated words, timed; and for each word (turn, char range)."""
    words, where, clock = [], [], start
    for index, (speaker, text) in enumerate(turns):
        for match in re.finditer(r"\S+", text):
            words.append(Word(" " + match.group(0), round(clock, 2),
                              round(clock + 1 / WORDS_PER_S - 0.05, 2), 1.0, speaker))
            where.append((index, match.start(), match.end()))
            clock += 1 / WORDS_PER_S
        clock += 0.5
    return words, where, clock


def labelled_items(call: dict, where) -> list[tuple[str, set[int]]]:
    """(kind, word positions) of each labelled item."""
    items, searched_from = [], {}
    for turn, span, kind in call["pii"]:
        # a span said twice in one turn is labelled twice, in order: each finds the next
        begin = call["turns"][turn][1].find(span, searched_from.get((turn, span), 0))
        if begin < 0:
            raise ValueError(f"{span!r} is not said (again) in turn {turn}")
        searched_from[(turn, span)] = begin + len(span)
        end = begin + len(span)
        positions = {i for i, (t, b, e) in enumerate(where) if t == turn and b < end and e > begin}
        items.append((kind, positions))
    return items
