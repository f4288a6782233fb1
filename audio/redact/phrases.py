"""Personal data that is words rather than a run of digits: e-mail addresses said aloud ("jane
dot doe at gmail dot com"), street addresses ("one seventeen Maple Avenue, apartment 4B"), dates
of birth and card expiry dates said with month names, and names after "my name is"."""

from __future__ import annotations

import re

from audio.redact import places
from audio.redact.kinds import DATE_CUES, SOMEONE_ELSE
from audio.redact.numbers import (
    HOMOPHONES,
    QUANTITY_AFTER,
    QUANTITY_QUALIFIERS,
    TAIL_HOMOPHONES,
    Found,
    as_number,
    nearest_cue,
    numberish,
    read_homophones,
)
from audio.redact.people import BUSINESS_WORDS, zipf
from audio.redact.spoken import (
    FILLERS,
    MONTHS,
    TEENS,
    TENS,
    UNITS,
    Token,
    digit_string,
    is_number,
    ordinal,
)

TLDS = frozenset([
    "com", "net", "org", "edu", "gov", "uk", "co", "io", "us", "ca", "info", "biz", "me", "au",
    "ie", "de", "fr", "nz", "mail",
])
# said ("dot example"), never taken from a written domain: "reach us at westmarch.gov.example";
# not everyday words ("online", "live", "app", "shop"): "doors open at seven on the dot, live
# music from eight" and "book at citycabs dot app" are no e-mails
SPOKEN_TLDS = frozenset(["example"])
# words that end the local part of a spoken e-mail address when read backwards
EMAIL_STOPS = frozenset([
    "is", "it's", "its", "email", "e-mail", "email's", "e-mail's", "address", "my", "that's",
    "thats", "me", "yes",
    "yeah", "so", "sure", "the", "at", "it", "to", "from", "for", "of", "with", "as", "was",
    "be", "use", "using", "new", "old", "change", "changing", "update", "updating", "under",
    "one's", "that", "this", "send", "sent", "try", "write", "put", "or", "instead",
    # a website said after them ("apply online at tri county gas dot com"); not "web" or
    # "site", which begin local parts ("sarah dot web at ...", "site dot admin at ...")
    "online", "website", "visit",
]) | FILLERS
STREET = frozenset([
    "street", "st", "avenue", "ave", "road", "rd", "lane", "ln", "drive", "dr", "boulevard",
    "blvd", "court", "ct", "close", "way", "place", "pl", "crescent", "terrace", "grove",
    "gardens", "parkway", "highway", "hwy", "circle", "cir", "trail", "square", "row", "mews",
    "hill", "walk", "park", "parade", "concourse", "plaza", "alley", "loop", "pike", "turnpike",
    "esplanade", "quay", "thruway", "freeway", "expressway", "bend", "point", "crossing",
    "cove", "path", "heights",
])
UNIT = frozenset(["apartment", "apt", "unit", "flat", "suite", "number", "#", "lot", "space",
                  "building", "bldg", "floor", "room", "ste"])
# units said on their own ("and the unit?" "apartment three f"); "room two", "number four" and
# "floor six" say other things too often
UNIT_ALONE = frozenset(["apartment", "apt", "unit", "flat", "suite"])
# said between a unit's number and the house number ("2/78 Tory Street" read aloud)
UNIT_SEPARATORS = frozenset(["slash", "stroke"])
# street words said before the name ("14 rue saint paul", "1122 calle del sol")
STREET_FIRST = frozenset(["rue", "calle", "avenida", "chemin", "camino", "via"])
HESITATIONS = frozenset(["um", "uh", "er", "erm", "ah", "eh", "hmm"])
# letters said with a word for them: the NATO alphabet ("Alpha, Zulu"), or "r for romeo",
# "m as in mary", "s like sugar" (any word that begins with the letter)
NATO = {"alpha": "a", "alfa": "a", "bravo": "b", "charlie": "c", "delta": "d", "echo": "e",
        "foxtrot": "f", "golf": "g", "hotel": "h", "india": "i", "juliet": "j", "juliett": "j",
        "kilo": "k", "lima": "l", "mike": "m", "november": "n", "oscar": "o", "papa": "p",
        "quebec": "q", "romeo": "r", "sierra": "s", "tango": "t", "uniform": "u",
        "victor": "v", "whiskey": "w", "whisky": "w", "xray": "x", "x-ray": "x",
        "yankee": "y", "zulu": "z"}
LETTER_FOR = (("as", "in"), ("for",), ("like",))
SKIPPED = "um"
# what an answer may open with before what it gives ("it's m four l one a seven")
ANSWER_OPENERS = frozenset(["it's", "its", "it", "is", "that's", "thats", "yeah", "yes", "sure",
                            "so", "okay", "ok", "um", "uh", "er", "erm"])  # what the words that only name a letter become, so a spelled code reads on
# what a postcode said letter by letter is asked for with
POSTCODE_CUES = ("postcode", "post code", "postal code", "eircode", "postal")
# a postcode said letter by letter, each token a letter (L), a digit (D) or two digits (T):
# Canadian "k one s three x four"; UK outward code then inward code, "l s six four b q",
# "m fourteen five t q", "c f thirty seven two n d"; an Irish Eircode, a routing key then four
# letters and digits, "d oh two e k seven ate"
_SPELLED_POSTCODE = re.compile(r"^(?:LDD(?=[LD]{0,3}L)[LD]{4}|LDLDLD|L{1,2}(?:D|DD|T)L?DLL)")
# an Eircode written: "D08 VF8H", "k78 x2p9"
_EIRCODE = (re.compile(r"^[acdefhknprtvwxy]\d[\dw]$"),
            re.compile(r"^(?=.*\d)(?=.*[a-z])[\dacdefhknprtvwxy]{4}$"))  # its letters only
# words that make a number and the words after it no street before a unit ("two business days")
NOT_A_STREET_BEFORE_UNIT = QUANTITY_AFTER | QUANTITY_QUALIFIERS
# "108th street", "2nd floor": ``ordinal`` reads only what a day may be (two digits at most)
_NUMBERED = re.compile(r"^\d{1,3}(?:st|nd|rd|th)$")
# a house number with its letter ("43a") or its unit first ("4/16", "1204-1508")
_WRITTEN_HOUSE = re.compile(r"^(?:\d{1,5}[/-])?(\d{1,5})[a-h]?$")
_YEARS = re.compile(r"^(?:19|20)\d\d-(?:19|20)?\d\d$")
_TYPED_UNIT = re.compile(r"^#?(?:\d{1,4}[a-z]{0,2}|[a-z]\d{1,4})$")
DIRECTIONS = frozenset([
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "n",
    "s", "e", "w", "ne", "nw", "se", "sw",
])
US_STATES = frozenset([
    "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut",
    "delaware", "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas",
    "kentucky", "louisiana", "maine", "maryland", "massachusetts", "michigan", "minnesota",
    "mississippi", "missouri", "montana", "nebraska", "nevada", "new", "hampshire", "jersey",
    "mexico", "york", "carolina", "dakota", "ohio", "oklahoma", "oregon", "pennsylvania",
    "rhode", "island", "tennessee", "texas", "utah", "vermont", "virginia", "washington",
    "wisconsin", "wyoming", "dc",
])
# two-letter state codes that are no English word: taken only when a zip code follows
STATE_CODES = frozenset([
    "al", "ak", "az", "ar", "ca", "co", "ct", "de", "fl", "ga", "ia", "id", "il", "ks", "ky",
    "la", "md", "ma", "mi", "mn", "ms", "mo", "mt", "ne", "nv", "nh", "nj", "nm", "ny", "nc",
    "nd", "ok", "pa", "ri", "sc", "sd", "tn", "tx", "ut", "vt", "va", "wa", "wv", "wi", "wy",
    # also words ("Portland, OR 97214"): a state code counts only before a zip code
    "or", "in", "me", "hi", "oh", "dc",
])
CITY_WORDS = 3  # words of a city name between the street (or unit) and a state or zip code
_UK_OUTWARD = re.compile(r"^[a-z]{1,2}\d[a-z\d]?$")
# not an ordinal ("the M6, 4th exit"); "1th" is no ordinal, so "BS8 1TH" stays a postcode
_UK_INWARD = re.compile(r"^(?!1st$|2nd$|3rd$|[04-9]th$)\d[a-z]{2}$")
# Canadian provinces and Australian states (and their codes), taken like a US state
REGIONS = frozenset([
    "ontario", "quebec", "alberta", "manitoba", "saskatchewan", "nova", "scotia", "brunswick",
    "newfoundland", "labrador", "yukon", "nunavut", "queensland", "nsw", "victoria",
    "tasmania", "qld",
])
# their short codes, words too ("on", "vic"): taken only before a postcode, like a state code
REGION_CODES = frozenset(["bc", "on", "qc", "ab", "mb", "sk", "ns", "nb", "nl", "pe", "vic",
                          "tas"])
