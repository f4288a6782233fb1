"""The kinds of personal data callqa finds, their placeholders and the words that announce them."""

from __future__ import annotations

KINDS = ("card_number", "security_code", "expiry_date", "ssn", "bank_account", "routing_number",
         "email", "phone_number", "date_of_birth", "street_address", "person_name")
PLACEHOLDER = {kind: f"[{kind.upper()}]" for kind in KINDS}
LABEL = {
    "card_number": "card numbers", "security_code": "card security codes",
    "expiry_date": "card expiry dates", "ssn": "social security numbers",
    "bank_account": "bank account numbers", "routing_number": "routing numbers and sort codes",
    "email": "e-mail addresses", "phone_number": "phone numbers",
    "date_of_birth": "dates of birth", "street_address": "street addresses",
    "person_name": "names of people",
}

# Words that say a number is none of ours: it names a number of another sort ("order number";
# "ending in": what follows a card's last four is not the card, ``numbers.last_digits_kind``
# reads the last four themselves) ...
OTHER_NUMBERS = (
    "order", "order number", "reference", "ref", "ticket", "case number", "case id", "case is",
    "confirmation", "tracking", "tracking number", "invoice", "policy", "policy number", "claim",
    "claim number", "booking", "model", "serial", "flight", "member number", "membership",
    "customer number", "meter", "extension", "ext", "pin", "room", "seat", "gate", "apartment",
    "suite", "unit", "promo", "voucher", "coupon", "id number", "student id", "license",
    "licence", "registration", "plate", "vin", "ending in", "ends in", "postcode", "dispute",
    "dispute number", "loan number", "tracking id", "transaction id", "transaction number",
    "prescription number", "rx number", "customer id", "student number", "employee number",
    "staff number",
    # codes and ids of other sorts, named where a card's "code" or a card was spoken of ("the
    # gate code is 4417", "the member id on the card")
    "gate code", "door code", "access code", "entry code", "alarm code", "buzzer code",
    "key code", "lockbox code", "confirmation code", "booking code", "reference code",
    "tracking code", "label code", "return code", "returns code", "promo code", "discount code",
    "voucher code", "gift code", "authorization code", "authorisation code",
    "collection code", "pickup code", "error code", "fault code", "tax code", "product code",
    "member id", "member i d", "subscriber id", "request id", "application number",
    "agreement number", "receipt number", "cancellation number", "transaction ids",
    "frequent flyer",
)
# ... or an amount, a time or an event ("paid", "arrives", "days")
NOT_A_NUMBER = (
    "pounds", "dollars", "dollar", "cents", "pence", "quid", "bucks", "percent", "minutes",
    "hours", "days", "o'clock", "am", "pm", "appointment", "engineer", "delivery", "deliver",
    "delivered", "arrive", "arrives", "arriving", "booked", "visit", "scheduled", "due", "comes",
    "coming", "flying", "depart", "departs", "leaving", "return", "returning", "starts",
    "started", "paid", "charged", "billed", "renewal", "renews", "moved", "moving", "discount",
    # an amount named just before it ("a payment of three forty seven fifty")
    "payment of", "payments of", "charge of", "charges of", "refund of", "fee of", "premium of",
    "balance of", "total of", "amount of", "credit of", "transfer of", "price of", "cost of",
    "bill of", "deposit of", "total is", "rent is",
)
# Words (lower case, as phrases of one to three words) that say what the next number is. The
# nearest one before a number decides; "order number" and money words say it is none of ours.
CUES: dict[str, tuple[str, ...]] = {
    "card_number": ("card", "cards", "card number", "long number", "visa", "mastercard", "amex",
                    "american express", "discover", "debit card", "credit card", "numbers on"),
    "security_code": ("security code", "cvv", "cvc", "csc", "cvv2", "c v v", "c v c", "cv2",
                      "c v two", "verification number", "card verification",
                      "by the signature", "three digit", "three-digit",
                      "three digits", "four digit", "four digits", "back of the card",
                      "code on the back", "the back", "code", "digits on the back"),
    "expiry_date": ("expiry", "expiration", "expires", "expire", "expiring", "exp", "expert date",
                    "valid through", "valid thru", "valid until", "good through", "good thru",
                    "end date", "expiry date", "expiration date"),
    # with a Canadian SIN, an Australian tax file number and the UK's and Ireland's numbers
    # that letters are part of (``national_ids``)
    "ssn": ("social", "ssn", "social security", "s s n", "social security number", "sin",
            "tax file", "tax file number", "tfn", "national insurance", "pps", "ppsn",
            "ird", "ird number", "i r d"),
    # Canada: a five-digit transit (branch) number and a three-digit institution number;
    # Australia: a six-digit BSB
    "routing_number": ("routing", "routing number", "aba", "transit", "sort code", "sortcode",
                       "rooting number", "sore code", "sort-code", "transit number",
                       "institution", "institution number", "bsb", "b s b"),
    "bank_account": ("account number", "checking", "savings", "bank account", "direct deposit",
                     "direct debit", "bank", "account", "iban", "i ban"),
    "phone_number": ("phone", "phone number", "reach you", "call you", "call back", "callback",
                     "mobile", "cell", "landline", "contact number", "best number", "telephone",
                     "text you", "number to reach", "ring you", "call me", "reach me", "my number",
                     "your number", "new number", "number for you", "text me", "should they call",
                     "number to call", "contact", "her number", "his number", "their number"),
    "date_of_birth": ("date of birth", "dates of birth", "birth", "born", "birthday", "birthdays",
                      "dob", "d o b", "birthdate", "birthdates"),
    # a ZIP code said alone, asked for apart from the street ("and the billing zip?")
    "street_address": ("zip", "zip code", "zipcode", "billing zip", "postal code"),
    "none": OTHER_NUMBERS + NOT_A_NUMBER,
}


