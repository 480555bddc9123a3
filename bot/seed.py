"""Load existing facilities: a realistic generated California set, or a real list from a CSV file.

    python -m bot.seed generate --count 2500 [--seed 7]
    python -m bot.seed import-csv FILE [--dry-run] [--update]

The CSV import itself lives in `bot.imports.facilities_csv` (its names are re-exported here); this module
holds the generator and the command line.

Generated facilities sit at real California ZIP/city/county combinations (the offline `zipcodes`
data, STANDARD ZIPs only), each with an active Lead User whose password nobody knows (they must reset
it). About 10 % get a second Lead User; about 3 % have a Lead User who left the business (their
`facility_roles.ended_at` is set), so access requests there go to the CUPA inspector.
"""
from __future__ import annotations

import argparse
import random
import re
import secrets
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.errors import ServiceError
from bot.imports.facilities_csv import (  # noqa: F401  (re-exported: the import's names as they always were)
    CSV_COLUMNS,
    REQUIRED_COLUMNS,
    ImportResult,
    ImportRow,
    RowError,
    import_facilities_csv,
    parse_csv,
    validate_rows,
)
from bot.models import Facility, FacilityRole, User
from bot.review.cupas import assign_cupas

CERS_ID_MIN = 10000001
CERS_ID_MAX = 29999999
GENERATED_CERS_START = 10100000  # generated IDs are spread upward from here
SECOND_LEAD_SHARE = 0.10
LEAD_LEFT_SHARE = 0.03
MAX_GENERATE = 200_000
_CHUNK = 500  # rows per IN (...) lookup


# --------------------------------------------------------------------------------------------------
# Reference data for generated facilities
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaZip:
    zip: str
    city: str
    county: str
    area_codes: tuple[str, ...]


@lru_cache(maxsize=1)
def california_zips() -> tuple[CaZip, ...]:
    """Active STANDARD (street-delivery) California ZIPs with their USPS city and county, sorted by ZIP."""
    import zipcodes

    from bot import geo

    rows = []
    for z in zipcodes.filter_by(state="CA"):
        if z.get("zip_code_type") != "STANDARD" or not z.get("active", True):
            continue
        cities = geo.cities_for_zip(z["zip_code"])  # USPS primary city first, spelled as bot.geo spells it
        if cities:
            rows.append(CaZip(z["zip_code"], cities[0], geo.county_for_zip(z["zip_code"]) or "",
                              tuple(z.get("area_codes") or ())))
    rows.sort(key=lambda r: r.zip)
    return tuple(rows)


_PLACES = (  # not tied to one region, so they fit any city; the city or county name is used as well
    "Valley", "Golden State", "Mission", "Sunset", "Oak Grove", "Sun Country", "Foothill", "Canyon", "Westside",
    "Eastside", "Northgate", "Summit", "Vista", "Cypress", "Orchard", "Tri-County", "Golden West", "Hometown",
    "Main Street", "Citywide", "Pioneer", "Liberty", "Heritage", "Eagle", "All Star", "Crossroads", "Parkside",
    "Lakeside", "Highland", "Twin Oaks", "Willow Creek", "Cedar Ridge", "Stonegate", "Brookside", "Sunrise",
)
_ADJECTIVES = ("Premier", "Quality", "Precision", "Reliable", "Express", "Classic", "Pro", "Elite", "Family",
               "Allied", "United", "American", "Superior", "Advanced", "First Choice")
_SPANISH = ("El Sol", "La Fiesta", "Los Compadres", "El Toro", "La Palma", "Las Brisas", "El Farolito",
            "La Estrella", "Don Pedro", "El Camino", "Jalisco", "Michoacana", "Guadalajara")

