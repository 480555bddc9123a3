"""Facility Information services: the Business Activities and Owner/Operator pages of a facility's Draft
submittal, saved answer by answer, the elements the answers require, and the "where am I?" checklist.

Confirmation: each page has `confirmed_at`, set when the filer says "Looks right" to its summary
(`confirm_business_activities`, `confirm_owner_operator`). A later change that alters a value clears it
(the filer confirmed other data), unless the writer passes `keep_confirmed=True` *and* the page is still
complete after the change: the conversation does so for a correction the filer states explicitly ("change
the owner's phone to ..."), which it reports as "Changed X from A to B", so one deliberate fix does not
send the filer back through the summary, while a change that opens new questions (a new follow-up, an EPA
ID now needed) always asks for the summary again.

Every function takes the acting `Actor`; the person whose access counts is `actor.subject_user_id` (the
caller when staff act on their behalf), who must hold a role on the facility (else PermissionDenied).
Writes go into the caller's session (commit it) with an audit row each; a rejected value raises
ValidationError before anything is written, so earlier answers stay as they were.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Optional

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import audit, geo
from bot.actor import Actor
from bot.errors import ValidationError
from bot.facility_info.questions import (
    ADDRESS_GROUPS,
    ALWAYS_REQUIRED,
    BUSINESS_QUESTION_BY_KEY,
    BUSINESS_QUESTIONS,
    CERTIFICATION_KEYS,
    ELEMENTS,
    EPA_ID_NEEDED_IF,
    EPA_ID_QUESTION,
    OWNER_OPERATOR_FIELD_BY_KEY,
    OWNER_OPERATOR_FIELDS,
    BusinessQuestion,
    OwnerOperatorField,
    address_group_of,
)
from bot.facility_info.validators import STATE_CODES, validate_epa_id, validate_field
from bot.models import (
    BUSINESS_ACTIVITY_COLUMNS,
    STORAGE_CONTAINER_COLUMNS,
    AuditEvent,
    BusinessActivities,
    InventoryItem,
    OwnerOperator,
    Submittal,
    User,
)
from bot.services import facilities
from bot.submittals.drafts import current_filing
from bot.timeutil import utcnow
from bot.validation import check_city_zip, parse_ca_zip

STATUSES = ("not started", "in progress", "complete", "not required")
SAME_AS_BUSINESS_GROUPS = ("owner", "operator", "billing", "econtact", "property_owner")
SAME_ADDRESS_GROUPS = ("owner", "billing", "econtact", "property_owner")  # groups with an address block
COMMENTS_MAX = 1000

# --- results -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequiredElement:
    key: str
    name: str
    required: Optional[bool]  # None: not known yet (the deciding question is not answered)
    reasons: tuple[str, ...] = ()  # why it is required, in plain words


@dataclass(frozen=True)
class AnswerResult:
    key: str
    value: Any
    previous: Any
    newly_required: tuple[RequiredElement, ...] = ()  # elements this answer made required
    no_longer_required: tuple[RequiredElement, ...] = ()

    def message(self) -> str:
        """What changed for the filing, in plain words ("" when nothing did): "Site map is now required, because
        you said ..."; elements required for the same reason are named in one sentence."""
        parts = []
        by_reason: dict[str, list[str]] = {}
        for el in self.newly_required:
            by_reason.setdefault(el.reasons[0] if el.reasons else "of this answer", []).append(el.name)
        for reason, names in by_reason.items():
            verb = "is" if len(names) == 1 else "are"
            parts.append(f"{_and(names)} {verb} now required, because {reason}.")
        if self.no_longer_required:
            names = [el.name for el in self.no_longer_required]
            parts.append(f"{_and(names)} {'is' if len(names) == 1 else 'are'} no longer required.")
        return " ".join(parts)


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    name: str
    status: str  # not started | in progress | complete | not required
    next_step: str  # what to do next for it ("" when complete or not required)
    reason: str = ""  # why it is required / why it is not complete


@dataclass
class PrefillResult:
    filled: dict[str, Any] = field(default_factory=dict)  # key -> value written
    sources: dict[str, str] = field(default_factory=dict)  # key -> where it came from, in words


@dataclass(frozen=True)
class FacilityInfoState:
    """Everything the conversation needs to know where the filer is, read in one go (no Draft yet: all empty)."""

    submittal_id: Optional[int]
    answers: dict[str, Any]  # Business Activities: question keys, epa_id, comments, epa_id_skipped
    ba_confirmed_at: Optional[datetime]
    values: dict[str, Any]  # Owner/Operator: every field key -> value or None
    skipped: tuple[str, ...]
    same_as_business: dict[str, bool]  # answers to "same address as the business?" per group
    prefilled_at: Optional[datetime]
    oo_confirmed_at: Optional[datetime]

    @property
    def business_activities_complete(self) -> bool:
        return business_activities_complete(self.answers)

    @property
    def owner_operator_complete(self) -> bool:
        return not missing_required_fields(self.values)


# --- access and rows ---------------------------------------------------------------------------------


def _require(db: Session, actor: Actor, facility_id: int) -> str:
    return facilities.require_role(db, actor.subject_user_id, facility_id)


