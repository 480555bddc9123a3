"""Working on a facility's filing: pick or switch the facility, continue where the user left off, the
"where am I?" checklist, pausing, and the two step forms (Facility Information, Inventory).

What to ask next always comes from the database (through the `bot` engines), so a new browser session,
a restarted server or another channel picks up at the same question.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.engine_form import (
    CURRENT_FACILITY,
    FACILITY_INFO,
    INVENTORY,
    EngineAskAction,
    EngineFormValidator,
    FacilityContext,
    facility_context,
    engine_turn,
    latest_intent,
    state_of,
    with_facility,
)
from actions.identity import ChatIdentity, require_user
from actions.replies import intent_payload
from actions.services import Failed, call_or_tell
from bot import routing
from bot.routing import DOCUMENTS, NOT_BUILT, QUESTION_INTENTS, SUBMITTALS

logger = logging.getLogger(__name__)

FI_FORM, FI_ANSWER, FI_STATE = "facility_info_form", "fi_answer", "fi_state"
INV_FORM, INV_ANSWER, INV_STATE = "inventory_form", "inv_answer", "inv_state"
FILING_STEP = "filing_step"
STEP_OF_FORM = {FI_FORM: "facility_info", INV_FORM: "inventory"}
INVENTORY_INTENTS = ("add_chemical", "list_chemicals", "remove_chemical", "change_chemical", "upload_inventory")


def _label(f: Any) -> str:
    return f"{f.name} - {f.street}, {f.city} (CERS ID {f.cers_id})"


def _switch_button(f: Any, suffix: str = "") -> dict[str, str]:
    return {"title": _label(f) + suffix, "payload": intent_payload("switch_facility", facility_cers_id=f.cers_id)}


# --- which facility ----------------------------------------------------------------------------------


def _resolve(db: Any, user_id: int, cers_id: Optional[str], text: str) -> dict[str, Any]:
    """What the user's words point at among *their* facilities: {"chosen": Facility} or {"options": [...]}."""
    from bot.services import working_facility

    options = working_facility.choices(db, user_id)
    facilities = [c.facility for c in options]
    if cers_id:
        found = [f for f in facilities if f.cers_id == str(cers_id)]
        return {"chosen": found[0]} if found else {"options": options, "not_yours": str(cers_id)}
    if not facilities:
        return {"options": []}
    matches = working_facility.match(facilities, text) if text else []
    if len(matches) == 1:
        return {"chosen": matches[0]}
    if matches:
        return {"options": [c for c in options if c.facility in matches], "ambiguous": True}
    if len(facilities) == 1 and not text:
        return {"chosen": facilities[0]}
    return {"options": options, "unmatched": bool(text)}


def _checklist(db: Any, actor: Any, facility_id: int) -> tuple[str, Optional[str], str]:
    """(checklist text, key of the next element, facility label)."""
    from bot.facility_info import service
    from bot.services import facilities

    items = service.checklist(db, actor, facility_id)
    nxt = service.next_step(items)
    facility = facilities.get_facility(db, facility_id)
    return service.format_checklist(items), (nxt.key if nxt else None), _label(facility)


def _document_of(checklist_key: Optional[str]) -> Optional[str]:
    """The documents core's element for a checklist key ("training_plan" → "employee_training_plan"), or None."""
    from bot.documents.chat import ELEMENT_OF_CHECKLIST_KEY

    return ELEMENT_OF_CHECKLIST_KEY.get(checklist_key or "")


def _next_form(db: Any, actor: Any, facility_id: int) -> Optional[str]:
    """The form that continues this facility's filing, or None when nothing left is done in the chat."""
    from bot.facility_info import dialogue as fi
    from bot.facility_info import service

    if not fi.is_finished(db, actor, facility_id, {}):
        return FI_FORM
    items = {i.key: i for i in service.checklist(db, actor, facility_id)}
    inv = items.get("inventory")
    if inv is not None and inv.status in ("not started", "in progress"):
        return INV_FORM
    return None


