"""Personal data found in what was said, and masked: numbers said any way and across turns,
phrases (e-mail, addresses, dates, names), the placeholders in words, quotes and audio.

The examples here are development examples written with the recognisers; the frozen PII test
sets (bench/pii_test_v1.json to v9, each read once for one change, development data after) measure
them."""

from __future__ import annotations

import json

import numpy as np
import pytest

from audio.redact import everyday, people
from audio.redact.detect import call_words, detect
from audio.redact.mask import mask_file, mask_quote, masked_spans_of_turns, redact_transcript
from audio.redact.numbers import Found
from audio.redact.spoken import digit_string, luhn_valid, tokens
from audio.schema import Transcript, Turn, Word


def transcript(*turns: tuple[str, str]) -> Transcript:
    """Turns said at 0.35 s a word with 0.5 s between turns."""
    out, clock = [], 0.0
    for speaker, text in turns:
        words = []
        for piece in text.split():
            words.append(Word(" " + piece, round(clock, 2), round(clock + 0.3, 2), 0.9))
            clock += 0.35
        out.append(Turn(speaker, words[0].start, words[-1].end, tuple(words)))
        clock += 0.5
    return Transcript(tuple(out), "en", clock, ("agent", "customer"))


def found(call: Transcript, kinds=None, with_tagger: bool = True) -> list[tuple[str, str]]:
    words = call_words(call)
    detection = detect(words, with_tagger=with_tagger) if kinds is None \
        else detect(words, kinds, with_tagger=with_tagger)
    return [(s.kind, "".join(words[i].text for i in s.words).strip()) for s in detection.spans]


def test_spoken_digits_read_as_numbers():
    assert digit_string(tokens(["four", "one", "one", "one"])) == "4111"
    assert digit_string(tokens(["forty", "one", "eleven"])) == "4111"
    assert digit_string(tokens(["double", "five", "oh", "nine"])) == "5509"
    assert digit_string(tokens(["4111-1111", "triple", "eight"])) == "41111111888"
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")


def test_card_number_split_across_turns_and_cut_into_by_the_agent():
    call = transcript(
        ("agent", "Can I take the long card number please?"),
        ("customer", "yeah it's four one one one, um, one one one one"),
        ("agent", "go on"),
        ("customer", "one one one one one one one one"),
        ("agent", "and the expiry?"),
        ("customer", "oh nine twenty seven and the security code is seven three two"),
    )
    spans = found(call)
    assert ("card_number", "four one one one, um, one one one one") in spans
    assert ("card_number", "one one one one one one one one") in spans
    assert ("expiry_date", "oh nine twenty seven") in spans
    assert ("security_code", "seven three two") in spans
    assert not [text for kind, text in spans if "go on" in text]


def test_written_card_numbers_and_what_is_not_a_card():
    call = transcript(
        ("customer", "the card is 4012 8888 8888 1881 and the other one 5555-5555-5555-4444"),
        ("agent", "thanks. Your order number is 4111 1111 1111 1112 and the refund is "
                  "forty five dollars ninety, on the card ending in 4444."),
    )
    spans = found(call)
    assert ("card_number", "4012 8888 8888 1881") in spans
    assert ("card_number", "5555-5555-5555-4444") in spans
    assert all("1112" not in text and "forty" not in text for _, text in spans)
    # a card's last four are masked too: nothing of a card number is left in the clear
    assert ("card_number", "4444.") in spans


def test_the_last_digits_of_a_named_number_are_that_number():
    """"ending in" / "ends in" / "the last four of" take the kind of the number named before
    them; an account is a bank's only in a call about banking."""
    call = transcript(
        ("agent", "I see a visa ending in six oh seven nine, is that the one you lost?"),
        ("customer", "yes. And my husband's social ends in 0457, if you need it."),
        ("agent", "and the last four of the social on the account"),
        ("customer", "seven two um sixty three"),
        ("agent", "sorry i got seven two and then"),
        ("customer", "six three"),
        ("agent", "Your order ending in 2290 ships on the 12th."),
    )
    spans = found(call)
    assert ("card_number", "six oh seven nine,") in spans
    assert ("ssn", "0457,") in spans
    assert ("ssn", "seven two um sixty three") in spans
    assert ("ssn", "six three") in spans
    assert not [text for _, text in spans if "2290" in text or "12th" in text]


def test_the_last_digits_of_a_number_named_a_few_words_before():
    """The card is named a few words before "ending in", or in the question the answer
    follows; a nearer word naming another number keeps it."""
    call = transcript(
        ("agent", "I see a credit card opened on the 2nd ending in 3233 with $4,912.55 in "
                  "charges."),
        ("agent", "And which card got the text?"),
        ("customer", "The one ending in 2218."),
        ("agent", "It was paid on the card, and your order ending in 4471 has shipped."),
    )
    spans = found(call)
    assert ("card_number", "3233") in spans
    assert ("card_number", "2218.") in spans
    assert not [text for _, text in spans if "4471" in text or "4,912" in text or "2nd" in text]


def test_homophones_right_after_ending_in_are_the_last_digits():
    call = transcript(
        ("agent", "the refund will go back to the card ending in three five nine three"),
        ("customer", "uh wait no i think i used my other card ending in to to four oh"),
        ("agent", "youre right i see it the one ending two two four oh"),
        ("customer", "the sale was ending in to many questions, the event ends in two hours"),
    )
    spans = found(call)
    assert ("card_number", "to to four oh") in spans
    assert ("card_number", "two two four oh") in spans
    assert not [text for _, text in spans if "many" in text or "hours" in text]


def test_one_before_ending_in_is_a_pronoun_and_cards_name_the_number():
    spans = found(transcript(
        ("agent", "i can see two cards on your profile, one ending in eight two oh five"),
    ))
    assert ("card_number", "eight two oh five") in spans


def test_a_homophone_after_a_tens_word_is_its_unit():
    call = transcript(
        ("agent", "can i take the card number"),
        ("customer", "sure forty won eleven sixty seven twenty for ninety ate fifty five oh two"),
        ("agent", "and the expiry"),
        ("customer", "oh nine twenty ate"),
        ("agent", "thanks, i paid forty for the ticket last year"),
    )
    spans = found(call)
    assert ("expiry_date", "oh nine twenty ate") in spans
    card = [text for kind, text in spans if kind == "card_number"]
    assert card and "forty won eleven" in card[0] and "twenty for" in card[0]
    assert not [text for _, text in spans if "ticket" in text or "paid" in text]


def test_homophones_inside_a_long_number_read_out_in_one_breath():
    """Seven digits or more said as words in one breath: "to", "for" and "won" inside are digits
    speech recognition heard as words, even where no other rule reads them ("forty to" is a time
    elsewhere); the same words around a number ("paid for", "tickets to") or beside numerals
    stay words."""
    call = transcript(
        ("agent", "and the social security number for your daughter"),
        ("customer", "hers is six oh won forty to seventy seven ate oh"),
        ("agent", "and the card you want on file"),
        ("customer", "its forty five thirty to sixty won oh oh double seven for to nine ate won for"),
        ("agent", "thanks, you paid for 4 tickets to 2 shows, total 4111 1111 for the order"),
    )
    spans = found(call)
    assert ("ssn", "six oh won forty to seventy seven ate oh") in spans
    assert ("card_number", "forty five thirty to sixty won oh oh double seven for to nine ate won "
                           "for") in spans
    assert not [text for _, text in spans if "paid" in text or "tickets" in text
                or "shows" in text or "order" in text]


def test_one_after_new_or_other_is_a_pronoun_not_a_cards_first_digit():
    """"use my new one" then the card in pieces: "one" is no digit of it, so the pieces are the
    card's full length (an Amex heard with one digit wrong still masked whole); "that one two
    one two ..." keeps its digits."""
    call = transcript(
        ("agent", "and payment is the card on file ending in four two eight zero"),
        ("customer", "no no use my new one"),
        ("agent", "okay go ahead"),
        ("customer", "three seven ate two"),
        ("agent", "mhm"),
        ("customer", "four six won oh oh five"),
        ("agent", "okay"),
        ("customer", "three ate nine oh tree"),
        ("agent", "and the number we can text"),
        ("customer", "that one two one two five five five oh one four four"),
    )
    spans = found(call)
    assert ("card_number", "three seven ate two") in spans
    assert ("card_number", "three ate nine oh tree") in spans
    assert not [text for _, text in spans if "new" in text.split()]
    assert ("phone_number", "one two one two five five five oh one four four") in spans


def test_homophones_before_a_repeat_and_at_the_end_of_a_turn():
    call = transcript(
        ("agent", "go ahead with the card number"),
        ("customer", "sure its for triple oh seven two six won"),
        ("agent", "and your date of birth"),
        ("customer", "ten twenty ate ninety for"),
        ("agent", "thanks, it was forty for the bag"),
    )
    spans = found(call)
    assert any(kind == "card_number" and text.startswith("for triple oh") for kind, text in spans)
    assert ("date_of_birth", "ten twenty ate ninety for") in spans
    assert not [text for _, text in spans if "bag" in text or "forty" in text]


def test_tree_is_a_three_inside_a_number_only():
    call = transcript(
        ("agent", "and the card number"),
        ("customer", "oh eight ninety seven seventy five seventy tree"),
        ("agent", "and the security code on the back"),
        ("customer", "tree oh five"),
        ("customer", "a tree fell on the line and two poles are down, we planted one tree"),
    )
    spans = found(call)
    assert ("card_number", "oh eight ninety seven seventy five seventy tree") in spans
    assert ("security_code", "tree oh five") in spans
    assert not [text for _, text in spans if "fell" in text or "planted" in text
                or "poles" in text]


@pytest.mark.parametrize("said", [
    "your visa ending in 4471 shows a pending transaction of 1250.00",
    "your card ending in four four seven one has a transaction for twelve fifty from amazon",
    "the card ending in 8812, i opened it in 2015",
    "the card ending in 8812 was used at store 4410",
    "the zero percent offer on this card ends in twenty twenty seven",
    "your card agreement ends in 2027 though",
    "your social security benefit ending in 2025 will be reviewed",
    "your tracking code ends in 4471",
    "your order ending in 22 ships tomorrow",
])
def test_only_the_digits_right_after_ending_in_are_the_number(said):
    """A review's cases: after "the card ending in 4471" an amount, a year or a store number is
    no card; "ends in" a year is a time; a code or an order ending in digits is none of ours."""
    spans = found(transcript(("customer", "I want to ask about my card"), ("agent", said)))
    assert not [text for _, text in spans
                if any(x in text for x in ("1250", "twelve", "2015", "4410", "2027", "2025",
                                           "22", "twenty"))]
    if "ending in 4471" in said or "ending in 8812" in said or "four four seven one" in said:
        assert [kind for kind, _ in spans] == ["card_number"]


def test_birth_dates_with_homophones_plural_cues_and_one_after_another():
    call = transcript(
        ("agent", "and your date of birth"),
        ("customer", "ten twenty ate seventy nine"),
        ("agent", "Wonderful! I need birthdates for everyone."),
        ("customer", "Mine is 4 April 1976. My wife Ama is 30 October 1979. Our son Yaw is "
                     "12 June 2010."),
        ("agent", "Can you confirm your date of birth and postcode?"),
        ("customer", "23rd of January 1987, and it's SE15 4RT."),
        ("agent", "Lovely. The engineer comes on 14 June 2026, and it was delivered 2 May."),
    )
    spans = found(call)
    for said in ("ten twenty ate seventy nine", "4 April 1976.", "30 October 1979.",
                 "12 June 2010.", "23rd of January 1987,"):
        assert ("date_of_birth", said) in spans
    assert not [text for _, text in spans if "2026" in text or "May" in text]


def test_homophones_inside_a_date_said_with_its_month():
    call = transcript(
        ("agent", "can i have your date of birth"),
        ("customer", "yeah its october ate nineteen sixty too"),
        ("agent", "and your daughters date of birth"),
        ("customer", "may too two thousand won"),
        ("agent", "thanks i was in march to see the branch and your card expires june twenty ate"),
    )
    spans = found(call)
    assert ("date_of_birth", "october ate nineteen sixty too") in spans
    assert ("date_of_birth", "may too two thousand won") in spans
    assert ("expiry_date", "june twenty ate") in spans
    assert not [text for _, text in spans if "march" in text]


def test_a_card_heard_with_one_digit_wrong_is_still_a_card_in_a_call_about_cards():
    """Speech recognition slips a digit and the checksum fails: a run that is exactly a card's
    length and leading digits, in a call that has spoken of cards, is masked all the same."""
    slipped = "four nine one six oh oh seven two three three ate one five five nine oh"
    spans = found(transcript(
        ("agent", "the card on file was declined it expired last month"),
        ("customer", "oh okay i got a new one can i give you that"),
        ("agent", "sure"),
        ("customer", slipped),
        ("agent", "thanks thats updated youll see it in five to seven business days"),
    ))
    assert ("card_number", slipped) in spans
    assert not [text for _, text in spans if "seven business" in text or text == "five"]
    # no card talk, or digits around it that the checksum would have to place: left to the
    # other readings
    assert not [kind for kind, _ in found(transcript(
        ("agent", "whats the tracking reference"), ("customer", slipped)))
        if kind == "card_number"]


def test_digits_a_recogniser_loops_on_after_a_card_are_the_card():
    """Whisper sometimes repeats a card's last digit (heard: "4 -1 -1 ... -1", 23 digits for
    16): masking only "card_number" must leave none of them in the clear."""
    for extra in (1, 3, 7, 14):
        said = "Yes, it's 4" + " -1" * (15 + extra)
        call = transcript(("agent", "Can I take the card number for the payment?"),
                          ("customer", said),
                          ("agent", "And the three digit security code on the back?"),
                          ("customer", "7 -3 -2."))
        masked = "".join(text for _, text in found(call, kinds=["card_number"]))
        assert masked.count("1") == 15 + extra and masked.startswith("4"), (extra, masked)


def test_a_number_named_as_another_sort_is_no_card_however_its_digits_check():
    """A tracking or dispute number can pass the Luhn check; named as such, it is left."""
    spans = found(transcript(
        ("agent", "do you have a tracking number"),
        ("customer", "yeah its one z nine nine eight four four oh three one two two seven six five "
                     "five ate one"),
        ("agent", "okay ive blocked the card and opened dispute number four four seven one nine "
                  "two oh three"),
        ("customer", "and the card you paid with was 4111 1111 1111 1111"),
    ))
    assert [text for kind, text in spans if kind == "card_number"] == ["4111 1111 1111 1111"]


def test_a_number_the_caller_offered_is_read_as_an_answer():
    """"can i use my social" "yes thats fine": the pieces that follow are that number; "my card
    was charged twice" "okay" offers nothing."""
    spans = found(transcript(
        ("customer", "um i dont have my card with me can i use my social"),
        ("agent", "yes thats fine"),
        ("customer", "six oh one"),
        ("agent", "mhm"),
        ("customer", "for for"),
        ("agent", "okay"),
        ("customer", "nine two seven three"),
        ("customer", "and my card was charged twice"),
        ("agent", "okay"),
        ("customer", "forty nine ninety nine both times"),
    ))
    for piece in ("six oh one", "for for", "nine two seven three"):
        assert ("ssn", piece) in spans
    assert not [text for _, text in spans if "forty" in text]


def test_homophones_inside_grouped_digits_of_an_answer():
    """Socials and cards said in pairs: "twenty ate", "ninety ate" are digits in the answer."""
    spans = found(transcript(
        ("agent", "and what's your social"),
        ("customer", "five oh five twenty ate forty six thirteen"),
        ("agent", "go ahead with the card number"),
        ("customer", "four one one one eighty six eighty nine"),
        ("agent", "okay"),
        ("customer", "ninety ate fifty five"),
    ))
    assert ("ssn", "five oh five twenty ate forty six thirteen") in spans
    assert ("card_number", "ninety ate fifty five") in spans