# (weight, kind, name templates). {last} {lasts} (possessive) {first} {place} {adj} {city} {spanish} {n} are filled in.
_BUSINESS_KINDS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (14, "auto repair", (
        "{last} Auto Repair", "{place} Auto Body", "{lasts} Transmission", "{city} Smog & Tune",
        "{place} Collision Center", "{last} Brothers Automotive", "{adj} Tire & Brake", "{first}'s Auto Service",
        "{adj} Auto Care", "{place} Truck & Diesel Repair", "{last} Muffler & Brake")),
    (7, "dry cleaner", (
        "{place} Cleaners", "{last} Dry Cleaning", "{adj} Cleaners", "{city} Laundry & Dry Cleaners",
        "{first}'s Fine Cleaners", "{place} Garment Care")),
    (10, "farm", (
        "{last} Family Farms", "{last} Ranch", "{place} Orchards", "{last} Dairy", "{place} Growers",
        "{last} Farming Co.", "{place} Citrus", "{last} & Sons Farms", "{place} Almond Ranch",
        "{last} Cattle Co.", "{place} Nut Company")),
    (4, "pool supply", (
        "{place} Pool Supply", "{last} Pool & Spa", "{city} Pool Service", "{adj} Pool Supplies",
        "{place} Pool & Patio")),
    (12, "restaurant", (
        "Taqueria {spanish}", "{lasts} Pizzeria", "{place} Grill", "{place} Brewing Company", "{lasts} Burgers",
        "{spanish} Restaurant", "{place} Taproom", "{lasts} Diner", "{city} Noodle House", "{place} Bistro",
        "{lasts} Bar & Grill", "{place} Sushi")),
    (10, "gas station", (
        "{place} Fuel Stop", "{last} Gas & Mart", "{city} Fuel Center #{n}", "{adj} Gas & Food Mart",
        "{place} Travel Center", "{spanish} Gas Station", "{place} Mini Mart & Fuel")),
    (6, "dental office", (
        "{place} Dental Group", "{last} Family Dentistry", "{city} Smiles Dental", "{first} {last}, DDS",
        "{place} Orthodontics", "{adj} Dental Care")),
    (4, "print shop", (
        "{place} Printing", "{last} Print & Copy", "{city} Graphics & Printing", "{adj} Printing Services",
        "{place} Screen Printing")),
    (7, "machine shop", (
        "{last} Machine Works", "{place} Precision Machining", "{last} Tool & Die", "{place} Metal Fabrication",
        "{adj} Welding & Fabrication", "{last} Manufacturing", "{place} Plating")),
    (5, "nursery", (
        "{place} Nursery", "{lasts} Garden Center", "{place} Landscape Supply", "{last} Wholesale Nursery",
        "{place} Feed & Garden")),
    (5, "winery", (
        "{last} Family Winery", "{place} Cellars", "{last} Vineyards & Winery", "{place} Wine Company",
        "{last} Estate Winery")),
    (4, "veterinary", ("{place} Veterinary Hospital", "{last} Animal Clinic", "{city} Pet Hospital")),
    (4, "hardware", ("{place} Hardware", "{last} Lumber & Hardware", "{city} Building Supply",
                     "{adj} Paint & Supply")),
    (3, "public works", ("City of {city} Corporation Yard", "{city} Water Treatment Plant",
                         "{city} Wastewater Treatment Plant", "{place} Water District Well {n}")),
    (3, "telecom", ("{place} Telecom Site {code}", "Cell Site {code} {city}")),
    (2, "cold storage", ("{place} Cold Storage", "{last} Ice Company", "{place} Produce Cooling")),
    (2, "pest control", ("{place} Pest Control", "{last} Termite & Pest")),
    (2, "photo lab", ("{place} Photo Lab", "{city} Imaging Center")),
    (2, "medical", ("{place} Medical Clinic", "{place} Urgent Care", "{city} Surgery Center")),
    (2, "school", ("{city} Unified School District Maintenance Yard", "{place} High School", "{place} Elementary School")),
)
_KIND_WEIGHTS = tuple(k[0] for k in _BUSINESS_KINDS)
_ENTITY_SUFFIXES = (", Inc.", " LLC", " Inc.", ", LLC", " Co.")

