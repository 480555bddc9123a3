"""Questions, fallbacks and yes/no answers: the parts of the conversation that touch no user data."""
from __future__ import annotations

from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.identity import current_identity
from actions.replies import anonymous_buttons, offer_login, user_buttons
from actions.text import looks_like_password, parse_facility_query

ANSWERS = {
    "ask_what_is_cers_id": "utter_what_is_cers_id",
    "ask_what_is_cers": "utter_what_is_cers",
    "ask_what_is_cupa": "utter_what_is_cupa",
    "ask_what_is_lead_user": "utter_what_is_lead_user",
    "ask_why_phone": "utter_why_phone",
    "ask_password_in_chat": "utter_password_not_here",
    "chitchat": "utter_chitchat",
    "bot_challenge": "utter_bot_challenge",
    "out_of_scope": "utter_out_of_scope",
    "ask_thresholds": "utter_thresholds",
    "help": None,
    "explain_question": None,
    "skip_question": None,
    "go_back": None,
}


# "why do you need this?" in the account and facility forms: the question being asked, explained.
SLOT_EXPLANATIONS = {
    "phone": "utter_why_phone",
    "access_phone": "utter_why_phone",
    "facility_query": "utter_what_is_cers_id",
}


def _intent(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""


def _menu(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> None:
    ident = current_identity(tracker)
    if ident.is_verified:
        dispatcher.utter_message(
            text=f"{text} I can continue your filing (facility information, chemical inventory), find your "
                 "facility, request access to it, add a new facility, or show access requests waiting for you.",
            buttons=user_buttons(),
        )
    else:
        dispatcher.utter_message(
            text=f"{text} I can help you sign up, log in, or explain CERS terms.", buttons=anonymous_buttons()
        )


KNOWLEDGE_INTENTS = ("ask_thresholds", "ask_ehs", "ask_deadline", "ask_consequences", "ask_definition")


async def knowledge_answer(text: str, intent: str) -> Optional[str]:
    """The answer from the product's facts (bot.knowledge), or None."""
    from actions.services import call
    from bot.knowledge.answers import answer_question

    try:
        answer = await call(lambda db: answer_question(text, db=db, intent=intent))
    except Exception:  # noqa: BLE001 - no answer rather than an error
        return None
    return answer.text if answer else None


class ActionAnswerQuestion(Action):
    """Answer a general question; inside a form the form then asks its question again."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        intent = _intent(tracker)
        text = str((tracker.latest_message or {}).get("text") or "")
        if intent in KNOWLEDGE_INTENTS and not looks_like_password(text):
            answer = await knowledge_answer(text, intent)
            if answer:
                dispatcher.utter_message(text=answer)
                return []
        response = ANSWERS.get(intent)
        if looks_like_password((tracker.latest_message or {}).get("text")):
            response = "utter_password_not_here"
        requested = tracker.get_slot("requested_slot")
        if intent == "explain_question" and requested in SLOT_EXPLANATIONS:
            response = SLOT_EXPLANATIONS[requested]
        if response:
            dispatcher.utter_message(response=response)
        elif tracker.active_loop.get("name"):
            dispatcher.utter_message(text="I'm collecting a few details; answer the question below, or say "
                                          "\"stop\" to pause (nothing you gave me is lost).")
        else:
            _menu(dispatcher, tracker, "Here's what I can do.")
        return []


class ActionNluFallback(Action):
    """The message wasn't understood: say so, and what can be done now. Never echo it."""

    def name(self) -> str:
        return "action_nlu_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if looks_like_password((tracker.latest_message or {}).get("text")):
            dispatcher.utter_message(response="utter_password_not_here")
            return []
        if current_identity(tracker).is_invalid:
            dispatcher.utter_message(response="utter_login_again")
            offer_login(dispatcher, with_text=False)
            return []
        text = str((tracker.latest_message or {}).get("text") or "")
        if _best_guess(tracker) == "check_status" and current_identity(tracker).is_verified:
            from bot.submittals.chat import asks_what_to_fix

            if asks_what_to_fix(text):  # "what do I need to fix?" just under the threshold: the status says it
                from actions.submittals import ActionFilingStatus

                return await ActionFilingStatus().run(dispatcher, tracker, domain)
        _menu(dispatcher, tracker, "Sorry, I didn't get that.")
        return []


def _best_guess(tracker: Tracker) -> Optional[str]:
    """The intent the classifier ranked first when it was not sure enough (the fallback aside), or None."""
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    return next((str(r.get("name")) for r in ranking if r.get("name") not in (None, "nlu_fallback")), None)


class ActionHandleYesNo(Action):
    """"yes"/"no" answer the last yes/no question the assistant asked (slot pending_question)."""

    def name(self) -> str:
        return "action_handle_yes_no"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        yes = _intent(tracker) == "affirm"
        from actions.submittals import answer_certification

        certified = await answer_certification(dispatcher, tracker, yes)  # only right after its question
        if certified is not None:
            return certified
        pending = tracker.get_slot("pending_question")
        clear = [SlotSet("pending_question", None)]
        if pending in ("search_again", "none_of_these"):
            if yes and pending == "search_again":
                return clear + [FollowupAction("facility_search_form")]
            offered = tracker.get_slot("offered_facility")
            if yes and pending == "none_of_these" and offered:
                # "yes that's us" to "I found this facility. Is it yours?"
                return clear + [SlotSet("facility_cers_id", offered), SlotSet("offered_facility", None),
                                FollowupAction("action_select_facility")]
            if yes and pending == "none_of_these":
                dispatcher.utter_message(text="Which one is yours? Pick it from the list above.")
                return []
            dispatcher.utter_message(
                text="OK. You can search again (a CERS ID or another street number), or add it as a new facility.",
                buttons=[{"title": "Search again", "payload": "/find_facility"},
                         {"title": "Add a new facility", "payload": "/add_new_facility"}],
            )
            return clear
        if pending == "request_access":
            if yes:
                return clear + [FollowupAction("access_request_form")]
            _menu(dispatcher, tracker, "OK, no request sent.")
            return clear
        if pending == "confirm_add":
            if yes:
                dispatcher.utter_message(
                    text="Please pick the matching facility above to request access, or tap "
                         "\"No, it's a different site - add it\".")
                return []
            return clear + [FollowupAction("action_create_facility")]
        _menu(dispatcher, tracker, "OK." if yes else "Alright.")
        return []


class ActionHandleInform(Action):
    """Information given outside any form, like "it's 10234567": treat a CERS ID or address as a search."""

    def name(self) -> str:
        return "action_handle_inform"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        if looks_like_password(text):
            dispatcher.utter_message(response="utter_password_not_here")
            return []
        entities: list[dict[str, Any]] = list((tracker.latest_message or {}).get("entities") or [])
        query = parse_facility_query(text, entities)
        if query is not None and any(e.get("entity") in ("cers_id", "street_number") for e in entities):
            ident = current_identity(tracker)
            if ident.is_verified:
                return [SlotSet("facility_query", text), FollowupAction("facility_search_form")]
            if ident.is_invalid:
                dispatcher.utter_message(response="utter_login_again")
            else:
                dispatcher.utter_message(response="utter_login_first")
            offer_login(dispatcher, with_text=not ident.is_invalid)
            return []
        _menu(dispatcher, tracker, "Thanks. What would you like to do with that?")
        return []
