"""A speaker's numbers read as answers to what the other party asked for ("what's your social?"
"three seven for" "mhm" "then won ate and then six too oh nine"), and numbers one party says
back to the other.

    questions(stream, lower) -> (asked, goes_on)   # per token of one speaker
    said_numbers(streams) -> [Said]                # every run of number words, both parties
    echoes(found, said, read, words) -> [Found]
    next_pieces(found, said, read, words) -> [Found]
    resumed_pieces(found, said, read, words) -> [Found]
    corrections(found, said, read, words) -> [Found]

``lower`` is the call's words in lower case, both parties, in time order; a stream is one
speaker's tokens (``spoken.Token``, ``word`` indexing ``lower``).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from audio.redact import people
from audio.redact.kinds import ANOTHER_ITEM, CUES, OTHER_NUMBERS, SOMEONE_ELSE
from audio.redact.numbers import (
    CLOCK_WORDS,
    MAX_CUT_IN_WORDS,
    NO_QUESTION,
    PIECEWISE,
    QUANTITY_AFTER,
    Found,
    Question,
    counting,
    digits_of,
    nearest_cue,
    numberish,
    runs,
)
from audio.redact.spoken import Token, is_number, tokens
from audio.schema import Word

QUESTION_WORDS = 15  # the other party's last words before an answer that may ask for it
REQUEST_WORDS = 6  # a request names what it asks for at its end: "and the card you paid with"
# what a request names before a word that only says when or what for ("and a phone number for
# the return", "the best number to reach you on moving day") is what it asks for
NAMED_BEFORE_WHEN = PIECEWISE | {"phone_number"}
# words of a request ("what's your social", "can I get the last four of the card"); a bare
# prompt of a few words ("social security number") is one too
REQUEST = frozenset([
    "what", "whats", "what's", "which", "can", "could", "may", "give", "need", "confirm", "read",
    "tell", "have", "get", "got", "and", "your", "please", "spell", "go", "verify",
])
# words that ask for digits by name, not for when the card will come
DIGIT_REQUEST = frozenset(["number", "numbers", "digits", "digit", "last", "first", "social",
                           "ssn", "long"])
# what the other party says to keep a number coming: "mhm", "okay go on", "yep got that"
BACKCHANNEL = frozenset([
    "mhm", "mm", "mmhm", "mhmm", "mm-hmm", "mm-hm", "hmm", "uh-huh", "uh", "huh", "um", "okay",
    "ok", "yes", "yeah", "yep", "right", "sorry", "go", "on", "ahead", "got", "it", "that",
    "sure", "and", "then", "alright", "great", "perfect", "next", "keep", "going",
])
# the other party only agreeing to a number this speaker offered ("can i use my social" "yes
# that's fine"): what follows is that number
ASSENT = frozenset(["yes", "yeah", "yep", "sure", "that's", "thats", "fine", "okay", "ok", "go",
                    "ahead", "please", "of", "course", "no", "problem", "alright", "right",
                    "that", "works", "absolutely", "perfect"])
OFFER_WORDS = 12  # how far back in their own words a speaker's offer is looked for
OFFERING = frozenset(["use", "give", "read", "here's", "heres", "you"])  # "... you my social"
MAX_READ_BACK_WORDS = 25  # "sorry three seven six three five six one six and then"
# asking for the rest of the number being given: "and the rest", "and the last four"
GO_ON = frozenset(["rest", "last", "next", "remaining", "more", "continue"])
# how a new question starts ("and the amount?", "what was the date?"), unlike "yes, carry on"
ASKS_AGAIN = frozenset(["and", "what", "whats", "what's", "which", "how", "when", "where",
                        "who"])
# "and celine?", "and your husband's?": the same question again, for someone else
SOMEONE_ELSE_WORDS = 4
ECHO_WITHIN_S = 60.0  # a number said back this soon after the other party began it is theirs
MIN_ECHO_DIGITS = 3  # "four six one" "four six one" "oh ate three three seven two"
SAID_AGAIN_DIGITS = 4  # a card's last four said again later in the call are still the card's
# a number given in pieces over several turns, with read-backs and corrections between ("...
# and the next four" "four six three seven then oh six for three" "sorry was that oh six four
# three" "yeah oh six four three and the last ones are three oh four seven"): a piece follows the
# one before within this long, with at most this many words between, none naming another item
PIECE_GAP_S = 10.0
PIECE_GAP_WORDS = 8
PIECE_DIGITS = range(2, 9)
# the kinds whose pieces are followed, and the digits that make a whole one (a bank account
# has up to 17)
WHOLE = {"card_number": 16, "ssn": 9, "bank_account": 17}
# all the words between two pieces: a backchannel, a read-back's framing, a request for the rest
# ("sorry was that", "and the next four", "no, it's", "and the last ones are"); anything else
# ("thank you, your payment of") starts another subject
PIECE_LINK = BACKCHANNEL | GO_ON | frozenset([
    "the", "digits", "numbers", "ones", "group", "part", "bit", "is", "are", "was", "it", "so",
    "did", "you", "say", "i", "have", "then", "after", "first", "thank", "thanks", "of", "those",
    "four", "three", "two", "no", "not", "nope", "actually", "wait", "its", "it's", "that's",
    "thats", "mean", "meant",
])
# asking, after something else came between, for the rest of a number being given ("... and
# the expiry?" "oh six twenty eight" "okay and the rest of the number"): the answer is the next
# piece of the last one left unfinished by that speaker this long ago at most
RESUME = frozenset(["rest", "remaining", "remainder"])
RESUME_WITHIN_S = 60.0
# a number with these in or just after it is an amount or a quantity, no piece
AMOUNT_WORDS = QUANTITY_AFTER | {"hundred", "thousand"}
# words just before a number said back that make it an amount or another number, not theirs
NOT_AN_ECHO = frozenset([
    "balance", "fee", "total", "amount", "owe", "cost", "price", "paid", "pay", "charge",
    "charged", "refund", "order", "reference", "ticket", "case", "confirmation", "invoice",
])


@dataclass(frozen=True)
class Stream:
    """One speaker's tokens as ``numbers.find`` read them."""

    tokens: list[Token]
    times: list[float]  # each token's start, seconds
    cut_in: list[int]
    asked: list[Question]


