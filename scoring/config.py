"""Scoring configuration: phrase libraries, weights and thresholds from an editable TOML file."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

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


@dataclass(frozen=True)
class FlagRules:
    name: str
    category: str
    weight: float
    similarity: float
    patterns: tuple[re.Pattern[str], ...]
    exemplars: tuple[str, ...]
    extra: tuple[tuple[str, Any], ...]  # flag-specific settings (grudging, alternatives, ...)

    def setting(self, key: str, default: Any = None) -> Any:
        return dict(self.extra).get(key, default)

    def compiled(self, key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p, re.IGNORECASE) for p in self.setting(key, ()))


@dataclass(frozen=True)
class ScoringConfig:
    version: str
    flags: tuple[FlagRules, ...]
    max_credit: float
    embedding_enabled: bool
    embedding_model: str
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


_KNOWN_KEYS = {"category", "weight", "similarity", "patterns", "exemplars"}


def _flag_rules(name: str, table: dict[str, Any]) -> FlagRules:
    try:
        patterns = tuple(re.compile(p, re.IGNORECASE) for p in table.get("patterns", ()))
    except re.error as error:
        raise ValueError(f"flags.{name}: bad pattern: {error}") from error
    return FlagRules(
        name=name,
        category=str(table.get("category", "other")),
        weight=float(table.get("weight", 5.0)),
        similarity=float(table.get("similarity", 0.8)),
        patterns=patterns,
        exemplars=tuple(table.get("exemplars", ())),
        extra=tuple(
            (k, tuple(v) if isinstance(v, list) else v)
            for k, v in table.items()
            if k not in _KNOWN_KEYS
        ),
    )


def parse(data: dict[str, Any], source: str) -> ScoringConfig:
    flags = data.get("flags", {})
    missing = [name for name in NEGATIVE + POSITIVE if name not in flags]
    if missing:
        raise ValueError(f"{source}: no rules for {', '.join(missing)}")
    tone = data.get("tone", {})
    return ScoringConfig(
        version=str(data.get("version", "custom")),
        flags=tuple(_flag_rules(name, flags[name]) for name in NEGATIVE + POSITIVE),
        max_credit=float(data.get("score", {}).get("max_credit", 15.0)),
        embedding_enabled=bool(data.get("embedding", {}).get("enabled", True)),
        embedding_model=str(data.get("embedding", {}).get("model", "")),
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
    return parse(data, source)


def load(path: str | Path | None = None) -> ScoringConfig:
    """The shipped rules, or the organisation's own file at ``path``."""
    if path is None:
        return parse(tomllib.loads(default_text()), "default_rules.toml")
    return parse(tomllib.loads(Path(path).read_text()), str(path))
