"""Names of people said in a call, as speech recognition writes them: often lower case, so a
name is known by where it is said ("my name is ...", the answer to "who am I speaking with?",
"thanks, ..."), by the 1990 US census lists of first names and surnames (``names`` package,
MIT), by being no everyday English word (``wordfreq``'s English frequencies, MIT / CC BY-SA:
"quarshie", "thistlethwaite"), and, once found, everywhere else it is said in the call. Spelled
names ("s m i t h", "R-A-M-A-N") count when a name is being given."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from audio.redact.numbers import Found
from audio.redact.spelled_codes import spelling_aid
from audio.redact.spoken import FILLERS, MONTHS, Token, ordinal, without_accents

COMMON = frozenset([
    "a", "an", "the", "i", "you", "he", "she", "it", "we", "they", "me", "my", "your", "his",
    "her", "our", "their", "this", "that", "these", "those", "is", "are", "was", "were", "be",
    "been", "being", "am", "do", "does", "did", "have", "has", "had", "not", "no", "yes", "yeah",
    "just", "really", "very", "so", "calling", "ringing", "phoning", "about", "from", "with",
    "for", "to", "of", "on", "in", "at", "by", "sorry", "afraid", "here", "there", "going",
    "trying", "looking", "wondering", "hoping", "still", "also", "again", "now", "well", "okay",
    "ok", "right", "sure", "good", "great", "fine", "happy", "glad", "pleased", "speaking", "sir",
    "madam", "dear", "mate", "love", "ma'am", "thanks", "thank", "hello", "hi", "hey", "bye", "um",
    "uh", "er", "actually", "only", "gonna", "wanna", "customer", "service", "support", "billing",
    "account", "team", "department", "manager", "supervisor", "agent", "called", "call", "number",
    "card", "code", "expiry", "expiration", "date", "birth", "address", "email", "phone", "mobile",
    "how", "can", "may", "what", "who", "where", "when", "why", "could", "would", "will", "shall",
    "should", "help", "and", "or", "but", "if", "then", "than", "as", "one", "two", "three",
    "four", "five", "six", "seven", "eight", "nine", "ten", "all", "any", "some", "every", "new",
    "old", "first", "last", "next", "back", "name", "full", "i'm", "i've",
    "i'll", "i'd", "you're", "you've", "you'll", "it's", "that's", "there's", "we're", "we've",
    "they're", "don't", "can't", "won't", "isn't", "wasn't", "didn't", "doesn't", "haven't",
    "what's", "who's", "here's", "let's", "today", "tomorrow", "please", "morning", "afternoon",
    "evening", "line", "speaking", "talking", "work", "office", "home", "bank", "ready", "go",
    "over", "counselor", "counsellor", "officer", "nurse", "advisor", "adviser", "representative",
    "rep", "colleague", "worker", "yep", "yup", "nope", "correct", "absolutely", "exactly",
    "indeed", "myself",
    # what follows a name ("my neighbour Derek said"): census surnames, but no names here
    "said", "says", "told", "tells", "asked", "asks", "came", "went", "wants", "wanted",
    "thinks", "thought", "knows", "knew", "got", "gave", "sent", "rang", "phoned", "mentioned",
    "suggested", "reckons", "reckoned",
    # contractions as speech recognition writes them, without the apostrophe ("eze im calling")
    "im", "ive", "youre", "youve", "whats", "thats", "theres", "dont", "cant", "isnt", "wasnt",
    "didnt", "doesnt", "havent", "theyre", "weve", "hes", "shes", "she's", "he's", "we'll",
    "we'd", "you'd", "i'd", "they'll", "it'll",
    # said where a name could be ("great, see you then", "thanks man"), and days of the week
    "see", "man", "guys", "buddy", "pal", "spelled", "spelt", "ordered", "fax", "letter",
    "medicare", "medicaid", "hers", "theirs", "ours", "yours", "mine", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday",
    # greetings and acknowledgements said before a name ("morena tevita", "righto aroha")
    "righto", "alrighty", "gday", "g'day", "morena", "cheerio", "howdy", "hiya", "ta", "cheers",
])
# words that open an answer to "and the name?" before the name itself ("my daughter, Isabel
# Delgado", "it's under my husband, Tom", "joint, with my wife Ana")
ANSWER_OPENERS = frozenset([
    "it's", "its", "this", "i'm", "im", "my", "me", "name", "name's", "names", "sure", "oh",
    "yes", "yeah", "okay", "ok", "hi", "hiya", "hello", "under", "that's", "thats", "mine",
    "it", "is", "joint", "mom", "mum", "dad", "mother", "father", "wife", "husband", "son",
    "daughter", "granddaughter", "grandson", "partner", "brother", "sister", "son's",
    "daughter's", "husband's", "wife's", "yep", "husbands", "wifes", "sons", "daughters",
    "mums", "moms", "dads", "maiden", "mum's", "mom's", "dad's", "mother's", "father's",
])
HONORIFICS = frozenset([
    "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "dr", "dr.", "doctor", "sir", "madam",
    "mister"
])
BEFORE_AN_ORGANISATION = frozenset(["calling", "at", "from"])
# a saint's name is a church's, a school's or a hospital's ("saint brendan's", "St Joseph's")
SAINTS = frozenset(["saint", "st", "st."])
# words that make the name before them a business's ("Greenleaf Pharmacy", "Bayview Inn",
# "Hartley and Sons"): a person's name is not followed by them, except as an owner ("Dr Patel's
# clinic"), which only a capitalised business word makes a business ("Murphy's Pharmacy")
BUSINESS_WORDS = frozenset([
    "pharmacy", "pharmacies", "chemist", "chemists", "inn", "hotel", "hotels", "suites", "motel",
    "resort", "solar", "insurance", "assurance", "dental", "dentistry", "clinic", "veterinary",
    "motors", "autos", "garage", "roofing", "plumbing", "construction", "builders", "movers",
    "removals", "logistics", "couriers", "freight", "ltd", "limited", "inc", "llc", "plc",
    "corp", "corporation", "telecom", "broadband", "wireless", "airlines", "airways", "rentals",
    "realty", "lettings", "estates", "fitness", "funeral", "funerals", "florist", "florists",
    "bakery", "cafe", "café", "restaurant", "pizza", "academy", "associates", "solicitors",
    "accountants", "outfitters", "supplies", "hardware", "furniture", "appliances", "aid",
    "electronics", "boutique", "salon", "opticians", "optical", "optometry",
])
# the same, only when written capitalised ("Desert Sun Energy", "Clark County"): said after a
# name in speech they begin the next words as often ("thanks maria credit card please")
CAPITALISED_BUSINESS_WORDS = frozenset([
    "energy", "power", "electric", "electrical", "gas", "water", "utilities", "bank",
    "banking", "savings", "credit", "finance", "financial", "capital", "medical", "health",
    "healthcare", "surgery", "hospital", "vet", "vets", "auto", "heating", "moving", "storage",
    "courier", "express", "group", "company", "co", "services", "solutions", "systems", "foods",
    "market", "markets", "supermarket", "stores", "fibre", "fiber", "rental", "properties",
    "property", "gym", "college", "university", "school", "charity", "foundation", "trust",
    "partners", "legal", "law", "travel", "tours", "holidays", "hire", "homes", "spa",
    "studio", "studios", "cleaning", "landscaping", "nursery", "county", "council", "lodge",
])
# business words that are surnames too, besides the census's ("Omar Travel", "Ines Trust")
SURNAMES_TOO = frozenset(["travel", "trust", "hire", "spa", "capital", "express", "market"])
# what a person is at a business ("emma clinic manager", "dan insurance renewals")
ROLES = frozenset([
    "manager", "managers", "technician", "technicians", "team", "instructor", "renewals",
    "broker", "brokers", "assistant", "advisor", "adviser", "department", "desk", "nurse",
    "lead", "coordinator", "specialist", "agent", "officer", "rep", "representative",
    "supervisor", "receptionist", "director", "owner", "claims", "sales", "support", "services",
])
BUSINESS_JOINERS = frozenset(["&", "and"])  # "Hartley & Sons", "Doyle and Daughters"
BUSINESS_FAMILY = frozenset(["sons", "daughters", "brothers", "bros"])  # only after a joiner
# what is said just before a name
STRONG_CUES = (("my", "name", "is"), ("my", "name's"), ("my", "names"), ("name", "is"), ("name's",),
               ("mister",), ("mr",), ("mrs",), ("ms",), ("miss",), ("doctor",), ("dr",))
WEAK_CUES = (("this", "is"), ("speaking", "with"), ("talking", "to"), ("speak", "to"), ("i'm",),
             ("i", "am"), ("it's",), ("its",), ("call", "me"), ("husband",), ("wife",),
             ("son",), ("daughter",), ("neighbor",), ("neighbour",), ("wife", "is"),
             ("husband", "is"), ("partner", "is"), ("son", "is"), ("daughter", "is"), ("thanks",), ("thank", "you"), ("hi",), ("hello",),
             ("hey",), ("bye",), ("cheers",), ("partner",), ("mum",), ("mom",), ("dad",),
             ("mother",), ("father",), ("brother",), ("sister",), ("beneficiary",),
             ("worker",), ("agent",), ("officer",), ("nurse",), ("advisor",), ("adviser",),
             ("representative",), ("rep",), ("colleague",), ("manager",), ("supervisor",),
             ("counselor",), ("counsellor",))
# job titles: the word after them may be a surname alone ("agent torres")
TITLE_CUES = frozenset([("worker",), ("agent",), ("officer",), ("nurse",), ("advisor",),
                        ("adviser",), ("representative",), ("rep",), ("colleague",),
                        ("manager",), ("supervisor",), ("counselor",), ("counsellor",)])
# how an agent gives their name in the call's opening words ("..., this is kenji")
OPENING_CUES = (("this", "is"), ("speaking", "to"), ("speaking", "with"))
OPENING_WORDS = 30
# cues so common that the word after them is a name only if it is a census first name
LOOSE_CUES = (("sorry",), ("okay",), ("great",), ("with",), ("and",), ("for",), ("ask", "for"),
              ("is", "this"), ("is", "it"), ("names",), ("named",), ("called",), ("under",))
ALL_CUES = tuple(dict.fromkeys(STRONG_CUES + OPENING_CUES + WEAK_CUES + LOOSE_CUES))
NAME_QUESTIONS = (("name",), ("names",), ("surname",), ("who", "am", "i"), ("who", "do", "i"),
                  ("who's", "calling"), ("who", "is", "calling"), ("whom", "am", "i"),
                  ("holder",), ("holders",), ("holder's",), ("insured",))
SPELLING_CUES = frozenset([
    "spell", "spelled", "spelt", "spelling", "surname", "name", "that's", "thats"
])
_WORDLIKE = re.compile(r"^[^\W\d_](?:[^\W\d_]|['\-])*$")  # letters of any script: "fernández"
_SPELLED_TOKEN = re.compile(r"^(?:[a-z]-){2,}[a-z]$")
MAX_NAME_WORDS = 3
# "o'mahony", "d'souza"; not "o'clock" (its rest an everyday word)
_PREFIXED_SURNAME = re.compile(r"^[od]['’]([^\W\d_]{3,})$")
# family words said before a name or as one ("my nana kiri walker", "kuya ben"): some are
# census first names ("nana", "lola")
FAMILY_WORDS = frozenset([
    "nana", "nan", "nanna", "nanny", "gran", "granny", "grandma", "grandpa", "grandad", "papa",
    "mama", "mum", "mom", "dad", "lola", "lolo", "kuya", "amma", "appa", "abuela", "abuelo",
    "bibi", "baba", "aunty", "auntie", "uncle", "tita", "tito", "nonna", "nonno", "oma", "opa",
    "koro", "kuia", "tia", "tio", "flatmate", "housemate", "stepson", "stepdaughter",
    "landlady", "landlord",
])
# words inside surnames: "de groot", "ni bhriain", "van der berg", "o sullivan"
PARTICLES = frozenset(["de", "da", "di", "du", "del", "della", "van", "von", "der", "den", "ter",
                       "ni", "nic", "mac", "mc", "o", "ó", "al", "el", "bin", "ibn", "la", "le"])
SURNAME_RANK = 30_000  # census surnames this common or more are taken after a first name
# Zipf frequency (log10 per billion words) under which a word is no everyday English word: a
# name-like word after a first name, or a full name of two such words after a weak cue
RARE_ZIPF = 3.0
# a census surname this common is a word, not a name, after a title or as a third name word
# ("the agent hung up", "walter pennywhistle born ...")
COMMON_ZIPF = 4.0


@functools.cache
def zipf(word: str) -> float:
    """How common ``word`` is in English (wordfreq's Zipf scale; a hyphenated word: its most
    common part)."""
    from wordfreq import zipf_frequency

    return max(zipf_frequency(part, "en") for part in word.split("-") if part) if word else 0.0


# Faker's locales whose first names callers of English-speaking contact centres carry: the
# 1990 US census lists lack "liam", "pooja", "sione" and "fergal"
FIRST_NAME_LOCALES = (
    "en_US", "en_GB", "en_IE", "ga_IE", "en_NZ", "en_IN", "en_PK", "en_KE", "en_NG", "yo_NG",
    "ig_NG", "ha_NG", "tw_GH", "zu_ZA", "sw", "fr_FR", "fr_CA", "es_ES", "es_MX", "pt_BR",
    "pt_PT", "de_DE", "it_IT", "pl_PL", "nl_NL", "tr_TR", "id_ID", "vi_VN",
)
# after a loose cue ("okay tamam", "and pero") a listed name that is an everyday word (this Zipf
# or more) in a language callers switch into is taken for that word. The locales' lists mix
# languages (de_DE lists "Mehmet"), so every such language is asked, not the locale's own.
OWN_LANGUAGE_ZIPF = 4.5
CALLERS_LANGUAGES = ("es", "pt", "fr", "de", "it", "pl", "nl", "tr", "id", "vi", "ms", "fil")


@functools.cache
def _international_first_names() -> frozenset[str]:
    """First names of ``FIRST_NAME_LOCALES`` in lower case, as written and without accents (as
    speech recognition may write them); none of them an everyday English word (``COMMON``, or
    Zipf ``COMMON_ZIPF`` or more: not "job", "lot", "floor")."""
    import importlib

    out: set[str] = set()
    for locale in FIRST_NAME_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attribute in ("first_names", "first_names_male", "first_names_female",
                          "first_names_unisex"):
            for name in getattr(provider, attribute, None) or ():
                lower = name.lower()
                out |= {spelling for spelling in (lower, without_accents(lower))
                        if spelling.isalpha()}
    return frozenset(name for name in out - COMMON if zipf(name) < COMMON_ZIPF)


@functools.cache
def _census_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, surnames) in lower case, from the ``names`` package's census files."""
    import names

    root = Path(names.__file__).parent

    def read(name: str, limit: int | None = None) -> frozenset[str]:
        out = set()
        for line in (root / name).read_text().splitlines():
            parts = line.split()
            if parts and (limit is None or int(parts[3]) <= limit):
                out.add(parts[0].lower())
        return frozenset(out)

    first = read("dist.male.first") | read("dist.female.first")
    return first - COMMON, read("dist.all.last", SURNAME_RANK) - COMMON


