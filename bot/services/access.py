"""Access requests: a user asks for a role on an existing facility; its Lead Users grant or deny it (by
email link or in the chat). With no active Lead User left the request is escalated to the CUPA inspector."""
from __future__ import annotations

from datetime import timedelta
from typing import Optional

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import audit, link_tokens
from bot.actor import Actor
from bot.config import get_settings
from bot.errors import Conflict, NotFound, PermissionDenied, ValidationError
from bot.models import AccessRequest, Cupa, Facility, FacilityRole, User
from bot.services import mailer
from bot.services.inspectors import covers
from bot.services.facilities import ROLE_LABELS, active_lead_users, get_facility, role_of
from bot.timeutil import as_utc, utcnow
from bot.validation import clean_text, normalize_phone

OPEN_STATUSES = ("pending", "escalated")


def _decision_url(raw: str, decision: str) -> str:
    return f"{get_settings().web_base_url}/access/decide?token={raw}&decision={decision}"


def _queue_decision_email(db: Session, request: AccessRequest, to_user: User, requester: User,
                          facility: Facility, *, as_inspector: bool) -> None:
    days = get_settings().access_decision_ttl_days
    raw = link_tokens.issue(db, to_user.id, "access_decision", timedelta(days=days), subject_id=request.id)
    why = (
        "The facility has no active Lead User any more, so the CUPA inspector decides."
        if as_inspector
        else "You receive this because you are a Lead User of this facility."
    )
    text = (
        f"Hello {to_user.full_name},\n\n"
        f"{requester.full_name} ({requester.email}, phone {request.phone}), {request.title}, asks for access to\n"
        f"{facility.name}, CERS ID {facility.cers_id}, {facility.address}.\n\n"
        f"{why}\n\n"
        f"Grant access: {_decision_url(raw, 'grant')}\n"
        f"Deny access:  {_decision_url(raw, 'deny')}\n\n"
        f"The links work once and expire in {days} days. You can also decide in the chat after logging in.\n"
        "If you don't know this person, deny the request.\n"
    )
    mailer.queue_email(db, to_user.email, f"Access request for {facility.name} (CERS ID {facility.cers_id})", text,
                       failure_message=("Your request is saved, but I couldn't send the notification email just now. "
                                        "It also waits for them in the chat."))


def get_request(db: Session, request_id: int) -> AccessRequest:
    request = db.get(AccessRequest, request_id)
    if request is None:
        raise NotFound("I can't find that access request. It may have been withdrawn.")
    return request


def request_access(db: Session, actor: Actor, facility_id: int, phone: str, title: str) -> AccessRequest:
    """Store a request for the actor's subject user to get access to a facility, and notify who decides.

    Already has a role -> Conflict; an open request for the same facility -> that request is returned.
    """
    requester_id = actor.subject_user_id
    if requester_id is None:
        raise PermissionDenied("Please log in first, then I can send your access request.")
    requester = db.get(User, requester_id)
    if requester is None or requester.status != "active":
        raise PermissionDenied("Please activate your account and log in first, then I can send your request.")
    facility = get_facility(db, facility_id)
    role = role_of(db, requester_id, facility_id)
    if role is not None:
        raise Conflict(
            f"You already have access to {facility.name} (CERS ID {facility.cers_id}) "
            f"as {'its Lead User' if role == 'lead' else 'a user'}."
        )
    phone_number = normalize_phone(phone)
    clean_title = clean_text(title, field="title", label="job title", max_len=80)
    if not any(ch.isalpha() for ch in clean_title):
        raise ValidationError("Please give your job title in words, like Owner or Office Manager.", field="title")

    existing = db.execute(
        select(AccessRequest)
        .where(AccessRequest.facility_id == facility_id, AccessRequest.requester_user_id == requester_id,
               AccessRequest.status.in_(OPEN_STATUSES))
        .order_by(AccessRequest.id.desc())
    ).scalars().first()
    if existing is not None:
        return existing

    request = AccessRequest(facility_id=facility_id, requester_user_id=requester_id, phone=phone_number,
                            title=clean_title, status="pending", created_at=utcnow())
    db.add(request)
    db.flush()
    audit.record(db, actor, "access.request", "access_request", request.id,
                 facility_id=facility_id, cers_id=facility.cers_id, title=clean_title)

    leads = [u for u in active_lead_users(db, facility_id) if u.id != requester_id]
    if leads:
        for lead in leads:
            _queue_decision_email(db, request, lead, requester, facility, as_inspector=False)
    else:
        request.status = "escalated"
        request.escalated_at = utcnow()
        db.flush()
        inspectors = inspectors_of(db, facility)
        for inspector in inspectors:
            _queue_decision_email(db, request, inspector, requester, facility, as_inspector=True)
        if not inspectors:
            mailer.queue_email(db, requester.email, f"Your access request for {facility.name}: whom to call",
                               f"Hello {requester.full_name},\n\n{escalation_message(db, request)}\n",
                               report_failure=False)
        audit.record(db, actor, "access.escalate", "access_request", request.id,
                     facility_id=facility_id, cers_id=facility.cers_id, reason="no active Lead User",
                     inspectors_notified=len(inspectors), cupa_id=facility.cupa_id)
    return request