@dataclass(frozen=True)
class Said:
    """One run of a speaker's number words (``numbers.runs``)."""

    words: tuple[int, ...]  # from its first number word to its last, fillers between included
    numbers: tuple[int, ...]  # its number words
    digits: str
    start_s: float


def said_numbers(streams: list[Stream]) -> list[Said]:
    """Every run of number words of each speaker, speaker by speaker, in time order."""
    return [Said(tuple(stream.tokens[p].word for p in range(run[0], run[-1] + 1)),
                 tuple(stream.tokens[p].word for p in run),
                 digits_of([stream.tokens[p] for p in run]), stream.times[run[0]])
            for stream in streams
            for run in runs(stream.tokens, stream.times, stream.cut_in, stream.asked)]


def other_words(stream: list[Token], i: int, lower: list[str]) -> list[str]:
    """The other party's words just before this speaker's token ``i``."""
    return lower[stream[i - 1].word + 1 if i else 0:stream[i].word]


def questions(stream: list[Token], lower: list[str]
              ) -> tuple[list[Question], list[bool | None]]:
    """For each of one speaker's tokens, the question it answers (what the other party's last
    words before this speaker began answering asked for), and whether a number goes on across
    the other party's words just before it: True after a read-back or a backchannel inside the
    answer ("mhm", "go on"), False after a new question inside it ("and the amount?", "and
    celine?": the same question, for someone else), None where the words decide
    (``detect``'s cut-in rule)."""
    asked: list[Question] = []
    goes_on: list[bool | None] = []
    current, begun = NO_QUESTION, 0  # begun: where this speaker began answering ``current``
    for i, item in enumerate(stream):
        between = other_words(stream, i, lower)
        joined: bool | None = None
        if between and _read_back(current, between, stream[begun:i]):
            joined = True
        elif between:
            if current.for_a_number and between[0] in ASKS_AGAIN:
                joined = False  # "and the amount?" inside an answer: the number has ended
            if current.for_a_number and (_someone_else(between) or _asked_again(between)):
                current = Question(current.kinds, item.word, current.digits)
            else:
                question = between[-QUESTION_WORDS:]
                current = Question(answered(question), item.word,
                                   bool(DIGIT_REQUEST.intersection(question)))
                offered = _offered(stream, i) if ASSENT.issuperset(between) else ""
                if not current.kinds and offered:
                    current = Question((offered,), item.word, True)
            begun = i
        asked.append(current)
        goes_on.append(joined)
    return asked, goes_on


