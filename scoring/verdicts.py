"""Learn a tenant's scoring from its supervisors' verdicts.

Confirmed and dismissed flags are labelled data about this tenant's calls. Two adjustments,
both written into the tenant's rules file, so they are visible, editable and reversible:

1. **Recurring false positives**: dismissed quotes of one flag type that resemble each other
   (cosine >= ``similarity``), at least ``min_repeats`` dismissals, and resemble no confirmed
   flag of that type, become that flag's ``unlike`` examples; a later sentence more like them
   than like the training examples of the behaviour no longer raises the flag
   (``scoring.rules``). An example that would silence a confirmed flag is left out.
2. **Threshold per flag type**, from at least ``min_verdicts`` verdicts of that type not already
   explained by (1): the lowest threshold at or above the current one, and no higher than any
   confirmed flag, that keeps the fewest dismissed flags; adopted only if it removes
   ``MIN_DROPPED`` dismissed flags, and only with enough confirmed flags to know where the real
   ones lie: ``MIN_CONFIRMED`` of them, or more dismissals than confirmations. (If all of n
   confirmed flags stay above the new threshold, the share of the tenant's real flags that fall
   under it is below 3/n at 95% confidence, the rule of three: 15% at 20; with ten
   confirmations it could be 30%.)
   Thresholds only rise: flags below the current one were never shown, so nothing is known
   about them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import Any

import numpy as np
import tomlkit

from scoring import acts, config, minilm, rules

MIN_VERDICTS = 5
MIN_DROPPED = 3  # a threshold rises only if it removes at least this many dismissed flags
MIN_CONFIRMED = 20  # ... and rests on this many confirmed flags (or on more dismissals)
MIN_REPEATS = 2
SIMILARITY = 0.7


@dataclass(frozen=True)
class Verdict:
    flag_type: str
    quote: str
    confidence: float
    confirmed: bool


@dataclass(frozen=True)
class Change:
    flag_type: str
    setting: str  # "threshold" | "unlike"
    before: str
    after: str
    reason: str


@dataclass(frozen=True)
class Learned:
    text: str  # the new rules file
    changes: tuple[Change, ...]
    verdicts: int


def best_threshold(verdicts: list[Verdict], current: float) -> float:
    """Threshold >= ``current`` keeping the most confirmed minus dismissed flags, never above a
    confirmed flag: only dismissals below every confirmation go. It sits halfway between the
    last flag dropped and the first kept, so rounding of stored confidences cannot tip a
    confirmed flag under it."""
    ceiling = min((v.confidence for v in verdicts if v.confirmed), default=1.0)
    candidates = sorted({current, *(v.confidence for v in verdicts
                                    if current <= v.confidence <= ceiling)})
    best, best_gain = current, None
    for threshold in candidates:
        gain = sum(1 if v.confirmed else -1 for v in verdicts if v.confidence >= threshold)
        if best_gain is None or gain > best_gain:
            best, best_gain = threshold, gain
    if best == current:
        return current
    below = max((v.confidence for v in verdicts if v.confidence < best), default=current)
    return round(max(current, (below + best) / 2), 3)


def recurring_dismissals(
    verdicts: list[Verdict], model: str = "", similarity: float = SIMILARITY,
    min_repeats: int = MIN_REPEATS,
) -> list[str]:
    """Dismissed quotes that recur (``min_repeats`` or more dismissals of alike sentences,
    the same one included) and look like no confirmed flag of the same type."""
    dismissed = [v.quote for v in verdicts if not v.confirmed and v.quote]
    confirmed = sorted({v.quote for v in verdicts if v.confirmed and v.quote})
    if len(dismissed) < min_repeats:
        return []
    unique = sorted(set(dismissed))
    times = np.array([dismissed.count(q) for q in unique])
    vectors = minilm.encode(tuple(unique), model)
    alike = (vectors @ vectors.T) >= similarity
    if confirmed:
        near_confirmed = (vectors @ minilm.encode(tuple(confirmed), model).T).max(axis=1)
    else:
        near_confirmed = np.zeros(len(unique))
    return [
        quote
        for i, quote in enumerate(unique)
        if times[alike[i]].sum() >= min_repeats and near_confirmed[i] < similarity
    ]


def _sparing_confirmed(examples: list[str], verdicts: list[Verdict], flag_type: str,
                       tenant: config.ScoringConfig) -> list[str]:
    """``examples`` less those that would keep a confirmed flag of ``flag_type`` from being
    raised again ("Sorry about the wait." confirmed as scripted empathy in one call, the queue
    apologies dismissed in others): a learned example never silences what a reviewer confirmed."""
    confirmed = sorted({v.quote for v in verdicts if v.confirmed and v.quote})
    if not examples or not confirmed:
        return examples
    heads = acts.load(tenant.heads_path)
    vectors = minilm.encode(tuple(examples), tenant.embedding_model)
    keep = np.ones(len(examples), dtype=bool)
    for vector in minilm.encode(tuple(confirmed), tenant.embedding_model):
        keep &= ~rules.silencing(vector, vectors, flag_type, tenant, heads)
    return [example for example, kept in zip(examples, keep, strict=True) if kept]


def _near(verdicts: list[Verdict], examples: list[str], model: str, similarity: float) -> list[bool]:
    """Whether each verdict's quote is within ``similarity`` of an ``unlike`` example."""
    if not verdicts or not examples:
        return [False] * len(verdicts)
    quotes = minilm.encode(tuple(v.quote for v in verdicts), model)
    return list((quotes @ minilm.encode(tuple(examples), model).T).max(axis=1) >= similarity)


