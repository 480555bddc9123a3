"""Shared behaviour of the form validators (abstract: the action server registers only concrete ones)."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Callable, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
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

    answers_first = True  # the step forms route replies themselves (actions/filing.py)

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
        if tracker.get_slot(FORM_EXIT):
            return []  # "stop" / "let's continue tomorrow" said inside the form: it ends, the next action says so
        return domain_slots if self.may_ask(tracker) else []

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: Any) -> list[EventType]:
        """Answers before intents: while a question is open, the reply is an answer unless it clearly is
        something else (bot.routing: a confident intent AND words that say it, or a plain "stop for today");
        a question is answered and the same question asked again; "stop", "cancel", a pause end the form
        (what was given is kept in the slots until the form's action clears it)."""
        if not self.answers_first:
            return list(await super().get_validation_events(dispatcher, tracker, domain))
        requested = tracker.get_slot("requested_slot")
        message = tracker.latest_message or {}
        text = str(message.get("text") or "")
        loop = (tracker.active_loop or {}).get("name")
        if requested and text and loop and not text.startswith("/"):
            handled = await self._digression(requested, text, dispatcher, tracker)
            if handled is not None:
                return handled
        return list(await super().get_validation_events(dispatcher, tracker, domain))

    async def _digression(self, requested: str, text: str, dispatcher: CollectingDispatcher,
                          tracker: Tracker) -> Optional[list[EventType]]:
        from bot.routing import DOCUMENTS, NOT_BUILT, QUESTION_INTENTS, SUBMITTALS, digression

        intent = (tracker.latest_message or {}).get("intent") or {}
        kind = digression(text, intent.get("name"), float(intent.get("confidence") or 0.0), _offered(tracker))
        if kind is None or kind in ("affirm", "deny", "inform"):
            return None
        if kind in ("stop", "pause_filing"):
            return [SlotSet(requested, None), SlotSet(FORM_EXIT, kind)]
        if kind in NOT_BUILT or kind in DOCUMENTS or kind in SUBMITTALS:
            from bot.documents.chat import AFTER_THIS
            from bot.knowledge.not_built import not_built_reply
            from bot.submittals.chat import AFTER_THIS as AFTER_THIS_SUBMIT

            reply = (AFTER_THIS if kind in DOCUMENTS else AFTER_THIS_SUBMIT if kind in SUBMITTALS
                     else not_built_reply(kind))
            dispatcher.utter_message(text=reply or "That isn't something I can do yet.")
            return [SlotSet(requested, None)]
        if kind in QUESTION_INTENTS:
            from actions.general import ANSWERS, KNOWLEDGE_INTENTS, SLOT_EXPLANATIONS, knowledge_answer

            answer = await knowledge_answer(text, kind) if kind in KNOWLEDGE_INTENTS else None
            response = SLOT_EXPLANATIONS.get(requested) if kind == "explain_question" else ANSWERS.get(kind)
            if answer:
                dispatcher.utter_message(text=answer)
            elif response:
                dispatcher.utter_message(response=response)
            else:
                dispatcher.utter_message(text="Answer the question below, or say \"stop\" to stop for now.")
            return [SlotSet(requested, None)]
        return None


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


FORM_EXIT = "form_exit"


def _offered(tracker: Tracker) -> list[str]:
    """Button payloads of the assistant's messages since the user's previous message."""
    payloads: list[str] = []
    seen_user = 0
    for event in reversed(list(tracker.events or [])):
        if event.get("event") == "user":
            seen_user += 1
            if seen_user == 2:
                break
        elif event.get("event") == "bot" and seen_user == 1:
            payloads += [str(b.get("payload")) for b in ((event.get("data") or {}).get("buttons") or [])
                         if b.get("payload")]
    return payloads


def form_exited(tracker: Tracker, dispatcher: CollectingDispatcher, slots: tuple[str, ...]) -> Optional[list[EventType]]:
    """After a form that ended because the user stopped or paused it: say so and clear what it asked
    (None when the form ended normally)."""
    kind = tracker.get_slot(FORM_EXIT)
    if not kind:
        return None
    if kind == "pause_filing":
        dispatcher.utter_message(text="Sure, we can pick this up later. Say what you'd like to do when you're back.")
    else:
        dispatcher.utter_message(response="utter_form_stopped")
    return [SlotSet(FORM_EXIT, None), *[SlotSet(s, None) for s in slots]]