def _offered(stream: list[Token], i: int) -> str:
    """The kind of number this speaker offered just before token ``i`` ("can i use my social",
    "i'll give you my card number"), "" if none."""
    said = [t.text for t in stream[max(0, i - OFFER_WORDS):i]]
    for j in range(len(said) - 1, 0, -1):
        if said[j] != "my" or said[j - 1] not in OFFERING:
            continue  # "my card was charged twice" offers nothing
        for kind in PIECEWISE:
            if any(said[j + 1:j + 1 + len(p.split())] == p.split() for p in CUES[kind]):
                return kind
    return ""


def answered(question: list[str]) -> tuple[str, ...]:
    """The kinds the other party's ``question`` (lower-case words, oldest first) asks for,
    nearest first; none when it is no request ("... how can I help?", "yes, that's the card")
    or gives a number rather than asking for one. A card or a social security number asked for
    beside a word that only says when or how much ("the card you paid with", "the last four of
    the card that was charged") is what is asked for; beside another number's name ("the order
    number on the card") it is not."""
    if any(numberish(t) for t in tokens(question[-2:])):
        return ()  # "i have her card here ate 8 1 5"
    if not nearest_cue(question[-REQUEST_WORDS:]) or not (
            len(question) <= REQUEST_WORDS or REQUEST.intersection(question)):
        return ()
    kinds = nearest_cue(question)
    named = [k for k in kinds if k in NAMED_BEFORE_WHEN]
    if named and kinds[0] == "none" and not _names_another_number(question):
        return (*named, *(k for k in kinds if k not in named and k != "none"))
    return tuple(kinds)


def _names_another_number(words: list[str]) -> bool:
    return any(words[i:i + len(p.split())] == p.split()
               for p in OTHER_NUMBERS for i in range(len(words)))


# "could you read it again slowly", "can you repeat that": the last number asked for, again
AGAIN = (("again",), ("repeat",), ("once", "more"), ("one", "more", "time"))


def _asked_again(between: list[str]) -> bool:
    """The other party asks for the number just given once more, naming nothing else."""
    ask = between[-REQUEST_WORDS:]
    return not nearest_cue(between) and not ANOTHER_ITEM.intersection(between) and any(
        ask[i:i + len(p)] == list(p) for p in AGAIN for i in range(len(ask)))


def _someone_else(between: list[str]) -> bool:
    """"and celine?", "and your husband's?": the question just answered, asked again."""
    rest = [w.removesuffix("'s") for w in between[1:]]
    return between[0] == "and" and 0 < len(rest) < SOMEONE_ELSE_WORDS \
        and not nearest_cue(between) and not ANOTHER_ITEM.intersection(between) \
        and (bool(SOMEONE_ELSE.intersection(rest)) or people.plausible(rest))


