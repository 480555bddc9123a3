"""The inventory conversation's state at the channel's edge: a slot written before the state was typed loads,
saves back with the same meaning, and the conversation resumes at the same question."""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.inventory import dialogue
from bot.inventory.answers import ChangeRequest
from bot.inventory.conversation.state import (
    ChooseItem, ConfirmRemove, DidYouMean, Draft, EditSaved, InventoryState, Option, UnitAwaited,
)
from bot.models import Facility
from tests.unit.test_inventory_service import chem, library, setup  # noqa: F401 - fixtures

_CONTAINERS_OFF = {"sc_above_ground_tank": False, "sc_can": False, "sc_cylinder": False, "sc_other": False,
                   "sc_steel_drum": True, "other_container": None}

# Slots as the engine wrote them before its state was typed (keys absent, None or False as it happened).
OLD_SLOTS: dict[str, dict[str, Any]] = {
    "just started": {"started": True},
    "a waste with containers counted": {
        "finished": False, "started": True,
        "pending": {"components": [], "dup_checked": True, "kind": "waste", "meta": {"count": 2.0}, "skipped": [],
                    "suggested_components": [{"cas": "107-21-1", "ehs": False, "name": "Ethylene glycol",
                                              "percent": 50.0}],
                    "typed": "used antifreeze", "waste_codes": ["134", "343"],
                    "values": {"common_name": "Used antifreeze", "ehs": False, "hm_type": "c", "physical_state": "b",
                               **_CONTAINERS_OFF}}},
    "a number waiting for its unit, a material queued": {
        "awaiting": None, "finished": False, "started": True, "queue": ["a 300 gallon diesel tank by the gate"],
        "pending": {"components": [{"cas": "91-20-3", "ehs": False, "name": "Naphthalene", "percent": 1.0}],
                    "dup_checked": True, "kind": "library", "meta": {}, "skipped": ["hazards"], "typed": "disel",
                    "ask": None, "review": False,
                    "unit_for": {"approximate": False, "field": "maximum_daily_amount", "value": 50.0},
                    "values": {"chemical_id": 360, "common_name": "Diesel fuel", "hm_type": "b"}}},
    "did you mean": {
        "awaiting": {"kind": "did_you_mean", "options": [{"id": 505, "name": "Acetone"}], "typed": "acetnoe"},
        "finished": False, "started": True,
        "pending": {"components": [], "kind": None, "meta": {}, "skipped": [], "typed": "acetnoe", "values": {}}},
    "several with exactly that name": {
        "awaiting": {"kind": "did_you_mean", "typed": "sodium hydroxide", "exact": True,
                     "options": [{"id": 7, "name": "Sodium hydroxide"}, {"id": 9, "name": "Sodium hydroxide 50%"}]},
        "pending": {"components": [], "kind": None, "meta": {}, "skipped": [], "typed": "sodium hydroxide",
                    "values": {}}},
    "confirm a removal": {"awaiting": {"ids": [1, 2], "kind": "confirm_remove"}, "pending": None, "saved": 2,
                          "started": True, "finished": False},
    "which one to change": {"awaiting": {"kind": "choose_item", "action": "change", "ids": [1, 2, 3],
                                         "req": {"target": None, "field": "maximum_daily_amount",
                                                 "value": "600 gallons", "factor": None}}},
    "which one to remove": {"awaiting": {"kind": "choose_item", "action": "remove", "ids": [4, 5]}},
    "a saved item being changed": {
        "awaiting": {"kind": "edit_saved", "item_id": 2, "field": "location",
                     "draft": {"components": [], "item_id": 2, "kind": "library", "meta": {}, "skipped": [],
                               "values": {"common_name": "Acetone", "chemical_id": 505, "location": None}}}},
    "what should change": {"awaiting": {"kind": "edit_saved", "item_id": 3, "field": None}},
    "ended by a pause (set by the Rasa form)": {"started": True, "done": True,
                                                 "exit": {"intent": "pause_filing", "text": "let's continue tomorrow"}},
}


def _meaning(slot: Any) -> Any:
    """A slot without the keys that say nothing (None, False, empty, 0): the engine reads them all as absent.
    Material values and components are compared exactly."""
    if isinstance(slot, dict):
        return {k: (v if k in ("values", "components", "suggested_components") else _meaning(v))
                for k, v in slot.items() if _says_something(v)}
    if isinstance(slot, list):
        return [_meaning(v) for v in slot]
    return slot


