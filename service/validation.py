"""Input checks the database would otherwise make as a 500: NUL characters (PostgreSQL text
cannot hold them), dates outside what Python and the database can compare, and numbers past
a 64-bit column. Used by the request models, the query parameters and the upload fields."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator

FIRST_YEAR, LAST_YEAR = 1970, 9998
MAX_OFFSET = 1_000_000_000  # rows; far past any real page, far inside a 64-bit column


def no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain a NUL character")
    return value


def nul_free(value: Any) -> bool:
    """True if no string inside ``value`` (nested lists and dicts too) holds a NUL."""
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, dict):
        return all(nul_free(k) and nul_free(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(nul_free(item) for item in value)
    return True


def in_range(value: datetime) -> datetime:
    """The date unchanged, if it can be compared with stored times (1970 to 9998, UTC)."""
    try:
        utc = value.astimezone(UTC) if value.tzinfo else value
    except OverflowError as error:
        raise ValueError("date is out of range") from error
    if not FIRST_YEAR <= utc.year <= LAST_YEAR:
        raise ValueError(f"date must be between {FIRST_YEAR} and {LAST_YEAR}")
    return value


Text = Annotated[str, AfterValidator(no_nul)]
Instant = Annotated[datetime, AfterValidator(in_range)]
