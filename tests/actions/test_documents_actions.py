"""The documents in the chat, through the actions against a real database: "upload my site map" shows the
checklist then the upload widget for the facility being worked on; the training plan's "provided elsewhere in
CERS" button writes it; inside the inventory form the same widget comes and the form goes on; when the checklist's
next step is a document, "continue" and the end of a form lead to it; a bad token reads and writes nothing."""
from __future__ import annotations

import json
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select

from actions import filing
from actions.documents import ActionUploadDocument
from actions.filing import ActionContinueFiling, ActionInventoryDone, ValidateInventoryForm
from bot.documents import chat
from bot.models import Document, Facility, FacilityRole, User
from bot.services.conversation_auth import issue_token
from bot.timeutil import utcnow

CERS_ID = "10000042"


@pytest.fixture
def lead(db: Any) -> User:
    user = User(email="lead@example.com", full_name="Maria Lopez", phone="(559) 555-0100", status="active",
                is_inspector=False, is_staff=False, failed_logins=0, created_at=utcnow())
    facility = Facility(cers_id=CERS_ID, name="Valley Auto Repair", street="1234 W Shaw Ave", street_number="1234",
                        city="Fresno", zip="93711", created_at=utcnow())
    db.add_all([user, facility])
    db.flush()
    db.add(FacilityRole(user_id=user.id, facility_id=facility.id, role="lead", granted_at=utcnow()))
    db.commit()
    return user


def _customs(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    return [m["custom"] for m in dispatcher.messages if m.get("custom")]


def _text(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


def _payloads(dispatcher: CollectingDispatcher) -> list[str]:
    return [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []]


async def test_upload_my_site_map_shows_the_checklist_then_the_widget(db: Any, domain: dict, tracker: Any,
                                                                      lead: User) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker("upload my site map", intent="upload_document", slots={"current_facility": CERS_ID},
                token=issue_token(lead.id, "conv-1"))
    assert await ActionUploadDocument().run(dispatcher, t, domain) == []
    assert "north arrow" in _text(dispatcher) and "/documents/site-map-checklist" in _text(dispatcher)
    widget_at = next(i for i, m in enumerate(dispatcher.messages) if m.get("custom"))
    checklist_at = next(i for i, m in enumerate(dispatcher.messages) if "north arrow" in (m.get("text") or ""))
    assert checklist_at < widget_at
    assert _customs(dispatcher) == [{"form": "upload_document", "facility": CERS_ID, "element": "site_map",
                                     "label": "Site Map", "max_mb": 25}]


async def test_the_provided_elsewhere_button_writes_the_training_plan_answer(db: Any, domain: dict, tracker: Any,
                                                                            lead: User) -> None:
    payload = chat.payload("employee_training_plan", chat.PROVIDED_ELSEWHERE)
    dispatcher = CollectingDispatcher()
    t = tracker(payload, intent="upload_document", slots={"current_facility": CERS_ID},
                entities=[{"entity": k, "value": v} for k, v in json.loads(payload[len("/upload_document"):]).items()],
                token=issue_token(lead.id, "conv-1"))
    await ActionUploadDocument().run(dispatcher, t, domain)
    db.expire_all()
    row = db.execute(select(Document)).scalar_one()
    assert row.provided_elsewhere and row.element == "employee_training_plan"
    assert "Noted" in _text(dispatcher) and chat.payload("site_map") in _payloads(dispatcher)


async def test_without_a_valid_token_nothing_is_read_or_written(db: Any, domain: dict, tracker: Any,
                                                                lead: User) -> None:
    payload = chat.payload("employee_training_plan", chat.PROVIDED_ELSEWHERE)
    dispatcher = CollectingDispatcher()
    t = tracker(payload, intent="upload_document", slots={"current_facility": CERS_ID},
                entities=[{"entity": "document_element", "value": "employee_training_plan"},
                          {"entity": "document_answer", "value": "provided_elsewhere"}],
                token=issue_token(lead.id, "another-conversation"))
    await ActionUploadDocument().run(dispatcher, t, domain)
    assert dispatcher.messages[0].get("response") == "utter_login_again"
    assert [c.get("form") for c in _customs(dispatcher)] == ["login"]  # the login form, no upload widget
    assert db.execute(select(func.count()).select_from(Document)).scalar_one() == 0


async def test_inside_the_inventory_form_the_widget_comes_and_the_form_goes_on(db: Any, domain: dict, tracker: Any,
                                                                              lead: User) -> None:
    dispatcher = CollectingDispatcher()
    text = "can I upload our site map here"
    t = tracker(text, intent="upload_document", slots={"current_facility": CERS_ID, "requested_slot": "inv_answer"},
                set_now={"inv_answer": text}, token=issue_token(lead.id, "conv-1"), active_loop="inventory_form")
    events = await ValidateInventoryForm().run(dispatcher, t, domain)
    assert [c["form"] for c in _customs(dispatcher)] == ["upload_document"]
    assert {"event": "slot", "name": "inv_answer", "value": None, "timestamp": None} in events
    assert not any(e.get("event") == "active_loop" and e.get("name") is None for e in events)


async def test_when_the_next_step_is_a_document_the_filing_leads_there(db: Any, domain: dict, tracker: Any,
                                                                      lead: User, monkeypatch: Any) -> None:
    monkeypatch.setattr(filing, "_next_form", lambda db, actor, facility_id: None)
    monkeypatch.setattr(filing, "_checklist", lambda db, actor, facility_id: ("- Site map: not started.",
                                                                              "site_map", "Valley Auto Repair"))
    token = issue_token(lead.id, "conv-1")
    dispatcher = CollectingDispatcher()
    t = tracker("continue", intent="continue_filing", slots={"current_facility": CERS_ID}, token=token)
    events = await ActionContinueFiling().run(dispatcher, t, domain)
    assert "Next come the documents" in _text(dispatcher) and _customs(dispatcher)[0]["element"] == "site_map"
    assert events[-1]["name"] == "filing_step" and events[-1]["value"] == "none"
    dispatcher = CollectingDispatcher()
    t = tracker("that's all", intent="deny", slots={"current_facility": CERS_ID, "inv_state": {"done": True}},
                token=token)
    await ActionInventoryDone().run(dispatcher, t, domain)
    assert _payloads(dispatcher)[0] == chat.payload("site_map")
