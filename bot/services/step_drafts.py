"""What a guided step has open for one filer at one facility — the material being entered, a half-answered
question, the materials named but not taken yet — kept in the database (`step_drafts`), so a pause, a new
browser session (a new conversation) or a restarted server resumes it exactly.

The engines call `load` when the channel hands them an empty state and `keep` after every reply; `clear`
when nothing is open any more. The role check is the caller's (the engines check it before anything else);
these functions only read and write the one row of (facility, user, step).
"""
from __future__ import annotations

from typing import Any, Optional

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.models import StepDraft
from bot.timeutil import utcnow


def load(db: Session, facility_id: int, user_id: Optional[int], step: str) -> Optional[dict[str, Any]]:
    """The open state of `step`, or None."""
    if user_id is None:
        return None
    row = db.execute(select(StepDraft).where(StepDraft.facility_id == facility_id, StepDraft.user_id == user_id,
                                             StepDraft.step == step)).scalar_one_or_none()
    return dict(row.state) if row is not None and isinstance(row.state, dict) else None


def keep(db: Session, facility_id: int, user_id: Optional[int], step: str, state: Optional[dict[str, Any]]) -> None:
    """Store what is open (or remove the row when `state` is empty)."""
    if user_id is None:
        return
    if not state:
        clear(db, facility_id, user_id, step)
        return
    row = db.execute(select(StepDraft).where(StepDraft.facility_id == facility_id, StepDraft.user_id == user_id,
                                             StepDraft.step == step)).scalar_one_or_none()
    if row is None:
        db.add(StepDraft(facility_id=facility_id, user_id=user_id, step=step, state=state, updated_at=utcnow()))
    else:
        row.state = dict(state)
        row.updated_at = utcnow()
    db.flush()


def clear(db: Session, facility_id: int, user_id: Optional[int], step: str) -> None:
    if user_id is None:
        return
    db.execute(delete(StepDraft).where(StepDraft.facility_id == facility_id, StepDraft.user_id == user_id,
                                       StepDraft.step == step))


def anything_open(db: Session, facility_id: int, step: str) -> bool:
    """Whether any filer has something open in `step` at this facility (the checklist says "in progress")."""
    return db.execute(select(StepDraft.id).where(StepDraft.facility_id == facility_id, StepDraft.step == step)
                      .limit(1)).first() is not None