@functools.cache
def census() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, surnames): the census lists, with the first names of
    ``_international_first_names``."""
    first, surnames = _census_lists()
    return first | _international_first_names(), surnames


@functools.cache
def loose_first_name(word: str) -> bool:
    """``word`` is a name even after a loose cue ("okay", "and", "for"): a census first name, or
    a listed one that is rare in English text (Zipf under ``RARE_ZIPF``: not "cord", "safari",
    "kingston") and no everyday word of ``CALLERS_LANGUAGES`` ("tamam", "pero", "prima")."""
    if word in _census_lists()[0]:
        return True
    if word not in _international_first_names() or zipf(word) >= RARE_ZIPF:
        return False
    return _no_callers_word(word)


@functools.cache
def _no_callers_word(word: str) -> bool:
    """``word`` is no everyday word (Zipf ``OWN_LANGUAGE_ZIPF`` or more) of
    ``CALLERS_LANGUAGES``."""
    from wordfreq import zipf_frequency

    return all(zipf_frequency(word, language) < OWN_LANGUAGE_ZIPF
               for language in CALLERS_LANGUAGES)


def _nameish(token: Token) -> bool:
    return _name_word(token.text)


def _name_word(word: str) -> bool:
    """Written like a name, and no word that is never one (``COMMON``, fillers, titles)."""
    return bool(_WORDLIKE.match(word)) and word not in COMMON and word not in FILLERS \
        and word not in HONORIFICS


def _capitalised(cased: str) -> bool:
    word = cased.strip(" ,.?!;:\"'")
    return word[:1].isupper() and not word.isupper()


def _matches(tokens: list[Token], i: int, phrase: tuple[str, ...]) -> bool:
    return tuple(t.text for t in tokens[i:i + len(phrase)]) == phrase


def _same_turn(tokens: list[Token], a: int, b: int) -> bool:
    """No word of the other party between positions ``a`` < ``b`` of one speaker's tokens."""
    return tokens[b].word - tokens[a].word == b - a


