"""Facilities: find one (by CERS ID or street number), add a new one (new CERS ID, creator is Lead User),
and the user-facility roles (Lead User, user)."""
from __future__ import annotations

import re
import secrets
from typing import Optional

from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import audit, geo
from bot.actor import Actor
from bot.errors import NotFound, PermissionDenied, ServiceError, ValidationError
from bot.models import Facility, FacilityRole, User
from bot.review.cupas import assign_cupas
from bot.timeutil import utcnow
from bot.validation import check_city_zip, clean_text, normalize_cers_id, parse_ca_zip

FIRST_CERS_ID = 10000001
LAST_CERS_ID = 29999999
NAME_MAX = 70
ROLE_LABELS = {"lead": "Lead User", "user": "user"}

# Street words that mean the same thing, mapped to one spelling (USPS abbreviations).
_STREET_WORDS = {
    "street": "st", "str": "st", "avenue": "ave", "av": "ave", "boulevard": "blvd", "boul": "blvd",
    "road": "rd", "drive": "dr", "lane": "ln", "court": "ct", "place": "pl", "highway": "hwy",
    "parkway": "pkwy", "circle": "cir", "terrace": "ter", "square": "sq", "expressway": "expy",
    "freeway": "fwy", "trail": "trl", "mount": "mt", "saint": "st", "center": "ctr", "centre": "ctr",
    "north": "n", "south": "s", "east": "e", "west": "w",
    "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
}
_DIRECTIONS = {"n", "s", "e", "w", "ne", "nw", "se", "sw"}
_SUFFIXES = {"st", "ave", "blvd", "rd", "dr", "ln", "ct", "pl", "hwy", "pkwy", "cir", "ter", "sq",
             "expy", "fwy", "trl", "way"}
_UNIT_WORDS = {"suite", "ste", "unit", "apt", "bldg", "building", "fl", "floor", "rm", "room", "#", "spc", "space"}
_STREET_RE = re.compile(r"^(\d+[A-Za-z]?(?:-\d+[A-Za-z]?)?)\s+(\S.*)$")
_PO_BOX_RE = re.compile(r"\b(p\.?\s*o\.?\s*box|post\s+office\s+box|pob)\b", re.IGNORECASE)


# --- address helpers ---------------------------------------------------------------------------------


def _words(s: str) -> list[str]:
    """Lower-cased address words with abbreviations unified; a unit (Suite 4, #B) and what follows dropped."""
    words: list[str] = []
    for raw in re.sub(r"#", " # ", s.lower()).replace(",", " ").replace(".", " ").split():
        if raw in _UNIT_WORDS:
            break
        words.append(_STREET_WORDS.get(raw, raw))
    return words


def split_street(street: str) -> tuple[str, str]:
    """("1234 W Shaw Ave") -> ("1234", "W Shaw Ave"); ValidationError when it does not start with a number."""
    line = " ".join((street or "").split())
    if not line:
        raise ValidationError("Please give the street address, like 1234 W Shaw Ave.", field="street")
    if _PO_BOX_RE.search(line):
        raise ValidationError(
            "A facility's address must be where the site is: please give the street address "
            "(like 1234 W Shaw Ave), not a P.O. Box.",
            field="street",
        )
    match = _STREET_RE.match(line)
    if not match:
        raise ValidationError(
            f"“{line}” doesn't start with a street number. Please give the full street address, "
            "like 1234 W Shaw Ave.",
            field="street",
        )
    return match.group(1).upper(), match.group(2)


def street_key(street: str) -> Optional[tuple[str, str]]:
    """(number, first street-name word) used to spot the same address typed two ways; None if unparseable."""
    try:
        number, rest = split_street(street)
    except ValidationError:
        return None
    words = _words(rest)
    names = [w for w in words if w not in _DIRECTIONS] or words
    if len(names) > 1 and names[-1] in _SUFFIXES:
        names = names[:-1]
    return (number, names[0]) if names else None


def _tidy_case(s: str) -> str:
    return s.title() if s.isupper() or s.islower() else s


# --- reads -------------------------------------------------------------------------------------------


def get_facility(db: Session, facility_id: int) -> Facility:
    facility = db.get(Facility, facility_id)
    if facility is None:
        raise NotFound("I can't find that facility any more. Please search for it again.")
    return facility


def find_by_cers_id(db: Session, cers_id: str) -> Optional[Facility]:
    """The facility with this CERS ID, or None. ValidationError when `cers_id` is not a CERS ID."""
    cid = normalize_cers_id(cers_id)
    return db.execute(select(Facility).where(Facility.cers_id == cid)).scalar_one_or_none()


