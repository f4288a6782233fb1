"""A business's own address or phone number, given as such by the agent ("our office is at ...",
"call us at ...", "the nearest branch is at ...", "our billing line is ..."): no personal data, so
not masked. Only the agent's words are read so: a caller's "call us at" is their household's
number, and a speaker whose role is not known (a mono call's, before roles are decided) is read
as a caller, so nothing personal is left unmasked on a guess."""

from __future__ import annotations

from collections.abc import Sequence

AGENT = "agent"

# where a business is, said with "our", "nearest" or "closest" ("our repair depot is at", "the
# nearest office is at"); "the service location is" and "the install site is" are the caller's
PLACES = frozenset([
    "office", "offices", "branch", "location", "store", "shop", "clinic", "depot", "center",
    "centre", "headquarters", "hq", "club", "warehouse", "site", "showroom", "plant", "yard",
    "practice", "surgery", "hotel", "hospital", "garage", "workshop", "salon", "gym",
    "pharmacy", "premises", "reception",
])
PLACE_OWNERS = frozenset(["our", "nearest", "closest"])
# said with "the" by the agent, these are the business's too ("the hotel is at ..."); "the
# address" and "the office" may be the caller's
THE_PLACES = frozenset(["hotel", "clinic", "surgery", "practice", "hospital", "showroom",
                        "depot", "branch"])
# "we're at 450 Main Street", "we're on Level 2, 12 Help Street", "we are located at"; not
# "were at" (speech recognition's "we're", but as often "you were at") nor "located at" alone
# ("the property located at"); "our address is" is the business's in the agent's words
WHERE_WE_ARE = (("we're", "at"), ("we", "are", "at"), ("we're", "on"), ("we", "are", "on"),
                ("we're", "located"), ("we", "are", "located"), ("our", "address", "is"),
                ("nearest", "is", "at"), ("closest", "is", "at"))
# "so we're at 42 Elm Street on Tuesday": the agent booking a visit to the caller's home
VISIT_WORDS = frozenset(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                         "sunday", "tomorrow", "today", "between"])
VISIT_REACH = 12  # words after the address's first in which a visit's day or time is said
# a business's own line, said with "our" ("our billing line is"); "our address" and "our number"
# are a family's as often as a company's, "their number" an emergency contact's as often as a
# pharmacy's, "we'll call them at" the caller's contact
LINE, LINE_OWNER = "line", "our"
# "call us at", "visit us on", "call us collect at"; not "she moved in with us. It's ..."
US, AFTER_US = "us", frozenset(["at", "on", "collect"])
# the item belongs to a person: "your office at", "my work number", "we have you at"
PERSONAL = frozenset(["my", "your", "his", "her", "you", "me", "i", "mine", "home", "cell",
                      "mobile"])
REACH = 4  # words between the cue and the number or address
MODIFIERS = 2  # words between the owner and the place ("our LAX location", "our billing line")


def given_as_a_business(lower: Sequence[str], speakers: Sequence[str], first: int) -> bool:
    """Whether what starts at word ``first`` is named by the agent, in the words just before it
    (``lower``: every word, lower case; ``speakers``: each word's speaker or role), as a
    business's own address or phone."""
    if speakers[first] != AGENT:
        return False
    start = first
    while start > 0 and first - start < REACH + MODIFIERS + 1 and speakers[start - 1] == AGENT:
        start -= 1
    before = [w.removesuffix("'s") for w in lower[start:first]]  # "our depot's at"
    for i in range(len(before) - 1, max(len(before) - REACH, 0) - 1, -1):
        word = before[i]
        owners = set(before[max(0, i - MODIFIERS - 1):i])
        if word in PERSONAL or ((word in PLACES or word == LINE) and owners & PERSONAL):
            return False
        if word == US and before[i + 1:i + 2] and before[i + 1] in AFTER_US:
            return True
        if (word in PLACES and owners & PLACE_OWNERS) or (word == LINE and LINE_OWNER in owners):
            return True
        if word in THE_PLACES and before[i - 1:i] == ["the"]:
            return True
        said = [len(cue) for cue in WHERE_WE_ARE if tuple(before[i - len(cue) + 1:i + 1]) == cue]
        if said:
            cue_at = i - said[0] + 1
            return before[cue_at - 1:cue_at] != ["so"] and not PERSONAL.intersection(before) \
                and not VISIT_WORDS.intersection(lower[first:first + VISIT_REACH])
    return False


# a business's bank details, given by the agent for the caller to pay into: "by transfer to our
# account, IBAN ...", "pay it into our trust account, 03-1702-...", "to our client account:
# Ashworth & Pike Client Account, sort code 30-94-57, account number 62038815". Only bank
# labels, numbers and a business's name come between: not "to our account, so I'll resend it to
# sort code ...", "our accounts team", "our records", "our direct debit details", nor "our
# clients account" (speech recognition's "our client's account").
ACCOUNT_KINDS = frozenset(["bank_account", "routing_number"])
PAID_INTO = frozenset(["to", "into"])
ACCOUNT_MODIFIERS = frozenset(["trust", "client", "company", "business", "bank",
                               "main", "collection", "collections", "donations", "escrow",
                               "operating", "payments", "receiving"])
BANK_LABELS = frozenset(["sort", "code", "bsb", "iban", "account", "number", "no", "is", "are",
                         "details", "routing", "transit", "institution", "bic", "swift", "the",
                         "and", "name"])
ACCOUNT_LABEL_AFTER = frozenset(["number", "no", "name"])  # "account number": a label
ACCOUNT_REACH = 16  # the agent's words back to "to our ... account"


def a_business_account(lower: Sequence[str], cased: Sequence[str], speakers: Sequence[str],
                       first: int) -> bool:
    """Whether the bank number starting at word ``first`` is one the agent gives for the caller
    to pay into: "to/into our [trust, client, ...] account" comes before it in the agent's own
    words, with only bank labels, numbers or a business's capitalised name between."""
    if speakers[first] != AGENT:
        return False
    for i in range(first - 1, max(first - ACCOUNT_REACH, 0) - 1, -1):
        word = lower[i]
        if speakers[i] != AGENT:
            return False
        named = cased[i].strip()[:1].isupper() and LINE_OWNER not in lower[i - 2:i]
        if word == "account" and i >= 2 and lower[i + 1] not in ACCOUNT_LABEL_AFTER \
                and not named:  # "Ashworth & Pike Client Account": the business's name
            owner = i - 1 if lower[i - 1] == LINE_OWNER else i - 2
            return lower[owner] == LINE_OWNER and owner >= 1 and lower[owner - 1] in PAID_INTO \
                and (owner == i - 1 or lower[i - 1] in ACCOUNT_MODIFIERS)
        if word and not (word in BANK_LABELS or any(c.isdigit() for c in word)
                         or cased[i].strip()[:1].isupper()):
            return False
    return False
