"""The documents in the chat (Site Map, Emergency Response / Contingency Plan, Employee Training Plan): the
message and its entities go to `bot.documents.chat.reply`, its Turn comes back as messages and the upload
widget. What is said, and whether "provided elsewhere in CERS" applies, is decided there; the file itself is
posted by the chat page to the web server, never through Rasa.
"""
from __future__ import annotations

from typing import Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.engine_form import FacilityContext, render, with_facility
from actions.services import Failed, call_or_tell
from bot.dialogue import Turn


def _entity(tracker: Tracker, name: str) -> Optional[str]:
    for e in (tracker.latest_message or {}).get("entities") or []:
        if e.get("entity") == name and e.get("value"):
            return str(e["value"])
    return None


async def document_turn(dispatcher: CollectingDispatcher, tracker: Tracker, ctx: FacilityContext,
                        text: Optional[str] = None) -> Optional[Turn]:
    """Answer the latest message (or `text`) about a document and show it; None when it failed (told why)."""
    from bot.documents import chat

    said = str((tracker.latest_message or {}).get("text") or "") if text is None else text
    element = _entity(tracker, chat.ELEMENT_ENTITY)
    answer = _entity(tracker, chat.ANSWER_ENTITY)

    def step(db, actor, facility_id):  # type: ignore[no-untyped-def]
        return chat.reply(db, actor, facility_id, "" if said.startswith("/") else said, element, answer)

    try:
        turn = await call_or_tell(dispatcher, with_facility(step), ctx.ident.actor(), ctx.cers_id)
    except Failed:
        return None
    render(dispatcher, turn, ctx.cers_id)
    return turn


async def offer_document(dispatcher: CollectingDispatcher, ctx: FacilityContext, element: str) -> Optional[Turn]:
    """The upload offer of one document (the checklist's next step when it is a document)."""
    from bot.documents import chat

    try:
        turn = await call_or_tell(dispatcher, with_facility(chat.offer), ctx.ident.actor(), ctx.cers_id, element)
    except Failed:
        return None
    render(dispatcher, turn, ctx.cers_id)
    return turn


class ActionUploadDocument(Action):
    """"upload my site map", a document button, "our training plan is provided elsewhere in CERS", and the
    chat page's "I uploaded my site map" after a stored upload."""

    def name(self) -> str:
        return "action_upload_document"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        from actions.filing import _user_and_facility

        ident, cers_id, events = await _user_and_facility(dispatcher, tracker)
        if ident is None or cers_id is None:
            return events
        await document_turn(dispatcher, tracker, FacilityContext(ident, cers_id))
        return events
