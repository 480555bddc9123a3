"""Shared behaviour of the form validators (abstract: the action server registers only concrete ones)."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Callable, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.text import looks_like_password
from bot.errors import ServiceError


class BaseFormValidator(FormValidationAction, ABC):
    """Validators turn a reply into a clean value via a `bot.validation` function.

    A bad reply keeps the slot None (the form asks the same question again) and the user sees the
    service's message; nothing else in the form is touched. A reply that looks like a password is never
    echoed nor stored.
    """

    @abstractmethod
    def name(self) -> str:  # pragma: no cover - abstract
        ...

    def may_ask(self, tracker: Tracker) -> bool:
        """Whether this user may fill the form now. When not, the form asks nothing and ends at once;
        the action that follows it explains what comes first (log in, search first...)."""
        return True

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any
    ) -> list[str]:
        return domain_slots if self.may_ask(tracker) else []

    @staticmethod
    def clean(
        dispatcher: CollectingDispatcher,
        slot: str,
        value: Any,
        normalize: Callable[[str], str],
        tracker: Optional[Tracker] = None,
        entity: Optional[str] = None,
    ) -> dict[str, Optional[str]]:
        """`{slot: normalize(value)}`, or `{slot: None}` after saying what is wrong.

        With `entity`, a value of that entity in the latest message wins over the whole text
        ("my email is Ana@Example.com" -> "Ana@Example.com").
        """
        text = value if isinstance(value, str) else ("" if value is None else str(value))
        if tracker is not None and entity:
            found = [e.get("value") for e in BaseFormValidator.latest_entities(tracker) if e.get("entity") == entity]
            if len(found) == 1 and isinstance(found[0], str) and found[0] in text:
                text = found[0]
        if looks_like_password(text):
            dispatcher.utter_message(response="utter_password_not_here")
            return {slot: None}
        try:
            return {slot: normalize(text)}
        except ServiceError as exc:
            dispatcher.utter_message(text=exc.message)
            return {slot: None}

    @staticmethod
    def latest_entities(tracker: Tracker) -> list[dict[str, Any]]:
        return list((tracker.latest_message or {}).get("entities") or [])
