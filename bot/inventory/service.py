"""Hazardous Materials Inventory services: add, change, remove, list and find the materials of a facility's
Draft submittal one at a time, and say whether a material must be reported.

Every function takes the acting `Actor`; the person whose access counts is `actor.subject_user_id`, who must hold
a role on the facility (else PermissionDenied). Writes go into the caller's session (commit it) with one audit row
each (`inventory.add`, `inventory.update`, `inventory.remove`). A material is checked completely before anything
is written (`problems`), so a rejected add or change leaves the inventory as it was; the error lists every problem
in plain words (`InventoryValidationError.problems`) so a conversation can ask for exactly what is missing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Optional

from rapidfuzz import fuzz
from sqlalchemy import Boolean, func, select
from sqlalchemy.orm import Session, object_session

from bot import audit
from bot.timeutil import utcnow
from bot.actor import Actor
from bot.chemicals.ehs import listed_ehs
from bot.chemicals.lookup import best, component_listed_ehs, lookup
from bot.chemicals.normalize import normalize_name, parse_cas
from bot.errors import NotFound, ValidationError
from bot.excel.template import CODE_WORDS, DOT_CLASSES, MAX_COMPONENTS
from bot.inventory.answers import (
    HM_TYPE_NAMES, MAX_AMOUNT, MAX_AMOUNT_TONS, STATE_NAMES, UNIT_NAMES, UNITS_FOR_STATE, components_text, fmt_amount,
    fmt_number,
)
from bot.inventory.thresholds import Material, check_facility, check_material, rule_for
from bot.models import STORAGE_CONTAINER_COLUMNS, Chemical, ChemicalSynonym, InventoryComponent, InventoryItem, \
    Submittal
from bot.services import facilities
from bot.submittals.drafts import current_filing

# InventoryItem columns a caller may set (the rest are bookkeeping).
_BOOKKEEPING = {"id", "submittal_id", "position", "created_at", "updated_at"}
ITEM_FIELDS = tuple(c.name for c in InventoryItem.__table__.c if c.name not in _BOOKKEEPING)
_CODE_FIELDS = {"hm_type": "HMType", "physical_state": "PhysicalState", "units": "Units",
                "pressure": "StoragePressure", "temperature": "StorageTemperature"}
_CODE_VALUES = {"hm_type": ("a", "b", "c"), "physical_state": ("a", "b", "c"), "units": ("a", "b", "c", "d"),
                "pressure": ("a", "b", "c"), "temperature": ("a", "b", "c", "d")}
_NUMBER_FIELDS = ("maximum_daily_amount", "average_daily_amount", "largest_container", "annual_waste_amount",
                  "curies")
_BOOL_FIELDS = tuple(c.name for c in InventoryItem.__table__.c if isinstance(c.type, Boolean))
_TEXT_LIMITS = {c.name: c.type.length for c in InventoryItem.__table__.c
                if c.name not in _BOOKKEEPING and getattr(c.type, "length", None) and c.name not in _CODE_FIELDS}
FIELD_LABELS = {
    "common_name": "common name", "chemical_name": "chemical name", "cas_number": "CAS number",
    "physical_state": "physical state", "units": "units", "hm_type": "type (pure, mixture or waste)",
    "maximum_daily_amount": "maximum daily amount", "average_daily_amount": "average daily amount",
    "largest_container": "largest container size", "days_on_site": "days on site", "location": "location",
    "pressure": "storage pressure", "temperature": "storage temperature", "components": "hazardous components",
    "state_waste_code": "state waste code", "annual_waste_amount": "annual waste amount", "container": "storage container",
    "other_container": "description of the 'other' container", "ehs": "EHS flag", "ghs_hazards": "GHS hazard categories",
}


@dataclass(frozen=True)
class Problem:
    field: str  # an InventoryItem column, "components" or "container"
    message: str


class InventoryValidationError(ValidationError):
    """A material can't be saved; `.problems` lists every reason (the message joins them)."""

    def __init__(self, name: str, problems: list[Problem]) -> None:
        what = f"I can't save {name} yet" if name else "I can't save this material yet"
        if len(problems) == 1:
            message = f"{what}: {problems[0].message}"
        else:
            message = f"{what}:\n" + "\n".join(f"- {p.message}" for p in problems)
        super().__init__(message, field=problems[0].field if problems else None)
        self.problems = problems


# --- access and rows ---------------------------------------------------------------------------------------


