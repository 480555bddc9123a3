"""Create an account, log in, resend the sign-up email. The password never passes through the chat, and
neither does any link that sets it: the link to choose the password goes only to the address's inbox, and the
chat answers the same whether or not the address has an account (bot.services.accounts)."""
from __future__ import annotations

import logging
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_base import BaseFormValidator, form_exited
from actions.identity import client_of, current_identity, require_user
from actions.replies import anonymous_buttons, offer_login, user_buttons
from actions.services import Failed, call, call_or_tell
from actions.text import strip_contact_details
from bot.actor import Actor
from bot.errors import ServiceError
from bot.validation import normalize_email, normalize_phone

logger = logging.getLogger(__name__)


def _first_name(full_name: Optional[str]) -> str:
    return (full_name or "").split()[0] if (full_name or "").split() else ""


class ValidateSignupForm(BaseFormValidator):
    def name(self) -> str:
        return "validate_signup_form"

    def may_ask(self, tracker: Tracker) -> bool:
        # Signing up is for anonymous visitors only; action_submit_signup explains otherwise.
        return current_identity(tracker).is_anonymous

    def validate_full_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        from bot.services.accounts import check_name

        def name(s: str) -> str:
            # one person's name out of the sentence ("My full name is Alma Reyes. It's just me"), never the
            # sentence; it is the greeting of emails: no web address or phone number in it (check_name)
            from bot.names import person_name

            return check_name(person_name(strip_contact_details(s)))

        return self.clean(dispatcher, "full_name", value, name)

    def validate_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.clean(dispatcher, "email", value, normalize_email, tracker, "email")

    def validate_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.clean(dispatcher, "phone", value, normalize_phone, tracker, "phone")


class ActionSubmitSignup(Action):
    """Ask for the account: the link to choose the password is emailed; the chat never shows it."""

    def name(self) -> str:
        return "action_submit_signup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        exited = form_exited(tracker, dispatcher, ("full_name", "email", "phone"))
        if exited is not None:
            return exited
        ident = current_identity(tracker)
        if ident.is_invalid:
            dispatcher.utter_message(response="utter_login_again")
            offer_login(dispatcher, with_text=False)
            return []
        if ident.is_verified:
            dispatcher.utter_message(text="You're already logged in, so there's no need to sign up again.",
                                     buttons=user_buttons())
            return []
        full_name, email, phone = (tracker.get_slot(s) for s in ("full_name", "email", "phone"))
        if not (full_name and email and phone):
            return []
        from bot.services import accounts

        try:
            started = await call(accounts.start_signup, full_name, email, phone, Actor.anonymous(channel="chat"),
                                 client=client_of(tracker))
        except ServiceError as exc:
            dispatcher.utter_message(text=exc.message)
            return []
        except Exception:  # noqa: BLE001
            logger.exception("start_signup failed")
            dispatcher.utter_message(response="utter_service_error")
            return []
        dispatcher.utter_message(
            text=f"Thanks, {_first_name(full_name)}! {started.message}",
            buttons=[{"title": "Log in", "payload": "/log_in"},
                     {"title": "Send the email again", "payload": "/resend_activation"}],
        )
        return []


class ValidateResendForm(BaseFormValidator):
    def name(self) -> str:
        return "validate_resend_form"

    def validate_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.clean(dispatcher, "email", value, normalize_email, tracker, "email")


class ActionResendActivation(Action):
    def name(self) -> str:
        return "action_resend_activation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        exited = form_exited(tracker, dispatcher, ("email",))
        if exited is not None:
            return exited
        if current_identity(tracker).is_invalid:
            dispatcher.utter_message(response="utter_login_again")
            offer_login(dispatcher, with_text=False)
            return []
        email = tracker.get_slot("email")
        if not email:
            return []
        from bot.services import accounts

        try:
            await call_or_tell(dispatcher, accounts.resend_activation, email, client=client_of(tracker))
        except Failed:
            return []
        dispatcher.utter_message(
            text=(
                f"If {email} has an account waiting for its password, I've emailed it a new link. It can take a few "
                "minutes: please look in your spam or junk folder too. The link works for 24 hours."
            )
        )
        return []