def _draft(db: Session, facility_id: int) -> Optional[Submittal]:
    return db.execute(select(Submittal).where(Submittal.facility_id == facility_id,
                                              Submittal.status == "Draft")).scalar_one_or_none()


def get_or_create_draft(db: Session, actor: Actor, facility_id: int) -> Submittal:
    """The facility's Draft submittal (created, and audited, when there is none). Needs a role on the facility."""
    _require(db, actor, facility_id)
    from bot.excel.service import draft_submittal  # the one place that creates Drafts

    return draft_submittal(db, actor, facility_id)


def _row(db: Session, model: type, submittal_id: int, create: bool) -> Any:
    row = db.execute(select(model).where(model.submittal_id == submittal_id)).scalar_one_or_none()
    if row is not None or not create:
        return row
    row = model(submittal_id=submittal_id)
    try:
        with db.begin_nested():
            db.add(row)
            db.flush()
    except IntegrityError:  # created meanwhile by another request
        return db.execute(select(model).where(model.submittal_id == submittal_id)).scalar_one()
    return row


def _ba_for_write(db: Session, actor: Actor, facility_id: int) -> tuple[Submittal, BusinessActivities]:
    draft = get_or_create_draft(db, actor, facility_id)
    return draft, _row(db, BusinessActivities, draft.id, create=True)


def _oo_for_write(db: Session, actor: Actor, facility_id: int) -> tuple[Submittal, OwnerOperator]:
    draft = get_or_create_draft(db, actor, facility_id)
    return draft, _row(db, OwnerOperator, draft.id, create=True)


def _touch(row: Any, actor: Actor) -> None:
    row.updated_at = utcnow()
    row.updated_by_user_id = actor.user_id


_BA_KEYS = tuple(BUSINESS_ACTIVITY_COLUMNS) + ("epa_id", "comments", "epa_id_skipped")


def _ba_dict(row: Optional[BusinessActivities]) -> dict[str, Any]:
    return {k: (getattr(row, k) if row is not None else None) for k in _BA_KEYS}


def _ba_answers(db: Session, facility_id: int) -> dict[str, Any]:
    draft = current_filing(db, facility_id)
    row = _row(db, BusinessActivities, draft.id, create=False) if draft else None
    return _ba_dict(row)


def _oo_values(db: Session, facility_id: int) -> tuple[dict[str, Any], list[str]]:
    draft = current_filing(db, facility_id)
    row = _row(db, OwnerOperator, draft.id, create=False) if draft else None
    values = {f.key: (getattr(row, f.key) if row is not None else None) for f in OWNER_OPERATOR_FIELDS}
    return values, list((row.skipped or []) if row is not None else [])


# --- reads -------------------------------------------------------------------------------------------


def get_business_activities(db: Session, actor: Actor, facility_id: int) -> dict[str, Any]:
    """Answers of the current Draft: {key: True/False/None, "epa_id": ..., "comments": ...} (all None when
    there is no Draft yet)."""
    _require(db, actor, facility_id)
    return _ba_answers(db, facility_id)


def get_owner_operator(db: Session, actor: Actor, facility_id: int) -> dict[str, Any]:
    """Owner/Operator values of the current Draft: {key: value or None} for every field."""
    _require(db, actor, facility_id)
    return _oo_values(db, facility_id)[0]


def get_facility_info_state(db: Session, actor: Actor, facility_id: int) -> FacilityInfoState:
    """Both pages of the current Draft with their confirmation, skips and "same as the business" answers:
    what a conversation needs to resume at the right question (nothing is created)."""
    _require(db, actor, facility_id)
    draft = current_filing(db, facility_id)
    ba = _row(db, BusinessActivities, draft.id, create=False) if draft else None
    oo = _row(db, OwnerOperator, draft.id, create=False) if draft else None
    values = {f.key: (getattr(oo, f.key) if oo is not None else None) for f in OWNER_OPERATOR_FIELDS}
    return FacilityInfoState(
        submittal_id=draft.id if draft else None,
        answers=_ba_dict(ba),
        ba_confirmed_at=ba.confirmed_at if ba is not None else None,
        values=values,
        skipped=tuple((oo.skipped or []) if oo is not None else ()),
        same_as_business=dict((oo.same_as_business or {}) if oo is not None else {}),
        prefilled_at=oo.prefilled_at if oo is not None else None,
        oo_confirmed_at=oo.confirmed_at if oo is not None else None,
    )


_ANSWER_ACTIONS = ("business_activities.answer", "business_activities.epa_id", "business_activities.epa_id_skip",
                   "owner_operator.set", "owner_operator.skip", "owner_operator.same_as_business")


def recent_answer_keys(db: Session, actor: Actor, facility_id: int, limit: int = 30) -> list[str]:
    """Keys answered in this Draft, newest first, without repeats (from the audit trail: works across
    sessions). Business Activities keys, "epa_id", Owner/Operator keys, "same_as_business:<group>"."""
    _require(db, actor, facility_id)
    draft = _draft(db, facility_id)
    if draft is None:
        return []
    rows = db.execute(
        select(AuditEvent.action, AuditEvent.details)
        .where(AuditEvent.entity_type == "submittal", AuditEvent.entity_id == str(draft.id),
               AuditEvent.action.in_(_ANSWER_ACTIONS))
        .order_by(AuditEvent.id.desc()).limit(limit * 3)
    ).all()
    keys: list[str] = []
    for action, details in rows:
        details = details or {}
        if action.startswith("business_activities.epa_id"):
            key = "epa_id"
        elif action == "owner_operator.same_as_business":
            key = f"same_as_business:{details.get('group')}"
        else:
            key = str(details.get("key") or "")
        if key and key not in keys:
            keys.append(key)
        if len(keys) >= limit:
            break
    return keys