_CA_POSTCODE = (re.compile(r"^[a-z]\d[a-z]$"), re.compile(r"^\d[a-z]\d$"))
NOT_A_STREET_NAME = frozenset([
    "the", "a", "an", "to", "on", "in", "at", "of", "my", "your", "our", "and", "is", "was",
    "it's", "its", "this", "that", "from", "for", "with", "by", "near", "off", "i", "you", "we",
    "they", "he", "she", "me", "us", "them", "his", "her", "their", "i'm", "you're", "we're",
    "didn't", "don't", "doesn't", "can't", "won't", "isn't", "wasn't", "got", "get", "have",
    "has", "had", "were", "are", "be", "been", "if", "or", "but", "not", "no",
]) | FILLERS
# the last word of a house's or building's name ("Rose Cottage", "The Old Rectory", "Albion
# House", "the granary"): said before a street or a house number, the name is part of the
# address
HOUSE_NAME_WORDS = frozenset([
    "cottage", "lodge", "rectory", "vicarage", "manse", "forge", "granary", "farmhouse", "farm",
    "barn", "manor", "grange", "croft", "mill", "house", "villa", "bungalow", "maltings",
    "stables", "schoolhouse", "coachhouse", "chapel", "oast", "smithy",
])
# words of a house's name before its last word that are no name ("my house", "the whole farm")
NOT_A_HOUSE_NAME = NOT_A_STREET_NAME | frozenset([
    "whole", "same", "other", "next", "family", "own", "new", "old", "big", "small", "white",
    "green", "main", "any", "every", "each", "one", "two", "this", "that", "house", "home",
    "opera", "court", "town", "guest", "custom", "customs", "state", "meeting", "public", "ware",
    "wash", "boat", "light", "club", "field", "store", "station",  # public and other buildings
])
HOUSE_NAME_LEADS = frozenset(["old", "little", "coach", "school", "mill", "dower"])  # "the old ..."
# words that make a house's name a business's or a place's ("Manor Farm Shop", "Oak Lodge
# Hotel", "the old barn wedding venue", "the grange golf club")
NOT_A_HOME = BUSINESS_WORDS | frozenset([
    "shop", "shops", "hotel", "pub", "bar", "inn", "tea", "rooms", "tearooms", "venue", "club",
    "golf", "retail", "supply", "supplies", "centre", "center", "store", "stores", "kitchen",
    "bistro", "brewery", "nursery", "gallery", "museum", "theatre", "theater", "cinema", "spa",
    "studio", "studios", "office", "offices", "surgery", "practice", "wedding", "guesthouse",
    "b&b", "campsite", "vets", "gym", "bank", "hospital", "school", "college",
])
HOUSE_STREET_WORDS = 3  # name words between a house's name and its street word
# Irish housing estates said with "the" after the house number ("twelve the paddocks")
ESTATES_AFTER_THE = frozenset(["paddocks", "maltings", "meadows", "orchard", "orchards",
                               "beeches", "elms", "oaks", "willows", "pines", "granary",
                               "courtyard", "green", "glebe", "hollows", "glen"])
IRISH_COUNTIES = frozenset([
    "antrim", "armagh", "carlow", "cavan", "clare", "cork", "derry", "donegal", "down", "dublin",
    "fermanagh", "galway", "kerry", "kildare", "kilkenny", "laois", "leitrim", "limerick",
    "longford", "louth", "mayo", "meath", "monaghan", "offaly", "roscommon", "sligo",
    "tipperary", "tyrone", "waterford", "westmeath", "wexford", "wicklow",
])
CODE_WORDS = frozenset(["postcode", "eircode", "zip", "zipcode", "postal"])
DUBLIN_DISTRICTS = 24  # "dublin six w", "Dublin 15": the postal district after the city
HOUSE_LETTERS = frozenset("abcdefgh")  # "43a", "forty three b": the letters houses are split by
# what "a" means "per" before ("sixty a month", "three a day"): no house letter
PER = frozenset(["month", "week", "day", "year", "night", "hour", "minute", "piece", "time",
                 "head", "person", "go", "pop", "mile", "kilo", "pound", "unit", "box"])
MAX_CUT_IN = 3  # the other party's words ("mm-hmm", "go on") inside an address said in pieces
DOTS = frozenset(["dot", "period", "."])
DOMAIN_WORDS = 3  # a domain said as up to three words before its first "dot"
LOCAL_WORDS = 8  # words of a local part said before "at"
# ... or, spelled letter by letter with digits and separators, this many tokens ("b r o o k e
# dot w e l l s", "t o n y r u s s o zero one")
LOCAL_SPELLED = 40
SEPARATORS = frozenset(["dot", "period", "underscore", "dash", "hyphen"])
# a word this frequent in English text (Zipf) is said before an address, not in its local part
# ("you can check any time at brightwave.co.uk"; "support", "team", "home" are rarer)
EVERYDAY_ZIPF = 5.9
_WORDLIKE = re.compile(r"^[a-z][a-z'\-]*$")
_TYPED_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")
_TYPED_DATE = re.compile(r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}$")


def emails(tokens: list[Token]) -> list[Found]:
    """Typed ("jane.doe@example.com") and spoken ("j doe seventy two at outlook dot com")."""
    out: list[Found] = []
    for i, item in enumerate(tokens):
        if _TYPED_EMAIL.match(item.text):
            out.append(Found("email", (item.word,), "email/written"))
            continue
        if item.text not in ("at", "@"):
            continue
        end = _domain_end(tokens, i + 1)
        if end is None:
            continue
        start = i
        while start - 1 >= 0 and (i - (start - 1) <= LOCAL_WORDS or (
                i - (start - 1) <= LOCAL_SPELLED and _spelled(tokens[start - 1]))):
            before = tokens[start - 1]
            if (not (before.text or before.digits)
                    or before.word != tokens[start].word - 1):  # the other party spoke between
                break
            if _ends_local_part(tokens, start - 1):
                if _opens_local_part(tokens, start - 1):
                    start -= 1
                break
            start -= 1
        if start == i:
            continue
        out.append(Found("email", tuple(t.word for t in tokens[start:end + 1]), "email/spoken"))
    return out


def _opens_local_part(tokens: list[Token], k: int) -> bool:
    """An everyday word ``k`` is still the address's first word when a separator follows it and
    it opens the speaker's turn or follows "is", "it's", "email's" ("his email's will dot oc at
    ...", "will dot o c at example dot com, got it")."""
    if tokens[k].text in EMAIL_STOPS or tokens[k + 1].text not in SEPARATORS:
        return False
    return k == 0 or tokens[k - 1].word != tokens[k].word - 1 \
        or tokens[k - 1].text in EMAIL_STOPS


def _ends_local_part(tokens: list[Token], k: int) -> bool:
    """Token ``k``, read backwards from "at", is a word said before the address, not in it; a
    separator ("r dot carter hyphen hughes") and a number's homophone after a number ("oscar
    dot v ninety for at") are in it."""
    text = tokens[k].text
    if text in SEPARATORS:
        return False
    if text in HOMOPHONES and k and is_number(tokens[k - 1]) \
            and tokens[k - 1].word == tokens[k].word - 1:
        return False
    return text in EMAIL_STOPS or (len(text) > 1 and text.isalpha() and not tokens[k].digits
                                   and zipf(text) >= EVERYDAY_ZIPF)


MIN_LOCAL_READ_BACK = 4  # letters and digits: "raj.v" spelled again is one, "jk" is no evidence


def local_part_read_backs(found: list[Found], streams: list[list[Token]],
                          call: list[Token]) -> list[Found]:
    """An e-mail's local part said again, spelled or read back, without its domain ("It's
    liam_oconnell@live.com. L-I-A-M underscore O-C-O-N-N-E-L-L", "so d underscore k i m
    underscore a r t"): two or more of one speaker's words in a row (each of ``streams`` is one
    speaker's tokens) whose letters and digits are those of a local part said anywhere in the
    call (``call``: every token); a name said before an address made of it ("Nadia Petrova" ...
    "nadia.petrova@...") too."""
    by_word = {t.word: t for t in call}
    locals_said = {local: set(f.words) for f in found if f.kind == "email"
                   for local in _local_part(f, by_word) if len(local) >= MIN_LOCAL_READ_BACK}
    if not locals_said:
        return []
    # every beginning of a local part: a stretch whose readings begin none is given up
    starts = {local[:k] for local in locals_said for k in range(1, len(local) + 1)}
    out: list[Found] = []
    for stream in streams:
        for i in range(len(stream)):
            for j in range(i, min(len(stream), i + LOCAL_SPELLED)):
                if j > i and stream[j].word != stream[j - 1].word + 1:
                    break  # the other party spoke between
                readings = _local_strings(stream[i:j + 1])
                # a tens word's "0" may yet become a unit: "ninety" "four" -> "94"
                if not any(r in starts or r[:-1] in starts for r in readings):
                    break
                words = {t.word for t in stream[i:j + 1]}
                if j > i and any(r in locals_said and not words & locals_said[r]
                                 for r in readings):
                    out.append(Found("email", tuple(sorted(words)), "email/local_part_read_back"))
    return out


