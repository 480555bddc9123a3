"""Documents of a facility's Draft filing: the Site Map, the Emergency Response / Contingency Plan and the
Employee Training Plan (for which "provided elsewhere in CERS" is also an answer).

Like the inventory services, every function takes the acting `Actor`; the person whose access counts is
`actor.subject_user_id`, who must hold a role on the facility (else PermissionDenied, nothing read or written).
Writes go into the caller's session (commit it) with one audit row each (`document.upload`,
`document.provided_elsewhere`). A file is checked by content (`pdf_check`) before anything is stored; a refused
file leaves no file, no row and no audit. History is kept: a new upload or answer marks the one before as
replaced (`Document.replaced_at`), and the files stay on disk by content hash (`storage`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import audit
from bot.actor import Actor
from bot.config import get_settings
from bot.documents import pdf_check, storage
from bot.documents.advice import ELEMENT_LABELS, SITE_MAP_CHECKLIST, Advice, advice
from bot.errors import Conflict, NotFound, ValidationError
from bot.models import DOCUMENT_ELEMENTS, Document, Submittal, User
from bot.services import facilities, inspectors
from bot.submittals.drafts import current_filing
from bot.timeutil import utcnow

__all__ = [
    "ELEMENTS", "ELEMENT_LABELS", "PROVIDED_ELSEWHERE_ELEMENTS", "SITE_MAP_CHECKLIST", "Advice", "UploadResult",
    "advice", "current_documents", "describe", "describe_file", "get_document", "history", "provided_elsewhere",
    "upload",
]

ELEMENTS = DOCUMENT_ELEMENTS
PROVIDED_ELSEWHERE_ELEMENTS = ("employee_training_plan",)
UNKNOWN_ELEMENT = ("Say which document this is: the Site Map, the Emergency Response / Contingency Plan or the "
                   "Employee Training Plan.")
RACE = ("Another upload of this document finished at the same moment. Reload the page to see which one is "
        "current, and upload again if it is not yours.")


@dataclass(frozen=True)
class UploadResult:
    document: Document
    advice: Advice
    unchanged: bool  # the very same file was already the current document: nothing new was written

    @property
    def message(self) -> str:
        label = ELEMENT_LABELS[self.document.element]
        if self.unchanged:
            return f"This file is already your {label}; nothing changed. " + self.advice.message
        return f"{label} saved ({describe_file(self.document)}). " + self.advice.message


def _check_element(element: str) -> str:
    value = (element or "").strip().lower()
    if value not in ELEMENTS:
        raise ValidationError(UNKNOWN_ELEMENT, field="element")
    return value


def _clean_filename(filename: str) -> str:
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()
    return name[:255] or "document.pdf"


def _draft_for_write(db: Session, actor: Actor, facility_id: int) -> Submittal:
    from bot.excel.service import draft_submittal  # the one place that creates Drafts

    return draft_submittal(db, actor, facility_id)


def _current(db: Session, submittal_id: int, element: str) -> Optional[Document]:
    return db.execute(select(Document).where(Document.submittal_id == submittal_id, Document.element == element,
                                             Document.replaced_at.is_(None))).scalar_one_or_none()


def _replace_current(db: Session, submittal_id: int, element: str, new: Document) -> Optional[int]:
    """Mark the current document replaced and add `new` as current; the replaced row's id (or None)."""
    before = _current(db, submittal_id, element)
    try:
        with db.begin_nested():
            if before is not None:
                before.replaced_at = utcnow()
                db.flush()
            db.add(new)
            db.flush()
    except IntegrityError:
        raise Conflict(RACE) from None
    return before.id if before is not None else None


