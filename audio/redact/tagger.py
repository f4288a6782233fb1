"""A learned word tagger that adds to the rules: a linear-chain CRF (CRFsuite) over each word
(with how common it is in English, whether it is a census name, a street word or part of a
city's name), its neighbours, the announcing words before it and the kind the rules gave it and
its neighbours.

    tag(texts, speakers, rule_kinds) -> list[Tag]  # one per word: a kind or None, its probability

The rules read the phrasings they were written for; the tagger reads the labelled calls the
rules were developed on (``python -m audio.redact.train``), so it catches what the rules miss
in words like theirs: a number that is part of an item the rules cut short, an address word
after a house number, a name spelled back. It only adds: a word the rules gave a kind keeps it.
The model (``tagger.crfsuite``, 0.6 MB, and ``tagger.json``: the sets it was trained from)
ships in the repository.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from audio.redact import people, places
from audio.redact.phrases import STREET, UNIT
from audio.redact.spoken import Token, is_number, number_runs, tokens

MODEL = Path(__file__).with_name("tagger.crfsuite")
OUTSIDE = "O"  # the label of a word that is no personal data
MIN_PROBABILITY = 0.5  # the tagger's kind for a word is taken from this marginal up
CUE_REACH_WORDS = 20  # announcing words are looked for this far back
NEIGHBOURS = 2  # words either side read as features
# words that announce or rule out a kind, by a short name the features carry
CUE_WORDS = {
    "card": "card", "cards": "card", "visa": "card", "mastercard": "card", "amex": "card",
    "debit": "card", "credit": "card", "discover": "card",
    "cvv": "code", "cvc": "code", "csc": "code", "security": "code", "back": "code",
    "code": "code",
    "expiry": "exp", "expiration": "exp", "expires": "exp", "expire": "exp", "expiring": "exp",
    "exp": "exp", "valid": "exp", "thru": "exp", "through": "exp",
    "social": "ssn", "ssn": "ssn", "sin": "ssn", "insurance": "ssn",
    "account": "acct", "checking": "acct", "savings": "acct", "iban": "acct", "acct": "acct",
    "routing": "rout", "sort": "rout", "bsb": "rout", "transit": "rout", "institution": "rout",
    "aba": "rout",
    "email": "mail", "e-mail": "mail", "mail": "mail", "gmail": "mail", "at": "at", "dot": "dot",
    "phone": "phone", "mobile": "phone", "cell": "phone", "landline": "phone", "reach": "phone",
    "call": "phone", "text": "phone", "number": "number", "contact": "phone",
    "birth": "dob", "born": "dob", "dob": "dob", "birthday": "dob", "birthdate": "dob",
    "address": "addr", "street": "addr", "road": "addr", "avenue": "addr", "lane": "addr",
    "drive": "addr", "zip": "addr", "postcode": "addr", "postal": "addr", "apartment": "addr",
    "flat": "addr", "unit": "addr", "live": "addr", "city": "addr", "suburb": "addr",
    "name": "name", "spell": "name", "surname": "name", "first": "name", "last": "last",
    "called": "name", "speaking": "name", "mister": "name", "mrs": "name", "ms": "name",
    "mr": "name", "miss": "name",
    "order": "other", "reference": "other", "ticket": "other", "case": "other",
    "confirmation": "other", "tracking": "other", "policy": "other", "claim": "other",
    "flight": "other", "booking": "other", "member": "other", "invoice": "other",
    "dollars": "money", "pounds": "money", "cents": "money", "bucks": "money",
    # a date of an event, not of a birth
    "married": "event", "wedding": "event", "anniversary": "event", "moved": "event",
    "appointment": "event", "visit": "event", "delivery": "event", "delivered": "event",
    "booked": "event", "since": "event", "started": "event", "joined": "event",
    "opened": "event", "renewal": "event", "renews": "event", "due": "event", "paid": "event",
    "scheduled": "event", "arrived": "event", "died": "event", "passed": "event",
}
# CRFsuite's training options, fixed: the shipped model is one command's output
TRAINING = {"c1": 0.05, "c2": 0.01, "max_iterations": 120, "feature.possible_transitions": True,
            "feature.minfreq": 2}


@dataclass(frozen=True)
class Tag:
    kind: str | None  # None: no personal data
    probability: float  # the marginal probability of ``kind`` at this word, 0..1


def _size_class(n: int) -> str:
    for limit in (1, 2, 3, 4, 6, 8, 10, 12, 16):
        if n <= limit:
            return str(limit)
    return "17+"


def _run_digits(read: list[Token], turn_of: list[int]) -> list[int]:
    """For each word, how many digits the run of number words it stands in says (0: none)."""
    digits = [0] * len(read)
    for run in number_runs(read, turn_of):
        said = sum(max(1, len(read[k].digits)) for k in run)
        digits[run.start:run.stop] = [said] * len(run)
    return digits


def _in_city(low: list[str]) -> list[bool]:
    """Whether each word is part of a city's name (GeoNames, ``places``)."""
    out = [False] * len(low)
    for i in range(len(low)):
        for j in range(i, i + places.city_length(low[i:i + places.MAX_WORDS])):
            out[j] = True
    return out