MIN_POSTCODE_READ_BACK = 5  # letters and digits: "m four one" is too little to tell


def postcode_read_backs(found: list[Found], streams: list[list[Token]],
                        call: list[Token]) -> list[Found]:
    """A postcode said again letter by letter, by either party ("is that g one two eight q q",
    "h two x one t four"): a stretch shaped like a spelled postcode (``_spelled_postcode_end``)
    whose letters and digits are in an address found in the call (``call``: every token; each
    of ``streams`` is one speaker's tokens)."""
    by_word = {t.word: t for t in call}
    said = [reading for f in found if f.kind == "street_address"
            for reading in _local_strings([by_word[w] for w in sorted(f.words)
                                           if w in by_word and by_word[w].text not in HESITATIONS])]
    out: list[Found] = []
    for stream in streams if said else []:
        tokens, i = read_homophones(stream), 0
        while i < len(tokens):
            end = _spelled_postcode_end(tokens, i)
            readings = _local_strings(tokens[i:end + 1]) if end is not None else set()
            if any(len(r) >= MIN_POSTCODE_READ_BACK and r in address
                   for r in readings for address in said):
                out.append(Found("street_address", tuple(t.word for t in tokens[i:end + 1]),
                                 "street_address/postcode_read_back"))
                i = end
            i += 1
    return out


def _local_part(email: Found, by_word: dict[int, Token]) -> set[str]:
    """The readings of a found e-mail's local part (before "@" or "at"), see ``_local_strings``;
    ``by_word``: the call's tokens by word index."""
    said = [by_word[w] for w in sorted(email.words) if w in by_word]
    if len(said) == 1:
        return {re.sub(r"[^a-z0-9]", "", said[0].text.split("@")[0])}
    before_at = next((k for k, t in enumerate(said) if t.text in ("at", "@")), len(said))
    return _local_strings(said[:before_at])


def _local_strings(said: list[Token]) -> set[str]:
    """The letters and digits ``said`` spells, as in an e-mail's local part or a postcode: numbers
    (and their homophones) as digits ("ninety for" and "nine four" are "94"), words as their letters,
    separator words as nothing; "o" read both as the letter and as zero."""
    return {_local_string(said, o_letter) for o_letter in (True, False)}


def _local_string(said: list[Token], o_letter: bool) -> str:
    """One reading of ``said`` (see ``_local_strings``); ``o_letter``: "o" is the letter."""
    out, number = [], []
    for item in said:
        if numberish(item) and not (o_letter and item.text == "o"):
            number.append(as_number(item))
            continue
        if number:
            out.append(digit_string(number))
            number = []
        if item.text not in SEPARATORS:
            out.append(re.sub(r"[^a-z0-9]", "", item.text))
    if number:
        out.append(digit_string(number))
    return "".join(out)


def _domain_end(tokens: list[Token], start: int) -> int | None:
    """Position of the top-level domain that ends a domain said from ``start``, or None: "gmail
    dot com", "g mail dot co dot uk", "sign proton mail dot com" (after "at")."""
    if start < len(tokens) and tokens[start].text == "sign":
        start += 1  # "at sign"
    if start < len(tokens) and "." in tokens[start].text:
        last = tokens[start].text.rsplit(".", 1)[-1]
        return start if last in TLDS else None
    i = start + 1
    while i < len(tokens) and i - start < DOMAIN_WORDS and tokens[i].text not in DOTS \
            and _next_word(tokens, i):
        i += 1  # "hot mail", "proton mail"
    end = None
    while i + 1 < len(tokens) and tokens[i].text in DOTS:
        said = _tld_length(tokens, i + 1)
        if said:
            end = i + said
        i += max(said, 1) + 1  # "dot example dot com": a domain's word, then its top level
    return end


def _tld_length(tokens: list[Token], k: int) -> int:
    """Tokens from ``k`` that say a top-level domain: a known one ("com", "co"), any country's
    two letters ("no", "jp", "E-U"), or either spelled ("c a", "e d u"); 0 if none."""
    text = tokens[k].text.replace("-", "")
    if text in TLDS or text in SPOKEN_TLDS or (len(text) == 2 and text.isalpha()):
        return 1
    letters = ""
    for j in range(k, min(k + 3, len(tokens))):
        if len(tokens[j].text) != 1 or not tokens[j].text.isalpha() \
                or (j > k and not _next_word(tokens, j)):
            break
        letters += tokens[j].text
        if len(letters) >= 2 and (letters in TLDS or len(letters) == 2) \
                and not (j + 1 < len(tokens) and len(tokens[j + 1].text) == 1
                         and tokens[j + 1].text.isalpha() and letters + tokens[j + 1].text in TLDS):
            return j - k + 1
    return 0


def _spelled(item: Token) -> bool:
    """A letter, a number or a separator said in an e-mail address spelled out."""
    return (len(item.text) == 1 and item.text.isalpha()) or is_number(item) \
        or item.text in SEPARATORS


def addresses(tokens: list[Token], asked_before=None) -> list[Found]:
    """A house number, up to four street-name words and a street word, then a unit if given,
    then the city, state and zip or postcode if they follow; a unit said first ("flat 4, 27
    Mill Lane") is part of it. A unit said alone ("apartment three f"), a postcode written
    alone ("LS6 2QT", "M4C 1B5") and one spelled out when asked for ("and the postcode?" "l s
    six four b q") are too. ``asked_before(i)``: the other party's last words before token
    ``i``."""
    out: list[Found] = []
    # "nine two won oh nine", "twenty to twenty won poplar avenue", "43a", "4/16", "1204-1508"
    tokens = _house_homophones(read_homophones(_written_house_numbers(
        _letters_with_words(tokens))))
    i = 0
    while i < len(tokens):
        short = _short_form_end(tokens, i, asked_before)
        if short is not None:
            end, rule = short
            out.append(Found("street_address", _address_words(tokens, i, end),
                             f"street_address/{rule}"))
            i = end + 1
            continue
        zipped = (_zip_end(tokens, i + 1) if tokens[i].text in US_STATES - {"new", "island"}
                  and i + 1 < len(tokens) and _next_word(tokens, i + 1) else None)
        if zipped is not None:
            end, start = zipped, i  # "hollister missouri six five six seven two"
            while start > 0 and i - start < 2 and _next_word(tokens, start) \
                    and _WORDLIKE.match(tokens[start - 1].text) \
                    and tokens[start - 1].text not in NOT_A_STREET_NAME | {"city", "zip"}:
                start -= 1
            out.append(Found("street_address", tuple(t.word for t in tokens[start:end + 1]),
                             "street_address/state_and_zip"))
            i = end + 1
            continue
        house = _house_name_end(tokens, i)
        end = (_street_after_house_name(tokens, house, _address_asked(tokens, i, asked_before))
               if house is not None else None)
        if end is not None:  # "rose cottage church lane little baddow", "The Old Forge, Ilkley"
            out.append(Found("street_address", _address_words(tokens, _unit_before(tokens, i), end),
                             "street_address/house_name"))
            i = end + 1
            continue
        if not is_number(tokens[i]) or len(tokens[i].digits) > 5:
            i += 1
            continue
        start = _hundreds_before(tokens, i)  # "two hundred and six elm grove road"
        while (i + 1 < len(tokens) and is_number(tokens[i + 1]) and i - start < 4
               and _next_word(tokens, i + 1)):
            i += 1
        end = _street_end(tokens, i)
        if end is None:
            i += 1
            continue
        if end + 1 < len(tokens) and tokens[end + 1].text in DIRECTIONS - {"s", "e", "w", "n"} \
                and _next_word(tokens, end + 1) \
                and not _city_length(tokens, end + 1):
            end += 1  # "eastlake avenue east", "peachtree street northeast"; not "... east haven"
        for _ in range(3):  # "building c unit 14"
            end = _unit_end(tokens, end)
        end = _locality_end(tokens, end)
        start = _unit_before(tokens, _corrected_before(tokens, start))  # "twenty six no sorry
        # forty six wallaby way"
        named = _house_name_before(tokens, start)
        start = _unit_before(tokens, named) if named < start else start
        out.append(Found("street_address", _address_words(tokens, start, end),
                         "street_address/house_number_and_street"))
        i = end + 1
    return out