def inspectors_of(db: Session, facility: Facility) -> list[User]:
    """The active inspectors of the facility's CUPA (bot.services.inspectors.covers)."""
    candidates = db.execute(select(User).where(User.is_inspector.is_(True), User.status == "active",
                                               User.cupa_id == facility.cupa_id if facility.cupa_id is not None
                                               else User.cupa_id.is_(None)).order_by(User.id)).scalars().all()
    return [u for u in candidates if covers(u, facility)]


def escalation_message(db: Session, request: AccessRequest) -> str:
    """What the filer is told about an escalated request: the CUPA's inspectors decide it, or, where the CUPA has
    no inspector set up here, whom to call (its public contact)."""
    facility = get_facility(db, request.facility_id)
    cupa = db.get(Cupa, facility.cupa_id) if facility.cupa_id is not None else None
    who = cupa.name if cupa is not None else "the CUPA"
    head = (f"{facility.name} (CERS ID {facility.cers_id}) has no active Lead User: the person who managed it is no "
            "longer with the business, so the CUPA decides who gets access.")
    if inspectors_of(db, facility):
        return (f"{head} Your request went to the inspectors of {who}; you'll get an email when they grant or "
                "deny it.")
    contact = " or ".join(x for x in ((cupa.phone if cupa else None), (cupa.email if cupa else None)) if x)
    how = f" at {contact}" if contact else ""
    return (f"{head} {who} has no inspector set up in this system yet, so please call {who}{how} and ask them to "
            f"grant you access to CERS ID {facility.cers_id}. Your request is saved; an inspector can grant it here "
            "once they are set up.")


def _decider(db: Session, actor: Actor, request: AccessRequest) -> User:
    """The user deciding (the actor's subject user) when they may: an active Lead User, or an inspector."""
    user_id = actor.subject_user_id
    user = db.get(User, user_id) if user_id is not None else None
    if user is None or user.status != "active":
        raise PermissionDenied("Please log in as the facility's Lead User to decide on this request.")
    facility = get_facility(db, request.facility_id)
    if covers(user, facility):  # an inspector of the facility's CUPA
        return user
    if role_of(db, user.id, request.facility_id) == "lead":
        return user
    raise PermissionDenied(
        f"Only a Lead User of {facility.name} (CERS ID {facility.cers_id}) or the CUPA inspector can grant or "
        "deny access to it."
    )


def already_decided(db: Session, request: AccessRequest) -> Conflict:
    """The Conflict to raise for a request that was already decided: who decided, and when."""
    who = db.get(User, request.decided_by_user_id) if request.decided_by_user_id else None
    when = as_utc(request.decided_at)
    when_text = f" on {when:%B %d, %Y at %H:%M} UTC" if when else ""
    return Conflict(f"This request was already {request.status} by {who.full_name if who else 'someone'}{when_text}.")


_already_decided = already_decided  # older name, kept for callers


