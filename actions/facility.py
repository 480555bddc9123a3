"""Find the facility first (CERS ID or street number); add a new one only after a search found nothing."""
from __future__ import annotations

import json
import logging
import re
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_base import BaseFormValidator, form_exited
from actions.identity import current_identity, require_user
from actions.replies import facility_buttons, facility_label, intent_payload
from actions.services import Failed, call_or_tell
from actions.text import looks_like_password, parse_facility_query
from bot import geo
from bot.errors import ServiceError
from bot.validation import check_city_zip, clean_text, normalize_cers_id, parse_ca_zip

logger = logging.getLogger(__name__)

QUERY_HELP = (
    "Please give the facility's 8-digit CERS ID (like 10234567), or the street number of its address "
    "(like 1234, or 1234 W Shaw Ave, Fresno)."
)
NOT_FOUND_BUTTONS = [
    {"title": "Search again", "payload": "/find_facility"},
    {"title": "Add a new facility", "payload": "/add_new_facility"},
]


class ValidateFacilitySearchForm(BaseFormValidator):
    def name(self) -> str:
        return "validate_facility_search_form"

    def may_ask(self, tracker: Tracker) -> bool:
        return current_identity(tracker).is_verified

    async def extract_facility_query(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """"our CERS ID is 10234567" / "we're at 1234 W Shaw Ave" that opened the search: searched at once,
        not asked again."""
        if tracker.get_slot("requested_slot") or tracker.get_slot("facility_query"):
            return {}
        text = str((tracker.latest_message or {}).get("text") or "")
        entities = self.latest_entities(tracker)
        if text.startswith("/") or not any(e.get("entity") in ("cers_id", "street_number") for e in entities):
            return {}
        return {"facility_query": text} if parse_facility_query(text, entities) is not None else {}

    def validate_facility_query(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = value if isinstance(value, str) else str(value or "")
        if looks_like_password(text):
            dispatcher.utter_message(response="utter_password_not_here")
            return {"facility_query": None}
        query = parse_facility_query(text, self.latest_entities(tracker))
        if query is None:
            dispatcher.utter_message(text=f"I couldn't read that as a CERS ID or an address. {QUERY_HELP}")
            return {"facility_query": None}
        if query.kind == "cers_id":
            try:
                return {"facility_query": json.dumps({"cers_id": normalize_cers_id(query.value)})}
            except ServiceError as exc:
                dispatcher.utter_message(text=exc.message)
                return {"facility_query": None}
        city = geo.normalize_city(query.city) if query.city else None
        return {
            "facility_query": json.dumps(
                {"street_number": query.value, "street": query.street, "city": city or query.city}
            )
        }


def _describe(query: dict[str, Any]) -> str:
    if "cers_id" in query:
        return f"CERS ID {query['cers_id']}"
    parts = [query["street_number"], query.get("street") or ""]
    where = " ".join(p for p in parts if p)
    return f"{where}, {query['city']}" if query.get("city") else where


class ActionSearchFacility(Action):
    def name(self) -> str:
        return "action_search_facility"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        exited = form_exited(tracker, dispatcher, ("facility_query",))
        if exited is not None:
            return exited
        ident = require_user(tracker, dispatcher)
        if ident is None:
            return []
        raw = tracker.get_slot("facility_query")
        if not raw:
            return []
        try:
            query = json.loads(raw)
        except (TypeError, ValueError):
            return [SlotSet("facility_query", None)]
        from bot.services import facilities

        try:
            if "cers_id" in query:
                found = await call_or_tell(dispatcher, facilities.find_by_cers_id, query["cers_id"])
                results = [found] if found else []
            else:
                results = await call_or_tell(
                    dispatcher, facilities.search_by_address, query["street_number"],
                    street=query.get("street") or None, city=query.get("city") or None,
                )
        except Failed:
            return [SlotSet("facility_query", None)]
        events: list[EventType] = [SlotSet("facility_query", None), SlotSet("facility_search_done", True)]
        if not results:
            hint = (" Check the number on the facility's Business Activities form, or search by street number."
                    if "cers_id" in query else " Try only the street number, or check the city.")
            dispatcher.utter_message(
                text=f"I couldn't find a facility with {_describe(query)} in CERS.{hint} "
                     "If it's a new site, you can add it.",
                buttons=NOT_FOUND_BUTTONS,
            )
            return events + [SlotSet("pending_question", "search_again")]
        if len(results) == 1:
            text = "I found this facility. Is it yours?"
        else:
            text = f"I found {len(results)} facilities at {_describe(query)}. Which one is yours?"
        dispatcher.utter_message(
            text=text,
            buttons=facility_buttons(results) + [{"title": "None of these", "payload": "/deny"}],
        )
        offered = str(results[0].cers_id) if len(results) == 1 else None
        return events + [SlotSet("pending_question", "none_of_these"), SlotSet("offered_facility", offered)]


def _facility_and_role(db: Any, cers_id: str, user_id: int) -> Optional[tuple[str, Optional[str]]]:
    from bot.services import facilities

    facility = facilities.find_by_cers_id(db, cers_id)
    if facility is None:
        return None
    return facility_label(facility), facilities.role_of(db, user_id, facility.id)


class ActionSelectFacility(Action):
    def name(self) -> str:
        return "action_select_facility"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        ident = require_user(tracker, dispatcher)
        if ident is None:
            return []
        cers_id = tracker.get_slot("facility_cers_id") or tracker.get_slot("offered_facility")
        if not cers_id:
            dispatcher.utter_message(text="Which facility? Let's search for it first.", buttons=NOT_FOUND_BUTTONS[:1])
            return []
        try:
            found = await call_or_tell(dispatcher, _facility_and_role, str(cers_id), ident.subject_user_id)
        except Failed:
            return []
        if found is None:
            dispatcher.utter_message(text=f"I couldn't find CERS ID {cers_id}. Let's search again.",
                                     buttons=NOT_FOUND_BUTTONS[:1])
            return [SlotSet("facility_cers_id", None)]
        label, role = found
        if role:
            role_name = "Lead User" if role == "lead" else "user"
            dispatcher.utter_message(
                text=f"You already have access to {label} (as {role_name}). Shall we work on its filing?",
                buttons=[{"title": "Continue its filing", "payload": "/continue_filing"}],
            )
            return [SlotSet("pending_question", None), SlotSet("current_facility", str(cers_id))]
        dispatcher.utter_message(
            text=(f"{label}. To work on its filing you need access, which its Lead User grants. "
                  "Shall I ask for it? I need your phone number and job title."),
            buttons=[{"title": "Request access", "payload": "/request_access"}],
        )
        return [SlotSet("pending_question", "request_access")]


_STREET_RE = re.compile(r"^\d+[A-Za-z]?(?:-\d+)?\s+\S")


def _street(s: str) -> str:
    street = clean_text(s, field="street", label="street address", max_len=140)
    if not _STREET_RE.match(street):
        from bot.errors import ValidationError

        raise ValidationError(
            "The street address must start with the building number, like 1234 W Shaw Ave. "
            "(Give the city and ZIP code separately.)",
            field="street",
        )
    return street


def _city(s: str) -> str:
    name = clean_text(s, field="city", label="city", max_len=60)
    canonical = geo.normalize_city(name)
    if not canonical:
        from bot.errors import ValidationError

        raise ValidationError(
            f"I don't know a California city called “{name}”. Please check the spelling (like Fresno or "
            "San Luis Obispo).",
            field="city",
        )
    return canonical


class ValidateNewFacilityForm(BaseFormValidator):
    def name(self) -> str:
        return "validate_new_facility_form"

    def may_ask(self, tracker: Tracker) -> bool:
        # action_check_new_facility explains what comes first
        return current_identity(tracker).is_verified and bool(tracker.get_slot("facility_search_done"))

    def validate_new_facility_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.clean(dispatcher, "new_facility_name", value,
                          lambda s: clean_text(s, field="name", label="facility name", max_len=140))

    def validate_new_facility_street(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.clean(dispatcher, "new_facility_street", value, _street)

    def validate_new_facility_city(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        result = self.clean(dispatcher, "new_facility_city", value, _city)
        zip5 = tracker.get_slot("new_facility_zip")
        if result["new_facility_city"] and zip5:
            try:
                result["new_facility_city"] = check_city_zip(result["new_facility_city"], zip5)
            except ServiceError as exc:
                # The user just confirmed the city: the ZIP must be the wrong one.
                dispatcher.utter_message(text=exc.message)
                result["new_facility_zip"] = None
        return result

    def validate_new_facility_zip(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        result = self.clean(dispatcher, "new_facility_zip", value, parse_ca_zip, tracker, "zip")
        zip5, city = result["new_facility_zip"], tracker.get_slot("new_facility_city")
        if zip5 and city:
            try:
                result["new_facility_city"] = check_city_zip(city, zip5)
            except ServiceError as exc:
                cities = geo.cities_for_zip(zip5)[:4]
                dispatcher.utter_message(
                    text=f"{exc.message} Pick the right city below or type it.",
                    buttons=[{"title": c, "payload": c} for c in cities],
                )
                result["new_facility_city"] = None  # keep the ZIP, ask the city again
        return result


_NEW_FACILITY_SLOTS = ("new_facility_name", "new_facility_street", "new_facility_city", "new_facility_zip")


async def _create(dispatcher: CollectingDispatcher, tracker: Tracker, ident: Any) -> list[EventType]:
    from bot.services import facilities

    name, street, city, zip5 = (tracker.get_slot(s) for s in _NEW_FACILITY_SLOTS)

    def _do(db: Any) -> tuple[str, str]:
        facility = facilities.create_facility(db, ident.actor(), name, street, city, zip5)
        return facility.name, facility.cers_id

    try:
        fname, cers_id = await call_or_tell(dispatcher, _do)
    except Failed:
        return []
    dispatcher.utter_message(
        text=f"Your facility {fname} has CERS ID {cers_id}. You are its Lead User. "
             "Keep that number: it's on every filing and letter from your CUPA.",
        buttons=[{"title": "Start its filing", "payload": "/continue_filing"}],
    )
    return [SlotSet(s, None) for s in _NEW_FACILITY_SLOTS] + [
        SlotSet("pending_question", None), SlotSet("current_facility", cers_id), SlotSet("fi_state", None),
        SlotSet("inv_state", None)]


def _search_first(dispatcher: CollectingDispatcher) -> list[EventType]:
    """A new facility is only added after a search showed it isn't in CERS yet."""
    dispatcher.utter_message(text="Let's make sure it isn't already in CERS first.")
    return [FollowupAction("facility_search_form")]


class ActionCheckNewFacility(Action):
    """After the new-facility form: warn about an existing facility at that address, else create it."""

    def name(self) -> str:
        return "action_check_new_facility"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        exited = form_exited(tracker, dispatcher, ("new_facility_name", "new_facility_street", "new_facility_city", "new_facility_zip"))
        if exited is not None:
            return exited
        ident = require_user(tracker, dispatcher)
        if ident is None:
            return []
        if not tracker.get_slot("facility_search_done"):
            return _search_first(dispatcher)
        name, street, city, zip5 = (tracker.get_slot(s) for s in _NEW_FACILITY_SLOTS)
        if not (name and street and city and zip5):
            return []
        from bot.services import facilities

        try:
            matches = await call_or_tell(dispatcher, facilities.address_matches, street, city, zip5)
        except Failed:
            return []
        if not matches:
            return await _create(dispatcher, tracker, ident)
        buttons = [
            {"title": f"That's it - request access ({m.name}, CERS ID {m.cers_id})",
             "payload": intent_payload("select_facility", facility_cers_id=m.cers_id)}
            for m in matches[:5]
        ]
        buttons.append({"title": "No, it's a different site - add it", "payload": "/confirm_add_facility"})
        listing = "; ".join(facility_label(m) for m in matches[:5])
        dispatcher.utter_message(
            text=f"Wait: CERS already has a facility at {street}, {city}: {listing}. Is it the same site?",
            buttons=buttons,
        )
        return [SlotSet("pending_question", "confirm_add")]


class ActionCreateFacility(Action):
    """The user confirmed that a new facility is a different site from the address matches."""

    def name(self) -> str:
        return "action_create_facility"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        ident = require_user(tracker, dispatcher)
        if ident is None:
            return []
        if not tracker.get_slot("facility_search_done"):
            return _search_first(dispatcher)
        if not all(tracker.get_slot(s) for s in _NEW_FACILITY_SLOTS):
            dispatcher.utter_message(
                text="There's no new facility waiting to be added. Say \"add a new facility\" to start one.")
            return []
        return await _create(dispatcher, tracker, ident)