def _house_name_end(tokens: list[Token], i: int) -> int | None:
    """The last token of a house's or building's name from ``i`` ("rose cottage", "the old
    rectory", "the granary", "albion house"), or None."""
    j = i + 1
    before = i - 1 if i and tokens[i - 1].text != "the" else i - 2
    if before >= 0 and tokens[before].text in NOT_A_HOME \
            and all(_next_word(tokens, m) for m in range(before + 1, i + 1)):
        return None  # "the wedding venue the old barn"
    if tokens[i].text == "the":
        if j < len(tokens) and tokens[j].text in HOUSE_NAME_LEADS and _next_word(tokens, j):
            j += 1  # "the old forge", "the coach house"
    elif (tokens[i].text in NOT_A_HOUSE_NAME - HOUSE_NAME_LEADS
          or is_number(tokens[i]) or not _WORDLIKE.match(tokens[i].text)):
        return None  # "old rectory", "mill cottage", "albion house" are names
    if j < len(tokens) and tokens[j].text in HOUSE_NAME_WORDS and _next_word(tokens, j) \
            and not (tokens[j].text == "house" and tokens[i].text == "the" and j == i + 1):
        return j  # not "the house"
    return None


def _street_after_house_name(tokens: list[Token], house: int, asked: bool) -> int | None:
    """The last token of an address that goes on from a house's name ending at ``house``
    without a house number: a street ("..., church lane"), or where an address was asked for
    (``asked``), a town ("Ivy Lodge, Kinsale, Co. Cork"; a hotel's name and town is no
    address); None if neither follows (a number that follows is read as the house number)."""
    if house + 1 >= len(tokens) or not _next_word(tokens, house + 1):
        return None
    def a_home(end: int) -> bool:  # no business word after the name ("Manor Farm Shop")
        return not NOT_A_HOME.intersection(t.text for t in tokens[house + 1:end + 1])

    end = _street_end(tokens, house)
    if end is not None and end - house - 1 <= HOUSE_STREET_WORDS and a_home(end):
        return _locality_end(tokens, end)
    end = _locality_end(tokens, house) if asked else house
    return end if end > house and a_home(end) else None


ADDRESS_WORDS = frozenset(["address", "live", "living", "lives"])
ASKED_IN_OWN_WORDS = 6  # "And your new address? Ivy Lodge, ...": the speaker's words before


def _address_asked(tokens: list[Token], i: int, asked_before) -> bool:
    """An address was asked for right before token ``i`` (the other party's last words before
    the answer, after "it's", "yeah"), or named in the speaker's own last few words."""
    own = [tokens[j].text for j in range(max(0, i - ASKED_IN_OWN_WORDS), i)
           if all(_next_word(tokens, m) for m in range(j + 1, i + 1))]
    first = _answer_start(tokens, i)  # "its willow cottage ilkley"
    other = asked_before(first) if asked_before is not None and first is not None else []
    return "address" in own or bool(ADDRESS_WORDS.intersection(other))


def _answer_start(tokens: list[Token], i: int) -> int | None:
    """The first token of the answer whose words from token ``i`` on are said after at most
    three openers ("it's", "yeah its"); None if the speaker said other words right before."""
    first = i
    while first and _next_word(tokens, first) and i - first < 3 \
            and tokens[first - 1].text in ANSWER_OPENERS:
        first -= 1
    return None if first and _next_word(tokens, first) else first


def _house_name_before(tokens: list[Token], start: int) -> int:
    """``start`` moved back over a house's or building's name said right before the house
    number ("The Old Forge, 3 Mill Lane", "flat 12 kingsway house 42 church road")."""
    for begin in range(max(0, start - 3), start - 1):
        if _house_name_end(tokens, begin) == start - 1 and _next_word(tokens, start):
            return begin
    return start


def _letters_with_words(tokens: list[Token]) -> list[Token]:
    """``tokens`` with letters said with a word for them read as the letter alone: "R for
    Romeo, G for Golf, one, four, Alpha, Zulu" is "r g one four a z" (the words that only name
    a letter are read as a hesitation, so they stay inside what they spell). A NATO word is a
    letter only beside another letter or digit ("the golf club" stays)."""
    out = list(tokens)
    for k, item in enumerate(tokens):
        if len(item.text) == 1 and item.text.isalpha():
            for words in LETTER_FOR:
                end = k + len(words) + 1
                if end < len(tokens) and all(_next_word(tokens, j) for j in range(k + 1, end + 1)) \
                        and tuple(t.text for t in tokens[k + 1:end]) == words \
                        and tokens[end].text.startswith(item.text) and tokens[end].text.isalpha():
                    for j in range(k + 1, end + 1):
                        out[j] = Token(tokens[j].word, SKIPPED)
                    break
    for k, item in enumerate(tokens):
        letter = NATO.get(item.text)
        if letter and out[k].text != SKIPPED and any(
                0 <= j < len(out) and out[j].text != SKIPPED and _next_word(tokens, max(j, k))
                and (_spelled_piece(out[j]) or out[j].text in NATO)
                for j in (k - 1, k + 1)):
            out[k] = Token(item.word, letter)
    return out


def _spelled_piece(item: Token) -> bool:
    return (len(item.text) == 1 and item.text.isalpha()) or (is_number(item) and not item.typed)


def _written_house_numbers(tokens: list[Token]) -> list[Token]:
    """``tokens`` with a house number written with its letter ("43a") or after its unit ("4/16",
    "1204-1508") read as the house number, so a street after it makes an address."""
    out = list(tokens)
    for k, item in enumerate(tokens):
        match = _WRITTEN_HOUSE.match(item.text)
        if match and not _YEARS.match(item.text):  # "2019-2023 queen street": when, not where
            out[k] = Token(item.word, item.text, match.group(1), typed=True)
    return out


def _short_form_end(tokens: list[Token], i: int, asked_before) -> tuple[int, str] | None:
    """(last token, rule) of an address that is not a house number and street, beginning at
    token ``i``: a city with its code, a postcode written or spelled out where it was named, a
    PO box or rural route, a unit said alone; None if none begins there."""
    end = _city_and_code_end(tokens, i)
    if end is not None:
        return end, "city_and_code"
    if _uk_postcode_at(tokens, i) or _ca_postcode_at(tokens, i) or _eircode_at(tokens, i):
        return i + 1, "postcode"  # "LS6 2QT", asked for alone
    end = _asked_postcode_end(tokens, i, asked_before)
    if end is None and _postcode_named_before(tokens, i):
        end = _spelled_postcode_end(tokens, i)  # "... and the postcode is i g one four p s"
    if end is not None:
        return end, "postcode_spelled"
    end = _box_end(tokens, i)
    if end is not None:
        return _locality_end(tokens, end), "box"
    end = _unit_alone_end(tokens, i)
    return (end, "unit") if end is not None else None


def _hundreds_before(tokens: list[Token], start: int) -> int:
    """``start`` moved back over "two hundred and" or "three thousand" said before a house
    number's last words ("three thousand seven forty lindenwood drive")."""
    if start >= 3 and tokens[start - 1].text == "and" and tokens[start - 2].text == "hundred" \
            and is_number(tokens[start - 3]) and all(
                _next_word(tokens, j) for j in range(start - 2, start + 1)):
        return start - 3
    if start >= 2 and tokens[start - 1].text == "thousand" and is_number(tokens[start - 2]) \
            and len(tokens[start - 2].digits) == 1 and _next_word(tokens, start - 1) \
            and _next_word(tokens, start):
        return start - 2
    return start


CORRECTING = frozenset(["sorry", "no", "i", "mean", "uh", "um", "er"])


def _corrected_before(tokens: list[Token], start: int) -> int:
    """``start`` moved back over a house number said and corrected right before it with
    "sorry" or "I mean" ("twenty six no sorry forty six wallaby way", "fourteen uh sorry forty
    one larkspur close"): what was said first is said of the same address."""
    j, said = start, []
    while j > 0 and len(said) < 4 and tokens[j - 1].text in CORRECTING and _next_word(tokens, j):
        j -= 1
        said.append(tokens[j].text)
    if not {"sorry", "mean"}.intersection(said) or j == 0 or not _next_word(tokens, j) \
            or not is_number(tokens[j - 1]) or len(tokens[j - 1].digits) > 5:
        return start
    j -= 1
    while j > 0 and start - j < 8 and is_number(tokens[j - 1]) and _next_word(tokens, j):
        j -= 1
    return j


