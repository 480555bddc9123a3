"""Access requests on SQLite and PostgreSQL: Lead Users get a grant/deny email, the link grants, escalation to
the inspector when no Lead User is left, and who may decide."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.errors import Conflict, InvalidToken, PermissionDenied, ValidationError
from bot.models import AccessRequest, FacilityRole
from bot.services import access, facilities
from bot.timeutil import utcnow
from tests.unit.conftest import audit_rows, token_from


@pytest.fixture
def site(db: Session, make_user):  # type: ignore[no-untyped-def]
    """A facility with an active Lead User, and a requester."""
    lead = make_user("lead@example.com", "Lena Lead")
    requester = make_user("req@example.com", "Ray Quest")
    facility = facilities.create_facility(db, Actor(user_id=lead.id), "Valley Auto Repair", "1234 W Shaw Ave",
                                          "Fresno", "93721")
    db.commit()
    return lead, requester, facility


def _request(db: Session, requester, facility):  # type: ignore[no-untyped-def]
    request = access.request_access(db, Actor(user_id=requester.id), facility.id, "559 555 0188", "  Office  Manager ")
    db.commit()
    return request


def test_lead_user_gets_an_email_and_the_grant_link_grants(db: Session, site, smtp_server) -> None:  # type: ignore[no-untyped-def]
    lead, requester, facility = site
    request = _request(db, requester, facility)
    assert (request.status, request.phone, request.title) == ("pending", "(559) 555-0188", "Office Manager")

    mail = smtp_server.last_to("lead@example.com")
    assert mail["Subject"] == "Access request for Valley Auto Repair (CERS ID 10000001)"
    body = mail.get_content()
    assert "Ray Quest (req@example.com, phone (559) 555-0188), Office Manager" in body
    assert "/access/decide?token=" in body and "decision=grant" in body and "decision=deny" in body
    token = token_from(body, "decision=grant")
    assert token == token_from(body, "decision=deny")
    assert access.pending_for_lead(db, lead.id) == [request]

    decided = access.decide_by_token(db, token, True)
    db.commit()
    assert (decided.status, decided.decided_by_user_id) == ("granted", lead.id)
    role = db.execute(select(FacilityRole).where(FacilityRole.user_id == requester.id)).scalar_one()
    assert (role.role, role.facility_id, role.granted_by_user_id) == ("user", facility.id, lead.id)
    assert facilities.facilities_for_user(db, requester.id) == [facility]
    assert access.pending_for_lead(db, lead.id) == []

    outcome = smtp_server.last_to("req@example.com")
    assert outcome["Subject"] == "Your access request for Valley Auto Repair was granted"
    assert "Lena Lead granted your request" in outcome.get_content()
    grant = audit_rows(db, "access.grant")[0]
    assert (grant.actor_user_id, grant.channel, grant.entity_id) == (lead.id, "email_link", str(request.id))
    assert audit_rows(db, "access.request")[0].actor_user_id == requester.id

    with pytest.raises(InvalidToken):  # the link works once
        access.decide_by_token(db, token, False)
    db.rollback()
    with pytest.raises(Conflict) as again:
        access.decide(db, Actor(user_id=lead.id), request.id, False)
    assert "already granted by Lena Lead on" in again.value.message
    db.rollback()
    with pytest.raises(Conflict) as has_access:
        access.request_access(db, Actor(user_id=requester.id), facility.id, "559-555-0188", "Owner")
    assert has_access.value.message == "You already have access to Valley Auto Repair (CERS ID 10000001) as a user."


def test_deny_in_the_chat(db: Session, site, smtp_server) -> None:  # type: ignore[no-untyped-def]
    lead, requester, facility = site
    request = _request(db, requester, facility)
    access.decide(db, Actor(user_id=lead.id, channel="chat"), request.id, False)
    db.commit()
    assert db.get(AccessRequest, request.id).status == "denied"
    assert facilities.role_of(db, requester.id, facility.id) is None
    assert "denied your request" in smtp_server.last_to("req@example.com").get_content()
    assert audit_rows(db, "access.deny")[0].channel == "chat"


def test_duplicate_request_returns_the_open_one(db: Session, site, smtp_server) -> None:  # type: ignore[no-untyped-def]
    lead, requester, facility = site
    first = _request(db, requester, facility)
    second = _request(db, requester, facility)
    assert second.id == first.id
    assert len(smtp_server.to("lead@example.com")) == 1
    assert len(db.execute(select(AccessRequest)).scalars().all()) == 1


def test_request_validates_phone_and_title(db: Session, site) -> None:  # type: ignore[no-untyped-def]
    _lead, requester, facility = site
    with pytest.raises(ValidationError) as phone:
        access.request_access(db, Actor(user_id=requester.id), facility.id, "12", "Owner")
    assert phone.value.field == "phone"
    with pytest.raises(ValidationError) as title:
        access.request_access(db, Actor(user_id=requester.id), facility.id, "559-555-0123", " ")
    assert title.value.field == "title"
    with pytest.raises(PermissionDenied):
        access.request_access(db, Actor.anonymous(), facility.id, "559-555-0123", "Owner")


def test_non_lead_cannot_decide(db: Session, site, make_user, smtp_server) -> None:  # type: ignore[no-untyped-def]
    _lead, requester, facility = site
    request = _request(db, requester, facility)
    member = make_user("member@example.com")
    db.add(FacilityRole(user_id=member.id, facility_id=facility.id, role="user", granted_at=utcnow()))
    db.commit()
    for who in (member, requester, make_user("stranger@example.com")):
        with pytest.raises(PermissionDenied) as err:
            access.decide(db, Actor(user_id=who.id), request.id, True)
        assert "Lead User" in err.value.message
        db.rollback()
    assert db.get(AccessRequest, request.id).status == "pending"
    assert facilities.role_of(db, requester.id, facility.id) is None


def test_lead_left_so_the_request_is_escalated_to_the_inspector(db: Session, site, make_user, smtp_server) -> None:  # type: ignore[no-untyped-def]
    lead, requester, facility = site
    inspector = make_user("inspector@example.com", "Ines Inspector", is_inspector=True)
    inspector.cupa_id = facility.cupa_id  # an inspector of the facility's CUPA (Fresno County, by its city)
    db.execute(update(FacilityRole).where(FacilityRole.user_id == lead.id).values(ended_at=utcnow()))
    db.commit()

    request = _request(db, requester, facility)
    assert request.status == "escalated" and request.escalated_at is not None
    assert smtp_server.to("lead@example.com") == []
    event = audit_rows(db, "access.escalate")[0]
    assert (event.entity_id, event.details["reason"]) == (str(request.id), "no active Lead User")
    assert access.pending_for_lead(db, inspector.id) == [request]
    assert access.pending_for_lead(db, lead.id) == []

    with pytest.raises(PermissionDenied):  # the former Lead User can't decide any more
        access.decide(db, Actor(user_id=lead.id), request.id, True)
    db.rollback()

    body = smtp_server.last_to("inspector@example.com").get_content()
    assert "no active Lead User" in body
    access.decide_by_token(db, token_from(body, "decision=grant"), True)
    db.commit()
    assert db.get(AccessRequest, request.id).decided_by_user_id == inspector.id
    assert facilities.role_of(db, requester.id, facility.id) == "user"
    grant = audit_rows(db, "access.grant")[0]
    assert (grant.actor_user_id, grant.actor_role, grant.details["as_inspector"]) == (inspector.id, "inspector", True)
