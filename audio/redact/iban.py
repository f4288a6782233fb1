"""International bank account numbers (IBANs) said or written in a call: "IE29 AIBK 9311 5212
3456 78", "i e six four b o f i nine triple oh ...", whole or in pieces that the other party cuts
into ("i e six four" "mm hmm" "b o f i ..."). Each country's shape (letters and digits, and the
length) comes from Presidio's IBAN patterns. Written ones need no check digits, since a number
misheard or misspoken by one digit is still someone's account; spelled ones need them outside a
call about banking (``ibans``)."""

from __future__ import annotations

import functools
import itertools
import re

from audio.redact import spelled_codes
from audio.redact.numbers import Found, nearest_cue
from audio.redact.people import zipf
from audio.redact.spelled_codes import AMBIGUOUS
from audio.redact.spoken import UNITS, Token

MIN_PIECES_CHARS = 12  # an IBAN left short by a slip still counts once this much is said
COUNTRY_WORD_ZIPF = 5.5  # "de" (5.2) may start an IBAN, "me" (6.5) may not
MAX_AMBIGUOUS = 6  # "o"s tried both ways in the check digits' test
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


def ibans(tokens: list[Token], cuts: list[int], banking: bool, context_of) -> list[Found]:
    """IBANs in one speaker's ``tokens`` (time order), each a bank account; ``cuts[i]``: how
    many words the other party said before token ``i`` (more than ``MAX_CUT_IN_WORDS`` when
    they asked for something else); ``banking``: the call speaks of banking; ``context_of(word,
    reach)``: the words before. Letters and digits spelled out are an IBAN when its check digits
    hold, or in a call about banking unless the words before them name another sort of number
    nearer than an account ("the tracking number is d e four five ..."; "m k seven three" of a
    postcode in a call about anything else)."""
    out: list[Found] = []
    i = 0
    while i < len(tokens):
        taken, said = _read(tokens, cuts, i)
        # spelled out, or spelled with dashes ("I-E-one-two"): the check digits hold or the
        # call's banking names an account nearest ("your booking reference is D-E-4-4-...")
        spelled = len(tokens[i].text) == 1 or _country_dashed(tokens[i])
        if taken and spelled and not _check_digits_hold(said) and not (
                banking and _named_an_account(nearest_cue(context_of(tokens[i].word)))):
            taken = []
        if taken and _country_alone(tokens[i].text) and not _check_digits_hold(said):
            taken = []  # unless it reads back one found (``read_backs``)
        if taken and (_complete(said) or len(said) >= MIN_PIECES_CHARS):
            out.append(Found("bank_account", tuple(tokens[k].word for k in taken),
                             "bank_account/iban"))
            i = taken[-1] + 1
        else:
            i += 1
    return out


def read_backs(found: list[Found], streams: list[tuple[list[Token], list[int]]],
               call: list[Token]) -> list[Found]:
    """IBANs read back with the country's letters apart whose check digits do not hold but
    whose characters are those of an IBAN found in the call ("IE64 BOFI 9000 1731 5520 47" ...
    "IE 64, B-O-F-I, 90 00 17, 31 55 20 47"); ``streams``: each speaker's (tokens, cuts)."""
    def plain(said: str) -> str:
        return said.replace(AMBIGUOUS, "0").replace("O", "0")

    given = {plain("".join(spelled_codes.characters(call[w], False) for w in f.words))
             for f in found if f.rule == "bank_account/iban"}
    taken = {w for f in found for w in f.words}
    out: list[Found] = []
    for tokens, cuts in streams:
        for i, item in enumerate(tokens):
            if not _country_alone(item.text) or item.word in taken:
                continue
            steps = spelled_codes.read(tokens, cuts, i, False, _fits)
            out += [Found("bank_account", tuple(tokens[k].word for k in positions),
                          "bank_account/iban_read_back")
                    for positions, said in steps[-1:] if plain(said) in given]
    return out


def _country_dashed(item: Token) -> bool:
    """A country and check digits spelled out one by one with dashes in one word
    ("I-E-one-two"), not a reference with a letter prefix ("HR-20261205-044", "MD-20931"); it
    is checked as a spelled start is (``ibans``)."""
    parts = item.text.split("-")
    if len(parts) < 4 or not all(len(part) == 1 or part in UNITS for part in parts):
        return False
    said = spelled_codes.characters(item, False)
    return bool(_WRITTEN_START.match(said.lower())) and said[:2] in shapes()


def _country_alone(text: str) -> bool:
    """A country's two letters read apart from the rest ("IE 64, B-O-F-I, 90 00 17"): such a
    start counts only when the whole IBAN's check digits hold ("HR 4402 1187 65" of a rewards
    card, "SA 5067" of a postcode do not). Not one that is an everyday word ("at", "is")."""
    return len(text) == 2 and text.isalpha() and text.upper() in shapes() \
        and zipf(text) < COUNTRY_WORD_ZIPF


def _named_an_account(cues: list[str]) -> bool:
    """No other sort of number is named nearer before it than a bank account (``cues``: the
    kinds named by the words before, nearest first): "my booking code is ..." is none, "can i
    take your iban" and a read-back far from any word for a number are."""
    return "none" not in cues or (
        "bank_account" in cues and cues.index("bank_account") < cues.index("none"))


def _check_digits_hold(said: str) -> bool:
    """ISO 13616's check: a complete IBAN, its first four characters moved to the end and its
    letters read as 10-35, leaves 1 after division by 97 (each "o" tried as O and as 0)."""
    if not _complete(said) or said.count(AMBIGUOUS) > MAX_AMBIGUOUS:
        return False
    for choice in itertools.product("O0", repeat=said.count(AMBIGUOUS)):
        pieces = iter(choice)
        text = "".join(next(pieces) if c == AMBIGUOUS else c for c in said)
        moved = text[4:] + text[:4]
        if int("".join(str(int(c, 36)) for c in moved)) % 97 == 1:
            return True
    return False


def _read(tokens: list[Token], cuts: list[int], start: int) -> tuple[list[int], str]:
    """The tokens of an IBAN that begins at ``start`` and what they say so far; pieces go on
    across a short cut-in of the other party ("mm hmm", "go on")."""
    first = tokens[start].text
    spelled = len(first) == 1 and first.isalpha()
    if not spelled and not (_WRITTEN_START.match(first) and first[:2].upper() in shapes()) \
            and not _country_alone(first) and not _country_dashed(tokens[start]):
        return [], ""
    steps = spelled_codes.read(tokens, cuts, start, spelled, _fits)
    taken, said = steps[-1] if steps else ([], "")
    if len(said) < 4 or said[:2] not in shapes():
        return [], ""
    return taken, said