def _later_name_word(tokens: list[Token], cased: list[str], j: int, second: bool = True,
                     rare_ok: bool = True) -> bool:
    """Token ``j`` may go on a name: capitalised, no everyday English word, a census name (as a
    third word only one that is no common word: "walter pennywhistle born ..." ends before
    "born"), or a middle initial or a particle ("gerald p nakamura", "wilhelmina de groot",
    "saoirse ni bhriain") before such a word. After a loose cue
    (``rare_ok`` false) a rare word does not go on: "the charge for june autopay"."""
    first_names, surnames = census()
    text = tokens[j].text
    if _capitalised(cased[j]) or (rare_ok and zipf(text) < RARE_ZIPF) or (
            (text in surnames or text in first_names) and (second or zipf(text) < COMMON_ZIPF)):
        return True
    return ((len(text) == 1 or text in PARTICLES) and j + 1 < len(tokens)
            and _same_turn(tokens, j, j + 1) and _nameish(tokens[j + 1])
            and _later_name_word(tokens, cased, j + 1, rare_ok=rare_ok))


def _first_name_word(tokens: list[Token], cased: list[str], j: int, cue: str) -> bool:
    """Token ``j`` may begin a name after a cue of this strength: after a strong one any
    name-like word; in the call's first turn, one that is no everyday word; after a title a
    census surname that is no common word;
    after a weak cue a capitalised word, a census first name, or two rare words (a full name:
    "i'm his mom adaeze quarshie"); after a loose one a census first name."""
    first_names, surnames = census()
    text = tokens[j].text
    if _month_before_its_day(tokens, cased, j):
        return False
    if cue in ("strong", "loose"):
        return cue == "strong" or loose_first_name(text)
    if cue == "opening" and zipf(text) < RARE_ZIPF:
        return True
    if _capitalised(cased[j]) or text in first_names or (
            cue == "title" and text in surnames and zipf(text) < COMMON_ZIPF):
        return True
    after = j + 2 if j + 2 < len(tokens) and tokens[j + 1].text in PARTICLES else j + 1
    return (zipf(text) < RARE_ZIPF and after < len(tokens) and _same_turn(tokens, j, after)
            and _nameish(tokens[after]) and zipf(tokens[after].text) < RARE_ZIPF)


