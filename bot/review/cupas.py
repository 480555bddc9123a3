"""Every facility belongs to a CUPA, by city (a city that runs its own CUPA) else by county.

- `ensure_cupas(db)`: the CUPAs of `cupas_california.json` in the database (missing ones added; rows already
  there are left as they are, so a real contact set by an administrator is never overwritten).
- `assign_cupas(db)`: gives every facility without a CUPA the one of its city or county (county from the ZIP when
  the facility has none); called by the facility loaders (bot.seed, bot.imports), by facility creation and by
  `python -m bot.manage assign-cupas` (the set-up step runs it: the backfill of databases loaded before).
- `find_cupa(db, text)`: a CUPA by key ("county:fresno"), exact name, or county name ("Fresno").

It never decides who may review: that is `bot.services.inspectors`.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import geo
from bot.errors import NotFound
from bot.models import Cupa, Facility

DATA_FILE = Path(__file__).with_name("cupas_california.json")


@lru_cache(maxsize=1)
def _rows() -> tuple[dict, ...]:
    return tuple(json.loads(DATA_FILE.read_text(encoding="utf-8"))["cupas"])


def ensure_cupas(db: Session) -> dict[str, int]:
    """Add the CUPAs of the data file that are missing; return {key: id} of every CUPA."""
    existing = dict(db.execute(select(Cupa.key, Cupa.id)).all())
    added = False
    for row in _rows():
        if row["key"] not in existing:
            db.add(Cupa(key=row["key"], name=row["name"], county=row["county"], cities=row.get("cities"),
                        phone=row.get("phone"), email=row.get("email"),
                        contact_is_placeholder=row.get("placeholder", True),
                        annual_due_month=row.get("annual_due_month", 3), annual_due_day=row.get("annual_due_day", 1)))
            added = True
    if added:
        db.flush()
        existing = dict(db.execute(select(Cupa.key, Cupa.id)).all())
    return existing


def _index(db: Session) -> tuple[dict[str, int], dict[str, int]]:
    """(city key -> CUPA id for city CUPAs, county key -> CUPA id for county CUPAs)."""
    by_city: dict[str, int] = {}
    by_county: dict[str, int] = {}
    for cupa in db.execute(select(Cupa).order_by(Cupa.id)).scalars():
        if cupa.cities:
            for city in cupa.cities:
                by_city.setdefault(geo.city_key(city), cupa.id)
        elif cupa.county:
            by_county.setdefault(geo.city_key(cupa.county), cupa.id)
    return by_city, by_county


def _cupa_id_for(index: tuple[dict[str, int], dict[str, int]], city: str, county: Optional[str],
                 zip5: str) -> Optional[int]:
    by_city, by_county = index
    found = by_city.get(geo.city_key(city or ""))
    if found is not None:
        return found
    county = county or geo.county_for_zip((zip5 or "")[:5])
    return by_county.get(geo.city_key(county)) if county else None


def assign_cupas(db: Session, facility_ids: Optional[Iterable[int]] = None) -> int:
    """Give each facility without a CUPA (all of them, or those of `facility_ids`) the CUPA of its city or
    county; return how many were assigned. Facilities already assigned are not touched."""
    ensure_cupas(db)
    index = _index(db)
    stmt = select(Facility.id, Facility.city, Facility.county, Facility.zip).where(Facility.cupa_id.is_(None))
    if facility_ids is not None:
        ids = list(facility_ids)
        if not ids:
            return 0
        stmt = stmt.where(Facility.id.in_(ids))
    groups: dict[int, list[int]] = {}
    for fid, city, county, zip5 in db.execute(stmt).all():
        cupa_id = _cupa_id_for(index, city, county, zip5)
        if cupa_id is not None:
            groups.setdefault(cupa_id, []).append(fid)
    for cupa_id, ids in groups.items():
        for start in range(0, len(ids), 500):
            db.execute(update(Facility).where(Facility.id.in_(ids[start:start + 500]))
                       .values(cupa_id=cupa_id).execution_options(synchronize_session=False))
    assigned = {fid for ids in groups.values() for fid in ids}
    for obj in list(db.identity_map.values()):  # facilities already loaded read their new CUPA on next access
        if isinstance(obj, Facility) and obj.id in assigned:
            db.expire(obj, ["cupa_id"])
    db.flush()
    return sum(len(ids) for ids in groups.values())


def find_cupa(db: Session, text: str) -> Cupa:
    """The CUPA named by `text`: its key, its exact name, or a county name (that county's CUPA)."""
    ensure_cupas(db)
    wanted = " ".join((text or "").split())
    for cupa in db.execute(select(Cupa).order_by(Cupa.id)).scalars():
        if wanted.lower() in (cupa.key.lower(), cupa.name.lower()):
            return cupa
    key = geo.city_key(wanted.removesuffix(" County").removesuffix(" county"))
    for cupa in db.execute(select(Cupa).order_by(Cupa.id)).scalars():
        if not cupa.cities and cupa.county and geo.city_key(cupa.county) == key:
            return cupa
    raise NotFound(f"There is no CUPA called {wanted!r}. Give its key (like county:fresno), its name, or a county.")


def cupa_of(db: Session, facility: Facility) -> Optional[Cupa]:
    return db.get(Cupa, facility.cupa_id) if facility.cupa_id is not None else None