def _require(db: Session, actor: Actor, facility_id: int) -> None:
    facilities.require_role(db, actor.subject_user_id, facility_id)


def _draft(db: Session, facility_id: int) -> Optional[Submittal]:
    return db.execute(select(Submittal).where(Submittal.facility_id == facility_id,
                                              Submittal.status == "Draft")).scalar_one_or_none()


def _draft_for_write(db: Session, actor: Actor, facility_id: int) -> Submittal:
    from bot.excel.service import draft_submittal  # the one place that creates Drafts

    return draft_submittal(db, actor, facility_id)


def _item(db: Session, actor: Actor, facility_id: int, item_id: int) -> InventoryItem:
    """The Draft's material to change. A material of the submitted filing shown while there is no Draft is
    changed in its copy: the change starts the new Draft (a submitted filing is never changed)."""
    shown = current_filing(db, facility_id)
    item = db.get(InventoryItem, item_id) if shown is not None else None
    if item is not None and item.submittal_id == shown.id and shown.status != "Draft":  # type: ignore[union-attr]
        from bot.submittals.drafts import copied_row

        item = copied_row(db, _draft_for_write(db, actor, facility_id), item)
    elif item is not None and item.submittal_id != shown.id:  # type: ignore[union-attr]
        item = None
    if item is None:
        raise NotFound("That material is not in this facility's inventory (it may have been removed already). "
                       "Say 'list my chemicals' to see what is there.")
    return item


# --- values ------------------------------------------------------------------------------------------------


def item_values(item: InventoryItem) -> dict[str, Any]:
    """Every settable column of a saved material, plus "components" as dicts (name, percent, cas, ehs)."""
    values = {f: getattr(item, f) for f in ITEM_FIELDS}
    values["components"] = [{"name": c.name, "percent": c.percent, "cas": c.cas, "ehs": c.ehs}
                            for c in sorted(item.components, key=lambda c: c.position)]
    return values


def _as_number(value: Any, label: str, problems: list[Problem], field: str) -> Optional[float]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        problems.append(Problem(field, f"the {label} must be a number."))
        return None
    if isinstance(value, (int, float)):
        x = float(value)
    else:
        s = str(value).strip().replace(",", "")
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", s):
            problems.append(Problem(field, f"the {label} “{value}” is not a number; give only the number "
                                           "(for example 50)."))
            return None
        x = float(s)
    if x != x or x in (float("inf"), float("-inf")):
        problems.append(Problem(field, f"the {label} must be a number."))
        return None
    return x