def set_in_table(text: str, table: str, key: str, value: Any) -> str:
    """``text`` (TOML) with ``key = value`` in ``[table]`` (a dotted name), everything else kept:
    comments, order, layout."""
    document = tomlkit.parse(text)
    node: Any = document
    for part in table.split("."):
        if part not in node:
            node[part] = tomlkit.table()
        node = node[part]
    node[key] = value
    return tomlkit.dumps(document)


def learn(
    text: str, verdicts: list[Verdict], min_verdicts: int = MIN_VERDICTS,
    similarity: float = SIMILARITY, min_repeats: int = MIN_REPEATS, version: str = "",
) -> Learned:
    """The tenant's rules ``text`` adjusted by ``verdicts`` (and labelled ``version`` when
    anything changed); ValueError if ``text`` is invalid."""
    tenant = config.from_text(text, "tenant rules")
    stored = tomllib.loads(text)
    changes: list[Change] = []
    for flag in tenant.flags:
        mine = [v for v in verdicts if v.flag_type == flag.name]
        recurring = recurring_dismissals(mine, tenant.embedding_model, similarity, min_repeats)
        before = list(stored.get("flags", {}).get(flag.name, {}).get("unlike", []))
        added = _sparing_confirmed([q for q in recurring if q not in before], mine, flag.name,
                                   tenant)
        if added:
            text = set_in_table(text, f"flags.{flag.name}", "unlike", before + added)
            changes.append(Change(
                flag.name, "unlike", f"{len(before)} examples", f"{len(before) + len(added)} examples",
                f"{len(added)} dismissed sentences recur and resemble no confirmed flag"))
        explained = _near(mine, before + added, tenant.embedding_model, similarity)
        rest = [v for v, near in zip(mine, explained, strict=True) if not near]
        if len(rest) < min_verdicts:
            continue
        threshold = best_threshold(rest, flag.threshold)
        dropped = sum(not v.confirmed for v in rest if v.confidence < threshold)
        confirmed = sum(v.confirmed for v in rest)
        enough = confirmed >= MIN_CONFIRMED or len(rest) - confirmed > confirmed
        if threshold > flag.threshold and dropped >= MIN_DROPPED and enough:
            text = set_in_table(text, f"flags.{flag.name}", "threshold", threshold)
            kept = sum(v.confirmed for v in rest if v.confidence >= threshold)
            changes.append(Change(
                flag.name, "threshold", f"{flag.threshold:g}", f"{threshold:g}",
                f"keeps {kept} of {confirmed} confirmed flags and drops "
                f"{dropped} of {sum(not v.confirmed for v in rest)} dismissed ones"))
    if changes and version:
        document = tomlkit.parse(text)
        document["version"] = version
        text = tomlkit.dumps(document)
    config.from_text(text, "learned rules")  # what we write must load
    return Learned(text, tuple(changes), len(verdicts))