def with_none(none: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """``CUES`` with ``none`` as the words that say a number is none of ours."""
    return {kind: phrases for kind, phrases in CUES.items() if kind != "none"} | {"none": none}


# the words of an address that say a number is none of ours, but no date ("your date of birth
# and postcode?" "23rd of January 1987")
ADDRESS_NUMBERS = frozenset(["postcode", "apartment", "suite", "unit", "room"])
DATE_CUES = with_none(tuple(p for p in CUES["none"] if p not in ADDRESS_NUMBERS))
# only another number's name says a Luhn-valid number is no card ("tracking number", "dispute
# number"; not "paid" or "ending in")
ANOTHER_NUMBER_CUES = with_none(tuple(p for p in OTHER_NUMBERS
                                       if p not in ("ending in", "ends in")))
# words that say the next number is someone else's ("and your husband's?", "my wife is ...")
SOMEONE_ELSE = frozenset([
    "his", "hers", "her", "him", "their", "theirs", "husband", "wife", "son", "daughter",
    "partner", "spouse", "mom", "dad", "mother", "father", "other", "second", "joint",
])
# words that say the call has spoken of a social security number
SOCIAL_WORDS = frozenset(["social", "socials", "ssn"])
# a number is a bank account only in a call about banking: one of these said in the call so far
BANK_WORDS = frozenset([
    "bank", "banks", "banking", "checking", "savings", "routing", "sort", "deposit", "debit",
    "wire", "iban", "swift", "deposited", "deposits", "ach"
])
# a number that fails the card checksum is still a card in a call that has spoken of cards: one
# of these said in the call so far
CARD_WORDS = frozenset([
    "card", "cards", "visa", "mastercard", "amex", "discover", "debit", "credit",
])
# the other party asking for one of these between two numbers ends the first ("7740." "And
# your billing address?" "1600 Cedar Hollow Lane"): the next number answers a new question
ANOTHER_ITEM = frozenset([
    "address", "name", "surname", "email", "e-mail", "city", "town", "street", "postcode",
    "zip", "county", "state"
])
# a cue names only what is said within this many words after it
CUE_REACH = {"date_of_birth": 15, "security_code": 15, "expiry_date": 15}
CUE_REACH_DEFAULT = 25
