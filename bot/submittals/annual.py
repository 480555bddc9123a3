"""Next year's filing: the Draft started from the facility's last Accepted filing, confirmed element by element, and
what AB 1429 asks of this filer (cers-facts.md).

- `start_annual(db, actor, facility_id, today)`: starts this year's Draft as a copy of the last Accepted filing (or
  says a Draft is already open and continues it, or what to do first when there is no Accepted filing).
- `confirm_element(db, actor, facility_id, element)`: the filer looked at one element (Business Activities,
  Owner/Operator, inventory, the three documents, the certification) and it is right for this year — unchanged or
  changed. "Nothing changed" is still one confirmation per element: a copy nobody looked at must not be certified.
- `unconfirmed(draft)` / `is_annual(db, draft)`: what the pre-submit check blocks on.
- `ab1429_advice(db, actor, facility_id)`: from the filer's own answers, whether the full plan may be submitted
  every three years (still certified every year) and which changes since the last Accepted filing must be reported
  within 30 days.

Reads the differences through `bot.review.service.diff` (one definition of "what changed"). Writes only the
Draft (through `bot.excel.service.draft_submittal` and its `confirmed_elements`), with one audit row each; never
commits, never submits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.actor import Actor
from bot.errors import ValidationError
from bot.models import BusinessActivities, InventoryItem, Submittal
from bot.services import facilities
from bot.submittals.drafts import last_filed
from bot.timeutil import utcnow

# The elements confirmed each year, in the order they are walked: (key, label, chat step). Keys are the pre-submit
# check's checklist elements.
ELEMENTS: tuple[tuple[str, str, str], ...] = (
    ("business_activities", "Business Activities", "facility_info"),
    ("owner_operator", "Owner/Operator Identification", "facility_info"),
    ("inventory", "Hazardous Materials Inventory", "inventory"),
    ("site_map", "Site Map", "documents"),
    ("emergency_response_plan", "Emergency Response / Contingency Plan", "documents"),
    ("training_plan", "Employee Training Plan", "documents"),
    ("certification", "Certification", "facility_info"),
)
ELEMENT_KEYS = tuple(key for key, _, _ in ELEMENTS)
LABELS = {key: label for key, label, _ in ELEMENTS}
STEP_OF = {key: step for key, _, step in ELEMENTS}
UPDATE_DAYS = 30
TIER2_POUNDS = 10_000  # federal EPCRA Tier II: 10,000 lb of a hazardous chemical (EHS: 500 lb or its TPQ)
POUNDS_PER_GALLON = 8.34  # water: a rough weight for a liquid given in gallons


@dataclass(frozen=True)
class AnnualStart:
    started: bool  # a Draft for this year's filing is open (new or continued)
    created: bool  # it was created by this call
    submittal_id: Optional[int]
    message: str
    # Why it could not start: "draft_open" (a Draft not based on an accepted filing), "no_filing", "in_review",
    # "not_accepted"; None when started.
    blocker: Optional[str] = None


@dataclass
class Ab1429Advice:
    every_three_years: bool  # the full plan may be submitted every three years (certified every year)
    yearly_reasons: list[str] = field(default_factory=list)  # why the full plan is still due every year
    updates: list[str] = field(default_factory=list)  # changes that must be reported within 30 days
    message: str = ""


def _draft(db: Session, facility_id: int) -> Optional[Submittal]:
    return db.execute(select(Submittal).where(Submittal.facility_id == facility_id, Submittal.status == "Draft")
                      ).scalar_one_or_none()


def is_annual(db: Session, draft: Optional[Submittal]) -> bool:
    """A Draft copied from an Accepted filing: next year's filing, confirmed element by element."""
    if draft is None or draft.status != "Draft" or draft.parent_submittal_id is None:
        return False
    parent = db.get(Submittal, draft.parent_submittal_id)
    return parent is not None and parent.status == "Accepted"


def unconfirmed(draft: Submittal) -> list[str]:
    """The elements of `draft` not confirmed yet, in walking order."""
    done = draft.confirmed_elements or {}
    return [key for key in ELEMENT_KEYS if key not in done]


def annual_draft(db: Session, actor: Actor, facility_id: int) -> Optional[Submittal]:
    """The facility's open annual Draft, or None (role checked)."""
    facilities.require_role(db, actor.subject_user_id, facility_id)
    draft = _draft(db, facility_id)
    return draft if is_annual(db, draft) else None