# --- Business Activities -----------------------------------------------------------------------------


def _question(key: str) -> BusinessQuestion:
    q = BUSINESS_QUESTION_BY_KEY.get(key)
    if q is None:  # also accept the CERS tag
        q = next((x for x in BUSINESS_QUESTIONS if x.tag.lower() == str(key).lower()), None)
    if q is None:
        raise ValidationError(f"There is no Business Activities question called “{key}”.", field="key")
    return q


def applies(q: BusinessQuestion, answers: dict[str, Any]) -> bool:
    """Whether the question is asked given the answers so far (a follow-up applies only after a yes)."""
    return q.only_if is None or answers.get(q.only_if) is True


def effective_answer(q: BusinessQuestion, answers: dict[str, Any]) -> Optional[bool]:
    """The answer as filed: a follow-up whose earlier question was answered no counts as no."""
    if q.only_if is not None and answers.get(q.only_if) is False:
        return False
    return answers.get(q.key)


def epa_id_needed(answers: dict[str, Any]) -> bool:
    return any(effective_answer(BUSINESS_QUESTION_BY_KEY[k], answers) is True for k in EPA_ID_NEEDED_IF)


def epa_id_outstanding(answers: dict[str, Any]) -> bool:
    """The answers call for an EPA ID, none is saved, and the filer has not said they have none yet."""
    return epa_id_needed(answers) and not answers.get("epa_id") and not answers.get("epa_id_skipped")


def business_activities_complete(answers: dict[str, Any]) -> bool:
    """Every question that applies is answered, and the EPA ID is given (or known to be missing) if needed."""
    return _next_question(answers) is None and not epa_id_outstanding(answers)


def _clear_confirmation(row: Any, changed: bool, keep_confirmed: bool, complete: bool) -> bool:
    """Clear `row.confirmed_at` after a change unless the writer keeps it and the page is still complete.
    Returns True when a confirmation was cleared (it goes in the audit row)."""
    if not changed or row.confirmed_at is None or (keep_confirmed and complete):
        return False
    row.confirmed_at = None
    return True


def required_elements_for(answers: dict[str, Any]) -> list[RequiredElement]:
    """Every filing element with whether the answers require it and why (pure: no database)."""
    reasons: dict[str, list[str]] = {key: [] for key in ELEMENTS}
    undecided: dict[str, bool] = {key: False for key in ELEMENTS}
    for key in ALWAYS_REQUIRED:
        reasons[key].append("every facility's filing includes it")
    for q in BUSINESS_QUESTIONS:
        answer = effective_answer(q, answers)
        for element in q.requires:
            if answer is True:
                reasons[element].append(f"you said {q.reason}")
            elif answer is None:
                undecided[element] = True
    result = []
    for key, el in ELEMENTS.items():
        if reasons[key]:
            required: Optional[bool] = True
        elif undecided[key]:
            required = None
        else:
            required = False
        result.append(RequiredElement(key, el.name, required, tuple(reasons[key])))
    return result


def required_elements(db: Session, actor: Actor, facility_id: int) -> list[RequiredElement]:
    """The filing's elements for this facility, each required (True), not (False) or not known yet (None),
    with the reasons in plain words."""
    _require(db, actor, facility_id)
    return required_elements_for(_ba_answers(db, facility_id))


def set_business_activity(db: Session, actor: Actor, facility_id: int, key: str, value: bool, *,
                          keep_confirmed: bool = False) -> AnswerResult:
    """Save one yes/no answer (key = column name or CERS tag) in the Draft; returns what it changed for the
    filing (elements newly required or no longer required). A changed answer clears the page's confirmation
    (see the module docstring for `keep_confirmed`)."""
    q = _question(key)
    if not isinstance(value, bool):
        raise ValidationError(f"Please answer yes or no: {q.question}", field=q.key)
    draft, row = _ba_for_write(db, actor, facility_id)
    before = {k: getattr(row, k) for k in BUSINESS_ACTIVITY_COLUMNS}
    previous = before[q.key]
    setattr(row, q.key, value)
    _touch(row, actor)
    after = dict(before, **{q.key: value})
    old = {e.key: e for e in required_elements_for(before)}
    new = required_elements_for(after)
    newly = tuple(e for e in new if e.required is True and old[e.key].required is not True)
    dropped = tuple(e for e in new if e.required is not True and old[e.key].required is True)
    cleared = _clear_confirmation(row, previous != value, keep_confirmed,
                                  business_activities_complete(_ba_dict(row)))
    db.flush()
    audit.record(db, actor, "business_activities.answer", "submittal", draft.id, facility_id=facility_id,
                 key=q.key, tag=q.tag, value=value, previous=previous, confirmation_cleared=cleared)
    return AnswerResult(q.key, value, previous, newly, dropped)


