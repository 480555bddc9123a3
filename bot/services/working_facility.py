"""Which facility a user is working on: their facilities with the most recently worked-on first, and
"switch to the Fresno site" resolved against the facilities they hold a role on (never any other)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot import geo
from bot.models import AuditEvent, Facility
from bot.services import facilities

_RECENT_EVENTS = 300
_FILLER = {
    "switch", "to", "the", "site", "facility", "location", "shop", "store", "plant", "yard", "one", "our",
    "my", "work", "on", "other", "change", "go", "now", "do", "lets", "let's", "let", "us", "please", "at",
    "in", "instead", "i", "want", "wanna", "need", "can", "we", "move", "over", "back", "place", "office",
    "branch", "for", "a", "an", "of", "and", "with", "next", "then", "that", "this", "pick", "use", "open",
}


@dataclass(frozen=True)
class FacilityChoice:
    facility: Facility
    role: str
    last_worked: bool  # the facility the user's most recent write was about


def _facility_of_event(event: AuditEvent) -> Optional[int]:
    details = event.details if isinstance(event.details, dict) else {}
    fid = details.get("facility_id")
    if isinstance(fid, int):
        return fid
    if event.entity_type == "facility" and event.entity_id and str(event.entity_id).isdigit():
        return int(event.entity_id)
    return None


def recent_facility_ids(db: Session, user_id: int) -> list[int]:
    """Facility ids the user (or staff on their behalf) last wrote about, most recent first."""
    events = db.execute(
        select(AuditEvent)
        .where(or_(AuditEvent.actor_user_id == user_id, AuditEvent.on_behalf_of_user_id == user_id))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(_RECENT_EVENTS)
    ).scalars()
    seen: list[int] = []
    for event in events:
        fid = _facility_of_event(event)
        if fid is not None and fid not in seen:
            seen.append(fid)
    return seen


def choices(db: Session, user_id: int) -> list[FacilityChoice]:
    """The user's facilities (active roles only): the last worked-on first, then by name."""
    mine = facilities.facilities_for_user(db, user_id)
    recent = recent_facility_ids(db, user_id)
    rank = {fid: i for i, fid in enumerate(recent)}
    mine.sort(key=lambda f: (rank.get(f.id, len(rank)), f.name.lower()))
    out = []
    for i, f in enumerate(mine):
        out.append(FacilityChoice(f, facilities.role_of(db, user_id, f.id) or "user", i == 0 and f.id in rank))
    return out


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9']+", (text or "").lower()) if w not in _FILLER]


def match(options: Sequence[Facility], text: str) -> list[Facility]:
    """The facilities among `options` that `text` points at: CERS ID, city, name words or street.

    An exact CERS ID or a city/name that fits one facility gives one; words shared by several give
    several (the caller asks which); nothing recognisable gives [].
    """
    digits = re.findall(r"\b[12]\d{7}\b", text or "")
    if digits:
        found = [f for f in options if f.cers_id in digits]
        if found:
            return found
    words = _words(text)
    if not words:
        return []
    phrase = " ".join(words)
    scored: list[tuple[int, Facility]] = []
    for f in options:
        score = 0
        city = (f.city or "").lower()
        if city and (city in phrase or (geo.normalize_city(phrase) or "").lower() == city):
            score += 3
        name_words = set(_words(f.name))
        score += 2 * len(name_words & set(words))
        street_words = set(_words(f.street))
        score += len(street_words & set(words))
        if score:
            scored.append((score, f))
    if not scored:
        return []
    best = max(s for s, _ in scored)
    return [f for s, f in scored if s == best]