def _read_back(asked: Question, between: list[str], answer: list[Token]) -> bool:
    """The other party's words inside an ``answer`` (this speaker's tokens since the question)
    that ask for nothing new: a backchannel ("mhm", "go on"), a request for the rest ("and the
    last four") or a read-back of digits already given ("sorry three seven six three and
    then"); the number goes on after them."""
    if not asked.for_a_number or nearest_cue(between) or ANOTHER_ITEM.intersection(between):
        return False
    given = digits_of(answer)
    if not given:
        return False
    said = tokens(between)
    repeated = digits_of([t for k, t in enumerate(said) if not counting(said, k)])
    if not repeated:
        return BACKCHANNEL.issuperset(between) or (
            len(between) <= MAX_CUT_IN_WORDS and bool(GO_ON.intersection(between)))
    return len(between) <= MAX_READ_BACK_WORDS and repeated in given


def said_as_another(said: Said, read: list[Token]) -> bool:
    """The run is said as an amount or as another sort of number ("the balance is ...", "...
    hundred dollars"), so it is not a number given earlier said back."""
    before = {t.text for t in read[max(0, said.words[0] - 3):said.words[0]]}
    said_with = {t.text for t in read[said.words[0]:said.words[-1] + 2]}
    return bool(NOT_AN_ECHO & before or AMOUNT_WORDS & said_with)


def echoes(found: list[Found], said_runs: list[Said], read: list[Token],
           words: Sequence[Word]) -> list[Found]:
    """Numbers one party says back that the other gave as a card, social security or bank
    account number, whole or its first or last digits ("... three one eight eight four two oh"
    "sorry, three seven six three five six one six, and then?"; "456-20-7781" "so, ending in
    7781"), and any such number said again whole later in the call; not an amount or another
    number that happens to share the digits."""
    given = [(f.kind, digits_of([read[w] for w in f.words]), words[f.words[0]].speaker,
              words[f.words[0]].start, f.rule.endswith("/said_back"))
             for f in found if f.kind in WHOLE]
    taken = {w for f in found for w in f.words}
    out: list[Found] = []
    for said in said_runs:
        digits = said.digits
        if len(digits) < MIN_ECHO_DIGITS or taken.intersection(said.words) \
                or said_as_another(said, read):
            continue
        for kind, theirs, speaker, start_s, echoed in given:
            # the whole of it said again, by anyone, any time later ("was that the Visa ending
            # 3391?" ... "the seat upgrade was on 3391"); not an echo's echo
            again = digits == theirs and len(digits) >= SAID_AGAIN_DIGITS \
                and said.start_s > start_s and not echoed
            if again or speaker != words[said.words[0]].speaker \
                    and digits in (theirs[:len(digits)], theirs[-len(digits):]) \
                    and 0 <= said.start_s - start_s <= ECHO_WITHIN_S:
                out.append(Found(kind, said.words, f"{kind}/said_back"))
                break
    return out


# the pieces a whole number was given in, before it was read back whole: this many of its
# digits at least, in runs said this long before it at most
CHAIN_DIGITS = 8
CHAIN_WITHIN_S = 120.0
PER = frozenset(["month", "week", "year", "day", "night", "monthly", "each", "per", "total"])
# a number found from others' pieces or last digits is no whole to chain pieces to
PIECE_RULES = ("/last_digits", "/next_piece", "/piece_before", "/said_back", "/resumed",
               "/corrected")


