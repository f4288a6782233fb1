"""A business's own address or phone number, given as such by the agent ("our office is at ...",
"call us at ...", "the nearest branch is at ...", "their number is ..."): no personal data, so not
masked. Only the agent's words are read so: a caller's "call us at" is their household's number,
and a speaker whose role is not known (a mono call's, before roles are decided) is read as a
caller, so nothing personal is left unmasked on a guess."""

from __future__ import annotations

from collections.abc import Sequence

AGENT = "agent"

# where a business is: said with "our", or "nearest"/"closest" ("our repair depot is at", "the
# nearest office is at"); "the service location is" and "the install site is" are the caller's
PLACES = frozenset([
    "office", "offices", "branch", "location", "store", "shop", "clinic", "depot", "center",
    "centre", "headquarters", "hq", "club", "warehouse", "site", "showroom", "plant",
])
# a business's own line: "our billing line is"; "our address" and "our number" are a family's as
# often as a company's, and "their number" an emergency contact's as often as a pharmacy's
OWN = frozenset(["line"])
OWNERS = frozenset(["our", "nearest", "closest"])
# "call us at", "visit us at"; "we'll call them at" is the caller's contact, "we're at" is where a
# family moved as often as where a clinic is
US = frozenset(["us"])
US_AT = frozenset(["at", "on", "collect"])
# the item belongs to a person: "your office at", "my work number", "we have you at"
PERSONAL = frozenset(["my", "your", "his", "her", "you", "me", "i", "mine", "home", "cell",
                      "mobile"])
REACH = 4  # words between the cue and the number or address
MODIFIERS = 2  # words between the determiner and the place ("our LAX location", "our billing line")


def given_as_a_business(lower: Sequence[str], speakers: Sequence[str], first: int) -> bool:
    """Whether what starts at word ``first`` is named by the agent, in the words just before it
    (``lower``: every word, lower case; ``speakers``: each word's speaker or role), as a
    business's own address or phone."""
    if speakers[first] != AGENT:
        return False
    before: list[str] = []
    k = first - 1
    while k >= 0 and len(before) < REACH + MODIFIERS + 1 and speakers[k] == speakers[first]:
        before.insert(0, lower[k])
        k -= 1
    near = before[-REACH:]
    for i in range(len(near) - 1, -1, -1):
        word = near[i]
        if word in PERSONAL:
            return False
        if word in US and near[i + 1:i + 2] and near[i + 1] in US_AT:
            return True  # not "she moved in with us. It's ..."
        offset = len(before) - len(near) + i
        owners = before[max(0, offset - MODIFIERS - 1):offset]
        if word in PLACES or word in OWN:
            if PERSONAL.intersection(owners):
                return False
            if (OWNERS if word in PLACES else {"our"}).intersection(owners):
                return True
    return False
