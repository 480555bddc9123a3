"""The elements an inspector decides and the standard reasons for "Not Accepted", a pick list written from
cers-pitfalls.md (the standard HMBP violation list and the checks that can be made on a filing). Data only: the
review service validates against it, the console shows it, `status()` and the emails word the reasons with it.
"""
from __future__ import annotations

from dataclasses import dataclass

from bot.models import REVIEW_ELEMENTS

ELEMENT_LABELS = {
    "business_activities": "Business Activities",
    "owner_operator": "Business Owner/Operator Identification",
    "inventory": "Hazardous Materials Inventory",
    "site_map": "Site Map",
    "emergency_response_plan": "Emergency Response / Contingency Plan",
    "employee_training_plan": "Employee Training Plan",
    "certification": "Certification",
}
assert tuple(ELEMENT_LABELS) == REVIEW_ELEMENTS


@dataclass(frozen=True)
class Reason:
    code: str
    label: str  # what the filer reads in the email and in the chat
    elements: tuple[str, ...]  # the elements it may be given for


ALL = REVIEW_ELEMENTS
REASONS: tuple[Reason, ...] = (
    Reason("ba_incomplete", "The Business Activities page is not completed.", ("business_activities",)),
    Reason("ba_inconsistent", "The Business Activities answers do not match the filing (for example hazardous "
           "materials or tanks answered yes without them in the inventory).", ("business_activities", "inventory")),
    Reason("oo_incomplete", "The Owner/Operator page is not completed or not current.", ("owner_operator",)),
    Reason("oo_24h_phone", "An emergency contact has no 24-hour phone number.", ("owner_operator",)),
    Reason("oo_econtact_email", "The environmental contact's email address is missing (notices go there).",
           ("owner_operator",)),
    Reason("oo_property_owner", "The property owner is not identified or not told in writing that the business "
           "is subject to the business plan (HSC 25505.1).", ("owner_operator",)),
    Reason("inv_incomplete", "The inventory is incomplete or not submitted.", ("inventory",)),
    Reason("inv_ehs_pounds", "An Extremely Hazardous Substance is not reported in pounds.", ("inventory",)),
    Reason("inv_average_over_max", "An average daily amount is greater than the maximum daily amount.",
           ("inventory",)),
    Reason("inv_largest_over_max", "A largest container is greater than the maximum daily amount.", ("inventory",)),
    Reason("inv_units_state", "The units do not fit the physical state (liquid in gallons, solid in pounds, gas in "
           "cubic feet).", ("inventory",)),
    Reason("inv_container", "A material has no storage container type.", ("inventory",)),
    Reason("inv_components", "A mixture or waste is missing its hazardous components (% by weight, name, CAS, EHS).",
           ("inventory",)),
    Reason("inv_waste", "A waste line has no state waste code or annual amount.", ("inventory",)),
    Reason("inv_hazards", "Hazard categories are missing on a line.", ("inventory",)),
    Reason("inv_missing_materials", "Materials expected at this business are missing (for example tank contents "
           "or what the site map shows).", ("inventory",)),
    Reason("map_missing", "The site map is missing or not sufficient.", ("site_map",)),
    Reason("map_north_arrow", "The site map has no north arrow.", ("site_map",)),
    Reason("map_streets", "The site map does not show the adjacent streets.", ("site_map",)),
    Reason("map_exits", "The site map does not show the access and exit points.", ("site_map",)),
    Reason("map_evacuation", "The site map does not show the evacuation staging areas.", ("site_map",)),
    Reason("map_storage", "The site map does not show every hazardous material storage and handling area.",
           ("site_map",)),
    Reason("map_equipment", "The site map does not show the emergency response equipment.", ("site_map",)),
    Reason("map_shutoffs", "The site map does not show the emergency shutoffs, storm and sewer drains.",
           ("site_map",)),
    Reason("erp_missing", "The emergency response plan is inadequate, missing or not submitted.",
           ("emergency_response_plan",)),
    Reason("erp_phones", "The plan is missing phone numbers: 911, the CUPA, the State Warning Center "
           "(800-852-7550), the nearest hospital, the Regional Water Board.", ("emergency_response_plan",)),
    Reason("erp_revision_date", "The plan has no current revision date.", ("emergency_response_plan",)),
    Reason("erp_coordinator", "The plan does not name the emergency coordinator with contact numbers.",
           ("emergency_response_plan",)),
    Reason("erp_evacuation", "The plan does not describe the evacuation and alarm method.",
           ("emergency_response_plan",)),
    Reason("etp_missing", "The employee training plan is inadequate or not submitted.", ("employee_training_plan",)),
    Reason("etp_initial_annual", "The training plan lacks initial training for new hires and a documented annual "
           "refresher.", ("employee_training_plan",)),
    Reason("cert_missing", "The filing is not certified as complete and accurate.", ("certification",)),
    Reason("cert_preparer_signer", "The document preparer or the signer's name, title or date is missing.",
           ("certification",)),
    Reason("not_updated", "Not updated within 30 days of a substantial change.", ALL),
    Reason("other", "Other (see the inspector's note).", ALL),
)
BY_CODE = {r.code: r for r in REASONS}


def reasons_for(element: str) -> list[Reason]:
    """The pick list of one element, in order."""
    return [r for r in REASONS if element in r.elements]


def label_of(code: str) -> str:
    reason = BY_CODE.get(code)
    return reason.label if reason is not None else code
