"""Next year's filing through the actions against a real database: "file this year's plan" (understood as
start_filing) starts this year's Draft from the accepted filing and asks about the first element; each "No change"
button confirms one element and asks the next; after the last, the AB 1429 advice and the certification question
(with the submit marker); its Yes button submits. Without a login nothing is started."""
from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.account import ActionGreet
from actions.submittals import ActionSubmitFiling
from bot.models import Submittal
from bot.services.conversation_auth import issue_token
from bot.submittals import annual, annual_chat, chat, service
from tests.actions.test_submittals_actions import _payloads, _pending, _statuses, _text, conversation
from tests.unit.test_submit import CERS_ID, World, fill


@pytest.fixture
def world(db: Any) -> World:
    return World(db)


def _accepted(db: Any, world: World) -> None:
    """A filing submitted and accepted (the review itself is tested in tests/unit/test_review.py)."""
    fill(db, world)
    filing_id = service.submit(db, world.actor, world.fid, certified=True).submittal_id
    db.get(Submittal, filing_id).status = "Accepted"
    db.commit()


def _button(payload: str, answer: str, token: str, before: list = ()) -> Any:
    entities = [{"entity": chat.ANSWER_ENTITY, "value": answer}]
    return conversation(payload, "submit_filing", token, entities=entities, pending=None, before=list(before))


async def test_file_this_years_plan_walks_every_element_then_submits(db: Any, domain: dict, world: World) -> None:
    _accepted(db, world)
    token = issue_token(world.lead.id, "conv-1")
    dispatcher = CollectingDispatcher()
    await ActionGreet().run(dispatcher, conversation("file this year's plan", "start_filing", token, pending=None),
                            domain)
    assert "as a copy of the accepted one" in _text(dispatcher) and "1 of 7. Business Activities" in _text(dispatcher)
    assert _payloads(dispatcher) == [annual_chat.keep_payload("business_activities"), "/continue_filing"]
    events: list = []
    for element in annual.ELEMENT_KEYS:
        dispatcher = CollectingDispatcher()
        events = await ActionSubmitFiling().run(dispatcher, _button(annual_chat.keep_payload(element),
                                                                    f"keep:{element}", token), domain)
        assert f"{annual.LABELS[element]}: confirmed for this year." in _text(dispatcher)
    text = _text(dispatcher)
    assert "every three years" in text and "Do you certify, as Maria Lopez, Owner" in text
    assert _pending(events) == CERS_ID and _payloads(dispatcher)[-2:] == [chat.YES_PAYLOAD, chat.NO_PAYLOAD]
    asked = [{"event": "user", "text": "No change", "parse_data": {"text": "No change"}},
             {"event": "bot", "text": "Do you certify ...?",
              "data": {"buttons": [{"title": "Yes", "payload": chat.YES_PAYLOAD}]}}]
    yes = conversation(chat.YES_PAYLOAD, "submit_filing", token, before=asked,
                       entities=[{"entity": chat.ANSWER_ENTITY, "value": "yes"}])
    dispatcher = CollectingDispatcher()
    await ActionSubmitFiling().run(dispatcher, yes, domain)
    assert "Submitted on" in _text(dispatcher)
    assert sorted(_statuses(db)) == ["Accepted", "Submitted"]


async def test_other_start_filing_messages_still_greet(db: Any, domain: dict, world: World) -> None:
    _accepted(db, world)
    token = issue_token(world.lead.id, "conv-1")
    dispatcher = CollectingDispatcher()
    await ActionGreet().run(dispatcher, conversation("I need to file", "start_filing", token, pending=None), domain)
    assert "I can continue your filing" in _text(dispatcher)
    assert db.execute(select(Submittal).where(Submittal.status == "Draft")).first() is None


async def test_a_bad_token_starts_nothing(db: Any, domain: dict, world: World) -> None:
    _accepted(db, world)
    dispatcher = CollectingDispatcher()
    await ActionSubmitFiling().run(dispatcher, _button(annual_chat.WALK_PAYLOAD, "annual", "not-a-token"), domain)
    assert db.execute(select(Submittal).where(Submittal.status == "Draft")).first() is None
    assert "Continue this year's review" not in _text(dispatcher)
