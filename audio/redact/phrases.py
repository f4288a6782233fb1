"""Personal data that is words rather than a run of digits: e-mail addresses said aloud ("jane
dot doe at gmail dot com"), street addresses ("one seventeen Maple Avenue, apartment 4B"), dates
of birth and card expiry dates said with month names, and names after "my name is"."""

from __future__ import annotations

import re

from audio.redact.numbers import Found, nearest_cue
from audio.redact.spoken import FILLERS, MONTHS, TEENS, TENS, Token, is_number, ordinal

TLDS = frozenset([
    "com", "net", "org", "edu", "gov", "uk", "co", "io", "us", "ca", "info", "biz", "me", "au",
    "ie", "de", "fr", "nz", "mail"
])
# words that end the local part of a spoken e-mail address when read backwards
EMAIL_STOPS = frozenset([
    "is", "it's", "its", "email", "e-mail", "address", "my", "that's", "thats", "me", "yes",
    "yeah", "so", "sure", "the", "at", "it",
]) | FILLERS
STREET = frozenset([
    "street", "st", "avenue", "ave", "road", "rd", "lane", "ln", "drive", "dr", "boulevard",
    "blvd", "court", "ct", "close", "way", "place", "pl", "crescent", "terrace", "grove",
    "gardens", "parkway", "highway", "hwy", "circle", "cir", "trail", "square", "row", "mews",
    "hill", "walk", "park", "parade"
])
UNIT = frozenset(["apartment", "apt", "unit", "flat", "suite", "number", "#"])
NOT_A_STREET_NAME = frozenset([
    "the", "a", "an", "to", "on", "in", "at", "of", "my", "your", "our", "and", "is", "was",
    "it's", "its", "this", "that", "from", "for", "with", "by", "near", "off",
]) | FILLERS
_WORDLIKE = re.compile(r"^[a-z][a-z'\-]*$")
_TYPED_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")
_TYPED_DATE = re.compile(r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}$")


def emails(tokens: list[Token]) -> list[Found]:
    """Typed ("jane.doe@example.com") and spoken ("j doe seventy two at outlook dot com")."""
    out: list[Found] = []
    for i, item in enumerate(tokens):
        if _TYPED_EMAIL.match(item.text):
            out.append(Found("email", (item.word,), "email/written"))
            continue
        if item.text not in ("at", "@"):
            continue
        end = _domain_end(tokens, i + 1)
        if end is None:
            continue
        start = i
        while start - 1 >= 0 and i - (start - 1) <= 8:
            before = tokens[start - 1]
            if (before.text in EMAIL_STOPS or not (before.text or before.digits)
                    or before.word != tokens[start].word - 1):  # the other party spoke between
                break
            start -= 1
        if start == i:
            continue
        out.append(Found("email", tuple(t.word for t in tokens[start:end + 1]), "email/spoken"))
    return out


def _domain_end(tokens: list[Token], start: int) -> int | None:
    """Position of the top-level domain that ends a domain said from ``start``, or None."""
    if start < len(tokens) and "." in tokens[start].text:
        last = tokens[start].text.rsplit(".", 1)[-1]
        return start if last in TLDS else None
    i = start + 1
    end = None
    while i + 1 < len(tokens) and tokens[i].text in ("dot", "period", "."):
        if tokens[i + 1].text in TLDS:
            end = i + 1
        i += 2
    return end


