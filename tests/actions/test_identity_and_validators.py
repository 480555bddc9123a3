"""Form validators: bad answers are refused with the service's message, good ones are normalized."""
from __future__ import annotations

import json
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.account import ValidateSignupForm
from actions.facility import ValidateFacilitySearchForm, ValidateNewFacilityForm
from actions.identity import current_identity
from bot.services.conversation_auth import issue_token


def _slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def _texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("text") or m.get("response") or "" for m in dispatcher.messages]


def test_identity_anonymous_verified_and_forged(tracker: Any) -> None:
    make_tracker = tracker
    assert current_identity(make_tracker("hi")).is_anonymous
    good = issue_token(7, "conv-1")
    ident = current_identity(make_tracker("hi", token=good))
    assert ident.is_verified and ident.user_id == 7
    assert current_identity(make_tracker("hi", token=good + "x")).is_invalid
    assert current_identity(make_tracker("hi", token=good, sender_id="someone-else")).is_invalid
    assert current_identity(make_tracker("hi", token="not-a-token")).is_invalid


async def test_malformed_email_is_refused_and_asked_again(domain: dict[str, Any], tracker: Any) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker("ana at example", set_now={"email": "ana at example"},
                           slots={"full_name": "Ana Lopez", "requested_slot": "email"}, active_loop="signup_form")
    events = await ValidateSignupForm().run(dispatcher, tracker, domain)
    slots = _slots(events)
    assert slots["email"] is None
    assert "full_name" not in slots  # nothing else touched
    assert any("name@example.com" in t for t in _texts(dispatcher))


async def test_email_is_normalized(domain: dict[str, Any], tracker: Any) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker("my email is Ana.Lopez@Example.com", set_now={"email": "Ana.Lopez@Example.com"},
                           slots={"requested_slot": "email"}, active_loop="signup_form")
    events = await ValidateSignupForm().run(dispatcher, tracker, domain)
    assert _slots(events)["email"] == "ana.lopez@example.com"


async def test_password_typed_into_the_chat_is_not_kept_nor_echoed(domain: dict[str, Any], tracker: Any) -> None:
    secret = "Sunsh1ne#Fresno"
    dispatcher = CollectingDispatcher()
    tracker = tracker(secret, set_now={"email": secret}, slots={"requested_slot": "email"},
                           active_loop="signup_form")
    events = await ValidateSignupForm().run(dispatcher, tracker, domain)
    assert _slots(events)["email"] is None
    assert dispatcher.messages and all(secret not in json.dumps(m) for m in dispatcher.messages)


@pytest.mark.parametrize("reply, expected", [
    ("it's 10234567", {"cers_id": "10234567"}),
    ("CERS ID 1023-4567", {"cers_id": "10234567"}),
])
async def test_search_reply_with_cers_id(domain: dict[str, Any], reply: str, expected: dict[str, str], tracker: Any) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker(reply, set_now={"facility_query": reply}, token=issue_token(1, "conv-1"),
                           slots={"requested_slot": "facility_query"}, active_loop="facility_search_form")
    events = await ValidateFacilitySearchForm().run(dispatcher, tracker, domain)
    assert json.loads(_slots(events)["facility_query"]) == expected


@pytest.mark.parametrize("reply, fragment", [("1023456", "7 digits"), ("102345678", "9 digits"),
                                             ("10234x67", "isn't a CERS ID")])
async def test_wrong_shaped_cers_id(domain: dict[str, Any], reply: str, fragment: str, tracker: Any) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker(reply, set_now={"facility_query": reply}, token=issue_token(1, "conv-1"),
                           slots={"requested_slot": "facility_query"}, active_loop="facility_search_form")
    events = await ValidateFacilitySearchForm().run(dispatcher, tracker, domain)
    assert _slots(events)["facility_query"] is None
    assert any(fragment in t and "8" in t for t in _texts(dispatcher))