def start_annual(db: Session, actor: Actor, facility_id: int, today: date) -> AnnualStart:
    """This year's filing from the last Accepted filing. PermissionDenied without a role on the facility."""
    facility = facilities.get_facility(db, facility_id)
    facilities.require_role(db, actor.subject_user_id, facility_id)
    draft = _draft(db, facility_id)
    if draft is not None:
        if is_annual(db, draft):
            left = unconfirmed(draft)
            return AnnualStart(True, False, draft.id,
                               f"{facility.name}'s {draft.year} filing is already started from the accepted one; "
                               f"let's continue: {len(left)} of {len(ELEMENTS)} parts still to confirm.")
        return AnnualStart(False, False, draft.id,
                           f"{facility.name} already has a filing in progress (a Draft) that is not based on an "
                           "accepted filing. Finish it and submit it first (say \"submit my filing\" to see what is "
                           "left); once the CUPA accepts it, next year's filing starts from it.", "draft_open")
    last = last_filed(db, facility_id)
    if last is None:
        return AnnualStart(False, False, None,
                           f"{facility.name} has no filing yet, so there is nothing to carry over: let's do the first "
                           "full filing (Facility Information, the inventory and the documents), then submit it.",
                           "no_filing")
    if last.status in ("Submitted", "Under Review"):
        return AnnualStart(False, False, None,
                           f"{facility.name}'s last filing is {last.status} at the CUPA. Next year's filing starts "
                           "from an accepted filing: wait for the inspector's decision (say \"what's the status of "
                           "my filing?\").", "in_review")
    if last.status != "Accepted":
        return AnnualStart(False, False, None,
                           f"{facility.name}'s last filing was Not Accepted. Fix what the inspector listed and submit "
                           "it again first (say \"what do I need to fix?\"); this year's filing then starts from the "
                           "accepted one.", "not_accepted")
    from bot.excel.service import draft_submittal  # the one place that creates Drafts (copies the last filing)

    draft = draft_submittal(db, actor, facility_id, year=today.year)
    draft.confirmed_elements = {}
    audit.record(db, actor, "submittal.annual_start", "submittal", draft.id, facility_id=facility_id,
                 year=draft.year, copied_from=last.id)
    db.flush()
    return AnnualStart(True, True, draft.id,
                       f"I started {facility.name}'s {today.year} filing as a copy of the accepted one (filed "
                       f"{_day(last.submitted_at)}). We'll go through its {len(ELEMENTS)} parts one by one: for each, "
                       "say \"No change\" or change it. Even when nothing changed, each part must be confirmed, and "
                       "the certification signed again, before it can be submitted.")


def confirm_element(db: Session, actor: Actor, facility_id: int, element: str) -> list[str]:
    """Record that the filer confirmed `element` of the annual Draft for this year; returns what is left. The
    certification's confirmation dates the signature today (the same signer certifies again)."""
    if element not in LABELS:
        raise ValidationError(f"There is no part called {element!r} to confirm.")
    draft = annual_draft(db, actor, facility_id)
    if draft is None:
        raise ValidationError("There is no filing for this year to confirm: say \"file this year's plan\" first.")
    if element == "certification":
        from bot.facility_info import service as facility_info

        facility_info.set_owner_operator_field(db, actor, facility_id, "identification_signed_date", "today",
                                               keep_confirmed=True)
    done = dict(draft.confirmed_elements or {})
    if element not in done:
        done[element] = {"by": actor.subject_user_id, "at": utcnow().isoformat()}
        draft.confirmed_elements = done  # a new dict: the JSON column sees the change
        audit.record(db, actor, "submittal.annual_confirm", "submittal", draft.id, facility_id=facility_id,
                     element=element)
        db.flush()
    return unconfirmed(draft)


# ---- AB 1429 ------------------------------------------------------------------------------------------------------
def _day(value: object) -> str:
    from bot.submittals.chat import _day as day

    return day(value)


def _number(shown: str) -> Optional[float]:
    try:
        return float(str(shown).replace(",", ""))
    except ValueError:
        return None


def _pounds(item: InventoryItem) -> Optional[float]:
    amount = float(item.maximum_daily_amount or 0)
    return {"c": amount, "d": amount * 2000, "a": amount * POUNDS_PER_GALLON}.get(item.units or "")


