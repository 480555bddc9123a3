"""Listing, removing and changing saved materials ("list my chemicals", "remove the acetone", "change diesel to
500 gallons", "the motor oil is actually in the wash bay"), and changing the material being entered.

Writes go through `bot.inventory.service` (which checks the user's role and records the audit trail) into the
caller's session; nothing here commits. A removal is only asked here (`ConfirmRemove`): it is done when the
user confirms (`awaited`).
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Optional

from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.dialogue import Turn
from bot.errors import ServiceError
from bot.inventory import service
from bot.inventory.answers import (
    CONTAINER_LABELS, HAZARD_FIELDS, HAZARD_LABELS, HM_TYPE_NAMES, PRESSURE_NAMES, STATE_NAMES, TEMPERATURE_NAMES,
    UNIT_NAMES, AnswerError, ChangeRequest, components_text, fmt_amount, fmt_number, parse_containers,
    parse_remove_request,
)
from bot.inventory.conversation.answering import answer
from bot.inventory.conversation.asking import (
    AMOUNT_FIELDS, ASKABLE, LABELS, OPTIONAL_FIELDS, PROBLEM_FIELD, next_field,
)
from bot.inventory.conversation.state import ChooseItem, ConfirmRemove, Draft, EditSaved, InventoryState
from bot.models import STORAGE_CONTAINER_COLUMNS, InventoryItem


def say_list(db: Session, actor: Actor, facility_id: int, st: InventoryState, turn: Turn) -> None:
    items = service.list_items(db, actor, facility_id)
    tail = f"\n(Not saved yet: {st.pending.name}.)" if st.pending else ""
    if not items:
        turn.say("Your inventory has no materials yet." + tail)
        return
    lines = "\n".join(f"{n}. {service.describe_item(i)}" for n, i in enumerate(items, start=1))
    turn.say(f"Your inventory ({len(items)} material{'s' if len(items) != 1 else ''}):\n{lines}{tail}")


def draft_from_item(item: InventoryItem) -> Draft:
    """A saved item as a draft to change."""
    values = service.item_values(item)
    comps = values.pop("components")
    kind = "waste" if item.hm_type == "c" else ("library" if item.chemical_id else "new")
    return Draft(values=values, components=comps, kind=kind, item_id=item.id)


# --- remove ------------------------------------------------------------------------------------------------


def remove(db: Session, actor: Actor, facility_id: int, st: InventoryState, text: str, turn: Turn) -> None:
    """"remove the acetone": the pending material is dropped at once; a saved one is confirmed first."""
    ref = parse_remove_request(text)
    pending = st.pending
    if pending is not None and ((ref.name and _matches_pending(ref.name, pending)) or
                                (not ref.name and not ref.index and not ref.all and not ref.last)):
        st.pending = None
        turn.say(f"{pending.name} wasn't saved yet, so I just dropped it.")
        return
    found = _resolve_ref(db, actor, facility_id, ref, text)
    if not found:
        _not_found(db, actor, facility_id, ref.name or text, turn)
        return
    if len(found) > 1 and not ref.all:
        st.awaiting = ChooseItem("remove", tuple(i.id for i in found))
        return
    st.awaiting = ConfirmRemove(tuple(i.id for i in found))


def _matches_pending(target: str, d: Draft) -> bool:
    query = service.clean_name_text(target)
    if not query:
        return True
    names = [d.values.get("common_name") or "", d.typed or ""]
    return service.score_name(query, names) >= service.FIND_CUTOFF


def _resolve_ref(db: Session, actor: Actor, facility_id: int, ref: Any, text: str) -> list[InventoryItem]:
    items = service.list_items(db, actor, facility_id)
    if ref.all:
        return items
    if ref.last:
        return [max(items, key=lambda i: (i.position, i.id))] if items else []
    if ref.index:
        return [items[ref.index - 1]] if 1 <= ref.index <= len(items) else []
    found = service.find_items(db, actor, facility_id, ref.name) if ref.name else []
    return found or service.mentioned_items(db, actor, facility_id, text)


def _not_found(db: Session, actor: Actor, facility_id: int, what: str, turn: Turn) -> None:
    items = service.list_items(db, actor, facility_id)
    if not items:
        turn.say("Your inventory has no saved materials yet.")
        return
    names = ", ".join(i.common_name for i in items[:12])
    turn.say(f"I can't find “{service.clean_name_text(what) or what}” in your inventory. It has: {names}.")


# --- change ------------------------------------------------------------------------------------------------


def change(db: Session, actor: Actor, facility_id: int, st: InventoryState, req: ChangeRequest, turn: Turn) -> None:
    """A change to the pending material (no target, or its name) or to a saved one (asking which if unclear)."""
    pending = st.pending
    if pending is not None and (req.target is None or _matches_pending(req.target, pending)):
        _change_pending(db, pending, req, turn)
        return
    if req.target is None:
        items = service.list_items(db, actor, facility_id)
        if not items:
            turn.say("There's nothing saved to change yet. Tell me about a material you keep.")
            return
        st.awaiting = ChooseItem("change", tuple(i.id for i in items)[:10], req)
        return
    found = service.find_items(db, actor, facility_id, req.target) or \
        service.mentioned_items(db, actor, facility_id, req.target)
    if not found:
        _not_found(db, actor, facility_id, req.target, turn)
        return
    if len(found) > 1:
        st.awaiting = ChooseItem("change", tuple(i.id for i in found), req)
        return
    change_saved(db, actor, facility_id, st, found[0], req, turn)


def _dialogue_field(field: Optional[str]) -> Optional[str]:
    return "is_mixture" if field == "hm_type" else field


def infer_field(value: str, d: Draft) -> str:
    """Which field a bare value changes: "500 gallons" -> amount, "in the wash bay" -> location, "in totes" ->
    container, "liquid" -> state, "365 days" -> days."""
    low = value.lower()
    has_container = False
    try:
        parse_containers(low, d.values.get("physical_state"))
        has_container = True
    except AnswerError:
        pass
    if has_container:
        return "container_amount"
    if re.fullmatch(r"(?:a |an )?(?:solid|liquid|gas)", low):
        return "physical_state"
    if re.search(r"\b(?:days?|weeks?|months?|all year|year[- ]round)\b", low):
        return "days_on_site"
    if re.search(r"\d|\b(?:gallons?|pounds?|lbs?|tons?|cubic)\b", low) or re.search(
            r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|hundred|thousand)\b",
            low) and not re.match(r"^(?:in|at|on|by|behind|near|next to|outside|inside|under)\b", low):
        return "maximum_daily_amount"
    return "location"


def _change_pending(db: Session, d: Draft, req: ChangeRequest, turn: Turn) -> None:
    field = _dialogue_field(req.field)
    v = d.values
    if req.factor and v.get("maximum_daily_amount"):
        req = ChangeRequest(req.target, "maximum_daily_amount", fmt_number(v["maximum_daily_amount"] * req.factor)
                            .replace(",", ""))
        field = "maximum_daily_amount"
    d.review = next_field(replace(d, ask=None)) is None  # back to the summary after the change if it was showing
    if req.value is None:
        if field is None:
            turn.say(f"What should change for {d.name}? For example 'change the location' or 'the amount is 200 "
                     "gallons'.")
            return
        if field == "hazards":
            for h in HAZARD_FIELDS:
                v[h] = None
        d.ask = field
        return
    field = field or infer_field(req.value, d)
    try:
        messages = answer(db, d, field, req.value)
    except AnswerError as exc:
        turn.say(exc.message)
        if field in OPTIONAL_FIELDS | set(AMOUNT_FIELDS) | {"container", "location", "physical_state"}:
            d.ask = "container" if field == "container_amount" else field
        return
    d.ask = None
    turn.say(" ".join(messages) if messages else "OK.")


def change_saved(db: Session, actor: Actor, facility_id: int, st: InventoryState, item: InventoryItem,
                 req: ChangeRequest, turn: Turn, draft: Optional[Draft] = None) -> None:
    """Apply `req` to a copy of the saved item; saved at once when nothing else is needed, else asked for."""
    d = draft or draft_from_item(item)
    v = d.values
    field = _dialogue_field(req.field)
    if req.factor:
        req = ChangeRequest(req.target, "maximum_daily_amount",
                            fmt_number(v["maximum_daily_amount"] * req.factor).replace(",", ""))
        field = "maximum_daily_amount"
    if req.value is None:
        if field == "hazards":
            for h in HAZARD_FIELDS:
                v[h] = None
        st.awaiting = EditSaved(item.id, field, d)
        return
    field = field or infer_field(req.value, d)
    try:
        messages = answer(db, d, field, req.value)
    except AnswerError as exc:
        turn.say(exc.message)
        st.awaiting = EditSaved(item.id, "container" if field == "container_amount" else field, draft_from_item(item))
        return
    follow = "unit_for" if d.unit_for else (
        "largest_container" if d.container_count and v.get("maximum_daily_amount") is None else
        "maximum_daily_amount" if v.get("maximum_daily_amount") is None else None)
    if follow:
        if messages:
            turn.say(" ".join(messages))
        st.awaiting = EditSaved(item.id, follow, d)
        return
    _commit_saved(db, actor, facility_id, st, item, d, turn)


def _commit_saved(db: Session, actor: Actor, facility_id: int, st: InventoryState, item: InventoryItem,
                  d: Draft, turn: Turn) -> None:
    before = service.item_values(item)
    changes = {k: val for k, val in d.values.items() if k in service.ITEM_FIELDS and before.get(k) != val}
    if (d.components or []) != before["components"]:
        changes["components"] = d.components or []
    st.awaiting = None
    if not changes:
        turn.say(f"{item.common_name} already says that; nothing changed.")
        return
    try:
        service.update_item(db, actor, facility_id, item.id, changes)
    except service.InventoryValidationError as exc:
        # something else about the saved line is missing or wrong (e.g. an imported row without its type):
        # ask for it, keeping the change, and save both together
        first = exc.problems[0].field if exc.problems else None
        ask = PROBLEM_FIELD.get(first or "", first)
        if first == "units":
            ask = "maximum_daily_amount"
            for f in AMOUNT_FIELDS:
                d.values[f] = None
            d.values["units"] = None
        if ask in ASKABLE and ask != "is_mixture" or (ask == "is_mixture" and d.values.get("hm_type") is None):
            turn.say(exc.message.replace("I can't save", "I can't change") + " Nothing is changed yet.")
            st.awaiting = EditSaved(item.id, ask, d)
        else:
            turn.say(exc.message.replace("I can't save", "I can't change") + " Nothing was changed.")
        return
    except ServiceError as exc:
        turn.say(exc.message.replace("I can't save", "I can't change") + " Nothing was changed.")
        return
    units = d.values.get("units")
    parts = [_describe_change(k, before.get(k), val, units, before.get("units")) for k, val in changes.items()
             if k != "components"]
    if "components" in changes:
        parts.append(f"components -> {components_text(changes['components'])}")
    turn.say(f"Changed {item.common_name}: " + "; ".join(parts) + ".")
    if "maximum_daily_amount" in changes or "units" in changes:
        turn.say(service.threshold_message(db, actor, facility_id, item))


def _describe_change(field: str, old: Any, new: Any, units: Optional[str], old_units: Optional[str]) -> str:
    label = LABELS.get(field, field.replace("_", " "))
    if field in AMOUNT_FIELDS:
        return (f"{label} {fmt_amount(old, old_units) if old is not None else 'not given'} -> "
                f"{fmt_amount(new, units) if new is not None else 'not given'}")
    if field in STORAGE_CONTAINER_COLUMNS:
        return f"{CONTAINER_LABELS[field].lower()} {'added' if new else 'removed'}"
    if field == "physical_state":
        return f"{label} {STATE_NAMES.get(old or '', '-')} -> {STATE_NAMES.get(new or '', '-')}"
    if field == "units":
        return f"units {UNIT_NAMES.get(old or '', '-')} -> {UNIT_NAMES.get(new or '', '-')}"
    if field == "hm_type":
        return f"type {HM_TYPE_NAMES.get(old or '', 'not given')} -> {HM_TYPE_NAMES.get(new or '', 'not given')}"
    if field == "ehs":
        return f"EHS {'yes' if new else 'no'}"
    if field == "pressure":
        return f"{label} -> {PRESSURE_NAMES.get(new or '', '-')}"
    if field == "temperature":
        return f"{label} -> {TEMPERATURE_NAMES.get(new or '', '-')}"
    if field in HAZARD_FIELDS:
        return f"{HAZARD_LABELS[field]} {'yes' if new else 'no'}"
    return f"{label} {old if old not in (None, '') else 'not given'} -> {new if new not in (None, '') else 'blank'}"
