"""A user cannot read or change a facility they were not granted through the chat: not by naming it, not by
a forged button payload sent straight to Rasa, not with the facility slot planted in their tracker."""
from __future__ import annotations

import uuid
from typing import Tuple

import httpx
import pytest
from sqlalchemy import func, select

from bot.actor import Actor
from bot.db import session_scope
from bot.models import AuditEvent, BusinessActivities, Facility, InventoryItem, OwnerOperator, User
from bot.facility_info import service
from bot.passwords import hash_password
from bot.services import facilities
from bot.services.conversation_auth import issue_token
from bot.timeutil import utcnow
from tests.e2e.chat import Conversation
from tests.e2e.flows import PASSWORD
from tests.e2e.servers import Stack

pytestmark = pytest.mark.e2e


def active_user_with_facility(name: str, facility_name: str, street: str, city: str, zip5: str) -> Tuple[User, Facility]:
    """An active account (created directly: how an account becomes active is the sign-up tests' subject) that
    is Lead User of a new facility (made through the service)."""
    email = f"{name.split()[0].lower()}.{uuid.uuid4().hex[:8]}@example.com"
    with session_scope() as db:
        user = User(email=email, full_name=name, phone="(559) 555-0142", status="active", is_inspector=False,
                    is_staff=False, failed_logins=0, session_version=0, created_at=utcnow(), activated_at=utcnow(),
                    password_hash=hash_password(PASSWORD))
        db.add(user)
        db.flush()
        facility = facilities.create_facility(db, Actor(user_id=user.id, channel="web"), facility_name, street, city, zip5)
        db.flush()
        db.expunge(user)
        db.expunge(facility)
    return user, facility


def _writes_about(facility_id: int) -> Tuple[int, int, int, int]:
    with session_scope() as db:
        audit = [e for e in db.execute(select(AuditEvent)).scalars()
                 if isinstance(e.details, dict) and e.details.get("facility_id") == facility_id]
        return (
            len(audit),
            db.scalar(select(func.count()).select_from(BusinessActivities)),
            db.scalar(select(func.count()).select_from(OwnerOperator)),
            db.scalar(select(func.count()).select_from(InventoryItem)),
        )


SECRET_OWNER, SECRET_PHONE = "Zed Quintanilla", "(559) 555-0177"


def test_chat_refuses_a_facility_the_user_was_not_granted(stack: Stack) -> None:
    lead, theirs = active_user_with_facility("Olga Petrova", "Petrova Dry Cleaners", "118 E Olive Ave", "Fresno", "93728")
    me, mine = active_user_with_facility("Tom Baker", "Baker Tire Center", "2210 Oak St", "Bakersfield", "93301")
    # their filing has data (the facility's name and address are public in CERS search; the filing is not)
    with session_scope() as db:
        their_actor = Actor(user_id=lead.id, channel="web")
        service.set_business_activity(db, their_actor, theirs.id, "hm_on_site", True)
        service.set_owner_operator_field(db, their_actor, theirs.id, "owner_name", SECRET_OWNER)
        service.set_owner_operator_field(db, their_actor, theirs.id, "owner_phone", SECRET_PHONE)
    before = _writes_about(theirs.id)
    conv = Conversation(stack.rasa_url)
    conv.token = issue_token(me.id, conv.sender)

    # naming it
    replies = conv.say(f"switch to facility {theirs.cers_id}")
    text = Conversation.text(replies)
    assert f"working on {theirs.name}" not in text, conv.transcript()
    # a forged button payload, sent straight to Rasa (the web proxy would refuse an unsigned one anyway)
    replies = conv.say(f'/switch_facility{{"facility_cers_id":"{theirs.cers_id}"}}')
    text = Conversation.text(replies)
    assert "don't have access" in text.lower(), conv.transcript()
    tracker = httpx.get(f"{stack.rasa_url}/conversations/{conv.sender}/tracker", params=stack.rasa_api,
                        timeout=30).json()
    assert tracker["slots"].get("current_facility") != theirs.cers_id

    # the facility slot planted in the tracker: every step re-checks the role in the database
    resp = httpx.post(f"{stack.rasa_url}/conversations/{conv.sender}/tracker/events", params=stack.rasa_api,
                      json=[{"event": "slot", "name": "current_facility", "value": theirs.cers_id}], timeout=30)
    assert resp.status_code == 200, resp.text
    for message in ("let's continue", "where am i", "change the owner phone to 559-555-0100",
                    "we keep two 55 gallon drums of motor oil in the shop", "list my chemicals"):
        replies = conv.say(message)
        text = Conversation.text(replies)
        assert SECRET_OWNER not in text and "0177" not in text and "Business Activities" not in text, conv.transcript()
    assert "access" in Conversation.text(conv.history[-1]["bot"]).lower() or any(
        "access" in Conversation.text(t["bot"]).lower() for t in conv.history[-5:]), conv.transcript()
    assert _writes_about(theirs.id) == before, conv.transcript()

    # the user's own facility still works in the same conversation
    replies = conv.say(f'/switch_facility{{"facility_cers_id":"{mine.cers_id}"}}')
    assert mine.name in Conversation.text(replies), conv.transcript()