def _says_something(value: Any) -> bool:
    return not (value is None or value is False or value == [] or value == {} or (type(value) is int and value == 0))


def test_every_slot_written_before_the_typed_state_loads_and_saves_back_with_the_same_meaning() -> None:
    for name, old in OLD_SLOTS.items():
        state = InventoryState.from_slot(json.loads(json.dumps(old)))
        slot = state.to_slot()
        assert _meaning(slot) == _meaning(old), name
        assert json.loads(json.dumps(slot)) == slot, name  # JSON-able for the tracker store
        assert InventoryState.from_slot(slot).to_slot() == slot, name  # stable once written


def test_the_old_slot_reads_as_typed_objects() -> None:
    waste = InventoryState.from_slot(OLD_SLOTS["a waste with containers counted"]).pending
    assert isinstance(waste, Draft) and waste.kind == "waste" and waste.container_count == 2.0
    assert waste.containers() == ["sc_steel_drum"] and waste.name == "Used antifreeze"
    diesel = InventoryState.from_slot(OLD_SLOTS["a number waiting for its unit, a material queued"])
    assert diesel.pending is not None and diesel.pending.unit_for == UnitAwaited("maximum_daily_amount", 50.0)
    assert diesel.queue == ["a 300 gallon diesel tank by the gate"] and diesel.awaiting is None
    assert InventoryState.from_slot(OLD_SLOTS["did you mean"]).awaiting == \
        DidYouMean("acetnoe", (Option(505, "Acetone"),))
    assert InventoryState.from_slot(OLD_SLOTS["several with exactly that name"]).awaiting.exact is True
    assert InventoryState.from_slot(OLD_SLOTS["confirm a removal"]).awaiting == ConfirmRemove((1, 2))
    assert InventoryState.from_slot(OLD_SLOTS["which one to change"]).awaiting == \
        ChooseItem("change", (1, 2, 3), ChangeRequest(None, "maximum_daily_amount", "600 gallons"))
    assert InventoryState.from_slot(OLD_SLOTS["which one to remove"]).awaiting == ChooseItem("remove", (4, 5))
    edit = InventoryState.from_slot(OLD_SLOTS["a saved item being changed"]).awaiting
    assert isinstance(edit, EditSaved) and edit.field == "location" and edit.draft is not None
    assert edit.draft.item_id == 2 and edit.draft.values["common_name"] == "Acetone"
    assert InventoryState.from_slot(OLD_SLOTS["what should change"]).awaiting == EditSaved(3, None, None)


def test_the_channel_flags_survive_and_an_empty_slot_is_a_new_conversation() -> None:
    paused = InventoryState.from_slot(OLD_SLOTS["ended by a pause (set by the Rasa form)"]).to_slot()
    assert paused["done"] is True and paused["exit"] == {"intent": "pause_filing", "text": "let's continue tomorrow"}
    for empty in (None, {}):
        assert InventoryState.from_slot(empty) == InventoryState()
    assert "done" not in InventoryState().to_slot() and "exit" not in InventoryState().to_slot()


def test_loading_does_not_change_the_callers_dict() -> None:
    old = json.loads(json.dumps(OLD_SLOTS["a saved item being changed"]))
    state = InventoryState.from_slot(old)
    assert isinstance(state.awaiting, EditSaved) and state.awaiting.draft is not None
    state.awaiting.draft.values["location"] = "Wash bay"
    assert old == OLD_SLOTS["a saved item being changed"]


def test_a_conversation_stored_before_the_change_resumes_at_the_same_question(
        db: Session, setup: tuple[Actor, Facility]) -> None:  # noqa: F811
    actor, facility = setup
    acetone = chem(db, "cas:67-64-1")
    old = json.loads(json.dumps(OLD_SLOTS["did you mean"]).replace("505", str(acetone.id)))
    turn = dialogue.prompt(db, actor, facility.id, old)
    assert "Is “acetnoe” this one?" in turn.text
    assert [b.title for m in turn.messages for b in m.buttons] == ["Acetone", "None of these: add it from its SDS"]
    turn = dialogue.handle(db, actor, facility.id, turn.state, "Acetone")
    assert "Found Acetone in the chemical library" in turn.text
    assert dialogue.next_field(turn.state["pending"]) == "maximum_daily_amount"  # the slot form, as stored