def pieces_before(found: list[Found], said_runs: list[Said], read: list[Token],
                  words: Sequence[Word]) -> list[Found]:
    """The pieces a card, social security or bank account number was given in when only its
    whole read-back was recognised ("five four two five" "mhm" "two three three four three oh"
    "sorry three oh" "three oh one oh" ... "let me read that back five four two five two three
    ..."): the runs said just before it, by either party, each a part of its digits that ends
    where the next begins or overlaps it (a piece said again, a correction), walking back from
    its end; the whole said before it is no piece. A run that does not fit ends the chain; a chain of fewer than ``CHAIN_DIGITS`` of
    its digits is no evidence (a short number can sit inside a long one by chance)."""
    taken = {w for f in found for w in f.words}
    out: list[Found] = []
    for whole in found:
        if whole.kind not in WHOLE or whole.rule.endswith(PIECE_RULES):
            continue
        digits = digits_of([read[w] for w in whole.words])
        if len(digits) < CHAIN_DIGITS:
            continue
        start_s = words[whole.words[0]].start
        before = sorted((s for s in said_runs if s.words[-1] < whole.words[0]
                         and 0 < start_s - s.start_s <= CHAIN_WITHIN_S),
                        key=lambda s: s.words[0], reverse=True)
        whole_again = [s for s in before if not taken.intersection(s.words)
                       and digits in _once_each(s.digits)]
        out += [Found(whole.kind, s.words, f"{whole.kind}/piece_before") for s in whole_again]
        limit, chain, covered = len(digits), [], set()
        for said in before:
            if len(said.digits) < 2 or (AMOUNT_WORDS | PER).intersection(
                    t.text for t in read[said.words[0]:said.words[-1] + 4]):
                break  # "forty nine a month": a price
            # it starts by ``limit`` and reaches it: no digits left out between two pieces
            at = digits.rfind(said.digits, 0, limit + len(said.digits))
            if at < 0 or at + len(said.digits) < limit or said.digits == digits:
                break
            chain.append(said)
            covered.update(range(at, at + len(said.digits)))
            limit = at
            if limit == 0:
                break
        if len(chain) >= 2 and len(covered) >= CHAIN_DIGITS:
            for k, said in enumerate(chain):  # latest first
                piece = _with_pause_after(said.words, chain[k - 1].words[0], read) if k \
                    else said.words
                if taken.intersection(said.words):
                    piece = piece[len(said.words):]  # found already: only the pause after it
                if piece:
                    out.append(Found(whole.kind, piece, f"{whole.kind}/piece_before"))
    return out


def _with_pause_after(piece: tuple[int, ...], following: int, read: list[Token]
                      ) -> tuple[int, ...]:
    """A piece with the pause written after it ("612 ... 447 ... 390") when only that stands
    before the next piece."""
    between = range(piece[-1] + 1, following)
    if between and all(not read[w].text for w in between):
        return (*piece, *between)
    return piece


def _once_each(digits: str, longest: int = 4) -> set[str]:
    """``digits`` with one group of up to ``longest`` digits that was said twice in a row
    said once ("two three three four three oh" "sorry three oh" "three oh one oh", the
    customer's words as one run: 2334303010 is 23343010), every way it can be read."""
    out = set()
    for size in range(1, longest + 1):
        for i in range(len(digits) - 2 * size + 1):
            if digits[i:i + size] == digits[i + size:i + 2 * size]:
                out.add(digits[:i + size] + digits[i + 2 * size:])
    return out


def next_pieces(found: list[Found], said_runs: list[Said], read: list[Token],
                words: Sequence[Word]) -> list[Found]:
    """Numbers that go on from a card, social security or bank account number given in pieces,
    by either party (``PIECE_GAP_S``, ``PIECE_GAP_WORDS``): the cue named only the first piece,
    and the pieces after a read-back or a correction were left with nothing to say what they
    are. A piece said again (a read-back, a confirmation) adds no digits; once the pieces hold a
    whole number (``WHOLE``), what follows is something else."""
    owner = {w: f for f in found for w in f.words}
    # "and the next four" is no piece
    pieces = sorted((s for s in said_runs if len(s.digits) >= PIECE_DIGITS[0]),
                    key=lambda s: s.words)
    # every number word of those runs, in call order, with its run: the runs of the two parties
    # overlap when one reads a piece back while the other goes on
    said_at = sorted((word, k) for k, s in enumerate(pieces) for word in s.numbers)
    out: list[Found] = []
    held: dict[int, int] = {}  # digits given so far, at a piece (its run)
    for k, s in enumerate(pieces):
        said, digits = s.words, s.digits
        at = bisect_left(said_at, (said[0], -1)) - 1  # the number word said last before it
        if at < 0:
            continue
        anchor, r = said_at[at]
        earlier = pieces[r].digits
        previous = owner.get(anchor)
        if previous is None or previous.kind not in WHOLE \
                or previous.rule.endswith("/last_digits") or owner.keys() & set(said):
            continue
        given = held.get(r, len(earlier))
        between = [t.text for t in read[anchor + 1:said[0]] if not is_number(t)]
        if given >= WHOLE[previous.kind] or len(digits) not in PIECE_DIGITS \
                or len(between) > PIECE_GAP_WORDS or not PIECE_LINK.issuperset(between) \
                or words[said[0]].start - words[anchor].end > PIECE_GAP_S \
                or NOT_AN_ECHO.intersection(between) or ANOTHER_ITEM.intersection(between) \
                or [kind for kind in nearest_cue(between) if kind != previous.kind] \
                or AMOUNT_WORDS.intersection(t.text for t in read[said[0]:said[-1] + 2]):
            continue
        piece = Found(previous.kind, said, f"{previous.kind}/next_piece")
        out.append(piece)
        owner.update(dict.fromkeys(said, piece))
        # said again, or corrected by a digit ("was that six six four two" "no, six six four
        # seven"): no digits added
        again = any(len(digits) == len(part)
                    and sum(a != b for a, b in zip(digits, part, strict=True)) <= 1
                    for part in (earlier[:len(digits)], earlier[-len(digits):]))
        # "... and the last ones are three oh four seven": nothing after the last piece is one
        held[k] = WHOLE[previous.kind] if "last" in between else \
            given if again else given + len(digits)
    return out


