"""Numbers said in a call, found as runs of one speaker's number words however they are spoken
(numerals, words, "double five", fillers between, the other party cutting in, a turn break),
then named by the Luhn checksum and card-scheme lengths (cards) and by the nearest words before
them that say what they are ("security code", "date of birth", "order number"). Written routing
numbers are also checked by Presidio's ABA recogniser (``engine``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from audio.redact import engine
from audio.redact.kinds import (
    ANOTHER_NUMBER_CUES,
    BANK_WORDS,
    CARD_WORDS,
    CUE_REACH,
    CUE_REACH_DEFAULT,
    CUES,
    SOCIAL_WORDS,
)
from audio.redact.spoken import (
    FILLERS,
    TEENS,
    Token,
    digit_string,
    is_number,
    luhn_valid,
    token,
)

MAX_GAP_S = 8.0  # between two number words of one run (room for "go on" from the other party)
MAX_FILLERS = 2  # words such as "um" or "and" inside a run
CONTEXT_WORDS = 25  # how far back (both parties, in time order) a cue is looked for
DIRECT_WORDS = 4  # a cue this close introduces the number itself ("order number is ...")
QUESTION_TAIL_WORDS = 6  # a question names what it asks for at its end ("a tracking number?")
# words that speech recognition writes for a digit said inside a number ("four one for one")
HOMOPHONES = {"for": "4", "to": "2", "too": "2", "won": "1", "ate": "8", "tree": "3"}
TAIL_HOMOPHONES = frozenset(["ate", "won", "tree"])
BEFORE_A_NUMBER = frozenset(["and", "is", "its", "it's", "um", "uh", "er", "then", "are"])
# "one" after these is a pronoun ("my new one", "the other one", "that one"), unless a number
# word follows it in the same breath ("that one one two ...")
BEFORE_ONE_AS_A_WORD = frozenset([
    "new", "old", "other", "another", "this", "that", "the", "a", "same", "which", "right",
    "wrong", "different", "each", "every", "any", "no", "only", "current", "expired", "last",
])
CARD_DETAILS_WITHIN_S = 60.0  # expiry and code said this soon after a card number are its
LONG_NUMBER_DIGITS = 7  # a stretch of number words saying this many digits is a number read out
MAX_CUT_IN_WORDS = 5  # the other party saying more than this between two numbers ends the run
# a number of two or more digits followed by one of these is a quantity, never part of a run
# ("fifty percent"); a single digit is not (it may end a card number: "... one one, months")
QUANTITY_AFTER = frozenset([
    "percent", "%", "dollars", "dollar", "bucks", "pounds", "quid", "pence", "cents", "euros",
    "minutes", "hours", "days", "weeks", "months", "years", "miles", "kilos", "cycles",
    "periods",
])
CLOCK_WORDS = frozenset(["am", "pm", "a.m", "p.m", "o'clock", "oclock"])  # after a time of day
# words between an amount and its unit ("five to seven business days", "one to two pay cycles")
QUANTITY_QUALIFIERS = frozenset(["business", "working", "calendar", "pay", "billing"])


@dataclass(frozen=True)
class Chunk:
    """Consecutive tokens of a run that say ``digits`` ("forty one" -> "41")."""

    first: int  # index into the stream's tokens
    last: int
    digits: str


@dataclass(frozen=True)
class Found:
    kind: str
    words: tuple[int, ...]  # word indices
    rule: str


@dataclass(frozen=True)
class Question:
    """What the other party last asked for, as one of a speaker's tokens answers it
    (``answers.questions``)."""

    kinds: tuple[str, ...] = ()  # the kinds it named, nearest first
    since: int = 0  # the word (index into the call's words) where the answer began
    digits: bool = False  # it asked for digits by name ("the card number", "the last four")

    @property
    def for_a_number(self) -> bool:
        return bool(self.kinds) and self.kinds[0] in NUMBER_KINDS

    @property
    def for_grouped_digits(self) -> bool:
        """It asked for a number people say in groups ("forty six thirteen"): a birth date, a
        card or a social."""
        return bool(self.kinds) and self.kinds[0] in GROUPED


NO_QUESTION = Question()


def _numeric(tokens: list[Token], i: int, answering: bool = False,
             grouped: bool = False) -> bool:
    """A number word, or a homophone in a run of homophones that touches a digit said as a word:
    "four one for one", "for four too nine", "won nine ate ate", "five for too". "for", "to" and
    "too" begin a number only after a pause word or at a turn's start ("and for four too
    nine"), not after a verb ("update it to three one two ..."). ``answering``: the speaker is
    giving a number they were asked for ("whats your social" "... then won ate and then six too
    oh nine"), so a homophone beside a number or another homophone is a digit; ``grouped``: the
    number asked for is said in groups, so beside any number word ("ate twelve sixty five",
    "ten twenty ate seventy nine")."""
    item = tokens[i]
    if item.text == "oh":  # "oh okay 4 ate 7 ...": a digit only beside another number
        return any(_beside(tokens, i, j) and numberish(tokens[j])
                   for j in (i - 1, i + 1))
    if item.text == "one" and _pronoun(tokens, i):
        return False
    if is_number(item):
        return True
    if item.text not in HOMOPHONES:
        return False
    if item.text != "to" and _after_tens(tokens, i):
        return True
    if answering and item.text != "to" and _answer_digit(tokens, i):
        return True
    if grouped and item.text != "to":
        after = _beside_said_number(tokens, i, i + 1)
        if (_beside_said_number(tokens, i, i - 1) and (after or item.text in TAIL_HOMOPHONES)) \
                or (after and (_opens_number(tokens, i) or item.text in TAIL_HOMOPHONES)):
            # "ten twenty ate seventy nine", "nineteen eighty ate", "russo ate twelve sixty five"; not
            # "eighty for me", "the charge was for two forty nine"
            return True
    first = i  # the run of homophones around i, adjacent words only
    while first > 0 and i - first < 4 and tokens[first - 1].text in HOMOPHONES \
            and tokens[first - 1].word == tokens[first].word - 1:
        first -= 1
    last = i
    while last + 1 < len(tokens) and last - i < 4 and tokens[last + 1].text in HOMOPHONES \
            and tokens[last + 1].word == tokens[last].word + 1:
        last += 1
    ranged = item.text == "to"  # "3 to 5 days": a written digit makes it a range
    if ranged and _range_of_quantities(tokens, i):
        return False  # "five to seven business days"
    before = first > 0 and tokens[first - 1].word == tokens[first].word - 1 \
        and _digit_word(tokens[first - 1], said=ranged)
    # before a digit, homophones begin a number only when it runs to three words or more
    # ("for four too nine", "won won nine"; not "the booking is for four", "we won two")
    after = last + 1 < len(tokens) and tokens[last + 1].word == tokens[last].word + 1 \
        and (_digit_word(tokens[last + 1], said=ranged) or tokens[last + 1].repeat) and (
            last > first or tokens[last + 1].repeat or (
            last + 2 < len(tokens) and tokens[last + 2].word == tokens[last + 1].word + 1
            and (_digit_word(tokens[last + 2]) or tokens[last + 2].text in HOMOPHONES)))
    if before or (last - first >= 2 and TAIL_HOMOPHONES & {t.text for t in tokens[first:last + 1]}):
        return True  # three homophones in a row, one of them "ate" or "won": "ate ate won"
    leading = tokens[first].text in TAIL_HOMOPHONES or first == 0 \
        or tokens[first - 1].word != tokens[first].word - 1 \
        or tokens[first - 1].text in BEFORE_A_NUMBER or _after_ending(tokens, first)
    return after and leading


def _pronoun(tokens: list[Token], i: int) -> bool:
    """The "one" at ``i`` stands for a thing, not a digit: before "ending" ("two cards, one
    ending in 4186 and one ending in 7309"), or after "new", "other", "that" ... with no number
    word after it ("use my new one" "three seven ate two ..."; not "that one two one two ...")."""
    if _beside(tokens, i, i + 1) and tokens[i + 1].text in ("ending", "ends"):
        return True
    return _beside(tokens, i, i - 1) and tokens[i - 1].text in BEFORE_ONE_AS_A_WORD \
        and not _beside_said_number(tokens, i, i + 1)


def _after_tens(tokens: list[Token], i: int) -> bool:
    """A homophone right after a tens word, in one breath, is its unit when a number goes on
    after it, the turn ends with it, or it is "won", "ate" or "tree": "forty won eleven",
    "sixty seven twenty for six", "fifty ate"; not "forty for the ticket" ("twenty to five" is a
    time: "to" never counts)."""
    if not i or not tokens[i - 1].tens or tokens[i - 1].word != tokens[i].word - 1:
        return False
    if tokens[i].text in TAIL_HOMOPHONES:
        return True
    if i + 1 == len(tokens) or tokens[i + 1].word != tokens[i].word + 1:
        return True  # the last word of a turn: "... eighteen won ninety for"
    return is_number(tokens[i + 1]) or tokens[i + 1].text in HOMOPHONES


def _after_ending(tokens: list[Token], i: int) -> bool:
    """Token ``i`` comes right after "ending in", "ends with" or "ending": the last digits of a
    number follow ("my other card ending in to to four oh")."""
    said = [t.text for t in tokens[max(0, i - 2):i]]
    return any(said[len(said) - len(phrase):] == phrase for phrase in ENDING
               if len(phrase) <= len(said))


def _beside(tokens: list[Token], i: int, j: int) -> bool:
    """Token ``j`` is the word said right before or after token ``i``."""
    return 0 <= j < len(tokens) and abs(tokens[j].word - tokens[i].word) == 1


def _beside_said_number(tokens: list[Token], i: int, j: int) -> bool:
    """Token ``j`` is the word right before or after token ``i`` and a number said as words."""
    return _beside(tokens, i, j) and is_number(tokens[j]) and not tokens[j].typed


# one-word cues that name a number just before it is said ("visa", "social", "code")
NAMING_WORDS = frozenset(phrase for kind, phrases in CUES.items() if kind != "none"
                         for phrase in phrases if " " not in phrase)


def _answer_digit(tokens: list[Token], i: int) -> bool:
    """A homophone in a number being given: after a digit ("six for two"), or where a number may
    begin (a turn's start, "then", "um") before one ("then won ate"); not after another word
    ("the charge was for two forty nine"); a word that names the number opens it ("a visa for
    ate nine")."""
    def digit(j: int) -> bool:
        return _beside(tokens, i, j) and (
            _digit_word(tokens[j], said=True)
            or (tokens[j].text in HOMOPHONES and tokens[j].text != "to"))

    if digit(i - 1):
        return True
    return _opens_number(tokens, i) and digit(i + 1)


def _opens_number(tokens: list[Token], i: int) -> bool:
    """Token ``i`` stands where a number may begin: a turn's start, after "is", "then", "um" or
    a word that names the number ("a visa for ate nine three ...")."""
    return i == 0 or tokens[i - 1].word != tokens[i].word - 1 \
        or tokens[i - 1].text in BEFORE_A_NUMBER or tokens[i - 1].text in FILLERS \
        or tokens[i - 1].text in NAMING_WORDS


def _homophones_in_long_numbers(tokens: list[Token]) -> frozenset[int]:
    """Homophones inside a number read out in one breath: a stretch of adjacent number words and
    homophones that says seven digits or more with them, three or more of its words numbers
    ("his is six six to oh for three three seven ate", "her social is tree tree oh for oh too
    nine won six"). Numerals do not count ("4111 1111 1111 for"): written text means its words.
    "for", "to" and "too" at its start count only where a number may begin ("paid for four one
    one ..." is not), and at its end only as the turn's last word."""
    out: set[int] = set()
    i = 0
    while i < len(tokens):
        if not numberish(tokens[i]):
            i += 1
            continue
        first = last = i
        while last + 1 < len(tokens) and tokens[last + 1].word == tokens[last].word + 1 \
                and numberish(tokens[last + 1]):
            last += 1
        i = last + 1
        while first <= last and tokens[first].text in HOMOPHONES \
                and tokens[first].text not in TAIL_HOMOPHONES and not _opens_number(tokens, first):
            first += 1
        while last >= first and tokens[last].text in HOMOPHONES \
                and tokens[last].text not in TAIL_HOMOPHONES \
                and last + 1 < len(tokens) and tokens[last + 1].word == tokens[last].word + 1:
            last -= 1
        stretch = range(first, last + 1)
        heard = [k for k in stretch if not is_number(tokens[k])]
        said = [k for k in stretch if is_number(tokens[k]) and not tokens[k].typed]
        if heard and len(said) >= 3 \
                and len(digits_of(tokens[first:last + 1])) >= LONG_NUMBER_DIGITS:
            out.update(heard)
    return frozenset(out)


def read_homophones(tokens: list[Token]) -> list[Token]:
    """``tokens`` with each homophone that stands for a digit read as that digit."""
    return [as_number(t) if t.text in HOMOPHONES and _numeric(tokens, i) else t
            for i, t in enumerate(tokens)]


def _range_of_quantities(tokens: list[Token], i: int) -> bool:
    """The "to" at ``i`` joins two amounts of something: "five to seven (business) days"."""
    rest = [t.text for t in tokens[i + 1:i + 4]]
    if len(rest) < 2 or not is_number(tokens[i + 1]):
        return False
    if rest[1] in QUANTITY_QUALIFIERS:
        rest = rest[1:]
    return len(rest) >= 2 and rest[1] in QUANTITY_AFTER


def counting(tokens: list[Token], i: int) -> bool:
    """"his last four is ...", "the first five are ...": the number says how many digits, it is
    none of them."""
    return i > 0 and tokens[i - 1].text in ("last", "first") \
        and tokens[i - 1].word == tokens[i].word - 1


def _digit_word(item: Token, said: bool = False) -> bool:
    """One digit, said as a word or (unless ``said``) written ("four", "oh", "1"): a homophone
    next to it is a digit too."""
    return is_number(item) and len(item.digits) == 1 and not item.repeat \
        and not (said and item.typed)


def digits_of(tokens: list[Token]) -> str:
    """The digits a found number's tokens say, homophones read as digits ("too ate" -> 28)."""
    return digit_string([as_number(t) for t in tokens if numberish(t)])


def numberish(item: Token) -> bool:
    """A number word, or a homophone of one ("for", "won", "ate")."""
    return is_number(item) or item.text in HOMOPHONES


def as_number(item: Token) -> Token:
    """``item`` as a number: a homophone read as its digit ("ate" -> 8)."""
    if is_number(item):
        return item
    return Token(item.word, item.text, HOMOPHONES[item.text])


def card_brand_plausible(digits: str) -> bool:
    """Lengths and leading digits that card schemes issue (Visa, Mastercard, Amex, Discover,
    Diners, JCB): a Luhn check alone passes one digit string in ten."""
    n = len(digits)
    if digits[0] == "4":
        return n in (13, 16, 19)
    if digits[:2] in ("51", "52", "53", "54", "55") or 2221 <= int(digits[:4]) <= 2720:
        return n == 16
    if digits[:2] in ("34", "37"):
        return n == 15
    if digits.startswith("6011") or digits[:2] == "65" or 644 <= int(digits[:3]) <= 649:
        return 16 <= n <= 19
    if digits[:2] in ("36", "38") or 300 <= int(digits[:3]) <= 305:
        return 14 <= n <= 19
    if 3528 <= int(digits[:4]) <= 3589:
        return 16 <= n <= 19
    return False


def runs(tokens: list[Token], times: list[float], cut_in: list[int],
         asked: list[Question] | None = None) -> list[list[int]]:
    """Positions of number tokens grouped into runs, one speaker's tokens in time order;
    ``cut_in[i]``: how many words the other party said just before token ``i``; ``asked[i]``:
    the question token ``i`` answers."""
    asked = asked or [NO_QUESTION] * len(tokens)
    in_long_numbers = _homophones_in_long_numbers(tokens)
    out: list[list[int]] = []
    current: list[int] = []
    fillers = 0
    for i in range(len(tokens)):
        if current and cut_in[i] > MAX_CUT_IN_WORDS:
            out.append(current)
            current, fillers = [], 0
        quantity = (i + 1 < len(tokens) and tokens[i + 1].text in QUANTITY_AFTER
                    and len(tokens[i].digits) >= 2)
        if tokens[i].typed and "/" in tokens[i].text:
            # a written date ("12/09/1958") is a number of its own: "12/09/1958 and 3362"
            if current:
                out.append(current)
            out.append([i])
            current, fillers = [], 0
            continue
        if (i in in_long_numbers or _numeric(tokens, i, answering=asked[i].for_a_number,
                                             grouped=asked[i].for_grouped_digits)) \
                and not quantity \
                and not counting(tokens, i):
            if current and times[i] - times[current[-1]] > MAX_GAP_S:
                out.append(current)
                current = []
            current.append(i)
            fillers = 0
        elif current and tokens[i].text in FILLERS and fillers < MAX_FILLERS:
            fillers += 1
        elif current:
            out.append(current)
            current, fillers = [], 0
    if current:
        out.append(current)
    return out


def chunks(tokens: list[Token], run: list[int]) -> list[Chunk]:
    """The run cut where one number word ends: "double five" and "forty one" stay whole."""
    out: list[Chunk] = []
    start = 0
    items = [as_number(tokens[i]) for i in run]
    while start < len(items):
        end = start
        following = items[end + 1] if end + 1 < len(items) else None
        if following is not None and (items[start].repeat or (
                items[start].tens and not following.typed and len(following.digits) == 1
                and following.digits != "0")):
            end += 1
        digits = digit_string(items[start:end + 1])
        if digits:
            out.append(Chunk(run[start], run[end], digits))
        start = end + 1
    return out


def _card_windows(parts: list[Chunk], card_talk: bool = False) -> list[tuple[int, int]]:
    """(first, last) chunk positions of every Luhn-valid card number, left to right. With
    ``card_talk`` (the call has spoken of cards) and no valid one, a number of a card's full
    length and leading digits counts too: one digit heard wrong fails the checksum and must not
    leave the other fifteen in the clear."""
    found = _checked_windows(parts, luhn_valid)
    if not found and card_talk:
        # only a run that is all one such number: with more digits around it (a piece said
        # twice, a correction) the checksum is what tells where the card is
        found = [(first, last) for first, last in _checked_windows(
            parts, lambda digits: len(digits) == (15 if digits[:2] in ("34", "37") else 16))
            if (first, last) == (0, len(parts) - 1)]
    return found


def _checked_windows(parts: list[Chunk], check) -> list[tuple[int, int]]:
    """(first, last) chunk positions of every card-like number whose digits pass ``check``."""
    found, i = [], 0
    while i < len(parts):
        best = None
        digits = ""
        for j in range(i, len(parts)):
            digits += parts[j].digits
            if len(digits) > 19:
                break
            if (len(digits) >= 13 and card_brand_plausible(digits) and check(digits)
                    and (best is None or len(digits) in (15, 16))):
                best = j
        if best is None:
            i += 1
        else:
            found.append((i, best))
            i = best + 1
    return found


def nearest_cue(context: list[str], table: dict[str, tuple[str, ...]] = CUES,
                within: int | None = None) -> list[str]:
    """Kinds named by cue phrases (``table``) in ``context`` (lower-case words, oldest first),
    nearest first, and of two phrases that end at the same word the longer ("gate code" is no
    card's "code", "zip code" no security code); ``within``: only phrases that end at most this
    many words from the end."""
    order: list[tuple[int, int, str]] = []
    for kind, phrases in table.items():
        best = None
        reach = CUE_REACH.get(kind, CUE_REACH_DEFAULT) if within is None else within
        for phrase in phrases:
            words = phrase.split()
            for end in range(len(context), len(words) - 1, -1):
                if context[end - len(words):end] == words:
                    distance = len(context) - end
                    if distance <= reach:
                        here = (distance, -len(words))
                        best = here if best is None else min(best, here)
                    break
        if best is not None:
            order.append((*best, kind))
    return [kind for *_, kind in sorted(order)]


# an ABA routing number (9), a sort code or BSB (6), a Canadian transit number (5), institution
# number (3), or both said together (8)
ROUTING_LENGTHS = frozenset([3, 5, 6, 8, 9])


# a US social security or Canadian social insurance number (9); an Australian tax file number
# or a New Zealand IRD number (8 or 9)
SOCIAL_LENGTHS = frozenset([8, 9])
# a New Zealand account written bank-branch-account-suffix: "12-3456-0789123-00"
NZ_ACCOUNT = ([2, 4, 7, 2], [2, 4, 7, 3])


def _named(digits: str, cues: list[str], banking: bool, last_four: bool = False) -> str:
    """What a number that is no card is, from its length and the cues before it ("" if none);
    ``banking``: the call has spoken of banks, so an "account number" is a bank account;
    ``last_four``: "the last four of your social" was asked, so four digits are enough."""
    n = len(digits)
    for kind in cues:
        if kind == "none":
            return ""
        if kind == "card_number" and n >= 4:
            return kind
        if kind == "security_code" and n in (3, 4):
            return kind
        if kind == "expiry_date" and n in (3, 4, 6) and 1 <= int(digits[:2 if n != 3 else 1]) <= 12:
            return kind
        if kind == "ssn" and (n in SOCIAL_LENGTHS or (n == 4 and last_four)):
            return kind
        if kind == "routing_number" and n in ROUTING_LENGTHS:
            return kind
        if kind == "bank_account" and 6 <= n <= 17 and banking:
            return kind
        if kind == "phone_number" and 7 <= n <= 15:
            return kind
        if kind == "date_of_birth" and n in (6, 8):
            return kind
        if kind == "street_address" and n in (5, 9):
            return kind
    return ""


def _typed_shape(tokens: list[Token], positions: list[int]) -> str:
    """A kind its written shape alone gives away: 078-05-1120 is an SSN; 555-867-5309,
    617.555.0149, 1-800-555-0199 and (847) 555-0172 are phone numbers."""
    texts = [tokens[p].text for p in positions]
    groups = [group for text in texts for group in re.split(r"[-.]", text)]
    if [len(g) for g in groups] in NZ_ACCOUNT and all(g.isdigit() for g in groups):
        return "bank_account"  # "12-3456-0789123-00", "12 3456 0789123 00"
    if len(texts) == 2 and re.fullmatch(r"\(?\d{3}\)?", texts[0]) \
            and re.fullmatch(r"\d{3}-\d{4}", texts[1]):
        return "phone_number"
    if len(texts) != 1:
        return ""
    parts = [len(part) for part in re.split(r"[-.]", texts[0])]
    if parts == [3, 2, 4]:
        return "ssn"
    if parts in ([3, 3, 4], [3, 4], [1, 3, 3, 4]):
        return "phone_number"
    return ""


# a business's line: freephone and shared-cost numbers (UK, Ireland, Australia)
FREEPHONE = ("0800", "0808", "0300", "0330", "0344", "0345", "0843", "0844", "0845", "0870",
             "0871", "1800", "1300", "1850", "1890")


def _plausible_phone(digits: str) -> bool:
    """A number shaped like a phone number, said with no cue: a US one, or a UK, Irish,
    Australian or New Zealand one dialled from inside the country (0, then nine or ten digits:
    "087 919 3344", "021 555 0739", "07700 900245")."""
    if len(digits) == 10:
        return (digits[0] in "23456789" and digits[3] in "23456789") \
            or (digits[0] == "0" and digits[1] != "0" and not digits.startswith(FREEPHONE))
    return len(digits) == 11 and digits.startswith(("07", "01", "02", "1"))


def find(tokens: list[Token], times: list[float], cut_in: list[int], context_of,
         asked: list[Question] | None = None, banking_in_call: bool = False) -> list[Found]:
    """Numbers in one speaker's ``tokens`` (``times``: each token's start, seconds; ``cut_in``:
    the other party's words just before each, or a large number where those words ask for
    something) that are personal data. ``context_of(word, reach)`` gives the lower-case words
    said before that word, by either party, oldest first: ``reach`` of them, or all if None;
    ``asked[i]``: the question token ``i`` answers; ``banking_in_call``: the call speaks of
    banking at some time, after a number too ("the account ending in 0448" ... "can you give me
    the full routing and account"), so those last digits are a bank account's."""
    out: list[Found] = []
    last_card_s = None
    asked = asked or [NO_QUESTION] * len(tokens)
    for run in runs(tokens, times, cut_in, asked):
        parts = chunks(tokens, run)
        taken = [False] * len(parts)
        card_recently = last_card_s is not None and \
            times[run[0]] - last_card_s <= CARD_DETAILS_WITHIN_S
        # "your tracking number?" "its one z nine nine eight ..."; "dispute number four four
        # seven one ...": a number named as another sort is no card, however its digits check
        question = asked[run[0]]
        named_other = nearest_cue(context_of(tokens[run[0]].word, DIRECT_WORDS),
                                  ANOTHER_NUMBER_CUES)[:1] == ["none"] or (
            question.digits and question.kinds[:1] == ("none",)
            and nearest_cue(context_of(question.since, QUESTION_TAIL_WORDS),
                            ANOTHER_NUMBER_CUES)[:1] == ["none"])
        card_talk = bool(CARD_WORDS.intersection(context_of(tokens[run[0]].word, None)))
        for first, last in [] if named_other else _card_windows(parts, card_talk):
            words = tuple(tokens[p].word for p in range(parts[first].first, parts[last].last + 1))
            checked = luhn_valid("".join(part.digits for part in parts[first:last + 1]))
            out.append(Found("card_number", words,
                             "card_number/luhn" if checked else "card_number/card_call_length"))
            last_card_s = times[parts[last].last]
            for k in range(first, last + 1):
                taken[k] = True
        # what is left is split where the card number was; each piece is named by its cues
        piece: list[int] = []
        for k in range(len(parts) + 1):
            if k < len(parts) and not taken[k]:
                piece.append(k)
                continue
            if piece:
                after = piece[0] > 0 and taken[piece[0] - 1]  # in the card's run, right after it
                repeated = after and set("".join(parts[k].digits for k in piece)) \
                    == {parts[piece[0] - 1].digits[-1]}
                named = [] if repeated else _piece(
                    tokens, parts, piece, context_of,
                    after_card=any(taken[:piece[0]]) or card_recently,
                    banking_in_call=banking_in_call,
                    question=asked[parts[piece[0]].first],
                    goes_on=_answer_goes_on(tokens, asked, parts[piece[-1]].last))
                if not named and after:
                    # "4 -1 -1 -1 ... -1" with seven ones too many: speech recognition looped on
                    # the card's last digit. What runs on from a card in one breath, the
                    # card's last digit again or nothing else, is the card
                    named = [Found("card_number", tuple(
                        tokens[p].word for p in range(parts[piece[0]].first,
                                                      parts[piece[-1]].last + 1)),
                        "card_number/run_on")]
                out.extend(named)
            piece = []
    return out


def _answer_goes_on(tokens: list[Token], asked: list[Question], last: int) -> bool:
    """More digits follow token ``last`` in the same answer (a number given in pieces)."""
    for k in range(last + 1, len(tokens)):
        if asked[k] is not asked[last]:
            return False
        if is_number(tokens[k]):
            return True
    return False


READS = frozenset(["was", "reads", "says", "said", "shows", "showed"])  # "the id on it reads"


def _head_first(context: list[str], cues: list[str]) -> list[str]:
    """``cues`` led by what the name before a qualifier says, when the number follows one ("the
    member id on the card is ...": no card; "the card on the booking is ...": a card)."""
    k = len(context)
    while k and (context[k - 1] in FILLERS or context[k - 1] in GIVING
                 or context[k - 1] in READS):
        k -= 1
    head = _qualified_head(context[:k])
    named = nearest_cue(context[:head], within=0)[:1] if head else []
    if named == ["security_code"]:
        return cues  # "the code for the gate": the qualifier says whose code it is
    return [*named, *(c for c in cues if c not in named)]


def _in_this_call(kinds, banking: bool) -> list[str]:
    """``kinds`` without a bank account unless the call has spoken of banking ("the last four of
    the social on the account" in a phone company's call)."""
    return [k for k in kinds if banking or k != "bank_account"]


def _piece(tokens, parts, piece, context_of, after_card: bool,
           question: Question = NO_QUESTION, goes_on: bool = False,
           banking_in_call: bool = False) -> list[Found]:
    positions = list(range(parts[piece[0]].first, parts[piece[-1]].last + 1))
    digits = "".join(parts[k].digits for k in piece)
    words = tuple(tokens[p].word for p in positions)
    if _clock_time_after(tokens, positions):
        return []  # "went off at the back door at two forty one pm"
    shape = _typed_shape(tokens, positions)
    if shape:
        return [Found(shape, words, f"{shape}/written_shape")]
    banking = bool(BANK_WORDS.intersection(context_of(words[0], None)))
    ended = last_digits_kind(context_of(words[0], DIRECT_WORDS + MAX_ON_FILE + 4),
                             banking_in_call, year=bool(re.fullmatch(r"(19|20)\d\d", digits)))
    if ended and len(digits) in LAST_DIGITS \
            and (ended != "phone_number" or len(digits) >= PHONE_LAST_DIGITS):
        return [Found(ended, words, f"{ended}/last_digits")]
    cues = _head_first(context_of(words[0], DIRECT_WORDS + 4), nearest_cue(context_of(words[0])))
    introduced = nearest_cue(context_of(words[0], DIRECT_WORDS))  # "your order number is ..."
    # "the last four of the social on the account": an account is a bank's only in a call
    # about banking
    asked = _in_this_call(question.kinds, banking)
    named_here = _in_this_call(cues, banking)
    if cues[:1] in ([], ["none"]) and asked[:1] not in ([], ["none"]) and question.digits \
            and "none" not in nearest_cue(context_of(words[0], words[0] - question.since)):
        # digits asked for; nothing in the answer names them, only a word of the question did:
        # the question says what is given ("the last four of the card that was charged" "too ate
        # won nine")
        cues = [*asked, *(k for k in cues if k not in asked and k != "none")]
    if cues[:1] == ["none"] and introduced[:1] != ["none"] and "phone_number" in cues \
            and _plausible_phone(digits):
        # "your name and phone for the order": a number shaped like a phone, asked for
        return [Found("phone_number", words, "phone_number/shape_after_cue")]
    phones = _ten_digit_phones(tokens, parts, piece, cues, context_of)
    if phones:
        return phones
    if cues[:1] == ["none"]:
        return []  # "your order number is ...", "between eight and ten"
    named = [k for k in cues if k != "none"][:1]
    if (after_card and named in ([], ["expiry_date"], ["security_code"], ["card_number"])) \
            or {"expiry_date", "security_code"} & set(cues):
        # a card's details after its number, or asked for: expiry, then the code ("0927 123")
        split = _after_card(parts, piece, tokens, [*cues, *question.kinds[:1]])
        if split:
            return split
    if named == ["date_of_birth"] and _spoken_date([parts[k].digits for k in piece]):
        return [Found("date_of_birth", words, "date_of_birth/spoken_digits")]
    both = _date_then_last_four(tokens, parts, piece, cues, context_of(words[0]))
    if both:
        return both
    kind = _named(digits, cues, banking, last_four=_asked_last_four(context_of(words[0])))
    if kind:
        return [Found(kind, words, f"{kind}/said_after_cue")]
    if len(digits) == 9 and named in ([], ["ssn"]) and engine.ssn_possible(digits) \
            and SOCIAL_WORDS.intersection(context_of(words[0], None)) \
            and not _amount_or_year(tokens, positions) \
            and not _written_in_groups(tokens, positions):  # "84-3310927": an employer's
        # nine digits in a call that has spoken of a social before, said too far from the word
        # for it to name them: a correction or read-back ("the last two are swapped so four six
        # two five five zero zero one eight")
        return [Found("ssn", words, "ssn/nine_digits_in_call")]
    if asked[:1] and asked[0] in PIECEWISE and named_here[:1] == asked[:1] and question.digits \
            and len(digits) >= 3 and _first_of_answer(tokens, positions[0], question) \
            and (goes_on or len(digits) >= LONG_ANSWER
                 or _read_back_inside(tokens, positions, context_of)
                 or CORRECTIONS.intersection(tokens[p].text for p in positions)) \
            and not _amount_or_year(tokens, positions):
        # asked for, and the first number of the answer, given in pieces, with a correction or
        # a digit too many: "the first five are 538-21 ... and the last four 7764", "won ate
        # seven six for two two ate oh sorry two two ate nine"
        return [Found(asked[0], words, f"{asked[0]}/answer")]
    if not cues and _plausible_phone(digits):
        return [Found("phone_number", words, "phone_number/shape")]
    if not cues and len(digits) == 9 and _said_as_the_answer(tokens, positions) \
            and all(numberish(tokens[p]) for p in positions) \
            and not _written_in_groups(tokens, positions) \
            and (engine.aba_valid(digits) or engine.ssn_possible(digits)):
        # nine digits given as an answer, nothing to say what they are, not written in a shape
        # of their own ("4471-882-09"): a routing number when the ABA checksum holds, else a
        # social security number if one could be ("and so shall" "3 9 2 5 7 0 8 8 4")
        kind = "routing_number" if engine.aba_valid(digits) else "ssn"
        return [Found(kind, words, f"{kind}/nine_digits")]
    return []


def _ten_digit_phones(tokens, parts, piece, cues: list[str], context_of) -> list[Found]:
    """The piece as one to three phone numbers of ten digits (``_ten_digit_phone``), more than one
    when they are said one after the other ("770-555-0125 and 770-555-0188")."""
    groups, group, count = [], [], 0
    for k in piece:
        group.append(k)
        count += len(parts[k].digits)
        if count % 10 == 0:
            groups.append(group)
            group = []
    if group or not 1 <= len(groups) <= 3:
        return []
    out = []
    for group in groups:
        positions = list(range(parts[group[0]].first, parts[group[-1]].last + 1))
        digits = "".join(parts[k].digits for k in group)
        if not _ten_digit_phone(tokens, positions, digits, cues, context_of):
            return []
        out.append(Found("phone_number", tuple(tokens[p].word for p in positions),
                         "phone_number/ten_digits"))
    return out


def _ten_digit_phone(tokens, positions, digits: str, cues: list[str], context_of) -> bool:
    """Ten digits in a phone number's shape said in one go ("is nine one nine five five five oh
    one five two still good") are a phone number, however far back the words for it ("and your
    landlord's name and number" ... "apartment twelve" ... "his number is three oh three ..."),
    unless named as a number of another sort right before them or said back after such a name,
    or a card or bank account is named nearer (``cues``, asked-for kinds first). Cues for kinds
    shorter than ten digits do not stand in the way: the last four of a social and a birth date
    answered in one breath ("eight nine four two and ten ten eighty eight") are masked as one
    phone number, a wrong placeholder that leaves nothing in the clear."""
    if not _plausible_phone(digits) or _amount_or_year(tokens, positions):
        return False
    if _written_in_groups(tokens, positions) and _typed_shape(tokens, positions) != "phone_number":
        return False  # "6-0-4-3-2-1-9-8-0-7", an internet address
    first = tokens[positions[0]].word
    if nearest_cue(context_of(first, 2 * DIRECT_WORDS), ANOTHER_NUMBER_CUES,
                   within=DIRECT_WORDS)[:1] == ["none"] \
            or repeats_another_number(digits, context_of(first, REPEAT_REACH_WORDS)):
        return False  # "your claim number is ...", or its digits said back
    # ten digits of a card or bank account ("3764 844730 ..."). An account read back with no
    # word for it near is masked as a phone number: requiring a word for a phone in calls about
    # banking labelled five accounts of the read sets right but left four phone numbers unmasked
    return cues[:1] != ["card_number"] and [k for k in cues if k != "none"][:1] != ["bank_account"]


REPEAT_REACH_WORDS = 40


def repeats_another_number(digits: str, context: list[str]) -> bool:
    """``digits`` were said in ``context`` (lower-case words, oldest first) right after the name
    of another sort of number ("the confirmation number is nine nine oh for ..."): said back."""
    said = [_word_digit(word) for word in context]
    for start in range(len(said) - len(digits) + 1):
        if "".join(d or "-" for d in said[start:start + len(digits)]) == digits:
            return nearest_cue(context[:start], ANOTHER_NUMBER_CUES, within=DIRECT_WORDS)[:1] \
                == ["none"]
    return False


def _word_digit(word: str) -> str:
    """The one digit ``word`` says ("oh", "ate", "7"), else ""."""
    digits = digits_of([token(0, word)])
    return digits if len(digits) == 1 else ""


def _written_in_groups(tokens: list[Token], positions: list[int]) -> bool:
    """Some of the number is written with separators in a shape of its own ("4471-882-09",
    "84-3310927"): not a social or routing number said aloud."""
    return any(tokens[p].typed and re.search(r"\d[-./]\d", tokens[p].text) for p in positions)


def _date_then_last_four(tokens, parts, piece, cues, context) -> list[Found]:
    """A birth date and a social security number asked for together and answered in one
    breath, either order: "six fourteen eighty five and for four too nine" (the last four), "4 6
    oh 3 3 9 oh 1 5 and ten oh nine eighty two" (all nine)."""
    if not {"date_of_birth", "ssn"} <= set(cues):
        return []
    lengths = (4, 9) if _asked_last_four(context) else (9,)
    said = [parts[k].digits for k in piece]

    def found(kind, ks, rule):
        return Found(kind, tuple(tokens[p].word for p in range(parts[ks[0]].first,
                                                                parts[ks[-1]].last + 1)),
                     f"{kind}/{rule}")

    for cut in range(1, len(piece)):
        head, tail = piece[:cut], piece[cut:]
        if _spoken_date(said[:cut]) and len("".join(said[cut:])) in lengths:
            return [found("date_of_birth", head, "spoken_digits"),
                    found("ssn", tail, "after_date")]
        if len("".join(said[:cut])) == 9 and _spoken_date(said[cut:]):
            return [found("ssn", head, "before_date"),
                    found("date_of_birth", tail, "spoken_digits")]
    return []


def _asked_last_four(context: list[str]) -> bool:
    return any(context[i:i + 2] in (["last", "four"], ["last", "4"])
               for i in range(len(context) - 1))


# "the card ending in 4471", "his social ends in 0457", "a checking account ending 4471": the
# digits said right after are the end of the number named just before, as much its kind as the
# whole number ("your order ending in 22" is an order's)
ENDING = (["ending", "in"], ["ends", "in"], ["ending", "with"], ["ends", "with"], ["ending"])
LAST_DIGITS_CUES = {kind: CUES[kind]
                    for kind in ("card_number", "ssn", "bank_account", "routing_number")}
# a phone's last four digits, named right before "ending in": "the mobile ending in 0152", "the
# line ending in 0163" (not "the credit line", "the office line ending in")
LAST_DIGITS_CUES["phone_number"] = (*CUES["phone_number"], "line", "cellphone")
# "the credit line", "the office line": an account's or a business's
NOT_A_PHONE_LINE = frozenset(["credit", "office", "main", "support", "help"])
PHONE_LAST_DIGITS = 3  # at least: "ends in twenty four months" near "your mobile" is a time
# "the number ending in 4419" is a phone's when a phone, or something texted to it, was named a
# few words before ("we'll text updates to the number ending in", "I'll call back on the number
# on file, ending 0172"), and no other number's name is nearer
TEXTED = ("text", "texts", "texted", "sms")
PHONE_OR_NONE = {"phone_number": (*CUES["phone_number"], *TEXTED), "none": CUES["none"]}
# words that may stand between the name and "ending": "the card on file ending in", "the one
# you have ending in"
ON_FILE = frozenset(["on", "file", "we", "i", "you", "have", "the", "that", "is", "was", "still",
                     "number", "one", "your", "own", "see", "it"])
MAX_ON_FILE = 3
LAST_DIGITS = range(2, 5)  # "ending in forty two", "ending in 4471"
LAST_DIGITS_REACH = 8  # words before "ending in" in which a name of the number still counts


# "the card on the booking", "the account for the gym": a qualifier after a number's name
# (not "from" or "with", which follow verbs as often: "the wire coming from my savings")
QUALIFIERS = frozenset(["on", "for", "against", "attached", "linked", "under"])
QUALIFIED = frozenset(["the", "your", "my", "this", "that", "our", "to", "his", "her", "their"])


def _qualified_head(context: list[str]) -> int:
    """Where the name before a qualifier ends when ``context`` ends in one ("... the card |on
    the booking", "... the card |linked to your account"); 0 if it does not."""
    for width in range(2, 5):
        at = len(context) - width
        if at > 0 and context[at] in QUALIFIERS and context[at + 1] in QUALIFIED \
                and not QUALIFIERS.intersection(context[at + 2:]):
            return at
    return 0


def last_digits_kind(context: list[str], banking: bool, year: bool = False) -> str:
    """The kind of the number whose last digits come next, when ``context`` (the words just
    before them, oldest first) ends in "<card / social / account> ... ending in"; "" if not.
    ``year``: the digits could be a year, which "ends in" says of a time ("the offer on this
    card ends in 2027"), not of a number."""
    k = len(context)
    while k and context[k - 1] in FILLERS:
        k -= 1
    for phrase in ENDING:
        if context[k - len(phrase):k] != phrase or (year and phrase[0] == "ends"):
            continue
        end = k - len(phrase)
        while end and k - len(phrase) - end < MAX_ON_FILE and context[end - 1] in ON_FILE:
            end -= 1
        named = _in_this_call(nearest_cue(context[:end], LAST_DIGITS_CUES, within=0), banking)
        head = _qualified_head(context[:end])
        if not named and head:
            # "the card on the booking ends in 2646": the card's; "the booking reference on
            # the card statement ends in": the reference's
            if nearest_cue(context[:head], within=0)[:1] == ["none"]:
                return ""
            named = _in_this_call(nearest_cue(context[:head], LAST_DIGITS_CUES, within=0),
                                  banking)
        if named and not (named[0] == "phone_number"
                          and NOT_A_PHONE_LINE.intersection(context[end - 2:end - 1])):
            return named[0]
        if year:
            return ""  # "your social security benefit ending in 2025": a date
        # the name said a few words earlier ("a credit card opened on the 2nd ending in ...",
        # "which card got the text?" "the one ending in ..."), unless a nearer word names
        # another number ("the order ending in ...")
        nearest = _in_this_call(nearest_cue(context[:end], within=LAST_DIGITS_REACH), banking)
        if nearest[:1] and nearest[0] in LAST_DIGITS_CUES and nearest[0] != "phone_number":
            return nearest[0]
        if "number" not in context[end:k - len(phrase)]:
            return ""
        # "the number ending in": a phone's, if a phone was named nearer than another number
        phone = nearest_cue(context[:end], PHONE_OR_NONE, within=LAST_DIGITS_REACH)
        return "phone_number" if phone[:1] == ["phone_number"] else ""
    return ""


# kinds whose number is often given in pieces ("the first three are ...", "then ...") or with
# a correction; an answer to a question that asked for one is that kind whatever its length
PIECEWISE = frozenset(["ssn", "card_number"])
# numbers people say in groups of two digits as often as one by one ("twenty ate forty six")
GROUPED = frozenset(["date_of_birth", "ssn", "card_number"])
# the kinds a question may ask for as a number said aloud
NUMBER_KINDS = frozenset(CUES) - {"none"}


CORRECTIONS = frozenset(["sorry", "wait", "actually"])  # "... two two ate oh sorry two two ate nine"
LONG_ANSWER = 7  # digits: no time, year or small amount is this long
GIVING = frozenset(["is", "it's", "its", "hers", "his", "mine"])  # "... and hers is 6 2 2 9 ..."


def _said_as_the_answer(tokens: list[Token], positions: list[int]) -> bool:
    """The number is the speaker's whole turn, or follows "is" / "it's" ("and hers is ..."),
    not a mention ("I'm calling about 482 917 365")."""
    first, last = positions[0], positions[-1]
    if first > 0 and tokens[first - 1].word == tokens[first].word - 1:
        return tokens[first - 1].text in GIVING
    return last + 1 == len(tokens) or tokens[last + 1].word != tokens[last].word + 1


def _read_back_inside(tokens: list[Token], positions: list[int], context_of) -> bool:
    """The number went on after the other party read some of it back ("seven two um sixty
    three" "sorry i got seven two and then" "six three")."""
    for p in positions[:-1]:
        gap = tokens[p + 1].word - tokens[p].word - 1
        if gap and any(is_number(token(0, w)) for w in context_of(tokens[p + 1].word, gap)):
            return True
    return False


def _first_of_answer(tokens: list[Token], first: int, question: Question) -> bool:
    """No number was given in this answer before token ``first`` ("the first five are" counts
    digits, it gives none)."""
    k = first - 1
    while k >= 0 and tokens[k].word >= question.since:
        if is_number(tokens[k]) and not counting(tokens, k):
            return False
        k -= 1
    return True


def _amount_or_year(tokens: list[Token], positions: list[int]) -> bool:
    """"two hundred", "1998": a number that is no piece of a card or a social."""
    return any(tokens[p].text in ("hundred", "thousand")
               or (tokens[p].typed and re.fullmatch(r"(19|20)\d\d", tokens[p].digits))
               for p in positions)


EXTENSION_WORDS = frozenset(["extension", "ext", "x"])


_ATTACHED_EXTENSION = re.compile(r"^(x|ext\.?)\d{1,6}$")


def with_extensions(found: list[Found], tokens: list[Token]) -> list[Found]:
    """Phone numbers take in a "plus" said before them and an extension said after them
    ("plus one, three one two, ...", "... extension 3306", "ext. 240", "x 12")."""
    at = {item.word: k for k, item in enumerate(tokens)}
    out = []
    for item in found:
        first = at.get(item.words[0])
        if item.kind == "phone_number" and first and tokens[first - 1].text == "plus" \
                and tokens[first - 1].word == item.words[0] - 1:
            item = Found(item.kind, (item.words[0] - 1, *item.words), item.rule)
        k = at.get(item.words[-1])
        if item.kind == "phone_number" and k is not None and k + 1 < len(tokens) \
                and _ATTACHED_EXTENSION.match(tokens[k + 1].text) \
                and tokens[k + 1].word == item.words[-1] + 1:  # "208-555-0172 x391"
            item = Found(item.kind, (*item.words, tokens[k + 1].word), item.rule)
        elif item.kind == "phone_number" and k is not None and k + 2 < len(tokens) \
                and tokens[k + 1].text in EXTENSION_WORDS and is_number(tokens[k + 2]):
            end = k + 2
            while end + 1 < len(tokens) and is_number(tokens[end + 1]) and end - k < 6:
                end += 1
            item = Found(item.kind, item.words + tuple(t.word for t in tokens[k + 1:end + 1]),
                         item.rule)
        out.append(item)
    return out


def _spoken_date(chunks_said: list[str]) -> bool:
    """Month, day and year said as numbers ("seven four ninety two", "ten twenty three eighty
    eight", "nine twelve nineteen eighty two"), either order of month and day."""
    merged: list[str] = []  # "ten oh nine eighty two": the "oh" belongs to the nine
    for chunk in chunks_said:
        if merged and merged[-1] == "0" and len(chunk) == 1:
            merged[-1] += chunk
        else:
            merged.append(chunk)
    chunks_said = merged
    if len(chunks_said) == 4 and chunks_said[2] in ("19", "20") and len(chunks_said[3]) == 2:
        chunks_said = [*chunks_said[:2], chunks_said[2] + chunks_said[3]]
    if len(chunks_said) != 3 or len(chunks_said[2]) not in (2, 4):
        return False
    first, second = int(chunks_said[0]), int(chunks_said[1])
    return (1 <= first <= 12 and 1 <= second <= 31) or (1 <= first <= 31 and 1 <= second <= 12)


def _after_card(parts, piece, tokens, cues: list[str]) -> list[Found]:
    """A card's expiry (MMYY) and security code (3-4 digits), together or alone."""
    digits = "".join(parts[k].digits for k in piece)
    out: list[Found] = []
    for cut in range(1, len(piece)):
        head = "".join(parts[k].digits for k in piece[:cut])
        tail = "".join(parts[k].digits for k in piece[cut:])
        if len(head) == 4 and 1 <= int(head[:2]) <= 12 and len(tail) in (3, 4):
            for kind, ks in (("expiry_date", piece[:cut]), ("security_code", piece[cut:])):
                words = tuple(tokens[p].word for p in range(parts[ks[0]].first,
                                                             parts[ks[-1]].last + 1))
                out.append(Found(kind, words, f"{kind}/after_card"))
            return out
    positions = range(parts[piece[0]].first, parts[piece[-1]].last + 1)
    words = tuple(tokens[p].word for p in positions)
    # the nearest of the cues before it, or what the other party's question asked for
    asked = [k for k in cues if k in ("expiry_date", "security_code")][:1]
    if len(digits) in (3, 4) and asked == ["security_code"]:
        return [Found("security_code", words, "security_code/after_card")]
    if len(digits) == 4 and 1 <= int(digits[:2]) <= 12:
        return [Found("expiry_date", words, "expiry_date/after_card")]
    if len(digits) == 3 and asked != ["expiry_date"] and _said_digit_by_digit(tokens, positions):
        return [Found("security_code", words, "security_code/after_card")]
    return out


def _said_digit_by_digit(tokens: list[Token], positions) -> bool:
    """A card's code, unnamed, is read out digit by digit ("four one two"); three digits said as
    tens or hundreds ("eighty nine ninety nine", "three forty", "eight hundred and six") are an
    amount or a time said near the card."""
    return not any(tokens[p].text in TEENS or tokens[p].tens
                   or tokens[p].text in ("hundred", "thousand") for p in positions)


def _clock_time_after(tokens: list[Token], positions: list[int]) -> bool:
    """The number said by the tokens at ``positions`` is a time of day: "am" or "pm" said right
    after it ("two forty one pm"), not "am I ...", and its digits read as one (an hour 1-12 and
    minutes under 60): "412, am I right?" and "four one two and nine am" are no times."""
    last = positions[-1]
    after = [t.text for t in tokens[last + 1:last + 4]]
    if not after or tokens[last + 1].word != tokens[last].word + 1:
        return False
    said = after[0] in CLOCK_WORDS or after[:2] in (["a", "m"], ["p", "m"])
    if not said or (after[0] == "am" and after[1:2] == ["i"]):
        return False
    digits = digits_of([tokens[p] for p in positions])
    hour, minutes = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "00")
    return 1 <= len(digits) <= 4 and 1 <= int(hour or "0") <= 12 and int(minutes) < 60