def _normalize(data: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
    """Data keyed by InventoryItem columns, cleaned: codes from letters or words, numbers, booleans, text."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "components":
            continue
        if key not in ITEM_FIELDS:
            raise ValidationError(f"“{key}” is not an inventory field.", field=key)
        label = FIELD_LABELS.get(key, key.replace("_", " "))
        if key in _CODE_FIELDS:
            if value is None or (isinstance(value, str) and not value.strip()):
                out[key] = None
                continue
            s = str(value).strip().lower()
            code = s if s in _CODE_VALUES[key] else CODE_WORDS[_CODE_FIELDS[key]].get(s)
            if code is None:
                problems.append(Problem(key, f"“{value}” is not a valid {label}."))
                continue
            out[key] = code
        elif key in _NUMBER_FIELDS:
            out[key] = _as_number(value, label, problems, key)
        elif key == "days_on_site" or key.startswith("fire_class_"):
            x = _as_number(value, label, problems, key)
            if x is not None and not x.is_integer():
                problems.append(Problem(key, f"the {label} must be a whole number."))
                continue
            out[key] = None if x is None else int(x)
        elif key in _BOOL_FIELDS:
            out[key] = None if value is None else bool(value)
        elif key == "ghs_hazards":
            out[key] = list(value) if value else None
        elif key == "chemical_id":
            out[key] = None if value in (None, "") else int(value)
        else:
            s = None if value is None else " ".join(str(value).split()) or None
            limit = _TEXT_LIMITS.get(key)
            if s is not None and limit and len(s) > limit:
                problems.append(Problem(key, f"the {label} is {len(s)} characters long; CERS allows at most {limit}."))
                continue
            out[key] = s
    for attr in STORAGE_CONTAINER_COLUMNS:
        if attr in out and out[attr] is None:
            out[attr] = False
    return out


def _normalize_components(raw: Optional[Iterable[dict[str, Any]]], problems: list[Problem]) -> list[dict[str, Any]]:
    comps: list[dict[str, Any]] = []
    for i, c in enumerate(raw or [], start=1):
        name = " ".join(str(c.get("name") or "").split()) or None
        cas = (str(c.get("cas")).strip() or None) if c.get("cas") else None
        percent = _as_number(c.get("percent"), f"percent of component {i}", problems, "components")
        if cas is not None:
            valid = parse_cas(cas)
            if valid is None:
                problems.append(Problem("components", f"{cas} (component {name or i}) is not a valid CAS number."))
            cas = valid or cas
        if not name:
            problems.append(Problem("components", f"component {i} has no name."))
        elif len(name) > 500:
            problems.append(Problem("components", f"the name of component {i} is longer than 500 characters."))
        if percent is not None and not 0.01 <= percent <= 100:
            problems.append(Problem("components", f"{fmt_number(percent)}% for {name or f'component {i}'} is not "
                                                  "possible: a percent by weight is between 0.01 and 100."))
        comps.append({"name": name, "percent": percent, "cas": cas,
                      "ehs": None if c.get("ehs") is None else bool(c.get("ehs"))})
    return comps


def _percent_of(values: dict[str, Any], comps: list[dict[str, Any]], cas: Optional[str]) -> Optional[float]:
    """The strength of the line's own chemical: its component's percent, or a percent in its name."""
    for c in comps:
        if cas and c.get("cas") == cas and c.get("percent") is not None:
            return float(c["percent"])
    m = re.search(r"(\d+(?:\.\d+)?)\s*%", str(values.get("common_name") or ""))
    return float(m.group(1)) if m else None


def _library_defaults(db: Session, values: dict[str, Any], comps: list[dict[str, Any]]) -> Optional[Chemical]:
    """The EHS flag (and CAS/physical state when missing) from the library chemical (by id, else by CAS); the
    components' EHS flags from the library too. The library can only turn EHS on, never off, and only where
    its listing applies to the line's strength and form (a 35% hydrogen peroxide in gallons is not an EHS)."""
    chem = db.get(Chemical, values["chemical_id"]) if values.get("chemical_id") else None
    if chem is None and values.get("chemical_id"):
        values["chemical_id"] = None
    state = values.get("physical_state")
    if chem is None and values.get("cas_number") and values.get("hm_type") != "c":
        cas = values["cas_number"]
        same = db.execute(select(Chemical).where(Chemical.cas == cas)).scalars().all()
        # the library knows this CAS (perhaps as several products): only its EHS listing is used
        values["ehs"] = bool(values.get("ehs")) or any(
            listed_ehs(found, _percent_of(values, comps, cas), state) for found in same)
    if chem is not None:
        values["ehs"] = bool(values.get("ehs")) or listed_ehs(chem, _percent_of(values, comps, chem.cas), state)
        if not values.get("cas_number") and chem.cas:
            values["cas_number"] = chem.cas
        if not values.get("physical_state") and chem.physical_state:
            values["physical_state"] = chem.physical_state
    for c in comps:
        c["ehs"] = bool(c.get("ehs")) or component_listed_ehs(db, c, state)
    values["ehs"] = bool(values.get("ehs"))
    return chem


def problems(values: dict[str, Any], components: list[dict[str, Any]]) -> list[Problem]:
    """Everything that keeps a material from being saved (values keyed by InventoryItem columns, codes as letters).

    CERS minimum (cers-facts.md 1.3): common name, EHS, physical state, maximum daily amount, units, at least
    one storage container; plus the type (pure/mixture/waste), units that fit the state, EHS in pounds, amounts
    positive and plausible, average <= maximum, largest container <= maximum, days on site 1-365; mixtures and
    wastes with their components (name and percent, total <= 100%); wastes with a state waste code and an
    annual amount (cers-pitfalls.md "Inventory lines")."""
    out: list[Problem] = []
    name = values.get("common_name")
    if not name:
        out.append(Problem("common_name", "the material's common name is missing."))
    state = values.get("physical_state")
    if state is None:
        out.append(Problem("physical_state", "say whether it is a solid, a liquid or a gas."))
    hm_type = values.get("hm_type")
    if hm_type is None:
        out.append(Problem("hm_type", "say whether it is a pure chemical, a mixture or a waste."))
    units = values.get("units")
    if units is None:
        out.append(Problem("units", "the unit of the amounts (gallons, cubic feet, pounds or tons) is missing."))
    elif state in UNITS_FOR_STATE and units not in UNITS_FOR_STATE[state]:
        allowed = " or ".join(UNIT_NAMES[u] for u in UNITS_FOR_STATE[state])
        out.append(Problem("units", f"a {STATE_NAMES[state]} is reported in {allowed}, not in {UNIT_NAMES[units]}."))
    if values.get("ehs") and units not in (None, "c"):
        out.append(Problem("units", "it is an Extremely Hazardous Substance, and CERS needs EHS amounts in pounds "
                                    "(gallons x 8.34 x the specific gravity from the Safety Data Sheet gives pounds)."))
    limit = MAX_AMOUNT_TONS if units == "d" else MAX_AMOUNT
    mx = values.get("maximum_daily_amount")
    if mx is None:
        out.append(Problem("maximum_daily_amount", "the maximum daily amount (the most on site at any one time) is "
                                                   "missing."))
    elif mx <= 0:
        out.append(Problem("maximum_daily_amount", "the maximum daily amount must be more than 0."))
    elif mx > limit:
        out.append(Problem("maximum_daily_amount", f"{fmt_amount(mx, units)} is far too much to be right; check the "
                                                   "number and the unit."))
    avg = values.get("average_daily_amount")
    if avg is not None:
        if avg < 0:
            out.append(Problem("average_daily_amount", "the average daily amount can't be negative."))
        elif mx is not None and mx > 0 and avg > mx:
            out.append(Problem("average_daily_amount", f"the average daily amount ({fmt_amount(avg, units)}) is more "
                                                       f"than the maximum ({fmt_amount(mx, units)}); the average can't "
                                                       "be more than the maximum."))
    largest = values.get("largest_container")
    if largest is not None:
        if largest <= 0:
            out.append(Problem("largest_container", "the largest container size must be more than 0."))
        elif mx is not None and mx > 0 and largest > mx:
            out.append(Problem("largest_container", f"the largest container ({fmt_amount(largest, units)}) is bigger "
                                                    f"than the maximum daily amount ({fmt_amount(mx, units)}). Give the "
                                                    "container's size, and the most you ever have as the maximum."))
    days = values.get("days_on_site")
    if days is not None and not 1 <= days <= 365:
        out.append(Problem("days_on_site", "days on site must be from 1 to 365."))
    if not any(values.get(a) for a in STORAGE_CONTAINER_COLUMNS):
        out.append(Problem("container", "CERS needs at least one storage container type (drum, tank, tote, "
                                        "cylinder, bag...)."))
    if values.get("sc_other") and not values.get("other_container"):
        out.append(Problem("other_container", "say what the 'other' storage container is."))
    for attr in ("annual_waste_amount", "curies"):
        x = values.get(attr)
        if x is not None and (x < 0 or x > MAX_AMOUNT):
            out.append(Problem(attr, f"the {FIELD_LABELS.get(attr, attr)} must be between 0 and "
                                     f"{fmt_number(MAX_AMOUNT)}."))
    for i in range(1, 9):
        x = values.get(f"fire_class_{i}")
        if x is not None and not 1 <= x <= 39:
            out.append(Problem(f"fire_class_{i}", f"{x} is not a fire code hazard class (1 to 39)."))
    cas = values.get("cas_number")
    if cas and parse_cas(cas) is None:
        out.append(Problem("cas_number", f"{cas} is not a valid CAS number (format 67-64-1; the last digit is a "
                                         "check digit)."))
    code = values.get("state_waste_code")
    if code is not None and not re.fullmatch(r"\d{3}", code):
        out.append(Problem("state_waste_code", f"“{code}” is not a California state waste code (3 digits, like 221)."))
    if values.get("dot_hazard_class") and values["dot_hazard_class"] not in DOT_CLASSES:
        out.append(Problem("dot_hazard_class", f"“{values['dot_hazard_class']}” is not a DOT hazard class."))

    if hm_type in ("b", "c"):
        kind = "a waste" if hm_type == "c" else "a mixture"
        if not components:
            why = ("CERS inspectors reject waste lines without them. Give every hazardous component of the waste "
                   "with its percent by weight (from the waste profile, a lab analysis or the product's Safety Data "
                   "Sheet)." if hm_type == "c" else
                   "give its hazardous components with their percent by weight (Safety Data Sheet, section 3).")
            out.append(Problem("components", f"{kind} needs its hazardous components: {why}"))
        else:
            no_pct = [c["name"] or "?" for c in components if c.get("percent") is None]
            if no_pct:
                out.append(Problem("components", f"the percent by weight is missing for {', '.join(no_pct)}."))
    total = sum(c["percent"] for c in components if c.get("percent") is not None)
    if total > 100.0001:
        out.append(Problem("components", f"the component percentages add up to {fmt_number(total)}%, more than 100%."))
    if hm_type == "c":
        if not code:
            out.append(Problem("state_waste_code", "a waste needs its California state waste code (3 digits, on the "
                                                   "manifest or waste profile, e.g. 221 for waste oil)."))
        if values.get("annual_waste_amount") is None:
            out.append(Problem("annual_waste_amount", "a waste needs the estimated amount generated per year."))
    # several messages about one field say the same thing twice: keep the first
    seen: set[tuple[str, str]] = set()
    return [p for p in out if (p.field, p.message) not in seen and not seen.add((p.field, p.message))]


def _prepare(db: Session, data: dict[str, Any],
             base: Optional[dict[str, Any]] = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(item values, components) ready to write, or InventoryValidationError."""
    found: list[Problem] = []
    values = dict(base or {})
    values.update(_normalize(data, found))
    raw_comps = data["components"] if "components" in data else (base or {}).get("components", [])
    values.pop("components", None)
    comps = _normalize_components(raw_comps, found)
    _library_defaults(db, values, comps)
    found += problems(values, comps)
    if found:
        raise InventoryValidationError(values.get("common_name") or "", found)
    return values, comps


def _write_components(item: InventoryItem, comps: list[dict[str, Any]]) -> None:
    """The first 5 components in the HC1..HC5 rows (what the CERS template carries), the rest as text in
    AdditionalMixtureComponents."""
    if item.components:
        item.components.clear()
        session = object_session(item)
        if session is not None:
            session.flush()  # the old rows go before new ones take their positions (unique item_id, position)
    for i, c in enumerate(comps[:MAX_COMPONENTS], start=1):
        item.components.append(InventoryComponent(position=i, name=c["name"], percent=c["percent"],
                                                  cas=c["cas"], ehs=c["ehs"]))
    extra = comps[MAX_COMPONENTS:]
    if extra:
        item.additional_components = components_text(extra)[:2000]


def _changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


# --- services ----------------------------------------------------------------------------------------------


def add_item(db: Session, actor: Actor, facility_id: int, data: dict[str, Any]) -> InventoryItem:
    """Add one material to the facility's Draft inventory (created when there is none).

    `data`: InventoryItem column values (codes as template letters or words: "b"/"liquid", "a"/"gallons"; the
    storage container flags as sc_... = True) and optionally "components": [{name, percent, cas?, ehs?}].
    The EHS flags come from the library too. Raises InventoryValidationError listing every problem."""
    _require(db, actor, facility_id)
    values, comps = _prepare(db, data)
    draft = _draft_for_write(db, actor, facility_id)
    position = db.execute(select(func.coalesce(func.max(InventoryItem.position), 0))
                          .where(InventoryItem.submittal_id == draft.id)).scalar_one() + 1
    item = InventoryItem(submittal_id=draft.id, position=position,
                         **{k: v for k, v in values.items() if k in ITEM_FIELDS})
    for attr in STORAGE_CONTAINER_COLUMNS:
        setattr(item, attr, bool(values.get(attr)))
    _write_components(item, comps)
    db.add(item)
    db.flush()
    reopen(db, facility_id)
    audit.record(db, actor, "inventory.add", "inventory_item", item.id, facility_id=facility_id,
                 submittal_id=draft.id, common_name=item.common_name, maximum_daily_amount=item.maximum_daily_amount,
                 units=item.units, hm_type=item.hm_type, components=len(comps))
    return item


def update_item(db: Session, actor: Actor, facility_id: int, item_id: int, changes: dict[str, Any]) -> InventoryItem:
    """Change a saved material (columns as in `add_item`; "components" replaces them all). The whole material is
    checked again; nothing is written when it would become invalid."""
    _require(db, actor, facility_id)
    item = _item(db, actor, facility_id, item_id)
    before = item_values(item)
    values, comps = _prepare(db, changes, before)
    diff = _changed({k: v for k, v in before.items() if k != "components"},
                    {k: v for k, v in values.items() if k in ITEM_FIELDS})
    if "components" in changes and comps != before["components"]:
        diff["components"] = [components_text(before["components"]), components_text(comps)]
        _write_components(item, comps)
    for key, (_old, new) in diff.items():
        if key != "components":
            setattr(item, key, new)
    if diff:
        db.flush()
        reopen(db, facility_id)
        audit.record(db, actor, "inventory.update", "inventory_item", item.id, facility_id=facility_id,
                     common_name=item.common_name, changes=diff)
    return item


def remove_item(db: Session, actor: Actor, facility_id: int, item_id: int) -> str:
    """Remove a material from the Draft inventory; returns its common name."""
    _require(db, actor, facility_id)
    item = _item(db, actor, facility_id, item_id)
    name = item.common_name
    audit.record(db, actor, "inventory.remove", "inventory_item", item.id, facility_id=facility_id, common_name=name,
                 maximum_daily_amount=item.maximum_daily_amount, units=item.units, location=item.location)
    db.delete(item)
    db.flush()
    reopen(db, facility_id)
    return name


def mark_complete(db: Session, actor: Actor, facility_id: int) -> bool:
    """The filer says the inventory is complete ("that's all"): recorded on the Draft (audited). False when
    there is no Draft (nothing entered)."""
    _require(db, actor, facility_id)
    draft = _draft(db, facility_id)
    if draft is None:
        return False
    if draft.inventory_complete_at is None:
        draft.inventory_complete_at = utcnow()
        audit.record(db, actor, "inventory.complete", "submittal", draft.id, facility_id=facility_id)
    return True


def reopen(db: Session, facility_id: int) -> None:
    """A material added, changed or removed after "that's all": the inventory is in progress again."""
    draft = _draft(db, facility_id)
    if draft is not None and draft.inventory_complete_at is not None:
        draft.inventory_complete_at = None


def is_complete(db: Session, facility_id: int) -> bool:
    draft = current_filing(db, facility_id)
    return bool(draft is not None and draft.inventory_complete_at is not None)


def list_items(db: Session, actor: Actor, facility_id: int) -> list[InventoryItem]:
    """The materials of the facility's Draft inventory, in order; after a submit and before the next change, those
    of the submitted filing ([] when there is neither)."""
    _require(db, actor, facility_id)
    draft = current_filing(db, facility_id)
    if draft is None:
        return []
    return list(db.execute(select(InventoryItem).where(InventoryItem.submittal_id == draft.id)
                           .order_by(InventoryItem.position, InventoryItem.id)).scalars())


_LEAD_WORDS_RE = re.compile(r"^(?:(?:the|my|our|that|this|those|these|all|of|some|any|entry|item|line|for|"
                            r"stuff|one)\s+)+")
_TAIL_WORDS_RE = re.compile(r"\s+(?:entry|item|line|one|stuff|please|too|also|anymore|any more|from (?:the|my|our) "
                            r"(?:list|inventory))$")


def clean_name_text(text: str) -> str:
    """"the acetone", "all the batteries", "the thinner entry" -> the material words, normalized."""
    s = normalize_name(text or "")
    prev = None
    while prev != s:
        prev = s
        s = _LEAD_WORDS_RE.sub("", s).strip()
        s = _TAIL_WORDS_RE.sub("", s).strip()
    return s


def _word_ratio(query: str, name: str) -> float:
    """Best spelling similarity of `query` with any run of as many words in `name` ("disel" ~ "diesel fuel")."""
    qw, nw = query.split(), name.split()
    if not qw or not nw:
        return 0.0
    size = len(qw)
    if len(nw) <= size:
        return fuzz.ratio(query, name)
    return max(fuzz.ratio(query, " ".join(nw[i:i + size])) for i in range(len(nw) - size + 1))


def score_name(query: str, names: Iterable[str], exact_only: Iterable[str] = ()) -> float:
    """How well the cleaned `query` names something called `names` (100 exact, 95 whole words inside, else a
    spelling similarity); `exact_only` names (library synonyms) count only when they match exactly or as whole
    words, since a close spelling of a synonym is often another chemical ("propanone" ~ "propane")."""
    best_score = 0.0
    for raw in exact_only:
        name = normalize_name(raw or "")
        if name == query:
            return 100.0
        if name and len(query) >= 4 and re.search(rf"(?:^|\s){re.escape(query)}(?:$|\s)", name):
            best_score = max(best_score, 95.0)
    for raw in names:
        name = normalize_name(raw or "")
        if not name:
            continue
        if name == query:
            return 100.0
        if re.search(rf"(?:^|\s){re.escape(query)}(?:$|\s)", name) or (
                len(name) >= 4 and re.search(rf"(?:^|\s){re.escape(name)}(?:$|\s)", query)):
            best_score = max(best_score, 95.0)
        else:
            best_score = max(best_score, _word_ratio(query, name))
    return best_score


FIND_CUTOFF = 80.0


def find_items(db: Session, actor: Actor, facility_id: int, name_text: str) -> list[InventoryItem]:
    """Saved materials the user means by `name_text` ("the acetone", "disel", "coolant" for antifreeze): common or
    chemical name, the library synonyms of the item's chemical, then close spellings. Exact matches only when
    there are some; best first."""
    items = list_items(db, actor, facility_id)
    query = clean_name_text(name_text)
    if not items or not query:
        return []
    chem_ids = {i.chemical_id for i in items if i.chemical_id}
    synonyms: dict[int, list[str]] = {}
    if chem_ids:
        for cid, syn in db.execute(select(ChemicalSynonym.chemical_id, ChemicalSynonym.synonym)
                                   .where(ChemicalSynonym.chemical_id.in_(chem_ids))):
            synonyms.setdefault(cid, []).append(syn)
    library_ids: dict[int, float] = {}
    for m in lookup(db, query, limit=5):
        library_ids.setdefault(m.chemical.id, m.score)
    scored: list[tuple[float, InventoryItem]] = []
    for item in items:
        score = score_name(query, [item.common_name, item.chemical_name or ""],
                           synonyms.get(item.chemical_id or -1, []))
        if item.chemical_id in library_ids and library_ids[item.chemical_id] >= 85:
            score = max(score, min(library_ids[item.chemical_id], 99.0))
        if item.cas_number and parse_cas(name_text) == item.cas_number:
            score = 100.0
        if score >= FIND_CUTOFF:
            scored.append((score, item))
    scored.sort(key=lambda s: (-s[0], s[1].position))
    top = scored[0][0] if scored else 0
    if top >= 95:
        return [i for s, i in scored if s >= 95]
    return [i for _, i in scored]


def mentioned_items(db: Session, actor: Actor, facility_id: int, text: str) -> list[InventoryItem]:
    """Saved materials whose name (common, chemical, or a library synonym of 4+ letters) appears as whole words
    anywhere in `text` ("the nitrogen was on last year's list but it's gone now")."""
    items = list_items(db, actor, facility_id)
    words = f" {normalize_name(text)} "
    if not items or not words.strip():
        return []
    chem_ids = {i.chemical_id for i in items if i.chemical_id}
    synonyms: dict[int, list[str]] = {}
    if chem_ids:
        for cid, syn in db.execute(select(ChemicalSynonym.chemical_id, ChemicalSynonym.synonym)
                                   .where(ChemicalSynonym.chemical_id.in_(chem_ids))):
            synonyms.setdefault(cid, []).append(syn)
    found = []
    for item in items:
        names = {normalize_name(n) for n in (item.common_name, item.chemical_name or "",
                                             *synonyms.get(item.chemical_id or -1, []))}
        names |= {re.sub(r"\s*\(.*?\)", "", n).strip() for n in names}  # "motor oil (new)" -> "motor oil"
        if any(len(n) >= 4 and f" {n} " in words for n in names if n):
            found.append(item)
    return found


# --- thresholds --------------------------------------------------------------------------------------------


def _material(db: Session, item: InventoryItem) -> Material:
    """The threshold rules' view of a line: the library chemical's TPQ and special rule (by its link, else by
    the line's CAS number)."""
    chem = item.chemical
    key = chem.key if chem is not None else (f"cas:{item.cas_number}" if item.cas_number else None)
    if chem is None and item.cas_number and item.hm_type != "c":
        match = best(db, item.cas_number)
        chem = match.chemical if match else None
    return Material(name=item.common_name, physical_state=item.physical_state, units=item.units,
                    max_amount=float(item.maximum_daily_amount), key=key, ehs=bool(item.ehs),
                    tpq_lb=chem.tpq_lb if chem is not None else None,
                    threshold_rule=chem.threshold_rule if chem is not None else None, cas=item.cas_number,
                    is_waste=item.hm_type == "c")


def _material_key(m: Material) -> str:
    return m.key or (f"cas:{m.cas}" if m.cas else f"name:{' '.join(m.name.lower().split())}")


def _ehs_component_notes(db: Session, item: InventoryItem) -> list[str]:
    """EHS components of a mixture weighed against their TPQ (40 CFR 355.13: the EHS's weight percent times the
    mixture's weight; 1% or less is not counted)."""
    notes: list[str] = []
    if item.units not in ("c", "d"):
        if any(c.ehs for c in item.components):
            names = ", ".join(c.name for c in item.components if c.ehs)
            notes.append(f"It contains an Extremely Hazardous Substance ({names}): its reporting threshold is counted "
                         "in pounds of that substance, so give the weight in pounds if you can.")
        return notes
    pounds = float(item.maximum_daily_amount) * (2000.0 if item.units == "d" else 1.0)
    for c in item.components:
        if not c.ehs or c.percent is None or c.percent <= 1:
            continue
        match = best(db, c.cas) if c.cas else best(db, c.name or "")
        tpq = match.chemical.tpq_lb if match else None
        limit = min(tpq, 500.0) if tpq else 500.0
        amount = pounds * c.percent / 100.0
        verdict = "so the material must be reported" if amount >= limit else "below that"
        notes.append(f"It contains {c.name}, an Extremely Hazardous Substance: about {fmt_number(amount)} lb of it "
                     f"({fmt_number(c.percent)}% of {fmt_number(pounds)} lb); its threshold is {fmt_number(limit)} lb "
                     f"(the TPQ or 500 lb, whichever is less), {verdict}.")
    return notes


def threshold_message(db: Session, actor: Actor, facility_id: int, item: InventoryItem) -> str:
    """Whether this material must be reported, in plain words: its own amount against the threshold (EHS TPQ,
    CO2 and asphyxiants, lubricating oil, propane, base thresholds), then what changes when the facility's
    other lines are counted (the same material in other locations added up; all lubricating oils together),
    and EHS components of a mixture."""
    _require(db, actor, facility_id)
    items = list_items(db, actor, facility_id)
    if item.id not in {i.id for i in items}:
        items.append(item)
    this = _material(db, item)
    own = check_material(this)
    facility = check_facility(_material(db, i) for i in items)
    together = facility.decisions.get(_material_key(this), own)
    parts: list[str] = []
    if own.reportable is False and together.reportable is True:
        others = [i for i in items if i.id != item.id and _material_key(_material(db, i)) == _material_key(this)]
        if others and rule_for(this) != "lube_oil":
            parts.append(f"On its own {fmt_amount(item.maximum_daily_amount, item.units)} of {item.common_name} is "
                         f"below the reporting threshold, but you also listed it in {len(others)} other "
                         f"location{'s' if len(others) != 1 else ''}, and the amounts are added up: {together.reason}")
        else:
            parts.append(f"On its own it would be below the threshold, but counted with the rest of your facility: "
                         f"{together.reason}")
    else:
        parts.append(together.reason)
    parts += _ehs_component_notes(db, item)
    reportable = [d for d in facility.decisions.values() if d.reportable is True]
    if own.reportable is False and together.reportable is False and not reportable:
        parts.append("So far nothing in your inventory is above a reporting threshold; listing it does no harm.")
    return " ".join(parts)


def describe_item(item: InventoryItem) -> str:
    """One line for lists: "Motor oil (new): 165 gallons max (avg 110), steel drum, back shop"."""
    amount = fmt_amount(item.maximum_daily_amount, item.units)
    bits = [f"{amount} max"]
    if item.average_daily_amount is not None and item.average_daily_amount != item.maximum_daily_amount:
        bits[0] += f" (avg {fmt_number(item.average_daily_amount)})"
    from bot.inventory.answers import CONTAINER_LABELS

    containers = [CONTAINER_LABELS[a].lower() for a in STORAGE_CONTAINER_COLUMNS if getattr(item, a)]
    if item.sc_other and item.other_container:
        containers[-1] = item.other_container
    if containers:
        bits.append(", ".join(containers))
    if item.location:
        bits.append(item.location)
    if item.hm_type in HM_TYPE_NAMES and item.hm_type == "c":
        bits.append("waste")
    return f"{item.common_name}: " + ", ".join(bits)