def test_birth_dates_said_day_first_year_first_or_as_two_ordinals():
    spans = found(transcript(
        ("agent", "and his date of birth"),
        ("customer", "one august nineteen fifty"),
        ("agent", "and yours"),
        ("customer", "nineteen forty two uh january the ninth"),
        ("agent", "the passenger's date of birth please"),
        ("customer", "seventeen november two thousand one"),
        ("agent", "and the account holder's date of birth"),
        ("customer", "fifth of the third eighty eight"),
        ("agent", "okay"),
        ("customer", "and my partner was born 1990, July 8."),
        ("agent", "the engineer comes seventeen november at two, reference four four one"),
    ))
    for said in ("one august nineteen fifty", "nineteen forty two uh january the ninth",
                 "seventeen november two thousand one", "fifth of the third eighty eight",
                 "1990, July 8."):
        assert ("date_of_birth", said) in spans
    # the year of an ordinal date stops at the turn's end; a visit's date is nobody's birth
    assert not [text for _, text in spans if "okay" in text or "engineer" in text
                or "seventeen november at" in text]


def test_a_date_after_a_birth_date_is_one_only_when_it_is_someone_elses():
    spans = found(transcript(
        ("agent", "I need dates of birth for both of you"),
        ("customer", "I'm 4 April 1976 and my wife is 30 October 1979. We married 2 June 2001."),
        ("agent", "and the date of birth of your son"),
        ("customer", "four five oh ate for me to check"),
    ))
    assert ("date_of_birth", "30 October 1979.") in spans
    assert not [text for _, text in spans if "2001" in text or text.endswith("for")]


def test_ssn_routing_account_and_phone_named_by_the_words_before_them():
    call = transcript(
        ("agent", "Can I have your social security number?"),
        ("customer", "sure, one two three, four five, six seven eight nine"),
        ("agent", "and the routing number for the refund?"),
        ("customer", "zero two one zero zero zero zero two one and the account number is "
                     "1234567890"),
        ("agent", "and a good phone number to reach you on?"),
        ("customer", "four one five, double five five, oh one three two"),
    )
    spans = found(call)
    assert ("ssn", "one two three, four five, six seven eight nine") in spans
    assert ("routing_number", "zero two one zero zero zero zero two one") in spans
    assert ("bank_account", "1234567890") in spans
    assert ("phone_number", "four one five, double five five, oh one three two") in spans
    assert found(transcript(("customer", "my social is 219-09-9998")))[0][0] == "ssn"


def test_email_address_and_dates_said_aloud():
    call = transcript(
        ("customer", "it's jane dot doe seventy two at gmail dot com, and I live at one "
                     "seventeen Maple Avenue apartment 4B"),
        ("agent", "May I have your date of birth?"),
        ("customer", "the third of March nineteen eighty one"),
        ("agent", "Your engineer comes on the fifth of June."),
    )
    spans = found(call)
    assert ("email", "jane dot doe seventy two at gmail dot com,") in spans
    assert ("street_address", "one seventeen Maple Avenue apartment 4B") in spans
    assert ("date_of_birth", "the third of March nineteen eighty one") in spans
    assert not [text for _, text in spans if "June" in text or "May" in text]


def test_email_addresses_spelled_letter_by_letter_and_country_domains():
    call = transcript(
        ("agent", "and the best email for the receipt"),
        ("customer", "yeah its d e l p h i n e dot m o r r i s s e a u ninety four at "
                     "northmail dot co dot uk"),
        ("agent", "and for your colleague"),
        ("customer", "i think its lars at fjord consulting dot no or l underscore b at uni "
                     "dot e d u"),
        ("agent", "I'll send it at nine then."),
    )
    spans = found(call)
    assert ("email", "d e l p h i n e dot m o r r i s s e a u ninety four at northmail dot "
                     "co dot uk") in spans
    assert ("email", "lars at fjord consulting dot no") in spans
    assert ("email", "l underscore b at uni dot e d u") in spans
    assert not [text for _, text in spans if "nine then" in text or "yeah" in text]


def test_email_local_parts_with_dashes_underscores_and_spelled_again_without_the_domain():
    call = transcript(
        ("agent", "what email should the receipt go to"),
        ("customer", "it's t dash okonjo underscore ninety for at mailbox dot org"),
        ("agent", "so t dash o k o n j o underscore nine four, got it"),
        ("customer", "and copy my wife, m.haddad_22@outlook.com, that's M dot H-A-D-D-A-D "
                     "underscore 22"),
        ("agent", "Sure. Our own address is member care at tidewater dot com, by the way."),
    )
    spans = found(call)
    assert ("email", "t dash okonjo underscore ninety for at mailbox dot org") in spans
    assert ("email", "t dash o k o n j o underscore nine four,") in spans
    assert ("email", "M dot H-A-D-D-A-D underscore 22") in spans
    # "t dash" on its own, or a local part of under four letters, is no read-back to the rules
    # (the learned tagger may still mask "j o" spelled back: it is the e-mail's)
    short = call_words(transcript(
        ("customer", "it's jo at gmail dot com"),
        ("agent", "j o, and your order number?"),
    ))
    assert not [s for s in detect(short, with_tagger=False).spans if s.speaker == "agent"]
    assert all(s.kind == "email" and short[s.words[-1]].text.strip() == "o,"
               for s in detect(short).spans if s.speaker == "agent")


def test_canadian_transit_and_institution_numbers_and_an_australian_bsb():
    call = transcript(
        ("agent", "for the pre-authorized debit I need the transit and institution numbers"),
        ("customer", "transit is won too three for five, and the institution is oh oh three"),
        ("agent", "and the account"),
        ("customer", "5007188"),
        ("agent", "and the routing number ending in"),
        ("customer", "too too won"),
    )
    spans = found(call)
    assert ("routing_number", "won too three for five,") in spans
    assert ("routing_number", "oh oh three") in spans
    assert ("bank_account", "5007188") in spans
    assert ("routing_number", "too too won") in spans
    assert ("routing_number", "083-214.") in found(transcript(
        ("customer", "My landlord's account, BSB 083-214."),
    ))
    # a range of pay cycles after banking talk stays
    assert found(transcript(
        ("agent", "routing 021000021 is on file; it takes effect in one to two pay cycles"),
    )) == [("routing_number", "021000021")]


def test_addresses_with_floors_numbered_streets_and_no_street_word_before_a_unit():
    for said, address in [
        ("It's 250 West 39th Street, 8th Floor, New York, NY 10018.",
         "250 West 39th Street, 8th Floor, New York, NY 10018."),
        ("301 West 108th Street, Apartment 4F, New York, NY 10025.",
         "301 West 108th Street, Apartment 4F, New York, NY 10025."),
        ("ship it to 2207 Southeast Alder, Apt 14, 97214.", "2207 Southeast Alder, Apt 14, 97214."),
        ("its four four oh eight kingsbury unit two c", "four four oh eight kingsbury unit two c"),
    ]:
        assert ("street_address", address) in found(transcript(("agent", "and the address?"),
                                                               ("customer", said)))
    assert not found(transcript(
        ("agent", "you'll hear back in two business days, the 3rd floor office opens at nine"),
    ))
    # a number before a unit is a house number only when no amount or time comes between
    assert not [text for _, text in found(transcript(
        ("agent", "you'll hear back in two business days unit four one two is held"),
    )) if "days" in text]


def test_a_business_own_address_and_phone_given_as_such_stay_and_a_callers_are_masked():
    call = transcript(
        ("agent", "Our returns center is 8800 Commerce Parkway, Building C, Columbus, Ohio "
                  "43219, and our billing line is 800-555-0142."),
        ("customer", "the corner drug store on main, their number is five oh three five five "
                     "five oh one seven one, and call us at 503-555-0199 if it's late"),
        ("agent", "We'll text you at 786-555-0149. Shall we send it to my colleague's office "
                  "at 12 Elm Street or to 445 Maple Street, Apartment 2?"),
        ("customer", "she moved in with us. It's 915 Carriage House Lane."),
    )
    spans = found(call)
    assert not [text for _, text in spans if "8800" in text or "800-555-0142" in text]
    # what a caller says of a business is masked all the same: the detector cannot tell a
    # shop's number from a friend's in the caller's words, and leaves nothing to a guess
    assert ("phone_number", "five oh three five five five oh one seven one,") in spans
    assert ("phone_number", "786-555-0149.") in spans
    assert ("street_address", "445 Maple Street, Apartment 2?") in spans
    assert ("street_address", "915 Carriage House Lane.") in spans
    # a caller's "call us at" is their household's number
    assert ("phone_number", "503-555-0199") in spans
    # a speaker whose role is not known is read as a caller
    unknown = transcript(("speaker_0", "Our returns center is 8800 Commerce Parkway."))
    assert found(unknown) == [("street_address", "8800 Commerce Parkway.")]
    # the agent reading back the caller's own details, or a contact's, keeps them masked
    for said, item in [
        ("okay so the service location is 42 Elm Street apartment 3",
         ("street_address", "42 Elm Street apartment 3")),
        ("and the install site is 1187 Birchwood Drive", ("street_address", "1187 Birchwood Drive")),
        ("and for your emergency contact, their number is 555 212 3456",
         ("phone_number", "555 212 3456")),
        ("we'll call them at 555 212 3456", ("phone_number", "555 212 3456")),
    ]:
        assert item in found(transcript(("agent", said)))


def test_a_business_own_bank_details_toll_free_lines_and_senders_stay():
    """Fresh sets v53 to v56: agents' "pay by transfer to our account, sort code ...", "into
    our trust account, 03-1702-...", "call us at one eight hundred ..." (read as a card's
    digits) were masked as the caller's."""
    for said in [
        "You can pay by bank transfer to our account, sort code 08-32-10, account number "
        "12001020, using your payment reference.",
        "You'd pay it into our trust account, 03-1702-0192837-000, with reference T55820.",
        "just cut it up or call us at one eight hundred five five five oh one nine nine",
        "Please pay to our client account: Ashworth & Pike Client Account, sort code 30-94-57, "
        "account number 62038815.",
    ]:
        assert not found(transcript(("agent", said))), said
    # the caller's own, and the agent reading back the caller's, stay masked
    for speaker, said, item in [
        ("customer", "pay it into our account, sort code 30-94-57, account number 62038815",
         ("bank_account", "62038815")),
        ("agent", "so that's to your account, sort code 30-94-57, account number 62038815",
         ("bank_account", "62038815")),
        ("agent", "I've updated our records with your new account number 62038815",
         ("bank_account", "62038815")),
        ("customer", "the texts come from 514-555-0100", ("phone_number", "514-555-0100")),
        # a review's (helper, 152 snippets): the agent with "our" about the caller's details
        ("agent", "I've updated our direct debit details: sort code 20-45-77, account 44556677.",
         ("bank_account", "44556677.")),
        ("agent", "Let me just add that to our records, account number 71234567, sort code "
                  "40-47-84.", ("bank_account", "71234567,")),
        ("agent", "So outgoing calls from 0412 345 678 are working but incoming aren't?",
         ("phone_number", "0412 345 678")),
        ("agent", "Our contact number on file is 0412 345 678, is that still right?",
         ("phone_number", "0412 345 678,")),
        ("agent", "Okay, so the closest one is 14 Elm Street.",
         ("street_address", "14 Elm Street.")),
        # a second review's: another account word, or other words, between
        ("agent", "I'll pass this to our accounts team and they'll refund it to 41122334, sort "
                  "code 20-45-77.", ("bank_account", "41122334,")),
        ("agent", "The refund bounced back to our account, so I'll resend it to sort code "
                  "40-11-22, account number 31926819.", ("bank_account", "31926819.")),
        ("agent", "I can see you called our line from 0412 345 678",
         ("phone_number", "0412 345 678")),
        ("agent", "The security alerts were sent from 0412 345 678, the old number",
         ("phone_number", "0412 345 678,")),
    ]:
        masked = found(transcript(("customer", "it's for my bank account"), (speaker, said)))
        assert item[1] in [text for _, text in masked], said


def test_everyday_words_and_amounts_are_not_names_or_numbers():
    """Fresh sets v53 to v56: "I hope you're all getting some sleep", "rent in June", "kia
    ora", a booking number's letters, "four hundred and ninety nine dollars" and a claim number
    "CLM-2025-004417" were masked as names, card numbers and phones."""
    call = transcript(
        ("agent", "kia ora youre through to tui mobile my name is hemi"),
        ("customer", "hi hemi, can the reference say rent due in june please"),
        ("agent", "sure, and I hope you're all getting some sleep. The confirmation number is "
                  "p a y six six one two"),
        ("agent", "I see a charge at an online store for four hundred and ninety nine dollars"),
        ("agent", "Your claim number is CLM-2025-004417. Ka kite!"),
    )
    spans = found(call)
    assert spans == [("person_name", "hemi"), ("person_name", "hemi,")], spans
    # names that are also words stay names where they are said as names
    for said, item in [("my name is June Carter", ("person_name", "June Carter")),
                       ("it's under my husband, Mark", ("person_name", "Mark")),
                       ("this is Grace from accounts", ("person_name", "Grace")),
                       ("this is kim you said you want to open an account",
                        ("person_name", "kim")),
                       # a review's: first names after a modal, "please" or "our"
                       ("Could Michael sign for it instead?", ("person_name", "Michael")),
                       ("It's for our Sarah, she's moving out", ("person_name", "Sarah,")),
                       ("My mum is Rose Kelly. Would Rose need to call herself?",
                        ("person_name", "Rose")),
                       ("It's the joint one, my husband and I, Frank",
                        ("person_name", "Frank"))]:
        assert item in found(transcript(("customer", said))), said
    # a spelled name's letters are no reference's, a doubled letter included
    for spelled in (["the", "reference", "is", "f", "e", "double", "n", "thanks"],
                    ["account", "name", "is", "m", "u", "r", "p", "h", "y", "087"],
                    ["my", "name's", "siobhan", "s", "i", "o", "b", "h", "a", "n", "087"],
                    ["it's", "for", "p", "a", "y", "six", "six"]):
        assert not everyday.not_a_name(spelled, spelled, ["customer"] * len(spelled), (3,))
    reference = ["the", "booking", "number", "is", "p", "a", "y", "six", "six"]
    assert everyday.not_a_name(reference, reference, ["customer"] * 9, (5,))
    # what the other party says next is not read with the name
    assert ("person_name", "kevin") in found(transcript(("agent", "this is kevin how can i help"),
                                                        ("customer", "thank you kevin"),
                                                        ("agent", "you're welcome")))[1:]


def test_an_initial_before_a_name_and_a_surname_after_one_are_the_name():
    """v57 (read): "in the name of G Rossi?", "mrs i mcleish", "T Ferreira." had the surname
    masked and the initial left clear."""
    call = transcript(("customer", "It's Giuseppe Rossi, and my wife is Maria Rossi."),
                      ("agent", "So BSB 015 221, account 441820773, in the name of G Rossi?"),
                      ("customer", "yes and the other one is for iona mcleish"),
                      ("agent", "thanks is that mrs i mcleish"))
    spans = found(call)
    assert ("person_name", "G") in spans and ("person_name", "i") in spans, spans
    # the article and the pronoun stay words; a noun after a possessive is no surname
    call = transcript(("customer", "It's Giuseppe Rossi. I rang a Rossi cousin, and Mochi's "
                                   "physio said so"),
                      ("customer", "my dog is called Mochi and Giuseppe Rossi's locker key"))
    words = [text for _, text in found(call)]
    assert not {"I", "a", "physio", "locker"} & set(words), words


