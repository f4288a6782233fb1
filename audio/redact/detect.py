"""Find the personal data said in a call, as spans of its words.

    detect(words, kinds) -> Detection

``words`` are the call's words in time order, each with its speaker; a span names the kind
("card_number", ...), who said it, when (seconds) and which words (positions in ``words``).
Numbers are read per speaker across turns, so "4111 ... [agent: go on] ... 1111 1111 1111" is
one card number; Presidio reads each turn as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from audio.redact import (
    answers,
    business,
    engine,
    everyday,
    iban,
    learned,
    national_ids,
    numbers,
    people,
    phrases,
    spelled_codes,
    tagger,
    word_names,
)
from audio.redact.kinds import ANOTHER_ITEM, BANK_WORDS, KINDS
from audio.redact.spoken import FILLERS, Token, clean, tokens
from audio.schema import Transcript, Word

ENDS = numbers.MAX_CUT_IN_WORDS + 1  # a cut-in that ends a number

# kinds a business has too: its own, given as such, are not masked (``business``)
BUSINESS_KINDS = frozenset(["phone_number", "street_address"])
# a business's line taken for a card's digits ("or call us at one eight hundred five five five
# oh one nine nine"): a card has 13 to 19
LONGEST_LINE_DIGITS = 11
# kinds said as digits: none is an amount of money nor a lettered reference (``everyday``)
NUMBER_KINDS = frozenset(["card_number", "security_code", "ssn", "bank_account",
                          "routing_number", "phone_number"])
# when two findings claim a word, the first kind here keeps it
PRIORITY = ("card_number", "ssn", "security_code", "expiry_date", "routing_number",
            "bank_account", "phone_number", "date_of_birth", "email", "street_address",
            "person_name")


@dataclass(frozen=True)
class PiiSpan:
    kind: str
    speaker: str
    start: float
    end: float
    words: tuple[int, ...]  # positions in the call's words, ascending
    rule: str  # which recogniser found it, e.g. "card_number/luhn", "presidio/PERSON"


@dataclass(frozen=True)
class Detection:
    spans: tuple[PiiSpan, ...]
    kinds: tuple[str, ...]  # what was looked for
    engine: str  # recognisers and model versions


def call_words(transcript: Transcript) -> list[Word]:
    """The transcript's words in turn order, each carrying its turn's speaker: its role
    ("agent", "customer") where the channels tell it, else the speaker's label."""
    role = dict(transcript.channel_roles)
    return [Word(w.text, w.start, w.end, w.probability, role.get(turn.speaker, turn.speaker))
            for turn in transcript.turns for w in turn.words]


