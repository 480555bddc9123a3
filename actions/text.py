"""Reading what people type: password look-alikes, CERS IDs and street numbers inside free text."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

# One rule for "is this a password?", in bot/ so every channel and engine uses the same one.
from bot.validation import looks_like_password  # noqa: F401  (re-exported for the actions)

_EMAIL_RE = re.compile(r"[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+")


def strip_contact_details(text: str) -> str:
    """`text` without email addresses ("Ana Lopez, ana@x.com" -> "Ana Lopez")."""
    return " ".join(_EMAIL_RE.sub(" ", text).replace(" ,", ",").split()).strip(" ,;-")


_LEADS = re.compile(
    r"^\s*(?:(?:it'?s|it is|its|that'?s|the|our|my|cers(?:\s*id)?|id|number|no\.?|#|is|:|we'?re at|we are at|"
    r"at|located at|address is|the address is|address)\s*)+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FacilityQuery:
    """What a search reply asked for: kind 'cers_id' (value = the digits as typed) or 'address'."""

    kind: str
    value: str
    street: Optional[str] = None
    city: Optional[str] = None


def _entity(entities: list[dict[str, Any]], name: str, *, last: bool = False) -> Optional[str]:
    found = [str(ent["value"]) for ent in entities or [] if ent.get("entity") == name and ent.get("value")]
    if not found:
        return None
    return found[-1] if last else found[0]


def parse_facility_query(text: str, entities: Optional[list[dict[str, Any]]] = None) -> Optional[FacilityQuery]:
    """Read a reply to "CERS ID or street number?".

    A number-ish first token of 6+ characters is taken as a CERS ID attempt (checked later by
    normalize_cers_id, so "1023456" or "10234x67" get the wrong-shape message); a shorter number is a
    street number, optionally followed by the street and ", city" / "in city".
    """
    entities = entities or []
    body = _LEADS.sub("", text or "").strip().rstrip(".!")
    compact = re.sub(r"[\s\-]", "", body)
    tokens = body.split()
    # "10234567", "1023 4567", "10-234-567": only digits -> a CERS ID attempt when 6+ digits in all;
    # one mostly-digit token with a slip ("10234x67") too. "98765 Harbor Blvd" is an address.
    if (tokens and all(re.fullmatch(r"[\d\-]+", t) for t in tokens) and re.fullmatch(r"\d{6,}", compact)) or (
        len(tokens) == 1 and len(compact) >= 7 and re.fullmatch(r"[0-9A-Za-z]+", compact)
        and sum(c.isdigit() for c in compact) >= 5
    ):
        return FacilityQuery("cers_id", compact)
    cers = _entity(entities, "cers_id")
    if cers:
        return FacilityQuery("cers_id", cers)
    match = re.match(r"^(\d{1,6}[A-Za-z]?)\b[\s,]*(.*)$", body)
    if not match:
        number = _entity(entities, "street_number")
        if not number:
            return None
        return FacilityQuery("address", number, city=_entity(entities, "city"))
    number, rest = match.group(1), match.group(2).strip()
    city = _entity(entities, "city", last=True)  # the city ends an address; "Camino" in "camino del rio" is a street
    street = rest
    if city:
        street = re.sub(rf"[\s,]*(?:\bin\b)?[\s,]*{re.escape(city)}\b.*$", "", street, flags=re.IGNORECASE)
    else:
        parts = re.split(r",|\bin\b", street, maxsplit=1)
        if len(parts) == 2:
            street, city = parts[0], parts[1].strip(" ,.") or None
    street = re.sub(r"\b(ca|california)\b\.?\s*\d{0,5}$", "", street.strip(" ,."), flags=re.IGNORECASE).strip(" ,.")
    return FacilityQuery("address", number, street=street or None, city=city)