def _month_before_its_day(tokens: list[Token], cased: list[str], j: int) -> bool:
    """"July 15th and August 15th", "set for January 22nd", "May 3": a month; not "june six"
    (an age) or "June, 2 quick questions"."""
    if tokens[j].text not in MONTHS or j + 1 >= len(tokens) or not _same_turn(tokens, j, j + 1) \
            or paused(cased[j]):
        return False
    day = tokens[j + 1]
    return 0 < ordinal(day) <= 31 or (day.typed and day.digits != "" and 0 < int(day.digits) <= 31)


def _take(tokens: list[Token], cased: list[str], start: int, cue: str) -> list[int]:
    """Positions of a name said from ``start``: up to three name-like words of one turn, the
    first as ``_first_name_word`` allows after a cue of strength ``cue``, the rest as
    ``_later_name_word`` does."""
    taken: list[int] = []
    for j in range(start, min(start + MAX_NAME_WORDS, len(tokens))):
        if j > start and not _same_turn(tokens, start, j):
            break
        if not _nameish(tokens[j]) or not (
                _later_name_word(tokens, cased, j, second=len(taken) == 1,
                                 rare_ok=cue != "loose") if taken
                else _first_name_word(tokens, cased, j, cue)):
            break
        taken.append(j)
        if cased[j].rstrip().endswith((",", ".", "?", "!")):
            break
    return taken