async def test_search_reply_with_address_and_city_entity(domain: dict[str, Any], tracker: Any) -> None:
    reply = "we're at 1234 w shaw ave in fresno"
    dispatcher = CollectingDispatcher()
    tracker = tracker(reply, set_now={"facility_query": reply}, token=issue_token(1, "conv-1"),
                           entities=[{"entity": "city", "value": "fresno", "start": 29, "end": 35}],
                           slots={"requested_slot": "facility_query"}, active_loop="facility_search_form")
    events = await ValidateFacilitySearchForm().run(dispatcher, tracker, domain)
    query = json.loads(_slots(events)["facility_query"])
    assert query == {"street_number": "1234", "street": "w shaw ave", "city": "Fresno"}


async def test_anonymous_search_form_asks_nothing(domain: dict[str, Any], tracker: Any) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker("find my facility", intent="find_facility", active_loop="facility_search_form")
    events = await ValidateFacilitySearchForm().run(dispatcher, tracker, domain)
    assert _slots(events) == {"requested_slot": None}


async def test_new_facility_zip_of_another_city_keeps_zip_and_asks_city(domain: dict[str, Any], tracker: Any) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker("93721", set_now={"new_facility_zip": "93721"}, token=issue_token(1, "conv-1"),
                           slots={"requested_slot": "new_facility_zip", "facility_search_done": True,
                                  "new_facility_name": "Joe's Auto", "new_facility_street": "1 Main St",
                                  "new_facility_city": "Oakland"},
                           active_loop="new_facility_form")
    events = await ValidateNewFacilityForm().run(dispatcher, tracker, domain)
    slots = _slots(events)
    assert slots["new_facility_zip"] == "93721"
    assert slots["new_facility_city"] is None
    assert any("Fresno" in t for t in _texts(dispatcher))


async def test_new_facility_street_must_start_with_number(domain: dict[str, Any], tracker: Any) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker("Main Street", set_now={"new_facility_street": "Main Street"},
                           token=issue_token(1, "conv-1"),
                           slots={"requested_slot": "new_facility_street", "facility_search_done": True,
                                  "new_facility_name": "Joe's Auto"},
                           active_loop="new_facility_form")
    events = await ValidateNewFacilityForm().run(dispatcher, tracker, domain)
    assert _slots(events)["new_facility_street"] is None
    assert any("number" in t for t in _texts(dispatcher))


async def test_new_facility_form_refused_before_a_search(domain: dict[str, Any], tracker: Any) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker("add a new facility", intent="add_new_facility", token=issue_token(1, "conv-1"),
                           active_loop="new_facility_form")
    events = await ValidateNewFacilityForm().run(dispatcher, tracker, domain)
    assert _slots(events) == {"requested_slot": None}


@pytest.mark.parametrize(
    "text, entities, expected",
    [
        ("we're at 98765 Harbor Blvd", [], ("address", "98765", "Harbor Blvd", None)),
        ("10234567", [], ("cers_id", "10234567", None, None)),
        ("it's 1023 4567", [], ("cers_id", "10234567", None, None)),
        ("CERS ID 10-234-567", [], ("cers_id", "10234567", None, None)),
        ("10234x67", [], ("cers_id", "10234x67", None, None)),
        ("1234 w shaw ave in fresno", [], ("address", "1234", "w shaw ave", "fresno")),
        # the spaCy ruler also tags "Camino" (a CA town) inside the street name: the city is the last one
        ("its at 2345 camino del rio s mojave",
         [{"entity": "city", "value": "Camino"}, {"entity": "city", "value": "Mojave"}],
         ("address", "2345", "camino del rio s", "Mojave")),
    ],
)
def test_facility_query_parsing(text: str, entities: list, expected: tuple) -> None:
    from actions.text import parse_facility_query

    q = parse_facility_query(text, entities)
    assert q is not None and (q.kind, q.value, q.street, q.city) == expected