def upload(db: Session, actor: Actor, facility_id: int, element: str, filename: str, data: bytes) -> UploadResult:
    """Check `data` is a PDF CERS takes, store it by content hash, make it the element's current document of
    the facility's Draft (created if needed), and say what its text seems to lack (advice, not a refusal)."""
    facilities.require_role(db, actor.subject_user_id, facility_id)
    element = _check_element(element)
    name = _clean_filename(filename)
    info = pdf_check.check_pdf(data, get_settings().document_max_bytes, filename=name)
    found = advice(element, info.text)
    draft = _draft_for_write(db, actor, facility_id)
    current = _current(db, draft.id, element)
    stored = storage.store(data)
    if current is not None and current.sha256 == stored.sha256:
        return UploadResult(current, found, unchanged=True)
    document = Document(
        facility_id=facility_id, submittal_id=draft.id, element=element, uploaded_by_user_id=actor.subject_user_id,
        provided_elsewhere=False, original_filename=name, pages=info.pages, size_bytes=info.size_bytes,
        sha256=stored.sha256, stored_path=stored.relative_path,
        findings={"has_text": found.has_text, "missing": found.missing_keys}, created_at=utcnow(),
    )
    replaced = _replace_current(db, draft.id, element, document)
    audit.record(db, actor, "document.upload", "document", document.id, facility_id=facility_id, element=element,
                 filename=name, pages=info.pages, size_bytes=info.size_bytes, sha256=stored.sha256,
                 replaced=replaced, already_on_disk=not stored.created, missing=found.missing_keys)
    return UploadResult(document, found, unchanged=False)


def provided_elsewhere(db: Session, actor: Actor, facility_id: int,
                       element: str = "employee_training_plan") -> Document:
    """Answer "provided elsewhere in CERS" for the training plan (a row with no file); a no-op when it is the
    current answer already."""
    facilities.require_role(db, actor.subject_user_id, facility_id)
    element = _check_element(element)
    if element not in PROVIDED_ELSEWHERE_ELEMENTS:
        raise ValidationError(f"The {ELEMENT_LABELS[element]} must be uploaded as a PDF; only the Employee "
                              "Training Plan can be “provided elsewhere in CERS”.", field="element")
    draft = _draft_for_write(db, actor, facility_id)
    current = _current(db, draft.id, element)
    if current is not None and current.provided_elsewhere:
        return current
    document = Document(facility_id=facility_id, submittal_id=draft.id, element=element,
                        uploaded_by_user_id=actor.subject_user_id, provided_elsewhere=True, created_at=utcnow())
    replaced = _replace_current(db, draft.id, element, document)
    audit.record(db, actor, "document.provided_elsewhere", "document", document.id, facility_id=facility_id,
                 element=element, replaced=replaced)
    return document


def current_documents(db: Session, actor: Actor, facility_id: int) -> dict[str, Optional[Document]]:
    """The current document (or None) of each element of the facility's Draft, in element order. Reads only."""
    facilities.require_role(db, actor.subject_user_id, facility_id)
    result: dict[str, Optional[Document]] = {element: None for element in ELEMENTS}
    draft = current_filing(db, facility_id)
    if draft is None:
        return result
    rows = db.execute(select(Document).where(Document.submittal_id == draft.id,
                                             Document.replaced_at.is_(None))).scalars()
    for row in rows:
        result[row.element] = row
    return result


def history(db: Session, actor: Actor, facility_id: int, element: str) -> list[Document]:
    """Every document of `element` in the facility's Draft, newest first (the current one first)."""
    facilities.require_role(db, actor.subject_user_id, facility_id)
    element = _check_element(element)
    draft = current_filing(db, facility_id)
    if draft is None:
        return []
    return list(db.execute(select(Document).where(Document.submittal_id == draft.id, Document.element == element)
                           .order_by(Document.id.desc())).scalars())


def get_document(db: Session, actor: Actor, document_id: int) -> Document:
    """A document the actor may read (a role on its facility, or an inspector of its CUPA reviewing it); NotFound
    when there is none with a file."""
    document = db.get(Document, document_id)
    if document is None or document.stored_path is None:
        raise NotFound("That document is not here any more. Reload the page to see the current ones.")
    facility = facilities.get_facility(db, document.facility_id)
    user = db.get(User, actor.user_id) if actor.user_id is not None and actor.on_behalf_of is None else None
    if not inspectors.covers(user, facility):
        facilities.require_role(db, actor.subject_user_id, document.facility_id)
    return document


def describe_file(document: Document) -> str:
    pages = f"{document.pages} page{'s' if document.pages != 1 else ''}"
    size = document.size_bytes or 0
    shown = f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"
    return f"{pages}, {shown}"


def describe(document: Optional[Document]) -> str:
    """The status line of an element: "Not uploaded yet", "Provided elsewhere in CERS", or the file."""
    if document is None:
        return "Not uploaded yet"
    if document.provided_elsewhere:
        return "Provided elsewhere in CERS"
    when = document.created_at.strftime("%b %d, %Y") if document.created_at else ""
    return f"Uploaded: {document.original_filename} ({describe_file(document)}){', ' + when if when else ''}"
