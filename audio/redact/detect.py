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

from audio.redact import engine, numbers, people, phrases
from audio.redact.kinds import ANOTHER_ITEM, KINDS
from audio.redact.spoken import FILLERS, Token, clean, digit_string, is_number, tokens
from audio.schema import Transcript, Word

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
    """The transcript's words in turn order, each carrying its turn's speaker."""
    return [Word(w.text, w.start, w.end, w.probability, turn.speaker)
            for turn in transcript.turns for w in turn.words]


def detect(words: Sequence[Word], kinds: Sequence[str] = KINDS) -> Detection:
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
    streams = []
    for speaker in dict.fromkeys(w.speaker for w in words):
        stream = [read[i] for i, w in enumerate(words) if w.speaker == speaker]

        def asked_before(i: int, stream=stream) -> list[str]:
            """The other party's last words before this speaker's token ``i``."""
            return lower[stream[i - 1].word + 1 if i else 0:stream[i].word][-15:]

        times = [words[t.word].start for t in stream]
        cased = [words[t.word].text for t in stream]
        asked, goes_on = _questions(stream, lower)
        cuts = [0] + [cut_in(a, b) if goes_on[i] is None else ENDS * (not goes_on[i])
                      for i, (a, b) in enumerate(zip(stream, stream[1:], strict=False), 1)]
        dates = phrases.dates(stream, context_of)
        said = numbers.with_extensions(
            numbers.find(stream, times, cuts, context_of, asked), stream)
        found += _outside(said, {w for d in dates for w in d.words}) + dates
        found += phrases.emails(stream) + phrases.addresses(stream)
        found += people.names(stream, cased, context_of, asked_before)
        streams.append((stream, times, cuts, asked))
    found += _echoes(found, streams, read, words)
    found += _presidio(words, read, wanted)
    found += people.everywhere(lower, found)
    spans = _resolve([f for f in found if f.kind in wanted], words)
    return Detection(spans, tuple(k for k in KINDS if k in wanted), engine.version())


QUESTION_WORDS = 15  # the other party's last words before an answer that may ask for it
ENDS = numbers.MAX_CUT_IN_WORDS + 1  # a cut-in that ends a number
MAX_READ_BACK_WORDS = 25  # "sorry three seven six three five six one six and then"


def _questions(stream: list[Token], lower: list[str]
               ) -> tuple[list[numbers.Question], list[bool | None]]:
    """For each of one speaker's tokens, the question it answers (the kinds the other party's
    last words before this speaker began answering named), and whether a number goes on across
    the other party's words just before it: True after a read-back or a backchannel inside the
    answer ("mhm", "go on"), False after the same question asked again for someone else ("and
    celine?"), None when the words decide (``cut_in``)."""
    asked: list[numbers.Question] = []
    goes_on: list[bool | None] = []
    current = numbers.NO_QUESTION
    begun = 0  # where this speaker began answering ``current``
    for i, item in enumerate(stream):
        between = lower[stream[i - 1].word + 1 if i else 0:item.word]
        joined: bool | None = None
        if between and _read_back(current, between, stream[begun:i]):
            joined = True
        elif between:
            # inside an answer, what is neither a read-back nor a backchannel ends the number
            joined = False if current.for_a_number else None
            question = between[-QUESTION_WORDS:]
            kinds, digits = numbers.answered(question), numbers.asks_for_digits(question)
            if not kinds and current.for_a_number and between[0] == "and" \
                    and len(between) <= BACKCHANNEL_WORDS and not ANOTHER_ITEM.intersection(between):
                kinds, digits = current.kinds, current.digits  # "and celine?": someone else's
            current, begun = numbers.Question(kinds, item.word, digits), i
        asked.append(current)
        goes_on.append(joined)
    return asked, goes_on


BACKCHANNEL_WORDS = 3
# what the other party says to keep a number coming: "mhm", "okay go on", "yep got that"
BACKCHANNEL = frozenset([
    "mhm", "mm", "mmhm", "mhmm", "mm-hmm", "mm-hm", "hmm", "uh-huh", "uh", "huh", "um", "okay",
    "ok", "yes", "yeah", "yep", "right", "sorry",
    "go", "on", "ahead", "got", "it", "that", "sure", "and", "then", "alright", "great",
    "perfect", "next", "keep", "going",
])


