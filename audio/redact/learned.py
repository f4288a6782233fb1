"""What the tagger adds to the rules, checked word by word.

    added(read, cased, speakers, rule_kinds, tags) -> list[Found]

The tagger reads words as patterns; the rules know what each kind is made of. A word the tagger
marks is kept only where it can be part of that kind: a number's words are number words (or a
homophone of one, or a month or an ordinal in a date); a name's are a spelled letter, a census
name, a capitalised word or no everyday word ("this is outrageous" is no name); a filler ("uh",
"and") only between two masked words; a bank account only in a call that speaks of banking, as
for the rules. A run of number words is masked whole or the tagger adds
nothing to it ("five ten" is not cut out of "five ten two thousand"); nor to an amount ("...
dollars"), to a run named right before as another sort of number ("the prescription number is
...") or to one saying back such a number ("your confirmation number is nine nine oh ..." "nine
nine oh ... got it").
"""

from __future__ import annotations

from audio.redact import people, tagger
from audio.redact.kinds import ADDRESS_NUMBERS, BANK_WORDS, OTHER_NUMBERS, with_none
from audio.redact.numbers import (
    DIRECT_WORDS,
    HOMOPHONES,
    REPEAT_REACH_WORDS,
    Found,
    nearest_cue,
    repeats_another_number,
)
from audio.redact.spoken import (
    FILLERS,
    MONTHS,
    Token,
    digit_string,
    is_number,
    number_runs,
    ordinal,
)

NUMBER_KINDS = frozenset(["card_number", "security_code", "expiry_date", "ssn", "bank_account",
                          "routing_number", "phone_number", "date_of_birth"])
DATE_KINDS = frozenset(["expiry_date", "date_of_birth"])
DATE_WORDS = frozenset(["of", "the"])  # "the fifth of march"
PHONE_JOINERS = frozenset(["extension", "ext", "x", "plus"])
RULE = "learned/tagger"
# the names of other sorts of numbers, but an address's own ("unit", "postcode") and a last
# digits' "ending in"
NAMES_ANOTHER = with_none(tuple(p for p in OTHER_NUMBERS if p not in ADDRESS_NUMBERS
                                 and p not in ("ending in", "ends in")))
NAMING_WORDS = frozenset(p for p in NAMES_ANOTHER["none"] if " " not in p)
MULTIPLIERS = frozenset(["thousand", "million", "billion"])
MONEY = frozenset(["dollars", "dollar", "pounds", "quid", "bucks", "cents", "pence", "euros",
                   "euro", "percent", "per", "grand"])
AMOUNT_WORDS = frozenset(["and", "point", "us", "australian", "canadian", "a", "hundred"])
AMOUNT_TAIL_WORDS = 8  # words of the amount said after the run, before its money word
# the word that hands over a number just named ("the prescription number is ..."); "a mobile
# for the confirmation text? +353 ..." names no number it gives
GIVES_A_NUMBER = frozenset(["is", "was", "it's", "its", "number", "number's", "numbers"])


def _number_word(item: Token) -> bool:
    return is_number(item) or item.text in HOMOPHONES or item.text in MULTIPLIERS


def _fits(kind: str, item: Token, cased: str) -> bool:
    """Whether this word can be (part of) an item of ``kind``."""
    if kind in NUMBER_KINDS:
        return (_number_word(item) or _joiner(kind, item)
                or (kind in DATE_KINDS and (item.text in MONTHS or bool(ordinal(item))
                                            or item.text in DATE_WORDS)))
    if item.text in NAMING_WORDS:  # "Harbour Road, Wellington 6011, invoice 48831"
        return False
    if kind == "person_name":
        first_names, surnames = people.census()
        word = item.text
        return ((len(word) == 1 and word.isalpha()) or word in first_names or word in surnames
                or cased.strip()[:1].isupper() or people.zipf(word) < people.RARE_ZIPF)
    return True


def _joiner(kind: str, item: Token) -> bool:
    """A word said inside a number without being part of it: a filler, a pause written as
    punctuation ("0421 ... 555"), a phone's "extension"."""
    return (item.text in FILLERS or not item.text
            or (kind == "phone_number" and item.text in PHONE_JOINERS))


def _between_masked(i: int, masked: set[int]) -> bool:
    return i - 1 in masked and i + 1 in masked


def _in_run(item: Token) -> bool:
    return is_number(item) or item.text in MULTIPLIERS


def _amount(read: list[Token], low: list[str], speakers: list[str], run: range) -> bool:
    """The run is money or a share: a money word follows it, past the rest of the amount ("two
    thousand and fifty dollars", "four point five percent", "forty grand", "five hundred us
    dollars", "per cent")."""
    j = run.stop
    while j < len(low) and j - run.stop < AMOUNT_TAIL_WORDS and speakers[j] == speakers[run.start] \
            and (_in_run(read[j]) or low[j] in AMOUNT_WORDS):
        j += 1
    return j < len(low) and speakers[j] == speakers[run.start] and low[j] in MONEY


def _another_number(read: list[Token], low: list[str], run: range) -> bool:
    """The run is named as another sort of number right before it ("the prescription number is
    six oh four ...") or says back one that was ("nine nine oh four ... got it")."""
    before = low[max(0, run.start - REPEAT_REACH_WORDS):run.start]
    named = (nearest_cue(before, NAMES_ANOTHER, within=0)[:1] == ["none"]  # "invoice 48831"
             or (before[-1:] and before[-1] in GIVES_A_NUMBER
                 and nearest_cue(before, NAMES_ANOTHER, within=DIRECT_WORDS)[:1] == ["none"]))
    return bool(named) or repeats_another_number(digit_string([read[i] for i in run]), before)


def added(read: list[Token], cased: list[str], speakers: list[str], rule_kinds: list[str],
          tags: list[tagger.Tag]) -> list[Found]:
    """The tagger's words (``tags``, one per word) that the rules left in the clear
    (``rule_kinds``) and that fit their kind."""
    low = [item.text for item in read]
    banking = bool(BANK_WORDS.intersection(low))  # as for the rules: "the phone account ending in"
    kinds = {i: t.kind for i, t in enumerate(tags)
             if t.kind is not None and rule_kinds[i] == tagger.OUTSIDE
             and (t.kind != "bank_account" or banking) and _fits(t.kind, read[i], cased[i])}
    masked = {i for i, kind in enumerate(rule_kinds) if kind != tagger.OUTSIDE} | set(kinds)
    loose = [i for i, kind in kinds.items() if _joiner(kind, read[i]) and not _number_word(read[i])]
    while dropped := [i for i in loose if i in kinds and not _between_masked(i, masked)]:
        for i in dropped:  # "uh um" at an edge: both go, whichever is looked at first
            del kinds[i]
            masked.discard(i)
    for run in number_runs(read, speakers, _in_run):
        if any(i in kinds for i in run) and (_amount(read, low, speakers, run)
                                             or not all(i in masked for i in run)
                                             or _another_number(read, low, run)):
            for i in run:
                kinds.pop(i, None)
    return [Found(kind, (i,), RULE) for i, kind in sorted(kinds.items())]