def _postcode_named_before(tokens: list[Token], i: int) -> bool:
    """The speaker's words right before token ``i`` name a postcode ("and the postcode is",
    "eircode's", "postal code")."""
    before, j = [], i
    while j > 0 and len(before) < 4 and _next_word(tokens, j):
        j -= 1
        before.insert(0, tokens[j].text.removesuffix("'s"))
    return bool(nearest_cue(before, {"street_address": POSTCODE_CUES}, within=1))


def _city_and_code_end(tokens: list[Token], i: int) -> int | None:
    """The last token of a city said with its zip code or postcode, a state or region between
    if said ("san antonio seven eight two four nine", "Naperville, IL 60540", "Okotoks,
    Alberta, T1S 1A2", "Glenelg SA 5045"), or None: the code is what makes a city an address."""
    city = _city_length(tokens, i)
    if not city or i + city >= len(tokens) \
            or not all(_next_word(tokens, j) for j in range(i + 1, i + city + 1)):
        return None
    k, region = i + city, False
    while k + 1 < len(tokens) and k - i - city < 2 and _next_word(tokens, k + 1) and (
            tokens[k].text in US_STATES | REGIONS
            or (tokens[k].text in STATE_CODES | REGION_CODES and k == i + city)):
        k, region = k + 1, True  # "new york", "quebec", "il"
    code = _zip_end(tokens, k)
    if code is None and region:
        code = _four_digit_end(tokens, k) if tokens[k - 1].text in REGIONS | REGION_CODES \
            else None
        code = _spelled_postcode_end(tokens, k) if code is None else code
    if code is None or not all(_next_word(tokens, j) for j in range(k, code + 1)):
        return None
    if code + 1 < len(tokens) and _next_word(tokens, code + 1) and (
            tokens[code + 1].text in QUANTITY_AFTER or numberish(tokens[code + 1])):
        return None  # "boston twenty thousand dollars", "republic eight oh nine five five five"
    said = digit_string([as_number(t) for t in tokens[k:code + 1] if numberish(t)])
    if len(said) in (5, 9) and not places.zip_fits([t.text for t in tokens[i:i + city]], said):
        return None  # "flight to dallas one two three four five": no Texas zip code
    if _street_end(tokens, code) is not None:
        return None  # "aurora fourteen two oh one east alameda avenue": a house number
    return code


def _asked_postcode_end(tokens: list[Token], i: int, asked_before) -> int | None:
    """The last token of a postcode spelled out at the start of an answer to "and the
    postcode?" ("l s six four b q", "it's m as in mary four ..."), or None."""
    if asked_before is None:
        return None
    first = _answer_start(tokens, i)  # "it's m as in mary four ..."
    if first is None:
        return None
    end = _spelled_postcode_end(tokens, i)
    if end is None or not nearest_cue(asked_before(first), {"street_address": POSTCODE_CUES}):
        return None
    return end


def _city_length(tokens: list[Token], k: int) -> int:
    """How many tokens from ``k`` name a city (``places.city_length``)."""
    return places.city_length([t.text for t in tokens[k:k + places.MAX_WORDS]])


def _house_homophones(tokens: list[Token]) -> list[Token]:
    """``tokens`` with the homophones of a house number read as digits when a street follows:
    "twenty to twenty won poplar avenue", "(mailed to) tree fifty five kingsley avenue", "(to)
    for four for maple street". A "to" or "for" that opens the run is the preposition before
    the address ("send it to 2217 ...", "the rent is for three ten south main street", "to to oh
    oh won gentilly boulevard"): "for twelve birch hollow lane" is masked without its "for"."""
    out = list(tokens)
    i = 0
    while i < len(out):
        if not numberish(out[i]):
            i += 1
            continue
        last = i
        while last + 1 < len(out) and last - i < 5 and numberish(out[last + 1]) \
                and _next_word(out, last + 1):
            last += 1
        first = i
        if out[i].text in ("to", "too", "for"):
            first = i + 1
        run = out[first:last + 1]
        # _street_end reads only what follows the number, which reading the run leaves as it is
        if any(t.text in HOMOPHONES and not is_number(t) for t in run) \
                and (any(is_number(t) for t in run) or len(run) > 1) \
                and _street_end(out, last) is not None:
            out[first:last + 1] = [as_number(t) for t in run]
        i = last + 1
    return out


def _unit_alone_end(tokens: list[Token], i: int) -> int | None:
    """The last token of a unit said on its own from ``i`` ("apartment three f", "unit 14C",
    "unit two fourteen"; "unit four twelve at" before the street), or None."""
    if tokens[i].text not in UNIT_ALONE or i + 1 >= len(tokens) or not _next_word(tokens, i + 1):
        return None
    end = _unit_number_end(tokens, i + 1)
    if end is None or _street_end(tokens, end) is not None:
        return None  # "flat two forty one church road": the unit before a house number
    number = _number_end(tokens, end + 1) if end + 1 < len(tokens) \
        and _next_word(tokens, end + 1) else None
    if number is not None and _street_end(tokens, number) is not None:
        return None  # "flat 4, 27 Mill Lane": the same, read with the street
    after = tokens[end + 1].text if end + 1 < len(tokens) and _next_word(tokens, end + 1) else ""
    if after in QUANTITY_AFTER:
        return None  # "a flat twenty dollars", "the unit two years ago"
    if after in ("at", "in") and end + 2 < len(tokens) and is_number(tokens[end + 2]) \
            and _next_word(tokens, end + 2):
        return end + 1  # "unit four twelve at twenty nine fifty elm street"
    return end


def _unit_number_end(tokens: list[Token], k: int) -> int | None:
    """The last token of a unit's number from ``k``: up to three number words (homophones
    too) and a letter ("three f", "for oh won", "too c"), or one written ("14C", "#4", "b2");
    None if none starts there."""
    if k >= len(tokens):
        return None
    if _TYPED_UNIT.match(tokens[k].text) and not numberish(tokens[k]):
        return k
    if not numberish(tokens[k]) or len(tokens[k].digits) > 4:
        return None
    end = k
    while end + 1 < len(tokens) and end - k < 2 and numberish(tokens[end + 1]) \
            and not tokens[end].typed and not tokens[end + 1].typed and _next_word(tokens, end + 1):
        end += 1  # said, not written: "Flat 3, 27 Kingsley Road" is a unit and a house number
    return end + 1 if _unit_letter(tokens, end + 1) else end


def _unit_letter(tokens: list[Token], k: int) -> bool:
    """Token ``k`` is the letter after a unit's number ("four b"); "a" only where the speaker
    stops after it or a city or zip code follows ("apartment two a hartford"), not the article
    ("unit four a week ago", "apartment six a new lease")."""
    if k >= len(tokens) or not _goes_on(tokens, k) or len(tokens[k].text) != 1 \
            or not tokens[k].text.isalpha() or tokens[k].text == "i":
        return False  # "apartment four" "uh huh" "b": the other party may cut in
    if tokens[k].text != "a":
        return True
    after = k + 1
    return _next_word(tokens, k) and (
        after >= len(tokens) or not _next_word(tokens, after)
        or (tokens[after].text != "new" and bool(_city_length(tokens, after)))
        or _zip_end(tokens, after) is not None)  # not "apartment six a new lease"


def _eircode_at(tokens: list[Token], i: int) -> bool:
    """A whole Irish Eircode, written ("D08 VF8H", "k78 x2p9")."""
    return (i + 1 < len(tokens) and _next_word(tokens, i + 1)
            and bool(_EIRCODE[0].match(tokens[i].text))
            and bool(_EIRCODE[1].match(tokens[i + 1].text)))


def _ca_postcode_at(tokens: list[Token], i: int) -> bool:
    """A whole Canadian postcode, written ("M4C 1B5", "t2n 1v4"): its shape gives it away."""
    return (i + 1 < len(tokens) and _next_word(tokens, i + 1)
            and bool(_CA_POSTCODE[0].match(tokens[i].text))
            and bool(_CA_POSTCODE[1].match(tokens[i + 1].text)))


def _spelled_postcode_end(tokens: list[Token], k: int) -> int | None:
    """The last token of a postcode said letter by letter from ``k`` (Canadian "k one s three
    x four", "t too x won a won"; UK "l s six four b q", "m fourteen five t q", "n twenty one a
    b", "c f thirty seven two n d"), or None."""
    for two_words in (False, True):  # "twenty one": 2 then 1, or 21
        shape, ends = _postcode_shape(tokens, k, two_words)
        match = _SPELLED_POSTCODE.match(shape)
        if match:
            return ends[len(match.group(0)) - 1]
    return None


