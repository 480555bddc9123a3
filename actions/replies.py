"""Reply pieces several actions share: the login offer, the menu of what can be done now, facility buttons."""
from __future__ import annotations

import json
from typing import Any, Iterable

from rasa_sdk.executor import CollectingDispatcher

from bot.config import get_settings


def login_url() -> str:
    return f"{get_settings().web_base_url}/login"


def offer_login(dispatcher: CollectingDispatcher, with_text: bool = True) -> None:
    """The login form (custom payload for the chat page) plus a plain link for other channels."""
    if with_text:
        dispatcher.utter_message(text=f"Log in here: {login_url()}")
    else:
        dispatcher.utter_message(text=f"You can log in here: {login_url()}")
    dispatcher.utter_message(json_message={"form": "login"})


def anonymous_buttons() -> list[dict[str, str]]:
    return [
        {"title": "Sign up", "payload": "/sign_up"},
        {"title": "Log in", "payload": "/log_in"},
    ]


def user_buttons() -> list[dict[str, str]]:
    return [
        {"title": "Continue my filing", "payload": "/continue_filing"},
        {"title": "Find my facility", "payload": "/find_facility"},
        {"title": "Show access requests", "payload": "/show_access_requests"},
    ]


def intent_payload(intent: str, **entities: Any) -> str:
    """A button payload that triggers `intent` with entities, e.g. /select_facility{"facility_cers_id":"1..."}."""
    if not entities:
        return f"/{intent}"
    return f"/{intent}{json.dumps({k: str(v) for k, v in entities.items()}, separators=(',', ':'))}"


def facility_label(facility: Any) -> str:
    """"Name - street, city (CERS ID 10xxxxxx)"."""
    return f"{facility.name} - {facility.street}, {facility.city} (CERS ID {facility.cers_id})"


def facility_buttons(facilities: Iterable[Any]) -> list[dict[str, str]]:
    return [
        {"title": facility_label(f), "payload": intent_payload("select_facility", facility_cers_id=f.cers_id)}
        for f in facilities
    ]