def search_by_address(
    db: Session,
    street_number: str,
    street: Optional[str] = None,
    city: Optional[str] = None,
    limit: int = 10,
) -> list[Facility]:
    """Facilities whose street number is exactly `street_number`, narrowed by street-name words
    (case-insensitive, "Avenue" = "Ave") and by city, ordered by name; when those words match nothing,
    every facility at that street number, the closest to the words given first."""
    number = (street_number or "").strip().upper()
    if not re.fullmatch(r"\d+[A-Z]?(?:-\d+[A-Z]?)?", number):
        raise ValidationError(
            f"“{(street_number or '').strip()}” isn't a street number. Give just the number part of the "
            "address, like 1234 for 1234 W Shaw Ave.",
            field="street_number",
        )
    found = _search_strict(db, number, street, city, limit)
    if found or not ((street and street.strip()) or (city and city.strip())):
        return found
    return _search_relaxed(db, number, street, city, limit)


def _search_relaxed(db: Session, number: str, street: Optional[str], city: Optional[str], limit: int) -> list[Facility]:
    """Nothing matched every word given: people misspell streets and mix street words with the city
    ("2345 camino del rio s mojave"), so show the facilities at that street number, closest first."""
    candidates = db.execute(select(Facility).where(Facility.street_number == number).limit(500)).scalars().all()
    wanted = set(_words(street or "")) - {number.lower()} - _DIRECTIONS - set(_SUFFIXES)
    canonical = (geo.normalize_city(city) if city else None) or " ".join((city or "").split())

    def score(f: Facility) -> tuple[float, str, str]:
        have = set(_words(f.street)) | set(_words(f.city))
        overlap = len(wanted & have) / len(wanted) if wanted else 0.0
        same_city = 1.0 if canonical and f.city.lower() == canonical.lower() else 0.0
        return (-(overlap + same_city), f.name, f.cers_id)

    return sorted(candidates, key=score)[: max(1, min(int(limit), 100))]


def _search_strict(db: Session, number: str, street: Optional[str], city: Optional[str], limit: int) -> list[Facility]:
    stmt = select(Facility).where(Facility.street_number == number)
    if street and street.strip():
        words = _words(street)
        if words and words[0] == number.lower():
            words = words[1:]
        meaningful = [w for w in words if w not in _DIRECTIONS and w not in _SUFFIXES] or words
        for word in meaningful:
            pattern = f"%{word.replace('%', '').replace('_', '')}%"
            variants = [pattern] + [f"%{long}%" for long, short in _STREET_WORDS.items() if short == word]
            stmt = stmt.where(or_(*[func.lower(Facility.street).like(v) for v in variants]))
    if city and city.strip():
        canonical = geo.normalize_city(city) or " ".join(city.split())
        stmt = stmt.where(func.lower(Facility.city) == canonical.lower())
    stmt = stmt.order_by(Facility.name, Facility.cers_id).limit(max(1, min(int(limit), 100)))
    return list(db.execute(stmt).scalars().all())


def address_matches(db: Session, street: str, city: str, zip: str) -> list[Facility]:  # noqa: A002
    """Existing facilities at the same address (same number and street name, same ZIP or city)."""
    key = street_key(street)
    if key is None:
        return []
    zip5 = (zip or "").strip()[:5]
    city_name = " ".join((city or "").split()).lower()
    conditions = []
    if zip5:
        conditions.append(Facility.zip.like(f"{zip5}%"))
    if city_name:
        conditions.append(func.lower(Facility.city) == city_name)
    stmt = select(Facility).where(Facility.street_number == key[0])
    if conditions:
        stmt = stmt.where(or_(*conditions))
    candidates = db.execute(stmt.order_by(Facility.name)).scalars().all()
    return [f for f in candidates if street_key(f.street) == key]


def facilities_for_user(db: Session, user_id: int) -> list[Facility]:
    """Facilities where the user holds an active role (Lead User or user), ordered by name."""
    stmt = (
        select(Facility)
        .join(FacilityRole, FacilityRole.facility_id == Facility.id)
        .where(FacilityRole.user_id == user_id, FacilityRole.ended_at.is_(None))
        .order_by(Facility.name)
    )
    return list(db.execute(stmt).scalars().all())


def role_of(db: Session, user_id: int, facility_id: int) -> Optional[str]:
    """'lead' or 'user' when the user holds an active role on the facility, else None."""
    return db.execute(
        select(FacilityRole.role).where(
            FacilityRole.user_id == user_id,
            FacilityRole.facility_id == facility_id,
            FacilityRole.ended_at.is_(None),
        )
    ).scalar_one_or_none()