def _postcode_shape(tokens: list[Token], k: int, two_words: bool) -> tuple[str, list[int]]:
    """The shape of what is said from ``k``, each letter L, digit D, two-digit number T (with
    ``two_words``, "thirty seven" is one T), hesitations skipped; and the token that ends each."""
    shape, ends, skipped = "", [], 0
    j = k
    while j < min(k + 10 + skipped, len(tokens)) and len(shape) < 8:
        if j > k and not _next_word(tokens, j):
            break
        item = tokens[j]
        if j > k and item.text in HESITATIONS:
            j, skipped = j + 1, skipped + 1  # "p nine n uh one w ate", "l (as in lima) four"
            continue
        if len(item.text) == 1 and item.text.isalpha() and not is_number(item):
            shape += "L"
        elif two_words and item.tens and j + 1 < len(tokens) and _next_word(tokens, j + 1) \
                and tokens[j + 1].text in UNITS and tokens[j + 1].digits != "0":
            shape, j = shape + "T", j + 1
        elif numberish(item) and len(as_number(item).digits) == 1 and not item.repeat:
            shape += "D"
        elif is_number(item) and len(item.digits) == 2 and not item.typed:
            shape += "T"
        else:
            break
        ends.append(j)
        j += 1
    return shape, ends


def _uk_postcode_at(tokens: list[Token], i: int) -> bool:
    """A whole UK postcode, outward code then inward code ("LS6 2QT", "m16 8lw"), said as
    written: its shape alone gives it away."""
    return (i + 1 < len(tokens) and _next_word(tokens, i + 1)
            and bool(_UK_OUTWARD.match(tokens[i].text)) and bool(_UK_INWARD.match(tokens[i + 1].text))
            and any(c.isdigit() for c in tokens[i].text))


def _next_word(tokens: list[Token], j: int) -> bool:
    """Token ``j`` is the word said right after token ``j - 1`` (nobody else spoke between)."""
    return tokens[j].word == tokens[j - 1].word + 1


def _goes_on(tokens: list[Token], j: int) -> bool:
    """Token ``j`` carries on from ``j - 1``: next, or after a few words of the other party."""
    return tokens[j].word - tokens[j - 1].word - 1 <= MAX_CUT_IN


def _street_end(tokens: list[Token], number_end: int) -> int | None:
    """The last token of the street after a house number ending at ``number_end``, or None:
    up to four name words (ordinals and directions included: "south west thirty second
    terrace") and a street word, or the name words before a unit."""
    j = number_end + 1
    if j + 1 < len(tokens) and tokens[j].text in STREET_FIRST and _next_word(tokens, j) \
            and _next_word(tokens, j + 1):
        return _name_after_street_word(tokens, j)
    if j + 1 < len(tokens) and tokens[j].text in HOUSE_LETTERS and _next_word(tokens, j):
        # "forty three a kowhai street": the street's name and word within three words, none
        # of them what follows a quantity ("sixty a month, bank street")
        street = next((m for m in range(j + 2, min(j + 4, len(tokens)))
                       if tokens[m].text in STREET), None)
        if street is None or not all(_next_word(tokens, m) for m in range(j + 1, street + 1)) \
                or (NOT_A_STREET_BEFORE_UNIT | PER).intersection(t.text for t in tokens[j + 1:street]):
            return None
        j += 1
    while j < min(number_end + 7, len(tokens)):
        here = tokens[j]
        if not _goes_on(tokens, j):
            return None  # the other party said more: the address ended
        if here.text in FILLERS - {"and"}:
            j += 1  # "eighteen seventy five uh ... old orchard lane"
            continue
        if here.text == "the" and j == number_end + 1 and j + 1 < len(tokens) \
                and tokens[j + 1].text in ESTATES_AFTER_THE and _next_word(tokens, j + 1):
            # "twelve the paddocks naas", "4 The Maltings, Athlone"; not "two, the green one",
            # "booked at 8, the Glen in Killarney"
            return j + 1 if _locality_end(tokens, j + 1) > j + 1 and (
                j + 2 >= len(tokens) or tokens[j + 2].text not in ("in", "at")) else None
        if here.text in STREET and j > number_end + 1:
            while j + 1 < len(tokens) and tokens[j + 1].text in STREET and _goes_on(tokens, j + 1):
                j += 1  # "Orchard Hill Road", "Maple Grove Court"
            return j
        if here.text in UNIT_ALONE and j > number_end + 1 and j + 1 < len(tokens) \
                and _goes_on(tokens, j + 1) and _unit_number_end(tokens, j + 1) is not None \
                and not NOT_A_STREET_BEFORE_UNIT.intersection(
                    t.text for t in tokens[number_end + 1:j]):  # "two business days unit 4"
            return j - 1  # a street said without its street word, then a unit: "2207 southeast
            # alder, apt 14", "four four oh eight kingsbury unit two c"
        if here.text in TENS and j + 1 < len(tokens) and ordinal(tokens[j + 1]):
            j += 2  # "thirty second"
            continue
        if _numbered(here) or here.text in DIRECTIONS:
            j += 1  # "west 108th street"
            continue
        if here.text in NOT_A_STREET_NAME or is_number(here) or not _WORDLIKE.match(here.text):
            return None
        j += 1
    return None  # no street word within reach


def _name_after_street_word(tokens: list[Token], street: int) -> int | None:
    """The last token of the name after a street word said first ("rue saint paul ouest", "calle
    del sol"): up to three words, up to a unit, a city, a region, a state or a code."""
    j = street
    while j + 1 < len(tokens) and j - street < 3 and _next_word(tokens, j + 1):
        here = tokens[j + 1]
        if j > street and (here.text in UNIT or here.text in REGIONS or here.text in US_STATES
                           or _city_length(tokens, j + 1)
                           or _zip_end(tokens, j + 1) is not None):
            break
        if here.text in NOT_A_STREET_NAME or is_number(here) or not _WORDLIKE.match(here.text):
            break
        j += 1
    return j if j > street else None


def _numbered(item: Token) -> bool:
    """An ordinal that names a street or a floor: "second", "2nd", "108th"."""
    return bool(ordinal(item) or _NUMBERED.match(item.text))


def _unit_end(tokens: list[Token], end: int) -> int:
    """``end`` moved past "apartment two oh four", "unit 4B", "unit four b", "suite 300", "2nd
    floor"."""
    if end + 1 < len(tokens) and _next_word(tokens, end + 1) \
            and tokens[end + 1].text.startswith("#") and _TYPED_UNIT.match(tokens[end + 1].text):
        return end + 1  # "1600 Grant Avenue, #4"
    if end + 3 < len(tokens) and tokens[end + 1].text in HESITATIONS \
            and tokens[end + 2].text in UNIT and _next_word(tokens, end + 2):
        end += 1  # "west belmont avenue um apartment three c"
    if end + 2 < len(tokens) and _numbered(tokens[end + 1]) and tokens[end + 2].text == "floor" \
            and _next_word(tokens, end + 1) and _next_word(tokens, end + 2):
        return end + 2  # "85 Orchard Street, 2nd Floor"
    if not (end + 2 < len(tokens) and tokens[end + 1].text in UNIT and _next_word(tokens, end + 1)):
        return end
    k = end + 2
    if numberish(tokens[k]):  # "apartment for oh won", "unit too c"
        while k + 1 < len(tokens) and numberish(tokens[k + 1]) and k - end < 5:
            k += 1
        return k + 1 if _unit_letter(tokens, k + 1) else k  # "four b"
    if len(tokens[k].text) <= 4 and tokens[k].text not in NOT_A_STREET_NAME:
        return k
    return end


def _zip_end(tokens: list[Token], k: int) -> int | None:
    """The last token of a zip code (5 digits, numerals or words) or UK postcode from ``k``."""
    if k >= len(tokens):
        return None
    here = tokens[k]
    if here.typed and len(here.digits) in (5, 9):
        return k
    if (_UK_OUTWARD.match(here.text) and k + 1 < len(tokens)
            and _UK_INWARD.match(tokens[k + 1].text)):
        return k + 1
    if (_CA_POSTCODE[0].match(here.text) and k + 1 < len(tokens)
            and _CA_POSTCODE[1].match(tokens[k + 1].text)):
        return k + 1  # "V6K 1N8"
    said, j = "", k
    while j < len(tokens) and j - k < 6 and numberish(tokens[j]) and (
            not tokens[j].typed or len(tokens[j].digits) == 1):  # "6 0 6 1 4", "too nine six"
        said = digit_string([as_number(t) for t in tokens[k:j + 1]])
        if len(said) == 5:
            return j
        j += 1
    return None