def names(tokens: list[Token], cased: list[str], context_of, asked_before) -> list[Found]:
    """Names in one speaker's ``tokens`` (``cased``: each as written); ``context_of(word,
    reach)`` as for numbers: the words before, both parties; ``asked_before(i)``: the other
    party's words just before token ``i`` (their turn, when ``i`` starts one of ours)."""
    out: list[Found] = []
    for i in range(len(tokens)):
        for cue in ALL_CUES:
            end = i + len(cue)
            if end >= len(tokens) or not _matches(tokens, i, cue) or not _same_turn(tokens, i, end):
                continue
            if cue not in STRONG_CUES and cased[end - 1].rstrip().endswith((".", "?", "!")):
                continue  # "Thank you. Unfortunately ...": a new sentence, not a name
            strength = ("strong" if cue in STRONG_CUES else
                        "opening" if cue in OPENING_CUES and _first_turn(tokens, i) else
                        "title" if cue in TITLE_CUES else
                        "weak" if cue in WEAK_CUES else "loose")
            taken = _take(tokens, cased, end, strength)
            if taken:
                out.append(_found(tokens, taken, "person_name/after_cue"))
        if _named_before_speaking(tokens, cased, i):
            out.append(_found(tokens, [i], "person_name/speaking"))  # "Fiona speaking"
        if i == 0 or not _same_turn(tokens, i - 1, i):
            out += _answer_to_name_question(tokens, cased, i, asked_before(i))
    return out + _spelled(tokens, out, context_of)


def _first_turn(tokens: list[Token], i: int) -> bool:
    """Token ``i`` is in the call's opening words, said before the other party spoke: every
    word before it is this speaker's."""
    return tokens[i].word == i and i < OPENING_WORDS


def _named_before_speaking(tokens: list[Token], cased: list[str], i: int) -> bool:
    """"... customer relations, Fiona speaking": a name-like word just before "speaking"
    (capitalised, a census first name, or in the call's first turn no everyday word:
    "reservations kirsty speaking")."""
    return (i + 1 < len(tokens) and tokens[i + 1].text == "speaking"
            and _same_turn(tokens, i, i + 1) and _nameish(tokens[i])
            and (_capitalised(cased[i]) or tokens[i].text in census()[0]
                 or (zipf(tokens[i].text) < RARE_ZIPF and _first_turn(tokens, i))))


