"""Submit and status through the actions against a real database: "submit my filing" shows the certification
question and keeps the marker for that facility; the Yes button and a typed "yes" right after it submit (the Lead
Users emailed over SMTP); a "yes" with any other message in between submits nothing; blocking findings come with
buttons; "what's the status?" answers; inside a step form "submit" ends the step and the submit follows, the
status is shown and the step goes on; a bad token reads and writes nothing."""
from __future__ import annotations

from typing import Any, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.filing import ActionFacilityInfoDone, ValidateInventoryForm
from actions.general import ActionHandleYesNo, ActionNluFallback
from actions.submittals import SUBMIT_PENDING, ActionFilingStatus, ActionSubmitFiling
from bot.models import OwnerOperator, Submittal
from bot.services.conversation_auth import issue_token
from bot.submittals import chat
from tests.mailcatcher import SmtpServer
from tests.unit.test_submit import CERS_ID, World, fill


@pytest.fixture
def world(db: Any) -> World:
    return World(db)


def _text(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


def _payloads(dispatcher: CollectingDispatcher) -> list[str]:
    return [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []]


def _pending(events: list[dict[str, Any]]) -> Any:
    return next(e["value"] for e in events if e.get("event") == "slot" and e.get("name") == SUBMIT_PENDING)


def _statuses(db: Any) -> list[str]:
    db.expire_all()
    return [s.status for s in db.execute(select(Submittal)).scalars()]


def conversation(text: str, intent: str, token: str, *, before: list[dict[str, Any]] = (),
                 entities: Optional[list[dict[str, Any]]] = None, pending: Optional[str] = CERS_ID,
                 slots: Optional[dict[str, Any]] = None) -> Tracker:
    """A tracker whose events are `before` (earlier user and bot turns) then the latest user message."""
    metadata = {"auth_token": token}
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.95}, "entities": entities or [],
              "metadata": metadata}
    events = list(before) + [{"event": "user", "text": text, "parse_data": latest, "metadata": metadata}]
    return Tracker.from_dict({"sender_id": "conv-1", "latest_message": latest, "events": events, "paused": False,
                              "slots": {"current_facility": CERS_ID, SUBMIT_PENDING: pending, **(slots or {})},
                              "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen"})


def _user(text: str) -> dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"text": text}}


def _asked() -> list[dict[str, Any]]:
    """The turn that asked the certification question."""
    return [_user("submit my filing"),
            {"event": "bot", "text": "Do you certify ...?",
             "data": {"buttons": [{"title": "Yes", "payload": chat.YES_PAYLOAD},
                                  {"title": "No", "payload": chat.NO_PAYLOAD}]}}]


async def test_submit_asks_the_certification_and_keeps_the_marker(db: Any, domain: dict, world: World) -> None:
    fill(db, world)
    token = issue_token(world.lead.id, "conv-1")
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitFiling().run(dispatcher, conversation("submit my filing", "submit_filing", token,
                                                                     pending=None), domain)
    assert "Do you certify, as Maria Lopez, Owner" in _text(dispatcher)
    assert _payloads(dispatcher)[-2:] == [chat.YES_PAYLOAD, chat.NO_PAYLOAD]
    assert _pending(events) == CERS_ID
    assert _statuses(db) == ["Draft"]


async def test_the_yes_button_right_after_the_question_submits(db: Any, domain: dict, world: World,
                                                               smtp_server: SmtpServer) -> None:
    fill(db, world)
    token = issue_token(world.lead.id, "conv-1")
    dispatcher = CollectingDispatcher()
    t = conversation(chat.YES_PAYLOAD, "submit_filing", token, before=_asked(),
                     entities=[{"entity": chat.ANSWER_ENTITY, "value": "yes"}])
    events = await ActionSubmitFiling().run(dispatcher, t, domain)
    assert _text(dispatcher).startswith("Submitted on ") and "confirmation email went to the Lead Users" in \
        _text(dispatcher)
    assert _pending(events) is None
    assert _statuses(db) == ["Submitted"]
    assert "Maria Lopez submitted" in smtp_server.body(smtp_server.wait_for("lead@example.com", "Submitted:"))