def _read_back(asked: numbers.Question, between: list[str], answer: list[Token]) -> bool:
    """The other party's words inside an ``answer`` (this speaker's tokens since the question)
    that ask for nothing new: a backchannel ("mhm", "go on") or a read-back of digits already
    given ("sorry three seven six three and then"); the number goes on after them."""
    if not between or not asked.for_a_number or numbers.nearest_cue(between) \
            or ANOTHER_ITEM.intersection(between):
        return False
    given = digit_string([t for t in answer if is_number(t)])
    repeated = digit_string([t for t in tokens(between) if is_number(t)])
    if not given:
        return False
    if not repeated:
        return BACKCHANNEL.issuperset(between)
    return len(between) <= MAX_READ_BACK_WORDS and repeated in given


ECHO_WITHIN_S = 60.0  # a number said back this soon after the other party began it is theirs


def _echoes(found: list[numbers.Found], streams, read: list[Token],
            words: Sequence[Word]) -> list[numbers.Found]:
    """Numbers one party says back that the other gave as a card or social security number
    ("... three one eight eight four two oh" "sorry, three seven six three five six one six,
    and then?"; "456-20-7781" "so, ending in 7781"), whatever words are around them."""
    given = [(f.kind, numbers.digits_of([read[w] for w in f.words]), words[f.words[0]].speaker,
              words[f.words[0]].start) for f in found if f.kind in numbers.PIECEWISE]
    taken = {w for f in found for w in f.words}
    out: list[numbers.Found] = []
    for stream, times, cuts, asked in streams:
        for run in numbers.runs(stream, times, cuts, asked):
            said = tuple(stream[p].word for p in range(run[0], run[-1] + 1))
            digits = numbers.digits_of([stream[p] for p in run])
            if len(digits) < 4 or taken.intersection(said):
                continue
            last_four = said[0] >= 1 and read[said[0] - 1].text in ("in", "ending", "ends")
            for kind, theirs, speaker, start_s in given:
                if kind == "card_number" and last_four:
                    continue  # a card's last four may be shown (PCI DSS): "the card ending in 4444"
                if speaker != words[said[0]].speaker and digits in theirs \
                        and 0 <= times[run[0]] - start_s <= ECHO_WITHIN_S:
                    out.append(numbers.Found(kind, said, f"{kind}/said_back"))
                    break
    return out


def _outside(found: list[numbers.Found], taken: set[int]) -> list[numbers.Found]:
    """Numbers without the words a date with a month name holds: in "expiring May 2028, code
    552" the year is the date's, not a code's."""
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
            if hit.kind == "person_name" and covered and (
                    (covered[0] > 0 and read[covered[0] - 1].text in people.BEFORE_AN_ORGANISATION)
                    or not people.plausible([read[w].text for w in covered])):
                continue  # "thanks for calling Brightwater", "Expiry date?": no person
            if covered:
                out.append(numbers.Found(hit.kind, covered, f"presidio/{hit.entity}"))
        start = end + 1
    return out


def _resolve(found: list[numbers.Found], words: Sequence[Word]) -> tuple[PiiSpan, ...]:
    """One kind per word (``PRIORITY``); a span is consecutive words of one kind, so a number
    the other party cut into is two spans and their words stay."""
    owner: dict[int, tuple[int, str]] = {}
    for f in sorted(found, key=lambda f: PRIORITY.index(f.kind)):
        for w in f.words:
            owner.setdefault(w, (PRIORITY.index(f.kind), f.rule))
    spans: list[PiiSpan] = []
    run: list[int] = []
    for w in sorted(owner):
        if run and (owner[w] != owner[run[-1]] or w != run[-1] + 1):
            spans.append(_span(run, owner, words))
            run = []
        run.append(w)
    if run:
        spans.append(_span(run, owner, words))
    return tuple(span for span in spans if span is not None)


def _span(run: list[int], owner, words: Sequence[Word]) -> PiiSpan | None:
    edges = [i for i in run if clean(words[i].text) not in FILLERS]
    if not edges:
        return None
    run = run[run.index(edges[0]):run.index(edges[-1]) + 1]  # "it's 4111 ..." keeps "it's"
    kind = PRIORITY[owner[run[0]][0]]
    return PiiSpan(kind, words[run[0]].speaker, words[run[0]].start, words[run[-1]].end,
                   tuple(run), owner[run[0]][1])