def test_a_first_name_before_a_surname_and_a_name_said_again_after_the_tagger():
    """Read sets (dev to v58): "reza [karimi]", "anand [venkataraman]", "darragh o'sullivan"
    had one half of the name clear beside the other masked, and a name the learned tagger
    found ("care of [agnieszka]") was clear where it was said again."""
    for said, name in [("rajesh kumar and the second one is darragh o'sullivan",
                        {"rajesh", "kumar", "darragh", "o'sullivan"}),
                       ("my sister funmi adeyemi-okafor", {"funmi", "adeyemi-okafor"}),
                       ("donal o'mahony", {"donal", "o'mahony"}),
                       ("it's maria lopez-garcia", {"maria", "lopez-garcia"})]:
        call = transcript(("agent", "and the name of the account holder"), ("customer", said))
        assert name <= {w for _, text in found(call) for w in text.split()}, said
    # a name found only once by the tagger or beside a name is masked where it is said again
    call = transcript(("agent", "which bank is the refund going to"),
                      ("customer", "its the westpac one kofi set it up for me kofi mensah my "
                                   "partner"))
    assert [text for _, text in found(call)] == ["kofi", "kofi mensah"]
    # ... if it is no English word, no acronym, and not a saint's name in a place's
    cased = ["IRD", "rang", "agnieszka", "frost", ",", "St", "Bede's", ";", "IRD", "agnieszka",
             "frost", "St", "Bede's"]
    lower = [w.lower() for w in cased]
    first = [Found("person_name", (p,), "test") for p in (0, 2, 3, 6)]
    again = people.rare_said_again(lower, cased, first)
    assert [f.words[0] for f in again] == [2, 9], again
    # a review's: family words, greetings and contractions before a name stay words, and a
    # name that is an everyday word is not masked where it is that word
    call = transcript(("agent", "morena my name's tevita how can i help"),
                      ("customer", "hi it's for my nana kiri walker she's with us"),
                      ("agent", "righto and your name"),
                      ("customer", "tom gale the gale on sunday took the roof off at six "
                                   "o'clock"))
    words = [text for _, text in found(call)]
    assert not {"morena", "name's", "nana", "righto", "o'clock"} & set(words), words
    assert words.count("gale") == 1, words


def test_a_unit_number_said_with_a_slash_is_part_of_the_address():
    """Read sets (dev to v59): "two slash seventy eight tory street", "flat three slash two
    eighty one dumbarton road" had the unit's number or the slash left clear; a unit found on
    its own ("flat three") cut the whole address in two."""
    for said, address in [
        ("so four slash thirty two wattle street north geelong",
         "four slash thirty two wattle street north geelong"),
        ("and is your address still flat three slash two eighty one dumbarton road",
         "flat three slash two eighty one dumbarton road"),
        ("no it's flat two stroke one twelve craigpark drive",
         "flat two stroke one twelve craigpark drive"),
    ]:
        assert ("street_address", address) in found(
            transcript(("agent", "and the address"), ("customer", said))), said
    # a slash between numbers that are no address stays clear
    assert not found(transcript(("customer", "it's about twenty four seven slash three support")))


def test_a_pps_or_ni_number_said_with_homophones_or_announced_letters_is_whole():
    """Read sets (dev to v60): a PPS number's letters were left clear after "ate seven three
    ...", "... eight four double you", "... nine six and the letters w a", "... hang on one seven
    two t a", and a read-back written digit by digit ("7 6 5 4 3 2 1 W A?") was clear."""
    for asked, said, masked in [
        ("can i have your pps number", "ate seven three four two one five w a",
         ["ate seven three four two one five w a"]),
        ("and your pps number", "six tree one oh two eight four double you",
         ["six tree one oh two eight four double you"]),
        ("can i get your pps number", "eight two two four one nine six and the letters w a",
         ["eight two two four one nine six", "w a"]),
        ("and the pps number", "it's six eight four three hang on one seven two t a",
         ["six eight four three", "one seven two t a"]),
        ("and your pps number", "it's 7 6 5 4 3 2 1 W A", ["7 6 5 4 3 2 1 W A"]),
    ]:
        spans = found(transcript(("agent", asked), ("customer", said)))
        assert [text for _, text in spans] == masked and {k for k, _ in spans} == {"ssn"}, said
    # "double" still doubles, and "you" after a code is a word
    spans = found(transcript(("agent", "and your national insurance number"),
                             ("customer", "q q double one two three four five c thank you")))
    assert [text for _, text in spans] == ["q q double one two three four five c"], spans


def test_where_the_business_is_said_by_the_agent_in_other_words_stays():
    """Read sets (dev to v48): agents giving their own address as "we're at", "our depot's at",
    "the hotel is at" or "our address is" had it masked as a caller's. Speech recognition's
    "were at" for "we're at" stays masked: it is as often "you were at" (a review's)."""
    for said in ["Please arrive 15 minutes early. We're at 2200 Westheimer Road, Suite 300.",
                 "Our depot's at 14 Riverside Way, Chelmsford, CM2 6LL, if you want to drop by.",
                 "Check-in is from 3 pm, and the hotel is at 1133 West Hastings Street.",
                 "You can call us, and our address is 400 Water Street."]:
        assert not [k for k, _ in found(transcript(("agent", said)))
                    if k == "street_address"], said
    # the caller's, or read back to the caller, stays masked
    for said, item in [
        ("we're at 42 elm street apartment 3", ("street_address", "42 elm street apartment 3")),
        ("so we have you at 18 Birch Road, is that right?", ("street_address", "18 Birch Road,")),
        ("and the office you work at is 9 Mill Lane?", ("street_address", "9 Mill Lane?")),
        # a review's: whoever "were at" or "located at", a visit booked at the caller's home,
        # "our address" that is not the business's
        ("So before that you were at 9 Mill Lane, correct?", ("street_address", "9 Mill Lane,")),
        ("the tenants were at 5 Bridge Street until March", ("street_address", "5 Bridge Street")),
        ("The property located at 14 Maple Drive is insured in your name.",
         ("street_address", "14 Maple Drive")),
        ("Great, so we're at 42 Elm Street on Tuesday between eight and twelve.",
         ("street_address", "42 Elm Street")),
        ("our address database shows fourteen oak lane", ("street_address", "fourteen oak lane")),
    ]:
        speaker = "customer" if said.startswith("we're") else "agent"
        assert item in found(transcript((speaker, said))), said


def test_nine_digits_said_again_later_in_a_call_about_a_social():
    call = transcript(
        ("customer", "hi my w two came back with my social security number printed wrong"),
        ("agent", "im sorry about that let me pull up the form from your employer it shows the "
                  "wages and the withholding for last year"),
        ("customer", "right and the number they printed is off"),
        ("agent", "okay what should it read"),
        ("customer", "the last two are swapped so four six two five five zero zero one eight"),
        ("agent", "great your employer number on the form is 84-3310927 and the refund was "
                  "three hundred forty two dollars"),
    )
    spans = found(call)
    assert ("ssn", "four six two five five zero zero one eight") in spans
    masked = " ".join(text for _, text in spans)
    assert "84-3310927" not in masked and "forty two" not in masked


def test_ten_digits_shaped_like_a_phone_far_from_the_word_for_it_are_a_phone():
    call = transcript(
        ("agent", "i can send it for review and the adjudicator will call you within ten days "
                  "is nine one nine eight two seven oh four five two still good"),
        ("customer", "yes and my landlords is seven seven oh eight two seven three one two "
                     "five"),
        ("agent", "and your sisters"),
        ("customer", "503-827-1137 and 503-827-1138"),
        ("agent", "your confirmation number is nine nine oh for won to tree ate five six"),
        ("customer", "nine nine oh four one two three eight five six got it"),
        ("agent", "and the prescription number is six oh four three two one nine eight oh seven"),
        ("customer", "the label says 6-0-4-3-2-1-9-8-0-7"),
    )
    spans = found(call)
    for said in ("nine one nine eight two seven oh four five two",
                 "seven seven oh eight two seven three one two five", "503-827-1137",
                 "503-827-1138"):
        assert ("phone_number", said) in spans
    masked = " ".join(text for _, text in spans)
    # another sort of number, said back, written digit by digit or named right before it
    assert "nine nine" not in masked and "six oh four" not in masked and "6-0-4" not in masked


def test_addresses_said_in_pieces_with_their_city_and_codes_and_last_four_of_a_social():
    call = transcript(
        ("customer", "it's five oh seven hawthorne uh"),
        ("agent", "go ahead"),
        ("customer", "lane towson maryland two one two oh four"),
        ("agent", "and the last four of your social?"),
        ("customer", "seven seven four oh and the new place is flat 4, 27 Mill Lane, Leeds, "
                     "LS6 2QT"),
        ("agent", "You owe $59.99 and I can split it fifty percent now, fifty percent in May."),
        ("customer", "reach me on plus one, three one two, five five five, zero one nine "
                     "eight, extension 240, or k underscore patel at sign proton mail dot com"),
    )
    spans = found(call)
    masked = " ".join(text for _, text in spans)  # said in two pieces: each masked
    assert "five oh seven hawthorne" in masked and "lane towson maryland two one two oh four" \
        in masked
    assert ("ssn", "seven seven four oh") in spans
    assert ("street_address", "flat 4, 27 Mill Lane, Leeds, LS6 2QT") in spans
    assert ("phone_number", "plus one, three one two, five five five, zero one nine eight, "
                            "extension 240,") in spans
    assert ("email", "k underscore patel at sign proton mail dot com") in spans
    assert not [text for _, text in spans if "59" in text or "fifty" in text]
    # a single digit before a unit word still ends the number it belongs to
    card = found(transcript(("customer", "my card is four one one one one one one one one one "
                             "one one one one one one months ago")))
    assert card[0] == ("card_number", "four one one one one one one one one one one one one one "
                                      "one one")


def test_addresses_with_homophones_a_city_alone_units_and_spelled_postcodes():
    call = transcript(
        ("agent", "where should we mail the replacement"),
        ("customer", "mail it to tree sixty too larkin avenue apartment for oh won rochester"),
        ("agent", "and the billing address"),
        ("customer", "won forty ate pine street uh unit too c in boise idaho ate three seven oh "
                     "too"),
        ("agent", "and which unit are you in now"),
        ("customer", "apartment nine d"),
        ("agent", "and the postcode for the flat"),
        ("customer", "l s six four b q"),
        ("customer", "and my old place was 88 rue saint paul ouest montreal"),
        ("agent", "thanks I can give you a flat twenty dollars off and the unit two years "
                  "warranty, we ship to 2217 Jefferson Avenue, Brooklyn, by the way"),
    )
    spans = found(call)
    assert ("street_address", "tree sixty too larkin avenue apartment for oh won rochester") \
        in spans  # "to" before the house number stays: it is the preposition
    assert ("street_address", "won forty ate pine street uh unit too c in boise idaho ate three "
                              "seven oh too") in spans
    assert ("street_address", "apartment nine d") in spans
    assert ("street_address", "l s six four b q") in spans
    assert ("street_address", "88 rue saint paul ouest montreal") in spans
    assert ("street_address", "2217 Jefferson Avenue, Brooklyn,") in spans
    masked = " ".join(text for _, text in spans)
    assert "mail it to" not in masked and "twenty dollars" not in masked \
        and "two years" not in masked
    # a postcode's shape said letter by letter counts only when a postcode was asked for
    assert not found(transcript(("agent", "whats the reference"),
                                ("customer", "l s six four b q")))


def test_names_after_a_cue_and_from_the_named_entity_model():
    call = transcript(
        ("agent", "Thanks for calling Brightwater, this is Ben. Who am I speaking with?"),
        ("customer", "hi my name is dana whitlock i'm calling about my bill"),
        ("agent", "Thank you, Mrs Whitlock. I spoke to Priya Raman in billing yesterday."),
    )
    spans = found(call)
    assert ("person_name", "Ben.") in spans
    assert ("person_name", "dana whitlock") in spans
    assert ("person_name", "Whitlock.") in spans
    assert ("person_name", "Priya Raman") in spans
    assert not [text for _, text in spans if "Brightwater" in text or "bill" in text]


def test_lower_case_names_known_by_being_no_everyday_word():
    call = transcript(
        ("agent", "thanks for calling outdoor depot this is kenji how can i help"),
        ("customer", "hi i'm regarding an order"),
        ("agent", "sure can i get the name on the card"),
        ("customer", "it's marcus odoherty"),
        ("agent", "and who's the policy holder"),
        ("customer", "yes i'm his mom adaeze quarshie"),
        ("agent", "and the patient's full name"),
        ("customer", "walter pennywhistle born august second nineteen fifty"),
    )
    spans = found(call)
    assert ("person_name", "kenji") in spans
    assert ("person_name", "marcus odoherty") in spans
    assert ("person_name", "adaeze quarshie") in spans
    assert ("person_name", "walter pennywhistle") in spans
    masked = " ".join(text for _, text in spans)
    assert "regarding" not in masked and "born" not in masked and "depot" not in masked
    # ordinary words where a name could be: none masked
    plain = transcript(
        ("customer", "my bill doubled this is outrageous"),
        ("agent", "are you the account holder"),
        ("customer", "yep that's me and the agent hung up on me about the charge for june "
                     "autopay"),
    )
    masked = " ".join(text for _, text in found(plain))
    assert not {"outrageous", "yep", "autopay"} & set(masked.split())


def test_first_names_from_beyond_the_us_census_after_a_cue():
    """The 1990 US census lists lack many callers' first names; Faker's locale lists add them
    (here in lower case, as speech recognition writes them)."""
    call = transcript(
        ("agent", "good afternoon harbour view dental you're talking to aroha"),
        ("customer", "hi um i'm ringing for my son cillian he has a filling booked"),
        ("agent", "no problem and is there a second contact"),
        ("customer", "yeah my husband mehmet on the same number"),
        ("agent", "lovely thanks wanjiru that's all sorted"),
    )
    spans = found(call)
    for name in ("aroha", "cillian", "mehmet", "wanjiru"):
        assert ("person_name", name) in spans, name
    masked = " ".join(text for _, text in spans)
    assert not {"filling", "booked", "second", "contact", "sorted", "lovely", "same"} & set(
        masked.split())
    # written with or without its accents; and after "okay", "and" or "for", a listed name that
    # is an everyday word, in English or in a language callers switch into, is that word
    # (a review found "okay safari keeps crashing" and "okay tamam" masked)
    call = transcript(
        ("agent", "you're through to kowhai travel this is joão how can i help"),
        ("customer", "hi its about my son goncalo his passport"),
        ("agent", "okay safari keeps crashing on the booking page"),
        ("customer", "okay tamam and pero the flights for kingston are fine"),
    )
    spans = found(call)
    assert ("person_name", "joão") in spans and ("person_name", "goncalo") in spans
    masked = " ".join(text for _, text in spans)
    assert not {"safari", "pero", "kingston", "keeps"} & set(masked.split())
    # the rules take none of them; the learned tagger still adds "tamam" (README: not fixed)
    words = call_words(call)
    by_rules = {words[i].text.strip() for s in detect(words, with_tagger=False).spans
                for i in s.words}
    assert not {"safari", "tamam", "pero", "kingston", "keeps"} & by_rules


def test_a_question_for_something_else_ends_a_number_and_a_zip_said_alone():
    call = transcript(
        ("agent", "Can you confirm the last four of your SSN?"),
        ("customer", "7740."),
        ("agent", "And your billing address?"),
        ("customer", "1600 Cedar Hollow Lane, Franklin, Tennessee."),
        ("agent", "and the billing zip"),
        ("customer", "eight oh two one one"),
        ("agent", "great and a phone number in case there's a problem"),
        ("customer", "two oh ate five five five oh one one one"),
    )
    spans = found(call)
    assert ("ssn", "7740.") in spans
    assert ("street_address", "eight oh two one one") in spans
    assert ("phone_number", "two oh ate five five five oh one one one") in spans


