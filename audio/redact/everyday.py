"""Everyday words and numbers taken for personal data. For a name: a month or season ("rent in
June", "the winter term"), a Māori greeting ("kia ora", "ka kite"), a common word used as a verb
or a noun ("I hope you're well", "can I take your name", "my super fund"), the letters that
open a reference ("your confirmation number is p a y six six one two"). For a number: an amount
of money ("four hundred and ninety nine dollars"), a reference written with its letters
("CLM-2025-004417").

    not_a_name(lower, cased, speakers, positions) -> bool
    not_a_number(read, positions) -> bool

Read on every finding, by any step (rules, Presidio, the tagger), before it is masked."""

from __future__ import annotations

import re
from collections.abc import Sequence

from audio.redact.people import census, paused, zipf
from audio.redact.spoken import MONTHS, Token, token

SEASONS = frozenset(["summer", "winter", "spring", "autumn"])
# words before a month or season that make it one: "in June", "next summer", "the winter
# term"; not "for", "to", "and", "this" or "of" alone, said before a name as often ("we'll send
# it to June", "for Summer, as a minor", "the daughter of June", "hello, is this June?")
TIME_WORDS_BEFORE = frozenset([
    "in", "until", "till", "since", "the", "next", "last", "early", "late", "mid", "rent",
    "each", "every", "during",
])
# "of" makes it a month after a day or a part of the month ("the 14th of June", "end of June")
MONTH_PARTS = frozenset(["end", "start", "beginning", "middle"])
# Māori greetings said to a caller in New Zealand English: each word is also a name elsewhere
# ("Ka" is a Korean surname), but not beside its partner
GREETINGS = frozenset([("kia", "ora"), ("ka", "kite"), ("ka", "pai"), ("tena", "koe"),
                       ("tēnā", "koe"), ("haere", "ra"), ("haere", "rā")])
# first names that are everyday verbs or nouns: the word, not the name, straight after a
# subject ("I hope", "we'll mark it", "I'll grace you", "we'll bill you"), where no name can
# stand; after "could", "please" or "our" they are names ("could Grace sign", "our Rose")
NAMES_THAT_ARE_WORDS = frozenset([
    "hope", "grace", "faith", "mark", "will", "bill", "pat", "frank", "rose", "drew", "chase",
    "sue", "grant", "joy", "penny", "rob", "ray", "guy", "star", "storm", "dawn", "sky",
])
SUBJECTS = frozenset(["i", "we", "they", "i'll", "ill", "we'll", "you'll", "they'll", "i'd",
                      "we'd", "weve", "we've", "i've", "ive"])
# a word this common in English (wordfreq's Zipf scale: "super" 5.1, "social" 5.4, "take"
# 5.9) that is no first name is that word after a subject, a modal or a determiner ("can I take
# your name", "my super fund", "my Social, I guess")
EVERYDAY_ZIPF = 4.4
VERB_OR_NOUN_BEFORE = SUBJECTS | frozenset([
    "can", "could", "would", "should", "might", "must", "please", "the", "my", "your", "our",
    "their",
])
# ... or before "care" with no pause ("mariam take care")
VERB_AFTER = frozenset(["care"])
# a spelled letter said twice ("f e double n")
REPEATS = frozenset(["double", "triple"])
# number words as speech recognition mishears them ("one ate two"); "for" and "to" are words
HOMOPHONES = frozenset(["too", "won", "ate", "tree"])
# what names a reference whose letters come next ("the booking number is s l j p one nine")
REFERENCE_WORDS = frozenset([
    "number", "reference", "ref", "code", "ticket", "booking", "confirmation", "policy",
    "tracking", "receipt", "id", "order", "case", "claim", "bic", "swift", "plan", "account",
])
REFERENCE_REACH = 4  # words between the reference word and its letters
# ... unless a name is asked for in the words before ("the account name is m u r p h y 0 8 7
# ...", "my name for the account is n i a m h ...", "the account under o n e i l l ...")
NAME_WORDS = frozenset(["name", "names", "name's", "surname", "spell", "spelled", "spelt",
                        "under"])
NAME_REACH = 8