def set_epa_id(db: Session, actor: Actor, facility_id: int, raw_value: str, *, keep_confirmed: bool = False) -> str:
    """Save the EPA ID number (normalized, e.g. "CAL000123456")."""
    value = validate_epa_id(raw_value)
    draft, row = _ba_for_write(db, actor, facility_id)
    previous, row.epa_id = row.epa_id, value
    row.epa_id_skipped = None
    _touch(row, actor)
    cleared = _clear_confirmation(row, previous != value, keep_confirmed, business_activities_complete(_ba_dict(row)))
    db.flush()
    audit.record(db, actor, "business_activities.epa_id", "submittal", draft.id, facility_id=facility_id,
                 value=value, previous=previous, confirmation_cleared=cleared)
    return value


def skip_epa_id(db: Session, actor: Actor, facility_id: int) -> None:
    """The filer has no EPA ID number yet: not asked again (CERS accepts the filing with a warning; the
    number comes from DTSC). A saved number is removed."""
    draft, row = _ba_for_write(db, actor, facility_id)
    previous = row.epa_id
    row.epa_id, row.epa_id_skipped = None, True
    _touch(row, actor)
    db.flush()
    audit.record(db, actor, "business_activities.epa_id_skip", "submittal", draft.id, facility_id=facility_id,
                 previous=previous)


def set_business_activities_comments(db: Session, actor: Actor, facility_id: int, raw_value: str) -> str:
    """Save the Business Activities comments (at most 1,000 characters; empty clears them)."""
    text = " ".join(str(raw_value or "").split())
    if len(text) > COMMENTS_MAX:
        raise ValidationError(f"Comments can have at most {COMMENTS_MAX} characters (these have {len(text)}). "
                              "Please shorten them.", field="comments")
    draft, row = _ba_for_write(db, actor, facility_id)
    previous, row.comments = row.comments, text or None
    _touch(row, actor)
    db.flush()
    audit.record(db, actor, "business_activities.comments", "submittal", draft.id, facility_id=facility_id,
                 value=text, previous=previous)
    return text


def next_missing_business_activity(db: Session, actor: Actor, facility_id: int) -> Optional[BusinessQuestion]:
    """The first unanswered question that applies, in form order; None when all are answered (see
    `epa_id_missing` for the EPA ID)."""
    _require(db, actor, facility_id)
    answers = _ba_answers(db, facility_id)
    return _next_question(answers)


def _next_question(answers: dict[str, Any]) -> Optional[BusinessQuestion]:
    for q in BUSINESS_QUESTIONS:
        if applies(q, answers) and answers.get(q.key) is None:
            return q
    return None


def epa_id_missing(db: Session, actor: Actor, facility_id: int) -> bool:
    """True when the answers call for an EPA ID number, none is saved and the filer has not said they have
    none yet (ask EPA_ID_QUESTION)."""
    _require(db, actor, facility_id)
    return epa_id_outstanding(_ba_answers(db, facility_id))


def confirm_business_activities(db: Session, actor: Actor, facility_id: int) -> datetime:
    """The filer said the Business Activities summary is right: store when (ValidationError while a
    question or the EPA ID is still open)."""
    draft, row = _ba_for_write(db, actor, facility_id)
    answers = _ba_dict(row)
    nxt = _next_question(answers)
    if nxt is not None:
        raise ValidationError(f"The Business Activities question about {nxt.short} isn't answered yet. "
                              f"{nxt.question}", field=nxt.key)
    if epa_id_outstanding(answers):
        raise ValidationError("The EPA ID number is still missing. " + EPA_ID_QUESTION, field="epa_id")
    row.confirmed_at = utcnow()
    db.flush()
    audit.record(db, actor, "business_activities.confirm", "submittal", draft.id, facility_id=facility_id,
                 answers={k: answers[k] for k in BUSINESS_ACTIVITY_COLUMNS}, epa_id=answers.get("epa_id"))
    return row.confirmed_at


# --- Owner/Operator ----------------------------------------------------------------------------------


def _field(key: str) -> OwnerOperatorField:
    f = OWNER_OPERATOR_FIELD_BY_KEY.get(key)
    if f is None:
        f = next((x for x in OWNER_OPERATOR_FIELDS if x.tag.lower() == str(key).lower()), None)
    if f is None:
        raise ValidationError(f"There is no Owner/Operator field called “{key}”.", field="key")
    return f


def _check_address_consistency(f: OwnerOperatorField, value: Any, row: OwnerOperator) -> Any:
    """Cross-checks within an address block: a CA address needs a California ZIP matching its city."""
    group = address_group_of(f.key)
    if group is None:
        return value
    street_key, city_key, state_key, zip_key, _country = ADDRESS_GROUPS[group]
    state = value if f.key == state_key else getattr(row, state_key)
    zip_value = value if f.key == zip_key else getattr(row, zip_key)
    city = value if f.key == city_key else getattr(row, city_key)
    if state == "CA" and zip_value and f.key in (zip_key, state_key):
        try:
            parse_ca_zip(zip_value)
        except ValidationError as exc:
            raise ValidationError(f"The {f.label}: {exc.message}", field=f.key) from None
        if f.key == zip_key and city:
            try:
                canonical = check_city_zip(city, zip_value)
            except ValidationError as exc:
                raise ValidationError(exc.message + " (change the city first if it is the city that is wrong)",
                                      field=f.key) from None
            if canonical != city:  # same city, official spelling
                setattr(row, city_key, canonical)
    if f.key == city_key and state in (None, "CA") and zip_value and geo.is_ca_zip(zip_value[:5]):
        for candidate in geo.cities_for_zip(zip_value[:5]):
            if geo.city_key(candidate) == geo.city_key(value):
                return candidate
    return value


