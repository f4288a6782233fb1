"""Scoring configuration: flag thresholds, weights, explanations and lexicon cues, from an
editable TOML file (``default_rules.toml`` is the shipped one)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from scoring.acts import ACTS

NEGATIVE = (
    "scripted_empathy",
    "reluctant_concession",
    "flat_refusal",
    "system_blame",
    "deflection",
    "unprofessional_language",
    "customer_blame",
    "escalation",
    "repeated_complaint",
)
POSITIVE = ("active_listening", "ownership", "goodwill_gesture")
TONE = ("raised_volume", "interruption", "long_silence")
FLAG_TYPES = NEGATIVE + POSITIVE + TONE

_COMMON_KEYS = ("category", "weight", "threshold", "explanation", "unlike", "unlike_similarity",
                "gives_way_to")
_FLAG_KEYS = {
    "scripted_empathy": ("follow_turns",),
    "reluctant_concession": ("refusals_before", "explanation_after_refusals"),
    "flat_refusal": ("nearby_turns",),
    "escalation": ("loud_threshold",),
    "goodwill_gesture": ("refusals_before",),
}
# keys of the phrase-matching rules files before 2026.11-2: read and ignored, so stored files
# still load; the act heads and the [lexicon] table replaced them
LEGACY_KEYS = frozenset(
    {
        "similarity", "patterns", "exemplars", "grudging", "alternatives", "admits_error",
        "anger", "anger_sentiment", "repeat_similarity", "min_shared_words",
    }
)  # fmt: skip
LEXICON_KEYS = ACTS  # one cue list per dialogue act


@dataclass(frozen=True)
class FlagRules:
    name: str
    category: str
    weight: float  # score points at confidence 1.0
    threshold: float  # the flag fires from this probability
    explanation: str
    extra: tuple[tuple[str, Any], ...]  # flag-specific settings (follow_turns, ...)

    def setting(self, key: str, default: Any = None) -> Any:
        return dict(self.extra).get(key, default)


@dataclass(frozen=True)
class ScoringConfig:
    version: str
    flags: tuple[FlagRules, ...]
    max_credit: float
    embedding_model: str  # "" = the shipped all-MiniLM-L6-v2
    heads_path: str  # "" = the shipped act heads
    lexicon: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    tone_weights: tuple[tuple[str, float], ...]
    customer_tone_counts: bool
    source: str

    def rules(self, name: str) -> FlagRules:
        for rules in self.flags:
            if rules.name == name:
                return rules
        raise KeyError(f"no rules for flag {name!r}; known: {', '.join(FLAG_TYPES)}")

    def weight(self, flag_type: str) -> float:
        tone = dict(self.tone_weights)
        return tone[flag_type] if flag_type in tone else self.rules(flag_type).weight


def _number(source: str, where: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{source}: {where} must be a number, got {value!r}")
    if not low <= float(value) <= high:
        raise ValueError(f"{source}: {where} must be between {low:g} and {high:g}, got {value}")
    return float(value)


def _flag_rules(source: str, name: str, table: dict[str, Any]) -> FlagRules:
    allowed = (*_COMMON_KEYS, *_FLAG_KEYS.get(name, ()))
    unknown = sorted(set(table) - set(allowed) - LEGACY_KEYS)
    if unknown:
        raise ValueError(
            f"{source}: flags.{name} has unknown setting {', '.join(unknown)}; "
            f"valid: {', '.join(allowed)}"
        )
    unlike = table.get("unlike", [])
    if not isinstance(unlike, list) or not all(isinstance(u, str) for u in unlike):
        raise ValueError(f"{source}: flags.{name}.unlike must be a list of sentences")
    extra: list[tuple[str, Any]] = [("unlike", tuple(unlike))]
    gives_way_to = table.get("gives_way_to", [])
    others = [flag for flag in NEGATIVE + POSITIVE if flag != name]
    if not isinstance(gives_way_to, list):
        raise ValueError(f"{source}: flags.{name}.gives_way_to must be a list of other text "
                         f"flags, from: {', '.join(others)}")
    for other in gives_way_to:
        if other not in others:
            raise ValueError(f"{source}: flags.{name}.gives_way_to: {other!r} is not another "
                             f"text flag; valid: {', '.join(others)}")
    extra.append(("gives_way_to", tuple(gives_way_to)))
    if "unlike_similarity" in table:
        where = f"flags.{name}.unlike_similarity"
        extra.append(("unlike_similarity", _number(source, where, table["unlike_similarity"], 0, 1)))
    for key in _FLAG_KEYS.get(name, ()):
        if key in table:
            value = table[key]
            if key.startswith("explanation"):
                extra.append((key, str(value)))
            elif key.endswith("threshold"):
                extra.append((key, _number(source, f"flags.{name}.{key}", value, 0, 1.01)))
            else:
                extra.append((key, int(_number(source, f"flags.{name}.{key}", value, 0, 20))))
    return FlagRules(
        name=name,
        category=str(table.get("category", "other")),
        weight=_number(source, f"flags.{name}.weight", table.get("weight", 5.0), 0, 100),
        threshold=_number(source, f"flags.{name}.threshold", table.get("threshold", 0.5), 0, 1.01),
        explanation=str(table.get("explanation", name.replace("_", " ").capitalize() + ".")),
        extra=tuple(extra),
    )


def _lexicon(source: str, table: dict[str, Any]) -> tuple:
    unknown = sorted(set(table) - set(LEXICON_KEYS))
    if unknown:
        raise ValueError(
            f"{source}: lexicon has unknown list {', '.join(unknown)}; "
            f"valid: {', '.join(LEXICON_KEYS)}"
        )
    lexicon = []
    for key in LEXICON_KEYS:
        compiled = []
        for pattern in table.get(key, ()):
            try:
                compiled.append(re.compile(str(pattern), re.IGNORECASE))
            except re.error as error:
                raise ValueError(
                    f"{source}: lexicon.{key}: {pattern!r} is not a valid pattern ({error})"
                ) from error
        lexicon.append((key, tuple(compiled)))
    return tuple(lexicon)


def parse(data: dict[str, Any], source: str, defaults: dict[str, Any] | None = None) -> ScoringConfig:
    """``defaults`` (the shipped rules) fill what ``data`` leaves out: a setting missing from a
    flag's table, or the whole lexicon."""
    defaults = defaults or {}
    flags = data.get("flags", {})
    unknown = sorted(set(flags) - set(NEGATIVE + POSITIVE))
    if unknown:
        raise ValueError(
            f"{source}: unknown flag {', '.join(unknown)}; "
            f"valid flags: {', '.join(NEGATIVE + POSITIVE)}"
        )
    missing = [name for name in NEGATIVE + POSITIVE if name not in flags]
    if missing:
        raise ValueError(f"{source}: no rules for {', '.join(missing)}")
    tone = data.get("tone", {})
    return ScoringConfig(
        version=str(data.get("version", "custom")),
        flags=tuple(
            _flag_rules(source, name, {**defaults.get("flags", {}).get(name, {}), **flags[name]})
            for name in NEGATIVE + POSITIVE
        ),
        max_credit=float(data.get("score", {}).get("max_credit", 15.0)),
        embedding_model=str(data.get("embedding", {}).get("model", "")),
        heads_path=str(data.get("acts", {}).get("heads", "")),
        lexicon=_lexicon(source, data.get("lexicon", defaults.get("lexicon", {}))),
        tone_weights=tuple((kind, float(tone.get(f"{kind}_weight", 3.0))) for kind in TONE),
        customer_tone_counts=bool(tone.get("customer_tone_counts", False)),
        source=source,
    )


def default_text() -> str:
    return resources.files("scoring").joinpath("default_rules.toml").read_text()


def from_text(text: str, source: str) -> ScoringConfig:
    """Rules from TOML text (a tenant's stored config); ValueError names what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{source}: not valid TOML ({error})") from error
    return parse(data, source, _shipped())


@cache
def _shipped() -> dict[str, Any]:
    return tomllib.loads(default_text())


def load(path: str | Path | None = None) -> ScoringConfig:
    """The shipped rules, or the organisation's own file at ``path``."""
    if path is None:
        return from_text(default_text(), "default_rules.toml")
    return from_text(Path(path).read_text(), str(path))
