"""First names that are everyday words ("Will", "May", "Mere", "Drew", "Grace"), found only
where the words around them make them a name: every other rule passes them by as words.

    word_names(lower, cased, speakers, found) -> list[Found]

A word of ``LISTED`` is a name
- before a surname in the same breath ("will hartley", "my wife may tanaka"; not "Will Hodan
  need the bus?" at a sentence's start, nor "in france karim");
- after a greeting or thanks, ending the turn or the sentence ("thanks will", "kia ora mere");
- given as one's name, ending the turn or before "speaking" ("this is will", "my name is may
  how may i help", "it's will speaking");
- after a relation or a role, ending the turn or before a verb no modal takes ("my partner
  will", "my roommate will is moving", "our pharmacist will can call you");
- as an owner ("will's full name"; not "Frank's Towing"), or written with a capital inside a
  sentence ("Thanks, Will.", "and Will is 22/12/1991");
and, once so found, where it is said again in the call as a name is said ("does will have a
key", "a number for will").
"""

from __future__ import annotations

from collections.abc import Sequence

from audio.redact.numbers import Found
from audio.redact.people import (
    COMMON,
    HONORIFICS,
    SAINTS,
    _capitalised,
    _owner,
    _surname_beside,
    paused,
    zipf,
)
from audio.redact.spoken import MONTHS, token

# everyday words that are also first names: no rule of ``people`` takes them as names ("will" and
# "may" are no names to it at all; "grace" or "drew" only where a cue says so); words far
# commoner as words ("mark", "bill", "chase", "grant", "guy") are not here
LISTED = frozenset([
    "will", "may", "mere", "hope", "grace", "faith", "joy", "rose", "drew", "sue", "pat", "penny",
    "dawn", "june", "april", "august", "summer", "autumn", "sunny", "dean", "frank", "ray", "rob",
])
# a surname after one is no everyday word: "will hartley" (Zipf 3.4), not "Hope Harbour" (4.0);
# a double-barrelled or prefixed one as ``people._surname_beside`` takes it ("May Whitfield-Ross")
SURNAME_ZIPF = 3.75
# where a word before one makes it a place: "in france karim", "in Santa Monica"
PLACE_BEFORE = frozenset(["in", "at", "near", "from"])
GREETINGS = frozenset(["hi", "hey", "hello", "hiya", "thanks", "cheers", "ta", "bye", "ora",
                       "morning", "afternoon", "evening", "sorry"])
GIVEN = (("this", "is"), ("it's",), ("its",), ("my", "name", "is"), ("my", "name's"),
         ("my", "names"), ("name's",), ("names",), ("name", "is"), ("named",))
# what is said after a name given in the opening ("my name is may how may i help")
AFTER_GIVEN = frozenset(["speaking", "here", "how", "from"])
RELATIONS = frozenset([
    "partner", "mate", "friend", "roommate", "flatmate", "housemate", "colleague", "neighbour",
    "neighbor", "pharmacist", "tech", "technician", "hygienist", "whaea", "wife", "husband",
    "son", "daughter", "brother", "sister", "grandson", "granddaughter", "nephew", "niece",
    "cousin", "boyfriend", "girlfriend", "fiance", "fiancé", "fiancée", "landlord", "landlady",
    "plumber", "rider", "driver", "tenant", "dentist", "vet", "mum", "mom", "dad", "uncle",
    "aunt", "auntie", "aunty", "nana", "grandma", "grandpa", "coach", "teacher", "adjuster",
    "electrician", "engineer", "caseworker", "carer", "boss",
])
# after a name, never after the modal "will" or "may": "will is", "may wants"
FINITE_AFTER = frozenset([
    "is", "was", "has", "does", "did", "can", "will", "would", "could", "should", "and",
    "wants", "needs", "says", "said", "usually", "always", "who", "isn't", "doesn't", "hasn't",
    "knows", "lives", "works", "helps",
])
# before a name said again: "does will have a key", "tell will", "for will"
NAME_BEFORE = frozenset(["does", "did", "is", "was", "has", "have", "let", "tell", "ask", "for",
                         "to", "with", "call"])
# a greeting that opens a turn before a name said again: "hi will i want to buy ..." (after
# "this is will"); not "thanks will i need to send anything"
HELLOS = frozenset(["hi", "hey", "hello", "hiya"])
# before which a capitalised word is a thing ("your Will", "the Rose Garden")
DETERMINERS = frozenset(["the", "a", "an", "my", "your", "our", "their", "his", "her", "its",
                         "this", "that", "these", "those", "free", "living", "good", "last"])
SUBJECTS = frozenset(["i", "you", "we", "they", "he", "she", "it", "who", "which", "that",
                      "there", "what", "i'll", "you'll", "we'll", "they'll", "it'll", "i'd",
                      "you'd", "we'd"])
# after a greeting at a turn's start, what a caller goes on with ("hi will i'm calling ...")
GOES_ON = frozenset(["yeah", "yes", "um", "uh", "so", "it's", "its", "my", "just", "i'm", "im",
                     "i'd", "id", "i've", "ive", "we're", "this", "how", "thanks"])