def features(texts: list[str], speakers: list[str], rule_kinds: list[str]) -> list[list[str]]:
    """CRFsuite's attributes of each word (a call's words in time order, each with its speaker);
    ``rule_kinds``: the kind the rules gave each word, or ``OUTSIDE``."""
    turn_of = turns(speakers)
    read = tokens(texts)
    low = [t.text for t in read]
    number = [is_number(t) for t in read]
    runs = _run_digits(read, turn_of)
    n = len(read)
    in_city = _in_city(low)
    first_names, surnames = people.census()

    def said(j: int) -> str:
        return "NUM" if number[j] else low[j]

    out = []
    for i in range(n):
        word = low[i]
        attributes = ["bias", f"rule={rule_kinds[i]}"]
        if number[i]:
            attributes += ["number", f"run={_size_class(runs[i])}"]
            attributes.append(f"typed={_size_class(len(read[i].digits))}" if read[i].typed
                              else "w=" + word)
        else:
            attributes += ["w=" + word, "suffix=" + word[-3:]]
            if len(word) == 1 and word.isalpha():
                attributes.append("letter")
            if "@" in word:
                attributes.append("at-sign")
            if "." in word.strip("."):
                attributes.append("dotted")
            if any(ch.isdigit() for ch in word):
                attributes.append("has-digit")
            attributes.append(f"zipf={min(7, int(people.zipf(word)))}")
            if people.loose_first_name(word):
                attributes.append("first-name")
            elif word in first_names:  # listed, but an everyday word somewhere ("safari")
                attributes.append("listed-name")
            if word in surnames:
                attributes.append("surname")
            if word in STREET:
                attributes.append("street-word")
            if word in UNIT:
                attributes.append("unit-word")
            if i + 1 < n and low[i + 1] in STREET:
                attributes.append("before-street-word")
            if any(ch.isdigit() for ch in word) and any(ch.isalpha() for ch in word):
                attributes.append("letters-and-digits")
            if texts[i].strip()[:1].isupper():
                attributes.append("capital")
                if i and turn_of[i - 1] == turn_of[i] and \
                        not texts[i - 1].rstrip().endswith((".", "?", "!")):
                    attributes.append("capital-inside")
        if in_city[i]:
            attributes.append("city")
        if i == 0 or turn_of[i - 1] != turn_of[i]:
            attributes.append("turn-start")
        if i + 1 == n or turn_of[i + 1] != turn_of[i]:
            attributes.append("turn-end")
        for d in range(-NEIGHBOURS, NEIGHBOURS + 1):
            j = i + d
            if d == 0:
                continue
            if not 0 <= j < n:
                attributes.append(f"w{d}=EDGE")
                continue
            attributes += [f"w{d}=" + said(j), f"rule{d}={rule_kinds[j]}"]
            if abs(d) == 1 and turn_of[j] != turn_of[i]:
                attributes.append(f"other-speaker{d}")
        before = said(i - 1) if i else "^"
        after = said(i + 1) if i + 1 < n else "$"
        attributes.append(f"between={before}|{after}")
        seen = set()
        for j in range(i - 1, max(-1, i - CUE_REACH_WORDS - 1), -1):
            cue = CUE_WORDS.get(low[j])
            if cue and cue not in seen:
                seen.add(cue)
                who = "same" if speakers[j] == speakers[i] else "other"
                attributes += [f"cue={cue}", f"cue={cue}@{who}"]
                if i - j <= 4:
                    attributes.append(f"cue-near={cue}")
        out.append(attributes)
    return out


def turns(speakers: list[str]) -> list[int]:
    """A turn number per word: it changes where the speaker does."""
    out, turn = [], 0
    for i, speaker in enumerate(speakers):
        turn += bool(i) and speaker != speakers[i - 1]
        out.append(turn)
    return out


_local = threading.local()  # a CRFsuite tagger holds the sequence it tags: one per thread


def _tagger():
    if getattr(_local, "tagger", None) is None:
        import pycrfsuite

        _local.tagger = pycrfsuite.Tagger()
        _local.tagger.open(str(MODEL))
    return _local.tagger


def tag(texts: list[str], speakers: list[str], rule_kinds: list[str]) -> list[Tag]:
    """The tagger's kind for each word (None where it sees no personal data or is not sure:
    under ``MIN_PROBABILITY``)."""
    if not texts:
        return []
    return read(_tagger(), features(texts, speakers, rule_kinds))


def read(crf, attributes: list[list[str]]) -> list[Tag]:
    """Tags of one call's words by an open ``pycrfsuite.Tagger`` (the shipped model or one
    trained for a check)."""
    crf.set(attributes)
    out = []
    for i, label in enumerate(crf.tag()):
        if label == OUTSIDE:
            out.append(Tag(None, 0.0))
            continue
        probability = crf.marginal(label, i)
        out.append(Tag(label if probability >= MIN_PROBABILITY else None, probability))
    return out


@cache
def version() -> str:
    digest = hashlib.sha256(MODEL.read_bytes()).hexdigest()[:12]
    return f"word tagger (CRFsuite) {digest}"
