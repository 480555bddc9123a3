"""California ZIP codes, cities and counties, from the offline `zipcodes` data set (loaded once)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple, Optional


class ZipInfo(NamedTuple):
    zip5: str
    cities: tuple[str, ...]  # primary city first, then the other names the USPS accepts
    county: Optional[str]


def _tidy(name: str) -> str:
    """Title-case names stored all upper/lower ("FRESNO" -> "Fresno"); keep mixed case ("Travis AFB")."""
    name = " ".join(name.split())
    return name.title() if name.isupper() or name.islower() else name


def city_key(name: str) -> str:
    """Comparison key: case, dots and extra spaces do not matter ("st. helena" == "St Helena")."""
    return " ".join(re.sub(r"[.,]", " ", name).lower().split())


@lru_cache(maxsize=1)
def _ca_zips() -> dict[str, ZipInfo]:
    import zipcodes

    table: dict[str, ZipInfo] = {}
    for row in zipcodes.filter_by(state="CA"):
        cities: list[str] = []
        for name in [row.get("city") or ""] + list(row.get("acceptable_cities") or []):
            tidy = _tidy(name)
            if tidy and tidy not in cities:
                cities.append(tidy)
        county = row.get("county") or None
        if county and county.endswith(" County"):
            county = county[: -len(" County")]
        table[row["zip_code"]] = ZipInfo(row["zip_code"], tuple(cities), county)
    return table


@lru_cache(maxsize=1)
def _city_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for info in _ca_zips().values():
        for city in info.cities:
            index.setdefault(city_key(city), city)
    return index


def is_ca_zip(zip5: str) -> bool:
    return zip5 in _ca_zips()


def cities_for_zip(zip5: str) -> list[str]:
    """City names for a California ZIP (primary first); [] when the ZIP is not Californian."""
    info = _ca_zips().get(zip5)
    return list(info.cities) if info else []


def county_for_zip(zip5: str) -> Optional[str]:
    """County name without the word "County" ("Fresno"), or None."""
    info = _ca_zips().get(zip5)
    return info.county if info else None


@lru_cache(maxsize=1)
def _ca_cities() -> tuple[str, ...]:
    return tuple(sorted(set(_city_index().values())))


def ca_cities() -> list[str]:
    """All distinct California city names (including USPS-acceptable alternates), sorted."""
    return list(_ca_cities())


def normalize_city(name: str) -> Optional[str]:
    """The canonical spelling of a California city ("los  angeles" -> "Los Angeles"), or None."""
    if not name:
        return None
    return _city_index().get(city_key(name))