def resumed_pieces(found: list[Found], said_runs: list[Said], read: list[Token],
                   words: Sequence[Word]) -> list[Found]:
    """The rest of a card, social security or bank account number, asked for after another
    item came between ("and the expiry?" ... "okay and the rest of the number"): the answer
    goes on from that speaker's last unfinished one (``RESUME_WITHIN_S``)."""
    taken = {w for f in found for w in f.words}
    lower = [t.text for t in read]
    out: list[Found] = []
    for said in said_runs:
        first = said.words[0]
        speaker = words[first].speaker
        if len(said.digits) not in PIECE_DIGITS or taken.intersection(said.words):
            continue
        asked = _asked_just_before(first, words, lower)
        if not RESUME.intersection(asked) or ANOTHER_ITEM.intersection(asked):
            continue
        earlier = [f for f in found + out if f.kind in WHOLE and f.words[-1] < first
                   and words[f.words[0]].speaker == speaker
                   and said.start_s - words[f.words[-1]].end <= RESUME_WITHIN_S]
        if not earlier:
            continue
        kind = max(earlier, key=lambda f: f.words[-1]).kind
        given = sum(len(digits_of([read[w] for w in f.words])) for f in earlier
                    if f.kind == kind)
        if given >= WHOLE[kind] or [k for k in nearest_cue(asked) if k not in (kind, "none")]:
            continue
        out.append(Found(kind, said.words, f"{kind}/resumed"))
    return out


# a correction of a number given before ("... six oh five nine" "no, sorry, six oh five five";
# "the middle is four seven, not four one"): a word of these just before the piece or just after
# it, and the corrected piece matching a stretch of the number's digits but for one
CORRECTING = frozenset(["no", "not", "sorry", "wait", "actually", "mean", "meant", "correction",
                        "oops", "rather", "nope"])
CORRECTION_REACH_WORDS = 5  # how far before the piece its correcting word may be
CORRECTED_DIGITS = range(4, 9)  # a corrected piece; two or three only set against a wrong one
NOT_CORRECTING = frozenset(["problem", "problems", "worries", "thanks", "way", "idea"])  # "no ..."
CORRECTION_WITHIN_S = 120.0  # how long after the number began its correction may come


def _near_digits(digits: str, given: str) -> bool:
    """``digits`` are a stretch of ``given`` but for one digit (two digits: exactly)."""
    size = len(digits)
    allowed = 0 if size < 3 else 1
    return any(sum(a != b for a, b in zip(digits, given[k:k + size], strict=True)) <= allowed
               for k in range(len(given) - size + 1))


