"""Codes of letters and digits read one character at a time (IBANs, National Insurance and PPS
numbers): written in groups ("IE29 AIBK 9311", "NP 73 05 62 A") or spelled ("j t four ate",
"b o f i nine triple oh"), going on across a short cut-in of the other party ("mm hmm").

    read(tokens, cuts, start, spelled, fits) -> [(tokens taken, characters said), ...]
"""

from __future__ import annotations

import re
from collections.abc import Callable

from audio.redact.numbers import HOMOPHONES, MAX_CUT_IN_WORDS
from audio.redact.spoken import FILLERS, REPEAT, TEENS, TENS, UNITS, Token

AMBIGUOUS = "*"  # "o"/"oh": the letter O or the digit 0, whichever the code's shape wants
_WRITTEN = re.compile(r"^[a-z0-9]{2,34}$")


def characters(item: Token, spelled: bool) -> str:
    """What one word adds to a code: a written group ("AIBK", "9311"), a spelled letter, a digit
    word, a homophone of one when the code is ``spelled``; "" when it adds nothing (it ends the
    code unless it is a filler)."""
    text = item.text
    if text in ("o", "oh"):
        return AMBIGUOUS
    if len(text) == 1 and text.isalnum():  # "w", and "7" written alone ("7 6 5 4 3 2 1 W A")
        return text.upper()
    if text in UNITS or text in TEENS or text in TENS:
        return item.digits
    if spelled and text in HOMOPHONES:
        return HOMOPHONES[text]
    if _WRITTEN.match(text) and not spelled:
        return text.upper()
    if "-" in text:  # spelled with dashes in one word: "7-2-7-2-6-9-5-v", "qq-12-34-56-c",
        # "b-o-f-i" (letters alone only one by one: "t-shirt" is a word)
        split = text.split("-")
        parts = [AMBIGUOUS if part in ("o", "oh") else str(UNITS[part]) if part in UNITS
                 else part.upper() if part.isalnum() else "" for part in split]
        if len(parts) > 1 and all(parts) and (any(c.isdigit() for c in "".join(parts))
                                              or all(len(part) == 1 for part in split)):
            return "".join(parts)
    return ""


# said inside a code before what comes next: "... nine six and the letters w a", "six eight
# four three hang on one seven two t a"
ANNOUNCED = (("the", "letters"), ("the", "letter"), ("letters",), ("letter",), ("hang", "on"))


def _announcement(tokens: list[Token], k: int) -> int:
    """How many tokens from ``k`` announce the rest of a code, said in one breath; 0 if none."""
    for words in ANNOUNCED:
        end = k + len(words)
        if end <= len(tokens) and tuple(t.text for t in tokens[k:end]) == words \
                and all(tokens[j].word + 1 == tokens[j + 1].word for j in range(k, end - 1)):
            return len(words)
    return 0


def read(tokens: list[Token], cuts: list[int], start: int, spelled: bool,
         fits: Callable[[str], bool]) -> list[tuple[list[int], str]]:
    """Each stretch of a code said from token ``start`` (one speaker's tokens; ``cuts[i]``: the
    other party's words before token ``i``) that ``fits`` its shape so far, shortest first:
    (positions in ``tokens``, upper-case characters with ``AMBIGUOUS`` for o). "double" and
    "triple" repeat the next character ("double you" is a W); fillers and an announcement of
    what comes next (``ANNOUNCED``) inside are skipped."""
    steps: list[tuple[list[int], str]] = []
    taken: list[int] = []
    said, repeat = "", 1
    aid_until = skip_until = -1
    for k in range(start, len(tokens)):
        if k <= aid_until:
            taken.append(k)
            continue
        if k <= skip_until:
            continue
        if k > start and cuts[k] > MAX_CUT_IN_WORDS:
            break
        if tokens[k].text == "you" and taken and taken[-1] == k - 1 and repeat == 2 \
                and tokens[k - 1].text == "double" and tokens[k - 1].word + 1 == tokens[k].word:
            if not fits(said + "W"):  # "double you": the letter W, not a doubled character
                break
            said, repeat = said + "W", 1
            taken.append(k)
            steps.append((list(taken), said))
            continue
        skip = _announcement(tokens, k) if taken else 0
        if skip:  # skipped like a filler: the words stay clear
            skip_until = k + skip - 1
            continue
        if tokens[k].text in REPEAT and taken:
            repeat = REPEAT[tokens[k].text]
            taken.append(k)
            continue
        more = characters(tokens[k], spelled)
        if not more:
            if tokens[k].text in FILLERS and taken:
                continue
            break
        more = more * repeat if len(more) == 1 else more
        repeat = 1
        if not fits(said + more):
            break
        said += more
        taken.append(k)
        aid_until = k + spelling_aid(tokens, k)
        steps.append((list(taken + list(range(k + 1, aid_until + 1))), said))
    return steps


SPELLING_AIDS = (("as", "in"), ("for",))


def _aid_after(tokens: list[Token], k: int) -> int:
    """How many tokens after the letter ``tokens[k]`` name a word that begins with it ("as in
    tom", "for charlie"), said in one breath with it; 0 when none do. A number word is no aid:
    "e for eight" is "e four eight"."""
    letter = tokens[k].text
    if len(letter) != 1 or not letter.isalpha():
        return 0
    for aid in SPELLING_AIDS:
        end = k + len(aid) + 1
        if end < len(tokens) and tuple(t.text for t in tokens[k + 1:end]) == aid \
                and all(tokens[j].word + 1 == tokens[j + 1].word for j in range(k, end)):
            word = tokens[end].text
            if len(word) > 1 and word.replace("-", "").isalpha() and word[0] == letter \
                    and not tokens[end].digits and word not in HOMOPHONES:
                return len(aid) + 1
    return 0


def _spelled_character(item: Token) -> bool:
    """A letter, a digit or a number word, or a written group holding a digit."""
    return (len(item.text) == 1 and item.text.isalnum()) or bool(item.digits) \
        or any(c.isdigit() for c in item.text)


def spelling_aid(tokens: list[Token], k: int) -> int:
    """How many tokens after the letter ``tokens[k]`` (one speaker's tokens, in order) say
    which letter it is ("t as in tom", "c for charlie"), when it is spelled among other letters
    or digits, or after another aid ("b for bravo j for juliet"); 0 otherwise, so "I booked a
    for Anna" keeps its name."""
    size = _aid_after(tokens, k)
    if not size:
        return 0
    after = k + size + 1
    if after < len(tokens) and tokens[after].word == tokens[after - 1].word + 1 \
            and _spelled_character(tokens[after]):
        return size
    if k == 0 or tokens[k - 1].word + 1 != tokens[k].word:
        return 0
    # the word before ends another letter's aid: that letter is len(aid) + 2 tokens back
    return size if _spelled_character(tokens[k - 1]) or any(
        k - len(aid) - 2 >= 0 and _aid_after(tokens, k - len(aid) - 2) == len(aid) + 1
        for aid in SPELLING_AIDS) else 0
