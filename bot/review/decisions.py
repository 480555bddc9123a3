"""Reading an inspector's decisions on a filing, in the words the filer reads (the Not Accepted email, `status()`
of bot.submittals.service, the chat's "what do I need to fix?"). Reads only; no role check (the callers have made
it)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import REVIEW_ELEMENTS, Facility, ReviewDecision, Submittal
from bot.review.reasons import ELEMENT_LABELS, label_of


@dataclass(frozen=True)
class ElementToFix:
    """One element the inspector did not accept: its reasons (pick-list labels), the note, where it is fixed."""

    element: str
    label: str
    reasons: tuple[str, ...]
    note: Optional[str]
    url: str  # where the filer fixes it

    @property
    def message(self) -> str:
        said = " ".join(self.reasons)
        note = f" Inspector's note: {self.note}" if self.note else ""
        return f"{self.label}: {said}{note}".strip()


def fix_url(element: str, cers_id: str) -> str:
    if element == "inventory":
        return f"/inventory/upload?facility={cers_id}"
    if element in ("site_map", "emergency_response_plan", "employee_training_plan"):
        return f"/documents?facility={cers_id}"
    return "/"  # Business Activities, Owner/Operator and the certification are answered in the chat


def decisions_of(db: Session, submittal_id: int) -> dict[str, ReviewDecision]:
    rows = db.execute(select(ReviewDecision).where(ReviewDecision.submittal_id == submittal_id)).scalars()
    return {row.element: row for row in rows}


def to_fix(db: Session, filing: Submittal) -> tuple[ElementToFix, ...]:
    """The elements of a reviewed filing that were Not Accepted, in form order (empty for any other filing)."""
    if filing.status != "Not Accepted":
        return ()
    facility = db.get(Facility, filing.facility_id)
    decided = decisions_of(db, filing.id)
    result = []
    for element in REVIEW_ELEMENTS:
        row = decided.get(element)
        if row is not None and row.decision == "Not Accepted":
            result.append(ElementToFix(element, ELEMENT_LABELS[element],
                                       tuple(label_of(code) for code in (row.reasons or [])), row.note or None,
                                       fix_url(element, facility.cers_id)))
    return tuple(result)