def _year(read: list[Token], said: Said) -> bool:
    """"twenty twenty two", "nineteen ninety": a year, not a piece."""
    return len(said.digits) == 4 and said.digits[:2] in ("19", "20") \
        and read[said.numbers[0]].text in ("nineteen", "twenty")


def _correcting(lower: list[str], speakers: list[str], span: range, speaker: str) -> bool:
    """The speaker says a correcting word in ``span`` ("no", "sorry", "not"), not "no problem"."""
    return any(speakers[i] == speaker and lower[i] in CORRECTING
               and not (lower[i] == "no" and i + 1 < len(lower) and lower[i + 1] in NOT_CORRECTING)
               for i in span if 0 <= i < len(lower))


def corrections(found: list[Found], said_runs: list[Said], read: list[Token],
                words: Sequence[Word]) -> list[Found]:
    """Pieces of a card, social security or bank account number said again to correct it, by
    either party, that the rules before left unread: 4 to 8 digits said by a speaker just after
    or before their own correcting word (``CORRECTING``, ``CORRECTION_REACH_WORDS``) that match
    a stretch of such a number given in the last ``CORRECTION_WITHIN_S`` but for one digit; and
    in "four seven, not four one" both readings, each matching a stretch of the number or of its
    read-back. Not a year, an amount, a clock time, or a number named as another sort."""
    given = [(f.kind, digits_of([read[w] for w in f.words]), words[f.words[0]].start,
              f.words[-1]) for f in found if f.kind in WHOLE]
    taken = {w for f in found for w in f.words}
    runs_at = {s.words[0]: s for s in said_runs}
    runs_end = {s.words[-1]: s for s in said_runs}
    lower = [t.text for t in read]
    speakers = [w.speaker for w in words]
    out: list[Found] = []

    def kinds_near(said: Said) -> list[str]:
        return [kind for kind, digits, start_s, end in given
                if end < said.words[0] and 0 <= said.start_s - start_s <= CORRECTION_WITHIN_S
                and _near_digits(said.digits, digits)]

    for said in said_runs:
        first, last = said.words[0], said.words[-1]
        speaker = speakers[first]
        before = lower[max(0, first - CORRECTION_REACH_WORDS):first]
        after = lower[last + 1:last + 3]
        wrong = runs_at.get(last + 2) if after[:1] == ["not"] else None
        right = runs_end.get(first - 2) if before[-1:] == ["not"] else None
        against = [other for other in (wrong, right)
                   if other is not None and len(other.digits) == len(said.digits)
                   and speakers[other.words[0]] == speaker]
        if not (len(said.digits) in CORRECTED_DIGITS
                or (against and len(said.digits) in PIECE_DIGITS)) \
                or taken.intersection(said.words) or _year(read, said):
            continue
        if not _correcting(lower, speakers, range(first - CORRECTION_REACH_WORDS, first), speaker) \
                and not _correcting(lower, speakers, range(last + 1, last + 3), speaker) \
                or NOT_AN_ECHO.intersection(before) or ANOTHER_ITEM.intersection(before) \
                or (AMOUNT_WORDS | CLOCK_WORDS).intersection(lower[max(0, first - 1):last + 3]):
            continue
        kinds = kinds_near(said)
        if not kinds or [k for k in nearest_cue(before) if k != kinds[-1]]:
            continue
        if against and not all(kinds_near(other) for other in against):
            continue
        kind = kinds[-1]
        out.append(Found(kind, said.words, f"{kind}/corrected"))
        taken.update(said.words)
        if wrong is not None and wrong in against and not taken.intersection(wrong.words):
            out.append(Found(kind, wrong.words, f"{kind}/corrected"))
            taken.update(wrong.words)
    return out


def _asked_just_before(first: int, words: Sequence[Word], lower: list[str]) -> list[str]:
    """The other party's last words (``QUESTION_WORDS`` at most) before word ``first``."""
    begin = first
    while begin > 0 and words[begin - 1].speaker != words[first].speaker \
            and first - begin < QUESTION_WORDS:
        begin -= 1
    return lower[begin:first]