def plausible(words_lower: list[str]) -> bool:
    """A name the named-entity model found holds a census first name or surname."""
    first_names, surnames = census()
    return any(w in first_names or w in surnames for w in words_lower if w not in COMMON)


def _answer_to_name_question(tokens, cased, start, asked: list[str]) -> list[Found]:
    """The turn from ``start`` answers "and your name?": its first name-like words are one."""
    if not any(asked[k:k + len(q)] == list(q) for q in NAME_QUESTIONS for k in range(len(asked))):
        return []
    j = start
    while j < len(tokens) and _same_turn(tokens, start, j) and j - start < 5 and (
            tokens[j].text in FILLERS or tokens[j].text in ANSWER_OPENERS):
        j += 1
    if j >= len(tokens) or not _same_turn(tokens, start, j):
        return []
    initials = _initials(tokens, j)
    if initials:  # "K Mensah.", "c j fraser": a surname follows the initials
        k = j + len(initials)
        if not _surname_after_initials(tokens, cased, k):
            return []
        return [_found(tokens, initials + _take(tokens, cased, k, "strong"), "person_name/answer")]
    # a surname asked for, or said as the whole answer ("its harper", "Smith.")
    surname = any(word in ("surname", "last", "family") for word in asked) or (
        j + 1 >= len(tokens) or not _same_turn(tokens, j, j + 1))
    if not _answer_name_word(tokens, cased, j, surname=surname,
                             opens=j == start or cased[j - 1].rstrip().endswith((".", "?", "!"))):
        return []
    taken = _take(tokens, cased, j, "strong")
    return [_found(tokens, taken, "person_name/answer")] if taken else []


MAX_INITIALS = 2
SURNAME_AFTER_INITIALS_ZIPF = 4.5  # "campbell" (4.2) after "j k"; "friend" (5.3) after "a" no


def _surname_after_initials(tokens: list[Token], cased: list[str], k: int) -> bool:
    """Token ``k``, after initials, is a surname: name-like, and capitalised, rare, or a census
    surname that is no everyday word ("a friend gave me ..." is no "A. Friend")."""
    text = tokens[k].text.removesuffix("'s")
    return _nameish(tokens[k]) and (_capitalised(cased[k]) or zipf(text) < COMMON_ZIPF or (
        text in census()[1] and zipf(text) < SURNAME_AFTER_INITIALS_ZIPF))


def _initials(tokens: list[Token], j: int) -> list[int]:
    """One or two single letters from ``j`` that another word of the same turn follows: a
    name's initials when they answer a name question ("J K Campbell.")."""
    out: list[int] = []
    while j + len(out) + 1 < len(tokens) and len(out) < MAX_INITIALS:
        k = j + len(out)
        if len(tokens[k].text) != 1 or not tokens[k].text.isalpha() \
                or not _same_turn(tokens, j, k + 1):
            break
        out.append(k)
    return out if out and len(tokens[j + len(out)].text) > 1 else []


def _answer_name_word(tokens: list[Token], cased: list[str], j: int, opens: bool,
                      surname: bool) -> bool:
    """Token ``j`` may begin the name that answers a name question: a census first name (a
    census surname when a surname was asked for or is the whole answer: "its brown"), a word that is no common
    English word ("liam", "tamihana"), a spelled word ("N-I"), or a capitalised word that does
    not merely open the sentence ("Lovely.", "Certainly." and "Policy" are replies)."""
    first_names, surnames = census()
    text = tokens[j].text.removesuffix("'s")
    if text in COMMON:
        return False
    if surname and text in surnames:
        return True
    return (bool(_SPELLED_TOKEN.match(text)) or any(part in first_names for part in text.split("-")) or zipf(text) < COMMON_ZIPF
            or (_capitalised(cased[j]) and not opens))


def _spelled(tokens, found: list[Found], context_of) -> list[Found]:
    """Letters spelled out ("p a c h e c o", "R-A-M-A-N") when a name is being given."""
    named_words = {w for f in found for w in f.words}
    out: list[Found] = []
    i = 0
    while i < len(tokens):
        if _SPELLED_TOKEN.match(tokens[i].text):
            run = [i]
        else:
            run = []
            k = i
            while k < len(tokens) and len(tokens[k].text) == 1 and tokens[k].text.isalpha() \
                    and (not run or _same_turn(tokens, i, k)):
                # "k as in kilo o w a l c z as in zebra y k": the aid is spelled with its letter
                aid = spelling_aid(tokens, k)
                run.extend(range(k, k + aid + 1))
                k += aid + 1
            if len([r for r in run if len(tokens[r].text) == 1]) < 3:
                i += 1
                continue
        before = context_of(tokens[i].word, 15)
        near_name = any(w in named_words for w in range(tokens[i].word - 15, tokens[i].word))
        if near_name or SPELLING_CUES.intersection(before):
            out.append(_found(tokens, run, "person_name/spelled"))
        i = run[-1] + 1
    return out