def detect(words: Sequence[Word], kinds: Sequence[str] = KINDS,
           with_tagger: bool = True) -> Detection:
    """``with_tagger``: the learned tagger adds to the rules (off only to train it: it reads
    their kinds)."""
    wanted = frozenset(kinds)
    read = tokens([w.text for w in words])
    lower = [t.text for t in read]

    def context_of(word: int, reach: int | None = numbers.CONTEXT_WORDS) -> list[str]:
        return lower[max(0, word - reach):word] if reach is not None else lower[:word]

    def cut_in(previous: Token, token: Token) -> int:
        """The other party's words between two of one speaker's: a question that names what
        comes next ("and the account number?", "and your billing address?") ends a number
        however short it is."""
        between = lower[previous.word + 1:token.word]
        asks = numbers.nearest_cue(between) or ANOTHER_ITEM.intersection(between)
        return numbers.MAX_CUT_IN_WORDS + 1 if asks else len(between)

    found: list[numbers.Found] = []
    streams: list[answers.Stream] = []
    banking_in_call = bool(BANK_WORDS.intersection(lower))
    for speaker in dict.fromkeys(w.speaker for w in words):
        stream = [read[i] for i, w in enumerate(words) if w.speaker == speaker]

        def asked_before(i: int, stream=stream) -> list[str]:
            """The other party's last words before this speaker's token ``i``."""
            return answers.other_words(stream, i, lower)[-answers.QUESTION_WORDS:]

        times = [words[t.word].start for t in stream]
        cased = [words[t.word].text for t in stream]
        asked, goes_on = answers.questions(stream, lower)
        cuts = [0] + [cut_in(a, b) if goes_on[i] is None else 0 if goes_on[i] else ENDS
                      for i, (a, b) in enumerate(zip(stream, stream[1:], strict=False), 1)]
        dates = phrases.dates(stream, context_of)
        said = numbers.with_extensions(
            numbers.find(stream, times, cuts, context_of, asked, banking_in_call), stream)
        accounts = iban.ibans(stream, cuts, banking_in_call, context_of)
        accounts += national_ids.national_ids(stream, cuts, context_of)
        found += _outside(said, {w for d in dates + accounts for w in d.words}) + dates + accounts
        found += phrases.emails(stream) + phrases.addresses(stream, asked_before)
        found += people.names(stream, cased, context_of, asked_before)
        streams.append(answers.Stream(stream, times, cuts, asked))
    found += phrases.local_part_read_backs(found, [s.tokens for s in streams], read)
    found += phrases.postcode_read_backs(found, [s.tokens for s in streams], read)
    found += iban.read_backs(found, [(s.tokens, s.cut_in) for s in streams], read)
    said = answers.said_numbers(streams)
    # a piece may go on from a read-back ("okay go on after seven two six one" "nine oh tree
    # ate ..."), and a new piece be read back in turn
    found += answers.echoes(found, said, read, words)
    found += answers.next_pieces(found, said, read, words)
    found += answers.resumed_pieces(found, said, read, words)
    found += answers.corrections(found, said, read, words)
    found += answers.echoes(found, said, read, words)
    found += answers.pieces_before(found, said, read, words)
    found += _presidio(words, read, wanted)
    found += people.said_with_its_spelling(lower, found)
    aids = _spelling_aids(words, read)
    found = _with_spelling_aids(aids, found)
    cased, speakers = [w.text for w in words], [w.speaker for w in words]

    def personal(found: list[numbers.Found]) -> list[numbers.Found]:
        """Without a business's own phone, address, bank details or name, nor everyday words
        taken for a name."""
        return [f for f in found if not (
            (f.kind in BUSINESS_KINDS and business.given_as_a_business(lower, speakers,
                                                                        min(f.words)))
            or (f.kind in business.ACCOUNT_KINDS
                and business.a_business_account(lower, cased, speakers, min(f.words)))
            or (f.kind == "card_number" and _a_business_line(f, read, lower, speakers))
            or (f.kind in NUMBER_KINDS and everyday.not_a_number(read, tuple(sorted(f.words))))
            or (f.kind == "person_name" and (people.names_a_business(lower, cased, f.words)
                                             or everyday.not_a_name(lower, cased, speakers,
                                                                    tuple(sorted(f.words))))))]

    found = personal(found)
    found = personal(found + people.everywhere(lower, found))
    if with_tagger:
        found = _with_spelling_aids(aids, found + personal(_learned(words, read, found)))
        found += _said_again(found, said, read, words)
    found += personal(people.neighbours(lower, cased, speakers, found))
    found += personal(word_names.word_names(lower, cased, speakers, found))
    found += personal(people.rare_said_again(lower, cased, found))
    spans = _resolve([f for f in found if f.kind in wanted], words)
    version = engine.version() + (f", {tagger.version()}" if with_tagger else "")
    return Detection(spans, tuple(k for k in KINDS if k in wanted), version)