def test_numbers_dates_and_addresses_said_the_ways_people_say_them():
    call = transcript(
        ("agent", "and her social as she put it on the form"),
        ("customer", "two six six three nine oh ate ate one"),
        ("agent", "Your date of birth and the last four of your Social?"),
        ("customer", "12/09/1958 and 3362."),
        ("agent", "Would you like a confirmation text?"),
        ("customer", "Sure, to 617.555.0149."),
        ("agent", "and which card"),
        ("customer", "Discover, 6011 1878 0175 9894, expiring May 2028, security code 552."),
        ("agent", "and the date of birth"),
        ("customer", "nine twelve nineteen eighty two"),
        ("agent", "and the service address"),
        ("customer", "its nine oh seven west wrightwood avenue chicago illinois 6 0 6 1 4"),
        ("agent", "Do you want a pickup from 615 Hawthorne Boulevard, Portland, OR 97214?"),
        ("customer", "no its two hundred and six elm grove road"),
    )
    spans = found(call)
    assert ("ssn", "two six six three nine oh ate ate one") in spans
    assert ("ssn", "3362.") in spans
    assert ("phone_number", "617.555.0149.") in spans
    assert ("expiry_date", "May 2028,") in spans
    assert ("date_of_birth", "nine twelve nineteen eighty two") in spans
    assert ("street_address", "nine oh seven west wrightwood avenue chicago illinois 6 0 6 1 4") \
        in spans
    assert ("street_address", "615 Hawthorne Boulevard, Portland, OR 97214?") in spans
    assert ("street_address", "two hundred and six elm grove road") in spans


def test_homophones_and_a_date_with_the_last_four_in_one_answer():
    call = transcript(
        ("agent", "your date of birth and the last four of your social"),
        ("customer", "six fourteen eighty five and for four too nine"),
        ("agent", "okay ill need the account holders social last four"),
        ("customer", "his last four is won nine ate ate"),
        ("agent", "great and can you update the phone"),
        ("customer", "update it to three one two five five five zero one nine six"),
    )
    spans = found(call)
    assert ("date_of_birth", "six fourteen eighty five") in spans
    assert ("ssn", "for four too nine") in spans
    assert ("ssn", "won nine ate ate") in spans
    assert ("phone_number", "three one two five five five zero one nine six") in spans


def test_a_number_asked_for_and_given_in_pieces_with_homophones_and_a_correction():
    call = transcript(
        ("agent", "before I change anything I need your social security number"),
        ("customer", "sure the first three are five two for"),
        ("agent", "mhm"),
        ("customer", "then won ate and then nine too oh six"),
        ("agent", "and your husband's?"),
        ("customer", "ate ate won for six oh sorry no ate ate won for seven oh two too nine"),
        ("agent", "and the last four of the card you paid with"),
        ("customer", "too ate won nine"),
        ("agent", "your parcel comes in three to five days"),
    )
    spans = found(call)
    masked = " ".join(text for kind, text in spans if kind == "ssn")
    for said in ("five two for", "won ate", "nine too oh six", "ate ate won for six oh",
                 "ate ate won for seven oh two too nine"):
        assert said in masked
    assert ("card_number", "too ate won nine") in spans
    assert not [text for _, text in spans if "three" in text]


def test_a_number_read_back_is_masked_and_does_not_end_the_answer():
    call = transcript(
        ("agent", "can I have the card number"),
        ("customer", "three seven one two four four"),
        ("agent", "sorry three seven one two four four and then"),
        ("customer", "nine two six one oh oh eight three five"),
        ("agent", "and the name on the card"),
        ("customer", "Priya Raman. My social is 531-87-2290."),
        ("agent", "Thank you. So that's the one ending in 2290."),
        ("customer", "it's the card I paid with, 4200 is what I paid"),
        ("agent", "Noted. Your refund of 4200 dollars goes out today."),
    )
    spans = found(call)
    masked = [text for kind, text in spans if kind == "card_number"]
    assert "three seven one two four four" in masked  # both the customer's and the read-back
    assert masked.count("three seven one two four four") == 2
    assert "nine two six one oh oh eight three five" in masked
    assert ("ssn", "2290.") in spans  # their social said back
    assert not [text for _, text in spans if "4200" in text]


def test_pieces_of_a_card_after_a_read_back_and_a_correction_are_the_card():
    """The card is named long before the second piece; the pieces go on through the agent's
    read-backs and a correction, and stop at the last piece or at another subject."""
    call = transcript(
        ("agent", "right, I'll cancel it now. Do you have the number on the front of the card "
                  "that went missing?"),
        ("customer", "let me find the photo I took of it, here we go, five two two nine"),
        ("agent", "five two two nine, and the next four"),
        ("customer", "eight oh three one then six six for two"),
        ("agent", "was that six six four two"),
        ("customer", "no six six four seven, and the last ones are one nine oh four"),
        ("agent", "thank you, your replacement fee of twelve fifty is waived, and the branch "
                  "number for the pick up is four four one two"),
    )
    masked = [text for kind, text in found(call) if kind == "card_number"]
    for piece in ("eight oh three one", "six six for two", "six six four two",
                  "six six four seven", "one nine oh four"):
        assert any(piece in text for text in masked), piece
    # the word said between two pieces is none of the card
    assert not [text for text in masked if "then" in text.split()]
    assert not [text for text in masked if "twelve" in text or "four four one two" in text]


def test_the_rest_of_a_card_asked_for_after_the_expiry_came_between_is_the_card():
    """The agent takes the expiry in the middle of the card, then asks for the rest; the answer
    (homophones and all) and the agent's read-back of it are the card, the security code is
    not."""
    call = transcript(
        ("agent", "go ahead with the card"),
        ("customer", "for seven tree five seven ate oh for"),
        ("agent", "four seven three five seven eight oh four and whats the expiry on it"),
        ("customer", "oh nine twenty ate"),
        ("agent", "okay and the rest of the number"),
        ("customer", "nine to six seven seven won five nine"),
        ("agent", "nine two six seven seven one five nine and the security code"),
        ("customer", "six oh for"),
    )
    spans = found(call)
    cards = [text for kind, text in spans if kind == "card_number"]
    assert any("nine to six seven seven won five nine" in text for text in cards)
    assert any("nine two six seven seven one five nine" in text for text in cards)
    assert ("security_code", "six oh for") in spans
    assert not any("twenty" in text for text in cards)


def test_a_piece_goes_on_from_the_agents_read_back_after_an_interruption():
    call = transcript(
        ("agent", "and the card number"),
        ("customer", "four triple oh"),
        ("agent", "four zero zero zero"),
        ("customer", "seven two six won"),
        ("agent", "and whats the expiry"),
        ("customer", "oh uh oh six twenty ate"),
        ("agent", "okay go on after seven two six one"),
        ("customer", "nine oh tree ate for five won tree"),
        ("agent", "nine zero three eight four five one three and the three digit code"),
    )
    cards = [text for kind, text in found(call) if kind == "card_number"]
    assert any("nine oh tree ate for five won tree" in text for text in cards)
    assert any("nine zero three eight four five one three" in text for text in cards)


def test_the_last_four_of_a_card_said_again_later_are_still_the_card():
    call = transcript(
        ("agent", "The refund will go back to the original card. Was that the Visa ending "
                  "3391?"),
        ("customer", "No, I paid with my Mastercard, it ends in 7705."),
        ("agent", "Ah, I see, there were two payments; the seat upgrade was on 3391. Both will "
                  "be refunded, 418 dollars in all."),
    )
    spans = found(call)
    assert sum("3391" in text for kind, text in spans if kind == "card_number") == 2
    assert not any("418" in text for _, text in spans)


def test_a_bank_account_read_back_is_the_account_and_an_amount_is_not():
    call = transcript(
        ("customer", "i need to update my direct deposit"),
        ("agent", "go ahead with the routing number"),
        ("customer", "too won won tree ate for nine won seven"),
        ("agent", "two one one three eight four nine one seven and the account"),
        ("customer", "its kind of long forty won eleven uh oh oh ate"),
        ("agent", "four one one one zero zero eight"),
        ("customer", "then seventy tree twenty"),
        ("agent", "seven three two zero so the whole thing is four one one one zero zero eight "
                  "seven three two zero"),
        ("customer", "yes"),
        ("agent", "thats updated, your next check is about four one one dollars"),
    )
    accounts = [text for kind, text in found(call) if kind == "bank_account"]
    assert "four one one one zero zero eight seven three two zero" in accounts
    assert not any("dollars" in text or text == "four one one" for _, text in found(call))


def test_an_account_ending_in_is_a_bank_account_when_the_call_speaks_of_banking_later():
    banking = transcript(
        ("agent", "it says the refund went to an account ending in six seven two"),
        ("customer", "oh that's my old one"),
        ("agent", "can you give me the full routing and account number of the new one"),
    )
    assert ("bank_account", "six seven two") in found(banking)
    phone_bill = transcript(
        ("agent", "I see the account ending in six seven two, is that the one with the "
                  "family plan?"),
        ("customer", "yes, that's the phone account"),
    )
    assert not [text for kind, text in found(phone_bill) if kind == "bank_account"]


@pytest.mark.parametrize("question", [
    "and a phone number for the return",
    "whats the best phone number to reach you on moving day",
])
def test_a_phone_number_asked_for_with_what_it_is_for_is_the_answer(question):
    call = transcript(("agent", question), ("customer", "nine won seven five five five oh won ate ate"),
                      ("agent", "thanks, the return is booked for the twelfth"))
    assert found(call) == [("phone_number", "nine won seven five five five oh won ate ate")]


def test_pieces_of_a_bank_account_after_a_correction_are_the_account():
    call = transcript(
        ("agent", "and the checking account number for the deposit"),
        ("customer", "its three one eight eight four two two oh five five no wait sorry "
                     "five six seven"),
        ("agent", "okay so five six seven at the end"),
        ("customer", "yes thats it"),
    )
    masked = [text for kind, text in found(call) if kind == "bank_account"]
    assert any("five six seven" in text and "sorry" not in text for text in masked)
    assert sum("five six seven" in text for text in masked) == 2  # and the agent's read-back


@pytest.mark.parametrize("turns", [
    [("agent", "can I have your social security number"),
     ("customer", "I would have to look, I get home about eight fifteen tonight")],
    [("agent", "what's your social"), ("customer", "um I got it back in 1998 I think")],
    [("agent", "and the last four of the card that was charged"),
     ("customer", "I don't know, the charge was for two forty nine")],
    [("agent", "can I have the card number"),
     ("customer", "sure, the booking is for two, for four nights")],
    [("agent", "and your social?"), ("customer", "531 87 2290"),
     ("agent", "thanks. your balance is 2290 and the fee is 8722")],
    [("agent", "and the card you paid with?"),
     ("customer", "it's the one with the old billing address, the flat on the high street")],
    [("customer", "the ones I saw were 399, 499 and 999")],
    [("customer", "ok so the total was 9 9 9 0 0 0 1 2 3 right")],
], ids=["time", "year", "amount", "counts", "amounts_said_back", "no_number", "prices",
        "no_social_starts_with_9"])
def test_ordinary_numbers_near_a_card_or_social_question_stay(turns):
    spans = found(transcript(*turns))
    said = {text for kind, text in spans if kind in ("ssn", "card_number")}
    assert said <= {"531 87 2290"}


def test_pieces_read_back_hyphenated_and_after_the_card_brand():
    call = transcript(
        ("agent", "and her social"),
        ("customer", "three one two"),
        ("agent", "three one two"),
        ("customer", "oh six four four one nine"),
        ("agent", "okay what card"),
        ("customer", "a visa for won too ate ate ate ate ate ate ate ate ate ate ate ate ate"),
        ("agent", "Sorry, four-one-two-eight, eight-eight-eight-eight?"),
    )
    spans = found(call)
    assert [text for kind, text in spans if kind == "ssn"] == [
        "three one two", "three one two", "oh six four four one nine"]
    cards = [text for kind, text in spans if kind == "card_number"]
    assert "for won too ate ate ate ate ate ate ate ate ate ate ate ate ate" in cards
    assert "four-one-two-eight, eight-eight-eight-eight?" in cards


def test_nine_digits_said_with_nothing_to_name_them():
    call = transcript(
        ("agent", "and your name"),
        ("customer", "Dana Whitlock"),
        ("agent", "and so shall"),  # "and your social?", misheard
        ("customer", "4 1 7 2 2 0 9 3 5"),
        ("agent", "thank you, what can I do for you today"),
        ("customer", "Rental agreement 4471-882-09, and I'm calling about 482 917 365."),
    )
    spans = found(call)
    assert ("ssn", "4 1 7 2 2 0 9 3 5") in spans
    assert not [text for _, text in spans if "4471" in text or "482" in text]


def test_homophone_runs_postcodes_alone_and_ranges_left_alone():
    call = transcript(
        ("agent", "And the postcode of the insured property?"),
        ("customer", "LS6 2QT."),
        ("agent", "and the expiration and security code"),
        ("customer", "twelve twenty six and ate ate won"),
        ("agent", "and for verification the service address"),
        ("customer", "seventy seven bayview terrace san diego california nine two won oh nine"),
        ("agent", "the refund arrives in 3 to 5 business days, your card ends in 4242"),
    )
    spans = found(call)
    assert ("street_address", "LS6 2QT.") in spans
    assert ("security_code", "ate ate won") in spans
    assert ("street_address", "seventy seven bayview terrace san diego california nine two won "
                              "oh nine") in spans
    assert not [text for _, text in spans if "3" in text or "to" in text.split()]


def test_boxes_units_regions_and_a_social_with_a_birth_date():
    call = transcript(
        ("agent", "Is the billing address the same?"),
        ("customer", "No, billing is P.O. Box 2291, Meridian, ID 83680."),
        ("agent", "and the pickup address"),
        ("customer", "1812 eastlake avenue east apartment 302 seattle washington 98102"),
        ("agent", "and your address"),
        ("customer", "unit 4 17 banksia street cairns queensland 4 8 7 0"),
        ("agent", "and the delivery address"),
        ("customer", "2200 west 4th avenue unit 8 vancouver bc v6k 1n8"),
        ("agent", "her social security number and date of birth"),
        ("customer", "4 6 oh 3 3 9 oh 1 5 and ten oh nine eighty two"),
    )
    spans = found(call)
    assert ("street_address", "P.O. Box 2291, Meridian, ID 83680.") in spans
    assert ("street_address", "1812 eastlake avenue east apartment 302 seattle washington "
                              "98102") in spans
    assert ("street_address", "unit 4 17 banksia street cairns queensland 4 8 7 0") in spans
    assert ("street_address", "2200 west 4th avenue unit 8 vancouver bc v6k 1n8") in spans
    assert ("ssn", "4 6 oh 3 3 9 oh 1 5") in spans
    assert ("date_of_birth", "ten oh nine eighty two") in spans


def test_ordinary_words_and_numbers_near_the_new_cues_stay():
    call = transcript(
        ("agent", "Thanks for your call. The serial is 4 5 8 2 9 1 3 7"),
        ("customer", "we won two tickets and the booking is for four"),
        ("agent", "12 Elm Street on hold for an hour, figuratively speaking"),
        ("customer", "take the M6 then the 4th exit"),
    )
    masked = " ".join(text for _, text in found(call))
    for kept in ("4 5 8", "won", "four", "on", "figuratively", "M6", "4th"):
        assert kept not in masked.split() and kept not in masked


def test_names_with_particles_before_speaking_and_after_kin():
    call = transcript(
        ("agent", "hiya you're through to bramble and oak it's kirsty speaking"),
        ("customer", "hi my neighbour Derek said to call"),
        ("agent", "can i get your name"),
        ("customer", "wilhelmina de groot"),
        ("agent", "And who else may collect it?"),
        ("customer", "My wife is Annette."),
    )
    spans = found(call)
    assert ("person_name", "kirsty") in spans
    assert ("person_name", "wilhelmina de groot") in spans
    assert ("person_name", "Annette.") in spans
    assert ("person_name", "Derek") in spans
    assert not [text for _, text in spans if "said" in text]


