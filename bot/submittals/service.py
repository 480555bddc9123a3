"""Submit a facility's filing, say where it stands, and summarise it.

- `submit(db, actor, facility_id, certified=True)`: runs the pre-submit check (`precheck`); refuses with the
  blocking findings (`SubmitBlocked`, nothing written); otherwise the Draft becomes Submitted (who, when, certified
  at), an audit row records the actor, and every active Lead User gets a confirmation email through the outbox, in
  the same transaction. Submitting twice does nothing twice: with no Draft left the answer is "already submitted
  on <date>" (no write, no email). Two submits at once: the Draft row is locked on PostgreSQL (the second waits,
  then finds no Draft), and the status changes only `WHERE status = 'Draft'` on every database.
- A submitted filing is never changed: the next write through the inventory, Facility Information or documents
  services starts a new Draft copied from it (`bot.submittals.drafts`, called where Drafts are created).
- `status(db, actor, facility_id)`: status, who, when and what is next, in plain words (for the chat); for a Not
  Accepted filing (or the Draft fixing it) also the inspector's reasons per element (`to_fix`, each with where it is
  fixed) and the date the corrections are due.
- `summary(db, actor, facility_id)`: the whole filing (the Draft, else the last filing) for the review page.

Every function needs a role on the facility (`actor.subject_user_id`), else PermissionDenied and nothing read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import audit
from bot.actor import Actor
from bot.config import get_settings
from bot.documents.advice import ELEMENT_LABELS
from bot.documents.service import describe as describe_document
from bot.errors import ValidationError
from bot.facility_info.questions import BUSINESS_QUESTIONS, CERTIFICATION_KEYS, OWNER_OPERATOR_FIELD_BY_KEY
from bot.inventory.service import describe_item
from bot.models import BusinessActivities, Document, Facility, InventoryItem, OwnerOperator, Submittal, User
from bot.review.decisions import ElementToFix, to_fix
from bot.services import facilities, mailer
from bot.submittals.drafts import last_filed
from bot.submittals.precheck import Finding, advice, blocking, precheck
from bot.timeutil import as_utc, utcnow

CORRECTIONS_DAYS = 30
CERTIFY_FIRST = ("Please confirm the certification first: that the information in this filing is true, accurate "
                 "and complete.")
NOTHING_TO_SUBMIT = "There is nothing to submit yet: start with Facility Information in the chat."
# The Owner/Operator lines the summary shows, in order.
SUMMARY_FIELDS = ("business_name", "phone", "owner_name", "operator_name", "econtact_name", "econtact_email",
                  "pec_name", "pec_24hr_phone", "sec_name", "sec_24hr_phone")


class SubmitBlocked(ValidationError):
    """The pre-submit check found what must be fixed first; `.findings` are the blocking ones."""

    def __init__(self, findings: list[Finding]) -> None:
        count = len(findings)
        lines = "\n".join(f"- {f.message}" for f in findings)
        super().__init__(f"The filing can't be submitted yet: {count} thing{'s' if count != 1 else ''} to fix "
                         f"first.\n{lines}", field=findings[0].field if findings else None)
        self.findings = findings


@dataclass(frozen=True)
class SubmitResult:
    submittal_id: int
    submitted_at: datetime
    already_submitted: bool  # True: nothing was written now (submitted before)
    message: str
    advice: tuple[Finding, ...] = ()  # what the check advised (never blocking)


@dataclass(frozen=True)
class FilingStatus:
    status: str  # Not started | Draft | Submitted | Under Review | Accepted | Not Accepted
    who: Optional[str]  # who submitted it (a Draft: who started it)
    when: Optional[datetime]
    next_step: str
    submittal_id: Optional[int] = None
    blocking: int = 0  # a Draft's blocking findings
    # The inspector's review (the last filing's, or for a Draft copied from a Not Accepted filing, that filing's):
    reviewed_by: Optional[str] = None
    reviewed_at: Optional[datetime] = None
    due_date: Optional[date] = None  # Not Accepted: the corrections are due by then
    to_fix: tuple[ElementToFix, ...] = ()  # Not Accepted: each element's reasons, note and where it is fixed

    @property
    def message(self) -> str:
        if self.status == "Not started":
            return f"Nothing is filed for this facility yet. {self.next_step}"
        verb = "started by" if self.status == "Draft" else "submitted by"
        who = f", {verb} {self.who}" if self.who else ""
        return f"Status: {self.status}{who}{' on ' + _day(self.when) if self.when else ''}. {self.next_step}"


@dataclass
class FilingSummary:
    submittal_id: Optional[int]
    status: str
    year: Optional[int]
    submitted_at: Optional[datetime]
    submitted_by: Optional[str]
    activities: list[str] = field(default_factory=list)  # the Business Activities answered yes, in words
    epa_id: Optional[str] = None
    owner_operator: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    materials: list[str] = field(default_factory=list)
    waste_lines: int = 0
    documents: list[tuple[str, str]] = field(default_factory=list)  # (label, status)
    certification: list[tuple[str, str]] = field(default_factory=list)  # (label, value or "missing")
    certified: bool = False  # every certification field is given


def _day(when: Optional[datetime]) -> str:
    value = as_utc(when)
    return f"{value:%B} {value.day}, {value:%Y}" if value else ""


def _shown(value: Any) -> str:
    if isinstance(value, date):
        return f"{value:%B} {value.day}, {value:%Y}"
    return str(value)


def _name(db: Session, user_id: Optional[int]) -> Optional[str]:
    user = db.get(User, user_id) if user_id is not None else None
    return user.full_name if user is not None else None


def _draft(db: Session, facility_id: int, *, lock: bool = False) -> Optional[Submittal]:
    stmt = select(Submittal).where(Submittal.facility_id == facility_id, Submittal.status == "Draft")
    if lock and db.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()  # a second submit waits here, then finds no Draft
    return db.execute(stmt.execution_options(populate_existing=True)).scalar_one_or_none()


def _already(db: Session, facility: Facility) -> SubmitResult:
    filed = last_filed(db, facility.id)
    if filed is None:
        raise ValidationError(NOTHING_TO_SUBMIT)
    when = filed.submitted_at or filed.created_at
    who = _name(db, filed.submitted_by_user_id)
    return SubmitResult(filed.id, when, True,
                        f"This filing was already submitted on {_day(when)}{' by ' + who if who else ''} "
                        f"(status: {filed.status}); nothing was sent again. A change starts a new Draft.")


def submit(db: Session, actor: Actor, facility_id: int, *, certified: bool = False) -> SubmitResult:
    """Submit the facility's Draft (see the module docstring). `certified`: the person submitting confirmed the
    certification statement. Raises SubmitBlocked with the blocking findings, ValidationError without the
    certification or with nothing to submit."""
    facility = facilities.get_facility(db, facility_id)
    facilities.require_role(db, actor.subject_user_id, facility_id)
    draft = _draft(db, facility_id, lock=True)
    if draft is None:
        return _already(db, facility)
    findings = precheck(db, actor, facility_id)
    if blocking(findings):
        raise SubmitBlocked(blocking(findings))
    if not certified:
        raise ValidationError(CERTIFY_FIRST, field="certified")
    now = utcnow()
    changed = db.execute(
        update(Submittal).where(Submittal.id == draft.id, Submittal.status == "Draft")
        .values(status="Submitted", submitted_at=now, submitted_by_user_id=actor.subject_user_id, certified_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:  # submitted meanwhile by another request (SQLite: no row lock)
        return _already(db, facility)
    db.refresh(draft)
    told = advice(findings)
    audit.record(db, actor, "submittal.submit", "submittal", draft.id, facility_id=facility_id,
                 cers_id=facility.cers_id, year=draft.year, certified_at=now,
                 parent_submittal_id=draft.parent_submittal_id, advice=[f.check for f in told])
    _queue_confirmations(db, facility, draft, _name(db, actor.subject_user_id) or "someone")
    return SubmitResult(draft.id, now, False,
                        f"Submitted on {_day(now)}. {facility.name}'s filing is now in the CUPA's review queue; the "
                        "Lead Users get a confirmation email.", tuple(told))


def _queue_confirmations(db: Session, facility: Facility, filing: Submittal, submitter: str) -> None:
    oo = db.execute(select(OwnerOperator).where(OwnerOperator.submittal_id == filing.id)).scalar_one_or_none()
    items = len(db.execute(select(InventoryItem.id).where(InventoryItem.submittal_id == filing.id)).all())
    signer = (f"{oo.identification_signer_name}, {oo.identification_signer_title}"
              if oo is not None and oo.identification_signer_name else "not given")
    link = f"{get_settings().web_base_url}/submit?facility={facility.cers_id}"
    for lead in facilities.active_lead_users(db, facility.id):
        text = (
            f"Hello {lead.full_name},\n\n"
            f"{submitter} submitted the Hazardous Materials Business Plan of {facility.name} (CERS ID "
            f"{facility.cers_id}, {facility.address}) on {_day(filing.submitted_at)}.\n\n"
            f"Inventory: {items} material{'s' if items != 1 else ''}.\n"
            f"Prepared by: {oo.document_preparer_name if oo is not None and oo.document_preparer_name else 'not given'}"
            f"\nCertified as true, accurate and complete by: {signer}\n\n"
            "What happens next: the CUPA reviews the filing and marks it Accepted or Not Accepted. If it is Not "
            f"Accepted, the Lead Users get an email with the reasons, and the corrections are due within "
            f"{CORRECTIONS_DAYS} days. A submitted filing can't be edited: a change starts a new Draft, which is "
            "submitted again.\n\n"
            f"The filing: {link}\n"
            "You receive this because you are a Lead User of this facility.\n"
        )
        mailer.queue_email(db, lead.email, f"Submitted: {facility.name} (CERS ID {facility.cers_id})", text,
                           report_failure=False)


def status(db: Session, actor: Actor, facility_id: int) -> FilingStatus:
    """Where the facility's filing stands: a Draft being worked on (and how much blocks its submit), else the
    last filing's status, with who, when and what is next."""
    facility = facilities.get_facility(db, facility_id)
    facilities.require_role(db, actor.subject_user_id, facility_id)
    page = f"/submit?facility={facility.cers_id}"
    draft = _draft(db, facility_id)
    filed = last_filed(db, facility_id)
    if draft is not None:
        stops = blocking(precheck(db, actor, facility_id))
        since = (f" It is a new Draft copied from the filing submitted on "
                 f"{_day(filed.submitted_at or filed.created_at)}; submit it again when your changes are done."
                 if filed is not None and draft.parent_submittal_id == filed.id else "")
        if stops:
            nxt = (f"{len(stops)} thing{'s' if len(stops) != 1 else ''} to fix before it can be submitted; first: "
                   f"{stops[0].message}{since}")
        else:
            nxt = f"The check finds nothing blocking: review and submit it ({page}).{since}"
        review: dict[str, Any] = {}
        if filed is not None and filed.status == "Not Accepted" and draft.parent_submittal_id == filed.id:
            fixes = to_fix(db, filed)
            nxt += (f" The inspector did not accept the last filing; corrections due by {_shown(filed.due_date)}: "
                    + " ".join(f"{f.message}" for f in fixes))
            review = dict(reviewed_by=_name(db, filed.reviewed_by_user_id), reviewed_at=filed.reviewed_at,
                          due_date=filed.due_date, to_fix=fixes)
        return FilingStatus("Draft", _name(db, draft.created_by_user_id), draft.created_at, nxt, draft.id, len(stops),
                            **review)
    if filed is None:
        return FilingStatus("Not started", None, None, "Start with Facility Information in the chat.")
    reviewer = _name(db, filed.reviewed_by_user_id)
    by = f" by {reviewer}" if reviewer else ""
    if filed.status == "Not Accepted":
        fixes = to_fix(db, filed)
        nxt = (f"Not accepted{by} on {_day(filed.reviewed_at)}. To fix by {_shown(filed.due_date)}: "
               + " ".join(f.message for f in fixes)
               + " Fix each (a change starts a new Draft copied from this filing), then submit again.")
        return FilingStatus(filed.status, _name(db, filed.submitted_by_user_id), filed.submitted_at or filed.created_at,
                            nxt, filed.id, reviewed_by=reviewer, reviewed_at=filed.reviewed_at,
                            due_date=filed.due_date, to_fix=fixes)
    if filed.status == "Accepted":
        nxt = (f"Accepted{by} on {_day(filed.reviewed_at)}. Nothing to do until a change (report it within 30 days) "
               "or next year's filing.")
        return FilingStatus(filed.status, _name(db, filed.submitted_by_user_id), filed.submitted_at or filed.created_at,
                            nxt, filed.id, reviewed_by=reviewer, reviewed_at=filed.reviewed_at)
    nexts = {
        "Submitted": "Next: the CUPA reviews it and marks it Accepted or Not Accepted; the Lead Users get an email "
                     f"either way. If it is Not Accepted, the corrections are due within {CORRECTIONS_DAYS} days.",
        "Under Review": "Next: the CUPA inspector is reviewing it; the Lead Users get an email with the result.",
        "Accepted": "Nothing to do until a change (report it within 30 days) or next year's filing.",
        "Not Accepted": f"Next: fix what the inspector listed and submit again within {CORRECTIONS_DAYS} days.",
    }
    return FilingStatus(filed.status, _name(db, filed.submitted_by_user_id), filed.submitted_at or filed.created_at,
                        nexts.get(filed.status, ""), filed.id)


