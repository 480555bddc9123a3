"""Drafts of the two plans for a filer who has none yet (the CUPAs hand out templates for this): the Emergency
Response / Contingency Plan and the Employee Training Plan, as PDFs filled in from the facility's own filing, in
the layout of the state's consolidated contingency plan. The filer completes the blanks, signs and uploads it;
nothing here stores a document or changes the filing.

- `draft_plan(db, actor, facility_id, element)` → `PlanDraft` (filename, PDF bytes): reads the filing through the
  services (a role on the facility, else PermissionDenied) and records the download in the audit trail, as the
  inventory export does (`document.draft`).
- `gather` (filing.py) reads; `emergency.build` and `training.build` are pure functions of what it read.
- `DRAFT_SLUGS` / `draft_path`: the web address of each draft (`/documents/draft/<slug>?facility=CERSID`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlalchemy.orm import Session

from bot import audit
from bot.actor import Actor
from bot.documents.plan_drafts import emergency, training
from bot.documents.plan_drafts.filing import FilingData, gather
from bot.errors import ValidationError

__all__ = ["BUILDERS", "DRAFT_SLUGS", "FilingData", "PlanDraft", "draft_path", "draft_plan", "gather"]

BUILDERS: dict[str, Callable[[FilingData], bytes]] = {
    "emergency_response_plan": emergency.build,
    "employee_training_plan": training.build,
}
DRAFT_SLUGS = {"emergency-response-plan": "emergency_response_plan", "training-plan": "employee_training_plan"}
SLUG_OF = {element: slug for slug, element in DRAFT_SLUGS.items()}
NO_SUCH_DRAFT = ("I can draft the Emergency Response / Contingency Plan and the Employee Training Plan. Open the "
                 "Documents page and use the link next to the plan you need.")


@dataclass(frozen=True)
class PlanDraft:
    filename: str
    content: bytes


def draft_path(element: str, cers_id: str) -> str:
    """The site path of the element's draft for the facility ("/documents/draft/training-plan?facility=...")."""
    return f"/documents/draft/{SLUG_OF[element]}?facility={cers_id}"


def draft_plan(db: Session, actor: Actor, facility_id: int, element: str) -> PlanDraft:
    """The element's draft filled in from the facility's current filing; audited as a download."""
    build = BUILDERS.get(element)
    if build is None:
        raise ValidationError(NO_SUCH_DRAFT, field="element")
    data = gather(db, actor, facility_id)
    content = build(data)
    audit.record(db, actor, "document.draft", "facility", facility_id, facility_id=facility_id, element=element,
                 materials=len(data.materials))
    return PlanDraft(f"CERSID_{data.cers_id}_{element}_DRAFT.pdf", content)
