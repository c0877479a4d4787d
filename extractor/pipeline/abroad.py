"""A region that is another country: its figures are no statistics of a place in China.

The records are about regional industrial development in China. Features about China's
economy compare it with other countries ("Britain has pledged to make loans to firms worth
15% of GDP", "Japan's 1.4m deaths", the US tariff on Chinese goods), and the model records
those figures with the country for region. The labellers leave them out (decisions-b29feat.md,
4: national and foreign figures are not regional industrial statistics of China), so an
indicator whose whole region is a foreign country cannot be right (EXPERIMENTS row FRN).

A country is told by its ISO 3166 names and codes (``pycountry``), plus the English short
forms the standard does not list ("America", "Britain", "UK", "Russia"). China's own parts
(Taiwan, Hong Kong, Macao) are not abroad, and neither is a region that only holds a
country's name ("South America", "Guangxi-ASEAN Economic Development Zone", "China-Europe
freight trains"): it is a place or a route of its own.
"""

from __future__ import annotations

import functools
import re

import pycountry

__all__ = ["is_abroad"]

_SHORT_FORMS = frozenset(
    {"america", "britain", "uk", "u.k", "u.s", "u.s.a", "russia", "turkey", "korea"}
)
"""Countries as English news names them where ISO 3166 has only another name."""

_CHINA = frozenset({"CN", "TW", "HK", "MO"})
"""China and the parts of it that ISO 3166 lists apart."""

_THE = re.compile(r"^the\s+", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def is_abroad(region: str) -> bool:
    """Whether ``region`` is the name of a country other than China ("Japan", "the US",
    "United Kingdom"); a code counts only in capitals ("US", not the word "in")."""
    name = _THE.sub("", region.strip()).rstrip(".")
    if not name:
        return False
    if name.lower() in _SHORT_FORMS:
        return True
    if len(name) <= 3 and not name.isupper():
        return False
    try:
        country = pycountry.countries.lookup(name)
    except LookupError:
        return False
    return country.alpha_2 not in _CHINA