def set_owner_operator_field(db: Session, actor: Actor, facility_id: int, key: str, raw_value: Any, *,
                             keep_confirmed: bool = False) -> Any:
    """Validate and save one Owner/Operator field (key = column name or CERS tag); returns the stored value
    (phones "(559) 555-0123", states "CA", dates as `date`). A changed value clears the page's confirmation
    (see the module docstring for `keep_confirmed`)."""
    f = _field(key)
    _require(db, actor, facility_id)
    value = validate_field(f, raw_value)
    draft, row = _oo_for_write(db, actor, facility_id)
    value = _check_address_consistency(f, value, row)
    previous = getattr(row, f.key)
    setattr(row, f.key, value)
    if row.skipped and f.key in row.skipped:
        row.skipped = [k for k in row.skipped if k != f.key]
    _touch(row, actor)
    cleared = _clear_confirmation(row, previous != value, keep_confirmed, not _missing_required_in(row))
    db.flush()
    audit.record(db, actor, "owner_operator.set", "submittal", draft.id, facility_id=facility_id, key=f.key,
                 tag=f.tag, value=value, previous=previous, confirmation_cleared=cleared)
    return value


def skip_owner_operator_field(db: Session, actor: Actor, facility_id: int, key: str, *,
                              keep_confirmed: bool = False) -> list[str]:
    """Leave a field that is not required empty ("skip", "we don't have one"); it is not asked again.
    Skipping the secondary emergency contact's or the property owner's name skips that whole block.
    Returns the keys skipped."""
    f = _field(key)
    if f.required:
        why = f" {f.help}" if f.group == "certification" else ""
        raise ValidationError(f"The {f.label} is required, so I can't skip it.{why}", field=f.key)
    keys = [f.key]
    if f.key in ("sec_name", "property_owner_name"):  # no such person: the rest of the block goes too
        keys = [x.key for x in OWNER_OPERATOR_FIELDS if x.group == f.group]
    draft, row = _oo_for_write(db, actor, facility_id)
    previous = {k: getattr(row, k) for k in keys if getattr(row, k) is not None}
    for k in keys:
        setattr(row, k, None)
    row.skipped = sorted(set(row.skipped or []) | set(keys))
    _touch(row, actor)
    cleared = _clear_confirmation(row, bool(previous), keep_confirmed, not _missing_required_in(row))
    db.flush()
    audit.record(db, actor, "owner_operator.skip", "submittal", draft.id, facility_id=facility_id, key=f.key,
                 keys=keys, previous=previous, confirmation_cleared=cleared)
    return keys


def next_missing_owner_operator_field(
    db: Session, actor: Actor, facility_id: int, *, levels: Iterable[str] = ("required", "recommended"),
    include_certification: bool = True,
) -> Optional[OwnerOperatorField]:
    """The first field of the given levels with no value and not skipped, in asking order (certification
    last); None when there is none."""
    _require(db, actor, facility_id)
    values, skipped = _oo_values(db, facility_id)
    return next_missing_field(values, skipped, levels=levels, include_certification=include_certification)


def next_missing_field(values: dict[str, Any], skipped: Iterable[str], *,
                       levels: Iterable[str] = ("required", "recommended"),
                       include_certification: bool = True) -> Optional[OwnerOperatorField]:
    """Pure version of `next_missing_owner_operator_field` over values already read."""
    wanted, skipped = set(levels), set(skipped)
    for f in OWNER_OPERATOR_FIELDS:
        if f.level not in wanted or f.key in skipped or values.get(f.key) not in (None, ""):
            continue
        if f.group == "certification" and not include_certification:
            continue
        return f
    return None


def missing_required_fields(values: dict[str, Any]) -> list[OwnerOperatorField]:
    """Required fields (certification included) with no value, in asking order."""
    return [f for f in OWNER_OPERATOR_FIELDS if f.required and values.get(f.key) in (None, "")]


def _missing_required_in(row: OwnerOperator) -> list[OwnerOperatorField]:
    return missing_required_fields({f.key: getattr(row, f.key) for f in OWNER_OPERATOR_FIELDS})


def confirm_owner_operator(db: Session, actor: Actor, facility_id: int) -> datetime:
    """The filer said the Owner/Operator and certification summary is right: store when (ValidationError
    naming what is missing while a required field, certification included, is empty)."""
    draft, row = _oo_for_write(db, actor, facility_id)
    missing = _missing_required_in(row)
    if missing:
        names = ", ".join(m.label for m in missing[:5]) + (" and more" if len(missing) > 5 else "")
        raise ValidationError(f"Some required information is still missing: {names}. Please give it first.",
                              field=missing[0].key)
    row.confirmed_at = utcnow()
    db.flush()
    audit.record(db, actor, "owner_operator.confirm", "submittal", draft.id, facility_id=facility_id)
    return row.confirmed_at


