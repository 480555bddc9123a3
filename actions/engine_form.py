"""Forms driven by a `bot` step engine (Facility Information, Inventory): one free-text slot per form.

The engine (see `bot/dialogue.py`) decides what to ask from the database and a small state dict kept in a
slot; this module only carries text in and messages out:

- the validator hands every reply to `engine.handle(...)`, shows its messages, stores the new state and
  leaves the answer slot empty, so the form asks again;
- the ask action shows `engine.prompt(...)`: the next question, the summary, or the next material;
- the form ends when the engine says it is finished (or the user is no longer allowed).

Which facility: the slot `current_facility` (CERS ID), checked against the user's roles on every call by
the services themselves.
"""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Callable, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_base import BaseFormValidator
from actions.identity import ChatIdentity, current_identity, require_user
from actions.services import Failed, call, call_or_tell
from actions.text import looks_like_password
from bot.dialogue import Turn

logger = logging.getLogger(__name__)

CURRENT_FACILITY = "current_facility"


@dataclass(frozen=True)
class FacilityContext:
    ident: ChatIdentity
    cers_id: str


def facility_context(tracker: Tracker) -> Optional[FacilityContext]:
    """The verified user and the facility they are working on, or None (not logged in / none chosen)."""
    ident = current_identity(tracker)
    cers_id = tracker.get_slot(CURRENT_FACILITY)
    if not ident.is_verified or not cers_id:
        return None
    return FacilityContext(ident, str(cers_id))


def with_facility(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn(db, actor, facility_id, *args)` called as `g(db, actor, cers_id, *args)`."""

    def run(db: Any, actor: Any, cers_id: str, *args: Any, **kwargs: Any) -> Any:
        from bot.errors import NotFound
        from bot.services import facilities

        facility = facilities.find_by_cers_id(db, cers_id)
        if facility is None:
            raise NotFound(f"I can't find CERS ID {cers_id} any more. Say \"switch facility\" to pick another one.")
        return fn(db, actor, facility.id, *args, **kwargs)

    return run


def state_of(tracker: Tracker, slot: str) -> dict[str, Any]:
    value = tracker.get_slot(slot)
    return dict(value) if isinstance(value, dict) else {}


def render(dispatcher: CollectingDispatcher, turn: Turn, cers_id: Optional[str] = None) -> None:
    """Show a Turn's messages; widgets for the chat page get the facility they are about."""
    for message in turn.messages:
        kwargs: dict[str, Any] = {}
        if message.buttons:
            kwargs["buttons"] = [b.as_dict() for b in message.buttons]
        custom = dict(message.custom) if message.custom else None
        if custom is not None and cers_id and custom.get("form") in ("upload_inventory", "upload_document"):
            custom.setdefault("facility", cers_id)
        if message.text:
            dispatcher.utter_message(text=message.text, **kwargs)
        elif kwargs:
            dispatcher.utter_message(text=" ", **kwargs)
        if custom is not None:
            dispatcher.utter_message(json_message=custom)


def latest_intent(tracker: Tracker) -> Optional[str]:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


class Engine:
    """Adapter over a `bot` engine module with prompt/handle/is_finished."""

    def __init__(self, module: str, finished_takes_db: bool) -> None:
        self.module = module
        self.finished_takes_db = finished_takes_db

    def _mod(self) -> Any:
        import importlib

        return importlib.import_module(self.module)

    def prompt(self, db: Any, actor: Any, facility_id: int, state: dict[str, Any]) -> Turn:
        return self._mod().prompt(db, actor, facility_id, state)

    def handle(self, db: Any, actor: Any, facility_id: int, state: dict[str, Any], text: str,
               intent: Optional[str]) -> Turn:
        return self._mod().handle(db, actor, facility_id, state, text, intent)

    def is_finished(self, db: Any, actor: Any, facility_id: int, state: dict[str, Any]) -> bool:
        mod = self._mod()
        if self.finished_takes_db:
            return bool(mod.is_finished(db, actor, facility_id, state))
        return bool(mod.is_finished(state))


FACILITY_INFO = Engine("bot.facility_info.dialogue", finished_takes_db=True)
INVENTORY = Engine("bot.inventory.dialogue", finished_takes_db=False)


async def engine_turn(
    dispatcher: CollectingDispatcher, engine: Engine, ctx: FacilityContext, state: dict[str, Any],
    text: Optional[str] = None, intent: Optional[str] = None, then_prompt: bool = False,
) -> Optional[Turn]:
    """Run one engine step (handle `text`, or prompt) in a transaction and show its messages.

    None when the step failed (the user has been told why). With `then_prompt`, a handled reply is followed
    by the next question in the same transaction unless the engine is finished.
    """

    def step(db: Any, actor: Any, facility_id: int) -> Turn:
        if text is None:
            return engine.prompt(db, actor, facility_id, state)
        turn = engine.handle(db, actor, facility_id, state, text, intent)
        if then_prompt and not turn.done:
            turn.extend(engine.prompt(db, actor, facility_id, turn.state))
        return turn

    try:
        turn = await call_or_tell(dispatcher, with_facility(step), ctx.ident.actor(), ctx.cers_id)
    except Failed:
        return None
    render(dispatcher, turn, ctx.cers_id)
    return turn


class EngineFormValidator(BaseFormValidator):
    """Validator of a one-slot form run by an engine; subclasses set the names and the engine."""

    answers_first = False  # StepFormValidator.route tells answers from digressions itself

    engine: Engine
    answer_slot: str
    state_slot: str

    def may_ask(self, tracker: Tracker) -> bool:
        return facility_context(tracker) is not None

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any
    ) -> list[str]:
        ctx = facility_context(tracker)
        if ctx is None:
            return []
        state = state_of(tracker, self.state_slot)
        if state.get("done"):
            return []
        try:
            finished = await call(with_facility(self.engine.is_finished), ctx.ident.actor(), ctx.cers_id, state)
        except Exception:  # noqa: BLE001 - the form then ends; the done action says what to do
            logger.exception("is_finished failed")
            return []
        return [] if finished else domain_slots

    async def handle_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        ctx = facility_context(tracker)
        if ctx is None:
            return {self.answer_slot: None}
        text = value if isinstance(value, str) else ("" if value is None else str(value))
        if looks_like_password(text):
            dispatcher.utter_message(response="utter_password_not_here")
            return {self.answer_slot: None}
        state = state_of(tracker, self.state_slot)
        turn = await engine_turn(dispatcher, self.engine, ctx, state, text=text, intent=latest_intent(tracker))
        if turn is None:
            return {self.answer_slot: None}
        new_state = dict(turn.state)
        if turn.done:
            new_state["done"] = True
        return {self.answer_slot: None, self.state_slot: new_state}


class EngineAskAction(Action, ABC):
    """`action_ask_<answer slot>`: the engine's next question for the facility being worked on."""

    engine: Engine
    state_slot: str

    @abstractmethod
    def name(self) -> str:  # pragma: no cover - abstract: the action server registers only concrete ones
        ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        ctx = facility_context(tracker)
        if ctx is None:
            if require_user(tracker, dispatcher) is not None:
                dispatcher.utter_message(text="Which facility are we working on? Say \"switch facility\" to choose.")
            return []
        state = state_of(tracker, self.state_slot)
        turn = await engine_turn(dispatcher, self.engine, ctx, state)
        if turn is None or turn.state == state:
            return []
        return [SlotSet(self.state_slot, dict(turn.state))]