def addresses(tokens: list[Token]) -> list[Found]:
    """A house number, up to four street-name words and a street word, then a unit if given."""
    out: list[Found] = []
    i = 0
    while i < len(tokens):
        if not is_number(tokens[i]) or len(tokens[i].digits) > 5:
            i += 1
            continue
        start = i
        while (i + 1 < len(tokens) and is_number(tokens[i + 1]) and i - start < 3
               and tokens[i + 1].word == tokens[i].word + 1):
            i += 1
        end = None
        for j in range(i + 1, min(i + 6, len(tokens))):
            word = tokens[j].text
            if tokens[j].word != tokens[j - 1].word + 1:
                break  # the other party spoke: the address ended
            if word in STREET and j > i + 1:
                end = j
                while end + 1 < len(tokens) and tokens[end + 1].text in STREET:
                    end += 1  # "Orchard Hill Road", "Maple Grove Court"
                break
            if word in NOT_A_STREET_NAME or is_number(tokens[j]) or not _WORDLIKE.match(word):
                break
        if end is None:
            i += 1
            continue
        if end + 2 < len(tokens) and tokens[end + 1].text in UNIT:
            k = end + 2
            if is_number(tokens[k]):
                while k + 1 < len(tokens) and is_number(tokens[k + 1]) and k - end < 5:
                    k += 1  # "apartment two oh four"
                end = k
            elif len(tokens[k].text) <= 4 and tokens[k].text not in NOT_A_STREET_NAME:
                end = k
        out.append(Found("street_address", tuple(t.word for t in tokens[start:end + 1]),
                         "street_address/house_number_and_street"))
        i = end + 1
    return out


def _year_length(tokens: list[Token], i: int) -> int:
    """How many tokens from ``i`` say a year: 1981, nineteen eighty-one, eighty one, oh five,
    two thousand and five. 0 when none."""
    item = tokens[i]
    if item.typed and len(item.digits) in (2, 4):
        return 1
    n = 0
    if item.text in TEENS or item.text in TENS or item.text in ("two", "oh"):
        n = 1
        if item.text == "two" and i + 1 < len(tokens) and tokens[i + 1].text == "thousand":
            n = 2
            if i + 2 < len(tokens) and tokens[i + 2].text == "and":
                n = 3
        while i + n < len(tokens) and n < 4 and (tokens[i + n].digits and not tokens[i + n].typed):
            n += 1
        if item.text in TENS and n == 1:
            return 1
        if item.text in ("two", "oh") and n == 1:
            return 0
    return n


def dates(tokens: list[Token], context_of) -> list[Found]:
    """Dates of birth, and card expiry dates said with a month name, named by the cue before."""
    out: list[Found] = []
    i = 0
    while i < len(tokens):
        span = _date_at(tokens, i)
        if not span:
            i += 1
            continue
        cues = nearest_cue(context_of(tokens[i].word))
        kind = next((k for k in cues if k in ("date_of_birth", "expiry_date", "none")), "")
        if kind in ("date_of_birth", "expiry_date"):
            out.append(Found(kind, tuple(t.word for t in tokens[i:i + span]), f"{kind}/date"))
        i += span
    return out


def _date_at(tokens: list[Token], i: int) -> int:
    """Tokens from ``i`` that say a date with a month name or a written date; 0 if none."""
    item = tokens[i]
    if _TYPED_DATE.match(item.text):
        return 1
    n, month = 0, False
    if item.typed and 1 <= len(item.digits) <= 2 and 1 <= int(item.digits) <= 31 \
            and i + 1 < len(tokens) and tokens[i + 1].text in MONTHS:
        n = 1  # "22 August 1979"
    while i + n < len(tokens) and n < 9:
        here = tokens[i + n]
        if n and here.word != tokens[i + n - 1].word + 1:
            break  # the other party spoke
        if month and here.text in TENS and i + n + 1 < len(tokens) \
                and 0 < ordinal(tokens[i + n + 1]) < 10:
            n += 2  # "twenty second"
            continue
        if here.text in MONTHS and not (here.text == "may" and n == 0
                                        and not _day_follows(tokens, i + 1)):
            month = True
            n += 1
        elif ordinal(here) or (here.text in ("the", "of") and n > 0):
            n += 1
        elif here.digits and not here.typed and month:
            year = _year_length(tokens, i + n)
            n += max(year, 1)
            if year:
                break
        elif here.typed and month and len(here.digits) in (1, 2, 4):
            n += 1
        else:
            break
    while n and tokens[i + n - 1].text in ("the", "of", "and"):
        n -= 1
    return n if month and n >= 2 else 0


def _day_follows(tokens: list[Token], i: int) -> bool:
    """"may" is a month only when a day follows ("May the third", "May 3rd", "May 3")."""
    rest = [t for t in tokens[i:i + 2] if t.text != "the"]
    return bool(rest) and (bool(ordinal(rest[0])) or (rest[0].digits != "" and
                                                       len(rest[0].digits) <= 2))
