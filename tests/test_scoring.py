"""Every flag type with positive cases and near-misses, plus the labelled shared samples."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scoring.call import score_segments
from scoring.schema import Segment

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples" / "calls.json"


def _segments(turns: list[tuple[str, str]]) -> tuple[Segment, ...]:
    segments, clock = [], 0.0
    for speaker, text in turns:
        length = len(text.split()) / 2.6
        segments.append(Segment(speaker, round(clock, 2), round(clock + length, 2), text))
        clock += length + 0.4
    return tuple(segments)


def _flags(rules, turns, angry_turns=frozenset()):
    scored = score_segments(_segments(turns), rules, angry_turns=angry_turns)
    return scored, {flag.type for flag in scored.flags}


CUSTOMER_PROBLEM = ("customer", "My internet has been down since Monday and I work from home.")

CASES = [
    # (flag, turns that must raise it, turns that must not: a near-miss)
    ("scripted_empathy",
     [CUSTOMER_PROBLEM, ("agent", "I'm sorry to hear that.")],
     [CUSTOMER_PROBLEM, ("agent", "I'm sorry to hear that. Your internet has been down since "
                                  "Monday and you work from home, so let me book a technician "
                                  "for tomorrow morning.")]),
    ("scripted_empathy",
     [CUSTOMER_PROBLEM, ("agent", "I know this whole situation has been really upsetting.")],
     [CUSTOMER_PROBLEM, ("agent", "Okay, I'll check the line status now.")]),
    ("reluctant_concession",
     [("customer", "Can you waive the fee?"),
      ("agent", "Alright, listen. I'll waive it just this once, but don't expect it again.")],
     [("customer", "Can you waive the fee?"),
      ("agent", "Of course, I'd be happy to waive that fee for you.")]),
    ("reluctant_concession",
     [("customer", "Can I get a refund?"), ("agent", "No, we can't refund that."),
      ("customer", "Please, I was never told."), ("agent", "I can't do a refund on that order."),
      ("customer", "This is the third time I'm asking."), ("agent", "I'll refund it.")],
     [("customer", "Can I get a refund?"), ("agent", "Sure, I'll refund it right away.")]),
    ("flat_refusal",
     [("customer", "Can you move my due date?"), ("agent", "There's nothing I can do about that.")],
     [("customer", "Can you move my due date?"),
      ("agent", "I can't move the due date, but what I can do is set up a payment plan.")]),
    ("system_blame",
     [("customer", "I returned it last week."), ("agent", "Our records show no return.")],
     [("customer", "I returned it last week."),
      ("agent", "Our records show no return, but the system might be wrong, so let me check "
                "the tracking number with you.")]),
    ("deflection",
     [("customer", "My order is missing."), ("agent", "You'll have to call the courier.")],
     [("customer", "My order is missing."),
      ("agent", "I'll contact the courier myself and call you back by five today.")]),
    ("unprofessional_language",
     [("customer", "This is wrong."), ("agent", "Whatever, we don't need customers like you.")],
     [("customer", "When can you come?"), ("agent", "Whatever works for you, we have slots "
                                                    "all week.")]),
    ("customer_blame",
     [("customer", "I was charged twice."), ("agent", "You should have read the terms.")],
     [("customer", "I was charged twice."), ("agent", "You should see the second charge "
                                                     "disappear within two days, I've reversed it.")]),
    ("escalation",
     [("agent", "How can I help?"),
      ("customer", "This is ridiculous! I want a supervisor right now!")],
     [("agent", "How can I help?"),
      ("customer", "Could I speak with a supervisor about changing my plan, please?")]),
    ("escalation",
     [("agent", "How can I help?"), ("customer", "I'm sick of this, I'm going to cancel.")],
     [("agent", "How can I help?"), ("customer", "I'd like to cancel my old landline, thanks.")]),
    ("repeated_complaint",
     [("customer", "My bill is wrong."), ("agent", "Let me see."),
      ("customer", "For the third time, my bill is wrong!")],
     [("customer", "My bill is wrong."), ("agent", "Let me see."),
      ("customer", "Thanks for checking.")]),
    ("active_listening",
     [("customer", "My refill was promised yesterday and still isn't ready."),
      ("agent", "Just to confirm, your refill was promised for yesterday?")],
     [("customer", "My refill was promised yesterday and still isn't ready."),
      ("agent", "Okay.")]),
    ("ownership",
     [("customer", "You sent the wrong size."),
      ("agent", "That was our mistake, and I'll personally make sure the right one ships today.")],
     [("customer", "You sent the wrong size."), ("agent", "Okay.")]),
    ("goodwill_gesture",
     [("customer", "The delivery was late."),
      ("agent", "I'm so sorry, I'd be happy to refund the delivery charge for you.")],
     [("customer", "The delivery was late."), ("agent", "Deliveries are sometimes late.")]),
]


# Old labelled examples the adapted act encoder (2026-12-04) reads worse than the first heads
# did: known regressions, recorded on issue 9. Strict: each turns red when it passes again, so
# the mark cannot outlive the fix. (Rules 2026.12-4 fixed two: the polite request for a
# supervisor, and "..., like always" in shared/samples; rules 2026.12-5 fixed the bare "I'm sorry
# to hear that." and broke the polite request again; rules 2026.12-7 fixed the apology that drowned
# a refund in the same sentence, and 2026.12-8 the polite request. Rules 2026.12-17, the
# adapter retrained with v14-v17, broke three again, recorded on issue 9 and in the README;
# rules 2026.12-20, the heads refitted with the telegraphic dialogs, read the two-turn restating
# again.)
REGRESSED: dict[int, str] = {
    9: "rules 2026.12-17 read the polite request for a supervisor as a threat (0.99)",
    14: "rules 2026.12-17 read the refund offered with an apology as scripted empathy, and "
        "'Deliveries are sometimes late.' as blaming the customer",
}


def _case(number: int, case: tuple) -> object:
    marks = ([pytest.mark.xfail(reason=REGRESSED[number], strict=True)]
             if number in REGRESSED else [])
    return pytest.param(*case, id=f"{case[0]}-{number}", marks=marks)


@pytest.mark.parametrize(("flag", "positive", "near_miss"),
                         [_case(number, case) for number, case in enumerate(CASES)])
def test_flag_and_its_near_miss(rules, flag, positive, near_miss):
    _, raised = _flags(rules, positive)
    assert flag in raised
    _, raised = _flags(rules, near_miss)
    assert flag not in raised


def test_raised_voice_makes_a_threat_an_escalation(tmp_path):
    from scoring import config
    from scoring.verdicts import set_in_table

    # a bar no calm threat reaches, and the shipped lower bar for a raised voice
    text = set_in_table(config.default_text(), "flags.escalation", "threshold", 0.999)
    strict = config.from_text(text, "strict")
    turns = [("agent", "How can I help?"), ("customer", "I will cancel my account.")]
    assert "escalation" not in _flags(strict, turns)[1]
    assert "escalation" in _flags(strict, turns, angry_turns=frozenset({1}))[1]
    assert "escalation" not in _flags(strict, turns, angry_turns=frozenset({0}))[1]


def test_every_flag_carries_evidence(rules):
    scored, _ = _flags(rules, [("customer", "I was charged twice."),
                               ("agent", "The computer says you weren't.")])
    flag = next(f for f in scored.flags if f.type == "system_blame")
    assert flag.speaker == "agent" and flag.quote == "The computer says you weren't."
    assert 0 < flag.confidence <= 1 and flag.rule.startswith("system_blame/")
    assert flag.explanation and flag.start < flag.end


def test_score_falls_with_bad_behaviour_and_has_breakdown(rules):
    good, _ = _flags(rules, CASES[-1][1])
    bad, _ = _flags(rules, CASES[7][1] + CASES[8][1])
    assert 0 <= bad.score.value < good.score.value <= 100
    names = {c.name for c in bad.score.categories}
    assert {"empathy", "resolution", "professionalism", "process"} <= names


def test_edited_rules_file_changes_behaviour(tmp_path):
    from scoring import config
    from scoring.verdicts import set_in_table

    path = tmp_path / "rules.toml"
    path.write_text(set_in_table(config.default_text(), "flags.system_blame", "threshold", 1.01))
    custom = config.load(path)
    assert custom.rules("system_blame").threshold == 1.01
    turns = [("customer", "I paid on time."), ("agent", "The computer says you paid late.")]
    assert "system_blame" in _flags(config.load(), turns)[1]
    assert "system_blame" not in _flags(custom, turns)[1]


def test_rules_file_refuses_unknown_flags_and_settings(tmp_path):
    from scoring import config

    with pytest.raises(ValueError, match="valid flags: scripted_empathy"):
        config.from_text(config.default_text() + "\n[flags.rudeness]\nweight = 3\n", "mine")
    text = config.default_text().replace("follow_turns = 1", "follow_turn = 1")
    with pytest.raises(ValueError, match="unknown setting follow_turn; valid: .*follow_turns"):
        config.from_text(text, "mine")
    with pytest.raises(ValueError, match="lexicon.refusal: .* is not a valid pattern"):
        config.from_text(config.default_text().replace('"^no\\\\b",', '"(",'), "mine")


@pytest.mark.parametrize("other_act, other_flag", [("system_appeal", "system_blame"),
                                                    ("redirect", "deflection")])
def test_a_refusal_on_the_systems_word_or_sending_elsewhere_is_not_also_flat(other_act,
                                                                              other_flag):
    """docs/labelling.md: a refusal whose only reason is the system is system_blame; and the
    labellers mark one that sends the customer elsewhere as deflection alone. The act heads can
    read both acts in one turn ("No. Our records show it posted late."; "We don't chase
    surgeries. Ring them."); then flat_refusal gives way (``gives_way_to``). Composition alone
    is under test here, so the act probabilities are set by hand; without the setting both
    flags are raised."""
    import numpy as np

    from scoring import acts, config, flags, sentences

    split = sentences.split(_segments([("customer", "Can you take it off?"),
                                       ("agent", "No. That is how it stands.")]))
    probabilities = np.zeros((len(split), len(acts.ACTS)), dtype=np.float32)
    probabilities[1, acts.ACTS.index("refusal")] = 0.9
    probabilities[2, acts.ACTS.index(other_act)] = 0.9
    call = flags.CallActs(split, acts.ActScores(acts.ACTS, probabilities), frozenset())

    def raised(rules):
        return {hit.type for hit in flags.compose(call, rules)}

    assert raised(config.load()) == {other_flag}
    shipped = 'gives_way_to = ["system_blame", "deflection"]'
    without = config.from_text(config.default_text().replace(shipped, "gives_way_to = []"), "mine")
    assert raised(without) == {other_flag, "flat_refusal"}
    for bad in ('"rudeness"', '"flat_refusal"'):
        with pytest.raises(ValueError, match=f"gives_way_to: '{bad[1:-1]}' is not another text "
                                             "flag; valid: scripted_empathy"):
            config.from_text(config.default_text().replace(shipped, f"gives_way_to = [{bad}]"),
                             "mine")


def test_rules_file_of_the_phrase_matching_era_still_loads():
    """A tenant's stored file from before the act heads: its patterns are ignored, what it
    leaves out comes from the shipped file."""
    from scoring import config

    old = "\n".join(
        f'[flags.{name}]\ncategory = "x"\nweight = 2.0\nsimilarity = 0.8\npatterns = ["a"]\n'
        for name in config.NEGATIVE + config.POSITIVE
    )
    rules = config.from_text('version = "2026.11-1"\n' + old, "stored")
    assert rules.rules("flat_refusal").weight == 2.0
    assert rules.rules("flat_refusal").threshold == config.load().rules("flat_refusal").threshold
    assert dict(rules.lexicon)["refusal"]


SAMPLE_REGRESSED: dict[str, str] = {}


def _sample_ids() -> list:
    if not SAMPLES.exists():
        return []
    return [pytest.param(call_id, id=call_id, marks=(
        [pytest.mark.xfail(reason=SAMPLE_REGRESSED[call_id], strict=True)]
        if call_id in SAMPLE_REGRESSED else []))
        for call_id in json.loads(SAMPLES.read_text())]


@pytest.mark.skipif(not SAMPLES.exists(), reason="shared/samples not beside the repo")
@pytest.mark.parametrize("call_id", _sample_ids())
def test_labelled_samples(rules, call_id):
    turns = json.loads(SAMPLES.read_text())[call_id]
    segments = _segments([(speaker, text) for speaker, text, _ in turns])
    scored = score_segments(segments, rules)
    expected = sorted((i, f) for i, (_, _, flags) in enumerate(turns) for f in flags)
    found = sorted((next(i for i, s in enumerate(segments) if s.start <= f.start <= s.end), f.type)
                   for f in scored.flags)
    assert found == expected, call_id


def _flag(kind: str, confidence: float, polarity: str = "negative", speaker: str = "agent"):
    from scoring.schema import Flag

    return Flag(kind, speaker, 1.0, 2.0, "", confidence, f"{kind}/x", "", polarity)


def test_the_score_is_the_sum_of_its_flags_points():
    """100 - lost + gained, each category the sum of its flags' points, each flag's points
    weight x confidence rounded to 0.1; the customer's own raised voice costs nothing."""
    from scoring import config, score

    rules = config.load()
    flags = (_flag("scripted_empathy", 0.97), _flag("system_blame", 0.66),
             _flag("flat_refusal", 0.51), _flag("raised_volume", 1.0, speaker="customer"),
             _flag("ownership", 0.8, "positive"))
    result = score.score(flags, rules)
    assert result.flag_points[0] == -round(rules.weight("scripted_empathy") * 0.97, 1)
    assert result.flag_points[3] == 0.0
    assert result.flag_points[4] == round(rules.weight("ownership") * 0.8, 1) > 0
    assert sum(p for p in result.flag_points if p < 0) == pytest.approx(-result.lost)
    assert sum(c.penalty for c in result.categories) == pytest.approx(result.lost)
    assert sum(c.points for c in result.categories) == pytest.approx(result.gained - result.lost)
    assert result.value == pytest.approx(100 - result.lost + result.gained)


def test_gains_are_capped_in_the_breakdown_too():
    from scoring import config, score

    rules = config.load()
    positives = tuple(_flag(kind, 1.0, "positive") for kind in
                      ("ownership", "active_listening", "goodwill_gesture") * 3)
    negatives = tuple(_flag("unprofessional_language", 1.0) for _ in range(4))
    result = score.score((*negatives, *positives), rules)
    assert result.gained <= rules.max_credit and result.gained > rules.max_credit - 0.1 * 9
    assert sum(result.flag_points[4:]) == pytest.approx(result.gained)
    assert result.value == pytest.approx(100 - result.lost + result.gained)
    floored = score.score(tuple(_flag("unprofessional_language", 1.0) for _ in range(30)), rules)
    assert floored.value == 0.0 and floored.lost > 100  # the total stays in 0-100, said as such


def test_text_report_adds_up_without_negative_zero(tmp_path):
    from service.calls.report import scored_json, text_report

    segments = (Segment("agent", 0, 2, "I understand your frustration."),
                Segment("customer", 2.5, 5, "So will you refund me or not?"),
                Segment("agent", 5.5, 8, "That's not something we do."))
    from scoring import config

    text = text_report(scored_json(score_segments(segments, config.load())))
    first = text.splitlines()[0]
    assert first.startswith("SCORE ") and " = 100 - " in first and " lost + " in first
    assert not re.search(r"[-+]0\.0(?!\d)", text)


def test_a_rescore_reuses_the_acts_it_was_scored_with_only_while_they_fit(rules):
    import dataclasses

    from scoring import record

    segments = _segments([CUSTOMER_PROBLEM, ("agent", "I'm sorry to hear that."),
                          ("customer", "That's it? I already told you twice it's been down."),
                          ("agent", "The system shows no outage, so there's nothing I can do.")])
    first = score_segments(segments, rules)
    kept = record.from_plain(json.loads(json.dumps(first.acts.to_plain())))
    assert kept.fits(segments, rules)
    again = score_segments(segments, rules, stored_acts=kept)
    assert again.acts is kept and again.flags == first.flags and again.score == first.score
    # probabilities made up for the test: the flags come from the stored acts, not the text
    quiet = dataclasses.replace(kept, probabilities=kept.probabilities * 0)
    assert score_segments(segments, rules, stored_acts=quiet).flags == ()
    # what the acts were read with changed, or the turns they were read from: read again
    swapped = tuple(dataclasses.replace(s, speaker="agent" if s.speaker == "customer" else
                                        "customer") for s in segments)
    fewer_cues = dataclasses.replace(rules, lexicon=rules.lexicon[1:])
    for turns, config in ((swapped, rules), (segments[:3], rules), (segments, fewer_cues)):
        assert not quiet.fits(turns, config)
        assert score_segments(turns, config, stored_acts=quiet).acts is not quiet


MID_CALL = (
    ("S0", "Hi, yeah, the technician never showed up yesterday and I took the day off for it."),
    ("S1", "I see the appointment was for between one and five. The crew was pulled to an "
           "outage in your area."),
    ("S0", "Nobody called me though. I waited the whole afternoon."),
    ("S1", "That should not have happened. I can book the first slot tomorrow at eight and put "
           "a note on the order."),
    ("S0", "Fine, eight works."),
)


def _mono(turns):
    from audio.schema import Transcript, Turn, Word

    out = []
    for segment in _segments(list(turns)):
        said = segment.text.split()
        step = (segment.end - segment.start) / len(said)
        out.append(Turn(segment.speaker, segment.start, segment.end, tuple(
            Word(" " + w, segment.start + i * step, segment.start + (i + 1) * step, 0.9,
                 segment.speaker) for i, w in enumerate(said))))
    return Transcript(tuple(out), "en", out[-1].end, tuple(dict.fromkeys(s for s, _ in turns)))


def test_mono_roles_are_read_from_every_sentence_not_only_phrase_cues(rules):
    """The customer speaks first and neither party says a phrase the cues know: the role head
    reads who explains and offers (the agent) and who reports (the customer)."""
    from scoring import acts, role_head, roles

    transcript = _mono(MID_CALL)
    decision = roles.decide(transcript, config=rules)
    assert (decision.agent, decision.customer, decision.method) == ("S1", "S0", "cues")
    assert decision.confidence > 0.8
    # not every sentence: "That should not have happened." and "I see the appointment was for
    # between one and five." are said by either party (the role head of rules 2026.12-7 read
    # three of the agent's four as the agent's, that of 2026.12-8 two), and the customer's
    # sentences decide the rest
    agent_cue, customer_cue = decision.cues[:2]
    assert re.fullmatch(r"S1:\+sounds like the agent in [234] of 4 sentences", agent_cue)
    assert re.fullmatch(r"S0:-sounds like the customer in [34] of 4 sentences", customer_cue)
    # what this guards against: by the cues alone, speaking first decides
    assert roles.from_what_is_said(transcript, ["S0", "S1"], None).agent == "S0"
    # the head reads only the vectors of the adapter it was trained with, and is named
    adapter = acts.load(rules.heads_path).adapter.digest
    assert decision.model == role_head.for_adapter(rules.heads_path, adapter).version
    assert role_head.for_adapter(rules.heads_path, "another adapter") is None


@pytest.mark.parametrize("aside", ["Let me check.", "Thank you."])
def test_a_label_diarization_split_off_is_neither_party(rules, aside):
    """A third label with one short sentence: the agent and the customer are the two who say
    most, whatever that sentence sounds like."""
    from scoring import roles

    decision = roles.decide(_mono((*MID_CALL, ("S2", aside))), config=rules)
    assert (decision.agent, decision.customer) == ("S1", "S0")
