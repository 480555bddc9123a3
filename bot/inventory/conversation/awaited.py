"""The questions the engine asks outside the material's own fields, and their replies: "did you mean ...?"
(which library material), "remove ...?" (yes/no), "which one?" (among saved items) and the field of a saved
item being changed.

`ask` says the awaited question; `reply` reads the answer to it and returns False when the text is not an
answer but a new request (the engine then handles it as one). Writes only through `bot.inventory.service`.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.chemicals.lookup import best
from bot.dialogue import Button, Turn
from bot.errors import ServiceError
from bot.inventory import service
from bot.inventory.answers import (
    ChangeRequest, field_in, parse_change_request, starts_change_request, starts_remove_request,
)
from bot.inventory.conversation import starting
from bot.inventory.conversation.asking import question
from bot.inventory.conversation.saved import change_saved, draft_from_item, infer_field
from bot.inventory.conversation.state import (
    Awaiting, ChooseItem, ConfirmRemove, DidYouMean, EditSaved, InventoryState,
)
from bot.models import Chemical, InventoryItem
from bot.replies import is_cancel, leading_yes_no


def ask(st: InventoryState, aw: Awaiting, items: list[InventoryItem], turn: Turn) -> None:
    """Say the awaited question (`items`: the saved materials)."""
    if isinstance(aw, DidYouMean):
        buttons = [Button(o.name[:64], o.name) for o in aw.options]
        buttons.append(Button("None of these: add it from its SDS", "none of these"))
        lines = "\n".join(f"- {o.name}" + (f" ({o.why})" if o.why else "") for o in aw.options)
        if aw.exact or len(aw.options) > 1 and not aw.exact:
            head = (f"“{aw.typed}” could be more than one thing in the chemical library. Which is yours?"
                    if aw.exact else f"I'm not sure which material “{aw.typed}” is. Is it one of these?")
        else:
            head = f"Is “{aw.typed}” this one?"
        turn.say(f"{head}\n{lines}\nIf it's none of them, we'll add it from its Safety Data Sheet.", buttons)
    elif isinstance(aw, ConfirmRemove):
        by_id = {i.id: i for i in items}
        names = [service.describe_item(by_id[i]) for i in aw.ids if i in by_id]
        what = names[0] if len(names) == 1 else f"these {len(names)} materials"
        turn.say(f"Remove {what} from the inventory?", [Button("Yes, remove", "yes"), Button("No, keep it", "no")])
    elif isinstance(aw, ChooseItem):
        by_id = {i.id: i for i in items}
        buttons = [Button(service.describe_item(by_id[i])[:64], f"item {i}") for i in aw.ids if i in by_id]
        verb = "remove" if aw.action == "remove" else "change"
        turn.say(f"Which one do you want to {verb}?", buttons + [Button("None of them", "none")])
    elif isinstance(aw, EditSaved):
        item = next((i for i in items if i.id == aw.item_id), None)
        if item is None:
            st.awaiting = None
            return
        if aw.field is None:
            turn.say(f"What should change for {item.common_name}?",
                     [Button("Amount", "amount"), Button("Location", "location"), Button("Container", "container"),
                      Button("Days on site", "days on site"), Button("Nothing", "nothing")])
        else:
            text, buttons = question(aw.draft or draft_from_item(item), aw.field)
            turn.say(text, buttons)


def reply(db: Session, actor: Actor, facility_id: int, st: InventoryState, aw: Awaiting, text: str,
          intent: Optional[str], turn: Turn) -> bool:
    """True when `text` answered the awaited question (False: handle it as a new request)."""
    low = text.lower().strip(" .!")
    yes_no = True if intent == "affirm" else False if intent == "deny" else leading_yes_no(low)
    if isinstance(aw, DidYouMean):
        return _did_you_mean(db, st, aw, text, low, yes_no, turn)
    if isinstance(aw, ConfirmRemove):
        if yes_no is None:
            return False
        st.awaiting = None
        if not yes_no:
            turn.say("OK, I kept it.")
            return True
        names = []
        for item_id in aw.ids:
            try:
                names.append(service.remove_item(db, actor, facility_id, item_id))
            except ServiceError as exc:
                turn.say(exc.message)
        if names:
            turn.say("Removed " + ", ".join(names) + " from the inventory.")
        return True
    if isinstance(aw, ChooseItem):
        items = {i.id: i for i in service.list_items(db, actor, facility_id)}
        options = [(i, items[i].common_name) for i in aw.ids if i in items]
        if re.fullmatch(r"none(?: of (?:them|these))?|neither|nothing|never ?mind|cancel", low) or yes_no is False:
            st.awaiting = None
            turn.say("OK, nothing changed.")
            return True
        chosen = _pick(text, options)
        if chosen is None:
            return False
        if aw.action == "remove":
            st.awaiting = ConfirmRemove((chosen,))
            return True
        st.awaiting = None
        change_saved(db, actor, facility_id, st, items[chosen], aw.req or ChangeRequest(), turn)
        return True
    if isinstance(aw, EditSaved):
        return _edit_saved(db, actor, facility_id, st, aw, text, low, intent, turn)
    return False


def _did_you_mean(db: Session, st: InventoryState, aw: DidYouMean, text: str, low: str, yes_no: Optional[bool],
                  turn: Turn) -> bool:
    d = st.pending
    assert d is not None
    options = [(o.id, o.name) for o in aw.options]
    if re.search(r"\bnone\b|\bneither\b|\bsomething else\b|\bnot (?:these|those|any)\b|\bnew (?:one|material)\b",
                 low) or (yes_no is False and len(low.split()) <= 3):
        st.awaiting = None
        starting.make_new(d, aw.typed, turn, [])
        return True
    chosen = _pick(text, options)
    if chosen is None and yes_no is True and len(options) == 1:
        chosen = options[0][0]
    if chosen is None:
        retyped = best(db, text)
        if retyped is None:
            if is_cancel(low) or starts_remove_request(low):
                return False
            st.awaiting = None
            starting.retry_name(db, st, d, text, turn)
            return True
        chosen = retyped.chemical.id
    st.awaiting = None
    chem = db.get(Chemical, chosen)
    if chem is None:
        starting.make_new(d, aw.typed, turn, [])
        return True
    if starting.is_waste(chem.name, chem):
        starting.make_waste(db, d, aw.typed, chem, turn, [])
    else:
        starting.apply_library(db, d, chem, turn, [])
    return True


def _edit_saved(db: Session, actor: Actor, facility_id: int, st: InventoryState, aw: EditSaved, text: str,
                low: str, intent: Optional[str], turn: Turn) -> bool:
    item = next((i for i in service.list_items(db, actor, facility_id) if i.id == aw.item_id), None)
    if item is None:
        st.awaiting = None
        return False
    if aw.field is None:
        if re.fullmatch(r"nothing|none|never ?mind|cancel|no", low):
            st.awaiting = None
            turn.say("OK, nothing changed.")
            return True
        req = parse_change_request(text) or ChangeRequest(field=field_in(low))
        if req.field is None and req.value is None:
            req = ChangeRequest(field=field_in(low) or infer_field(text, draft_from_item(item)), value=text
                                if not field_in(low) else None)
        change_saved(db, actor, facility_id, st, item, ChangeRequest(item.common_name, req.field, req.value,
                                                                     req.factor), turn)
        return True
    if is_cancel(low):
        st.awaiting = None
        turn.say(f"OK, {item.common_name} stays as it was.")
        return True
    if intent == "remove_chemical" or starts_remove_request(text) or starts_change_request(low):
        return False
    d = aw.draft or draft_from_item(item)
    change_saved(db, actor, facility_id, st, item, ChangeRequest(item.common_name, aw.field, text), turn, draft=d)
    return True


def _pick(text: str, options: list[tuple[Any, str]]) -> Optional[Any]:
    """The option the user picked: by payload, number ("2", "the second"), or name."""
    low = text.lower().strip(" .!")
    m = re.fullmatch(r"item\s+#?(\d{1,9})", low)
    if m:
        n = int(m.group(1))
        return n if n in [key for key, _label in options] else None
    m = re.fullmatch(r"(?:number\s+|no\.?\s*|#)?(\d{1,3})", low)
    if m:
        n = int(m.group(1))
        return options[n - 1][0] if 1 <= n <= len(options) else None
    ordinals = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "1st": 1, "2nd": 2, "3rd": 3}
    for word, n in ordinals.items():
        if re.search(rf"\b{word}\b", low) and n <= len(options):
            return options[n - 1][0]
    query = service.clean_name_text(text)
    if query:
        scored = [(service.score_name(query, [label]), key) for key, label in options]
        scored.sort(key=lambda s: -s[0])
        if scored and scored[0][0] >= 85 and (len(scored) == 1 or scored[1][0] < scored[0][0]):
            return scored[0][1]
    return None