def set_same_as_business(db: Session, actor: Actor, facility_id: int, group: str, same: bool, *,
                         keep_confirmed: bool = False) -> dict[str, Any]:
    """Record the answer to "Is the <group> address the same as the business address?" (group: owner,
    billing, econtact, property_owner). Yes copies the business mailing address (street, city, state, ZIP;
    country United States) over the group's address; no only records the answer, so it is not asked again.
    Returns the values written."""
    if group not in SAME_ADDRESS_GROUPS:
        raise ValidationError(f"“same address as the business” works for {', '.join(SAME_ADDRESS_GROUPS)}, "
                              f"not {group}.", field="group")
    draft, row = _oo_for_write(db, actor, facility_id)
    street, city, state, zip_key, country = ADDRESS_GROUPS[group]
    filled: dict[str, Any] = {}
    previous: dict[str, Any] = {}
    if same:
        business = dict(zip((street, city, state, zip_key), ADDRESS_GROUPS["business"][:4]))
        if not row.mailing_address or not row.mailing_city:
            raise ValidationError("I don't have the business mailing address yet, so I can't copy it. "
                                  "Please give this address instead.", field=street)
        for target, source in business.items():
            value = getattr(row, source)
            if value not in (None, "") and getattr(row, target) != value:
                previous[target] = getattr(row, target)
                setattr(row, target, value)
                filled[target] = value
        if country and getattr(row, country) in (None, "") and (row.mailing_state or "CA") in STATE_CODES:
            setattr(row, country, "United States")
            filled[country] = "United States"
        if row.skipped:
            row.skipped = [k for k in row.skipped if k not in filled] or None
    answers = dict(row.same_as_business or {})
    answers[group] = bool(same)
    row.same_as_business = answers
    _touch(row, actor)
    cleared = _clear_confirmation(row, bool(filled), keep_confirmed, not _missing_required_in(row))
    db.flush()
    audit.record(db, actor, "owner_operator.same_as_business", "submittal", draft.id, facility_id=facility_id,
                 group=group, same=bool(same), filled=filled, previous=previous, confirmation_cleared=cleared)
    return filled


def prefill_owner_operator(
    db: Session, actor: Actor, facility_id: int,
    same_as_business_for: Iterable[str] = ("owner", "operator", "billing"), *, overwrite: bool = False,
    keep_confirmed: bool = False,
) -> PrefillResult:
    """Fill empty fields from what is known: the business name and mailing address from the facility, the
    document preparer and environmental/billing contact from the account of `actor.subject_user_id`, and
    for each group of `same_as_business_for` (owner, operator, billing, econtact, property_owner) the
    business's name, phone and address. `overwrite=True` replaces values already given (the user said
    "same as the business"). Fields the filer skipped are left empty unless `overwrite`. The first call
    stamps `prefilled_at` (see `start_owner_operator`)."""
    groups = tuple(same_as_business_for)
    unknown = [g for g in groups if g not in SAME_AS_BUSINESS_GROUPS]
    if unknown:
        raise ValidationError(f"“same as the business” works for {', '.join(SAME_AS_BUSINESS_GROUPS)}, "
                              f"not {', '.join(unknown)}.", field="same_as_business_for")
    facility = facilities.get_facility(db, facility_id)
    draft, row = _oo_for_write(db, actor, facility_id)
    user = db.get(User, actor.subject_user_id) if actor.subject_user_id is not None else None
    result = PrefillResult()

    def put(key: str, value: Any, source: str, *, force: bool = False) -> None:
        if value in (None, ""):
            return
        f = OWNER_OPERATOR_FIELD_BY_KEY[key]
        try:
            value = validate_field(f, value)
        except ValidationError:
            return  # a known value that doesn't fit the form is asked instead
        if not force and (getattr(row, key) not in (None, "") or key in (row.skipped or [])):
            return
        if getattr(row, key) == value:
            return
        setattr(row, key, value)
        result.filled[key] = value
        result.sources[key] = source

    site = "the facility's address"
    put("business_name", facility.name, "the facility's name")
    put("mailing_address", facility.street, site)
    put("mailing_city", facility.city, site)
    put("mailing_state", "CA", site)
    put("mailing_zip", facility.zip, site)
    if user is not None:
        account = "your account" if actor.on_behalf_of is None else "the caller's account"
        put("document_preparer_name", user.full_name, account)
        put("econtact_name", user.full_name, account)
        put("econtact_phone", user.phone, account)
        put("econtact_email", user.email, account)
        put("billing_contact_name", user.full_name, account)
        put("billing_contact_phone", user.phone, account)
        put("billing_contact_email", user.email, account)
    business = "the business"
    same = {
        "owner": {"owner_name": "business_name", "owner_phone": "phone", "owner_mail_address": "mailing_address",
                  "owner_city": "mailing_city", "owner_state": "mailing_state", "owner_zip": "mailing_zip"},
        "operator": {"operator_name": "business_name", "operator_phone": "phone"},
        "billing": {"billing_address": "mailing_address", "billing_city": "mailing_city",
                    "billing_state": "mailing_state", "billing_zip": "mailing_zip"},
        "econtact": {"econtact_mail_address": "mailing_address", "econtact_city": "mailing_city",
                     "econtact_state": "mailing_state", "econtact_zip": "mailing_zip"},
        "property_owner": {"property_owner_name": "business_name", "property_owner_phone": "phone",
                           "property_owner_mailing_address": "mailing_address",
                           "property_owner_city": "mailing_city", "property_owner_state": "mailing_state",
                           "property_owner_zip": "mailing_zip"},
    }
    for group in groups:
        for target, source_key in same[group].items():
            put(target, getattr(row, source_key), business, force=overwrite)
        country = ADDRESS_GROUPS.get(group, (None,) * 5)[4]
        if country:
            put(country, "United States", business, force=overwrite)
    first = row.prefilled_at is None
    if first:
        row.prefilled_at = utcnow()
    if result.filled or first:
        if result.filled:
            _touch(row, actor)
            if row.skipped:
                row.skipped = [k for k in row.skipped if k not in result.filled] or None
        cleared = _clear_confirmation(row, bool(result.filled), keep_confirmed, not _missing_required_in(row))
        db.flush()
        audit.record(db, actor, "owner_operator.prefill", "submittal", draft.id, facility_id=facility_id,
                     filled=result.filled, same_as_business_for=list(groups), confirmation_cleared=cleared)
    return result