_STREET_NAMES = (
    "Main", "Oak", "Shaw", "Blackstone", "Mission", "Broadway", "Figueroa", "Sepulveda", "Ventura", "Santa Rosa",
    "Industrial", "Commerce", "Airport", "Olive", "Pine", "Elm", "Walnut", "Washington", "Jefferson", "Lincoln",
    "Grand", "Palm", "Foothill", "Valley View", "Harbor", "University", "Cedar", "Chestnut", "Maple", "Sycamore",
    "Magnolia", "Orange", "Lemon", "Vineyard", "Almond", "Orchard", "Railroad", "Center", "Market", "Church",
    "Park", "Lake", "River", "Hillcrest", "Highland", "Sunset", "Victory", "Imperial", "Alameda", "Santa Fe",
    "San Pablo", "Stevens Creek", "Kings Canyon", "Cedar Hollow", "Mountain View", "Willow", "Laurel", "Madrone",
    "Manzanita", "Redwood", "Juniper", "Cypress", "Poplar", "Sierra", "Fremont", "Kearny", "Adams", "Madison",
    "Monroe", "Garfield", "Cherry", "Peach", "Fig Garden", "Golden State", "Freeport", "Stockton", "Fruitridge",
    "Florin", "Power Inn", "Auburn", "Tully", "Capitol", "Hillsdale", "Bascom", "Winchester", "Lawrence",
    "La Cienega", "Crenshaw", "Vermont", "Western", "Atlantic", "Pacific", "Lakewood", "Bellflower", "Valley",
    "Rosecrans", "Imperial", "Euclid", "Brookhurst", "Beach", "Magnolia", "Harvard", "Yale", "Cajon", "Mira Mesa",
    "Convoy", "Palomar Airport", "Ramona", "Riverside", "Van Buren", "Arlington", "Baseline", "Foothill",
    "Citrus", "Ontario", "Etiwanda", "Haven", "Cherry Valley", "Bear Valley", "Rancho", "Ming", "Panama",
    "White", "Mount Vernon", "Coffee", "Oildale", "Golden", "Franklin", "Howe", "Watt", "Madison", "Sunrise",
)
_SUFFIXES = ("St", "Ave", "Blvd", "Rd", "Dr", "Way", "Ln", "Ct", "Pl", "Pkwy", "Hwy", "Cir")
_SUFFIX_WEIGHTS = (22, 26, 12, 18, 9, 5, 3, 2, 1, 1, 1, 1)
_ORDINALS = ("1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th", "11th", "12th", "14th",
             "16th", "18th", "20th", "24th")
_NAMED_ROADS = ("El Camino Real", "Pacific Coast Hwy", "Old Highway 99", "Old River Rd", "Camino Del Rio S")


# --------------------------------------------------------------------------------------------------
# Planning a generated set (pure: no database)
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlannedLead:
    full_name: str
    email: str
    phone: str


@dataclass(frozen=True)
class PlannedFacility:
    cers_id: str
    name: str
    street: str
    street_number: str
    city: str
    zip: str
    county: str
    leads: tuple[PlannedLead, ...]
    lead_left: bool  # every lead role of this facility has ended: access requests go to the inspector

    @property
    def address(self) -> str:
        return f"{self.street}, {self.city}, CA {self.zip}"


def _street_number(rng: random.Random) -> str:
    digits = rng.choices((1, 2, 3, 4, 5), weights=(3, 12, 35, 44, 6))[0]
    low = 1 if digits == 1 else 10 ** (digits - 1)
    return str(rng.randint(low, 10 ** digits - 1))


def _street_name(rng: random.Random, surname: str) -> str:
    roll = rng.random()
    if roll < 0.03:
        return rng.choice(_NAMED_ROADS)
    prefix = rng.choice(("N ", "S ", "E ", "W ")) if rng.random() < 0.22 else ""
    if roll < 0.12:
        base = rng.choice(_ORDINALS)
    elif roll < 0.22:
        base = surname
    else:
        base = rng.choice(_STREET_NAMES)
    suffix = rng.choices(_SUFFIXES, weights=_SUFFIX_WEIGHTS)[0]
    return f"{prefix}{base} {suffix}"