def not_a_name(lower: Sequence[str], cased: Sequence[str], speakers: Sequence[str],
               positions: tuple[int, ...]) -> bool:
    """Whether the name found at ``positions`` (word positions, ascending; ``lower``/``cased``:
    every word of the call, lower case / as written; ``speakers``: each word's) is everyday
    words, not a name. Only its speaker's words next to it are read."""
    words = [lower[p] for p in positions]
    first, last = positions[0], positions[-1]

    def said(i: int) -> str:
        return lower[i] if 0 <= i < len(lower) and speakers[i] == speakers[first] else ""

    before, after = said(first - 1), said(last + 1)
    if all(_greeting(lower, p) for p in positions):
        return True
    if all(_letter(w) for w in words):  # "p a y six six one two", "b o f i i e two d"
        return _reference_letters(said, first, last)
    if len(words) != 1:
        return False
    word = words[0]
    if word in MONTHS or word in SEASONS:
        return before in TIME_WORDS_BEFORE or _numberish(before) or (
            before == "of" and (_numberish(said(first - 2)) or said(first - 2) in MONTH_PARTS))
    if first and paused(cased[first - 1]):
        before = ""  # "my husband and I, Frank"
    if word in NAMES_THAT_ARE_WORDS:
        return before in SUBJECTS
    first_names, surnames = census()
    if zipf(word) < EVERYDAY_ZIPF or word in first_names or word in surnames:
        return False  # "the Price family account", "the Brown account"
    return before in VERB_OR_NOUN_BEFORE or (after in VERB_AFTER and not paused(cased[last]))


def _reference_letters(said, first: int, last: int) -> bool:
    """The letters ``first``..``last`` (a tagger's finding is one of them) open a reference: a
    reference word is said just before the run, digits just after it, and the run spells no
    word said before it ("siobhan s i o b h a n 087 ...")."""
    start = first
    while _letter(said(start - 1)) or (said(start - 1) in REPEATS and _letter(said(start))):
        start -= 1
    while _letter(said(last + 1)) or (said(last + 1) in REPEATS and _letter(said(last + 2))):
        last += 1 + (said(last + 1) in REPEATS)
    if not _numberish(said(last + 1)):
        return False
    cue = [said(i) for i in range(start - REFERENCE_REACH, start)]
    spelled = "".join(said(i) for i in range(start, last + 1) if said(i) not in REPEATS)
    named = {said(i) for i in range(start - NAME_REACH, start)}
    return bool(REFERENCE_WORDS.intersection(cue)) and not NAME_WORDS.intersection(named) \
        and not any(w == spelled or (len(spelled) >= 3 and w.startswith(spelled))
                    for w in cue if w)


def _greeting(lower: Sequence[str], p: int) -> bool:
    return (p + 1 < len(lower) and (lower[p], lower[p + 1]) in GREETINGS) or \
        (p > 0 and (lower[p - 1], lower[p]) in GREETINGS)


def _letter(word: str) -> bool:
    return len(word) == 1 and word.isalpha()


def _numberish(word: str) -> bool:
    """A number word, numerals, or a homophone ("ate"), as the word after a reference's
    letters."""
    if not word:
        return False
    read = token(0, word)
    return bool(read.digits or read.repeat) or word in HOMOPHONES


# what follows an amount of money said in words ("four hundred and ninety nine dollars")
MONEY_AFTER = frozenset(["dollars", "dollar", "pounds", "pound", "euros", "euro", "cents",
                         "pence", "quid", "bucks", "rand", "rupees"])
AMOUNT_DIGITS = 7  # "four hundred and ninety nine"; not "oh eight seven one two three ... euro"
# a token that holds a reference with its letters: two or more letters joined to digits by a
# dash ("CLM-2025-004417", "CL-2025-771093"); "x391" and "ext." are a phone's extension
_LETTERED_REFERENCE = re.compile(r"[a-z]{2,}-\d[\d-]*\d")


def not_a_number(read: Sequence[Token], positions: tuple[int, ...]) -> bool:
    """Whether the number found at ``positions`` (in ``read``: every word of the call, read)
    is an amount of money (a money word follows it, and it has no more digits than an amount)
    or holds a reference written with its letters."""
    last = positions[-1]
    after = read[last + 1].text if last + 1 < len(read) else ""
    if after in MONEY_AFTER and sum(len(read[p].digits) for p in positions) <= AMOUNT_DIGITS:
        return True
    return any(_LETTERED_REFERENCE.search(read[p].text) for p in positions)
