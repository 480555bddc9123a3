"""Submit and status in the chat: the message, its entities and whether the certification question is still open
go to `bot.submittals.chat`; its Turn comes back as messages and buttons. What blocks, what is said, and the submit
itself are decided there (and in `bot.submittals.service`), never here.

The certification answer is taken only right after its question: the slot `submit_pending` holds the facility it
was asked for, and it counts only while the question's Yes button is among the assistant's messages since the
user's previous message (`actions.form_base._offered`) — any other message in between, whatever its intent, and a
later "yes" no longer submits. Every run of these actions clears or renews the slot.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.engine_form import FacilityContext, latest_intent, render, with_facility
from actions.services import Failed, call_or_tell

SUBMIT_PENDING = "submit_pending"


def _entity(tracker: Tracker, name: str) -> Optional[str]:
    for e in (tracker.latest_message or {}).get("entities") or []:
        if e.get("entity") == name and e.get("value"):
            return str(e["value"])
    return None


def certification_open(tracker: Tracker, cers_id: Optional[str] = None) -> bool:
    """Whether the latest message answers the certification question just asked (for `cers_id`)."""
    from actions.form_base import _offered
    from bot.submittals.chat import YES_PAYLOAD

    pending = tracker.get_slot(SUBMIT_PENDING)
    if not pending or (cers_id is not None and str(pending) != str(cers_id)):
        return False
    return YES_PAYLOAD in _offered(tracker)


async def submittal_turn(dispatcher: CollectingDispatcher, tracker: Tracker, ctx: FacilityContext, intent: str,
                         text: Optional[str] = None, answer: Optional[str] = None) -> list[EventType]:
    """Answer a submit or status message (or `text`) for the facility of `ctx`; the events keep or clear the
    certification marker."""
    from bot.submittals import chat

    said = str((tracker.latest_message or {}).get("text") or "") if text is None else text
    answer = answer or _entity(tracker, chat.ANSWER_ENTITY)
    detail = _entity(tracker, chat.DETAIL_ENTITY)
    confirming = certification_open(tracker, ctx.cers_id)

    def step(db, actor, facility_id):  # type: ignore[no-untyped-def]
        return chat.reply(db, actor, facility_id, intent, "" if said.startswith("/") else said, answer, detail,
                          confirming)

    try:
        turn = await call_or_tell(dispatcher, with_facility(step), ctx.ident.actor(), ctx.cers_id)
    except Failed:
        return [SlotSet(SUBMIT_PENDING, None)]
    render(dispatcher, turn, ctx.cers_id)
    return [SlotSet(SUBMIT_PENDING, ctx.cers_id if turn.state.get("awaiting") == chat.AWAITING else None)]


async def answer_certification(dispatcher: CollectingDispatcher, tracker: Tracker,
                               yes: bool) -> Optional[list[EventType]]:
    """A typed "yes"/"no" right after the certification question: its answer; None when no such question is open
    (the yes/no is about something else)."""
    from actions.filing import _user_and_facility

    if not certification_open(tracker):
        return None
    ident, cers_id, events = await _user_and_facility(dispatcher, tracker)
    if ident is None or cers_id is None:
        return events + [SlotSet(SUBMIT_PENDING, None)]
    if not certification_open(tracker, cers_id):  # asked for another facility than the one worked on now
        return None
    return events + await submittal_turn(dispatcher, tracker, FacilityContext(ident, cers_id), "submit_filing",
                                         answer="yes" if yes else "no")


class _SubmittalAction(Action, ABC):
    """Abstract: the action server registers only the concrete actions below."""

    intent = "submit_filing"

    @abstractmethod
    def name(self) -> str:  # pragma: no cover - abstract
        ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        from actions.filing import _user_and_facility

        ident, cers_id, events = await _user_and_facility(dispatcher, tracker)
        if ident is None or cers_id is None:
            return events + [SlotSet(SUBMIT_PENDING, None)]
        intent = latest_intent(tracker)
        return events + await submittal_turn(dispatcher, tracker, FacilityContext(ident, cers_id),
                                             intent if intent in ("submit_filing", "check_status") else self.intent)


class ActionSubmitFiling(_SubmittalAction):
    """"submit my filing": what blocks (with where to fix each), else the summary and the certification question;
    its Yes / No buttons."""

    intent = "submit_filing"

    def name(self) -> str:
        return "action_submit_filing"


class ActionFilingStatus(_SubmittalAction):
    """"what's the status of my filing?", "what do I need to fix?"."""

    intent = "check_status"

    def name(self) -> str:
        return "action_filing_status"
