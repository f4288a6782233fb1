"""The steady threshold rule (scoring.thresholds) on made-up validation splits."""

import numpy as np

from scoring import thresholds


def _split(rng: np.random.Generator, groups: int, positives_p, negatives_p):
    """Candidates and truth for ``groups`` groups of 3 labelled and 3 unlabelled turns whose
    probabilities are drawn from the given samplers."""
    candidates, truth = {}, set()
    for g in range(groups):
        for t in range(3):
            key = (f"g{g}", t, "flat_refusal")
            candidates[key] = float(positives_p(rng))
            truth.add(key)
        for t in range(3, 6):
            candidates[(f"g{g}", t, "flat_refusal")] = float(negatives_p(rng))
    groups_list = [f"g{g}" for g in range(groups)]
    return thresholds.group_counts(candidates, truth, groups_list, "flat_refusal")


def test_counts_follow_the_grid():
    counts = thresholds.group_counts(
        {("a", 0, "x"): 0.42, ("a", 1, "x"): 0.9, ("b", 0, "x"): 0.3, ("b", 1, "y"): 0.99},
        {("a", 0, "x"), ("b", 2, "x")}, ["a", "b"], "x")
    column = list(thresholds.GRID).index(0.4)
    assert counts.found[:, column].tolist() == [2, 0]
    assert counts.correct[:, column].tolist() == [1, 0]
    assert counts.expected.tolist() == [1, 1]
    assert counts.found[1, list(thresholds.GRID).index(0.3)] == 1


def test_a_flat_top_gives_the_threshold_nearest_one_half():
    """Well separated classes: every threshold from 0.2 to 0.8 is about as good, and the plain
    best F1 may sit anywhere on that plateau; the rule takes 0.5."""
    counts = _split(np.random.default_rng(1), 50, lambda r: r.uniform(0.82, 1.0),
                    lambda r: r.uniform(0.0, 0.18))
    choice = thresholds.one_standard_error(counts, np.random.default_rng(2))
    assert choice.threshold == 0.5
    assert choice.f1 > 0.99


def test_a_clear_optimum_away_from_one_half_is_kept():
    """Negatives reach up to 0.7: only high thresholds are precise, and the rule must not drag
    the threshold down to 0.5 where half the negatives fire."""
    counts = _split(np.random.default_rng(3), 50, lambda r: r.uniform(0.75, 1.0),
                    lambda r: r.uniform(0.3, 0.7))
    choice = thresholds.one_standard_error(counts, np.random.default_rng(4))
    assert choice.threshold >= 0.7
    assert choice.best_f1 - choice.f1 <= choice.standard_error + 1e-9


def test_the_rule_moves_less_than_the_plain_best_on_resampled_splits():
    """Overlapping classes with a broad F1 top, as the real flags have: the plain best-F1
    threshold wanders between resamples; the chosen one wanders less."""
    counts = _split(np.random.default_rng(5), 40, lambda r: r.beta(4, 2),
                    lambda r: r.beta(1.5, 4))
    rng = np.random.default_rng(6)
    steady = thresholds.spread(
        counts, lambda c: thresholds.one_standard_error(c, rng, 100).threshold)
    plain = thresholds.spread(counts, thresholds.best_f1)
    assert steady < plain
