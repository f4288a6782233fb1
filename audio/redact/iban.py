"""International bank account numbers (IBANs) said or written in a call: "IE29 AIBK 9311 5212
3456 78", "i e six four b o f i nine triple oh ...", whole or in pieces that the other party cuts
into ("i e six four" "mm hmm" "b o f i ..."). Each country's shape (letters and digits, and the
length) comes from Presidio's IBAN patterns; the check digits are not checked, since a number
misheard or misspoken by one digit is still someone's account."""

from __future__ import annotations

import functools
import re

from audio.redact.numbers import MAX_CUT_IN_WORDS, Found
from audio.redact.spoken import FILLERS, REPEAT, TEENS, TENS, UNITS, Token

# digits as speech recognition writes them inside a spelled-out account ("won too tree")
HOMOPHONES = {"won": "1", "to": "2", "too": "2", "tree": "3", "for": "4", "fore": "4",
              "ate": "8"}
AMBIGUOUS = "*"  # "o"/"oh": the letter O or the digit 0, whichever the country's shape wants
MIN_PIECES_CHARS = 12  # an IBAN left short by a slip still counts once this much is said
_WRITTEN = re.compile(r"^[a-z0-9]{2,34}$")
_WRITTEN_START = re.compile(r"^[a-z]{2}[0-9]{2}[a-z0-9]*$")  # "ie29", "ie29aibk93115212345678"
_CLASS = re.compile(r"\((\[[^\]]+\])\[ \]\?\)\{(\d)\}")


@functools.cache
def shapes() -> dict[str, tuple[int, re.Pattern[str]]]:
    """Country code -> (IBAN length, pattern that also takes ``AMBIGUOUS`` for any character)."""
    from presidio_analyzer.predefined_recognizers.generic.iban_patterns import (
        regex_per_country,
    )

    out = {}
    for country, pattern in regex_per_country.items():
        flat = _CLASS.sub(lambda m: m.group(1) * int(m.group(2)), pattern)
        flat = flat.replace("[ ]?", "").replace("[0-9]{2}", "[0-9][0-9]")
        length = 2 + len(re.findall(r"\[[^\]]+\]", flat))
        wide = flat.replace("[A-Z]", "[A-Z*]").replace("[0-9]", "[0-9*]").replace(
            "[a-zA-Z0-9]", "[a-zA-Z0-9*]")
        out[country] = (length, re.compile(wide))
    return out


def _fits(said: str) -> bool:
    """``said`` (upper case, ``AMBIGUOUS`` for o) begins an IBAN of its country's shape."""
    shape = shapes().get(said[:2])
    if shape is None:
        return len(said) < 2 and said.isalpha()
    length, pattern = shape
    return len(said) <= length and bool(pattern.fullmatch(said.ljust(length, AMBIGUOUS)))


def _complete(said: str) -> bool:
    shape = shapes().get(said[:2])
    return shape is not None and len(said) == shape[0]


def _characters(item: Token, spelled: bool) -> str:
    """What one word adds to an IBAN: a written group ("AIBK", "9311"), a spelled letter, a
    digit word; "" when it adds nothing (it ends the IBAN unless it is a filler)."""
    text = item.text
    if text in ("o", "oh"):
        return AMBIGUOUS
    if len(text) == 1 and text.isalpha():
        return text.upper()
    if text in UNITS or text in TEENS or text in TENS:
        return item.digits
    if spelled and text in HOMOPHONES:
        return HOMOPHONES[text]
    if _WRITTEN.match(text) and not spelled:
        return text.upper()
    return ""


def ibans(tokens: list[Token], cuts: list[int], banking: bool) -> list[Found]:
    """IBANs in one speaker's ``tokens`` (time order), each a bank account; ``cuts[i]``: how
    many words the other party said before token ``i`` (more than ``MAX_CUT_IN_WORDS`` when
    they asked for something else); ``banking``: the call speaks of banking, without which
    letters and digits spelled out are no IBAN ("m k seven three" is a postcode's)."""
    out: list[Found] = []
    i = 0
    while i < len(tokens):
        if len(tokens[i].text) == 1 and not banking:
            i += 1
            continue
        taken, said = _read(tokens, cuts, i)
        if taken and (_complete(said) or len(said) >= MIN_PIECES_CHARS):
            out.append(Found("bank_account", tuple(tokens[k].word for k in taken),
                             "bank_account/iban"))
            i = taken[-1] + 1
        else:
            i += 1
    return out


def _read(tokens: list[Token], cuts: list[int], start: int) -> tuple[list[int], str]:
    """The tokens of an IBAN that begins at ``start`` and what they say so far; pieces go on
    across a short cut-in of the other party ("mm hmm", "go on")."""
    first = tokens[start].text
    spelled = len(first) == 1 and first.isalpha()
    if not spelled and not (_WRITTEN_START.match(first) and first[:2].upper() in shapes()):
        return [], ""
    taken: list[int] = []
    said, repeat = "", 1
    for k in range(start, len(tokens)):
        if k > start and cuts[k] > MAX_CUT_IN_WORDS:
            break
        if tokens[k].text in REPEAT and taken:
            repeat = REPEAT[tokens[k].text]
            taken.append(k)
            continue
        more = _characters(tokens[k], spelled)
        if not more:
            if tokens[k].text in FILLERS and taken:
                continue
            break
        more = more * repeat if len(more) == 1 else more
        repeat = 1
        if not _fits(said + more):
            break
        said += more
        taken.append(k)
    if len(said) < 4 or said[:2] not in shapes():
        return [], ""
    return taken, said