def summary(db: Session, actor: Actor, facility_id: int) -> FilingSummary:
    """The whole filing for the review page: the Draft when there is one, else the last filing (read only)."""
    facilities.require_role(db, actor.subject_user_id, facility_id)
    filing = _draft(db, facility_id) or last_filed(db, facility_id)
    if filing is None:
        result = FilingSummary(None, "Not started", None, None, None)
        result.certification = [(OWNER_OPERATOR_FIELD_BY_KEY[k].label, "missing") for k in CERTIFICATION_KEYS]
        result.documents = [(label, describe_document(None)) for label in ELEMENT_LABELS.values()]
        return result
    result = FilingSummary(filing.id, filing.status, filing.year, filing.submitted_at,
                           _name(db, filing.submitted_by_user_id))
    ba = db.execute(select(BusinessActivities).where(BusinessActivities.submittal_id == filing.id)).scalar_one_or_none()
    if ba is not None:
        result.activities = [q.short or q.key for q in BUSINESS_QUESTIONS if getattr(ba, q.key) is True]
        result.epa_id = ba.epa_id
    oo = db.execute(select(OwnerOperator).where(OwnerOperator.submittal_id == filing.id)).scalar_one_or_none()
    for key in SUMMARY_FIELDS:
        value = getattr(oo, key) if oo is not None else None
        if value not in (None, ""):
            result.owner_operator.append((OWNER_OPERATOR_FIELD_BY_KEY[key].label, _shown(value)))
    for key in CERTIFICATION_KEYS:
        value = getattr(oo, key) if oo is not None else None
        result.certification.append((OWNER_OPERATOR_FIELD_BY_KEY[key].label,
                                     _shown(value) if value not in (None, "") else "missing"))
    result.certified = all(value != "missing" for _, value in result.certification)
    items = db.execute(select(InventoryItem).where(InventoryItem.submittal_id == filing.id)
                       .order_by(InventoryItem.position, InventoryItem.id)).scalars().all()
    result.materials = [describe_item(i) for i in items]
    result.waste_lines = sum(1 for i in items if i.hm_type == "c")
    current = {d.element: d for d in db.execute(select(Document).where(Document.submittal_id == filing.id,
                                                                       Document.replaced_at.is_(None))).scalars()}
    result.documents = [(label, describe_document(current.get(element))) for element, label in ELEMENT_LABELS.items()]
    return result