def _box_end(tokens: list[Token], i: int) -> int | None:
    """The last token of "PO box 2291", "p o box 1187", "post office box 12", "rural route 3 box
    112" from ``i``; None if none starts there."""
    words = [t.text for t in tokens[i:i + 6]]
    for lead in (["po", "box"], ["p.o", "box"], ["p", "o", "box"], ["post", "office", "box"],
                 ["rural", "route"]):
        if words[:len(lead)] != lead:
            continue
        k = i + len(lead)
        if not all(_next_word(tokens, j) for j in range(i + 1, min(k + 1, len(tokens)))):
            return None
        end = _number_end(tokens, k)
        if end is None:
            return None
        if lead == ["rural", "route"] and end + 2 < len(tokens) and tokens[end + 1].text == "box":
            end = _number_end(tokens, end + 2) or end
        return end
    return None


def _number_end(tokens: list[Token], k: int) -> int | None:
    """The last of up to five number tokens from ``k``; None if ``k`` is no number."""
    if k >= len(tokens) or not is_number(tokens[k]):
        return None
    while k + 1 < len(tokens) and is_number(tokens[k + 1]) and _next_word(tokens, k + 1):
        k += 1
    return k


def _four_digit_end(tokens: list[Token], k: int) -> int | None:
    """The last token of a four-digit postcode from ``k`` ("4870", "four eight seven oh")."""
    if k < len(tokens) and tokens[k].typed and len(tokens[k].digits) == 4:
        return k
    j = k
    while j < len(tokens) and j - k < 4 and is_number(tokens[j]) and len(tokens[j].digits) == 1:
        j += 1
    return j - 1 if j - k == 4 else None


def _locality_end(tokens: list[Token], end: int) -> int:
    """``end`` moved past a city, state and zip code (or postcode) said right after the street:
    taken only when a state or a code closes it, so a street said alone stays as it is."""
    best, k = end, end + 1
    while k < len(tokens) and k - end <= CITY_WORDS + 3 and _goes_on(tokens, k):
        zipped = _zip_end(tokens, k)
        if zipped is None and best > end:
            zipped = _spelled_postcode_end(tokens, k)  # "... ontario k one s three x four"
        if zipped is not None:
            return zipped
        if best > end and _eircode_at(tokens, k):
            return k + 1  # "..., County Cork, P31 X2K7"
        text = tokens[k].text
        if _names_a_code(tokens, k):
            k += 1  # "..., Co. Cork, Eircode P17 W2K9", "Austin, TX, zip code 78701": the
            continue  # words that name the code are left out of the span (_address_words)
        if text in HESITATIONS or (text == "in" and k == end + 1):
            k += 1  # "unit four oh seven um oklahoma city", "unit b in spokane"
            continue
        if text in ("county", "co") and k + 1 < len(tokens) \
                and tokens[k + 1].text in IRISH_COUNTIES and _goes_on(tokens, k + 1):
            best = k = k + 1  # "ballincollig county cork", "Bray, Co. Wicklow"
            k += 1
            continue
        city = _city_length(tokens, k)
        if city and all(_goes_on(tokens, j) for j in range(k + 1, k + city)):
            best = k = k + city - 1  # "... poplar avenue memphis", "... unit b in spokane"
            if text == "dublin" and city == 1:
                best = k = _dublin_district_end(tokens, k)
            four = _four_digit_end(tokens, k + 1) if _zip_end(tokens, k + 1) is None else None
            if four is not None and _next_word(tokens, k + 1) and not _quantity_after(tokens, four):
                return four  # "..., Christchurch 8081", "... hobart seven oh oh oh"
            k += 1
            continue
        four = _four_digit_end(tokens, k + 1)  # "cairns queensland 4870"
        if (text in REGIONS or text in REGION_CODES) and four is not None:
            return four
        if text in US_STATES or text in REGIONS or (
                text in STATE_CODES | REGION_CODES and _zip_end(tokens, k + 1) is not None):
            best = k
        elif text in NOT_A_STREET_NAME or not _WORDLIKE.match(text) or is_number(tokens[k]):
            break
        k += 1
    return best


def _names_a_code(tokens: list[Token], k: int) -> bool:
    """Token ``k`` is a word naming a code ("postcode", "zip code", "post code", "eircode")."""
    text = tokens[k].text
    return (text in CODE_WORDS or (text == "code" and k > 0 and tokens[k - 1].text in CODE_WORDS
                                   | {"post"})
            or (text == "post" and k + 1 < len(tokens) and tokens[k + 1].text == "code"))


def _address_words(tokens: list[Token], start: int, end: int) -> tuple[int, ...]:
    """The words of an address from token ``start`` to ``end``, without the words naming its
    code ("..., Wrington, postcode BS40 5LQ": "postcode" is no one's address)."""
    return tuple(tokens[k].word for k in range(start, end + 1) if not _names_a_code(tokens, k))


def _quantity_after(tokens: list[Token], k: int) -> bool:
    """The word after token ``k`` makes it an amount or a span ("1500 dollars", "2015 to
    2020", "2 weeks ago"), not a code."""
    return k + 1 < len(tokens) and _next_word(tokens, k + 1) and (
        tokens[k + 1].text in NOT_A_STREET_BEFORE_UNIT | PER
        or tokens[k + 1].text in ("to", "through", "until", "and", "-"))


def _dublin_district_end(tokens: list[Token], city: int) -> int:
    """``city`` (said "dublin") moved past its postal district: "dublin six w", "Dublin 15"."""
    k = city + 1
    if k >= len(tokens) or not _next_word(tokens, k) or not is_number(tokens[k]) \
            or not tokens[k].digits or not 1 <= int(tokens[k].digits) <= DUBLIN_DISTRICTS \
            or _quantity_after(tokens, k):
        return city
    if k + 1 < len(tokens) and _next_word(tokens, k + 1) and (
            tokens[k + 1].text == "w"  # "six w"
            or (tokens[k].tens and len(tokens[k + 1].digits) == 1 and not tokens[k + 1].typed
                and int(tokens[k].digits) + int(tokens[k + 1].digits) <= DUBLIN_DISTRICTS)):
        return k + 1  # "twenty two"
    return k


def _unit_before(tokens: list[Token], start: int) -> int:
    """``start`` moved back over a unit said before the house number ("flat 4, 27 ...",
    "flat two forty one church road" where the unit word alone precedes), its number said with
    a slash as Australians and New Zealanders write it ("four slash thirty two wattle street",
    "flat two stroke one twelve craigpark drive")."""
    if start >= 2 and tokens[start - 1].text in UNIT_SEPARATORS and is_number(tokens[start - 2]) \
            and _next_word(tokens, start - 1) and _next_word(tokens, start):
        start -= 2
    if start >= 1 and tokens[start - 1].text in UNIT and _next_word(tokens, start):
        return start - 1
    if start >= 2 and tokens[start - 2].text in UNIT and _next_word(tokens, start - 1) \
            and _next_word(tokens, start) and len(tokens[start - 1].text) <= 4 \
            and tokens[start - 1].text not in NOT_A_STREET_NAME:
        return start - 2
    return start


def _year_length(tokens: list[Token], i: int) -> int:
    """How many tokens from ``i`` say a year: 1981, nineteen eighty-one, eighty one, oh five,
    two thousand and five. 0 when none."""
    item = tokens[i]
    if item.typed and len(item.digits) in (2, 4):
        return 1
    n = 0
    if item.text in TEENS or item.text in TENS or item.text in ("two", "oh"):
        n = 1
        if item.text == "two" and i + 1 < len(tokens) and tokens[i + 1].text == "thousand":
            n = 2
            if i + 2 < len(tokens) and tokens[i + 2].text == "and":
                n = 3
        while i + n < len(tokens) and n < 4 and (tokens[i + n].digits and not tokens[i + n].typed) \
                and tokens[i + n].word == tokens[i + n - 1].word + 1:  # not the next turn's
            n += 1
        if item.text in TENS and n == 1:
            return 1
        if item.text in ("two", "oh") and n == 1:
            return 0
    return n


NEXT_BIRTH_DATE_WORDS = 8  # a date this soon after a birth date, said of someone else, is theirs


def _date_homophones(tokens: list[Token]) -> list[Token]:
    """``tokens`` with a homophone read as its digit inside a spoken date: right after a month
    name ("january ate nineteen fifty five"; "march too two thousand ate" only with a year
    after it, so "in march to see" stays) or right after a year's word ("nineteen seventy too",
    "two thousand won"), in one breath."""
    out = list(tokens)
    for i, item in enumerate(tokens):
        if item.text not in HOMOPHONES or not i or tokens[i - 1].word != item.word - 1:
            continue
        before = tokens[i - 1].text
        if before in TEENS or before in TENS or before == "thousand" or (
                before in MONTHS and (item.text in TAIL_HOMOPHONES
                                      or _year_follows(out, i + 1))):
            out[i] = as_number(item)
    return out


