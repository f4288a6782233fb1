"""Each flag's threshold, chosen on the validation split so that it stays put between trainings.

The best-F1 threshold of a split of about 57 paraphrase groups moves a lot from one training
to the next (flat_refusal 0.8 -> 0.35, ownership 0.4 -> 0.2 in one retraining), because an F1
curve over a few dozen positives is flat and noisy near its top. The rule here:

1. resample the validation groups with replacement (``RESAMPLES`` times, seeded) and take,
   for every threshold on ``GRID``, the mean F1 over the resamples and its standard deviation
   (the bootstrap's standard error of that F1);
2. among the thresholds whose mean F1 is within one standard error of the best mean, take the
   one nearest ``PRIOR`` (the heads are calibrated, so 0.5 reads "more likely than not").

This is the one-standard-error rule of model selection, with 0.5 as the simplest choice.
``spread`` measures what it buys: the interquartile range of the threshold each rule picks on
resampled validation splits, for this rule and for the plain best F1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

GRID = np.round(np.arange(0.1, 0.81, 0.05), 2)
RESAMPLES = 200
PRIOR = 0.5
SEED = 20261204


@dataclass(frozen=True)
class GroupCounts:
    """One flag type's counts per validation group (rows) and threshold of GRID (columns)."""

    found: np.ndarray  # (groups, thresholds) flags at or above the threshold
    correct: np.ndarray  # (groups, thresholds) of those, labelled
    expected: np.ndarray  # (groups,) labelled flags


@dataclass(frozen=True)
class Choice:
    threshold: float
    best_f1_threshold: float  # the plain best F1 on the whole split, for comparison
    f1: float  # mean bootstrap F1 at the chosen threshold
    best_f1: float  # mean bootstrap F1 at its best
    standard_error: float  # of the F1 at its best


def group_counts(candidates: dict[tuple[str, int, str], float],
                 truth: set[tuple[str, int, str]], groups: list[str], kind: str) -> GroupCounts:
    """``candidates``: probability per (group, turn key, type); ``truth``: labelled keys."""
    row = {g: i for i, g in enumerate(groups)}
    found = np.zeros((len(groups), len(GRID)), dtype=np.int64)
    correct = np.zeros_like(found)
    expected = np.zeros(len(groups), dtype=np.int64)
    for key in truth:
        if key[2] == kind:
            expected[row[key[0]]] += 1
    for key, probability in candidates.items():
        if key[2] == kind:
            above = probability >= GRID
            found[row[key[0]]] += above
            if key in truth:
                correct[row[key[0]]] += above
    return GroupCounts(found, correct, expected)


def _f1(weights: np.ndarray, counts: GroupCounts) -> np.ndarray:
    """F1 per resample (rows of ``weights``, group multiplicities) and threshold."""
    correct = weights @ counts.correct
    denominator = weights @ counts.found + (weights @ counts.expected)[:, None]
    return np.divide(2 * correct, denominator, out=np.zeros(correct.shape, dtype=float),
                     where=denominator > 0)


def _weights(rng: np.random.Generator, groups: int, resamples: int) -> np.ndarray:
    drawn = rng.integers(groups, size=(resamples, groups))
    return np.stack([np.bincount(row, minlength=groups) for row in drawn]).astype(float)


def _best(f1: np.ndarray) -> int:
    """Index of the best F1; ties go to the threshold nearest PRIOR."""
    return int(max(range(len(GRID)), key=lambda i: (round(float(f1[i]), 4),
                                                      -abs(GRID[i] - PRIOR))))


def one_standard_error(counts: GroupCounts, rng: np.random.Generator,
                       resamples: int = RESAMPLES) -> Choice:
    weights = _weights(rng, len(counts.expected), resamples)
    f1 = _f1(weights, counts)
    mean, error = f1.mean(axis=0), f1.std(axis=0)
    best = _best(mean)
    near = [i for i in range(len(GRID)) if mean[i] >= mean[best] - error[best]]
    chosen = min(near, key=lambda i: (abs(GRID[i] - PRIOR), -mean[i]))
    return Choice(float(GRID[chosen]), best_f1(counts), float(mean[chosen]),
                  float(mean[best]), float(error[best]))


def best_f1(counts: GroupCounts) -> float:
    return float(GRID[_best(_f1(np.ones((1, len(counts.expected))), counts)[0])])


def spread(counts: GroupCounts, rule: Callable[[GroupCounts], float], seed: int = SEED,
           splits: int = 60) -> float:
    """Interquartile range of the threshold ``rule`` picks on ``splits`` resampled splits."""
    rng = np.random.default_rng(seed)
    picked = []
    for weights in _weights(rng, len(counts.expected), splits):
        keep = np.repeat(np.arange(len(weights)), weights.astype(int))
        picked.append(rule(GroupCounts(counts.found[keep], counts.correct[keep],
                                       counts.expected[keep])))
    q25, q75 = np.percentile(picked, [25, 75])
    return float(q75 - q25)
