"""Inside the older forms (sign-up, facility search, access request, new facility) the reply reaches the form
first: an answer the classifier took for something else stays an answer; a question is answered and the same
question asked again; "stop" or "let's continue tomorrow" end the form and its closing action says so."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.account import ActionSubmitSignup, ValidateSignupForm
from tests.actions.conftest import make_tracker


def _form_turn(text: str, intent: str, confidence: float, requested: str = "full_name",
               loop: str = "signup_form", **slots: Any) -> Tracker:
    t = make_tracker(text, intent=intent, slots={"requested_slot": requested, **slots},
                     set_now={requested: text}, active_loop=loop)
    t.latest_message["intent"]["confidence"] = confidence
    return t


async def _validate(t: Tracker, domain: dict) -> tuple[dict[str, Any], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = await ValidateSignupForm().run(dispatcher, t, domain)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, dispatcher


def _texts(d: CollectingDispatcher) -> str:
    return " ".join(str(m.get("text") or m.get("response") or "") for m in d.messages)


async def test_a_name_taken_for_log_in_is_still_the_name(domain: dict) -> None:
    slots, _ = await _validate(_form_turn("My full name is Alma Reyes. It's just me here", "log_in", 0.62), domain)
    assert slots["full_name"] == "Alma Reyes" and not slots.get("form_exit")


async def test_a_sentence_that_is_not_one_persons_name_is_asked_again(domain: dict) -> None:
    slots, d = await _validate(_form_turn("my husband Miguel Delgado and me", "inform", 0.9), domain)
    assert slots["full_name"] is None and "one person's name" in _texts(d)


async def test_a_question_is_answered_and_the_question_asked_again(domain: dict) -> None:
    slots, d = await _validate(_form_turn("wait what is a CUPA?", "ask_what_is_cupa", 0.93), domain)
    assert slots["full_name"] is None and not slots.get("form_exit")
    assert "utter_what_is_cupa" in _texts(d) or "CUPA" in _texts(d)


async def test_stop_and_pause_end_the_form_and_its_action_says_so(domain: dict) -> None:
    slots, _ = await _validate(_form_turn("let's continue tomorrow", "affirm", 0.4), domain)
    assert slots["form_exit"] == "pause_filing" and slots["full_name"] is None
    slots, _ = await _validate(_form_turn("stop", "stop", 0.97), domain)
    assert slots["form_exit"] == "stop"
    d = CollectingDispatcher()
    events = await ActionSubmitSignup().run(d, make_tracker("stop", intent="stop", slots={
        "form_exit": "stop", "full_name": "Ana Lopez"}), domain)
    cleared = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert cleared["form_exit"] is None and cleared["full_name"] is None and "utter_form_stopped" in _texts(d)


async def test_a_cers_id_in_the_sentence_that_opens_the_search_is_searched_at_once(domain: dict) -> None:
    from actions.facility import ValidateFacilitySearchForm

    t = make_tracker("our cers id is 10234567", intent="find_facility",
                     entities=[{"entity": "cers_id", "value": "10234567", "start": 15, "end": 23}],
                     token=None, active_loop="facility_search_form")
    got = await ValidateFacilitySearchForm().extract_facility_query(CollectingDispatcher(), t, domain)
    assert got == {"facility_query": "our cers id is 10234567"}
    asked = make_tracker("10234567", intent="inform", slots={"requested_slot": "facility_query"},
                         active_loop="facility_search_form")
    assert await ValidateFacilitySearchForm().extract_facility_query(CollectingDispatcher(), asked, domain) == {}