def dates(tokens: list[Token], context_of) -> list[Found]:
    """Dates of birth, and card expiry dates said with a month name, named by the cue before."""
    tokens = _date_homophones(tokens)
    out: list[Found] = []
    i = 0
    while i < len(tokens):
        span = _date_at(tokens, i) or _birth_date_as_numbers(tokens, i, context_of)
        if not span:
            i += 1
            continue
        cues = nearest_cue(context_of(tokens[i].word), DATE_CUES)
        kind = next((k for k in cues if k in ("date_of_birth", "expiry_date", "none")), "")
        if not kind and out and out[-1].kind == "date_of_birth" \
                and tokens[i].word - out[-1].words[-1] <= NEXT_BIRTH_DATE_WORDS \
                and SOMEONE_ELSE.intersection(t.text for t in tokens[:i]
                                              if t.word > out[-1].words[-1]):
            kind = "date_of_birth"  # "Mine is 4 April 1976. My wife Ama is 30 October 1979."
        if kind in ("date_of_birth", "expiry_date"):
            first = i - 1 if i and tokens[i - 1].text == "the" and _next_word(tokens, i) else i
            out.append(Found(kind, tuple(t.word for t in tokens[first:i + span]), f"{kind}/date"))
        i += span
    return out


def _date_at(tokens: list[Token], i: int) -> int:
    """Tokens from ``i`` that say a date with a month name or a written date; 0 if none."""
    item = tokens[i]
    if _TYPED_DATE.match(item.text):
        return 1
    numbered = _numbered_month_date(tokens, i)
    if numbered:
        return numbered
    month = False
    n = _before_month(tokens, i)  # "22 August", "seventeen november", "1990, July 8"
    while i + n < len(tokens) and n < 9 + 3:
        here = tokens[i + n]
        if n and here.word != tokens[i + n - 1].word + 1:
            break  # the other party spoke
        if here.text in TENS and i + n + 1 < len(tokens) \
                and 0 < ordinal(tokens[i + n + 1]) < 10:
            n += 2  # "twenty second" (a date still needs its month)
            continue
        if here.text in MONTHS and not (here.text == "may" and n == 0
                                        and not _day_follows(tokens, i + 1)
                                        and not _year_follows(tokens, i + 1)):
            month = True
            n += 1
        elif ordinal(here) or (here.text in ("the", "of") and n > 0):
            n += 1
        elif here.text in HESITATIONS and month:
            n += 1  # "the fifth of may um ninety two"
        elif here.digits and not here.typed and month:
            year = _year_length(tokens, i + n)
            n += max(year, 1)
            if year:
                break
        elif here.typed and month and len(here.digits) in (1, 2, 4):
            n += 1
        else:
            break
    while n and (tokens[i + n - 1].text in ("the", "of", "and")
                 or tokens[i + n - 1].text in HESITATIONS):
        n -= 1
    return n if month and n >= 2 else 0


def _said_on(tokens: list[Token], i: int, n: int) -> bool:
    """Tokens ``i`` to ``i + n`` exist and were said in one go (no one cut in)."""
    return i + n < len(tokens) and all(tokens[k + 1].word == tokens[k].word + 1
                                       for k in range(i, i + n))


def _day_length(tokens: list[Token], i: int) -> int:
    """How many tokens from ``i`` say a day of the month as a cardinal: "22", "seventeen",
    "twenty one", "thirty". 0 when none."""
    item = tokens[i]
    if item.typed:
        return 1 if 1 <= len(item.digits) <= 2 and 1 <= int(item.digits) <= 31 else 0
    if item.text in TEENS or (item.text in UNITS and UNITS[item.text] > 0):
        return 1
    if item.text in ("twenty", "thirty"):
        follows = tokens[i + 1].text if i + 1 < len(tokens) else ""
        if follows in UNITS and 0 < UNITS[follows] <= (9 if item.text == "twenty" else 1):
            return 2
        return 1
    return 0


def _before_month(tokens: list[Token], i: int) -> int:
    """Tokens from ``i`` said before a month name as part of one date: a day ("22 August",
    "seventeen november two thousand one") or a year when a day follows the month
    ("1990, July 8", "nineteen forty two uh january the ninth"). 0 when none."""
    lead = _day_length(tokens, i)
    if lead and _said_on(tokens, i, lead) and tokens[i + lead].text in MONTHS \
            and tokens[i + lead].text != "may":
        return lead
    year = (1 if tokens[i].typed and len(tokens[i].digits) == 4 and tokens[i].digits[:2]
            in ("19", "20") else 0) or (_year_length(tokens, i) if not tokens[i].typed else 0)
    if year < (1 if tokens[i].typed else 2):
        return 0
    while i + year < len(tokens) and tokens[i + year].text in ("uh", "um", "er", "erm"):
        year += 1
    month = i + year
    if _said_on(tokens, i, year) and month < len(tokens) and tokens[month].text in MONTHS \
            and _said_on(tokens, month, 1) and _day_follows(tokens, month + 1):
        return year
    return 0


def _numbered_month_date(tokens: list[Token], i: int) -> int:
    """"the fifth of the third eighty eight", "twenty first of the sixth ninety seven": a day
    and a month both said as ordinals, then a year. Tokens from ``i``; 0 when none."""
    n = 2 if tokens[i].text in TENS and i + 1 < len(tokens) \
        and 0 < ordinal(tokens[i + 1]) < 10 else 1
    if not ordinal(tokens[i + n - 1]) or (n == 1 and tokens[i].text in TENS):
        return 0
    if not _said_on(tokens, i, n + 3) or [t.text for t in tokens[i + n:i + n + 2]] != ["of", "the"]:
        return 0
    if not 1 <= ordinal(tokens[i + n + 2]) <= 12:
        return 0
    year = _year_length(tokens, i + n + 3)
    return n + 3 + year if year else 0


NUMBERS_DATE_CUE_WORDS = 3  # "born on ...", "and his date of birth is ...", "dob?" "..."


def _birth_date_as_numbers(tokens: list[Token], i: int, context_of) -> int:
    """``_numbers_date`` from ``i`` where a birth cue ends right before it ("born on", "date of
    birth?" "ten ten two thousand one"): plain numbers are a date only when so named."""
    n = _numbers_date(tokens, i)
    if n and nearest_cue(context_of(tokens[i].word), DATE_CUES,
                         within=NUMBERS_DATE_CUE_WORDS)[:1] == ["date_of_birth"]:
        return n
    return 0


def _numbers_date(tokens: list[Token], i: int) -> int:
    """"ten ten two thousand one", "oh two oh nine two thousand five", "three twenty nine
    nineteen eighty": a month and a day (either first) and a year, each said as numbers. Tokens
    from ``i``; 0 when none."""
    if i and _next_word(tokens, i) and numberish(tokens[i - 1]):
        return 0  # inside a longer run of numbers
    first = _date_part_length(tokens, i)
    second = _date_part_length(tokens, i + first) if first else 0
    if not second:
        return 0
    values = [int(digit_string(tokens[k:k + n])) for k, n in ((i, first), (i + first, second))]
    if min(values) < 1 or min(values) > 12 or max(values) > 31:
        return 0
    year = _year_length(tokens, i + first + second) if i + first + second < len(tokens) else 0
    n = first + second + year
    if not year or not _said_on(tokens, i, n - 1):
        return 0
    after = tokens[i + n] if i + n < len(tokens) and _next_word(tokens, i + n) else None
    if after is not None and (numberish(after) or after.text in QUANTITY_AFTER
                              or after.text in ("thousand", "hundred")):
        return 0  # more digits, or an amount: a phone number, "five ten two thousand dollars"
    return n


def _date_part_length(tokens: list[Token], k: int) -> int:
    """How many tokens from ``k`` say a month or a day as a number: "oh two", "ten", "twenty
    nine". 0 when none."""
    if k + 1 < len(tokens) and tokens[k].text == "oh" and tokens[k + 1].text in UNITS \
            and UNITS[tokens[k + 1].text] > 0:
        return 2
    return 0 if k >= len(tokens) or tokens[k].typed else _day_length(tokens, k)


def _year_follows(tokens: list[Token], i: int) -> bool:
    """"May 2028", "may twenty twenty eight": a year right after."""
    if i >= len(tokens):
        return False
    return (tokens[i].typed and len(tokens[i].digits) == 4) or (
        not tokens[i].typed and _year_length(tokens, i) >= 2)


def _day_follows(tokens: list[Token], i: int) -> bool:
    """"may" is a month only when a day follows ("May the third", "May 3rd", "May 3")."""
    rest = [t for t in tokens[i:i + 2] if t.text != "the"]
    return bool(rest) and (bool(ordinal(rest[0])) or (rest[0].digits != "" and
                                                       len(rest[0].digits) <= 2))