def test_only_the_kinds_asked_for():
    call = transcript(("customer", "card 4111 1111 1111 1111, my name is Dana Whitlock"))
    assert [k for k, _ in found(call, ["card_number"])] == ["card_number"]


def test_placeholders_in_words_text_and_quotes_with_times_kept():
    call = transcript(
        ("agent", "What's the card number?"),
        ("customer", "It's 4111 1111 1111 1111. Please hurry."),
    )
    detection = detect(call_words(call), ["card_number"])
    masked = redact_transcript(call, detection)
    turn = masked.turns[1]
    assert turn.text == "It's [CARD_NUMBER]. Please hurry."
    card = next(w for w in turn.words if w.text.strip() == "[CARD_NUMBER].")
    assert card.start == call.turns[1].words[1].start and card.end == call.turns[1].words[4].end
    text, ranges = masked_spans_of_turns(call, detection)[1]
    assert mask_quote("It's 4111 1111 1111 1111.", text, ranges) == "It's [CARD_NUMBER]."
    assert "4111" not in json.dumps([w.text for t in masked.turns for w in t.words])


def test_audio_masked_on_every_channel_over_the_span_only(tmp_path):
    import soundfile as sf

    call = transcript(("customer", "it's 4111 1111 1111 1111 thanks"))
    detection = detect(call_words(call), ["card_number"])
    span = detection.spans[0]
    rate = 8000
    t = np.arange(int((call.duration_s + 1) * rate)) / rate
    source = tmp_path / "call.wav"
    sf.write(source, np.stack([0.5 * np.sin(2 * np.pi * 300 * t),
                               0.5 * np.sin(2 * np.pi * 500 * t)], axis=1), rate)
    for mode in ("silence", "tone"):
        target = tmp_path / f"{mode}.flac"
        mask_file(source, target, detection.spans, mode)
        out, out_rate = sf.read(target, always_2d=True)
        assert out_rate == rate and out.shape[1] == 2
        inside = out[int(span.start * rate) + 10:int(span.end * rate) - 10]
        assert inside.shape[0] > 0 and np.max(np.abs(inside)) <= 0.051
        if mode == "tone":
            assert np.max(np.abs(inside)) > 0.04
        before = out[: int((span.start - 0.1) * rate)]
        assert np.max(np.abs(before)) > 0.45  # the rest is untouched
        assert np.max(np.abs(out[int((span.end + 0.1) * rate) + 1:])) > 0.45


def test_many_spans_and_no_tags_survive_in_the_masked_file(tmp_path):
    """A long call full of numbers: 150 spans (ffmpeg's expression parser fails near 100 terms
    in one filter) all masked; tags the recorder wrote are not copied."""
    import subprocess

    import soundfile as sf

    from audio.redact.detect import PiiSpan

    rate = 8000
    t = np.arange(rate * 160) / rate
    source = tmp_path / "long.wav"
    sf.write(source, 0.5 * np.sin(2 * np.pi * 300 * t), rate)
    tagged = tmp_path / "tagged.flac"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(source), "-metadata",
                    "comment=card 4111111111111111", str(tagged)], check=True)
    spans = tuple(PiiSpan("card_number", "customer", i + 0.2, i + 0.5, (i,), "test")
                  for i in range(150))
    target = tmp_path / "masked.flac"
    mask_file(tagged, target, spans)
    out, _ = sf.read(target)
    for span in spans[::7]:
        assert np.max(np.abs(out[int(span.start * rate):int(span.end * rate)])) == 0.0
    assert np.max(np.abs(out[int(151 * rate):])) > 0.45
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_format", str(target)],
                           capture_output=True, text=True, check=True).stdout
    assert "4111" not in probe


def test_kinds_to_redact_are_checked_before_anything_runs():
    from service.calls.redaction import parse_kinds
    from service.errors import Invalid

    with pytest.raises(Invalid, match="unknown kind of personal data: cards"):
        parse_kinds("card_number,cards")
    assert parse_kinds("ssn, card-number") == ("ssn", "card_number")
    assert len(parse_kinds(None)) == len(parse_kinds("all")) == 11


# Each comment says how its set stood when it was pinned; every set up to v37 has been read since
# (each once, for the change the README names, then as development data); v38 is unread.
@pytest.mark.parametrize("name, digest", [
    # measured once (2026-12-04) after the recognisers were tuned on bench/pii_dev.json
    ("pii_test_v1.json", "715f2af12541377d9777d2ac502078098a1dcdf7d12e7a6ac9d67b038f7383f0"),
    # measured once (2026-12-04) after the recognisers were developed on pii_dev2.json; since
    # then development data
    ("pii_test_v2.json", "f1bac57bc8557b5305cbfbec2067350dc5ec76ebe10d474b9791b5413466408a"),
    # written 2026-12-05 before that day's detector change was measured; read once for it
    ("pii_test_v3.json", "a20a6dc64b05d4b396cce2e2a50580381fe80b0202e99d7e3cbaa03924495452"),
    # written 2026-12-05 after v3 was read; read once for that day's second detector change
    ("pii_test_v4.json", "136107fa40c6ab861ea9477c9493f5ee8d2c33986eef620bd961113941b4ae18"),
    # written 2026-12-05 after v4 was read; read once for that day's third detector change
    ("pii_test_v5.json", "3cc906774c58a2abb119c223ccd94a3e99b2afe394b50b77e3b46e05e322432a"),
    # written 2026-12-05 after v5 was read; read once for that day's fourth detector change
    ("pii_test_v6.json", "ff2fc7e811a0bffe1c833b048b6f88a7fc50e22f84ab4a054939f619ce768e55"),
    # written 2026-12-05 after v6 was read; read once for that day's fifth detector change
    ("pii_test_v7.json", "413f4839f2b6320e8e2cefa830f2b8cc47ad51d961f341836c8bf3760b8031a9"),
    # written 2026-12-05 after v7 was read; read once for the answer reading (5d627ee, ae04a91)
    ("pii_test_v8.json", "5763ddd9cc1e54c688276c10539d96e10551a99d73d57e9a6976b258c6d25cfe"),
    # written 2026-12-05 after v8 was read, by a new author; read once for the changes after it
    ("pii_test_v9.json", "7b9c8b4aaccd2e389abca921218899379a5e1eba46bcf52025f8129778dc75d1"),
    # written 2026-12-05 (evening) after v9 was read, by another new author; read once for the
    # last-digits change (76bda6d)
    ("pii_test_v10.json", "50092d38466f964de70f15af8bc59a94d0deabe12676b1e6c9bead6a1c2f1307"),
    # written 2026-12-05 (evening) after v10 was read, by another new author; read once for the
    # offered-number reading (79c1b01), beside the detectors of 72b6305 and 95a07b4
    ("pii_test_v11.json", "9edd7e80c3abe220b22259fdc6e39a5a6b4354aa1f9edcaa92a23f72316d79da"),
    # written 2026-12-05 (evening) after v11 was read, by another new author; read once for the
    # other-number change (a tracking or dispute number is no card), beside d893f4e
    ("pii_test_v12.json", "a60bbcd2ba15f30227212e03ccbd961e47ad68deb782b7f6c2b0b7ea573ba0e0"),
    # written 2026-12-05 (evening) after v12 was read, by another new author; unread, for the
    # next detector change
    ("pii_test_v13.json", "0847328d17bf5ab3980d5d7d539cbd8e424321e883da45007341f21d6e7b5752"),
    # written 2026-12-05 (late evening) before v13 was read, by another new author; unread, for
    # the change after the one v13 measures
    ("pii_test_v14.json", "025a7e6501c5cb946bd74fca2e71eac31082a8b6c843b4c94fc18766d397ca5e"),
    # written 2026-12-05 (night) before v14 was read, by another new author; read once for the
    # last-digits and "tree" change, beside bc7eccd
    ("pii_test_v15.json", "b56c02f27e625f2e2dd366718d3dee2e50b3d61f9f182717509e3e2062569a91"),
    # written 2026-12-05 (night) before v15 was read, by another new author; read once for the
    # homophones-after-"ending in" change, beside f51566b
    ("pii_test_v16.json", "d8358f5feecb4ad0c2a0676ff42f95b032200cdb67850defa69174927c215f04"),
    # written 2026-12-05 (night) before v16 was read, by another new author; read once for the
    # next-piece change, beside 3750aec
    ("pii_test_v17.json", "fbd10cbca4dc4514424953b9624cd98e55745efe5321fb3e24aa1c1a1564ea15"),
    # written 2026-12-06 before v17 was read, by another new author; read once for the
    # overlapping-pieces change, beside 04a210a
    ("pii_test_v18.json", "5c5ec267909d620d99bea229986c734d1762fbf83375e5c9d411abd327c7b02c"),
    # written 2026-12-06 before v18 was read, by another new author; read once for the
    # date-homophone and "one ending in" change, beside 6281b76
    ("pii_test_v19.json", "889c222e9df179c5ecebb8e02ab3ca61b6a4aec6378e47788d3d266c95949f83"),
    # written 2026-12-06 before v19 was read, by another new author; read once for the
    # homophone-after-tens change, beside 5f46308
    ("pii_test_v20.json", "1aa5d03ca10a4588e7f517dab988fa17fa2e97e963446ec69ae99b000b338d14"),
    # written 2026-12-06 before v20 was read, by another new author; read once for the
    # homophone-before-a-repeat change, beside 6a540fb
    ("pii_test_v21.json", "bc08581bcbbb9253de2f06b6957f9f1c091de368774708c7eb81a76ffda5b868"),
    # written 2026-12-06 before v21 was read, by another new author; read once for the
    # bank-account pieces change, beside 88c2409
    ("pii_test_v22.json", "fd28ff4ea7ff9f4dcedc1db284c06945c30f9e99fc08a347d619c2b06b59b798"),
    # written 2026-12-06 before v22 was read, by another new author; unread, for the change
    # after the one v22 measures
    ("pii_test_v23.json", "5488b6d1b2e3c61b28be53f4fea39993eaed421c1100305d71d93838ffb7afdc"),
    # written 2026-12-06 before v23 was read, by another new author; unread, for the change
    # after the one v23 measures
    ("pii_test_v24.json", "451f8b1d20b175854a4221c2b89751c6c46bbdd9f922a6f46145f4586ff04d12"),
    # written 2026-12-06 before v24 was read, by another new author; unread, for the change
    # after the one v24 measures
    ("pii_test_v25.json", "d4c2683f5a6f6c55172c4d4f91f6e4b0c02b18bbafb9ec6fa43514b17960a8f1"),
    # written 2026-12-06 before v25 was read, by another new author; unread, for the change
    # after the one v25 measures
    ("pii_test_v26.json", "257e611973e91bfa9ef040b569b2b9a88634501cebf1199927c67f45903a4374"),
    # written 2026-12-06 before v26 was read, by another new author; unread, for the change
    # after the one v26 measures
    ("pii_test_v27.json", "1d24558c7e77a3c091a7be8fe5e425fc0750a029a9e17d4c9d3aa63a7a2e1b1c"),
    # written 2026-12-06 before v27 was read, by another new author; unread, for the change
    # after the one v27 measures
    ("pii_test_v28.json", "1b9f3c84251728b5f83db6ba4bc41e76364b88b500e0fe716b71b8f25b4a3e18"),
    # written 2026-12-06 before v28 was read, by another new author; unread, for the change
    # after the one v28 measures
    ("pii_test_v29.json", "095d65dc2e4014b09f8faa5fe1ef6cf67f987c150c1a225b4d6fe614e2045fc8"),
    # written 2026-12-06 before v29 was read, by another new author; read once for the
    # long-number homophone change, beside a26a891
    ("pii_test_v30.json", "4aa422aaa328746a8f364fac763c38ae4afd4345de1eb97cf9dcaeefd888232c"),
    # written 2026-12-06 before v30 was read, by another new author; read once for the
    # pronoun-"one" change, beside f2bb77d
    ("pii_test_v31.json", "d0c4d910038792baddd9baac0d1135264e802e38731bb4711f8cf8a1c16112b9"),
    # written 2026-12-06 before v30 was read, by another new author (P); read once for the
    # routing and e-mail change, beside 39270d5
    ("pii_test_v32.json", "2ffe66b3551933dc068243bf36cbbe4b0f6d728eab1dad89fa67f287ca01b8e2"),
    # written 2026-12-06 before v32 was read, by another new author (Q); read once for the
    # say-again, read-back and address change, beside 829c096
    ("pii_test_v33.json", "d23287be45ab1a23301831fe2768ee464a2a1351ea46419318aa0b9c93db2023"),
    # written 2026-12-06 before v33 was read, by another new author (S); read once for the
    # business-address change, beside ed8e912
    ("pii_test_v34.json", "b9a64892eede38bf870d4fda6f3efd8e5f31a7caf7c1b337128962c76f286339"),
    # written 2026-12-06 before v34 was read, by another new author (U); read once
    # for the city, postcode and phone change, beside 897f33b
    ("pii_test_v35.json", "7d201bdf5daf496aa039302bbcf8b91af7b20a0efea7193275b0fbea22cbc52f"),
    # written 2026-12-06 before v35 was read, by another new author (V); read once
    # for the house-number change, beside ae451e4
    ("pii_test_v36.json", "b19c27f980b0c552aa532070b88ce9258ce154d08a01813f9e982961ae3f0708"),
    # written 2026-12-06 before v36 was read, by another new author (W); read once
    # for the birth-date change, beside 86162f1
    ("pii_test_v37.json", "74934491c0abec83eabfcb7898d5adb5ab2b6248338486156a25a1d83cb66d55"),
    # written 2026-12-06 before v37 was read, by another new author (X); read once for the
    # learned tagger, beside 0cc2458
    ("pii_test_v38.json", "dddf9c24b8303ced2dfa1189d27eecbbe1a5570730bf03c7b25e1cfc95e4394a"),
    # written 2026-12-06 before v38 was read, by another new author (Y); read once for the
    # tagger's features, beside ad919d2 and 0cc2458
    ("pii_test_v39.json", "4818686411ca9a23b6abfa517e3359ac1228a7083ff62faa820285800ec0e8ff"),
    # written 2026-12-06 before v39 was read, by another new author (Z); read once for v39 in
    # the tagger's training, beside 65ba51f
    ("pii_test_v40.json", "36e257b13917c17d34941da377f2468df67f80711e9abc8ccc7e2838d6d8a3e1"),
    # written 2026-12-06 before v40 was read, by another new author (AA); unread, for the change
    # after the one v40 measures
    ("pii_test_v41.json", "98737af5f9964b9c57ddb581d83676645e36045de3c1c0285b218c24a1f05226"),
    # written 2026-12-06 before v41 was read, by another new author (AB); unread, for the change
    # after the one v41 measures
    ("pii_test_v42.json", "bf37f340545faf9b994c85ce3deea4bf67f3b3feeef3fcd34e23bc4b6d0cc350"),
    # written 2026-12-07 before v42 was read, by another new author (AC); unread, for the change
    # after the one v42 measures
    ("pii_test_v43.json", "1d9d1286149b7f0b053c863c840150c9a71cfcd1731c68e1aa1462cdd74ffb81"),
    # written 2026-12-07 before v43 was read, by another new author (AD); unread, for the change
    # after the one v43 measures
    ("pii_test_v44.json", "63ed12e93fd11efb44355fb1210ed73b5297eaf2ab424d904b093b7915a37d2e"),
    # written 2026-12-07 before v44 was read, by another new author (AE); unread, for the change
    # after the one v44 measures
    ("pii_test_v45.json", "10ce9bf5aa2bf700a5dc2fe7f2d803b91cacd31f044d4ee8c237beb116a6ad4b"),
    # written 2026-12-07 before v45 was read, by another new author (AF); unread, for the change
    # after the one v45 measures
    ("pii_test_v46.json", "785f35ff9391a430344aca5a256bf56499d2d60f509dba7bef1740c1c56e028a"),
    # written 2026-12-07 after v45 was read, before v46 is, by another new author (AG); unread,
    # for the change after the one v46 measures
    ("pii_test_v47.json", "a991c80db0d7333ec2b71dc98721fb5e4b8003ae9706486fea156d96c3d4781b"),
    # written 2026-12-07 after v45 was read, before v46 is, by another new author (AH); unread,
    # for the change after the one v47 measures
    ("pii_test_v48.json", "c24056854c424b253cb830712c602c210362255500469005dc11663087a1d445"),
    # written 2026-12-07 after v46 was read, before v47 is, by another new author (AI); unread,
    # for the change after the one v48 measures
    ("pii_test_v49.json", "a909007998781798d0c3b86555b0c1613a3624c0c6044827558d0d85714d460c"),
    # written 2026-12-07 after v47 was read, before v48 is, by another new author (AJ); unread,
    # for the change after the one v49 measures
    ("pii_test_v50.json", "0468fc8bf8b40f3d0bc46fa2acb811dc35efab063f334d90ce091c2abd72ab44"),
    # written 2026-12-07 after v47 was read, before v48 is, by another new author (AK); unread,
    # for the change after the one v50 measures
    ("pii_test_v51.json", "63789b66798a9d00ec36f81c2e6a1d8934e8d45008ee14a7f4f21ad30e4cfdda"),
    # written 2026-12-07 after v49 was read, by another new author (AL); unread, for the change
    # after the one v51 measures
    ("pii_test_v52.json", "4d202dcf30fefe39f58db6020d66bc2d7fc84c6bd3276e9f311df7115aff03e2"),
    # written 2026-12-07 after v49 was read, before v50 is, by another new author (AM); unread,
    # for the change after the one v52 measures
    ("pii_test_v53.json", "0b0bffb0ba405066b73f24c4059f37c477b7ec74c08506a0dfcddf51dfff65b0"),
    # written 2026-12-07 after v50 was read, before v51 is, by another new author (AN); unread,
    # for the change after the one v53 measures
    ("pii_test_v54.json", "2439e06de55acc0a5f7f4e3c22b4affa77ca9a7321304c2ea1bf74e1c6a496ea"),
    # written 2026-12-07 after v51 was read, before v52 is, by another new author (AO); unread,
    # for the change after the one v54 measures
    ("pii_test_v55.json", "db900a2120de2045d1b0be9404cdc53dad1710647320e4d2a1805be7887d19d5"),
    # written 2026-12-07 after v52 was read, before v53 is, by another new author (AP); unread,
    # for the change after the one v55 measures
    ("pii_test_v56.json", "0e8bf3ac297e6b82063ae6272efae7386be2f591d7af6fdf9c89b707b86352d3"),
    # written 2026-12-07 after v53 was read, before v54 is, by another new author (AQ); unread,
    # for the change after the one v56 measures
    ("pii_test_v57.json", "7eb1c8a8c8c604754e99cef3b28d83fcf6456800af446d23a07779e9c08fba96"),
    # written 2026-12-07 after v53 was read, before v54 is, by another new author (AR); unread,
    # for the change after the one v57 measures
    ("pii_test_v58.json", "c4c43e432e6e62b46944b5eecc41472c2ffea958c8fea2b70d4035e1b72b39cd"),
    # written 2026-12-07 after v54 was read, before v55 is, by another new author (AS); unread,
    # for the change after the one v58 measures
    ("pii_test_v59.json", "9380a7d6776c610d453f7b51ed7e0496d187df72cb4c2e59a3901a531726cca9"),
    # written 2026-12-07 after v55 was read, before v56 is, by another new author (AT); unread,
    # for the change after the one v59 measures
    ("pii_test_v60.json", "ac8e435b060d0b9b2abc68e837210a9e9f6df54b8266b756f5ecf551d4501caf"),
    # written 2026-12-07 after v56 was read, before v57 is, by another new author (AU); unread,
    # for the change after the one v60 measures
    ("pii_test_v61.json", "98f694b04eada4bf74ddf212394b76d62ed49684c56db8453afff5868420ba74"),
    # written 2026-12-07 after v58 was read, before v59 is, by another new author (AV); unread,
    # for the change after the one v61 measures
    ("pii_test_v62.json", "4827e5b697ac2656e141e9647ed3649e73b296753870929863307e4221aba28f"),
    # written 2026-12-07 after v61 was read, before v62 is, by another new author (AW); unread,
    # for the change after the one v62 measures
    ("pii_test_v63.json", "37e882272173ef2a8aba04cbf4726aabd7f739c66c3a6503e078dbe1bc0abf96"),
    # written 2026-12-08 before v62 was read, by another new author (AX); unread, for the
    # change after the one v63 measures
    ("pii_test_v64.json", "c54d07de128dccb2cbdf283890e73e365b1a904e67cbfb0573d2bc5874ef3b81"),
])
def test_frozen_pii_test_sets_are_unchanged(name, digest):
    """Written by authors who saw no code, before the detector they measure; never edit."""
    import hashlib
    from pathlib import Path

    frozen = Path(__file__).resolve().parents[1] / "bench" / name
    assert hashlib.sha256(frozen.read_bytes()).hexdigest() == digest


