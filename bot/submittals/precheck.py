"""The pre-submit check: every check of cers-pitfalls.md the data allows, run over the facility's Draft before
Submit, so the filer fixes here what an inspector would otherwise send back (a Not Accepted costs a round trip).

Each `Finding` says in plain words what is wrong, whether it blocks the submit (`blocking`) or is advice, and
where to fix it: the filing element (the checklist's keys, `bot.facility_info.questions.ELEMENTS`, plus
"lead_users"), the field when there is one, a web page and the chat step. The rules themselves are not restated
here: which elements the answers require, which Owner/Operator fields are required, what a valid inventory line
is and what a document's text lacks are asked of the services that own them. Reads only; never writes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.actor import Actor
from bot.documents import service as documents
from bot.documents.advice import ELEMENT_LABELS, items_for
from bot.facility_info import service as facility_info
from bot.facility_info.questions import BUSINESS_QUESTION_BY_KEY, CERTIFICATION_KEYS, ELEMENTS, \
    OWNER_OPERATOR_FIELD_BY_KEY, BusinessQuestion
from bot.inventory import service as inventory
from bot.inventory.answers import HAZARD_FIELDS
from bot.models import InventoryItem, Submittal
from bot.services import facilities
from bot.submittals import annual

SEVERITIES = ("blocking", "advice")
STEPS = ("facility_info", "inventory", "documents", "access", "annual")
MIN_LEAD_USERS = 2
# Checklist element -> the documents service's element.
DOCUMENT_OF = {"site_map": "site_map", "emergency_response_plan": "emergency_response_plan",
               "training_plan": "employee_training_plan"}
# Business Activities tank answers -> the storage container flag a tank's contents carry in the inventory.
TANK_CONTAINERS = {"own_or_operate_ust": ("sc_under_ground_tank", "underground tank"),
                   "own_or_operate_apst": ("sc_above_ground_tank", "aboveground tank")}
# Program elements the assistant does not keep yet: required by the answers, filed in CERS itself for now.
NOT_KEPT_HERE = ("ust", "apsa", "calarp", "tiered_permitting", "financial_assurance", "recyclable_materials_report",
                 "remote_waste_consolidation", "hw_tank_closure")


@dataclass(frozen=True)
class Finding:
    check: str  # which check found it ("inventory_line", "document_missing", ...): stable, for tests and the chat
    severity: str  # blocking | advice
    element: str  # a checklist element key, or "lead_users"
    message: str  # plain words: what is wrong and what to do
    url: str  # the page where it is fixed
    step: str  # the chat step where it is fixed: facility_info | inventory | documents | access | annual
    field: Optional[str] = None  # the field (Owner/Operator key, inventory column) when there is one
    item_id: Optional[int] = None  # the inventory line, for inventory findings

    @property
    def blocking(self) -> bool:
        return self.severity == "blocking"

    @property
    def where(self) -> str:
        """Where to fix it, in words for a button or a link."""
        return {"facility_info": "Facility Information (in the chat)", "inventory": "the inventory",
                "documents": "the documents page", "access": "the facility's users (in the chat)",
                "annual": "this year's review (in the chat: \"file this year's plan\")"}[self.step]


def _urls(cers_id: str) -> dict[str, str]:
    return {"facility_info": "/", "inventory": f"/inventory/upload?facility={cers_id}",
            "documents": f"/documents?facility={cers_id}", "access": "/", "annual": "/"}


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.blocking]


def advice(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if not f.blocking]


def precheck(db: Session, actor: Actor, facility_id: int) -> list[Finding]:
    """Every finding for the facility's Draft, blocking ones first, then in checklist order. Needs a role on
    the facility (PermissionDenied otherwise). With no Draft yet everything required is reported missing."""
    facility = facilities.get_facility(db, facility_id)
    facilities.require_role(db, actor.subject_user_id, facility_id)
    urls = _urls(facility.cers_id)
    found: list[Finding] = []

    def add(check: str, severity: str, element: str, step: str, message: str, **extra: Any) -> None:
        anchor = f"#element-{DOCUMENT_OF[element]}" if step == "documents" and element in DOCUMENT_OF else ""
        found.append(Finding(check, severity, element, message, urls[step] + anchor, step, **extra))

    state = facility_info.get_facility_info_state(db, actor, facility_id)
    answers = state.answers
    required = {e.key: e for e in facility_info.required_elements_for(answers)}
    items = inventory.list_items(db, actor, facility_id)
    if items:  # every line's components in one query, not one per line
        db.execute(select(InventoryItem).where(InventoryItem.id.in_([i.id for i in items]))
                   .options(selectinload(InventoryItem.components))).scalars().all()

    _business_activities(add, answers, facility_info.next_missing_business_activity(db, actor, facility_id))
    _owner_operator(add, state.values)
    _certification(add, state.values)
    _inventory(add, required, answers, items)
    _documents(add, required, documents.current_documents(db, actor, facility_id))
    for key in NOT_KEPT_HERE:
        if required[key].required is True:
            add("program_element", "advice", key, "facility_info",
                f"Your answers also require the {ELEMENTS[key].name} ({'; '.join(required[key].reasons)}). "
                "This assistant does not fill it in yet: complete it in CERS or ask your CUPA.")
    _annual(add, db, facility_id)
    leads = len(facilities.active_lead_users(db, facility_id))
    if leads < MIN_LEAD_USERS:
        add("lead_users", "advice", "lead_users", "access",
            f"{facility.name} has {leads} active Lead User{'s' if leads != 1 else ''}. Have at least two, so that "
            "someone can still reach the filing, decide access requests and get the CUPA's emails when one of "
            "you leaves: ask a colleague to request access, then make them a Lead User.")
    return sorted(found, key=lambda f: 0 if f.blocking else 1)


# ---- next year's filing -------------------------------------------------------------------------------------------
def _annual(add: Any, db: Session, facility_id: int) -> None:
    """A Draft copied from an Accepted filing is certified only once the filer confirmed each element this year."""
    draft = db.execute(select(Submittal).where(Submittal.facility_id == facility_id, Submittal.status == "Draft")
                       ).scalar_one_or_none()
    if not annual.is_annual(db, draft):
        return
    left = annual.unconfirmed(draft)
    if left:
        add("annual_confirmations", "blocking", left[0], "annual",
            "This year's filing is a copy of the accepted one: confirm or change each part before it is certified "
            f"again (even when nothing changed). Not confirmed yet: {', '.join(annual.LABELS[k] for k in left)}.")


# ---- Facility Information -----------------------------------------------------------------------------------------
def _business_activities(add: Any, answers: dict[str, Any], nxt: Optional[BusinessQuestion]) -> None:
    if facility_info.business_activities_complete(answers):
        return
    if nxt is not None:
        answered = sum(1 for q in BUSINESS_QUESTION_BY_KEY.values() if answers.get(q.key) is not None)
        message = (f"The Business Activities page is not complete ({answered} questions answered); next: "
                   f"{nxt.question} Inspectors cite an incomplete page first, and your answers decide which "
                   "other parts the filing needs.")
        add("business_activities", "blocking", "business_activities", "facility_info", message, field=nxt.key)
    else:
        add("business_activities", "blocking", "business_activities", "facility_info",
            "You said you handle hazardous waste, so the Business Activities page needs your EPA ID number (or "
            "say you don't have one yet).", field="epa_id")


def _owner_operator(add: Any, values: dict[str, Any]) -> None:
    missing = [f for f in facility_info.missing_required_fields(values) if f.group != "certification"]
    phones = [f for f in missing if f.key.endswith("24hr_phone")]
    for f in phones:
        add("emergency_phone", "blocking", "owner_operator", "facility_info",
            f"The {f.label} is missing. Responders call it day and night during an emergency; it must reach the "
            "person at any hour.", field=f.key)
    rest = [f for f in missing if f not in phones]
    if rest:
        names = ", ".join(f.label for f in rest[:6]) + (f" and {len(rest) - 6} more" if len(rest) > 6 else "")
        add("owner_operator", "blocking", "owner_operator", "facility_info",
            f"The Owner/Operator Identification page is missing required information: {names}.",
            field=rest[0].key)
    if values.get("sec_name") and not values.get("sec_24hr_phone"):
        f = OWNER_OPERATOR_FIELD_BY_KEY["sec_24hr_phone"]
        add("emergency_phone", "advice", "owner_operator", "facility_info",
            f"The {f.label} is missing: {values['sec_name']} is called when the first contact can't be reached, "
            "so give a number that reaches them at any hour.", field=f.key)
    if not values.get("econtact_email"):
        add("econtact_email", "advice", "owner_operator", "facility_info",
            "The environmental contact has no email address. The CUPA's notices about this filing (for example "
            "a Not Accepted with the corrections due) go there.", field="econtact_email")


def _certification(add: Any, values: dict[str, Any]) -> None:
    missing = [OWNER_OPERATOR_FIELD_BY_KEY[k] for k in CERTIFICATION_KEYS if values.get(k) in (None, "")]
    if missing:
        add("certification", "blocking", "certification", "facility_info",
            "The certification is not complete: " + ", ".join(f.label for f in missing) + " missing. Without the "
            "preparer and the signer's name, title and date the filing is not certified, and inspectors mark it "
            "Not Accepted.", field=missing[0].key)


# ---- inventory ----------------------------------------------------------------------------------------------------
def _inventory(add: Any, required: dict[str, Any], answers: dict[str, Any], items: list[Any]) -> None:
    inv = required["inventory"]
    if inv.required is True and not items:
        add("inventory_empty", "blocking", "inventory", "inventory",
            f"The inventory is empty, but {'; '.join(inv.reasons)}: list each hazardous material at or above the "
            "reporting amounts (in the chat, or upload the CERS Excel template).")
    elif inv.required is False and items:
        add("inventory_not_expected", "advice", "business_activities", "facility_info",
            f"You answered that there are no hazardous materials on site at or above the reporting amounts, yet the "
            f"inventory lists {len(items)} material{'s' if len(items) != 1 else ''}. Check that answer: with it, "
            "the inventory, site map and plans are not required.", field="hm_on_site")
    waste = required["waste_streams"]
    if waste.required is True and items and not any(i.hm_type == "c" for i in items):
        add("waste_streams", "advice", "waste_streams", "inventory",
            f"The inventory lists no waste, but {'; '.join(waste.reasons)}. Add each hazardous waste at or above "
            "the reporting amounts as type Waste, with its state waste code and yearly amount.")
    for key, (flag, words) in TANK_CONTAINERS.items():
        if answers.get(key) is True and items and not any(getattr(i, flag) for i in items):
            add("tank_contents", "advice", "inventory", "inventory",
                f"You said you own or operate an {words}, but no inventory line is stored in one. Reviewers check "
                f"that what is in the tanks appears in the inventory: mark the {words} as the container of its "
                "contents.", field=flag)
    for item in items:
        values = inventory.item_values(item)
        for problem in inventory.problems(values, values["components"]):
            add("inventory_line", "blocking", "inventory", "inventory",
                f"{item.common_name}: {problem.message[0].upper()}{problem.message[1:]}", field=problem.field,
                item_id=item.id)
        if not any(values.get(f) for f in HAZARD_FIELDS) and not values.get("ghs_hazards"):
            add("hazard_categories", "advice", "inventory", "inventory",
                f"{item.common_name}: no hazard category is chosen (fire, reactive, pressure release, acute or "
                "chronic health; section 2 of the Safety Data Sheet). Inspectors expect them on every line.",
                field="ghs_hazards", item_id=item.id)
        elif not values.get("ghs_hazards"):
            add("hazard_categories", "advice", "inventory", "inventory",
                f"{item.common_name}: it has only the older hazard categories; CERS has asked for the GHS hazard "
                "categories (section 2 of the Safety Data Sheet) since 2018.", field="ghs_hazards", item_id=item.id)


# ---- documents ----------------------------------------------------------------------------------------------------
def _documents(add: Any, required: dict[str, Any], current: dict[str, Any]) -> None:
    for key, element in DOCUMENT_OF.items():
        needed = required[key]
        document = current.get(element)
        label = ELEMENT_LABELS[element]
        if document is None:
            if needed.required is True:
                add("document_missing", "blocking", key, "documents",
                    f"The {label} is missing, and it is required because {'; '.join(needed.reasons)}. Upload it "
                    "as a PDF" + (" (or say it is provided elsewhere in CERS)." if element in
                                  documents.PROVIDED_ELSEWHERE_ELEMENTS else "."))
            continue
        missing = (document.findings or {}).get("missing") or []
        if missing:
            labels = {i.key: i.label for i in items_for(element)}
            add("document_content", "advice", key, "documents",
                f"The text of your {label} does not seem to show: {', '.join(labels.get(k, k) for k in missing)}. "
                "Fine if they are there as symbols; otherwise add them and upload it again.")
