"""What a site map and the plans must show, and which of it could not be found in a PDF's text.

Advice only, never a refusal: a site map is a drawing, and a north arrow or an extinguisher is often a symbol
that has no text. The checklist follows cers-pitfalls.md (19 CCR Appendix 4 items most CUPAs ask for) and the
plan items the inspectors cite most (emergency phone numbers, a current revision date, training for new hires
and a yearly refresher). Pure functions: no database, no files.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

ELEMENT_LABELS = {
    "site_map": "Site Map",
    "emergency_response_plan": "Emergency Response / Contingency Plan",
    "employee_training_plan": "Employee Training Plan",
}


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str  # what the filer reads: "a north arrow"
    patterns: tuple[str, ...]  # any one found in the lower-cased text counts


_DATE = (r"(\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2}\b|\b(?:19|20)\d{2}-\d{1,2}-\d{1,2}\b|"
         r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?:\d{1,2},?\s+)?(?:19|20)\d{2}\b)")
_PHONE = r"(\(?\b\d{3}\)?[\s.-]*\d{3}[\s.-]+\d{4}\b)"

SITE_MAP_ITEMS = (
    ChecklistItem("north_arrow", "a north arrow", (r"\bnorth\b", r"\bn\s*[↑⬆▲]",)),
    ChecklistItem("streets", "the streets next to the site (with cross streets)",
                  (r"\bstreets?\b", r"\bavenue\b", r"\bave\b", r"\broad\b", r"\brd\b", r"\bblvd\b", r"\bboulevard\b",
                   r"\bdrive\b", r"\bhighway\b", r"\bhwy\b", r"\blane\b", r"\bcross[- ]?streets?\b", r"\bway\b",
                   r"\b[a-z]+\s+st\b")),
    ChecklistItem("exits", "the building exits and entrances (access and exit points)",
                  (r"\bexits?\b", r"\bentrances?\b", r"\bentry\b", r"\baccess points?\b", r"\bgates?\b",
                   r"\begress\b", r"\bdoors?\b")),
    ChecklistItem("storage_areas", "where hazardous materials are stored and handled",
                  (r"hazardous materials?", r"\bhaz\s*mats?\b", r"\bstorage\b", r"\bchemicals?\b", r"\bdrums?\b",
                   r"\btanks?\b", r"\bflammables?\b", r"\bcabinets?\b", r"\bwaste\b")),
    ChecklistItem("shutoffs", "the emergency shut-offs (gas, electric, water)",
                  (r"shut[\s-]*offs?", r"\bshutoffs?\b", r"\bemergency stop\b", r"\be-?stop\b",
                   r"\bgas (?:valve|meter)",
                   r"\bmain (?:breaker|disconnect|valve)\b", r"\belectric(?:al)? panel\b", r"\bdisconnect\b",
                   r"\bwater valve\b", r"\butility\b")),
    ChecklistItem("emergency_equipment", "emergency equipment: fire extinguishers, fire hydrants, spill kits",
                  (r"extinguishers?", r"\bhydrants?\b", r"\bspill kits?\b", r"\bfire alarm\b", r"\bpull stations?\b",
                   r"\bsprinkler riser\b", r"\beye ?wash", r"\bsafety shower\b", r"\bfirst aid\b", r"\bf\.?e\.?\b")),
    ChecklistItem("evacuation_area", "the evacuation assembly / staging area",
                  (r"\bevacuation\b", r"\bassembly (?:area|point)\b", r"\bstaging\b", r"\bmuster\b",
                   r"\bmeeting (?:point|area|place)\b", r"\brally point\b")),
    ChecklistItem("scale_legend", "a scale or a legend of the symbols",
                  (r"\bscale\b", r"\blegend\b", r"\bnot to scale\b", r"\bn\.?t\.?s\.?\b", r"\bmap key\b",
                   r"\bsymbols?\b")),
)

EMERGENCY_PHONES = ChecklistItem(
    "emergency_phones", "the emergency phone numbers (911, the emergency coordinators' 24-hour numbers)",
    (r"\b911\b",))
STATE_WARNING_CENTER = ChecklistItem(
    "state_warning_center", "the State Warning Center's number, (800) 852-7550",
    (r"852[\s.-]*7550", r"state warning center", r"cal ?oes", r"office of emergency services"))
REVISION_DATE = ChecklistItem("revision_date", "the date the plan was last revised", ())
TRAINING_SCHEDULE = ChecklistItem(
    "training_schedule", "training for new employees and a yearly refresher for everyone",
    (r"\bannual(?:ly)?\b", r"\byearly\b", r"\brefresher\b", r"\bevery year\b", r"\bonce a year\b"))

PLAN_ITEMS = {
    "emergency_response_plan": (EMERGENCY_PHONES, STATE_WARNING_CENTER, REVISION_DATE),
    "employee_training_plan": (EMERGENCY_PHONES, REVISION_DATE, TRAINING_SCHEDULE),
}

SITE_MAP_CHECKLIST = (
    "A site map is a simple drawing of your facility (hand-drawn is fine if it is clear). It must show:\n"
    + "\n".join(f"- {item.label}" for item in SITE_MAP_ITEMS)
    + "\nWhere you have them, also show loading areas, internal roads, storm and sewer drains, and the parking "
    "lot. Mark every place on the inventory's list of locations, with the same names. Some CUPAs also ask for a "
    "grid and the use of the neighbouring properties."
)


def items_for(element: str) -> tuple[ChecklistItem, ...]:
    if element == "site_map":
        return SITE_MAP_ITEMS
    return PLAN_ITEMS.get(element, ())


@dataclass(frozen=True)
class Advice:
    element: str
    has_text: bool
    missing: tuple[ChecklistItem, ...]
    found: tuple[str, ...]

    @property
    def missing_keys(self) -> list[str]:
        return [item.key for item in self.missing]

    @property
    def message(self) -> str:
        what = ELEMENT_LABELS.get(self.element, "document").lower()
        if not self.has_text:
            listed = "\n".join(f"- {item.label}" for item in items_for(self.element))
            return (f"I couldn't read any text in this PDF (a scan or a drawing saved as a picture), so I couldn't "
                    f"check it for you. The file is saved. Please check yourself that your {what} shows:\n{listed}")
        if not self.missing:
            return f"The file is saved, and I found in it everything your {what} should show."
        listed = "\n".join(f"- {item.label}" for item in self.missing)
        return (f"The file is saved. As advice only: I couldn't find these in the text of your {what}:\n{listed}\n"
                "If they are there as symbols or pictures, that's fine; if not, inspectors often ask for them, so "
                "add them and upload the new version.")


def _normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().lower()


def _has_revision_date(text: str) -> bool:
    words = [m.end() for m in re.finditer(r"revis\w*|updated|effective|\bdated?\b|prepared|reviewed", text)]
    dates = [m.start() for m in re.finditer(_DATE, text)]
    return any(0 <= d - w <= 80 for w in words for d in dates)


def _found(item: ChecklistItem, text: str) -> bool:
    if item is REVISION_DATE:
        return _has_revision_date(text)
    if item is EMERGENCY_PHONES:  # 911 and at least one ten-digit number
        return bool(re.search(r"\b911\b", text)) and bool(re.search(_PHONE, text))
    return any(re.search(pattern, text) for pattern in item.patterns)


def advice(element: str, text: Optional[str]) -> Advice:
    """Which checklist items of `element` could not be found in `text` (None or blank: no text to check)."""
    normalized = _normalized(text or "")
    items = items_for(element)
    if not re.search(r"[a-z]{3}", normalized):
        return Advice(element, False, items, ())
    missing = tuple(item for item in items if not _found(item, normalized))
    found = tuple(item.key for item in items if item not in missing)
    return Advice(element, True, missing, found)