def _yearly_reasons(db: Session, filing: Submittal) -> list[str]:
    """Why this filer still submits the full plan every year: APSA tanks, federal Tier II amounts."""
    reasons = []
    ba = db.execute(select(BusinessActivities).where(BusinessActivities.submittal_id == filing.id)
                    ).scalar_one_or_none()
    if ba is not None and ba.own_or_operate_apst:
        reasons.append("you said you own or operate aboveground petroleum storage tanks (the Aboveground Petroleum "
                       "Storage Act applies)")
    items = db.execute(select(InventoryItem).where(InventoryItem.submittal_id == filing.id)).scalars().all()
    ehs = [i.common_name for i in items if i.ehs or any(c.ehs for c in i.components)]
    if ehs:
        reasons.append(f"your inventory lists an Extremely Hazardous Substance ({', '.join(ehs[:3])}), which "
                       "usually means a federal Tier II report")
    heavy = [i.common_name for i in items if (_pounds(i) or 0) >= TIER2_POUNDS and i.common_name not in ehs]
    if heavy:
        reasons.append(f"you keep about {TIER2_POUNDS:,} pounds or more of {', '.join(heavy[:3])}, which usually "
                       "means a federal Tier II report")
    return reasons


def _updates(db: Session, filing: Submittal) -> list[str]:
    """Changes since the last Accepted filing that must be reported within 30 days (HSC 25508.1 / AB 1429)."""
    from bot.facility_info.questions import OWNER_OPERATOR_FIELD_BY_KEY
    from bot.inventory.service import _material
    from bot.inventory.thresholds import check_material
    from bot.review.service import _material_key, _items, diff, last_accepted

    changes = diff(db, filing)
    if changes.against_submittal_id is None:
        return []
    updates: list[str] = []
    labels = {OWNER_OPERATOR_FIELD_BY_KEY[k].label: k for k in OWNER_OPERATOR_FIELD_BY_KEY}
    kinds = {"business_name": "the business name", "owner_name": "the owner",
             "mailing_address": "the address", "mailing_city": "the address", "mailing_zip": "the address"}
    found: dict[str, str] = {}
    for label, before, after in changes.elements["owner_operator"].fields:
        kind = kinds.get(labels.get(label, ""))
        if kind is not None and before != "—" and kind not in found:
            found[kind] = f"{label} changed from {before} to {after}"
    for kind, what in (("the business name", "a new business name"), ("the owner", "a new owner (ownership change)"),
                       ("the address", "a new address")):
        if kind in found:
            updates.append(f"{what}: {found[kind]}")
    for line, fields in changes.elements["inventory"].changed:
        for name, before, after in fields:
            old, new = _number(before), _number(after)
            if name == "maximum_daily_amount" and old and new is not None and new >= 2 * old:
                updates.append(f"a quantity at least doubled: {line.split(':')[0]} from {before} to {after} "
                               "(maximum daily amount)")
    base = last_accepted(db, filing.facility_id, filing)
    old_keys = {_material_key(i) for i in _items(db, base.id)} if base is not None else set()
    for item in _items(db, filing.id):
        if _material_key(item) in old_keys:
            continue
        decision = check_material(_material(db, item))
        if decision.reportable is not False:
            updates.append(f"a new hazardous material at or above the reporting amount: {item.common_name}"
                           + (f" ({decision.reason})" if decision.reportable is None else ""))
    return updates


def ab1429_advice(db: Session, actor: Actor, facility_id: int) -> Ab1429Advice:
    """What AB 1429 means for this filer, from their own answers in the annual Draft (or the last filing)."""
    facilities.require_role(db, actor.subject_user_id, facility_id)
    filing = _draft(db, facility_id) or last_filed(db, facility_id)
    if filing is None:
        return Ab1429Advice(False, message="There is no filing yet: the first full filing comes first; AB 1429's "
                                           "three-year rule applies to the filings after it.")
    reasons = _yearly_reasons(db, filing)
    updates = _updates(db, filing) if filing.status == "Draft" else []
    advice = Ab1429Advice(not reasons, reasons, updates)
    if reasons:
        text = ("Under AB 1429 you still submit the full business plan every year, because "
                + "; and ".join(reasons) + ".")
    else:
        text = ("Under AB 1429 your answers allow submitting the full business plan every three years instead of "
                "every year: you don't own aboveground petroleum tanks and nothing in your inventory points to a "
                "federal Tier II report (no Extremely Hazardous Substance, nothing near 10,000 pounds). Your CUPA may "
                "still ask for more; check with them.")
    text += (" Either way, every year by your CUPA's date (usually March 1) you must review the plan and certify "
             "that it is complete and accurate: that is what this filing does.")
    if updates:
        text += (f"\nThese changes since your last accepted filing must be reported within {UPDATE_DAYS} days of the "
                 "change, not only at the yearly date — submitting this filing does that:\n"
                 + "\n".join(f"- {u}" for u in updates))
    else:
        text += (f"\nNothing you changed needs a report within {UPDATE_DAYS} days (that is for a new business name, "
                 "owner or address, a quantity at least doubled, or a new hazardous material at or above the "
                 "reporting amount; if one of these happens during the year, update the filing within 30 days).")
    advice.message = text
    return advice
