"""The text in a parsed JSON value, for checks that no spoken digits were left in it."""

from __future__ import annotations


def strings(value) -> list[str]:
    """Every string in ``value``, keys included; numbers are left out, since a word probability
    of 0.1732 or 0.4111 holds digits nobody said."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (key, *strings(item))]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return []
