"""The act heads: retrained from the development set they reproduce the shipped heads and their
validation figures; labels carry over to what speech recognition heard; the frozen test sets
are unchanged and share nothing with training."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
# Each written by authors who saw only docs/labelling.md and nothing of the code, data or results:
# the first (2026-11-25) before any head existed, the second (2026-12-04) before the heads of that
# session, the third (2026-12-04, later) after the heads of rules 2026.12-2 were trained and before
# they were measured; the fourth (2026-12-04, last) was kept unread until the steady thresholds of
# rules 2026.12-3 had been chosen on the validation split, then measured once. Once all four had
# been measured, they were retired as test sets: act-labelled and added to the development data
# (scoring/data/dev/retired_v*.json) for rules 2026.12-4, after the fifth was written and pinned.
# The fifth (2026-12-04, evening) measured rules 2026.12-4 once; it was then retired the same way
# for rules 2026.12-5 (retired_v5.json), and the sixth (2026-12-04, later, kept unread until
# then) measured it once. The sixth was then retired to choosing flag thresholds only
# (scoring/data/calibration/). The seventh (2026-12-04, night, two more authors) measured a
# candidate trained with v6 (rules 2026.12-6, not shipped: it lost old labelled examples) once.
# For rules 2026.12-7, v6's act labels joined the development data (retired_v6.json) and the
# eighth (2026-12-05, two more authors, unread until then) measured it once; for rules 2026.12-8
# the eighth was act-labelled and joined the development data too (retired_v8.json), and the
# ninth (2026-12-05, afternoon, two more authors) measured it once; for rules 2026.12-9 the
# ninth was act-labelled and joined the development data too (retired_v9.json), and the tenth
# (2026-12-05, evening, two more authors) measured it once; for rules 2026.12-10 the tenth was
# act-labelled and joined the development data too (retired_v10.json, with focus dialogs on
# neutral supervisor requests and bare sympathy, after a first candidate with v10 alone lost two
# old labelled examples), and the eleventh (2026-12-05, late evening, two more authors) measured
# it once. For rules 2026.12-11 the eleventh was act-labelled and joined the development data
# too (retired_v11.json, with focus dialogs on complaints repeated in new words), and the twelfth
# (2026-12-05, night, two more authors) measured it once; for rules 2026.12-12 the twelfth was
# act-labelled and joined the development data too (retired_v12.json, with focus dialogs on
# subtle rudeness and implied blame), and the thirteenth (2026-12-05, night, two more authors,
# written before the twelfth was read) measured it once; for rules 2026.12-13 the thirteenth was
# act-labelled and joined the development data too (retired_v13.json, with focus dialogs on
# whether the agent took a complaint up), and the fourteenth (2026-12-05, night, two more
# authors, written before the thirteenth was read) measured it once. The fifteenth (2026-12-05,
# night, two more authors, written before the fourteenth was read) measured a candidate trained
# with v14 (rules 2026.12-14, not shipped: it read v15 lower; v14's act labels wait in
# scoring/data/staged/). The sixteenth (2026-12-06, two more authors, written before the
# fifteenth was read) was never read by a benchmark, but its text was printed during
# development on 2026-12-06, so it is no test set. The seventeenth (2026-12-06, two more authors,
# written before the next change) measured a candidate whose flag thresholds were chosen on v7
# and v14-v16 (rules 2026.12-15, not shipped: it read v17 lower). The eighteenth (2026-12-06,
# two more authors, written after v17 was read) measured a candidate trained with v14 to v17
# act-labelled (rules 2026.12-16, not shipped: it read v18 lower; the labels wait in
# scoring/data/staged/). The nineteenth (2026-12-06, two more authors, written after v18 was
# read) measured the encoder's adapter retrained with v14 to v17 act-labelled (rules 2026.12-17,
# shipped: v14 to v17 are training data since); the twentieth (2026-12-06, two more authors,
# written before v19 was read) measured the adapter retrained with v18 and v19 act-labelled too
# (rules 2026.12-18 candidate, not shipped: it read v20 lower; the labels wait in
# scoring/data/staged/ again); the twenty-first (2026-12-06, two more authors, written before v20
# was read) measured a flat refusal giving way to system blame and deflection (rules 2026.12-19,
# shipped); the twenty-second (2026-12-06, two more authors, written before v20 was read)
# measured the heads refitted with telegraphic development dialogs (rules 2026.12-20, shipped);
# the twenty-third (2026-12-06, two more authors, written before v21 was read) measured the
# paraphrase groups split by a hash of their names (rules 2026.12-21 candidate, not shipped: it
# read v23 lower); the twenty-fourth (2026-12-07, two more authors, FA and FB, written after v21
# was read) is reserved, unread, for the next change, the twenty-fifth (2026-12-07, two more
# authors, GA and GB, written before v22 was read) for the change after it, the twenty-sixth
# (2026-12-07, two more authors, HB and HC, written after v22 was read and before v23 is) for
# the third, the twenty-seventh (2026-12-07, two more authors, IA and IB, written before v23
# was read) for the fourth, and the twenty-eighth (2026-12-07, two more authors, JA and JB,
# written after v23 was read and before v24 is) for the fifth, and the twenty-ninth (2026-12-07,
# two more authors, KA and KB, written after v23 was read) for the sixth. Never train or tune on
# v7 or v18 to v29. Never edit any.
FROZEN_SETS = {
    ROOT / "bench" / "frozen_test_dialogs.json":
        "a3363abd4df7100fd46705e1795c7595ecf4e778f68e27a273b045aa6e1551b5",
    ROOT / "bench" / "frozen_test_v2.json":
        "a7f47f5c833b8ee33af15cdfc5c5d30c45426f9e4a21d898227facf4ff955b53",
    ROOT / "bench" / "frozen_test_v3.json":
        "edf4a6aa3b6b48797ad6a0c0d1bcd1a5d2c535e013bd16a20259a59552357580",
    ROOT / "bench" / "frozen_test_v4.json":
        "6b2182ad1edaaa276c99f107f6650f1f80f3d78e02490381f94457842b52c89e",
    ROOT / "bench" / "frozen_test_v5.json":
        "252d09aef088ac4e5c948db402c19d7781d0e7c6048fd3106412892283389ea0",
    ROOT / "bench" / "frozen_test_v6.json":
        "07bf9520aab743d78a4ae9ce0144e45cbc0e9ac31b53e0e82cdfbd69d5e7c3d4",
    ROOT / "bench" / "frozen_test_v7.json":
        "c0291a9405aef1ee5aee3d5b7e39e772ee4c2969e586f92ce8ee28c5df5952b2",
    ROOT / "bench" / "frozen_test_v8.json":
        "f534f1f318643272d6c02ae76ccd91d6136f29426146a6ad4d8dff8c991d0721",
    ROOT / "bench" / "frozen_test_v9.json":
        "2b2fdd850f41ae82eeae6953cf7492340e8341154aa64f236f74938222cbdf9b",
    ROOT / "bench" / "frozen_test_v10.json":
        "b673fbc3e4ee0643f3a72f361defb2b78ea9d898f1f0fe9279faeb10c8d63fd0",
    ROOT / "bench" / "frozen_test_v11.json":
        "3bc4ffc2370b6b89b0db6d6b825082a5f9cf7ff70288d7103b6bc9c9dea887d0",
    ROOT / "bench" / "frozen_test_v12.json":
        "8a209a906657da66ddf635c5d3ee2bd4e1ecc199e0becd5c3ff862a56552add6",
    ROOT / "bench" / "frozen_test_v13.json":
        "89687ccebeff7db27f1230b109fea85941cc006ca0756413e752b52b4f22d8b9",
    ROOT / "bench" / "frozen_test_v14.json":
        "6420d003423c95b700a587794b672a3f1949cdd152be825f8e489932b19ab649",
    ROOT / "bench" / "frozen_test_v15.json":
        "b8f27641bab8aa25811a6a2257084b87ab4f0c42ac8bedd776a6b84f03e7f587",
    ROOT / "bench" / "frozen_test_v16.json":
        "a655ecb1b3e6fd9cbbce57eaa6cc25b2a6039db5303b92679e35332b17f2f147",
    ROOT / "bench" / "frozen_test_v17.json":
        "3a1a49d83142f8e03876840322d9694f8ac890a6899a45fbcbc289a47abf4cd4",
    ROOT / "bench" / "frozen_test_v18.json":
        "6d2d40c53839a8f250d9ea45120dced3fa4d19f082834680740605dba3fb8f42",
    ROOT / "bench" / "frozen_test_v19.json":
        "52a0143513bc99e278b602b375a5474098943914a69d4dc63e675f0e3d6d5e05",
    ROOT / "bench" / "frozen_test_v20.json":
        "a716724f5d3d83bdfd658558902b2e45b7ca07ffac2b8da6e39a04013ba6150a",
    ROOT / "bench" / "frozen_test_v21.json":
        "33f450d11a0378c182dfa4c0ceeb64634f22edcf7ea9a2009e8b8ec18fbb6ed1",
    ROOT / "bench" / "frozen_test_v22.json":
        "f3ac8462f7443dce3098d4338691362d56bce7d31941fb2a3f33255e0b0b92e4",
    ROOT / "bench" / "frozen_test_v23.json":
        "d620ab55092abd922a848aebe6903560e33a221416ebda5385226f5f99a479f5",
    ROOT / "bench" / "frozen_test_v24.json":
        "c7a23b52efe06aa53da42ed6365dc60e4114bffc103dd315371185454909ff34",
    ROOT / "bench" / "frozen_test_v25.json":
        "7bcc5c51df758540fc589b99e806055aa3b29d7bb4d29eb5df31e106c5df5131",
    ROOT / "bench" / "frozen_test_v26.json":
        "6442f9ae9d342e38fc86d6869eef4e415e0e5a57233c5d29a8fbd5728497962b",
    ROOT / "bench" / "frozen_test_v27.json":
        "f358aab06b8e7adf0b9dbda254ec75bae87f497ab7f69cfaebd244bf3acd5589",
    ROOT / "bench" / "frozen_test_v28.json":
        "43143bd335c414c224b9a56e17143c5496f19804dd06a2f904e8bc81f4adfb00",
    ROOT / "bench" / "frozen_test_v29.json":
        "74e6ddaa4308b28766abfe73cf0cf158671aef5f4b64a8764f86267a4e20fbbe",
}
COINCIDENCES = {"yeah it is so what are you gonna do about it",
                "it'll be back on your card in a few days",
                "it'll be back on your card in three to five days",
                # v12's stock apology, word for word as one in the development data, and v15's
                # (the same line without "you")
                "i do apologise for any inconvenience this may have caused you",
                "i do apologise for any inconvenience this may have caused",
                # v16's stock closing question (its authors saw no data)
                "is there anything else i can do for you today",
                # and v17's and v18's (their authors saw no data either)
                "no problem at all anything else i can help with today",
                "is there anything else i can help you with today"}
HELD_OUT = [ROOT / "bench" / f"frozen_test_v{n}.json"
            for n in (7, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29)]


@pytest.mark.parametrize("path", FROZEN_SETS, ids=lambda path: path.stem)
def test_frozen_test_set_is_unchanged(path):
    assert hashlib.sha256(path.read_bytes()).hexdigest() == FROZEN_SETS[path]


@pytest.fixture(scope="module")
def trained_sentences() -> set[str]:
    """Every sentence of the development set, lower case, without end punctuation."""
    from scoring import train

    dialogs, _ = train.load_dev()
    return {s.text.lower().strip(" .?!") for d in dialogs for s in d.sentences}


@pytest.mark.parametrize("path", HELD_OUT, ids=lambda path: path.stem)
def test_frozen_test_set_shares_no_sentence_with_training(path, trained_sentences):
    trained = trained_sentences
    frozen = json.loads(path.read_text())
    frozen.pop("_about", None)
    assert len(frozen) >= 40
    tested = {t[1].lower().strip(" .?!") for turns in frozen.values() for t in turns}
    shared = tested & trained
    # stock phrases ("whatever you want to do") occur in both; copied turns would be longer.
    # One ten-word line was written independently by an author of v4 (now training data) and
    # one of v5, who never saw each other's work: a coincidence, listed, not a copy; so was a
    # stock refund line of v8 and
    # one of v23 (their authors saw no data).
    assert not {s for s in shared if len(s.split()) >= 10} - COINCIDENCES
    # short stock replies ("cheers, bye", "brilliant, thanks so much") are said in any call:
    # v9's authors wrote 33 of its 590 turns word for word as some training turn, 14 of them
    # four words or longer
    assert len({s for s in shared if len(s.split()) >= 4}) <= 0.05 * len(tested)


def test_development_set_is_large_enough_and_grouped():
    from scoring import acts, train

    dialogs, _ = train.load_dev()
    assert len(dialogs) >= 150
    assert sum(len(d.sentences) for d in dialogs) >= 1500
    labels = np.concatenate([d.labels for d in dialogs])
    assert (labels.sum(axis=0) >= 15).all(), dict(zip(acts.ACTS, labels.sum(axis=0), strict=True))
    training, validation = train.split_groups(dialogs)
    assert training and validation and not training & validation


@pytest.mark.parametrize("version", [18, 19])
def test_act_labelled_frozen_sets_keep_the_authors_words_and_flags(version):
    """v18 and v19, act-labelled by helpers, wait in scoring/data/staged/ (an adapter retrained
    with them read v20 lower and was not shipped): the sentences the helpers cut must join up to
    the authors' turns, with the authors' flags, and the acts carried onto the scorer's own
    sentences."""
    from scoring import acts, train

    labelled = ROOT / "scoring" / "data" / "staged"
    frozen = json.loads((ROOT / "bench" / f"frozen_test_v{version}.json").read_text())
    frozen.pop("_about")
    items = json.loads((labelled / f"retired_v{version}.json").read_text())["dialogs"]
    assert [item["id"] for item in items] == list(frozen)
    for item in items:
        turns = frozen[item["id"]]
        assert [(speaker, sorted(flags)) for speaker, _, flags in item["turns"]] \
            == [(speaker, sorted(flags)) for speaker, _, flags, _ in turns]
        assert [" ".join(s for s, _ in sentences).split() for _, sentences, _ in item["turns"]] \
            == [text.split() for _, text, _, _ in turns]
    dialogs = [train._dialog(item) for item in items]
    labels = np.concatenate([d.labels for d in dialogs])
    assert (labels.sum(axis=0) >= 10).all(), dict(zip(acts.ACTS, labels.sum(axis=0), strict=True))


def test_labels_carry_over_to_what_speech_recognition_heard():
    from scoring import train

    written = [("I can't waive the fee, that's our policy.", ("refusal",)),
               ("But I can split it over three bills.", ("alternative",)),
               ("Okay.", ())]
    heard = ["I can't wave the fee that's our policy but I can split it over three bills.",
             "Okay."]
    assert train._carried_over(written, heard) == [{"refusal", "alternative"}, set()]
    # a turn heard as something else entirely keeps no acts: nothing in it shows them
    assert train._carried_over(written, ["Thank you for watching, see you next time."]) == [set()]
    assert train._carried_over(written, [""]) == [set()]


def test_heard_copies_share_their_dialogs_group_and_flags():
    from scoring import train

    dialogs, _ = train.load_dev()
    heard = [d for d in dialogs if d.heard]
    assert len(heard) >= 100, "python -m bench.asr_dev has been run on the development set"
    written = {d.id: d for d in dialogs if not d.heard}
    for copy in heard:
        original = written[copy.id.removesuffix("~heard")]
        assert copy.group == original.group and copy.flags == original.flags
        assert len(copy.segments) == len(original.segments)
    carried = sum(int(d.labels.sum()) for d in heard)
    assert 0.3 < carried / sum(int(written[d.id.removesuffix("~heard")].labels.sum())
                               for d in heard) < 1.0


CHECK = ROOT / "scoring" / "heads" / "retrain_check.json"


@pytest.mark.slow
def test_a_quick_retrain_reproduces_the_figures_recorded_with_the_shipped_heads(tmp_path):
    """The shipped heads come from ``python -m scoring.train`` on the whole training split (three
    to four minutes, most of it reading 38,000 sentences); the suite repeats the same command on
    a seeded tenth of the training groups (``--training-share``, the validation split
    unchanged) with one network per party where the shipped heads average four (the same code
    with ``--agent-networks 1 --customer-networks 1``: half a minute less), whose figures were
    recorded when the heads were trained (``scoring/heads/retrain_check.json``,
    ``--write-check``). Same development data, adapter and code: the same figures. The adapter
    itself takes half an hour (``--adapt``) and is checked by tests/test_encoder.py."""
    from scoring import acts, role_head, train

    check = json.loads(CHECK.read_text())
    shipped = acts.load()
    assert check["dev_sha256"] == shipped.meta["dev_sha256"] == train.load_dev()[1], \
        "the development data changed since the heads were trained: retrain them"
    assert check["adapter"] == shipped.adapter.digest
    assert shipped.meta["validation"]["ece"] <= 0.05
    assert check["training_share"] < 0.5  # quick; the full run is the one shipped

    out, report = tmp_path / "acts.npz", tmp_path / "report.md"
    networks = check["networks"]
    assert train.main(["--training-share", str(check["training_share"]), "--out", str(out),
                       "--report", str(report), "--no-spreads",
                       "--agent-networks", str(networks["agent"]),
                       "--customer-networks", str(networks["customer"])]) == 0
    again = acts.read(out)
    assert again.adapter.digest == shipped.adapter.digest
    assert again.meta["training_groups"] == check["training_groups"]
    assert set(again.meta["validation_groups"]) == set(shipped.meta["validation_groups"])
    for side in ("agent", "customer"):
        assert getattr(again, side).out.shape == getattr(shipped, side).out.shape
    # Not the weights themselves: ONNX Runtime's float kernels differ with the CPU's
    # instruction set, and a few hundred epochs of Adam turn 1e-7 in an embedding into 0.05
    # in a weight. What must reproduce is what the heads do, measured the same way.
    for figure, recorded in check["validation"].items():
        assert again.meta["validation"][figure] == pytest.approx(recorded, abs=0.01), figure
    assert "| empathy | agent |" in report.read_text()
    assert report.with_name("report_reliability.png").stat().st_size > 1000
    # the role head is fitted on the same vectors and written beside the heads
    roles_again = role_head.read(out.with_name("roles.npz"))
    assert roles_again.adapter == shipped.adapter.digest
    assert roles_again.meta["validation"].keys() == check["roles"].keys()
    for shown, found in roles_again.meta["validation"].items():
        assert found["head"] == pytest.approx(check["roles"][shown], abs=0.01), shown
    assert "| starts with the customer | no |" in report.with_name(
        "roles_validation.md").read_text()
    # the shipped role head, fitted with the whole training split
    roles_shipped = role_head.for_adapter("", shipped.adapter.digest)
    assert roles_shipped.meta["validation"]["starts with the customer"]["head"] >= 0.95


def test_calibration_dialogs_carry_flags_only_and_stay_out_of_training(tmp_path):
    """A retired test set kept for choosing thresholds (``scoring/data/calibration/``, empty
    since v6 became training data for rules 2026.12-7; v7 and v14-v16 chose the thresholds of the
    rules 2026.12-15 candidate, not shipped): its flags as written, no act labels, each dialog
    its own group, never among the development dialogs the heads fit."""
    from scoring import train

    (tmp_path / "retired.json").write_text(json.dumps({"_about": "two dialogs", "dialogs": {
        "c1": [["customer", "I was charged twice for March.", [], {}],
               ["agent", "That's not something we refund. Anything else?", ["flat_refusal"], {}]],
        "c2": [["customer", "my router keeps dropping", [], {}],
               ["agent", "i understand your frustration", ["scripted_empathy"], {}],
               ["customer", "like i said it keeps dropping", ["repeated_complaint"], {}]],
    }}))
    calibrating = train.load_calibration(tmp_path)
    assert [d.group for d in calibrating] == ["calibration:c1", "calibration:c2"]
    assert not any(d.labels.any() for d in calibrating)
    assert [sorted(kinds) for d in calibrating for kinds in d.flags] == [
        [], ["flat_refusal"], [], ["scripted_empathy"], ["repeated_complaint"]]
    assert [d.asr for d in calibrating] == [False, True]
    developed, _ = train.load_dev()
    shipped = train.load_calibration()
    assert not {d.id for d in shipped} & {d.id for d in developed}


def test_a_committee_of_networks_is_the_mean_of_their_logits():
    from scoring import acts, train

    rng = np.random.default_rng(7)
    members = [acts.Layers(rng.normal(size=(6, 4)).astype(np.float32),
                           rng.normal(size=4).astype(np.float32),
                           rng.normal(size=(4, 3)).astype(np.float32),
                           rng.normal(size=3).astype(np.float32)) for _ in range(3)]
    x = rng.normal(size=(5, 6)).astype(np.float32)
    logits = np.mean([np.maximum(x @ m.hidden + m.hidden_bias, 0) @ m.out + m.out_bias
                      for m in members], axis=0)
    joined = train.committee(members)
    assert joined.hidden.shape == (6, 12)
    np.testing.assert_allclose(joined.probabilities(x), 1 / (1 + np.exp(-logits)), rtol=1e-5)
    # a committee of one is that network
    np.testing.assert_array_equal(train.committee(members[:1]).out, members[0].out)
