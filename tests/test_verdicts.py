"""Learning a tenant's scoring from verdicts: thresholds rise where dismissals sit below
confirmations, recurring dismissed sentences stop raising their flag, the rest is untouched."""

from __future__ import annotations

from scoring import config
from scoring.verdicts import Verdict, best_threshold, learn, recurring_dismissals
from tests.test_scoring import _flags


def test_threshold_rises_only_as_far_as_the_dismissals():
    verdicts = [Verdict("ownership", "q", c, ok) for c, ok in
                ((0.55, False), (0.6, False), (0.62, False), (0.8, True), (0.9, True))]
    assert best_threshold(verdicts, 0.5) == 0.71  # between the last dismissal and first keep
    # all confirmed: nothing to gain by rising
    assert best_threshold([Verdict("ownership", "q", 0.6, True)] * 5, 0.5) == 0.5


def test_recurring_dismissals_need_repeats_and_no_confirmed_lookalike():
    house = "Our system shows your appointment is booked for Tuesday at three."
    verdicts = [Verdict("system_blame", house, 0.7, False)] * 3
    assert recurring_dismissals(verdicts) == [house]
    assert recurring_dismissals(verdicts[:1]) == []
    confirmed = [Verdict("system_blame", house.replace("three", "four"), 0.7, True)]
    assert recurring_dismissals(verdicts + confirmed) == []


def test_learned_rules_drop_the_recurring_false_positive_only():
    house = "The system shows you paid late, so the fee stands."
    other = "Our records say the parcel was delivered, so there is nothing to refund."
    turns = [("customer", "I paid on time."), ("agent", house)]
    base = config.load()
    assert "system_blame" in _flags(base, turns)[1]
    verdicts = [Verdict("system_blame", house, 0.9, False)] * 3
    learned = learn(config.default_text(), verdicts)
    assert [(c.flag_type, c.setting) for c in learned.changes] == [("system_blame", "unlike")]
    tenant = config.from_text(learned.text, "tenant")
    assert "system_blame" not in _flags(tenant, turns)[1]
    elsewhere = [("customer", "Where is it?"), ("agent", other)]
    assert _flags(tenant, elsewhere)[1] == _flags(base, elsewhere)[1]
    # the file stays the shipped one apart from the change, comments included
    assert learned.text.count("\n# ") == config.default_text().count("\n# ")


def test_a_threshold_rises_only_on_enough_confirmed_flags():
    """Ten confirmations all above three dismissals do not show where the real flags lie (up to
    30% of them could sit lower); twenty do, and so does a flag dismissed more than confirmed."""
    def verdicts(confirmed: int, dismissed: int) -> list[Verdict]:
        return ([Verdict("escalation", f"threat {i}", 0.95, True) for i in range(confirmed)]
                + [Verdict("escalation", f"request {i}", 0.5 + i / 100, False)
                   for i in range(dismissed)])

    def threshold(learned) -> list[str]:
        return [c.after for c in learned.changes if c.setting == "threshold"]

    text = config.default_text()
    assert threshold(learn(text, verdicts(10, 3), similarity=1.01)) == []
    assert threshold(learn(text, verdicts(20, 3), similarity=1.01)) == ["0.735"]
    assert threshold(learn(text, verdicts(3, 4), similarity=1.01)) == ["0.74"]


def test_a_learned_example_never_silences_a_flag_a_reviewer_confirmed():
    """The queue apologies are dismissed in most calls, "Sorry about the wait." was confirmed
    as scripted empathy in one (the bench's learning simulation met this on rules 2026.12-9):
    examples alike enough to drop the confirmed sentence are left out, the others learned."""
    from scoring import acts, minilm, rules

    confirmed = "Sorry about the wait."
    dismissed = ["I do apologise for the wait, it's a busy morning here.",
                 "I do apologise for the wait, we're busier than usual today.",
                 "Sorry to keep you waiting, the lines are full today."]
    verdicts = ([Verdict("scripted_empathy", quote, 0.8, False) for quote in dismissed * 2]
                + [Verdict("scripted_empathy", confirmed, 0.8, True)])
    learned = config.from_text(learn(config.default_text(), verdicts).text, "tenant")
    examples = learned.rules("scripted_empathy").setting("unlike", ())
    assert examples, "the recurring dismissals are still learned"
    base = config.load()
    vector = minilm.encode((confirmed,), base.embedding_model)[0]
    silenced = rules.silencing(vector, minilm.encode(tuple(examples), base.embedding_model),
                               "scripted_empathy", base, acts.load())
    assert not silenced.any()


def test_a_dismissed_line_is_weighed_against_examples_of_the_flag_not_of_the_act(tmp_path):
    """A queue apology followed by help is an apology act but no scripted empathy: the
    behaviour's examples are the act's sentences in turns labelled with the flag, so a reworded
    queue apology is nearer the dismissed ones than the behaviour and stays quiet."""
    from dataclasses import replace

    import numpy as np

    from scoring import acts, minilm, rules

    heads = acts.load()
    flagged = heads.behaviour_examples("scripted_empathy", ("empathy", "apology"))
    by_act = replace(heads, bank_flags=None).behaviour_examples(
        "scripted_empathy", ("empathy", "apology"))
    assert 0 < flagged.sum() < by_act.sum() and (flagged <= by_act).all()
    heads.save(tmp_path / "acts.npz")
    assert np.array_equal(acts.read(tmp_path / "acts.npz").bank_flags, heads.bank_flags)

    dismissed = minilm.encode(("I do apologise for the wait, we're busier than usual today.",
                               "Sorry to keep you waiting, it's a busy morning here.",
                               "Apologies for the hold, the lines are full today."))
    reworded = minilm.encode(
        ("Thanks for holding, and sorry about the queue, we've had a lot of calls this week.",))[0]
    assert rules.silencing(reworded, dismissed, "scripted_empathy", config.load(), heads).any()
    confirmed = minilm.encode(("Sorry about the wait.",))[0]
    assert not rules.silencing(confirmed, dismissed, "scripted_empathy", config.load(),
                               heads).any()
