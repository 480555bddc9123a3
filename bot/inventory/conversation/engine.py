"""The inventory conversation's entry points for any channel: `prompt()` (what to say next), `handle()` (one
reply) and `is_finished()`, with `state` a JSON-able dict at this boundary (see `bot.dialogue`).

`handle` decides what a reply is (a request about the inventory, an answer to the awaited question or to the
field being asked, a new material, "save", "cancel", "that's all") and hands it to the module for that concern;
it saves, cancels and finishes here. It never commits (the caller's session does) and never reads Rasa.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.chemicals.normalize import normalize_name
from bot.dialogue import Button, Turn
from bot.documents import chat as documents_chat
from bot.excel.blank import template_url
from bot.errors import ServiceError
from bot.inventory import service
from bot.inventory.answers import (
    ChangeRequest, asks_about_a_term, is_list_request, is_upload_notice, is_upload_request, parse_change_request,
    starts_change_request, starts_remove_request,
)
from bot.inventory.conversation import awaited, from_sds, saved, starting
from bot.inventory.conversation.answering import answer_pending
from bot.inventory.conversation.asking import (
    AMOUNT_FIELDS, ASKABLE, EXAMPLE, PROBLEM_FIELD, assume_defaults, explain, next_field, question,
)
from bot.inventory.conversation.card import say_summary
from bot.inventory.conversation.state import DidYouMean, Draft, InventoryState
from bot.models import Chemical
from bot.knowledge.answers import answer_question
from bot.knowledge.not_built import NOT_BUILT_INTENTS, not_built_reply
from bot.replies import (
    asks_what_it_means, is_cancel, is_done, is_filler, is_go_back, is_no_more, is_save_command,
    is_save_confirmation, leading_yes_no, starts_with_stop,
)
from bot.sds import is_sds_notice
from bot.services import step_drafts

KNOWLEDGE_INTENTS = ("ask_ehs", "ask_deadline", "ask_consequences", "ask_definition", "ask_thresholds")


def is_finished(state: dict[str, Any]) -> bool:
    """True once the user said they have no more materials ("that's all")."""
    return bool((state or {}).get("finished"))


STEP = "inventory"


def _restore(db: Session, actor: Actor, facility_id: int, state: dict[str, Any]) -> InventoryState:
    """The state the channel kept, or — a new conversation (another browser, a restart that lost the slot) —
    what this filer had open at this facility, from the database."""
    st = InventoryState.from_slot(state)
    if st.pending is None and st.awaiting is None and not st.queue and not st.finished:
        kept = step_drafts.load(db, facility_id, actor.subject_user_id, STEP)
        if kept:
            restored = InventoryState.from_slot(kept)
            st.pending, st.awaiting, st.queue = restored.pending, restored.awaiting, restored.queue
            st.resumed = st.pending is not None or bool(st.queue)
    return st


def _keep(db: Session, actor: Actor, facility_id: int, st: InventoryState) -> None:
    """What is open (a material, a question about it, materials named but not taken yet) goes to the database
    after every reply, so nothing is lost between conversations."""
    open_ = {"pending": st.pending.to_slot() if st.pending else None,
             "awaiting": st.awaiting.to_slot() if st.awaiting else None, "queue": list(st.queue)}
    step_drafts.keep(db, facility_id, actor.subject_user_id, STEP,
                     open_ if (st.pending or st.awaiting or st.queue) else None)


def prompt(db: Session, actor: Actor, facility_id: int, state: dict[str, Any]) -> Turn:
    """The next thing to say: the awaited confirmation, the next question about the pending material, its summary
    card, or the invitation to describe a (next) material."""
    items = service.list_items(db, actor, facility_id)  # also checks the user's role
    st = _restore(db, actor, facility_id, state)
    turn = Turn()
    if st.resumed and st.pending is not None:
        turn.say(f"We were in the middle of {st.pending.name}; nothing you gave me for it was lost.")
        st.resumed = False
    _prompt(st, items, turn)
    if st.pending is not None and not st.awaiting and not st.finished:
        widget = from_sds.offer(db, facility_id, st.pending, next_field(st.pending))
        if widget is not None:
            turn.say(from_sds.OFFER, custom=widget)
    turn.state = st.to_slot()
    return turn


def _prompt(st: InventoryState, items: list[Any], turn: Turn) -> None:
    if st.finished:
        turn.done = True
        return
    if st.awaiting:
        awaited.ask(st, st.awaiting, items, turn)
        return
    if st.pending is not None:
        field = next_field(st.pending)
        if field is None:
            assume_defaults(st.pending)
            say_summary(turn, st.pending)
        else:
            text, buttons = question(st.pending, field)
            turn.say(text, buttons)
        return
    buttons = [Button("That's all", "that's all"), Button("Upload a spreadsheet", "upload a spreadsheet"),
               Button("List my chemicals", "list my chemicals")]
    if not st.started:
        st.started = True
        intro = ""
        if items:
            intro = (f"Your inventory has {len(items)} material{'s' if len(items) != 1 else ''} so far "
                     "(say 'list my chemicals' to see them). ")
        turn.say(f"{intro}Tell me about a hazardous material you keep, e.g. '{EXAMPLE}'. You can also upload the "
                 "CERS inventory spreadsheet instead.", buttons)
    else:
        turn.say("Anything else? Tell me the next material, or say 'that's all'.", buttons)


def handle(db: Session, actor: Actor, facility_id: int, state: dict[str, Any], text: str,
           intent: Optional[str] = None) -> Turn:
    """Interpret one reply (the answer to the last question, or a request such as "list my chemicals", "remove
    the acetone", "change diesel to 500 gallons", "cancel", "that's all"). Does not ask the next question: call
    `prompt()` afterwards unless the returned turn is done."""
    service.list_items(db, actor, facility_id)  # checks the user's role before anything else
    st = _restore(db, actor, facility_id, state)
    st.resumed = False
    st.finished = False
    turn = Turn()
    _handle(db, actor, facility_id, st, turn, " ".join((text or "").split()), intent)
    _note_duplicate(db, actor, facility_id, st, turn)
    _keep(db, actor, facility_id, st)
    turn.state = st.to_slot()
    return turn


def _note_duplicate(db: Session, actor: Actor, facility_id: int, st: InventoryState, turn: Turn) -> None:
    """Once per material: say when the same material is already saved (CERS wants one line per location)."""
    d = st.pending
    if not d or d.dup_checked or not d.values.get("common_name") or st.awaiting:
        return
    d.dup_checked = True
    cid = d.values.get("chemical_id")
    name = normalize_name(d.values["common_name"])
    same = [i for i in service.list_items(db, actor, facility_id)
            if (cid and i.chemical_id == cid) or normalize_name(i.common_name) == name]
    if same:
        turn.say(f"You already listed {service.describe_item(same[0])}. I'll add this as another line (for another "
                 "location); say 'cancel' if it's the same one, or change the saved one instead.")


def _handle(db: Session, actor: Actor, facility_id: int, st: InventoryState, turn: Turn, text: str,
            intent: Optional[str]) -> None:
    low = text.lower()
    if not text:
        return
    pending = st.pending
    aw = st.awaiting

    if is_sds_notice(text):  # the chat page, after an SDS was read for the open material
        st.awaiting = None
        from_sds.apply_notice(db, actor, facility_id, st, turn)
        return
    if from_sds.asks_to_upload(text):
        from_sds.say_offer(db, facility_id, pending, turn)
        return
    if intent == "upload_document" or _names_a_document(low) or documents_chat.upload_notice(text):
        turn.messages.extend(documents_chat.reply(db, actor, facility_id, text).messages)
        if pending is not None:
            turn.say(f"{pending.name} is still open: let's finish it.")
        return
    if intent in NOT_BUILT_INTENTS or intent in ("submit_filing", "check_status"):
        from bot.submittals.chat import IN_A_STEP

        turn.say(not_built_reply(intent) or IN_A_STEP)
        if pending is not None:
            turn.say(f"{pending.name} is still open: let's finish it.")
        return
    if intent in KNOWLEDGE_INTENTS or (intent in ("ask_thresholds", "ask_ehs") and "?" in text):
        answer = answer_question(text, db=db, intent=intent)
        if answer is not None:
            turn.say(answer.text)
            return
    if is_upload_notice(low):  # the chat page's upload widget says this after a successful import
        count = len(service.list_items(db, actor, facility_id))
        turn.say(f"Thanks, the file is imported: your inventory now has {count} material{'s' if count != 1 else ''}. "
                 "Say 'list my chemicals' to see them, tell me about another material, or say 'that's all'.")
        return
    if (intent == "upload_inventory" or is_upload_request(text)) and intent not in ("inform", "add_chemical"):
        turn.say("You can upload your inventory as the CERS Hazardous Materials Inventory spreadsheet (.xlsx, up to "
                 "500 materials a file). Choose the file below; you'll be asked whether it replaces your current "
                 "inventory or is added to it. The empty template, with the headers and the code lists: "
                 f"{template_url()}" + (f" {pending.name} is not saved yet: we can finish it after."
                                                   if pending else ""),
                 custom={"form": "upload_inventory"})
        return
    if (intent == "list_chemicals" or is_list_request(text)) and not isinstance(aw, DidYouMean):
        saved.say_list(db, actor, facility_id, st, turn)
        return
    if aw:
        if awaited.reply(db, actor, facility_id, st, aw, text, intent, turn):
            return
        st.awaiting = None
    if intent == "remove_chemical" or starts_remove_request(text):
        saved.remove(db, actor, facility_id, st, text, turn)
        return
    if _WASTE_CHANGE_RE.search(low):
        _to_waste(db, actor, facility_id, st, text, turn)
        return
    if intent in ("change_chemical", "correct_field") and not starts_change_request(low) and \
            _describes_a_new_material(db, actor, facility_id, st, text):
        intent = "add_chemical"  # "we also keep 20 gallons of acetone": an add, whatever the classifier said
    if intent in ("change_chemical", "correct_field") or starts_change_request(low):
        req = parse_change_request(text)
        if req is not None or intent in ("change_chemical", "correct_field"):
            saved.change(db, actor, facility_id, st, req or ChangeRequest(), turn)
            return
    if intent == "explain_question" or asks_what_it_means(low) or asks_about_a_term(low):
        explain(st, turn)
        return
    if pending is None and not aw and (intent == "stop" or starts_with_stop(low)):
        _finish(db, actor, facility_id, st, turn)
        return
    if is_cancel(low) or (intent == "stop" and pending is not None):
        _cancel(db, st, turn)
        return
    if pending is None:
        _no_material_open(db, actor, facility_id, st, turn, text, intent)
        return
    _material_open(db, actor, facility_id, st, pending, turn, text, intent)


def _no_material_open(db: Session, actor: Actor, facility_id: int, st: InventoryState, turn: Turn, text: str,
                      intent: Optional[str]) -> None:
    """A reply to "Tell me about a material" / "Anything else?": a material, or that there are no more."""
    low = text.lower()
    short = len(low.split()) <= 3
    if (intent in ("deny", "stop", "goodbye") and short) or is_no_more(low):
        _finish(db, actor, facility_id, st, turn)
        return
    if (intent in ("affirm", "start_inventory", "continue_filing") or leading_yes_no(low) is True) and short:
        turn.say("Go ahead: tell me about the material, e.g. its name, how much, the container and where it is.")
        return
    if intent == "skip_question":
        turn.say("Tell me about a material you keep, or say 'that's all' if there are no more.")
        return
    if is_filler(low) or (low.endswith("?") and intent != "add_chemical"):
        turn.say(f"Tell me about one hazardous material you keep: its name, how much, the container and where it "
                 f"is, e.g. '{EXAMPLE}'. Or say 'that's all' when there are no more.")
        return
    starting.start_material(db, st, text, turn)


def _material_open(db: Session, actor: Actor, facility_id: int, st: InventoryState, pending: Draft, turn: Turn,
                   text: str, intent: Optional[str]) -> None:
    """A reply while a material is being entered: the answer to its question, or Save / "that's all" / another
    material."""
    low = text.lower()
    field = next_field(pending)
    if field is None:  # the summary card is showing
        if is_done(low):
            turn.say(f"Before we stop: {pending.name} isn't saved yet. Save it, change it, or cancel it.")
        elif intent == "affirm" or is_save_confirmation(low):
            _save(db, actor, facility_id, st, turn)
        elif intent in ("deny",) or leading_yes_no(low) is False or is_no_more(low):
            turn.say(f"Tell me what to change for {pending.name} (e.g. 'change the location'), say Save, or "
                     "'cancel' to drop it.")
        elif intent == "add_chemical" and starting.other_material(db, pending, text):
            _queue(st, pending, text, turn)
        else:
            req = parse_change_request(text)
            if req is not None:
                saved.change(db, actor, facility_id, st, req, turn)
            else:
                turn.say(f"Say Save to keep {pending.name}, tell me what to change, or say 'cancel'.")
        return
    if is_save_command(low):
        _save(db, actor, facility_id, st, turn)
        return
    if intent == "go_back" or is_go_back(low):
        _go_back(pending, turn)
        return
    if is_done(low):
        pending.review, pending.ask = True, None
        turn.say(f"Before we stop: {pending.name} isn't saved yet. Here is what I have; save it, complete it, or "
                 "cancel it.")
        return
    if field not in ("common_name", "components", "other_container") and (
            intent == "add_chemical" or field == "location") and starting.other_material(db, pending, text,
                                                                                        needs_amount=True):
        _queue(st, pending, text, turn)  # "also 20 gallons of acetone in the paint booth" is not a place
        return
    if field == "common_name" and pending.kind is None:
        starting.answer_name(db, st, pending, text, turn)
        return
    before = dict(pending.values), list(pending.components)
    answer_pending(db, pending, field, text, turn)
    if (pending.values, pending.components) != before:
        from_sds.answered(pending, field)
        if field not in pending.answered and pending.values != before[0]:
            pending.answered.append(field)


_WASTE_CHANGE_RE = re.compile(r"\b(?:make|mark|turn|change|set|count|record|list)\b.{0,40}\b(?:in)?to (?:a )?waste\b|"
                              r"\b(?:make|mark|turn|count|record|list) (?:it|this|that|them) (?:as )?(?:a )?waste\b|"
                              r"\b(?:it'?s|this is|that'?s|is) (?:actually |really )?(?:a )?waste(?: stream)?\b")


def _to_waste(db: Session, actor: Actor, facility_id: int, st: InventoryState, text: str, turn: Turn) -> None:
    """"make it a waste", "this is actually waste": the material being entered becomes a waste stream (its
    library components are offered as its components). A saved material is changed by removing it and adding
    the waste, said plainly."""
    d = st.pending
    if d is None:
        turn.say("To turn a saved material into a waste stream, remove it ('remove the acetone') and tell me about "
                 "the waste, e.g. 'spent acetone, 30 gallons in a drum'.")
        return
    if d.kind == "waste":
        turn.say(f"{d.name} is already entered as a waste stream.")
        return
    from bot.chemicals.lookup import best as best_match

    chem_id = d.values.get("chemical_id")
    chem = db.get(Chemical, chem_id) if chem_id else None
    name = d.values.get("common_name") or d.typed or "Waste"
    d.kind = "waste"
    d.values["hm_type"] = "c"
    d.values["chemical_id"] = None
    d.values["ehs"] = False
    d.values["common_name"] = name if re.search(r"\b(?:waste|used|spent)\b", name, re.I) else f"Waste {name[:1].lower()}{name[1:]}"
    base = chem or (best_match(db, name).chemical if best_match(db, name) else None)
    suggested = starting.library_components(base) if base is not None else []
    if base is not None and not suggested:
        suggested = [{"name": base.name, "percent": 100.0, "cas": base.cas, "ehs": bool(base.ehs)}]
    d.suggested_components = [c for c in suggested if c.get("percent") is not None]
    d.components = []
    d.waste_codes = starting.waste_code_hints(name, base.notes if base is not None else None)
    d.review, d.ask = False, None
    turn.say(f"OK, {d.values['common_name']} is now a waste stream: CERS needs every hazardous component in it, its "
             "California state waste code and how much you generate a year.")


def _describes_a_new_material(db: Session, actor: Actor, facility_id: int, st: InventoryState, text: str) -> bool:
    """A sentence with an amount and a material that is neither saved nor being entered."""
    from bot.inventory.understand import understand

    found = understand(db, starting.strip_command(text))
    if not found or found[0].amount is None or not found[0].mention.material_text:
        return False
    u = found[0]
    names = {normalize_name(i.common_name) for i in service.list_items(db, actor, facility_id)}
    ids = {i.chemical_id for i in service.list_items(db, actor, facility_id) if i.chemical_id}
    if st.pending is not None:
        names.add(normalize_name(st.pending.name))
        if st.pending.values.get("chemical_id"):
            ids.add(st.pending.values["chemical_id"])
    if u.chemical is not None and u.chemical.id in ids:
        return False
    return normalize_name(u.common_name or "") not in names and normalize_name(u.mention.material_text) not in names


def _go_back(d: Draft, turn: Turn) -> None:
    """"go back" while a material is open: the last answer given for it is asked again."""
    if not d.answered:
        turn.say(f"There's no earlier answer for {d.name} to go back to. Answer the question below, change "
                 "anything on the card, or say 'cancel' to drop this material.")
        return
    field = d.answered.pop()
    d.values[field] = None
    if field == "container":
        d.set_containers([])
    if field in d.skipped:
        d.skipped.remove(field)
    d.ask = field
    turn.say("OK, back one step.")


_DOCUMENT_RE = re.compile(r"\b(?:site ?map|emergency (?:response )?plan|contingency plan|training plan|floor plan|"
                          r"pdf)\b")


def _names_a_document(low: str) -> bool:
    """"upload our site map": a document, not the inventory spreadsheet."""
    return bool(_DOCUMENT_RE.search(low)) and bool(re.search(r"\b(?:upload|send|attach|add|submit|here'?s)\b", low))


def _queue(st: InventoryState, pending: Draft, text: str, turn: Turn) -> None:
    st.queue.append(text)
    turn.say(f"Got it, I'll take that one next. First let's finish {pending.name}.")


def _item_data(d: Draft) -> dict[str, Any]:
    data = {k: val for k, val in d.values.items() if k in service.ITEM_FIELDS}
    data["components"] = d.components or []
    return data


def _save(db: Session, actor: Actor, facility_id: int, st: InventoryState, turn: Turn) -> None:
    d = st.pending
    assert d is not None
    try:
        item = service.add_item(db, actor, facility_id, _item_data(d))
    except service.InventoryValidationError as exc:
        turn.say(exc.message)
        first = exc.problems[0].field if exc.problems else None
        d.review = False
        d.ask = None
        if first == "units":  # amounts in a unit that can't be used: ask them again
            for f in AMOUNT_FIELDS:
                d.values[f] = None
            d.values["units"] = None
        elif first is not None and PROBLEM_FIELD.get(first, first) in ASKABLE:
            d.ask = PROBLEM_FIELD.get(first, first)
        return
    except ServiceError as exc:
        turn.say(exc.message)
        return
    st.pending = None
    st.saved += 1
    turn.say(f"Saved {service.describe_item(item)}.")
    turn.say(service.threshold_message(db, actor, facility_id, item))
    if st.queue:
        starting.start_material(db, st, st.queue.pop(0), turn)


def _cancel(db: Session, st: InventoryState, turn: Turn) -> None:
    pending = st.pending
    st.awaiting = None
    if pending is None:
        turn.say("There's nothing being entered right now. Tell me the next material, or say 'that's all'.")
        return
    st.pending = None
    turn.say(f"OK, I dropped {pending.name}; nothing was saved for it. Materials you saved before are kept.")
    if st.queue:
        turn.say("Now the one you mentioned before:")
        starting.start_material(db, st, st.queue.pop(0), turn)


def _finish(db: Session, actor: Actor, facility_id: int, st: InventoryState, turn: Turn) -> None:
    items = service.list_items(db, actor, facility_id)
    st.finished = True
    st.awaiting = None
    turn.done = True
    if not items:
        turn.say("OK. Your inventory is still empty; you can add materials or upload a spreadsheet any time.")
        return
    service.mark_complete(db, actor, facility_id)
    turn.say(f"Your inventory is complete: {len(items)} material{'s' if len(items) != 1 else ''} saved. You can "
             "come back any time to add, change or remove materials.")