def word_names(lower: Sequence[str], cased: Sequence[str], speakers: Sequence[str],
               found: list[Found]) -> list[Found]:
    """Positions of everyday-word first names in the call (``lower``/``cased``: every word of the
    call; ``speakers``: each word's), not already in ``found``, by the cues of this module."""
    taken = {w for f in found for w in f.words}
    named = {lower[w] for f in found if f.kind == "person_name" for w in f.words}
    out = [Found("person_name", (i, i + 1) if cue == "surname" and i + 1 not in taken else (i,),
                 f"person_name/word_name_{cue}")
           for i in range(len(lower)) if i not in taken
           for cue in [_cue(lower, cased, speakers, i, i + 1 < len(lower) and lower[i + 1] in named)]
           if cue]
    names = {_owner(lower[f.words[0]]) for f in out}
    taken |= {w for f in out for w in f.words}
    out += [Found("person_name", (i,), "person_name/word_name_said_again")
            for i in range(len(lower)) if i not in taken and _owner(lower[i]) in names
            and _said_again(lower, cased, speakers, i)]
    return out


def _cue(lower, cased, speakers, i: int, before_a_name: bool) -> str:
    """Which cue makes word ``i`` a name ("" for none); ``before_a_name``: the next word is a
    name found in the call ("tama walker and mere walker")."""
    word = lower[i]
    owner = _owner(word)
    if owner not in LISTED:
        return ""
    before = lower[i - 1] if i > 0 and speakers[i - 1] == speakers[i] else ""
    after = lower[i + 1] if i + 1 < len(lower) and speakers[i + 1] == speakers[i] else ""
    month = owner in MONTHS
    if owner != word:  # "will's"; not "the will's executor", "june's bill", "Frank's Towing"
        return "" if month or before in DETERMINERS or before in SAINTS or (
            i + 1 < len(cased) and _capitalised(cased[i + 1])) else "owner"
    ends = _ends(lower, cased, speakers, i)
    if after and not paused(cased[i]) and not _numberish(after) and after not in COMMON \
            and (before_a_name or (_surname_beside(after, cased[i + 1]) and (
                zipf(after) < SURNAME_ZIPF or not after.isalpha()))) \
            and before not in SUBJECTS | DETERMINERS | PLACE_BEFORE \
            and not (word in COMMON and _opens_sentence(lower, cased, speakers, i)
                     and _capitalised(cased[i]) and not _says_all(lower, cased, speakers, i + 1)):
        return "surname"  # not "Will Hodan need the bus?"; "Will Trotter." is a name
    greeted = before in GREETINGS or (before == "you" and i > 1 and lower[i - 2] == "thank")
    if greeted and (ends or (_opens_turn(speakers, i - 1) and after in GOES_ON
                             and not paused(cased[i]))):
        return "greeting"
    if any(_given(lower, speakers, i, cue) for cue in GIVEN) and (ends or after in AFTER_GIVEN):
        return "given"
    if after == "speaking" and _opens_call(speakers, i):
        return "given"
    if before in RELATIONS and (ends or (after in FINITE_AFTER and not paused(cased[i]))):
        return "relation"
    if before in HONORIFICS and ends and not month:
        return "relation"
    if _capitalised(cased[i]) and word in COMMON and not month and before and \
            not paused(cased[i - 1]) and before not in DETERMINERS and before not in SUBJECTS:
        return "capitalised"  # "Thanks, Will." "and Will is"; not "Will you" at a sentence start
    return ""


def _said_again(lower, cased, speakers, i: int) -> bool:
    """Word ``i`` is a name already found, said as a name: ending the turn or the sentence,
    before a verb no modal takes, after a word only a name follows or a hello that opens the
    turn; never after a subject or a determiner, nor as a month before its day."""
    before = lower[i - 1] if i > 0 and speakers[i - 1] == speakers[i] else ""
    after = lower[i + 1] if i + 1 < len(lower) and speakers[i + 1] == speakers[i] else ""
    if before in SUBJECTS or before in DETERMINERS or _numberish(after):
        return False
    if lower[i] != _owner(lower[i]) or lower[i] not in COMMON:
        return True  # as ``people.everywhere`` spreads a name that is no modal ("mere" again)
    return _ends(lower, cased, speakers, i) or (after in FINITE_AFTER and not paused(cased[i])) \
        or before in NAME_BEFORE or (before in HELLOS and _opens_turn(speakers, i - 1))


def _opens_sentence(lower, cased, speakers, i: int) -> bool:
    return i == 0 or _says_all(lower, cased, speakers, i - 1)


def _says_all(lower, cased, speakers, i: int) -> bool:
    """Word ``i`` ends its turn or its sentence with a full stop, a question or an exclamation
    mark (not a comma: "Will Hope, sorry, Dr. Lindqvist, be doing it?")."""
    return i + 1 == len(lower) or speakers[i + 1] != speakers[i] \
        or cased[i].rstrip().endswith((".", "?", "!"))


def _ends(lower, cased, speakers, i: int) -> bool:
    """Word ``i`` ends its turn or its sentence."""
    return i + 1 == len(lower) or speakers[i + 1] != speakers[i] or paused(cased[i])


def _given(lower, speakers, i: int, cue: tuple[str, ...]) -> bool:
    start = i - len(cue)
    return start >= 0 and tuple(lower[start:i]) == cue and len(set(speakers[start:i + 1])) == 1


def _opens_turn(speakers, i: int) -> bool:
    return i == 0 or speakers[i - 1] != speakers[i]


def _opens_call(speakers, i: int) -> bool:
    """Word ``i`` is in the call's first turn."""
    return all(s == speakers[0] for s in speakers[:i + 1])


def _numberish(word: str) -> bool:
    """Said as a digit, not as ``everyday._numberish`` with its homophones: "too" after a name
    is no number ("send it to will too")."""
    read = token(0, word)
    return bool(word) and bool(read.digits or read.repeat)