def _business_name(rng: random.Random, first: str, last: str, city: str, county: str) -> str:
    _weight, kind, templates = rng.choices(_BUSINESS_KINDS, weights=_KIND_WEIGHTS)[0]
    roll = rng.random()
    place = city if roll < 0.25 else f"{county} County" if roll < 0.32 and county else rng.choice(_PLACES)
    name = rng.choice(templates).format(
        last=last, lasts=f"{last}'" if last.endswith("s") else f"{last}'s", first=first, place=place, adj=rng.choice(_ADJECTIVES), city=city,
        spanish=rng.choice(_SPANISH), n=rng.randint(1, 40),
        code=f"{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.randint(100, 9999)}",
    )
    if kind not in ("public works", "school", "telecom", "dental office") and rng.random() < 0.15:
        name += rng.choice(_ENTITY_SUFFIXES)
    from bot.services.facilities import NAME_MAX

    return name if len(name) <= NAME_MAX else f"{last} {kind.title()}"[:NAME_MAX]


def _slug(text: str, limit: int = 24) -> str:
    slug = re.sub(r"[^a-z0-9]+", "", text.lower())
    return slug[:limit] or "facility"


def _email(first: str, last: str, business: str, taken: set[str]) -> str:
    local = re.sub(r"[^a-z0-9.]+", "", f"{first}.{last}".lower()).strip(".") or "lead"
    domain = f"{_slug(business)}.example.com"  # RFC 2606 domain: mail to generated people goes nowhere real
    email, n = f"{local}@{domain}", 1
    while email in taken:
        n += 1
        email = f"{local}{n}@{domain}"
    taken.add(email)
    return email


def _phone(rng: random.Random, area_codes: Sequence[str]) -> str:
    area = rng.choice(area_codes) if area_codes else rng.choice(("209", "415", "559", "661", "916"))
    return f"({area}) 555-01{rng.randint(0, 99):02d}"  # 555-0100..0199: reserved for fiction


def plan_facilities(
    count: int,
    seed: int,
    taken_cers_ids: Iterable[str] = (),
    taken_emails: Iterable[str] = (),
) -> list[PlannedFacility]:
    """The facilities `generate` would add, decided only by `seed` and what is already taken."""
    from faker import Faker

    if count < 1 or count > MAX_GENERATE:
        raise ServiceError(f"--count must be between 1 and {MAX_GENERATE}; got {count}.", field="count")
    taken_ids = {int(c) for c in taken_cers_ids if str(c).isdigit()}
    emails = {e.lower() for e in taken_emails}
    # A database that already holds facilities gets a different (still reproducible) set, not copies.
    rng = random.Random(f"cers-seed:{seed}:{len(taken_ids)}")
    fake = Faker("en_US")
    fake.seed_instance(rng.randrange(2**32))
    zips = california_zips()

    cers_ids = _allocate_cers_ids(rng, count, taken_ids)
    second_lead = set(rng.sample(range(count), round(count * SECOND_LEAD_SHARE)))
    lead_left = set(rng.sample(range(count), round(count * LEAD_LEFT_SHARE)))

    planned: list[PlannedFacility] = []
    for i, cers_id in enumerate(cers_ids):
        z = rng.choice(zips)
        owner_first, owner_last = fake.first_name(), fake.last_name()
        name = _business_name(rng, owner_first, owner_last, z.city, z.county)
        number = _street_number(rng)
        street = f"{number} {_street_name(rng, fake.last_name())}"
        leads = [PlannedLead(f"{owner_first} {owner_last}", _email(owner_first, owner_last, name, emails),
                             _phone(rng, z.area_codes))]
        if i in second_lead:
            first, last = fake.first_name(), fake.last_name()
            leads.append(PlannedLead(f"{first} {last}", _email(first, last, name, emails), _phone(rng, z.area_codes)))
        planned.append(PlannedFacility(
            cers_id=str(cers_id), name=name, street=street, street_number=number, city=z.city, zip=z.zip,
            county=z.county, leads=tuple(leads), lead_left=i in lead_left,
        ))
    return planned