def _learned(words: Sequence[Word], read: list[Token],
             found: list[numbers.Found]) -> list[numbers.Found]:
    """What the tagger adds to the rules' findings (it reads the kinds they gave each word)."""
    rule_kinds = [tagger.OUTSIDE] * len(words)
    for span in _resolve(found, words):
        for w in span.words:
            rule_kinds[w] = span.kind
    cased, speakers = [w.text for w in words], [w.speaker for w in words]
    return learned.added(read, cased, speakers, rule_kinds,
                         tagger.tag(cased, speakers, rule_kinds))


def _a_business_line(found: numbers.Found, read: list[Token], lower: list[str],
                     speakers: list[str]) -> bool:
    """A business's phone number given as such (``business.given_as_a_business``) that was
    found as a card's digits: it has no more digits than a phone number."""
    digits = numbers.digits_of([read[w] for w in sorted(found.words)])
    return len(digits) <= LONGEST_LINE_DIGITS and \
        business.given_as_a_business(lower, speakers, min(found.words))


# digits a number found word by word must have for its saying again whole to be that number
# (the rules' own read-backs take four: ``answers.SAID_AGAIN_DIGITS``, a card's last four)
WHOLE_AGAIN_DIGITS = 7


def _said_again(found: list[numbers.Found], said: list[answers.Said], read: list[Token],
                words: Sequence[Word]) -> list[numbers.Found]:
    """A card, social or account number found by any step (the tagger finds some word by
    word, after the rules' read-backs ran), said again whole later in the call, as the rules'
    own are (``answers.echoes``): "... so it's 138 504 227" "so replacing it with
    138-504-227". Its first or last digits alone are not enough here ("500 Oxford Street"
    after a card's "5321 1500"), nor digits said as an amount or another number ("the
    reference is ...")."""
    first_said: dict[str, tuple[str, float]] = {}
    for span in _resolve([f for f in found if f.kind in answers.WHOLE], words):
        digits = numbers.digits_of([read[w] for w in span.words])
        if len(digits) >= WHOLE_AGAIN_DIGITS:
            first_said.setdefault(digits, (span.kind, words[span.words[0]].start))
    taken = {w for f in found for w in f.words}
    return [numbers.Found(first_said[run.digits][0], run.words,
                          f"{first_said[run.digits][0]}/said_again")
            for run in said if run.digits in first_said and not taken.intersection(run.words)
            and run.start_s > first_said[run.digits][1] and not answers.said_as_another(run, read)]


def _spelling_aids(words: Sequence[Word], read: list[Token]) -> dict[int, tuple[int, ...]]:
    """Each spelled letter's aid ("t as in tom", "c for charlie"; ``spelled_codes.spelling_aid``,
    one speaker's words): the letter's word -> the aid's words."""
    aids: dict[int, tuple[int, ...]] = {}
    for speaker in dict.fromkeys(w.speaker for w in words):
        stream = [read[i] for i, w in enumerate(words) if w.speaker == speaker]
        for k, item in enumerate(stream):
            size = spelled_codes.spelling_aid(stream, k)
            if size:
                aids[item.word] = tuple(t.word for t in stream[k + 1:k + size + 1])
    return aids


def _with_spelling_aids(aids: dict[int, tuple[int, ...]],
                        found: list[numbers.Found]) -> list[numbers.Found]:
    """A spelling aid is part of the name or number its letter spells, and never a name of its
    own. A flat's letter keeps its aid out of the address ("unit four b as in boy"): the read
    sets' labellers leave it out."""
    if not aids:
        return found
    aid_words = {w for words in aids.values() for w in words}
    kept = [f for f in found if not (f.kind == "person_name" and set(f.words) <= aid_words)]
    kind_of = {w: f.kind for f in kept for w in f.words}
    return kept + [numbers.Found(kind_of[letter], words, f"{kind_of[letter]}/spelling_aid")
                   for letter, words in aids.items()
                   if letter in kind_of and kind_of[letter] != "street_address"]


