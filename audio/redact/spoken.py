"""Words as speech recognition writes them, read for numbers: "four", "4111,", "forty-one",
"oh", "double five", "09/27" all become digits, so a card number said any way is one run.

A token keeps the index of the word it came from; ``digits`` is "" for a word that is not a
number. "double"/"triple" repeat the next digit; a tens word followed by a unit word is one
number ("forty one" is 41, not 401).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

UNITS = {"zero": 0, "oh": 0, "o": 0, "nought": 0, "naught": 0, "nil": 0, "one": 1, "two": 2,
         "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
         "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
        "seventy": 70, "eighty": 80, "ninety": 90}
REPEAT = {"double": 2, "triple": 3}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
            "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
            "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
            "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
            "thirtieth": 30}
MONTHS = {name: i + 1 for i, name in enumerate([
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
])} | {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
       "sept": 9, "oct": 10, "nov": 11, "dec": 12}
# words said inside a number that do not end it ("four one one one, um, one one ...")
FILLERS = frozenset([
    "um", "uh", "er", "erm", "ah", "eh", "hmm", "mm", "and", "then", "it's", "its", "is",
    "that's", "thats", "so", "okay", "ok", "yeah", "yes", "right", "dash", "hyphen", "space",
    "sorry", "slash",
])
CURRENCY = ("$", "£", "€")

_EDGES = re.compile(r"^[^\w@+#]+|[^\w%]+$")
_NUMERAL = re.compile(r"^\d+(?:[-./]\d+)*$")
_ORDINAL_NUMERAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)$")


@dataclass(frozen=True)
class Token:
    """One word, cleaned: ``text`` lower case without edge punctuation; ``digits`` the digits it
    stands for ("" when it is no number); ``repeat`` 2 or 3 for "double"/"triple"."""

    word: int  # index into the word list it was read from
    text: str
    digits: str = ""
    repeat: int = 0
    tens: bool = False  # "forty": a unit word after it joins it
    typed: bool = False  # written as numerals ("4111", "09/27"), not as words


_DOTLESS_I = str.maketrans({"ı": "i"})  # Turkish "ı" has no accent to strip


def without_accents(word: str) -> str:
    """``word`` as speech recognition may write it: "montréal" -> "montreal", "gonçalo" ->
    "goncalo", "ılgın" -> "ilgin"."""
    decomposed = unicodedata.normalize("NFKD", word.translate(_DOTLESS_I))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def clean(text: str) -> str:
    return _EDGES.sub("", text.strip().lower().replace("\u2019", "'"))


def token(word: int, text: str) -> Token:
    """``text`` of word number ``word``, read as a number where it is one (an amount of money,
    "$59.99", is none)."""
    cleaned = clean(text)
    if _NUMERAL.match(cleaned.removeprefix("+")):
        if text.strip().startswith(CURRENCY):
            return Token(word, cleaned)
        return Token(word, cleaned, re.sub(r"\D", "", cleaned), typed=True)
    if cleaned in UNITS:
        return Token(word, cleaned, str(UNITS[cleaned]))
    if cleaned in TEENS:
        return Token(word, cleaned, str(TEENS[cleaned]))
    if cleaned in TENS:
        return Token(word, cleaned, str(TENS[cleaned]), tens=True)
    if cleaned in REPEAT:
        return Token(word, cleaned, repeat=REPEAT[cleaned])
    if cleaned == "hundred":  # "seven hundred", "seventy seven hundred"
        return Token(word, cleaned, "00")
    if "-" in cleaned:
        head, _, tail = cleaned.partition("-")
        if head in TENS and tail in UNITS and UNITS[tail]:
            return Token(word, cleaned, str(TENS[head] + UNITS[tail]))
        parts = cleaned.split("-")
        if all(part in UNITS for part in parts):  # "oh-six", "six-oh-one-one"
            return Token(word, cleaned, "".join(str(UNITS[part]) for part in parts))
    return Token(word, cleaned)


def tokens(words: list[str]) -> list[Token]:
    return [token(i, text) for i, text in enumerate(words)]


def digit_string(run: list[Token]) -> str:
    """The digits a run of number tokens says: "double five" is 55, "forty one" is 41."""
    out, pending_repeat, previous = [], 0, None
    for item in run:
        if item.repeat:
            pending_repeat = item.repeat
            continue
        if not item.digits:
            continue
        if (previous is not None and previous.tens and not item.typed and len(item.digits) == 1
                and item.digits != "0" and out and out[-1].endswith("0")):
            out[-1] = out[-1][:-1] + item.digits
        elif pending_repeat and len(item.digits) == 1:
            out.append(item.digits * pending_repeat)
        else:
            out.append(item.digits)
        pending_repeat, previous = 0, item
    return "".join(out)


def is_number(item: Token) -> bool:
    return bool(item.digits) or bool(item.repeat)


def number_runs(read: list[Token], groups: list, member=is_number) -> list[range]:
    """Stretches of consecutive words that ``member`` takes (number words by default), each
    within one group (``groups``: a speaker or turn per word)."""
    runs, i = [], 0
    while i < len(read):
        if not member(read[i]):
            i += 1
            continue
        j = i
        while j + 1 < len(read) and member(read[j + 1]) and groups[j + 1] == groups[i]:
            j += 1
        runs.append(range(i, j + 1))
        i = j + 1
    return runs


def ordinal(item: Token) -> int:
    """1..31 for "third", "3rd", "twenty-first"; 0 when the token is no day."""
    if item.text in ORDINALS:
        return ORDINALS[item.text]
    match = _ORDINAL_NUMERAL.match(item.text)
    if match:
        return int(match.group(1))
    head, _, tail = item.text.partition("-")
    if head in TENS and tail in ORDINALS and ORDINALS[tail] < 10:
        return TENS[head] + ORDINALS[tail]
    return 0


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        value = int(char) * (2 if i % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0