def start_owner_operator(db: Session, actor: Actor, facility_id: int) -> Optional[PrefillResult]:
    """First entry into the Owner/Operator page: pre-fill from the facility and the account (no "same as the
    business" copies: the conversation asks those), once per Draft. None when it was already done, so a
    value the filer removed or skipped is never put back."""
    draft, row = _oo_for_write(db, actor, facility_id)
    if row.prefilled_at is not None:
        return None
    return prefill_owner_operator(db, actor, facility_id, same_as_business_for=())


# --- checklist ---------------------------------------------------------------------------------------


def _missing(values: dict[str, Any], keys: Iterable[str]) -> list[OwnerOperatorField]:
    return [OWNER_OPERATOR_FIELD_BY_KEY[k] for k in keys if values.get(k) in (None, "")]


_CERT_REASON = ("CERS needs the name of the person who prepared the information and the name and title of the "
                "person who signs it; without them the filing is not certified and inspectors mark it Not "
                "Accepted.")


def checklist(db: Session, actor: Actor, facility_id: int) -> list[ChecklistItem]:
    """"Where am I?": the facility's filing elements with status (not started / in progress / complete /
    not required) and what is next. The core HMBP elements are always listed; program elements (UST, APSA,
    CalARP, ...) only when the answers require them."""
    _require(db, actor, facility_id)
    answers = _ba_answers(db, facility_id)
    values, _skipped = _oo_values(db, facility_id)
    required = {e.key: e for e in required_elements_for(answers)}
    items: list[ChecklistItem] = []

    # Business Activities
    answered = [q for q in BUSINESS_QUESTIONS if answers.get(q.key) is not None]
    nxt = _next_question(answers)
    if nxt is None and epa_id_outstanding(answers):
        items.append(ChecklistItem("business_activities", ELEMENTS["business_activities"].name, "in progress",
                                   "Give the EPA ID number. " + EPA_ID_QUESTION,
                                   "You said you produce hazardous waste, which needs an EPA ID number."))
    elif nxt is None and epa_id_needed(answers) and not answers.get("epa_id"):
        items.append(ChecklistItem("business_activities", ELEMENTS["business_activities"].name, "complete", "",
                                   "No EPA ID number yet: get one from DTSC and add it; CERS warns without it."))
    elif nxt is None:
        items.append(ChecklistItem("business_activities", ELEMENTS["business_activities"].name, "complete", ""))
    else:
        status = "in progress" if answered or answers.get("epa_id") else "not started"
        items.append(ChecklistItem("business_activities", ELEMENTS["business_activities"].name, status,
                                   f"Answer: {nxt.question}",
                                   f"{len(answered)} of {len(BUSINESS_QUESTIONS)} questions answered."))

    # Owner/Operator (without certification)
    form_keys = [f.key for f in OWNER_OPERATOR_FIELDS if f.required and f.group != "certification"]
    missing = _missing(values, form_keys)
    given = [k for k in form_keys if k not in {m.key for m in missing}]
    if not missing:
        items.append(ChecklistItem("owner_operator", ELEMENTS["owner_operator"].name, "complete", ""))
    else:
        status = "in progress" if given else "not started"
        items.append(ChecklistItem("owner_operator", ELEMENTS["owner_operator"].name, status,
                                   f"Give the {missing[0].label}.",
                                   f"{len(missing)} required field{'s' if len(missing) != 1 else ''} still missing."))

    # Certification
    missing = _missing(values, CERTIFICATION_KEYS)
    if not missing:
        items.append(ChecklistItem("certification", ELEMENTS["certification"].name, "complete", ""))
    else:
        status = "in progress" if len(missing) < len(CERTIFICATION_KEYS) else "not started"
        items.append(ChecklistItem("certification", ELEMENTS["certification"].name, status,
                                   "Give the " + ", ".join(m.label for m in missing) + ".", _CERT_REASON))

    # Inventory and waste streams (from the Draft's inventory)
    draft = current_filing(db, facility_id)
    total = waste = no_container = 0
    if draft is not None:
        base = select(func.count(InventoryItem.id)).where(InventoryItem.submittal_id == draft.id)
        total = db.execute(base).scalar_one()
        waste = db.execute(base.where(InventoryItem.hm_type == "c")).scalar_one()
        flags = [getattr(InventoryItem, attr).is_(True) for attr in STORAGE_CONTAINER_COLUMNS]
        no_container = db.execute(base.where(~or_(*flags))).scalar_one()
    from bot.services import step_drafts

    said_complete = bool(draft is not None and draft.inventory_complete_at is not None)
    items.append(_inventory_item(required["inventory"], total, no_container, said_complete,
                                 step_drafts.anything_open(db, facility_id, "inventory")))
    if required["waste_streams"].required is True:
        if waste:
            items.append(ChecklistItem("waste_streams", required["waste_streams"].name, "complete", "",
                                       f"{waste} waste line{'s' if waste != 1 else ''} in the inventory."))
        else:
            items.append(ChecklistItem("waste_streams", required["waste_streams"].name, "not started",
                                       ELEMENTS["waste_streams"].todo, _because(required["waste_streams"])))

    # The three documents (bot/documents), then program elements not yet kept by the assistant.
    from bot.documents import service as documents

    current = documents.current_documents(db, actor, facility_id)
    for key, element in (("site_map", "site_map"), ("emergency_response_plan", "emergency_response_plan"),
                         ("training_plan", "employee_training_plan")):
        items.append(_document_item(required[key], current.get(element)))
    for key in ("ust", "apsa", "calarp", "tiered_permitting", "financial_assurance", "recyclable_materials_report",
                "remote_waste_consolidation", "hw_tank_closure"):
        if required[key].required is True:
            items.append(_plain_item(required[key], always_list=False))
    return items


