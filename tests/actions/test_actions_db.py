"""Actions against a real database: what they write, and that a bad token writes and reads nothing."""
from __future__ import annotations

import json
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select

from actions.access import ActionListAccessRequests, ActionSubmitAccessRequest
from actions.facility import ActionCreateFacility, ActionSearchFacility, ActionSelectFacility
from bot.actor import Actor
from bot.models import AccessRequest, AuditEvent, Facility, User
from bot.services.conversation_auth import issue_token

NEW_FACILITY = {"facility_search_done": True, "new_facility_name": "Joe's Auto Body",
                "new_facility_street": "1234 W Shaw Ave", "new_facility_city": "Fresno", "new_facility_zip": "93704"}


def _count(db: Any, model: Any) -> int:
    db.expire_all()
    return int(db.execute(select(func.count()).select_from(model)).scalar_one())


def _user(db: Any, email: str, name: str = "Lee Park") -> User:
    user = User(email=email, full_name=name, phone="(559) 555-0100", status="active",
                is_inspector=False, is_staff=False, failed_logins=0)
    db.add(user)
    db.commit()
    return user


def _texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(json.dumps(m) for m in dispatcher.messages)


async def test_create_facility_with_valid_token(db: Any, domain: dict, tracker: Any) -> None:
    user = _user(db, "owner@example.com")
    dispatcher = CollectingDispatcher()
    t = tracker("/confirm_add_facility", intent="confirm_add_facility", slots=NEW_FACILITY,
                token=issue_token(user.id, "conv-1"))
    await ActionCreateFacility().run(dispatcher, t, domain)
    db.expire_all()
    facility = db.execute(select(Facility)).scalar_one()
    assert facility.cers_id in _texts(dispatcher) and "Lead User" in _texts(dispatcher)
    assert facility.created_by_user_id == user.id


@pytest.mark.parametrize("how", ["forged", "other_conversation", "garbage"])
async def test_bad_token_writes_nothing(db: Any, domain: dict, tracker: Any, how: str) -> None:
    user = _user(db, "owner@example.com")
    token = {"forged": issue_token(user.id, "conv-1")[:-3] + "abc",
             "other_conversation": issue_token(user.id, "another-conversation"),
             "garbage": "eyJ1aWQiOjF9.xx.yy"}[how]
    audit_before = _count(db, AuditEvent)
    dispatcher = CollectingDispatcher()
    t = tracker("/confirm_add_facility", intent="confirm_add_facility", slots=NEW_FACILITY, token=token)
    assert await ActionCreateFacility().run(dispatcher, t, domain) == []
    assert _count(db, Facility) == 0
    assert _count(db, AuditEvent) == audit_before
    assert dispatcher.messages[0].get("response") == "utter_login_again"