async def test_a_typed_yes_right_after_the_question_submits(db: Any, domain: dict, world: World) -> None:
    fill(db, world)
    token = issue_token(world.lead.id, "conv-1")
    dispatcher = CollectingDispatcher()
    events = await ActionHandleYesNo().run(dispatcher, conversation("yes", "affirm", token, before=_asked()), domain)
    assert "Submitted on" in _text(dispatcher) and _pending(events) is None
    assert _statuses(db) == ["Submitted"]


async def test_a_no_submits_nothing(db: Any, domain: dict, world: World) -> None:
    fill(db, world)
    dispatcher = CollectingDispatcher()
    t = conversation("no", "deny", issue_token(world.lead.id, "conv-1"), before=_asked())
    await ActionHandleYesNo().run(dispatcher, t, domain)
    assert "nothing was submitted" in _text(dispatcher)
    assert _statuses(db) == ["Draft"]


async def test_a_yes_after_another_message_is_not_the_certification(db: Any, domain: dict, world: World) -> None:
    fill(db, world)
    token = issue_token(world.lead.id, "conv-1")
    later = _asked() + [_user("where am i"), {"event": "bot", "text": "Filing for Valley Paint Shop: ..."}]
    dispatcher = CollectingDispatcher()
    await ActionHandleYesNo().run(dispatcher, conversation("yes", "affirm", token, before=later), domain)
    assert "Submitted" not in _text(dispatcher)
    # the Yes button of that earlier question, pressed now: the check and the question again, no submit
    dispatcher = CollectingDispatcher()
    t = conversation(chat.YES_PAYLOAD, "submit_filing", token, before=later,
                     entities=[{"entity": chat.ANSWER_ENTITY, "value": "yes"}])
    events = await ActionSubmitFiling().run(dispatcher, t, domain)
    assert "Do you certify" in _text(dispatcher) and _pending(events) == CERS_ID
    # a marker for another facility does not count either
    dispatcher = CollectingDispatcher()
    await ActionHandleYesNo().run(dispatcher, conversation("yes", "affirm", token, before=_asked(),
                                                           pending="10000099"), domain)
    assert "Submitted" not in _text(dispatcher)
    assert _statuses(db) == ["Draft"]


async def test_blocking_findings_come_with_buttons_and_no_marker(db: Any, domain: dict, world: World) -> None:
    fill(db, world)
    row = db.execute(select(OwnerOperator)).scalar_one()
    row.pec_24hr_phone = None
    db.commit()
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitFiling().run(
        dispatcher, conversation("submit my filing", "submit_filing", issue_token(world.lead.id, "conv-1"),
                                 pending=None), domain)
    assert "can't be submitted yet" in _text(dispatcher) and "/continue_filing" in _payloads(dispatcher)
    assert _pending(events) is None


async def test_status_and_what_to_fix(db: Any, domain: dict, world: World) -> None:
    fill(db, world)
    token = issue_token(world.lead.id, "conv-1")
    dispatcher = CollectingDispatcher()
    await ActionFilingStatus().run(dispatcher, conversation("whats the status of my filing", "check_status", token,
                                                            pending=None), domain)
    assert "Status: Draft, started by Maria Lopez" in _text(dispatcher)
    row = db.execute(select(OwnerOperator)).scalar_one()
    row.identification_signer_name = None
    db.commit()
    dispatcher = CollectingDispatcher()
    await ActionFilingStatus().run(dispatcher, conversation(chat.FIX_PAYLOAD, "check_status", token, pending=None,
                                                            entities=[{"entity": chat.DETAIL_ENTITY,
                                                                       "value": "fix"}]), domain)
    assert "To fix before it can be submitted" in _text(dispatcher) and "signer's name" in _text(dispatcher)


