"""National identity numbers with letters, said or written in a call, masked as social security
numbers: a UK National Insurance number (two letters, six digits, a letter A-D: "NP 73 05 62 A",
"j t four eight two one oh nine b") and an Irish PPS number (seven digits and one or two
letters: "7612220VA", "five two eight eight two zero zero u a"). Letters and digits are read
one by one across a short cut-in of the other party (``spelled_codes``); a number counts
only where a word for such a number was said shortly before ("national insurance", "PPS",
"social"), since seven digits and a letter may be anything."""

from __future__ import annotations

from audio.redact import kinds, spelled_codes
from audio.redact.numbers import HOMOPHONES, Found, nearest_cue
from audio.redact.spelled_codes import AMBIGUOUS
from audio.redact.spoken import Token

# the words that name such a number (lower case, one to four words), besides a social's own;
# the nearer name of another sort of number ("your order reference is ...") says it is none
CUES = {"ssn": ("national insurance", "insurance number", "ni number", "n i number", "n i",
                "pps", "p p s", "ppsn", "pps number", "personal public service", "social",
                "ssn", "social security", "sin", "social insurance"),
        "none": kinds.CUES["none"]}
CUE_REACH = 25  # words between the cue and the number
DIGIT = "0123456789"
# each position's characters
SHAPES = {
    # the first two letters are never D, F, I, Q, U or V, and the second never O; but HMRC's
    # specimen prefix QQ ("QQ 12 34 56 C") is what forms, training material and test calls use
    "national_insurance": ["ABCEGHJKLMNOPQRSTWXYZ", "ABCEGHJKLMNPQRSTWXYZ", *[DIGIT] * 6, "ABCD"],
    "pps": [*[DIGIT] * 7, "ABCDEFGHIJKLMNOPQRSTUVW", "ABCDEFGHIW"],
}
OPTIONAL_LAST = frozenset(["pps"])  # its second letter is not always given


def _fits(said: str, shape: list[str]) -> bool:
    """``said`` (upper case, ``AMBIGUOUS`` for o) begins a number of this shape; a spoken "oh"
    is a zero there, never the letter that ends the number ("... seven ate oh")."""
    return len(said) <= len(shape) and all(
        char in allowed or (char == AMBIGUOUS and "0" in allowed)
        for char, allowed in zip(said, shape, strict=False))


def _complete(said: str, name: str) -> bool:
    size = len(SHAPES[name])
    return len(said) == size or (name in OPTIONAL_LAST and len(said) == size - 1)


def national_ids(tokens: list[Token], cuts: list[int], context_of) -> list[Found]:
    """National Insurance and PPS numbers in one speaker's ``tokens`` (time order); ``cuts[i]``:
    the other party's words before token ``i``; ``context_of(word, reach)``: the words before."""
    out: list[Found] = []
    i = 0
    while i < len(tokens):
        taken = _read(tokens, cuts, i)
        # one found just before names the next ("... six nine w, and yours is six six oh ..."),
        # unless another sort of number is named nearer ("your case number is 2233445 H")
        after_one = bool(out) and tokens[i].word - out[-1].words[-1] <= CUE_REACH
        named = nearest_cue(context_of(tokens[i].word, CUE_REACH), CUES, within=CUE_REACH)[:1]
        if taken and (named == ["ssn"] or (after_one and named != ["none"])):
            out.append(Found("ssn", tuple(tokens[k].word for k in taken), "ssn/national_id"))
            i = taken[-1] + 1
        else:
            i += 1
    return out


def _read(tokens: list[Token], cuts: list[int], start: int) -> list[int]:
    """The tokens of a whole number of one of the ``SHAPES`` that begins at ``start``."""
    first = tokens[start]
    spelled = len(first.text) == 1 or (bool(first.digits) and not first.typed) \
        or first.text in HOMOPHONES  # "ate seven three ..."
    best: list[int] = []
    for name, shape in SHAPES.items():
        steps = spelled_codes.read(tokens, cuts, start, spelled,
                                   lambda said, shape=shape: _fits(said, shape))
        whole = [taken for taken, said in steps if _complete(said, name)]
        if whole and len(whole[-1]) > len(best):
            best = whole[-1]
    return best