def _found(tokens: list[Token], positions: list[int], rule: str) -> Found:
    return Found("person_name", tuple(tokens[p].word for p in positions), rule)


def said_with_its_spelling(words_lower: list[str], found: list[Found]) -> list[Found]:
    """A name spelled and said right before or after its letters ("Y-O-U-N-G, Young", "white w
    h i t e"): that word is the name, however everyday a word it is."""
    named = {w for f in found if f.kind == "person_name" for w in f.words}
    out, i = [], 0
    while i < len(words_lower):
        j, letters = i, ""
        while j < len(words_lower) and j in named and (
                _SPELLED_TOKEN.match(words_lower[j])
                or (len(words_lower[j]) == 1 and words_lower[j].isalpha())):
            letters += words_lower[j].replace("-", "")
            j += 1
        if len(letters) >= 2:
            out += [Found("person_name", (k,), "person_name/said_with_its_spelling")
                    for k in (i - 1, j) if 0 <= k < len(words_lower) and words_lower[k] == letters]
        i = max(j, i + 1)
    return out


def everywhere(words_lower: list[str], found: list[Found]) -> list[Found]:
    """Every other place in the call where a name already found is said again, its possessive
    too ("Sione's", and as speech recognition writes it, "kaylas" when that is no word)."""
    said = {_owner(words_lower[w]) for f in found if f.kind == "person_name" for w in f.words}
    said = {w for w in said if len(w) >= 3 and w not in COMMON and _WORDLIKE.match(w)}
    return [Found("person_name", (i,), "person_name/said_again")
            for i, w in enumerate(words_lower)
            if _owner(w) in said or (w.endswith("s") and w[:-1] in said and zipf(w) < RARE_ZIPF)]


def rare_said_again(lower: list[str], cased: list[str], found: list[Found]) -> list[Found]:
    """``everywhere``, run again after the tagger and the neighbours, for the names they found
    that are no English word ("agnieszka", not "frost"), never written in capitals (not "IRD",
    "IBAN"), and not where a saint's name makes it a place ("St Bede's")."""
    acronyms = {w for w, c in zip(lower, cased, strict=True) if _acronym(c)}
    out = []
    for f in everywhere(lower, found):
        at = f.words[0]
        name = _owner(lower[at])
        if zipf(name) < RARE_ZIPF and name not in acronyms and not (at and lower[at - 1] in SAINTS):
            out.append(f)
    return out


def _acronym(cased: str) -> bool:
    letters = cased.strip(" .,?!;:'\"()")
    return len(letters) >= 2 and letters.isalpha() and letters.isupper()


def _owner(word: str) -> str:
    """``word`` without a possessive "'s" or "'" ("sione's" -> "sione", "james'" -> "james")."""
    return word.removesuffix("'s").removesuffix("’s").removesuffix("'")


def names_a_business(lower: list[str], cased: list[str], positions: tuple[int, ...]) -> bool:
    """The name at ``positions`` (word positions; ``lower``/``cased``: every word of the call)
    is a business's: a business word follows it in the same breath ("Greenleaf Pharmacy",
    "Bayview Inn", "Hartley & Sons", "Murphy's Pharmacy"), or one that is never a surname is
    among its words after the first ("Summit Fitness Halifax", "Gift Aid"; "Aoife Power" and
    "Tom Law" are people). Not after a title ("Dr Patel's Clinic"), nor before a role ("this is
    emma clinic manager", "jenny pharmacy technician")."""
    first, last = min(positions), max(positions)
    if (first and lower[first - 1] in HONORIFICS) or any(lower[p] in ROLES for p in positions):
        return False  # "Dr Patel's Clinic", "sarah insurance broker"
    surnames = census()[1]
    if any(lower[p] in BUSINESS_WORDS or (_business_word(lower, cased, p) and lower[p] not in
                                          surnames | SURNAMES_TOO) for p in positions if p != first):
        return True
    after = last + 1
    if after >= len(lower) or paused(cased[last]):
        return False
    if lower[after] in BUSINESS_JOINERS and after + 1 < len(lower):
        return lower[after + 1] in BUSINESS_FAMILY
    if after + 1 < len(lower) and lower[after + 1] in ROLES:
        return False
    if lower[last].endswith(("'s", "s'")) or lower[last].endswith("s") and \
            lower[last][:-1] in census()[1]:  # an owner: "Dr Patel's clinic", "patels clinic"
        return _business_word(lower, cased, after) and _capitalised(cased[after])
    return _business_word(lower, cased, after)