def test_redaction_bench_scores_development_calls():
    from bench import redaction

    # the whole development set (30 calls, seconds): in its first six alone, one call's city
    # after the street ("2207 Larkspur Lane, Unit 14, in Beaverton"), left unlabelled by its
    # author, is 2 of 765 words
    result = redaction.evaluate(redaction.load(redaction.FROZEN.with_name("pii_dev.json")))
    assert sum(result["total"].values()) >= 30
    assert sum(result["found"].values()) / sum(result["total"].values()) >= 0.95
    assert result["wrongly"] / result["words"] < 0.01


def test_names_are_found_without_loading_torch():
    """spaCy's thinc imports torch when it is installed (0.7 GB resident for the CUDA build);
    the masking engine hides it, so the API can mask a file name in 0.2 GB, and torch still
    imports afterwards for whoever needs it."""
    import subprocess
    import sys

    code = ("import sys; from audio.redact import everyday, engine; "
            "hits = engine.analyse('I spoke to Margaret Thompson yesterday', "
            "frozenset({'person_name'})); print('found', [h.kind for h in hits]); "
            "print('torch loaded:', 'torch' in sys.modules); import torch; print('later ok')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, check=True)
    assert "found ['person_name']" in done.stdout
    assert "torch loaded: False" in done.stdout and "later ok" in done.stdout


def test_a_city_said_with_its_zip_or_postcode_is_an_address():
    """The code is what makes a city an address; a number that goes on past five digits, or an
    amount, is no zip code."""
    call = transcript(
        ("agent", "What city?"),
        ("customer", "san antonio seven eight two four nine"),
        ("agent", "And the delivery address?"),
        ("customer", "It's Naperville, IL 60540. My cousin is in Okotoks, Alberta, T1S 1A2."),
        ("agent", "i see twelve calls to a number in the dominican republic eight oh nine five "
                  "five five oh one four six"),
        ("customer", "we moved to boston twenty thousand dollars ago, it felt like"),
    )
    spans = found(call)
    assert ("street_address", "san antonio seven eight two four nine") in spans
    assert ("street_address", "Naperville, IL 60540.") in spans
    assert ("street_address", "Okotoks, Alberta, T1S 1A2.") in spans
    assert not [text for kind, text in spans if kind == "street_address"
                and ("republic" in text or "boston" in text)]


def test_a_postcode_spelled_after_its_name_or_read_back():
    """UK and Canadian postcodes and Irish Eircodes spelled out after the word for them, with a
    hesitation or a two-word number inside, and said again by the other party."""
    call = transcript(
        ("customer", "forty seven cranbrook road and the postcode is i g one four p s"),
        ("agent", "and the eircode"),
        ("customer", "my eircode's d oh two e k seven ate, or written D08 VF8H"),
        ("agent", "postcode please"),
        ("customer", "it's uh postcode c f thirty seven two n d and my postal code is p nine n "
                     "uh one w ate"),
        ("agent", "and is that p nine n one w eight"),
    )
    spans = found(call)
    for said in ("i g one four p s", "d oh two e k seven ate,", "D08 VF8H",
                 "c f thirty seven two n d", "p nine n uh one w ate"):
        assert ("street_address", said) in spans
    read_back = [text for kind, text in spans if kind == "street_address"
                 and "eight" in text.split()]
    assert read_back == ["p nine n one w eight"]


def test_a_units_letter_a_and_a_house_number_in_thousands():
    """"apartment two a hartford": the letter before a city is the unit's; "a week" is not."""
    call = transcript(
        ("customer", "three thousand seven forty lindenwood drive apartment two a hartford "
                     "connecticut oh six one oh five"),
        ("customer", "and my sister moved into unit four a week ago"),
    )
    spans = found(call)
    assert ("street_address", "three thousand seven forty lindenwood drive apartment two a "
                              "hartford connecticut oh six one oh five") in spans
    assert not [text for _, text in spans if "week" in text or text.endswith(" a")]


def test_a_phones_last_digits():
    """"the mobile ending in 0152", or the number something is texted to; a word naming another
    sort of number nearer keeps it."""
    call = transcript(
        ("agent", "I've sent a code to your mobile ending in 0152."),
        ("agent", "and we'll text updates to the number ending in four four one nine"),
        ("agent", "the line ending in 0163 has roaming on"),
        ("agent", "we texted you about the order ending in 4471"),
    )
    spans = found(call)
    for said in ("0152.", "four four one nine", "0163"):
        assert ("phone_number", said) in spans
    assert not [text for _, text in spans if "4471" in text]


def test_what_a_review_of_the_city_postcode_and_last_digits_rules_found():
    """A reviewer's phrasings: a spelled postcode whose district is "twenty one", a city before a
    five-digit house number, a city before five digits that are no zip code of its state, times
    and amounts after "ends in" near a phone word, a credit line, an "m50 10am" that is no
    Eircode, "a new lease" after a unit, and a unit's letter after the other party cut in."""
    call = transcript(
        ("agent", "and the postcode"),
        ("customer", "n twenty one a b"),
        ("agent", "what's the service address"),
        ("customer", "it's in aurora fourteen two oh one east alameda avenue"),
        ("agent", "your mobile contract ends in twenty four months and the credit line ending "
                  "in four four seven one is paid"),
        ("customer", "my flight to dallas one two three four five was late and there was a "
                     "crash on the m50 10am this morning"),
        ("agent", "so twelve oak street apartment four"),
        ("customer", "uh huh"),
        ("agent", "b and i moved into apartment six a new lease started"),
    )
    spans = found(call)
    assert ("street_address", "n twenty one a b") in spans
    assert ("street_address", "fourteen two oh one east alameda avenue") in spans
    assert ("street_address", "twelve oak street apartment four b") in spans \
        or ("street_address", "b") in spans
    said = " ".join(text for _, text in spans)
    for kept in ("aurora", "twenty four", "four four seven one", "dallas", "m50", "10am",
                 "a new", "lease"):
        assert kept not in said, kept


def test_house_numbers_with_letters_or_a_unit_first():
    """"43a", "forty three a kowhai street", "4/16", "1204-1508"; not "sixty a month, Bank
    Street", a year range before a street, or numbers either side of a dash joined (a review
    found "123-45-6789 — 1985" left the social in the clear when a dash was read as a pause)."""
    call = transcript(
        ("agent", "and the address"),
        ("customer", "forty tree a kowhai street karori, and it was 43a Kowhai Street before"),
        ("agent", "and the new one"),
        ("customer", "1204-1508 9th Avenue SW, Calgary, T2R 0H5 or my mum's at unit 4/16 Banksia "
                     "Street, it's sixty a month, Bank Street branch said"),
        ("agent", "how long were you there"),
        ("customer", "2019-2023 Queen Street, then we moved"),
        ("agent", "what's your social?"),
        ("customer", "123-45-6789 — 1985 is the year I was born"),
    )
    spans = found(call)
    for said in ("forty tree a kowhai street karori,", "43a Kowhai Street",
                 "1204-1508 9th Avenue SW, Calgary, T2R 0H5", "unit 4/16 Banksia Street,"):
        assert ("street_address", said) in spans, said
    assert ("ssn", "123-45-6789") in spans
    addresses = " ".join(text for kind, text in spans if kind == "street_address")
    assert "month" not in addresses and "Queen" not in addresses and "before" not in addresses


def test_a_birth_date_said_as_numbers_right_after_it_is_named():
    """"ten ten two thousand one" after "date of birth?", "born on two two two thousand fifteen";
    the same numbers further from the cue ("and we came in on ...") are left alone."""
    call = transcript(
        ("agent", "and the date of birth"),
        ("customer", "ten ten two thousand one"),
        ("agent", "and the little one"),
        ("customer", "he was born on two two two thousand fifteen and we came in on ten ten two "
                     "thousand one"),
        ("agent", "the appointment is at ten twelve two thousand five"),
    )
    spans = found(call)
    assert ("date_of_birth", "ten ten two thousand one") in spans
    assert ("date_of_birth", "two two two thousand fifteen") in spans
    assert len([text for _, text in spans if "ten ten" in text]) == 1
    assert not [text for _, text in spans if "ten twelve" in text]


def test_a_birth_date_said_as_numbers_is_not_taken_from_a_longer_number():
    """A review's phrasings: a phone number, ten digits or an amount after "date of birth" is
    not cut into a date and a remainder left in the clear."""
    call = transcript(
        ("agent", "date of birth"),
        ("customer", "two one two five five five one two one two"),
        ("agent", "dob"),
        ("customer", "five ten two thousand dollars no wait"),
        ("agent", "and your date of birth"),
        ("customer", "three one two two thousand one"),
    )
    spans = found(call)
    assert ("phone_number", "two one two five five five one two one two") in spans
    assert not [text for kind, text in spans if kind == "date_of_birth"
                and ("dollars" in text or "thousand" in text.split()[:2] or "five ten" in text)]
    assert not [text for kind, text in spans if text.startswith("one two two thousand")]


def test_a_name_said_with_its_spelling_is_masked_however_everyday_a_word():
    """A review's phrasings: a surname that is an everyday word, said beside its letters."""
    for turns, said in (
        ((("agent", "Can you spell the last name?"), ("customer", "Y-O-U-N-G, Young.")),
         "Young."),
        ((("agent", "can you spell that"), ("customer", "its w h i t e white like the color")),
         "white"),
    ):
        assert ("person_name", said) in found(transcript(*turns))
    # letters that are no name found are no spelling: "a b c" then "abc" stays
    assert not found(transcript(("agent", "it's as easy as a b c abc right")))


def test_ibans_written_or_spelled_out_in_pieces_are_bank_accounts():
    written = found(transcript(
        ("agent", "We'll refund the deposit by bank transfer."),
        ("customer", "Sure, my IBAN is GB33 BUKB 2020 1555 5555 55."),
    ))
    assert ("bank_account", "GB33 BUKB 2020 1555 5555 55.") in written
    spelled = transcript(
        ("agent", "can i take your iban for the direct debit"),
        ("customer", "yeah it's d e eight nine"),
        ("agent", "yep"),
        ("customer", "three seven oh four oh oh four four"),
        ("agent", "go on"),
        ("customer", "oh five three two oh one three oh oh oh"),
    )
    spans = found(spelled)
    said = {text for kind, text in spans if kind == "bank_account"}
    assert {"d e eight nine", "three seven oh four oh oh four four",
            "oh five three two oh one three oh oh oh"} <= said
    assert all(kind == "bank_account" for kind, _ in spans)  # its digits are no card or phone
    # letters and digits spelled in a call that speaks of no banking, then a phone: no IBAN
    medicare = found(transcript(
        ("customer", "yes medicare the number is one e g four t e five m k seven three"),
        ("agent", "and a phone number"),
        ("customer", "five oh three five five five oh one nine nine"),
    ))
    assert not [text for kind, text in medicare if kind == "bank_account"]
    assert ("phone_number", "five oh three five five five oh one nine nine") in medicare


def test_a_business_named_like_a_person_is_no_persons_name():
    spans = found(transcript(
        ("agent", "Thanks for holding, this is Maya."),
        ("customer", "Hi Maya. I got a quote from Hartley & Sons, stayed at the Bayview Inn, "
                     "and Walcott Pharmacy told me to call. Dr. Patel's clinic referred me."),
        ("agent", "Thanks. Is that Summit Fitness Halifax on the form, and can we claim Gift Aid?"),
        ("customer", "Yes. My partner Tom Law set it up."),
    ))
    masked = " ".join(text for kind, text in spans if kind == "person_name")
    assert "Maya" in masked and "Patel's" in masked and "Tom Law" in masked
    assert not {"Hartley", "Bayview", "Walcott", "Pharmacy", "Summit", "Fitness", "Gift",
                "Aid?"} & set(masked.split())


def test_the_answer_to_a_name_question_is_the_name_not_the_words_before_it():
    spans = found(transcript(
        ("agent", "And whose name is the account under?"),
        ("customer", "Under my husband's, Tomasz Wiśniewski."),
        ("agent", "Can I take the cardholder's name?"),
        ("customer", "Certainly. It's Ana Ortega."),
        ("agent", "and the name on the prescription"),
        ("customer", "hiya yeah its liam im calling for my mum"),
    ))
    masked = [text for kind, text in spans if kind == "person_name"]
    assert "Tomasz Wiśniewski." in masked and "liam" in masked
    assert any("Ortega" in text for text in masked)
    words = set(" ".join(masked).lower().split())
    assert not {"under", "husband's,", "certainly.", "hiya", "im", "mum"} & words


def test_postcodes_spelled_with_a_word_for_each_letter():
    spans = found(transcript(
        ("agent", "And the postcode?"),
        ("customer", "R for Romeo, G for Golf, one, four, Alpha, Zulu."),
        ("agent", "what's the postal code there"),
        ("customer", "its m as in mary four l as in larry one a as in apple seven"),
        ("agent", "Thanks. We played the golf course four times last year, didn't we?"),
    ))
    assert ("street_address", "R for Romeo, G for Golf, one, four, Alpha, Zulu.") in spans
    assert ("street_address", "m as in mary four l as in larry one a as in apple seven") in spans
    assert not [text for _, text in spans if "golf" in text]


def test_months_before_their_day_and_words_said_where_a_name_could_be_are_no_names():
    spans = found(transcript(
        ("agent", "Two payments will be drafted on July 15th and August 15th."),
        ("customer", "Great. And closing is set for January 22nd, right?"),
        ("agent", "yes same one great see you then"),
        ("customer", "cool thanks man. My daughter April starts school in June."),
    ))
    masked = [text for kind, text in spans if kind == "person_name"]
    assert masked == ["April"]


def test_phone_numbers_dialled_with_a_leading_zero_and_someone_elses_number():
    spans = found(transcript(
        ("agent", "and we need a reference from your current landlord"),
        ("customer", "thats rose keane her number is oh ate seven nine one two tree tree four four"),
        ("agent", "And someone at the flat for the engineer?"),
        ("customer", "My flatmate will be in. Her number is 021 555 0739."),
        ("agent", "thanks and your policy number is oh four one two five five five oh nine three"),
    ))
    phones = [text for kind, text in spans if kind == "phone_number"]
    assert phones == ["oh ate seven nine one two tree tree four four", "021 555 0739."]


def test_a_birth_date_with_a_hesitation_before_its_year():
    spans = found(transcript(
        ("agent", "and your date of birth"),
        ("customer", "the fifth of may um ninety two"),
        ("agent", "and your husband's date of birth"),
        ("customer", "fourteenth of june uh nineteen seventy"),
    ))
    assert ("date_of_birth", "the fifth of may um ninety two") in spans
    assert ("date_of_birth", "fourteenth of june uh nineteen seventy") in spans


def test_national_insurance_and_pps_numbers_are_masked_as_socials():
    spans = found(transcript(
        ("agent", "and your national insurance number"),
        ("customer", "okay national insurance is j t four ate"),
        ("agent", "yep"),
        ("customer", "two one um oh nine b"),
        ("agent", "The registrar asked for his National Insurance number."),
        ("customer", "It's NP 73 05 62 A."),
        ("agent", "Can I take your PPS number?"),
        ("customer", "It's 3726516L. And my husband's is five two eight eight two zero zero u a"),
        ("agent", "thanks and your order reference is four four seven one eight eight two b"),
    ))
    socials = [text for kind, text in spans if kind == "ssn"]
    assert socials == ["j t four ate", "two one", "oh nine b", "NP 73 05 62 A.", "3726516L.",
                       "five two eight eight two zero zero u a"]


def test_what_looks_like_a_business_or_an_iban_but_is_not():
    spans = found(transcript(
        ("agent", "Can I take your full name?"),
        ("customer", "Aoife Power. And my sister, Niamh Law, is on the account too."),
        ("agent", "hi this is emma clinic manager at riverside how can i help"),
        ("customer", "my friend sarah insurance broker she works in town referred me"),
        ("customer", "and whats the surname"),
        ("agent", "its brown"),
        ("customer", "your booking was paid by bank card"),
        ("agent", "yes my booking code is d k two three four five six seven eight nine one two "
                  "three"),
    ))
    names = [text for kind, text in spans if kind == "person_name"]
    assert {"Aoife Power.", "Niamh Law,", "emma", "brown"} <= set(names)
    assert any("sarah" in name for name in names)
    assert not [text for kind, text in spans if kind == "bank_account"]
    # a spelled IBAN whose check digits hold is one in any call
    refund = found(transcript(
        ("agent", "where should the refund go"),
        ("customer", "my irish account i e two nine a i b k nine three one one five two one two "
                     "three four five six seven eight"),
    ))
    assert refund == [("bank_account", "i e two nine a i b k nine three one one five two one two "
                                       "three four five six seven eight")]


def test_house_names_irish_estates_counties_and_dublin_districts_are_addresses():
    """A house's name is part of the address it starts ("Larch Cottage, Quarry Lane"), with or
    without a house number after it; Irish estates said with "the", counties and Dublin's
    postal districts close an address, and so does a four-digit postcode after a town; a house
    number corrected as it is said is part of it. A house said of no address stays."""
    spans = found(transcript(
        ("agent", "And the address on the account?"),
        ("customer", "It's Larch Cottage, Quarry Lane, near the church."),
        ("agent", "and the delivery address"),
        ("customer", "flat two the coach house nineteen station road"),
        ("agent", "Where should the engineer go?"),
        ("customer", "The Old Schoolhouse, 4 Brook Road, Hexham."),
        ("agent", "and your home address please"),
        ("customer", "nine the beeches naas county kildare"),
        ("agent", "and the billing address"),
        ("customer", "apartment four eleven ranelagh road dublin six w"),
        ("agent", "And the old one?"),
        ("customer", "22 Oakley Park, Dublin 14, D14 K2X7."),
        ("agent", "ok and is anyone home during the day"),
        ("customer", "my house is empty, we sold the farm house and the old mill pub near "
                     "church lane closed"),
        ("agent", "Where should we post it?"),
        ("customer", "Please send it to 14 Kowhai Street, Nelson 7010."),
        ("agent", "and the address for the meter"),
        ("customer", "its thirty two no sorry twenty three acacia avenue i paid twenty no sorry "
                     "thirty dollars last time"),
    ))
    addresses = [text for kind, text in spans if kind == "street_address"]
    assert "Larch Cottage, Quarry Lane," in addresses
    # the unit said first and the house's name are one address (the longest finding owns it)
    assert "flat two the coach house nineteen station road" in addresses
    assert "The Old Schoolhouse, 4 Brook Road, Hexham." in addresses
    assert "nine the beeches naas county kildare" in addresses
    assert "apartment four eleven ranelagh road dublin six w" in addresses
    assert "22 Oakley Park, Dublin 14, D14 K2X7." in addresses
    assert "14 Kowhai Street, Nelson 7010." in addresses  # a four-digit postcode after the city
    # a house number corrected as it was said, both numbers; an amount corrected stays
    assert "thirty two no sorry twenty three acacia avenue" in addresses
    assert not [text for text in addresses if "dollars" in text or "thirty dollars" in text]
    assert not [text for text in addresses if "house" in text.lower().split()[:2]
                or "mill" in text or "farm" in text]


def test_what_a_review_of_the_house_name_and_estate_rules_found():
    """From a helper's review of the house-name change with 171 snippets of its own: a
    building's name without "the", an answer that opens with "its", the words naming a code
    left out of the address; businesses named like houses, "the green one" after a number and
    an amount after a town are no addresses."""
    spans = found(transcript(
        ("agent", "and whats your new address"),
        ("customer", "its willow cottage ilkley"),
        ("agent", "And the correspondence address?"),
        ("customer", "Carriage House, 118 Elm Street, Lenox."),
        ("agent", "and the shipping address"),
        ("customer", "1800 Main Street, Vancouver, BC, postal code V6K 1N8."),
    ))
    addresses = [text for kind, text in spans if kind == "street_address"]
    assert "willow cottage ilkley" in addresses
    assert "Carriage House, 118 Elm Street," in addresses
    assert "1800 Main Street, Vancouver, BC," in addresses and "V6K 1N8." in addresses
    assert not [text for text in addresses if "postal" in text or "code" in text]
    spans = found(transcript(
        ("agent", "Who charged you?"),
        ("customer", "Manor Farm Shop, Church Road, and the Oak Lodge Hotel, Station Road. I'll "
                     "take two, the green one. The rent at 12 George Street, Sydney 1500 dollars "
                     "a month."),
    ))
    addresses = [text for kind, text in spans if kind == "street_address"]
    assert addresses == ["12 George Street, Sydney"]


def test_a_number_corrected_after_it_was_read_back():
    """A piece said again to correct a card or social ("no sorry six oh five nine"; "the middle
    is four one, not four seven": the wrong reading is the number's too), by the rules alone
    (the tagger took some such pieces before); not an amount said after a "no"."""
    card = transcript(
        ("agent", "and the long number on the card"),
        ("customer", "four five three nine one four eight eight six oh five nine oh two three two"),
        ("agent", "let me read that back four five three nine one four eight eight six oh five "
                  "five oh two three two"),
        ("customer", "no sorry the third group is six oh five nine"),
        ("agent", "got it thanks and what was the refund you were promised"),
        ("customer", "sixty five no sorry sixty nine dollars"),
    )
    spans = found(card, with_tagger=False)
    assert ("card_number", "six oh five nine") in spans
    assert not [text for kind, text in spans if "sixty" in text]
    social = transcript(
        ("agent", "can I have your social security number"),
        ("customer", "five two one four one three three oh eight"),
        ("agent", "five two one four seven three three oh eight"),
        ("customer", "the middle is four one not four seven"),
    )
    spans = found(social, with_tagger=False)
    assert ("ssn", "four one") in spans and ("ssn", "four seven") in spans


def test_spelling_aids_belong_to_what_is_spelled_and_are_no_names():
    """"t as in tom", "c for charlie": part of the code or name spelled, never a name alone."""
    national = transcript(
        ("agent", "what's your national insurance number please"),
        ("customer", "j t as in tom four eight two one oh nine b"),
    )
    assert found(national) == [("ssn", "j t as in tom four eight two one oh nine b")]
    reference = transcript(
        ("agent", "your booking reference is p as in paul four four nine"),
        ("customer", "okay thanks"),
    )
    assert not [text for kind, text in found(reference) if kind == "person_name"]
    pps = transcript(
        ("agent", "And your PPS number?"),
        ("customer", "It's 7272695V."),
        ("agent", "7-2-7-2-6-9-5-V?"),
        ("customer", "Yes."),
    )
    assert [text for kind, text in found(pps) if kind == "ssn"] == ["7272695V. 7-2-7-2-6-9-5-V?"]


def test_specimen_national_insurance_numbers_and_names_spelled_with_aids():
    """HMRC's specimen prefix QQ, written or spelled with aids, is a National Insurance number;
    a surname spelled with aids ("k as in kilo o w a l c z as in zebra y k") is read whole."""
    written = transcript(("agent", "And your National Insurance number?"),
                         ("customer", "QQ 12 34 56 C."))
    assert found(written) == [("ssn", "QQ 12 34 56 C.")]
    spelled = transcript(("agent", "and your national insurance number"),
                         ("customer", "q for queen q for queen seven eight one two four six d "
                                      "for delta"))
    assert found(spelled) == [("ssn", "q for queen q for queen seven eight one two four six d "
                                      "for delta")]
    surname = transcript(("agent", "can you spell the surname"),
                         ("customer", "k as in kilo o w a l c z as in zebra y k"))
    assert found(surname) == [("person_name", "k as in kilo o w a l c z as in zebra y k")]


def test_an_emails_local_part_never_takes_everyday_words_before_at():
    """"... you can check any time at brightwave.co.uk" is no address; "support at" and "home
    at" are still local parts."""
    call = transcript(("agent", "Your contract runs until March 2027. You can check any time at "
                                "brightwave.co.uk"),
                      ("customer", "it's home at outlook dot com"))
    assert found(call) == [("email", "home at outlook dot com")]


def test_what_a_review_of_the_corrections_and_spelling_aids_found():
    """A spelling aid counts only among spelled letters or digits, and never when its word is a
    number ("s e for eight ..." is "s e four eight"); a correction is the speaker's own, four
    digits at least unless set against a wrong reading, and no year or "no problem"."""
    from audio.redact.spelled_codes import spelling_aid

    def aid(text: str, at: int) -> int:
        return spelling_aid(tokens(text.split()), at)

    assert aid("t as in tom four eight", 0) == 3 and aid("q for queen q for queen", 3) == 2
    assert aid("b for bravo j for juliet", 3) == 2
    assert aid("s e for eight two", 1) == 0 and aid("i like ian", 0) == 0
    assert aid("i booked a for anna tonight", 2) == 0
    national = transcript(("agent", "what's your national insurance number"),
                          ("customer", "s e for eight two one oh nine b"))
    assert found(national) == [("ssn", "s e for eight two one oh nine b")]
    card = [("agent", "and the long number on the card"),
            ("customer", "four five three nine one four eight eight six oh five nine oh two three "
                         "two"),
            ("agent", "thank you")]
    for said in (("agent", "no problem I'll note room three nine one for the delivery"),
                 ("customer", "it was in twenty twenty three no sorry twenty twenty two"),
                 ("agent", "is that everything"), ("customer", "no"),
                 ("agent", "right then extension nine one four")):
        card.append(said)
    assert [kind for kind, _ in found(transcript(*card), with_tagger=False)] == ["card_number"]


def test_amounts_clock_times_and_other_codes_near_a_card_are_no_card_details():
    """Review of the read sets (dev to v47): three digits said soon after a card were read as
    its security code when they were a price ("eighty nine ninety nine"), a clock time ("two
    forty one pm") or another sort of code ("the gate code is 4417"); a card's code, unnamed,
    is said digit by digit."""
    card = [("agent", "And the card number?"),
            ("customer", "four one one one one one one one one one one one one one one one")]
    amount = found(transcript(*card, (
        "agent", "thanks the payment of eighty nine ninety nine is approved")))
    assert [k for k, _ in amount] == ["card_number"]
    clock = found(transcript(*card, (
        "customer", "the alarm went off at the back door at two forty one pm")))
    assert [k for k, _ in clock] == ["card_number"]
    gate = found(transcript(*card, ("customer", "the gate code is 4417 and the dog is friendly")))
    assert [k for k, _ in gate] == ["card_number"]
    charges = found(transcript(*card, (
        "agent", "I can see two charges of forty two fifty on the card")))
    assert [k for k, _ in charges] == ["card_number"]
    # said digit by digit after the card, or named, it is the code
    unnamed = found(transcript(*card, ("customer", "and four one two")))
    assert ("security_code", "four one two") in unnamed
    named = found(transcript(*card, ("agent", "and the code on the back?"),
                             ("customer", "four forty two")))
    assert ("security_code", "four forty two") in named
    # a review's: asked for in other words, or by a question further back; "am I ..." is no
    # clock time, and nothing after a number's full stop makes it one
    for asked in ["and the c v v", "and the cv2", "and the verification number",
                  "lovely and the security code please"]:
        answer = ("hang on I need to find my glasses okay got them right here so that would be "
                  "four twenty one") if asked.startswith("lovely") else "four twenty one"
        spans = found(transcript(*card, ("agent", asked), ("customer", answer)))
        assert ("security_code", "four twenty one") in spans, asked
    code = found(transcript(*card, ("agent", "And the security code?"),
                            ("customer", "It's 412, am I right that you don't store it?")))
    assert ("security_code", "412,") in code
    phone = found(transcript(("agent", "What's the best number to call you back on?"),
                             ("customer", "It's 415-555-0142. Am I able to get a text instead?")))
    assert ("phone_number", "415-555-0142.") in phone


def test_of_two_cues_ending_at_one_word_the_longer_names_the_number():
    from audio.redact.numbers import nearest_cue

    assert nearest_cue(["the", "gate", "code", "is"])[:1] == ["none"]
    assert nearest_cue(["your", "zip", "code", "is"])[:1] == ["street_address"]
    assert nearest_cue(["the", "security", "code", "is"])[:1] == ["security_code"]


def test_a_found_name_is_masked_in_its_possessive_too():
    """Read sets (v49): 18 of its missed names were possessives of a name found elsewhere in the
    call ("Sione's", "Piotr's", and as speech recognition writes it, "kaylas")."""
    call = transcript(
        ("agent", "Can I have your name please?"),
        ("customer", "Sione Latu, and I'm booking for my daughter Losa too."),
        ("agent", "Thanks. And Sione's date of birth, then Losa's?"),
        ("customer", "and my partner is kayla, it's on kaylas card, not james' one"),
    )
    spans = found(call)
    assert ("person_name", "Sione's") in spans and ("person_name", "Losa's?") in spans
    assert ("person_name", "kaylas") in spans
    # an everyday word that is a name with an "s" stays: "mark" found, "marks" is a word
    marks = found(transcript(("customer", "my name is mark obrien"),
                             ("agent", "thanks mark, the marks on the car were there already")))
    assert ("person_name", "mark,") in marks and ("person_name", "marks") not in marks


def test_pieces_given_before_a_card_is_read_back_whole_are_the_card():
    """Only the agent's read-back of the whole card passes the Luhn check; the pieces the
    customer gave before it (one said twice over a correction) are the same card, chained back
    from its end. A short number said before them (the other card's last four, an amount) is
    not."""
    call = transcript(
        ("agent", "shall i use the card ending in seven seven one two"),
        ("customer", "no a new one it's forty dollars right"),
        ("agent", "yes forty go ahead with the number"),
        ("customer", "four nine one six"),
        ("agent", "uh huh"),
        ("customer", "three eight two seven four oh"),
        ("agent", "sorry four oh"),
        ("customer", "four oh five five"),
        ("agent", "okay"),
        ("customer", "two one eight four"),
        ("agent", "reading it back four nine one six three eight two seven four zero five five "
                  "two one eight four"),
    )
    assert luhn_valid("4916382740552184")
    masked = [text for kind, text in found(call) if kind == "card_number"]
    for piece in ("four nine one six", "three eight two seven four oh", "four oh five five",
                  "two one eight four"):
        assert piece in masked, piece
    assert not [text for text in masked if "forty" in text]


def test_a_card_named_before_a_qualifier_owns_the_last_digits():
    """"the card on the booking ends in": the card's last four; "the booking on the card" and
    "the reference for the card" name another number."""
    call = transcript(
        ("agent", "and the card on the booking ends in three one one seven is that right"),
        ("customer", "yes"),
        ("agent", "the booking reference on the card statement ends in four four nine two"),
    )
    spans = found(call)
    assert ("card_number", "three one one seven") in spans
    assert not [text for _, text in spans if "four four nine two" in text]


def test_a_review_of_the_pieces_and_qualifiers():
    """A helper's review: a word the pieces rule leaves between pieces is no part of an address;
    a short number said between a number and its read-back, or a price that shares the card's
    first digits, is no piece; "the code for the gate" is the gate's code."""
    spans = found(transcript(("agent", "and your address"),
                             ("customer", "forty two right street springfield")))
    assert ("street_address", "forty two right street springfield") in spans
    card = "4916 3385 0608 2832"
    call = transcript(
        ("agent", "the new plan is forty nine a month i just need a card for that"),
        ("customer", "sure its a visa nine one six"), ("agent", "mhm"),
        ("customer", "three three eight five"), ("agent", "yep"),
        ("customer", "oh six oh eight two eight three two"),
        ("agent", "and your extension at work"), ("customer", "thirty three"),
        ("agent", f"thanks so the card is {card}"),
        ("customer", "the code for the gate is four four seven one"),
    )
    masked = [text for _, text in found(call)]
    assert card in masked
    assert not [text for text in masked
                if "forty" in text or "thirty" in text or "four four seven one" in text]


def test_a_number_asked_for_again_is_what_was_asked_before():
    """The agent cannot find the card and asks for it again, naming nothing ("could you read it
    again slowly"): the pieces of the second reading are the card, though a remark breaks them
    and neither reading alone passes the Luhn check; a repeat asked for by name is that
    number's."""
    card = "5290714836201552"
    assert luhn_valid(card)
    said = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

    def say(digits: str) -> str:
        return " ".join(said[int(d)] for d in digits)

    call = transcript(
        ("agent", "sorry to hear that can i take the card number"),
        ("customer", "yeah its " + say(card[:8] + card[12:14] + card[8:12] + card[14:])),
        ("agent", "hmm thats not bringing anything up could you read it again slowly"),
        ("customer", "oh sorry " + say(card[:4])), ("agent", "yep"),
        ("customer", say(card[4:8])), ("agent", "mhm"),
        ("customer", say(card[8:12]) + " i had the middle bit the wrong way round"),
        ("agent", "okay"),
        ("customer", say(card[12:])),
        ("agent", "lovely thats found it and can you repeat your order reference"),
        ("customer", "four four one nine"),
    )
    masked = [text for kind, text in found(call) if kind == "card_number"]
    for piece in (card[:4], card[4:8], card[8:12], card[12:]):
        assert say(piece) in masked, piece
    assert not [text for _, text in found(call) if "four four one nine" in text]


def test_new_zealand_accounts_and_ird_numbers():
    """A New Zealand account written bank-branch-account-suffix is an account by its shape; an
    IRD number (eight or nine digits) after its name is a national id. (Sixteen digits that
    happen to pass the Luhn check, as one in ten do, are masked as a card.)"""
    spans = found(transcript(
        ("agent", "Which account should the settlement go to?"),
        ("customer", "Our joint account: 38-9014-0563127-002. Or 02 1244 0198356 00."),
        ("agent", "And we have an IRD number on file: 72-418-006. Is that still right?"),
        ("customer", "Yes, 072 418 006."),
        ("agent", "Your policy number is 12-2291-044 and the claim is 4471-2290."),
    ))
    assert ("bank_account", "38-9014-0563127-002.") in spans
    assert ("bank_account", "02 1244 0198356 00.") in spans
    assert ("ssn", "72-418-006.") in spans
    assert ("ssn", "072 418 006.") in spans
    assert not [text for _, text in spans if "2291" in text or "4471" in text]


def test_a_social_only_the_tagger_found_is_masked_when_said_again_whole():
    """v53's SIN said back written with dashes ("so replacing ... with 138-504-227"): the
    tagger found it word by word, and the rules now read it back as they do their own. Its
    first digits said again alone are not the number ("500 Oxford Street" after "5321 1500")."""
    call = transcript(
        ("agent", "Okay. What's the SIN?"),
        ("customer", "My old temporary one started with a nine, 912 448 305, but I'm a "
                     "permanent resident now, so it's 138 504 227."),
        ("agent", "So replacing 912-448-305 with 138-504-227. Done."),
    )
    spans = found(call)
    assert ("ssn", "138-504-227.") in spans
    card = transcript(
        ("agent", "And the card number?"),
        ("customer", "It's 5321 1500..."),
        ("agent", "Yep."),
        ("customer", "6453 3676."),
        ("agent", "Our branch is at 500 Oxford Street, Bondi Junction."),
    )
    assert not [text for kind, text in found(card) if "500 Oxford" in text]


def test_an_email_opened_by_an_everyday_word_and_said_domains():
    """An everyday word ("will") opens the local part when "dot" follows it and it opens the
    turn or follows "email's"; said top-level domains beyond the usual ("dot example", "dot
    online") end one, a written website after "at" is still no e-mail."""
    call = transcript(
        ("agent", "and what email should we use for him"),
        ("customer", "awesome his email's will dot oc at example dot com"),
        ("agent", "will dot o c at example dot com got it"),
        ("customer", "and send it to my sister as well ruairi dot okafor at mail dot example"),
        ("agent", "Thanks. You can also reach us online at westmarch.gov.example."),
        ("customer", "Could you email me a confirmation at lily.zhang@dal.example?"),
    )
    words = call_words(call)
    emails = [" ".join(words[w].text.strip() for w in s.words)
              for s in detect(words).spans if s.kind == "email"]
    # the two turns' addresses touch: one span
    assert "will dot oc at example dot com will dot o c at example dot com" in emails
    assert "ruairi dot okafor at mail dot example" in emails
    assert not [text for text in emails if "online" in text or "confirmation" in text]


def test_a_pps_number_right_after_another_needs_no_second_cue():
    call = transcript(
        ("agent", "do you have her pps number yet"),
        ("customer", "yeah it came quick eight one four two two um six nine w"),
        ("agent", "eight one four two two six nine w and we have yours as six six oh two nine "
                  "one four t a"),
    )
    assert ("ssn", "six six oh two nine one four t a") in found(call)


def test_an_iban_read_back_with_its_country_apart_and_what_only_looks_like_one():
    call = transcript(
        ("agent", "Will you use the same bank account?"),
        ("customer", "No, a new one. The IBAN is IE64 BOFI 9000 1731 5520 47."),
        ("agent", "Let me read it back in pairs: IE 64, B-O-F-I, 90 00 17, 31 55 20 47."),
        ("agent", "Do you have a Harrow Rewards number?"),
        ("customer", "Yes, HR 4402 1187 65."),
    )
    words = call_words(call)
    masked = {words[w].text.strip(" ,.:") for s in detect(words).spans
              if s.kind == "bank_account" for w in s.words}
    assert {"IE", "64", "B-O-F-I", "90", "00", "17", "31", "55", "20", "47"} <= masked
    assert "HR" not in masked


def test_a_website_said_after_online_is_no_email_and_an_iban_spelled_with_dashes():
    call = transcript(
        ("agent", "You can also apply online at tri county gas dot com for a payment plan."),
        ("agent", "Will you pay from the same account?"),
        ("customer", "No, new one. IBAN I-E-one-two, A-I-B-K, 9333 8812 3456 78."),
        ("agent", "Thanks. Your reference is HR-20261205-044, and MD-20931 is the invoice."),
    )
    spans = found(call)
    assert not [text for kind, text in spans if kind == "email"]
    assert ("bank_account", "I-E-one-two, A-I-B-K, 9333 8812 3456 78.") in spans
    assert not [text for _, text in spans if "HR-" in text or "MD-" in text]


def test_what_the_review_of_the_eleventh_and_twelfth_changes_found_masked_wrongly():
    """A helper's own snippets (2026-12-07): opening hours "on the dot" and businesses' websites
    on everyday top-level words read as e-mails, a reference spelled with dashes read as an
    IBAN, a case number after a PPS read as another PPS; and "web" as a stop word lost an
    address."""
    call = transcript(
        ("agent", "Doors open at seven on the dot, live music from eight."),
        ("agent", "You can book at citycabs dot app or call us back."),
        ("customer", "it's sarah dot web at gmail dot com"),
        ("agent", "Your booking reference is D-E-4-4-1-9-2-7-7-3-1-0."),
        ("agent", "Your PPS 3344556H is verified. Your case number is 2233445H."),
    )
    words = call_words(call)
    spans = [(s.kind, " ".join(words[w].text.strip() for w in s.words))
             for s in detect(words).spans]
    assert ("email", "sarah dot web at gmail dot com") in spans
    assert not [text for kind, text in spans
                if kind == "email" and ("Doors" in text or "citycabs" in text)]
    assert not [text for _, text in spans if "D-E-4-4" in text or "2233445H" in text]
    assert ("ssn", "3344556H") in spans


def test_a_name_given_as_initials_and_a_surname_and_an_extension_written_on_the_number():
    call = transcript(
        ("agent", "And the cardholder name?"),
        ("customer", "J K Campbell."),
        ("agent", "and the name on the account"),
        ("customer", "c j fraser"),
        ("agent", "and your name please"),
        ("customer", "a friend gave me this number"),
        ("agent", "Best number to reach you?"),
        ("customer", "My work line, 208-555-0172 x391."),
    )
    spans = found(call)
    assert ("person_name", "J K Campbell.") in spans
    assert ("person_name", "c j fraser") in spans
    assert not [text for _, text in spans if "friend" in text]
    assert ("phone_number", "208-555-0172 x391.") in spans


def test_first_names_that_are_everyday_words_where_they_are_said_as_names():
    """Read sets (dev to v61): "thanks will", "this is mere", "my partner will", "will hartley",
    "I don't know Will's." were clear: "will" and "may" are never names to the other rules, and
    "mere", "drew" or "june" only where nothing else is a word."""
    def names(*turns):
        return [text for kind, text in found(transcript(*turns)) if kind == "person_name"]

    said = names(("agent", "thanks for calling maple and finch this is will"),
                 ("customer", "hi will i want to buy three gift cards"),
                 ("agent", "sure and who are they for"),
                 ("customer", "one is for my partner will is he on the account too"),
                 ("agent", "and does will have a card with us"),
                 ("customer", "no thanks will"))
    assert said.count("will") == 5, said
    for turns, name in [
        ((("agent", "good evening northern star energy my name is may how may i help"),),
         "may"),
        ((("agent", "kia ora paws and claws vet clinic mere speaking"),), "mere"),
        ((("customer", "it was a guy named will patterson he drove a ford"),), "will patterson"),
        ((("customer", "my two kids tama walker and mere walker fifty fifty"),), "mere walker"),
        ((("customer", "I'm 5 May 1993 and Will is 22/12/1991."),), "Will"),
        ((("customer", "Efua is 3/14/2005. I don't know Will's."),), "Will's."),
        ((("customer", "yeah my roommate will is gonna be at the old place"),), "will"),
        ((("customer", "My sister, May Whitfield-Ross, is co-executor."),), "May Whitfield-Ross,"),
    ]:
        assert set(name.split()) <= {w for text in names(*turns) for w in text.split()}, turns
    # the modal, the month and the document stay words
    for said in ["thanks will do", "my partner will be home on thursday",
                 "you will get a text and it may take a day", "we can book you for may twentieth",
                 "I'd like to update my Will. Will you need a copy?",
                 "thank you may i ask who is calling", "my wife may also call you",
                 "our technician will call you and will confirm the time",
                 "it's a cafe called may and june cafe", "the driver is from Frank's Towing",
                 "then bob's your uncle"]:
        assert names(("customer", said)) == [], said
    for said in ["Great. Will Hodan need the school bus?",
                 "That works. Will Hope, sorry, Dr. Lindqvist, be doing the cleaning?"]:
        assert "Will" not in names(("customer", said)), said
    # said again, the modal stays a word
    said = names(("customer", "will hartley he moved out in february"),
                 ("agent", "thanks"), ("customer", "thanks will i need to send anything else"))
    assert said == ["will hartley"], said