def _allocate_cers_ids(rng: random.Random, count: int, taken: set[int]) -> list[int]:
    """`count` unused CERS IDs, spread upward (random gaps) above the highest generated-range ID in use."""
    in_band = [t for t in taken if GENERATED_CERS_START <= t <= CERS_ID_MAX]
    current = max(in_band) if in_band else GENERATED_CERS_START - 1
    if current + count * 40 > CERS_ID_MAX:  # the top of the range is used: fill gaps from the bottom
        current = GENERATED_CERS_START - 1
    ids: list[int] = []
    while len(ids) < count:
        current += rng.randint(1, 39)
        if current > CERS_ID_MAX:
            raise ServiceError("No free CERS IDs are left in the generated range (10100000-29999999).")
        if current not in taken:
            ids.append(current)
    return ids


# --------------------------------------------------------------------------------------------------
# Writing a generated set
# --------------------------------------------------------------------------------------------------

@dataclass
class GenerateResult:
    seed: int
    facilities: list[PlannedFacility]
    users_created: int
    seconds: float


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _ids_by(db: Session, column, id_column, values: Sequence[str]) -> dict[str, int]:  # type: ignore[no-untyped-def]
    found: dict[str, int] = {}
    for chunk in _chunks(list(values)):
        for value, row_id in db.execute(select(column, id_column).where(column.in_(chunk))):
            found[value] = row_id
    return found


def unusable_password_hash() -> str:
    """An argon2 hash of a random secret nobody keeps: the account exists but needs a password reset."""
    from bot.passwords import hash_password

    return hash_password(secrets.token_urlsafe(32))


def generate_facilities(
    db: Session, count: int, seed: Optional[int] = None, actor: Optional[Actor] = None
) -> GenerateResult:
    """Add `count` generated facilities with their Lead Users in the caller's transaction (bulk inserts)."""
    from bot import audit

    started = time.monotonic()
    if seed is None:
        seed = secrets.randbelow(1_000_000)
    taken_ids = db.execute(select(Facility.cers_id)).scalars().all()
    taken_emails = db.execute(select(User.email)).scalars().all()
    planned = plan_facilities(count, seed, taken_ids, taken_emails)

    now = datetime.now(timezone.utc)
    password_hash = unusable_password_hash()  # one hash for all: argon2 is deliberately slow
    users = [
        dict(email=lead.email, full_name=lead.full_name, phone=lead.phone, password_hash=password_hash,
             status="active", is_inspector=False, is_staff=False, failed_logins=0, created_at=now, activated_at=now)
        for f in planned for lead in f.leads
    ]
    db.execute(insert(User.__table__), users)
    facilities = [
        dict(cers_id=f.cers_id, name=f.name, street=f.street, street_number=f.street_number, city=f.city,
             zip=f.zip, county=f.county, created_at=now, created_by_user_id=None)
        for f in planned
    ]
    db.execute(insert(Facility.__table__), facilities)
    user_ids = _ids_by(db, User.email, User.id, [u["email"] for u in users])
    facility_ids = _ids_by(db, Facility.cers_id, Facility.id, [f.cers_id for f in planned])
    roles = [
        dict(user_id=user_ids[lead.email], facility_id=facility_ids[f.cers_id], role="lead", granted_at=now,
             granted_by_user_id=None, ended_at=now if f.lead_left else None)
        for f in planned for lead in f.leads
    ]
    db.execute(insert(FacilityRole.__table__), roles)
    assign_cupas(db, facility_ids.values())  # every facility belongs to the CUPA of its city or county
    audit.record(
        db, actor or Actor.system("cli"), "facility.import", "facility", None,
        source="generated", count=len(planned), seed=seed, users_created=len(users),
        first_cers_id=planned[0].cers_id, last_cers_id=planned[-1].cers_id,
    )
    db.flush()
    return GenerateResult(seed=seed, facilities=planned, users_created=len(users),
                          seconds=time.monotonic() - started)