def require_role(db: Session, user_id: Optional[int], facility_id: int, roles: tuple[str, ...] = ("lead", "user")) -> str:
    """The user's role on the facility; PermissionDenied when they have none (or not one of `roles`)."""
    facility = get_facility(db, facility_id)
    role = role_of(db, user_id, facility_id) if user_id is not None else None
    if role is None:
        raise PermissionDenied(
            f"You don't have access to {facility.name} (CERS ID {facility.cers_id}) yet. "
            "I can send an access request to its Lead User."
        )
    if role not in roles:
        needed = " or ".join(ROLE_LABELS.get(r, r) for r in roles)
        raise PermissionDenied(
            f"Only a {needed} of {facility.name} (CERS ID {facility.cers_id}) can do this; "
            f"you are a {ROLE_LABELS.get(role, role)}. Please ask the facility's Lead User."
        )
    return role


def active_lead_users(db: Session, facility_id: int) -> list[User]:
    """Lead Users still with the business (role not ended) whose account is active."""
    stmt = (
        select(User)
        .join(FacilityRole, FacilityRole.user_id == User.id)
        .where(
            FacilityRole.facility_id == facility_id,
            FacilityRole.role == "lead",
            FacilityRole.ended_at.is_(None),
            User.status == "active",
        )
        .order_by(User.id)
    )
    return list(db.execute(stmt).scalars().all())


# --- create ------------------------------------------------------------------------------------------


def _next_cers_id(db: Session) -> str:
    current = db.execute(
        select(func.max(Facility.cers_id)).where(
            and_(Facility.cers_id >= str(FIRST_CERS_ID), Facility.cers_id <= str(LAST_CERS_ID),
                 func.length(Facility.cers_id) == 8)
        )
    ).scalar_one_or_none()
    number = int(current) + 1 if current else FIRST_CERS_ID
    if number > LAST_CERS_ID:
        raise ServiceError("No CERS ID is left to give. Please contact the CUPA.")
    return f"{number:08d}"


def _lock_cers_ids(db: Session) -> None:
    """Serialise CERS ID allocation. PostgreSQL: a transaction advisory lock. SQLite: the facility row
    already inserted holds the database write lock until commit."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(827100001)"))


def validate_facility_fields(name: str, street: str, city: str, zip: str) -> dict[str, str]:  # noqa: A002
    """Clean name/street/city/zip (+ street_number, county) or ValidationError naming the field."""
    clean_name = clean_text(name, field="name", label="facility name", max_len=NAME_MAX)
    if not any(ch.isalnum() for ch in clean_name):
        raise ValidationError("Please give the facility's name, like “Valley Auto Repair”.", field="name")
    number, rest = split_street(street)
    line = f"{number} {_tidy_case(rest)}"
    if len(line) > 140:
        raise ValidationError("The street address can have at most 140 characters. Please shorten it.", field="street")
    zip5 = parse_ca_zip(zip)
    canonical_city = check_city_zip(city, zip5)
    return {
        "name": clean_name,
        "street": line,
        "street_number": number,
        "city": canonical_city,
        "zip": zip5,
        "county": geo.county_for_zip(zip5) or "",
    }


def create_facility(db: Session, actor: Actor, name: str, street: str, city: str, zip: str) -> Facility:  # noqa: A002
    """Add a facility with a new CERS ID; the actor's subject user becomes its Lead User.

    A system actor without a user (imports) creates the facility without a Lead User.
    """
    fields = validate_facility_fields(name, street, city, zip)
    lead_id = actor.subject_user_id
    if lead_id is None and actor.role != "system":
        raise PermissionDenied("Please log in first: a new facility needs a Lead User.")
    if lead_id is not None:
        lead = db.get(User, lead_id)
        if lead is None or lead.status == "disabled":
            raise PermissionDenied("Your account can't add facilities. Please contact your CUPA for help.")

    facility = Facility(
        cers_id="~" + secrets.token_hex(4),  # placeholder until the real ID is chosen below
        name=fields["name"], street=fields["street"], street_number=fields["street_number"],
        city=fields["city"], zip=fields["zip"], county=fields["county"] or None,
        created_at=utcnow(), created_by_user_id=lead_id,
    )
    db.add(facility)
    db.flush()
    _lock_cers_ids(db)
    for _attempt in range(5):
        candidate = _next_cers_id(db)
        try:
            with db.begin_nested():
                facility.cers_id = candidate
                db.flush()
            break
        except IntegrityError:
            continue
    else:
        raise ServiceError("I couldn't give the facility a CERS ID just now. Please try again.")

    assign_cupas(db, [facility.id])  # the CUPA of its city or county reviews it
    if lead_id is not None:
        db.add(FacilityRole(user_id=lead_id, facility_id=facility.id, role="lead",
                            granted_at=utcnow(), granted_by_user_id=actor.user_id))
        db.flush()
    audit.record(db, actor, "facility.create", "facility", facility.id,
                 cers_id=facility.cers_id, name=facility.name, address=facility.address,
                 county=facility.county, lead_user_id=lead_id)
    return facility