def _business_word(lower: list[str], cased: list[str], i: int) -> bool:
    return lower[i] in BUSINESS_WORDS or (lower[i] in CAPITALISED_BUSINESS_WORDS
                                          and _capitalised(cased[i]))


# the letters "a" and "i" are words too: an initial only after a title ("mrs i mcleish") or
# written as a capital before a capitalised name ("A Nwachukwu & E Okafor")
ARTICLE_LETTERS = frozenset(["a", "i"])


def neighbours(lower: list[str], cased: list[str], speakers: list[str],
               found: list[Found]) -> list[Found]:
    """The initial or first name just before a name found ("in the name of G Rossi", "mrs i
    mcleish", "rajesh [kumar]": ``_first_name_before``) and a surname just after one
    (``_surname_beside``), said by the same speaker with no pause between (``lower``/``cased``:
    every word of the call; ``speakers``: each word's)."""
    taken = {w for f in found for w in f.words}
    named = sorted({w for f in found if f.kind == "person_name" for w in f.words})
    out = []
    for w in named:
        left, right = w - 1, w + 1
        if left >= 0 and left not in taken and speakers[left] == speakers[w] \
                and not paused(cased[left]):
            if _initial(lower, cased, left, w):
                out.append(Found("person_name", (left,), "person_name/initial"))
            elif _first_name_before(lower, cased, left):
                out.append(Found("person_name", (left,), "person_name/first_name_before"))
        if right < len(lower) and right not in taken and speakers[right] == speakers[w] \
                and not paused(cased[w]) and not lower[w].endswith(("'s", "s'")) \
                and lower[w] not in MONTHS and _surname_beside(lower[right], cased[right]):
            # not "Mochi's physio", "the charge for june autopay"
            out.append(Found("person_name", (right,), "person_name/surname_beside"))
    return out


def paused(cased: str) -> bool:
    """A word as written ends with a pause: a comma, a full stop, a question mark, ..."""
    return cased.rstrip().endswith((",", ".", "?", "!", ";", ":"))


def _initial(lower: list[str], cased: list[str], i: int, name: int) -> bool:
    letter = lower[i]
    if len(letter) != 1 or not letter.isalpha():
        return False
    if letter not in ARTICLE_LETTERS:
        return True
    titled = i > 0 and lower[i - 1] in HONORIFICS
    written = cased[i].strip(" \"'(").isupper() and _capitalised(cased[name])
    return titled or written


def _first_name_before(lower: list[str], cased: list[str], i: int) -> bool:
    """A first name of the lists that is no everyday word, or, written with a capital, a word
    that is none at all in English nor in a language callers switch into ("Anand"); not a
    family word ("my nana kiri"), not after a title, where the word is the surname ("mrs
    [kumar]" is taken already)."""
    word = lower[i]
    if not _nameish_word(word) or "'" in word or word in FAMILY_WORDS \
            or (i and lower[i - 1] in HONORIFICS):
        return False
    if word in census()[0] and zipf(word) < COMMON_ZIPF:
        return True
    return _capitalised(cased[i]) and zipf(word) < RARE_ZIPF and _no_callers_word(word)


def _surname_beside(word: str, cased: str) -> bool:
    """A census surname that is no everyday word, or, written with a capital, no English word
    at all ("Nwachukwu"; not speech recognition's "autopay"); an Irish or French one as speech
    recognition writes it ("o'mahony", "d'souza"), a double-barrelled one whose every part is
    a census surname or no English word, one at least no everyday word ("fitzgerald-reyes",
    "adeyemi-okafor"; not "long-term")."""
    if not _nameish_word(word):
        return False
    prefixed = _PREFIXED_SURNAME.match(word)
    if prefixed:
        return zipf(prefixed.group(1)) < COMMON_ZIPF
    parts = [part for part in word.split("-") if part]
    if len(parts) > 1:
        return all(part in census()[1] or zipf(part) < RARE_ZIPF for part in parts) \
            and any(zipf(part) < COMMON_ZIPF for part in parts)
    return (word in census()[1] and zipf(word) < COMMON_ZIPF) or \
        (_capitalised(cased) and zipf(word) < RARE_ZIPF)


def _nameish_word(word: str) -> bool:
    """``_name_word``, and no business word or role beside a name ("[sarah] pharmacy")."""
    return _name_word(word) and word not in BUSINESS_WORDS and word not in ROLES