# --------------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------------

def _database_label() -> str:
    from sqlalchemy.engine import make_url

    from bot.config import get_settings

    return make_url(get_settings().database_url).render_as_string(hide_password=True)


def _print_schema_hint(exc: Exception) -> int:
    print(f"The database is not ready ({type(exc).__name__}: {str(exc).splitlines()[0]}).\n"
          "Create or upgrade it first:  python -m bot.manage migrate", file=sys.stderr)
    return 2


def cmd_generate(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from bot.db import session_scope

    try:
        with session_scope() as db:
            result = generate_facilities(db, args.count, seed=args.seed)
    except (OperationalError, ProgrammingError) as exc:
        return _print_schema_hint(exc)
    except ServiceError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    left = sum(1 for f in result.facilities if f.lead_left)
    two = sum(1 for f in result.facilities if len(f.leads) > 1)
    print(f"Added {len(result.facilities)} facilities and {result.users_created} Lead Users to {_database_label()} "
          f"in {result.seconds:.1f} s (seed {result.seed}; rerun with --seed {result.seed} on an empty database "
          "for the same set).")
    print(f"  {two} facilities have two Lead Users; at {left} the Lead User has left (access requests go to "
          "the CUPA inspector).")
    print("  Lead Users have no known password: they sign in after a password reset.")
    print("Try searching for one of these:")
    samples = [f for f in result.facilities if not f.lead_left][:2] + [f for f in result.facilities if f.lead_left][:1]
    for f in samples:
        note = "  (Lead User left: access requests go to the inspector)" if f.lead_left else ""
        print(f"  CERS ID {f.cers_id}  {f.name}  {f.address}{note}")
    return 0


def cmd_import_csv(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

    from bot.db import session_scope

    try:
        with session_scope() as db:
            result = import_facilities_csv(db, Path(args.file), update=args.update, dry_run=args.dry_run)
            if not result.ok or args.dry_run:
                db.rollback()
    except (OperationalError, ProgrammingError) as exc:
        return _print_schema_hint(exc)
    except IntegrityError as exc:
        print("Nothing was imported: another change to the same facilities or users happened at the same time "
              f"({str(exc.orig).splitlines()[0]}). Run the import again.", file=sys.stderr)
        return 1
    except ServiceError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    for warning in result.warnings:
        print(f"Note: {warning}")
    if not result.ok:
        print(f"Nothing was imported: {len(result.errors)} problem(s) in {args.file}. Fix them and run again.",
              file=sys.stderr)
        for error in result.errors:
            print(f"  {error}", file=sys.stderr)
        return 1
    verb = "Would import" if args.dry_run else "Imported"
    print(f"{verb} {len(result.rows)} facilities from {args.file}: {result.created} new, {result.updated} updated; "
          f"{result.users_created} new Lead User account(s) (each emailed an invitation to choose a password), "
          f"{result.roles_added} Lead User role(s) given.")
    if args.dry_run:
        print("Dry run: nothing was stored.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.seed", description="Load existing facilities.")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="add a realistic generated set of California facilities")
    gen.add_argument("--count", type=int, default=2500, help="how many facilities (default 2500)")
    gen.add_argument("--seed", type=int, default=None, help="same seed + empty database = same facilities")
    gen.set_defaults(func=cmd_generate)
    imp = sub.add_parser("import-csv", help="import a real list of facilities from a CSV file",
                         description="Header row: " + ",".join(CSV_COLUMNS) + " (lead_* optional).")
    imp.add_argument("file", help="path of the CSV file")
    imp.add_argument("--dry-run", action="store_true", help="check the file and report, store nothing")
    imp.add_argument("--update", action="store_true",
                     help="a CERS ID already in the database gets the file's name and address (else: an error)")
    imp.set_defaults(func=cmd_import_csv)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