def _outside(found: list[numbers.Found], taken: set[int]) -> list[numbers.Found]:
    """Numbers without the words a date with a month name, an IBAN or a National Insurance
    number holds: in "expiring May 2028, code 552" the year is the date's, not a code's."""
    out = []
    for item in found:
        words = tuple(w for w in item.words if w not in taken)
        if words:
            out.append(numbers.Found(item.kind, words, item.rule))
    return out


def _presidio(words: Sequence[Word], read: list[Token], kinds: frozenset[str]):
    """Presidio on each turn's text, its character spans turned back into words."""
    out: list[numbers.Found] = []
    start = 0
    while start < len(words):
        end = start
        while end + 1 < len(words) and words[end + 1].speaker == words[start].speaker:
            end += 1
        text, offsets = "", []
        for i in range(start, end + 1):
            piece = words[i].text if words[i].text.startswith(" ") else " " + words[i].text
            offsets.append((len(text) + 1, len(text) + len(piece)))
            text += piece
        for hit in engine.analyse(text, kinds):
            covered = tuple(start + k for k, (b, e) in enumerate(offsets)
                            if b < hit.end and e > hit.begin
                            and read[start + k].text not in people.HONORIFICS
                            and read[start + k].text not in people.COMMON)
            before = read[covered[0] - 1].text if covered and covered[0] > 0 else ""
            if hit.kind == "person_name" and covered and (
                    before in people.BEFORE_AN_ORGANISATION or before in people.SAINTS
                    or read[covered[0]].text in people.SAINTS
                    or not people.plausible([read[w].text for w in covered])):
                continue  # "thanks for calling Brightwater", "Expiry date?", "St Joseph's"
            if covered:
                out.append(numbers.Found(hit.kind, covered, f"presidio/{hit.entity}"))
        start = end + 1
    return out


def _resolve(found: list[numbers.Found], words: Sequence[Word]) -> tuple[PiiSpan, ...]:
    """One kind per word (``PRIORITY``); a span is consecutive words of one kind, so a number
    the other party cut into is two spans and their words stay. Of one kind, the longest
    finding owns its words, so a piece found first ("flat three") does not cut the whole
    ("flat three slash two eighty one dumbarton road") in two and drop the word between."""
    owner: dict[int, tuple[int, str]] = {}
    for f in sorted(found, key=lambda f: (PRIORITY.index(f.kind), -len(f.words))):
        for w in f.words:
            owner.setdefault(w, (PRIORITY.index(f.kind), f.rule))
    spans: list[PiiSpan] = []
    run: list[int] = []
    for w in sorted(owner):
        if run and (owner[w] != owner[run[-1]] or w != run[-1] + 1
                    or (clean(words[w].text) in SAID_BETWEEN
                        and PRIORITY[owner[w][0]] in SPLIT_KINDS)):
            spans.append(_span(run, owner, words))
            run = []
        run.append(w)
    if run:
        spans.append(_span(run, owner, words))
    return tuple(span for span in spans if span is not None)


# words said between two pieces of one number ("four one one one then two two ..."), never
# part of it: they stay in the clear, and the number is masked as two spans; not inside an
# address or a name ("forty two right street", "1200 Main Street, Tulsa, OK", "Kim So Yeon")
SAID_BETWEEN = frozenset(["then", "it's", "its", "is", "so", "okay", "ok", "yes", "yeah",
                          "right", "that's", "thats"])
SPLIT_KINDS = frozenset(["card_number", "security_code", "expiry_date", "ssn", "bank_account",
                         "routing_number", "phone_number"])


def _span(run: list[int], owner, words: Sequence[Word]) -> PiiSpan | None:
    edges = [i for i in run if clean(words[i].text) not in FILLERS]
    if not edges:
        return None
    run = run[run.index(edges[0]):run.index(edges[-1]) + 1]  # "it's 4111 ..." keeps "it's"
    kind = PRIORITY[owner[run[0]][0]]
    return PiiSpan(kind, words[run[0]].speaker, words[run[0]].start, words[run[-1]].end,
                   tuple(run), owner[run[0]][1])