def _because(el: RequiredElement) -> str:
    return ("Required because " + "; ".join(el.reasons) + ".") if el.reasons else ""


def _inventory_item(el: RequiredElement, total: int, no_container: int, said_complete: bool = True,
                    open_material: bool = False) -> ChecklistItem:
    """Complete only when every line is valid, nothing is half entered and the filer said the inventory is
    complete ("that's all"): a list still being added to is "in progress"."""
    if el.required is False:
        return ChecklistItem(el.key, el.name, "not required", "",
                             "You said you have no hazardous materials at or above the reporting amounts.")
    listed = f"{total} material{'s' if total != 1 else ''} listed."
    if total == 0 and not open_material:
        nxt = ELEMENTS[el.key].todo if el.required else "First answer the Business Activities question about " \
            "hazardous materials on site."
        return ChecklistItem(el.key, el.name, "not started", nxt, _because(el))
    if open_material:
        return ChecklistItem(el.key, el.name, "in progress",
                             "Finish the material you were entering (say \"continue\").", listed)
    if no_container:
        return ChecklistItem(el.key, el.name, "in progress",
                             f"Say how {no_container} material{'s are' if no_container != 1 else ' is'} stored "
                             "(at least one storage container each).", f"{total} materials listed.")
    if not said_complete:
        return ChecklistItem(el.key, el.name, "in progress",
                             "Add any other materials, then say \"that's all\" when the list is complete.", listed)
    return ChecklistItem(el.key, el.name, "complete", "", listed)


def _plain_item(el: RequiredElement, always_list: bool) -> ChecklistItem:
    if el.required is False:
        return ChecklistItem(el.key, el.name, "not required", "",
                             "Not needed with your Business Activities answers.")
    if el.required is None:
        return ChecklistItem(el.key, el.name, "not started",
                             "First answer the Business Activities questions; they decide whether this is needed.")
    return ChecklistItem(el.key, el.name, "not started", ELEMENTS[el.key].todo, _because(el))


_ASK_TO_UPLOAD = {"site_map": "say \"upload my site map\"",
                  "emergency_response_plan": "say \"upload my emergency response plan\"",
                  "training_plan": "say \"upload my training plan\", or that it is provided elsewhere in CERS"}


def _document_item(el: RequiredElement, document: Any) -> ChecklistItem:
    """A document element: complete once its current PDF is on file (or, for the training plan, "provided
    elsewhere in CERS"); what to say to upload it otherwise."""
    if document is not None:
        from bot.documents.service import describe

        return ChecklistItem(el.key, el.name, "complete", "", describe(document) + ".")
    item = _plain_item(el, always_list=True)
    if item.status == "not started" and el.required:
        return ChecklistItem(item.key, item.name, item.status,
                             f"{item.next_step} In the chat, {_ASK_TO_UPLOAD[el.key]}.", item.reason)
    return item


def next_step(items: list[ChecklistItem]) -> Optional[ChecklistItem]:
    """The first element of the checklist that still needs work (None when everything is done)."""
    return next((i for i in items if i.status in ("not started", "in progress")), None)


def format_checklist(items: list[ChecklistItem]) -> str:
    """The checklist as plain text lines ("- Business Activities: in progress. Next: ...")."""
    lines = []
    for item in items:
        line = f"- {item.name}: {item.status}."
        if item.next_step:
            line += f" Next: {item.next_step}"
        lines.append(line)
    nxt = next_step(items)
    lines.append(f"What's next: {nxt.name}." if nxt else "Everything listed is complete.")
    return "\n".join(lines)