async def _choose_or_ask(
    dispatcher: CollectingDispatcher, tracker: Tracker, ident: ChatIdentity, text: str = "",
    cers_id: Optional[str] = None, ask: str = "Which facility shall we work on?",
) -> Optional[Any]:
    """The chosen facility, or None after offering the user's facilities as buttons."""
    try:
        result = await call_or_tell(dispatcher, _resolve, ident.subject_user_id, cers_id, text)
    except Failed:
        return None
    if "chosen" in result:
        return result["chosen"]
    options = result["options"]
    if not options:
        dispatcher.utter_message(
            text="You don't have access to a facility yet. Let's find yours in CERS first (or add it if it's new).",
            buttons=[{"title": "Find my facility", "payload": "/find_facility"}],
        )
        return None
    if result.get("not_yours"):
        ask = f"You don't have access to CERS ID {result['not_yours']}. {ask}"
    elif result.get("unmatched"):
        ask = f"I couldn't tell which facility you meant. {ask}"
    buttons = [_switch_button(c.facility, " (last worked on)" if c.last_worked else "") for c in options[:10]]
    dispatcher.utter_message(text=ask, buttons=buttons)
    return None


def _current(tracker: Tracker) -> Optional[str]:
    value = tracker.get_slot(CURRENT_FACILITY)
    return str(value) if value else None


def _text(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("text") or "")


def _entity(tracker: Tracker, name: str) -> Optional[str]:
    for e in (tracker.latest_message or {}).get("entities") or []:
        if e.get("entity") == name and e.get("value"):
            return str(e["value"])
    return None


async def _ensure_facility(
    dispatcher: CollectingDispatcher, tracker: Tracker, ident: ChatIdentity
) -> tuple[Optional[str], list[EventType]]:
    """The CERS ID to work on (the current one, or the user's only one), else None after asking."""
    current = _current(tracker)
    if current:
        return current, []
    facility = await _choose_or_ask(dispatcher, tracker, ident)
    if facility is None:
        return None, []
    dispatcher.utter_message(text=f"Working on {_label(facility)}.")
    return facility.cers_id, [SlotSet(CURRENT_FACILITY, facility.cers_id)]