async def test_search_select_and_request_access(db: Any, domain: dict, tracker: Any) -> None:
    from bot.services import facilities

    lead = _user(db, "lead@example.com", "Lead Person")
    facility = facilities.create_facility(db, Actor(user_id=lead.id), "Valley Pool Supply", "455 Main St",
                                          "Bakersfield", "93301")
    db.commit()
    asker = _user(db, "asker@example.com", "Ana Lopez")
    token = issue_token(asker.id, "conv-1")

    dispatcher = CollectingDispatcher()
    t = tracker("", slots={"facility_query": json.dumps({"cers_id": facility.cers_id})}, token=token)
    events = await ActionSearchFacility().run(dispatcher, t, domain)
    buttons = [b for m in dispatcher.messages for b in m.get("buttons", [])]
    assert buttons[0]["title"] == f"Valley Pool Supply - 455 Main St, Bakersfield (CERS ID {facility.cers_id})"
    assert buttons[0]["payload"] == f'/select_facility{{"facility_cers_id":"{facility.cers_id}"}}'
    assert {"event": "slot", "timestamp": None, "name": "facility_search_done", "value": True} in events

    dispatcher = CollectingDispatcher()
    t = tracker(buttons[0]["payload"], intent="select_facility", slots={"facility_cers_id": facility.cers_id},
                token=token)
    await ActionSelectFacility().run(dispatcher, t, domain)
    assert "/request_access" in _texts(dispatcher)

    dispatcher = CollectingDispatcher()
    t = tracker("Manager", slots={"facility_cers_id": facility.cers_id, "access_phone": "(559) 555-0199",
                                  "job_title": "Manager"}, token=token)
    await ActionSubmitAccessRequest().run(dispatcher, t, domain)
    db.expire_all()
    request = db.execute(select(AccessRequest)).scalar_one()
    assert request.requester_user_id == asker.id and request.title == "Manager"
    # no mail server in this test: the request is saved, the user is told so and told about the email
    assert "Lead User" in _texts(dispatcher)
    assert "couldn't send" in _texts(dispatcher)

    dispatcher = CollectingDispatcher()
    await ActionListAccessRequests().run(dispatcher, tracker("show access requests", intent="show_access_requests",
                                                            token=issue_token(lead.id, "conv-9"),
                                                            sender_id="conv-9"), domain)
    payloads = [b["payload"] for m in dispatcher.messages for b in m.get("buttons", [])]
    assert f'/grant_access{{"access_request_id":"{request.id}"}}' in payloads
    assert f'/deny_access{{"access_request_id":"{request.id}"}}' in payloads


async def test_cers_id_not_found_offers_search_again_and_add(db: Any, domain: dict, tracker: Any) -> None:
    user = _user(db, "x@example.com")
    dispatcher = CollectingDispatcher()
    t = tracker("", slots={"facility_query": json.dumps({"cers_id": "19999999"})}, token=issue_token(user.id, "conv-1"))
    await ActionSearchFacility().run(dispatcher, t, domain)
    text = _texts(dispatcher)
    payloads = [b["payload"] for m in dispatcher.messages for b in m.get("buttons", [])]
    assert "couldn't find" in text and payloads == ["/find_facility", "/add_new_facility"]


async def test_anonymous_search_is_asked_to_log_in(db: Any, domain: dict, tracker: Any) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker("", slots={"facility_query": json.dumps({"cers_id": "10234567"})})
    await ActionSearchFacility().run(dispatcher, t, domain)
    assert dispatcher.messages[0].get("response") == "utter_login_first"
    assert any(m.get("custom") == {"form": "login"} for m in dispatcher.messages)


async def test_an_escalated_request_tells_whom_to_call_when_the_cupa_has_no_inspector(db: Any, domain: dict,
                                                                                       tracker: Any) -> None:
    """No active Lead User: the chat says the service's escalation message (the CUPA's inspectors decide, or,
    with none set up here, the CUPA's public contact to call) instead of claiming an inspector was told."""
    from bot.models import Cupa

    cupa = Cupa(key="test-kern", name="Kern County CUPA", county="Kern", phone="(661) 555-0100",
                email="cupa@example.gov", contact_is_placeholder=True, annual_due_month=3, annual_due_day=1)
    db.add(cupa)
    db.flush()
    facility = Facility(cers_id="10777001", name="Orphan Tire", street="9 Oak St", street_number="9",
                        city="Bakersfield", zip="93301", cupa_id=cupa.id)
    db.add(facility)
    db.commit()
    asker = _user(db, "asker@example.com")
    dispatcher = CollectingDispatcher()
    t = tracker("Manager", slots={"facility_cers_id": facility.cers_id, "access_phone": "(559) 555-0199",
                                  "job_title": "Manager"}, token=issue_token(asker.id, "conv-esc"),
                sender_id="conv-esc")
    await ActionSubmitAccessRequest().run(dispatcher, t, domain)
    db.expire_all()
    assert db.execute(select(AccessRequest)).scalar_one().status == "escalated"
    text = _texts(dispatcher)
    assert "Kern County CUPA has no inspector set up" in text and "(661) 555-0100" in text, text
    assert "I've escalated" not in text
