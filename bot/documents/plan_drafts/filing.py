"""What the drafted plans take from the facility's current filing, read through the services (so the role is
checked there): the facility, the Owner/Operator page (business phone, owner or operator, emergency
contacts with their 24-hour phones), the inventory lines with where each is stored, and the facility's CUPA
with its public contact. Reads only: nothing is created or changed here.

`FilingData` is plain values, so the PDF builders are pure functions of it (and tests can build one by hand).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Optional

from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.facility_info import service as facility_info
from bot.inventory import service as inventory
from bot.inventory.answers import HAZARD_FIELDS, HAZARD_LABELS, HM_TYPE_NAMES, STATE_NAMES
from bot.models import InventoryItem
from bot.replies import fmt_amount
from bot.review.cupas import cupa_of
from bot.services import facilities
from bot.timeutil import utcnow


@dataclass(frozen=True)
class Contact:
    """An emergency contact of the Owner/Operator page; None where the filing has no value yet."""
    role: str  # "Primary emergency contact"
    name: Optional[str] = None
    title: Optional[str] = None
    business_phone: Optional[str] = None
    phone_24h: Optional[str] = None

    @property
    def complete(self) -> bool:
        return bool(self.name and self.phone_24h)


@dataclass(frozen=True)
class Material:
    """One inventory line as the plans show it."""
    name: str
    max_amount: str  # "165 gallons"
    location: Optional[str]
    state: Optional[str]  # "liquid"
    hazards: tuple[str, ...] = ()
    ehs: bool = False
    waste: bool = False


@dataclass(frozen=True)
class CupaContact:
    name: str
    phone: Optional[str]
    email: Optional[str]
    unconfirmed: bool  # the number on record is a placeholder: the filer should check it


@dataclass(frozen=True)
class FilingData:
    facility_name: str
    cers_id: str
    address: str
    business_name: Optional[str] = None
    business_phone: Optional[str] = None
    owner_or_operator: Optional[str] = None
    employees: Optional[int] = None
    contacts: tuple[Contact, ...] = ()
    materials: tuple[Material, ...] = ()
    cupa: Optional[CupaContact] = None
    as_of: date = field(default_factory=lambda: utcnow().date())

    @property
    def has_waste(self) -> bool:
        return any(m.waste for m in self.materials)


def _words_of(header: str) -> str:
    """"FHCHealthSkinCorrosionIrritation" → "Skin corrosion irritation"."""
    bare = re.sub(r"^FHC(?:Physical|Health)", "", header)
    words = re.findall(r"[A-Z][a-z]*|[a-z]+", bare)
    return " ".join(words).capitalize() if words else header


def hazards_of(item: InventoryItem) -> tuple[str, ...]:
    """The hazard categories answered yes: the older CERS ones, then the GHS ones, each once."""
    found = [HAZARD_LABELS[h] for h in HAZARD_FIELDS if getattr(item, h)]
    for header in item.ghs_hazards or []:
        words = _words_of(str(header))
        if words.lower() not in (f.lower() for f in found):
            found.append(words)
    return tuple(found)


def material_of(item: InventoryItem) -> Material:
    return Material(name=item.common_name, max_amount=fmt_amount(item.maximum_daily_amount, item.units),
                    location=(item.location or "").strip() or None, state=STATE_NAMES.get(item.physical_state),
                    hazards=hazards_of(item), ehs=bool(item.ehs), waste=HM_TYPE_NAMES.get(item.hm_type) == "waste")


def _contacts(values: dict[str, Any]) -> tuple[Contact, ...]:
    return tuple(Contact(role=role, name=values.get(f"{p}_name"), title=values.get(f"{p}_title"),
                         business_phone=values.get(f"{p}_business_phone"), phone_24h=values.get(f"{p}_24hr_phone"))
                 for p, role in (("pec", "Primary emergency contact"), ("sec", "Secondary emergency contact")))


def gather(db: Session, actor: Actor, facility_id: int) -> FilingData:
    """The facility's current filing as the plans need it (PermissionDenied without a role on the facility)."""
    facilities.require_role(db, actor.subject_user_id, facility_id)
    facility = facilities.get_facility(db, facility_id)
    values = facility_info.get_owner_operator(db, actor, facility_id)
    items = inventory.list_items(db, actor, facility_id)
    cupa = cupa_of(db, facility)
    return FilingData(
        facility_name=facility.name, cers_id=facility.cers_id, address=facility.address,
        business_name=values.get("business_name"), business_phone=values.get("phone"),
        owner_or_operator=values.get("operator_name") or values.get("owner_name"),
        employees=values.get("number_of_employees"), contacts=_contacts(values),
        materials=tuple(material_of(item) for item in items),
        cupa=CupaContact(cupa.name, cupa.phone, cupa.email, bool(cupa.contact_is_placeholder)) if cupa else None,
    )