def decide(db: Session, actor: Actor, request_id: int, grant: bool) -> AccessRequest:
    """Grant (the requester gets the 'user' role) or deny an open request, and email the requester."""
    request = get_request(db, request_id)
    decider = _decider(db, actor, request)
    if request.status not in OPEN_STATUSES:
        raise already_decided(db, request)
    if decider.id == request.requester_user_id:
        raise PermissionDenied("You can't decide on your own access request.")
    status = "granted" if grant else "denied"
    now = utcnow()
    changed = db.execute(
        update(AccessRequest)
        .where(AccessRequest.id == request.id, AccessRequest.status.in_(OPEN_STATUSES))
        .values(status=status, decided_by_user_id=decider.id, decided_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.refresh(request)
    if changed != 1:
        raise already_decided(db, request)

    facility = get_facility(db, request.facility_id)
    if grant:
        role = db.execute(
            select(FacilityRole).where(FacilityRole.user_id == request.requester_user_id,
                                       FacilityRole.facility_id == request.facility_id)
        ).scalar_one_or_none()
        if role is None:
            db.add(FacilityRole(user_id=request.requester_user_id, facility_id=request.facility_id, role="user",
                                granted_at=now, granted_by_user_id=decider.id))
        elif role.ended_at is not None:
            role.role, role.ended_at, role.granted_at, role.granted_by_user_id = "user", None, now, decider.id
        db.flush()
    audit_actor = actor if actor.subject_user_id == decider.id else Actor(user_id=decider.id, channel=actor.channel)
    audit.record(db, audit_actor, "access.grant" if grant else "access.deny", "access_request", request.id,
                 facility_id=facility.id, cers_id=facility.cers_id, requester_user_id=request.requester_user_id,
                 as_inspector=decider.is_inspector and role_of(db, decider.id, facility.id) != "lead")
    link_tokens.revoke_all(db, decider.id, "access_decision", subject_id=request.id)

    requester = db.get(User, request.requester_user_id)
    if grant:
        outcome = (f"{decider.full_name} granted your request: you now have access to {facility.name} "
                   f"(CERS ID {facility.cers_id}). Log in to the chat to continue your filing.")
    else:
        outcome = (f"{decider.full_name} denied your request for access to {facility.name} "
                   f"(CERS ID {facility.cers_id}). If you think this is a mistake, please contact them or your CUPA.")
    mailer.queue_email(db, requester.email,
                       f"Your access request for {facility.name} was {status}",
                       f"Hello {requester.full_name},\n\n{outcome}\n",
                       failure_message=f"The decision is saved, but I couldn't email {requester.full_name} just now.")
    return request


def decide_by_token(db: Session, token: str, grant: bool) -> AccessRequest:
    """Decide with an emailed grant/deny link: consumes the link and decides as the user it was sent to."""
    found = link_tokens.peek(db, token, "access_decision")
    request = get_request(db, found.subject_id) if found.subject_id is not None else None
    if request is None:
        raise NotFound("I can't find the access request of this link.")
    if request.status not in OPEN_STATUSES:
        raise already_decided(db, request)
    link_tokens.consume(db, token, "access_decision")
    decider = db.get(User, found.user_id)
    role = "inspector" if decider is not None and decider.is_inspector else "user"
    return decide(db, Actor(user_id=found.user_id, role=role, channel="email_link"), request.id, grant)


def pending_for_lead(db: Session, user_id: int) -> list[AccessRequest]:
    """Open requests this user can decide: pending ones on facilities they lead, plus escalated ones for an
    inspector. Oldest first."""
    user = db.get(User, user_id)
    if user is None:
        return []
    led = select(FacilityRole.facility_id).where(
        FacilityRole.user_id == user_id, FacilityRole.role == "lead", FacilityRole.ended_at.is_(None)
    )
    condition = AccessRequest.facility_id.in_(led) & AccessRequest.status.in_(OPEN_STATUSES)
    if user.is_inspector:  # escalated requests of the facilities of the inspector's CUPA
        mine = select(Facility.id).where(Facility.cupa_id == user.cupa_id if user.cupa_id is not None
                                         else Facility.cupa_id.is_(None))
        condition = condition | ((AccessRequest.status == "escalated") & AccessRequest.facility_id.in_(mine))
    stmt = select(AccessRequest).where(condition).order_by(AccessRequest.created_at, AccessRequest.id)
    return list(db.execute(stmt).scalars().all())


def describe_request(request: AccessRequest) -> str:
    """One line for a Lead User: who asks for which facility."""
    requester: Optional[User] = request.requester
    facility: Optional[Facility] = request.facility
    return (f"{requester.full_name if requester else 'someone'} ({request.title}, {request.phone}) asks for access to "
            f"{facility.name if facility else 'a facility'} (CERS ID {facility.cers_id if facility else '?'})")


__all__ = ["ROLE_LABELS", "already_decided", "decide", "decide_by_token", "escalation_message", "get_request",
           "inspectors_of", "pending_for_lead", "request_access", "describe_request"]
