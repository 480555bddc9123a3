"""Request access to a facility; a Lead User lists, grants and denies requests in the chat."""
from __future__ import annotations

import logging
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_base import BaseFormValidator, form_exited
from actions.identity import current_identity, require_user
from actions.replies import intent_payload
from actions.services import Failed, call_or_tell
from bot.validation import clean_text, normalize_phone

logger = logging.getLogger(__name__)


class ValidateAccessRequestForm(BaseFormValidator):
    def name(self) -> str:
        return "validate_access_request_form"

    def may_ask(self, tracker: Tracker) -> bool:
        # action_submit_access_request explains what comes first
        return current_identity(tracker).is_verified and bool(tracker.get_slot("facility_cers_id"))

    def validate_access_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.clean(dispatcher, "access_phone", value, normalize_phone, tracker, "phone")

    def validate_job_title(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        from bot.services.accounts import safe_for_email

        return self.clean(dispatcher, "job_title", value,
                          lambda s: safe_for_email(clean_text(s, field="title", label="job title", max_len=80),
                                                   field="title", label="job title"))


def _account_phone(db: Any, user_id: int) -> Optional[str]:
    from bot.services import accounts

    user = accounts.get_user(db, user_id)
    return getattr(user, "phone", None) if user else None


class ActionAskAccessPhone(Action):
    """Ask for the phone number, offering the account's number as a one-click answer."""

    def name(self) -> str:
        return "action_ask_access_phone"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = "What phone number should the Lead User use to reach you about this request?"
        ident = current_identity(tracker)
        phone: Optional[str] = None
        if ident.is_verified:
            try:
                phone = await call_or_tell(dispatcher, _account_phone, ident.subject_user_id)
            except Failed:
                phone = None
        phone = phone or tracker.get_slot("phone")
        buttons = [{"title": phone, "payload": phone}] if phone else []
        dispatcher.utter_message(text=text, buttons=buttons)
        return []


def _submit(db: Any, actor: Any, cers_id: str, phone: str, title: str) -> Optional[tuple[str, str, str]]:
    """(facility name, request status, what to tell the filer when it was escalated)."""
    from bot.services import access, access_throttle, facilities

    facility = facilities.find_by_cers_id(db, cers_id)
    if facility is None:
        return None
    # throttled, and the title checked for links and phone numbers (it goes into the Lead Users' email)
    request = access_throttle.request_access(db, actor, facility.id, phone, title)
    escalated = access.escalation_message(db, request) if request.status == "escalated" else ""
    return facility.name, request.status, escalated


class ActionSubmitAccessRequest(Action):
    def name(self) -> str:
        return "action_submit_access_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        exited = form_exited(tracker, dispatcher, ("access_phone", "job_title"))
        if exited is not None:
            return exited
        ident = require_user(tracker, dispatcher)
        if ident is None:
            return []
        cers_id = tracker.get_slot("facility_cers_id")
        if not cers_id:
            dispatcher.utter_message(text="First let's find the facility you want access to.",
                                     buttons=[{"title": "Find my facility", "payload": "/find_facility"}])
            return []
        phone, title = tracker.get_slot("access_phone"), tracker.get_slot("job_title")
        if not (phone and title):
            return []
        try:
            outcome = await call_or_tell(dispatcher, _submit, ident.actor(), str(cers_id), phone, title)
        except Failed:
            return []
        done = [SlotSet("access_phone", None), SlotSet("job_title", None), SlotSet("pending_question", None)]
        if outcome is None:
            dispatcher.utter_message(text=f"I couldn't find CERS ID {cers_id} any more. Let's search again.")
            return done + [SlotSet("facility_cers_id", None)]
        name, status, escalated = outcome
        if status == "escalated":  # the CUPA's inspectors decide, or whom to call where it has none
            dispatcher.utter_message(text=escalated)
        else:
            dispatcher.utter_message(
                text=(f"I've sent your request to the Lead User(s) of {name}. You'll get an email when they "
                      "grant or deny it; you can keep chatting meanwhile.")
            )
        return done


def _pending(db: Any, user_id: int) -> list[dict[str, str]]:
    from bot.services import access

    rows = []
    for req in access.pending_for_lead(db, user_id):
        who = getattr(req.requester, "full_name", "Someone")
        email = getattr(req.requester, "email", "")
        rows.append({
            "id": str(req.id),
            "text": (f"{who} ({email}, {req.phone}), {req.title}, asks for access to {req.facility.name} "
                     f"(CERS ID {req.facility.cers_id})."),
        })
    return rows


class ActionListAccessRequests(Action):
    def name(self) -> str:
        return "action_list_access_requests"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        ident = require_user(tracker, dispatcher)
        if ident is None:
            return []
        try:
            rows = await call_or_tell(dispatcher, _pending, ident.subject_user_id)
        except Failed:
            return []
        if not rows:
            dispatcher.utter_message(text="There are no access requests waiting for you.")
            return []
        dispatcher.utter_message(text=f"{len(rows)} access request(s) wait for your decision:")
        for row in rows:
            dispatcher.utter_message(
                text=row["text"],
                buttons=[
                    {"title": "Grant", "payload": intent_payload("grant_access", access_request_id=row["id"])},
                    {"title": "Deny", "payload": intent_payload("deny_access", access_request_id=row["id"])},
                ],
            )
        return []


def _decide(db: Any, actor: Any, request_id: int, grant: bool) -> tuple[str, str, str]:
    from bot.services import access

    req = access.decide(db, actor, request_id, grant)
    return getattr(req.requester, "full_name", "The requester"), req.facility.name, req.status


class ActionDecideAccess(Action):
    def name(self) -> str:
        return "action_decide_access"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        ident = require_user(tracker, dispatcher)
        if ident is None:
            return []
        raw = tracker.get_slot("access_request_id")
        if not raw or not str(raw).isdigit():
            dispatcher.utter_message(text="Which request? Here are the ones waiting for you.",
                                     buttons=[{"title": "Show access requests", "payload": "/show_access_requests"}])
            return []
        grant = (tracker.latest_message or {}).get("intent", {}).get("name") == "grant_access"
        try:
            who, facility, status = await call_or_tell(dispatcher, _decide, ident.actor(), int(raw), grant)
        except Failed:
            return [SlotSet("access_request_id", None)]
        if status == "granted":
            dispatcher.utter_message(text=f"Done: {who} now has access to {facility}. They'll get an email.")
        else:
            dispatcher.utter_message(text=f"Done: {who}'s request for {facility} is denied. They'll get an email.")
        return [SlotSet("access_request_id", None)]