async def test_what_to_fix_just_under_the_fallback_threshold_gets_the_status(db: Any, domain: dict,
                                                                                 world: World) -> None:
    """"what do I need to fix?" classified check_status at 0.34 (the fallback threshold is 0.4): the fallback answers
    it with what to fix; a message whose best guess is another intent, or that does not ask what to fix, still
    gets "Sorry, I didn't get that"."""
    fill(db, world)
    row = db.execute(select(OwnerOperator)).scalar_one()
    row.identification_signer_name = None
    db.commit()
    token = issue_token(world.lead.id, "conv-1")

    def unsure(text: str, best: str) -> Tracker:
        t = conversation(text, "nlu_fallback", token, pending=None)
        t.latest_message["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.4},
                                              {"name": best, "confidence": 0.34},
                                              {"name": "where_am_i", "confidence": 0.27}]
        return t

    dispatcher = CollectingDispatcher()
    await ActionNluFallback().run(dispatcher, unsure("what do I need to fix?", "check_status"), domain)
    assert "To fix before it can be submitted" in _text(dispatcher) and "signer's name" in _text(dispatcher)
    for text, best in (("what do I need to fix?", "ask_what_is_cers_id"), ("how are things", "check_status")):
        dispatcher = CollectingDispatcher()
        await ActionNluFallback().run(dispatcher, unsure(text, best), domain)
        assert _text(dispatcher).startswith("Sorry, I didn't get that."), (text, best)
    dispatcher = CollectingDispatcher()  # without a valid token: log in again, nothing read
    t = unsure("what do I need to fix?", "check_status")
    t.latest_message["metadata"] = {"auth_token": issue_token(world.lead.id, "another-conversation")}
    await ActionNluFallback().run(dispatcher, t, domain)
    assert dispatcher.messages[0].get("response") == "utter_login_again"


async def test_without_a_valid_token_nothing_is_read_or_written(db: Any, domain: dict, world: World) -> None:
    fill(db, world)
    dispatcher = CollectingDispatcher()
    t = conversation(chat.YES_PAYLOAD, "submit_filing", issue_token(world.lead.id, "another-conversation"),
                     before=_asked(), entities=[{"entity": chat.ANSWER_ENTITY, "value": "yes"}])
    await ActionSubmitFiling().run(dispatcher, t, domain)
    assert dispatcher.messages[0].get("response") == "utter_login_again"
    assert _statuses(db) == ["Draft"]


async def test_inside_a_step_form_submit_ends_the_step_and_the_submit_follows(db: Any, domain: dict, world: World,
                                                                               tracker: Any) -> None:
    fill(db, world)
    token = issue_token(world.lead.id, "conv-1")
    text = "ok submit my filing to the county"
    t = tracker(text, intent="submit_filing", slots={"current_facility": CERS_ID, "requested_slot": "inv_answer"},
                set_now={"inv_answer": text}, token=token, active_loop="inventory_form")
    events = await ValidateInventoryForm().run(CollectingDispatcher(), t, domain)
    state = next(e["value"] for e in events if e.get("name") == "inv_state")
    assert state["exit"]["intent"] == "submit_filing"
    # the form's done action then runs the submit (shown for the Facility Information form, the same code)
    dispatcher = CollectingDispatcher()
    t = tracker(text, intent="submit_filing", slots={"current_facility": CERS_ID,
                                                     "fi_state": {"exit": {"intent": "submit_filing", "text": text}}},
                token=token)
    events = await ActionFacilityInfoDone().run(dispatcher, t, domain)
    assert "Do you certify" in _text(dispatcher) and _pending(events) == CERS_ID
    assert events[-1]["name"] == "filing_step" and events[-1]["value"] == "none"


async def test_inside_a_step_form_the_status_is_shown_and_the_step_goes_on(db: Any, domain: dict, world: World,
                                                                            tracker: Any) -> None:
    fill(db, world)
    text = "whats the status of my filing"
    t = tracker(text, intent="check_status", slots={"current_facility": CERS_ID, "requested_slot": "inv_answer"},
                set_now={"inv_answer": text}, token=issue_token(world.lead.id, "conv-1"), active_loop="inventory_form")
    dispatcher = CollectingDispatcher()
    events = await ValidateInventoryForm().run(dispatcher, t, domain)
    assert "Status: Draft" in _text(dispatcher)
    assert {"event": "slot", "name": "inv_answer", "value": None, "timestamp": None} in events
    assert not any(e.get("event") == "active_loop" and e.get("name") is None for e in events)
