"""The CUPA inspector's review of submitted filings.

- `queue(db, actor)`: the Submitted and Under Review filings of the facilities of the inspector's CUPA, oldest
  submit first.
- `open_filing(db, actor, submittal_id)`: the filing for review — every element with its data and documents, the
  diff against the facility's last Accepted filing, the decisions so far, the pick list; a Submitted filing becomes
  Under Review (audited) the first time an inspector opens it.
- `decide_element(db, actor, submittal_id, element, accepted, reasons, note)`: Accepted or Not Accepted for one
  element (reasons from bot/review/reasons.py, free text). A decision can be changed until every element is
  decided; the last one sets the filing's status — Accepted when every element is, else Not Accepted with a due
  date 30 days out — and emails every active Lead User (the reasons per element and the due date, or the
  acceptance) through the outbox, in the same transaction.
- `escalated_requests(db, actor)` / `decide_access(db, actor, request_id, grant)`: access requests of the CUPA's
  facilities that have no Lead User left, decided through bot.services.access.

Who may: an active inspector of the facility's CUPA (`bot.services.inspectors`, the one check); anyone else gets
PermissionDenied and nothing is read or written. Every write is audited with the inspector as the actor.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Iterable, Optional

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import audit
from bot.actor import Actor
from bot.config import get_settings
from bot.documents.advice import items_for
from bot.documents.service import describe as describe_document
from bot.errors import Conflict, NotFound, ValidationError
from bot.facility_info.questions import BUSINESS_QUESTIONS, CERTIFICATION_KEYS, OWNER_OPERATOR_FIELD_BY_KEY
from bot.inventory.service import describe_item
from bot.models import (
    BUSINESS_ACTIVITY_COLUMNS, DOCUMENT_ELEMENTS, OWNER_OPERATOR_COLUMNS, REVIEW_ELEMENTS, AccessRequest,
    BusinessActivities, Cupa, Document, Facility, InventoryItem, OwnerOperator, ReviewDecision, Submittal, User,
)
from bot.review.decisions import decisions_of, to_fix
from bot.review.reasons import BY_CODE, ELEMENT_LABELS, Reason, label_of, reasons_for
from bot.services import access, facilities, mailer
from bot.services.inspectors import inspector_user, require_inspector_of
from bot.timeutil import as_utc, utcnow
from bot.validation import clean_text

CORRECTIONS_DAYS = 30
IN_QUEUE = ("Submitted", "Under Review")
MAX_NOTE = 2000
_QUESTION_LABEL = {q.key: (q.short or q.question) for q in BUSINESS_QUESTIONS}
_ITEM_SKIP = {"id", "submittal_id", "position", "chemical_id", "created_at", "updated_at"}


# ---- what the console shows ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class QueueEntry:
    submittal_id: int
    cers_id: str
    facility_name: str
    address: str
    status: str
    year: int
    submitted_at: Optional[datetime]
    submitted_by: Optional[str]


@dataclass(frozen=True)
class DocumentView:
    document_id: Optional[int]  # None: no file (missing, or provided elsewhere)
    status: str
    filename: Optional[str]
    pages: Optional[int]
    provided_elsewhere: bool
    advice_missing: tuple[str, ...]  # what the upload's content check could not find (advice)


@dataclass(frozen=True)
class Decision:
    decision: str
    reasons: tuple[str, ...]  # codes
    reason_labels: tuple[str, ...]
    note: Optional[str]
    reviewer: Optional[str]
    decided_at: datetime


@dataclass
class ElementDiff:
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (label, before, after)
    added: list[str] = field(default_factory=list)  # materials
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[tuple[str, str, str]]]] = field(default_factory=list)  # (material, fields)
    documents: list[str] = field(default_factory=list)  # "replaced: a.pdf -> b.pdf"

    @property
    def empty(self) -> bool:
        return not (self.fields or self.added or self.removed or self.changed or self.documents)


@dataclass
class FilingDiff:
    against_submittal_id: Optional[int]  # None: no Accepted filing before this one
    against_date: Optional[datetime]
    elements: dict[str, ElementDiff] = field(default_factory=dict)


@dataclass
class ElementView:
    key: str
    label: str
    rows: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    lines: list[str] = field(default_factory=list)  # inventory lines
    document: Optional[DocumentView] = None
    decision: Optional[Decision] = None
    pick_list: list[Reason] = field(default_factory=list)
    diff: Optional[ElementDiff] = None


@dataclass
class FilingReview:
    submittal_id: int
    status: str
    year: int
    cers_id: str
    facility_name: str
    address: str
    cupa_name: Optional[str]
    submitted_at: Optional[datetime]
    submitted_by: Optional[str]
    reviewed_at: Optional[datetime]
    due_date: Optional[date]
    elements: list[ElementView]
    diff: FilingDiff

    @property
    def open(self) -> bool:
        return self.status in IN_QUEUE


@dataclass(frozen=True)
class DecisionResult:
    element: str
    decision: str
    filing_status: str
    finished: bool  # this decision was the last: the status is set and the Lead Users emailed
    due_date: Optional[date]
    message: str


# ---- helpers ---------------------------------------------------------------------------------------------------------
def _day(value: Any) -> str:
    if isinstance(value, datetime):
        value = as_utc(value)
    return f"{value:%B} {value.day}, {value:%Y}" if value else ""


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return _day(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def _name(db: Session, user_id: Optional[int]) -> Optional[str]:
    user = db.get(User, user_id) if user_id is not None else None
    return user.full_name if user is not None else None


def _filing(db: Session, actor: Actor, submittal_id: int, *, lock: bool = False) -> tuple[Submittal, Facility, User]:
    """The filing with its facility and the inspector; NotFound for a Draft (not submitted: not the CUPA's yet)."""
    inspector = inspector_user(db, actor)  # a filer or staff is refused before anything is read
    stmt = select(Submittal).where(Submittal.id == submittal_id)
    if lock and db.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    filing = db.execute(stmt.execution_options(populate_existing=True)).scalar_one_or_none()
    if filing is None or filing.status == "Draft":
        raise NotFound("That filing is not in the review queue. Open the queue again.")
    facility = facilities.get_facility(db, filing.facility_id)
    require_inspector_of(db, actor, facility)
    return filing, facility, inspector


def _one(db: Session, model: Any, submittal_id: Optional[int]) -> Any:
    if submittal_id is None:
        return None
    return db.execute(select(model).where(model.submittal_id == submittal_id)).scalar_one_or_none()


def _items(db: Session, submittal_id: Optional[int]) -> list[InventoryItem]:
    if submittal_id is None:
        return []
    return list(db.execute(select(InventoryItem).where(InventoryItem.submittal_id == submittal_id)
                           .order_by(InventoryItem.position, InventoryItem.id)).scalars())


def _documents(db: Session, submittal_id: Optional[int]) -> dict[str, Document]:
    if submittal_id is None:
        return {}
    rows = db.execute(select(Document).where(Document.submittal_id == submittal_id, Document.replaced_at.is_(None)))
    return {d.element: d for d in rows.scalars()}


def _ba_rows(ba: Optional[BusinessActivities]) -> dict[str, tuple[str, Any]]:
    rows = {key: (_QUESTION_LABEL.get(key, key), getattr(ba, key) if ba is not None else None)
            for key in BUSINESS_ACTIVITY_COLUMNS}
    rows["epa_id"] = ("EPA ID", ba.epa_id if ba is not None else None)
    return rows


def _oo_rows(oo: Optional[OwnerOperator], keys: Iterable[str]) -> dict[str, tuple[str, Any]]:
    return {key: (OWNER_OPERATOR_FIELD_BY_KEY[key].label if key in OWNER_OPERATOR_FIELD_BY_KEY else key,
                  getattr(oo, key) if oo is not None else None) for key in keys}


_OO_KEYS = tuple(k for k in OWNER_OPERATOR_COLUMNS if k not in CERTIFICATION_KEYS)


def last_accepted(db: Session, facility_id: int, before: Submittal) -> Optional[Submittal]:
    """The facility's newest Accepted filing other than `before`."""
    return db.execute(select(Submittal).where(Submittal.facility_id == facility_id, Submittal.status == "Accepted",
                                              Submittal.id != before.id)
                      .order_by(Submittal.reviewed_at.desc().nulls_last(), Submittal.submitted_at.desc().nulls_last(),
                                Submittal.id.desc()).limit(1)).scalar_one_or_none()


# ---- the diff against the last Accepted filing -------------------------------------------------------------------------
def _field_changes(before: dict[str, tuple[str, Any]], after: dict[str, tuple[str, Any]]) -> list[tuple[str, str, str]]:
    return [(label, _shown(before[key][1]), _shown(value)) for key, (label, value) in after.items()
            if before[key][1] != value]


def _material_key(item: InventoryItem) -> tuple[str, str]:
    return ((item.common_name or "").strip().lower(), (item.location or "").strip().lower())


def _item_values(item: InventoryItem) -> dict[str, Any]:
    values = {c.key: getattr(item, c.key) for c in InventoryItem.__table__.columns if c.key not in _ITEM_SKIP}
    values["components"] = [(c.name, c.percent, c.cas, c.ehs) for c in item.components]
    return values


def diff(db: Session, filing: Submittal) -> FilingDiff:
    """Per element, what changed since the facility's last Accepted filing (no role check: callers check)."""
    base = last_accepted(db, filing.facility_id, filing)
    result = FilingDiff(base.id if base else None, (base.submitted_at or base.created_at) if base else None)
    if base is None:
        return result
    old_ba, new_ba = _one(db, BusinessActivities, base.id), _one(db, BusinessActivities, filing.id)
    result.elements["business_activities"] = ElementDiff(fields=_field_changes(_ba_rows(old_ba), _ba_rows(new_ba)))
    old_oo, new_oo = _one(db, OwnerOperator, base.id), _one(db, OwnerOperator, filing.id)
    result.elements["owner_operator"] = ElementDiff(fields=_field_changes(_oo_rows(old_oo, _OO_KEYS),
                                                                          _oo_rows(new_oo, _OO_KEYS)))
    result.elements["certification"] = ElementDiff(fields=_field_changes(_oo_rows(old_oo, CERTIFICATION_KEYS),
                                                                         _oo_rows(new_oo, CERTIFICATION_KEYS)))
    inv = ElementDiff()
    old_items = {_material_key(i): i for i in _items(db, base.id)}
    new_items = {_material_key(i): i for i in _items(db, filing.id)}
    for key, item in new_items.items():
        if key not in old_items:
            inv.added.append(describe_item(item))
            continue
        before, after = _item_values(old_items[key]), _item_values(item)
        changes = [(name, _shown(before[name]), _shown(value)) for name, value in after.items() if before[name] != value]
        if changes:
            inv.changed.append((describe_item(item), changes))
    inv.removed = [describe_item(item) for key, item in old_items.items() if key not in new_items]
    result.elements["inventory"] = inv
    old_docs, new_docs = _documents(db, base.id), _documents(db, filing.id)
    for element in DOCUMENT_ELEMENTS:
        old, new = old_docs.get(element), new_docs.get(element)
        doc_diff = ElementDiff()
        old_id = (old.sha256, old.provided_elsewhere) if old is not None else None
        new_id = (new.sha256, new.provided_elsewhere) if new is not None else None
        if old_id != new_id:
            if old is None:
                doc_diff.documents.append(f"added: {describe_document(new)}")
            elif new is None:
                doc_diff.documents.append(f"removed: {describe_document(old)}")
            else:
                doc_diff.documents.append(f"replaced: {describe_document(old)} → {describe_document(new)}")
        result.elements[element] = doc_diff
    return result


# ---- the queue and the filing ---------------------------------------------------------------------------------------------
def _mine(user: User) -> Any:
    return Facility.cupa_id == user.cupa_id if user.cupa_id is not None else Facility.cupa_id.is_(None)


def queue(db: Session, actor: Actor) -> list[QueueEntry]:
    """Submitted and Under Review filings of the inspector's CUPA's facilities, oldest submit first."""
    user = inspector_user(db, actor)
    rows = db.execute(select(Submittal, Facility).join(Facility, Facility.id == Submittal.facility_id)
                      .where(Submittal.status.in_(IN_QUEUE), _mine(user))
                      .order_by(Submittal.submitted_at.asc().nulls_last(), Submittal.id)).all()
    return [QueueEntry(s.id, f.cers_id, f.name, f.address, s.status, s.year, s.submitted_at,
                       _name(db, s.submitted_by_user_id)) for s, f in rows]


def _decision(db: Session, row: Optional[ReviewDecision]) -> Optional[Decision]:
    if row is None:
        return None
    codes = tuple(row.reasons or ())
    return Decision(row.decision, codes, tuple(label_of(c) for c in codes), row.note or None,
                    _name(db, row.reviewer_user_id), row.decided_at)


def _view(db: Session, filing: Submittal, facility: Facility) -> FilingReview:
    ba, oo = _one(db, BusinessActivities, filing.id), _one(db, OwnerOperator, filing.id)
    docs, decided, changes = _documents(db, filing.id), decisions_of(db, filing.id), diff(db, filing)
    elements = []
    for key in REVIEW_ELEMENTS:
        view = ElementView(key, ELEMENT_LABELS[key], decision=_decision(db, decided.get(key)),
                           pick_list=reasons_for(key), diff=changes.elements.get(key))
        if key == "business_activities":
            view.rows = [(label, _shown(value)) for label, value in _ba_rows(ba).values()]
        elif key == "owner_operator":
            view.rows = [(label, _shown(value)) for label, value in _oo_rows(oo, _OO_KEYS).values()
                         if value not in (None, "")]
        elif key == "certification":
            view.rows = [(label, _shown(value)) for label, value in _oo_rows(oo, CERTIFICATION_KEYS).values()]
            view.rows.append(("Certified at submit", _day(filing.certified_at) or "no"))
        elif key == "inventory":
            view.lines = [describe_item(item) for item in _items(db, filing.id)]
        else:
            doc = docs.get(key)
            labels = {item.key: item.label for item in items_for(key)}
            missing = tuple(labels.get(k, k) for k in ((doc.findings or {}).get("missing", []) if doc else []))
            view.document = DocumentView(doc.id if doc is not None and doc.stored_path else None,
                                         describe_document(doc), doc.original_filename if doc else None,
                                         doc.pages if doc else None, bool(doc and doc.provided_elsewhere), missing)
        elements.append(view)
    cupa = db.get(Cupa, facility.cupa_id) if facility.cupa_id is not None else None
    return FilingReview(filing.id, filing.status, filing.year, facility.cers_id, facility.name, facility.address,
                        cupa.name if cupa else None, filing.submitted_at, _name(db, filing.submitted_by_user_id),
                        filing.reviewed_at, filing.due_date, elements, changes)


def _start_review(db: Session, actor: Actor, filing: Submittal, facility: Facility) -> None:
    changed = db.execute(update(Submittal).where(Submittal.id == filing.id, Submittal.status == "Submitted")
                         .values(status="Under Review").execution_options(synchronize_session=False)).rowcount
    if changed == 1:
        db.refresh(filing)
        audit.record(db, actor, "review.open", "submittal", filing.id, facility_id=facility.id,
                     cers_id=facility.cers_id, status="Under Review")


def open_filing(db: Session, actor: Actor, submittal_id: int) -> FilingReview:
    """The filing for review (see the module docstring); Submitted becomes Under Review."""
    filing, facility, _ = _filing(db, actor, submittal_id)
    _start_review(db, actor, filing, facility)
    return _view(db, filing, facility)


# ---- decisions --------------------------------------------------------------------------------------------------------------
def _checked_reasons(element: str, accepted: bool, reasons: Iterable[str], note: str) -> list[str]:
    codes = []
    for code in reasons:
        code = (code or "").strip()
        if not code or code in codes:
            continue
        reason = BY_CODE.get(code)
        if reason is None or element not in reason.elements:
            raise ValidationError(f"“{code}” is not a reason for the {ELEMENT_LABELS[element]}.", field="reasons")
        codes.append(code)
    if accepted and codes:
        raise ValidationError("Reasons are for Not Accepted: untick them to accept the element, or choose Not "
                              "Accepted.", field="reasons")
    if not accepted and not codes:
        raise ValidationError(f"Choose at least one reason why the {ELEMENT_LABELS[element]} is Not Accepted "
                              "(“Other” with a note when none fits).", field="reasons")
    if "other" in codes and not note:
        raise ValidationError("Write the note for “Other”: the filer reads it in the email.", field="note")
    return codes


def decide_element(db: Session, actor: Actor, submittal_id: int, element: str, accepted: bool,
                   reasons: Iterable[str] = (), note: str = "") -> DecisionResult:
    """Accepted / Not Accepted for one element (see the module docstring)."""
    filing, facility, inspector = _filing(db, actor, submittal_id, lock=True)
    if element not in REVIEW_ELEMENTS:
        raise ValidationError("Choose one of the filing's elements.", field="element")
    if filing.status not in IN_QUEUE:
        raise Conflict(f"This filing was already reviewed: {filing.status} on {_day(filing.reviewed_at)}"
                       f"{' by ' + _name(db, filing.reviewed_by_user_id) if filing.reviewed_by_user_id else ''}. "
                       "A correction comes as a new submittal.")
    note = clean_text(note, field="note", label="note", max_len=MAX_NOTE) if (note or "").strip() else ""
    codes = _checked_reasons(element, accepted, reasons, note)
    _start_review(db, actor, filing, facility)
    decision = "Accepted" if accepted else "Not Accepted"
    now = utcnow()
    row = decisions_of(db, filing.id).get(element)
    if row is None:
        row = ReviewDecision(submittal_id=filing.id, element=element)
        db.add(row)
    row.decision, row.reasons, row.note, row.reviewer_user_id, row.decided_at = (
        decision, codes, note or None, inspector.id, now)
    db.flush()
    audit.record(db, actor, "review.decide_element", "submittal", filing.id, facility_id=facility.id,
                 cers_id=facility.cers_id, element=element, decision=decision, reasons=codes, note=note or None)
    decided = decisions_of(db, filing.id)
    label = ELEMENT_LABELS[element]
    if len(decided) < len(REVIEW_ELEMENTS):
        left = len(REVIEW_ELEMENTS) - len(decided)
        return DecisionResult(element, decision, filing.status, False, None,
                              f"{label}: {decision}. {left} element{'s' if left != 1 else ''} still to decide; the "
                              "filing's status is set, and the Lead Users emailed, when every element is decided.")
    return _finish(db, actor, filing, facility, inspector, decided, element, decision)


def _finish(db: Session, actor: Actor, filing: Submittal, facility: Facility, inspector: User,
            decided: dict[str, ReviewDecision], element: str, decision: str) -> DecisionResult:
    accepted = all(row.decision == "Accepted" for row in decided.values())
    status = "Accepted" if accepted else "Not Accepted"
    now = utcnow()
    due = None if accepted else (now + timedelta(days=CORRECTIONS_DAYS)).date()
    changed = db.execute(update(Submittal).where(Submittal.id == filing.id, Submittal.status.in_(IN_QUEUE))
                         .values(status=status, reviewed_at=now, reviewed_by_user_id=inspector.id, due_date=due)
                         .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise Conflict("This filing was reviewed meanwhile by someone else. Open it again to see the outcome.")
    db.refresh(filing)
    audit.record(db, actor, "review.accept" if accepted else "review.not_accept", "submittal", filing.id,
                 facility_id=facility.id, cers_id=facility.cers_id, status=status, due_date=due,
                 not_accepted=[k for k, row in decided.items() if row.decision != "Accepted"])
    _queue_outcome_emails(db, filing, facility, inspector)
    told = ("The filing is Accepted; the Lead Users get an email." if accepted else
            f"The filing is Not Accepted; the Lead Users get an email with the reasons, corrections due by "
            f"{_day(due)}.")
    return DecisionResult(element, decision, status, True, due, f"{ELEMENT_LABELS[element]}: {decision}. {told}")


def _queue_outcome_emails(db: Session, filing: Submittal, facility: Facility, inspector: User) -> None:
    cupa = db.get(Cupa, facility.cupa_id) if facility.cupa_id is not None else None
    who = f"{inspector.full_name}{' of ' + cupa.name if cupa else ''}"
    contact = " or ".join(x for x in ((cupa.phone, cupa.email) if cupa else ()) if x)
    questions = f"Questions about the review: {cupa.name}, {contact}.\n" if cupa and contact else ""
    link = f"{get_settings().web_base_url}/submit?facility={facility.cers_id}"
    submitted = _day(filing.submitted_at)
    if filing.status == "Accepted":
        subject = f"Accepted: {facility.name} (CERS ID {facility.cers_id})"
        middle = (f"{who} reviewed the Hazardous Materials Business Plan submitted on {submitted} and marked every "
                  "element Accepted.\n\nWhat's next: report a change within 30 days (name, ownership, address, a "
                  "doubled quantity, a new material), and file or certify again by the CUPA's annual date.\n")
    else:
        fixes = to_fix(db, filing)
        lines = []
        for item in fixes:
            lines.append(f"- {item.label}: Not Accepted")
            lines.extend(f"    * {reason}" for reason in item.reasons)
            if item.note:
                lines.append(f"    * Inspector's note: {item.note}")
        fixed = {item.element for item in fixes}
        ok = [ELEMENT_LABELS[e] for e in REVIEW_ELEMENTS if e not in fixed]
        subject = f"Not Accepted: {facility.name} (CERS ID {facility.cers_id}) - corrections due {_day(filing.due_date)}"
        middle = (f"{who} reviewed the Hazardous Materials Business Plan submitted on {submitted}: it is Not "
                  "Accepted.\n\nWhat to fix:\n" + "\n".join(lines) + "\n\n"
                  + (f"Accepted as they are: {', '.join(ok)}.\n\n" if ok else "")
                  + f"Corrections are due by {_day(filing.due_date)} ({CORRECTIONS_DAYS} days). A submitted filing "
                  "can't be edited: ask the assistant \"what do I need to fix?\" in the chat, make the changes (they "
                  "start a new Draft copied from this filing) and submit it again.\n")
    for lead in facilities.active_lead_users(db, facility.id):
        text = (f"Hello {lead.full_name},\n\n{middle}\nThe filing: {link}\n{questions}"
                "You receive this because you are a Lead User of this facility.\n")
        mailer.queue_email(db, lead.email, subject, text, report_failure=False)


# ---- escalated access requests -------------------------------------------------------------------------------------------
def escalated_requests(db: Session, actor: Actor) -> list[AccessRequest]:
    """Open escalated access requests of the inspector's CUPA's facilities, oldest first."""
    user = inspector_user(db, actor)
    return [r for r in access.pending_for_lead(db, user.id) if r.status == "escalated"]


def decide_access(db: Session, actor: Actor, request_id: int, grant: bool) -> AccessRequest:
    """Grant or deny an escalated request of a facility of the inspector's CUPA (bot.services.access.decide)."""
    request = access.get_request(db, request_id)
    require_inspector_of(db, actor, facilities.get_facility(db, request.facility_id))
    return access.decide(db, actor, request_id, grant)