async def _user_and_facility(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> tuple[Optional[ChatIdentity], Optional[str], list[EventType]]:
    """The verified user and the facility to work on; (None...) after saying what is missing (log in / pick one)."""
    ident = require_user(tracker, dispatcher)
    if ident is None:
        return None, None, []
    cers_id, events = await _ensure_facility(dispatcher, tracker, ident)
    return ident, cers_id, events


class ActionSwitchFacility(Action):
    """"switch to the Fresno site", or a facility button: choose among the user's own facilities."""

    def name(self) -> str:
        return "action_switch_facility"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        ident = require_user(tracker, dispatcher)
        if ident is None:
            return [SlotSet(FILING_STEP, "none")]
        cers_id = _entity(tracker, "facility_cers_id")
        return await _switch(dispatcher, tracker, ident, cers_id, "" if cers_id else _text(tracker))


async def _switch(dispatcher: CollectingDispatcher, tracker: Tracker, ident: ChatIdentity, cers_id: Optional[str],
                  text: str) -> list[EventType]:
    facility = await _choose_or_ask(dispatcher, tracker, ident, text=text, cers_id=cers_id)
    if facility is None:
        return [SlotSet(FILING_STEP, "none")]
    changed = facility.cers_id != _current(tracker)
    events: list[EventType] = [SlotSet(CURRENT_FACILITY, facility.cers_id)]
    if changed:
        events += [SlotSet(FI_STATE, None), SlotSet(INV_STATE, None)]
    dispatcher.utter_message(text=f"OK, now working on {_label(facility)}.")
    ctx = FacilityContext(ident, facility.cers_id)
    return events + await _open_next_form(dispatcher, tracker, ctx, reset=changed)


async def _open_next_form(
    dispatcher: CollectingDispatcher, tracker: Tracker, ctx: FacilityContext, reset: bool = False
) -> list[EventType]:
    """Set `filing_step` to the form that continues this facility's filing (rules open it), or to "none"
    after showing the checklist when nothing is left to do in the chat."""
    try:
        form = await call_or_tell(dispatcher, with_facility(_next_form), ctx.ident.actor(), ctx.cers_id)
    except Failed:
        return [SlotSet(FILING_STEP, "none")]
    if form is None:
        try:
            text, nxt, _ = await call_or_tell(dispatcher, with_facility(_checklist), ctx.ident.actor(), ctx.cers_id)
        except Failed:
            return [SlotSet(FILING_STEP, "none")]
        element = _document_of(nxt)
        if element is not None:  # the checklist's next step is a document: offer its upload straight away
            from actions.documents import offer_document

            dispatcher.utter_message(text="Facility Information and the inventory are done. Next come the documents.")
            await offer_document(dispatcher, ctx, element)
            return [SlotSet(FILING_STEP, "none")]
        dispatcher.utter_message(
            text="Everything I can take in the chat is done for this facility. Here is where the filing "
                 "stands:\n" + text)
        return [SlotSet(FILING_STEP, "none")]
    state_slot = FI_STATE if form == FI_FORM else INV_STATE
    state = tracker.get_slot(state_slot)
    events: list[EventType] = []
    if reset or (isinstance(state, dict) and state.get("done")):
        events.append(SlotSet(state_slot, None))
    return events + [SlotSet(FILING_STEP, STEP_OF_FORM[form])]


class ActionContinueFiling(Action):
    """"let's continue": the form where this facility's filing stands (from the database) comes next."""

    def name(self) -> str:
        return "action_continue_filing"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        ident = require_user(tracker, dispatcher)
        if ident is None:
            return [SlotSet(FILING_STEP, "none")]
        cers_id, events = await _ensure_facility(dispatcher, tracker, ident)
        if cers_id is None:
            return events + [SlotSet(FILING_STEP, "none")]
        return events + await _open_next_form(dispatcher, tracker, FacilityContext(ident, cers_id))


class ActionShowChecklist(Action):
    """"where am I?": the filing's elements for this facility with their status, and what is next."""

    def name(self) -> str:
        return "action_show_checklist"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        ident, cers_id, events = await _user_and_facility(dispatcher, tracker)
        if ident is None or cers_id is None:
            return events
        try:
            text, nxt, label = await call_or_tell(dispatcher, with_facility(_checklist), ident.actor(), cers_id)
        except Failed:
            return events
        in_form = bool((tracker.active_loop or {}).get("name"))
        buttons = [] if in_form or nxt is None else [{"title": "Continue", "payload": "/continue_filing"}]
        dispatcher.utter_message(text=f"Filing for {label}:\n{text}", buttons=buttons)
        return events


class ActionPauseFiling(Action):
    """"let's continue tomorrow": everything is already saved; say how to pick up again."""

    def name(self) -> str:
        return "action_pause_filing"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(
            text="Sure. Every answer you gave is saved. When you come back, log in and say \"continue\": "
                 "I'll pick up at the same question.")
        return []


class ActionStartInventory(Action):
    """Open the inventory form; a sentence that started it ("we keep 3 drums of motor oil") is its first answer."""

    def name(self) -> str:
        return "action_start_inventory"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        ident = require_user(tracker, dispatcher)
        if ident is None:
            return [SlotSet(FILING_STEP, "none")]
        return await _start_inventory(dispatcher, tracker, ident, latest_intent(tracker), _text(tracker))


async def _start_inventory(dispatcher: CollectingDispatcher, tracker: Tracker, ident: ChatIdentity,
                           intent: Optional[str], text: str) -> list[EventType]:
    cers_id, events = await _ensure_facility(dispatcher, tracker, ident)
    if cers_id is None:
        return events + [SlotSet(FILING_STEP, "none")]
    state = state_of(tracker, INV_STATE)
    state.pop("done", None)
    state.pop("exit", None)
    if intent in INVENTORY_INTENTS:
        ctx = FacilityContext(ident, cers_id)
        turn = await engine_turn(dispatcher, INVENTORY, ctx, state, text=text, intent=intent)
        if turn is None:
            return events + [SlotSet(FILING_STEP, "none")]
        state = dict(turn.state)
        if turn.done:
            return events + [SlotSet(INV_STATE, None), SlotSet(FILING_STEP, "none")]
    return events + [SlotSet(INV_STATE, state), SlotSet(FILING_STEP, "inventory")]


class ActionCorrectFacilityInfo(Action):
    """A correction outside the Facility Information form ("change the emergency phone to ...")."""

    def name(self) -> str:
        return "action_correct_facility_info"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        ident, cers_id, events = await _user_and_facility(dispatcher, tracker)
        if ident is None or cers_id is None:
            return events
        ctx = FacilityContext(ident, cers_id)
        state = state_of(tracker, FI_STATE)
        state.pop("done", None)
        turn = await engine_turn(dispatcher, FACILITY_INFO, ctx, state, text=_text(tracker), intent="correct_field")
        if turn is None:
            return events
        return events + [SlotSet(FI_STATE, dict(turn.state))]


def _export_link(dispatcher: CollectingDispatcher, cers_id: str) -> None:
    from bot.config import get_settings

    url = f"{get_settings().web_base_url}/api/inventory/export?facility={cers_id}"
    dispatcher.utter_message(
        text=f"Here is your inventory in the CERS upload template (files of at most 500 materials each, as CERS "
             f"accepts them): {url}")


class ActionExportInventory(Action):
    """A download link for the inventory in the CERS upload template (served by the web server)."""

    def name(self) -> str:
        return "action_export_inventory"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        ident, cers_id, events = await _user_and_facility(dispatcher, tracker)
        if ident is None or cers_id is None:
            return events
        _export_link(dispatcher, cers_id)
        return events


async def _after_form(dispatcher: CollectingDispatcher, tracker: Tracker, finished: str) -> list[EventType]:
    ident = require_user(tracker, dispatcher)
    if ident is None:
        return []
    cers_id = _current(tracker)
    if not cers_id:
        return []
    try:
        text, nxt, _ = await call_or_tell(dispatcher, with_facility(_checklist), ident.actor(), cers_id)
    except Failed:
        return []
    buttons = [{"title": "Where am I?", "payload": "/where_am_i"}]
    if nxt == "inventory":
        buttons.insert(0, {"title": "Start the chemical inventory", "payload": "/start_inventory"})
    elif nxt in ("business_activities", "owner_operator", "certification"):
        buttons.insert(0, {"title": "Continue", "payload": "/continue_filing"})
    elif _document_of(nxt):
        from bot.documents.chat import upload_button

        buttons.insert(0, upload_button(_document_of(nxt) or "").as_dict())
    dispatcher.utter_message(text=f"{finished} Here is where the filing stands:\n{text}", buttons=buttons)
    return []


async def _form_ended(dispatcher: CollectingDispatcher, tracker: Tracker, state_slot: str, finished: str,
                      keep_state: bool) -> list[EventType]:
    """After a step form: the reason it ended decides what comes next (a finished form shows the checklist;
    a pause, stop, switch or a move to the inventory does that)."""
    state = state_of(tracker, state_slot)
    exit_ = state.pop("exit", None) or {}
    state.pop("done", None)
    events: list[EventType] = [SlotSet(state_slot, state if keep_state and state else None)]
    intent, text = exit_.get("intent"), exit_.get("text") or ""
    if intent == "pause_filing":
        dispatcher.utter_message(
            text="Sure. Every answer you gave is saved. When you come back, log in and say \"continue\": "
                 "I'll pick up at the same question.")
        return events + [SlotSet(FILING_STEP, "none")]
    if intent == "stop":
        dispatcher.utter_message(response="utter_form_stopped")
        return events + [SlotSet(FILING_STEP, "none")]
    ident = require_user(tracker, dispatcher)
    if ident is None:
        return events + [SlotSet(FILING_STEP, "none")]
    if intent == "switch_facility":
        cers_id = text[len("/switch_facility"):] if text.startswith("/switch_facility") else None
        if cers_id:
            found = re.search(r"\d{8}", cers_id)
            cers_id = found.group(0) if found else None
        return events + _then_open(await _switch(dispatcher, tracker, ident, cers_id, "" if cers_id else text))
    if intent in INVENTORY_INTENTS or intent == "start_inventory":
        return events + _then_open(await _start_inventory(dispatcher, tracker, ident, intent, text))
    if intent == "submit_filing" and _current(tracker):  # "submit my filing" said inside the step
        from actions.submittals import submittal_turn

        ctx = FacilityContext(ident, str(_current(tracker)))
        return events + await submittal_turn(dispatcher, tracker, ctx, intent, text) + [SlotSet(FILING_STEP, "none")]
    return events + await _after_form(dispatcher, tracker, finished) + [SlotSet(FILING_STEP, "none")]


def _then_open(events: list[EventType]) -> list[EventType]:
    """A form ended to switch facility or move to the inventory: open the next form straight away."""
    step = next((e.get("value") for e in reversed(events) if e.get("event") == "slot" and e.get("name") == FILING_STEP),
                None)
    form = {v: k for k, v in STEP_OF_FORM.items()}.get(step or "")
    return events + [FollowupAction(form)] if form else events


class ActionFacilityInfoDone(Action):
    def name(self) -> str:
        return "action_facility_info_done"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        done = state_of(tracker, FI_STATE).get("done")
        return await _form_ended(dispatcher, tracker, FI_STATE,
                                 "Facility Information is complete and saved." if done else "", keep_state=False)


class ActionInventoryDone(Action):
    def name(self) -> str:
        return "action_inventory_done"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return await _form_ended(dispatcher, tracker, INV_STATE, "Your inventory is saved.", keep_state=True)


# --- the two step forms ------------------------------------------------------------------------------
#
# Every reply reaches the form's validator (the answer slot takes any text), which decides whether it is an
# answer for the engine or a digression (`bot.routing.digression`: a confident intent AND words that say it;
# a reply that repeats a button the assistant just offered is always an answer).


def _offered_payloads(tracker: Tracker) -> set[str]:
    """Button payloads of the assistant's messages since the user's previous message."""
    payloads: set[str] = set()
    events = list(tracker.events or [])
    seen_user = 0
    for event in reversed(events):
        if event.get("event") == "user":
            seen_user += 1
            if seen_user == 2:
                break
        elif event.get("event") == "bot" and seen_user == 1:
            for button in ((event.get("data") or {}).get("buttons") or []):
                if button.get("payload"):
                    payloads.add(str(button["payload"]).strip().lower())
    return payloads


def digression(tracker: Tracker, text: str) -> Optional[str]:
    """The digression this reply is (an intent name), or None when it is an answer for the engine."""
    intent = (tracker.latest_message or {}).get("intent") or {}
    return routing.digression(text, intent.get("name"), float(intent.get("confidence") or 0.0),
                              _offered_payloads(tracker))


class StepFormValidator(EngineFormValidator):
    """A step form's validator: digressions are dealt with here, everything else goes to the engine."""

    exit_intents: tuple[str, ...] = ("stop", "pause_filing", "switch_facility")

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any
    ) -> list[str]:
        if state_of(tracker, self.state_slot).get("exit"):
            return []
        return await super().required_slots(domain_slots, dispatcher, tracker, domain)

    async def route(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        from actions.general import ANSWERS

        text = value if isinstance(value, str) else ("" if value is None else str(value))
        if not text.strip():  # the form re-validating on (re)activation: nothing was said to it
            return {self.answer_slot: None}
        kind = digression(tracker, text)
        if kind is None or kind in ("affirm", "deny", "inform"):
            return await self.handle_answer(value, dispatcher, tracker)
        state = state_of(tracker, self.state_slot)
        if kind in self.exit_intents or kind == "submit_filing":  # submit: the step ends, the submit follows
            state["exit"] = {"intent": kind, "text": text}
            return {self.answer_slot: None, self.state_slot: state}
        if kind in SUBMITTALS:  # the status; then the question again
            from actions.submittals import submittal_turn

            ctx = facility_context(tracker)
            if ctx is not None:
                await submittal_turn(dispatcher, tracker, ctx, kind, text)
            return {self.answer_slot: None}
        if kind in DOCUMENTS:  # the upload widget (or the report after an upload); then the question again
            from actions.documents import document_turn

            ctx = facility_context(tracker)
            if ctx is not None:
                await document_turn(dispatcher, tracker, ctx, text)
            return {self.answer_slot: None}
        if kind in NOT_BUILT:
            from bot.knowledge.not_built import not_built_reply

            dispatcher.utter_message(text=not_built_reply(kind) or "That isn't something I can do yet.")
            return {self.answer_slot: None}
        if kind in QUESTION_INTENTS:
            from actions.general import KNOWLEDGE_INTENTS, knowledge_answer

            response = ANSWERS.get(kind)
            answer = await knowledge_answer(text, kind) if kind in KNOWLEDGE_INTENTS else None
            if answer:
                dispatcher.utter_message(text=answer)
            elif response:
                dispatcher.utter_message(response=response)
            else:
                dispatcher.utter_message(
                    text="I'm asking about your filing one question at a time. Answer the question below, say "
                         "\"what does this mean?\" to have it explained, \"where am I?\" for the checklist, or "
                         "\"let's continue tomorrow\" to stop for now (everything you answered is kept).")
            return {self.answer_slot: None}
        if kind == "where_am_i":
            ctx = FacilityContext(current_identity_or_none(tracker), str(tracker.get_slot(CURRENT_FACILITY)))
            try:
                text_, _, label = await call_or_tell(dispatcher, with_facility(_checklist), ctx.ident.actor(), ctx.cers_id)
                dispatcher.utter_message(text=f"Filing for {label}:\n{text_}")
            except Failed:
                pass
            return {self.answer_slot: None}
        if kind == "export_inventory":
            _export_link(dispatcher, str(tracker.get_slot(CURRENT_FACILITY)))
            return {self.answer_slot: None}
        if kind in self.extra_exits():
            state["exit"] = {"intent": kind, "text": text}
            return {self.answer_slot: None, self.state_slot: state}
        return {self.answer_slot: None}  # continue_filing and page triggers: ask the question again

    def extra_exits(self) -> tuple[str, ...]:
        return ()


def current_identity_or_none(tracker: Tracker) -> Any:
    from actions.identity import current_identity

    return current_identity(tracker)


class ValidateFacilityInfoForm(StepFormValidator):
    engine = FACILITY_INFO
    answer_slot = FI_ANSWER
    state_slot = FI_STATE

    def name(self) -> str:
        return "validate_facility_info_form"

    def extra_exits(self) -> tuple[str, ...]:
        return ("start_inventory", "list_chemicals", "upload_inventory")

    async def validate_fi_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self.route(value, dispatcher, tracker)


class ActionAskFiAnswer(EngineAskAction):
    engine = FACILITY_INFO
    state_slot = FI_STATE

    def name(self) -> str:
        return "action_ask_fi_answer"


class ValidateInventoryForm(StepFormValidator):
    """"stop" and "cancel" go to the engine here: with a material open they drop only that material."""

    exit_intents = ("pause_filing", "switch_facility")
    engine = INVENTORY
    answer_slot = INV_ANSWER
    state_slot = INV_STATE

    def name(self) -> str:
        return "validate_inventory_form"

    async def validate_inv_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = value if isinstance(value, str) else ("" if value is None else str(value))
        if latest_intent(tracker) == "correct_field" and digression(tracker, text) is None and _is_fi_correction(text):
            ctx = facility_context(tracker)
            if ctx is not None:
                fi_state = state_of(tracker, FI_STATE)
                turn = await engine_turn(dispatcher, FACILITY_INFO, ctx, fi_state, text=text, intent="correct_field")
                if turn is not None:
                    return {INV_ANSWER: None, FI_STATE: dict(turn.state)}
            return {INV_ANSWER: None}
        return await self.route(value, dispatcher, tracker)


def _is_fi_correction(text: str) -> bool:
    """Whether a correction names a Facility Information field (else it is about a chemical)."""
    from bot.facility_info import corrections

    try:
        corr = corrections.parse_correction(text)
        return bool(corr is not None and corrections.resolve(corr.target))
    except Exception:  # noqa: BLE001 - a parser problem means "not a facility field"
        return False


class ActionAskInvAnswer(EngineAskAction):
    engine = INVENTORY
    state_slot = INV_STATE

    def name(self) -> str:
        return "action_ask_inv_answer"