class ActionOfferLogin(Action):
    def name(self) -> str:
        return "action_offer_login"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if current_identity(tracker).is_verified:
            dispatcher.utter_message(text="You're already logged in.", buttons=user_buttons())
            return []
        offer_login(dispatcher, with_text=True)
        return []


class ActionWelcomeUser(Action):
    """After the page's login (/logged_in): greet the verified user by name."""

    def name(self) -> str:
        return "action_welcome_user"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        ident = require_user(tracker, dispatcher)
        if ident is None:
            return []
        from bot.services import accounts

        try:
            user = await call_or_tell(dispatcher, accounts.get_user, ident.subject_user_id)
        except Failed:
            return []
        first = _first_name(getattr(user, "full_name", "")) or "there"
        try:
            resume = await call_or_tell(dispatcher, _resume_point, ident.actor(), ident.subject_user_id)
        except Failed:
            resume = None
        if resume is None:
            dispatcher.utter_message(
                text=f"Welcome, {first}! You're logged in. Let's find your facility in CERS first.",
                buttons=user_buttons(),
            )
            return []
        cers_id, label, next_name, several = resume
        where = f" Next for it: {next_name}." if next_name else " Its filing has everything I can take in the chat."
        buttons = [{"title": "Continue where I left off", "payload": "/continue_filing"},
                   {"title": "Where am I?", "payload": "/where_am_i"}]
        if several:
            buttons.append({"title": "Switch facility", "payload": "/switch_facility"})
        dispatcher.utter_message(text=f"Welcome back, {first}! You're working on {label}.{where}", buttons=buttons)
        return [SlotSet("current_facility", cers_id)]


def _resume_point(db: Any, actor: Any, user_id: int) -> Optional[tuple[str, str, Optional[str], bool]]:
    """(CERS ID, label, next element's name, has several facilities) of the facility last worked on."""
    from bot.facility_info import service
    from bot.services import working_facility

    options = working_facility.choices(db, user_id)
    if not options:
        return None
    facility = options[0].facility
    nxt = service.next_step(service.checklist(db, actor, facility.id))
    label = f"{facility.name} - {facility.street}, {facility.city} (CERS ID {facility.cers_id})"
    return facility.cers_id, label, (nxt.name if nxt else None), len(options) > 1


def _asks_next_year(tracker: Tracker) -> bool:
    from bot.submittals.chat import asks_next_year

    message = tracker.latest_message or {}
    intent = (message.get("intent") or {}).get("name")
    return intent == "start_filing" and asks_next_year(str(message.get("text") or ""))


class ActionGreet(Action):
    """Greeting and help: what the assistant can do now, with buttons for the next step."""

    def name(self) -> str:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        ident = current_identity(tracker)
        if ident.is_invalid:
            dispatcher.utter_message(response="utter_login_again")
            offer_login(dispatcher, with_text=False)
            return []
        if ident.is_verified and _asks_next_year(tracker):
            # "file this year's plan" (the annual reminder's words) is understood as start_filing: this year's
            # filing from the accepted one, decided in bot.submittals (annual_chat) like "submit my filing".
            from actions.submittals import ActionSubmitFiling

            return await ActionSubmitFiling().run(dispatcher, tracker, domain)
        if ident.is_verified:
            dispatcher.utter_message(
                text=("Hi! I can continue your filing, find your facility in CERS, ask its Lead User for access, add a new facility, "
                      "and show access requests waiting for you. What would you like to do?"),
                buttons=user_buttons(),
            )
            return []
        dispatcher.utter_message(
            text=("Hi! I'm the CERS filing assistant. I help California businesses file their Hazardous Materials "
                  "Business Plan. First you need an account: sign up (it takes a minute) or log in."),
            buttons=anonymous_buttons(),
        )
        return []
