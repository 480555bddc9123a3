"""The inventory conversation engine, driven the way the Rasa form drives it (handle, then prompt unless done),
against the real database and chemical library: what it asks, what it refuses, and the rows it writes."""
from __future__ import annotations

import json
from typing import Any, Optional

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.dialogue import Turn
from bot.errors import PermissionDenied
from bot.inventory import dialogue
from bot.models import Facility, FacilityRole, InventoryComponent, InventoryItem, User
from bot.timeutil import utcnow
from tests.unit.conftest import audit_rows
from tests.unit.test_inventory_service import chem, count, library, setup  # noqa: F401 - fixtures


class Chat:
    """One user's conversation: the state is kept between turns as the Rasa slot keeps it (a JSON round trip)."""

    def __init__(self, db: Session, actor: Actor, facility_id: int) -> None:
        self.db, self.actor, self.facility_id = db, actor, facility_id
        self.state: dict[str, Any] = {}
        self.last: Turn = self._keep(dialogue.prompt(db, actor, facility_id, self.state))

    def _keep(self, turn: Turn) -> Turn:
        self.state = json.loads(json.dumps(turn.state))  # must survive the tracker store
        return turn

    def say(self, text: str, intent: Optional[str] = None) -> Turn:
        turn = self._keep(dialogue.handle(self.db, self.actor, self.facility_id, self.state, text, intent))
        self.db.commit()
        if not turn.done:
            turn.extend(self._keep(dialogue.prompt(self.db, self.actor, self.facility_id, self.state)))
        self.last = turn
        return turn

    @property
    def text(self) -> str:
        return self.last.text

    @property
    def buttons(self) -> list[str]:
        return [b.title for m in self.last.messages for b in m.buttons]

    def payload(self, title_start: str) -> str:
        return next(b.payload for m in self.last.messages for b in m.buttons if b.title.startswith(title_start))

    @property
    def pending(self) -> Optional[dict[str, Any]]:
        return self.state.get("pending")


@pytest.fixture
def chat(db: Session, setup: tuple[Actor, Facility]) -> Chat:  # noqa: F811
    actor, facility = setup
    return Chat(db, actor, facility.id)


def items(db: Session) -> list[InventoryItem]:
    db.expire_all()
    return list(db.execute(select(InventoryItem).order_by(InventoryItem.position)).scalars())


def finish_optional(c: Chat) -> None:
    """Answer the usual closing questions (whatever is still asked) up to the summary card."""
    answers = {"average": "same as maximum", "days": "all year", "pressure": "ambient", "temperature": "ambient",
               "Where on site": "back shop", "largest single": "same as maximum"}
    for _ in range(8):
        if "Please check it" in c.text:
            return
        for key, answer in answers.items():
            if key in c.text.split("\n")[-1] or key in c.last.messages[-1].text:
                c.say(answer)
                break
        else:
            raise AssertionError(f"unexpected question: {c.text}")
    assert "Please check it" in c.text


def test_a_pure_library_material_from_one_sentence(db: Session, chat: Chat) -> None:
    """A sentence with the material, amount, container and place: one summary card, then Save (2 turns)."""
    assert "Tell me about a hazardous material you keep" in chat.text and "That's all" in chat.buttons
    chat.say("We keep three 55-gallon drums of motor oil in the back shop", "add_chemical")
    assert "Found Motor oil (new) in the chemical library" in chat.text
    assert "3 x 55 gallons = 165 gallons" in chat.text
    card = chat.last.messages[-1]
    assert card.custom["card"] == "inventory_item" and card.custom["fields"]["Maximum daily amount"] == "165 gallons"
    assert card.custom["fields"]["Location"] == "Back shop" and "Save" in chat.buttons
    # what nobody said is filled with the usual answer and shown as an assumption the filer can change
    assert card.custom["fields"]["Average daily amount"] == "165 gallons (assumed: change it if not)"
    assert "assumed" in card.custom["fields"]["Days on site"]
    chat.say("save", "affirm")
    assert "Saved Motor oil (new): 165 gallons max, steel drum, Back shop" in chat.text
    assert "lubricating oil" in chat.text and "must be reported" in chat.text  # the threshold message
    assert "Anything else?" in chat.text and chat.pending is None
    (row,) = items(db)
    assert (row.maximum_daily_amount, row.average_daily_amount, row.largest_container, row.units) == (165, 165, 55, "a")
    assert row.sc_steel_drum and row.location == "Back shop" and row.days_on_site == 365
    assert (row.pressure, row.temperature, row.hm_type, row.physical_state) == ("a", "a", "b", "b")
    assert row.chemical_id == chem(db, "product:motor_oil").id and row.fhc_fire is True and row.fire_class_1 == 4
    assert [c.percent for c in row.components] == [95]
    assert len(audit_rows(db, "inventory.add")) == 1
    chat.say("that's all", "deny")
    assert chat.last.done and dialogue.is_finished(chat.state) and "1 material saved" in chat.text
    assert "inventory is complete" in chat.text and len(audit_rows(db, "inventory.complete")) == 1


def test_one_slip_is_taken_a_doubtful_spelling_offers_choices(db: Session, chat: Chat) -> None:
    chat.say("add disel", "add_chemical")  # one slip of an everyday name: no question
    assert "Found Diesel fuel in the chemical library" in chat.text and "most Diesel fuel" in chat.text
    chat.say("about fifty gallons")
    assert "I'll put 50 gallons" in chat.text and "estimate" in chat.text
    assert chat.pending["values"]["maximum_daily_amount"] == 50
    chat.say("above-ground tank")
    assert chat.pending["values"]["sc_above_ground_tank"] is True
    chat.say("cancel")
    assert chat.pending is None and items(db) == [] and "dropped Diesel fuel" in chat.text
    chat.say("chlorine, 4 buckets", "add_chemical")  # a name of several things: a question, with why for each
    assert "could be more than one thing" in chat.text or "Is it one of these" in chat.text
    assert "Chlorine" in chat.buttons and "None of these: add it from its SDS" in chat.buttons
    assert "CAS 7782-50-5" in chat.text  # the why beside the choice
    assert len(chat.buttons) <= 4
    chat.say("none of these")
    assert "not in the chemical library" in chat.text and chat.pending["kind"] == "new"


def test_a_new_mixture_from_its_sds_with_components(db: Session, chat: Chat) -> None:
    chat.say("we also have ProShine floor restorer in the janitor closet", "add_chemical")
    assert "“ProShine floor restorer” is not in the chemical library" in chat.text
    assert "solid, a liquid or a gas" in chat.text
    chat.say("liquid")
    assert "CAS number" in chat.text
    chat.say("none")
    assert "mixture" in chat.text
    chat.say("yes", "affirm")
    assert "hazardous components" in chat.text
    chat.say("2-butoxyethanol 60%, monoethanolamine 50%")
    assert "add up to 110%, more than 100%" in chat.text and chat.pending["components"] == []
    chat.say("2-butoxyethanol 30-40% (CAS 111-76-2), monoethanolamine 10%")
    assert "Components: 2-butoxyethanol 40% (111-76-2), Monoethanolamine 10%" in chat.text
    assert "hazard categories" in chat.text
    chat.say("acute health and fire, reactive no")
    assert "Hazard categories: Fire, Acute health" in chat.text
    chat.say("four 5 gallon pails")
    assert "4 x 5 gallons = 20 gallons" in chat.text
    finish_optional(chat)
    chat.say("save")
    (row,) = items(db)
    assert (row.common_name, row.hm_type, row.chemical_id, row.maximum_daily_amount) == \
        ("ProShine floor restorer", "b", None, 20)
    assert (row.fhc_fire, row.fhc_acute_health, row.fhc_reactive) == (True, True, False)
    assert row.sc_can is True and row.largest_container == 5 and row.location == "Janitor closet"
    assert [(c.name, c.percent, c.cas) for c in row.components] == [("2-butoxyethanol", 40, "111-76-2"),
                                                                     ("Monoethanolamine", 10, None)]


def test_a_waste_stream_is_refused_without_its_components_then_saved(db: Session, chat: Chat) -> None:
    chat.say("waste oil, we keep about 150 gallons in a tank out back", "add_chemical")
    assert "waste stream" in chat.text and "every hazardous component" in chat.text
    assert chat.pending["kind"] == "waste" and chat.pending["values"]["hm_type"] == "c"
    chat.say("skip", "skip_question")
    assert "I can't leave them out" in chat.text and "reject waste lines" in chat.text
    chat.say("save")  # the service refuses too, and says everything that is missing
    assert "I can't save Waste oil yet" in chat.text and "state waste code" in chat.text
    assert items(db) == [] and audit_rows(db, "inventory.add") == []
    chat.say("used motor oil 97%, lead 0.5%")
    assert "Components: Used motor oil 97%, Lead 0.5%" in chat.text
    assert "state waste code" in chat.text and any(b.startswith("221") for b in chat.buttons)
    chat.say("skip")
    assert "I can't skip that" in chat.text
    chat.say("221")
    assert "generate in a year" in chat.text  # 150 gallons, the tank and the place came from the sentence
    chat.say("about 600 gallons")
    finish_optional(chat)
    assert "State waste code: 221 (waste oil and mixed oil)" in chat.text
    chat.say("change the average to 100 gallons", "change_chemical")
    chat.say("looks good, save it")
    (row,) = items(db)
    assert (row.hm_type, row.chemical_id, row.state_waste_code, row.annual_waste_amount) == ("c", None, "221", 600)
    assert (row.maximum_daily_amount, row.average_daily_amount, row.sc_above_ground_tank) == (150, 100, True)
    assert [(c.name, c.percent) for c in row.components] == [("Used motor oil", 97), ("Lead", 0.5)]
    assert row.components[1].ehs is False


def test_an_unknown_material_whose_cas_is_an_ehs_must_be_in_pounds(db: Session, chat: Chat) -> None:
    chat.say("Zep pool gas, 2 cylinders in the pump house", "add_chemical")
    assert "not in the chemical library" in chat.text
    chat.say("gas")
    chat.say("CAS 7782-50-5")
    assert "knows 7782-50-5 as Chlorine" in chat.text and "Extremely Hazardous Substance" in chat.text
    chat.say("no, a single chemical")
    chat.say("acute health, pressure release")
    assert "How much does each cylinder hold" in chat.text
    chat.say("150 cubic feet")
    assert "needs its amounts in pounds" in chat.text and chat.pending["values"].get("largest_container") is None
    chat.say("75 lb")
    assert "2 x 75 pounds = 150 pounds" in chat.text
    finish_optional(chat)
    chat.say("save")
    (row,) = items(db)
    assert (row.ehs, row.cas_number, row.units, row.maximum_daily_amount, row.sc_cylinder) == \
        (True, "7782-50-5", "c", 150, True)
    assert "Threshold Planning Quantity of 100 lb" in chat.text and "must be reported" in chat.text


def test_amount_answers_units_conversions_and_bad_amounts(db: Session, chat: Chat) -> None:
    chat.say("acetone", "add_chemical")
    assert "most Acetone" in chat.text
    for bad, why in (("-5 gallons", "can't be negative"), ("5000000000000 gallons", "far too much"),
                     ("lots", "I need a number"), ("0 gallons", "must be more than 0")):
        chat.say(bad)
        assert why in chat.text and chat.pending["values"].get("maximum_daily_amount") is None
        assert "most Acetone" in chat.text  # asked again
    chat.say("approx fifty")
    assert "50 what" in chat.text and "Gallons" in chat.buttons and "Cubic feet" not in chat.buttons
    chat.say("gallons")
    assert "I'll put 50 gallons" in chat.text
    v = chat.pending["values"]
    assert (v["maximum_daily_amount"], v["units"]) == (50, "a")
    chat.say("change the average to 20 kg", "change_chemical")  # pounds can't become gallons without a density
    assert "are in gallons" in chat.text and chat.pending["values"].get("average_daily_amount") is None
    chat.say("10 liters")
    assert "10 liters = 2.64 gallons" in chat.text and chat.pending["values"]["average_daily_amount"] == 2.6417
    chat.say("change the amount", "change_chemical")
    chat.say("200 lb")  # a new maximum in another unit: the average in gallons is cleared
    v = chat.pending["values"]
    assert (v["maximum_daily_amount"], v["units"], v["average_daily_amount"]) == (200, "c", None)
    assert "cleared the average daily amount" in chat.text
    assert "container" in chat.text  # the next question


def test_count_of_containers_without_their_size(db: Session, chat: Chat) -> None:
    chat.say("2 drums of hydraulic oil in the maintenance room", "add_chemical")
    assert "How much does each steel drum hold" in chat.text
    chat.say("55 gallons")
    assert "So the maximum is 2 x 55 gallons = 110 gallons" in chat.text
    v = chat.pending["values"]
    assert (v["maximum_daily_amount"], v["largest_container"], v["sc_steel_drum"]) == (110, 55, True)
    chat.say("change the amount")
    chat.say("3 drums")
    assert "3 x 55 gallons = 165 gallons" in chat.text and chat.pending["values"]["maximum_daily_amount"] == 165


def _save_quick(chat: Chat, sentence: str) -> None:
    """A library material described fully, saved at once (optional questions left for later)."""
    chat.say(sentence, "add_chemical")
    if "hazard categories" in chat.text:
        chat.say("fire")
    chat.say("save")
    assert "Saved" in chat.text, chat.text


def test_list_remove_and_change_while_a_material_is_open(db: Session, chat: Chat) -> None:
    _save_quick(chat, "acetone, four 5 gallon cans in the paint booth")
    _save_quick(chat, "a 300 gallon diesel tank by the gate")
    _save_quick(chat, "three 55 gallon drums of motor oil in the back shop")
    chat.say("2 totes of antifreeze", "add_chemical")  # left open
    assert "How much does each tote bin hold" in chat.text

    chat.say("list my chemicals", "list_chemicals")
    assert "Your inventory (3 materials):" in chat.text and "1. Acetone: 20 gallons max, can or pail" in chat.text
    assert "(Not saved yet: Antifreeze (ethylene glycol).)" in chat.text
    assert "How much does each tote bin hold" in chat.text  # back to the open question

    chat.say("remove the acetone", "remove_chemical")
    assert "Remove Acetone: 20 gallons max" in chat.text and chat.buttons[:2] == ["Yes, remove", "No, keep it"]
    chat.say("yes", "affirm")
    assert "Removed Acetone from the inventory" in chat.text and "How much does each tote bin hold" in chat.text
    assert [i.common_name for i in items(db)] == ["Diesel fuel", "Motor oil (new)"]
    assert audit_rows(db, "inventory.remove")[0].details["common_name"] == "Acetone"

    chat.say("change disel to 500 gallons", "change_chemical")
    assert "Changed Diesel fuel: maximum daily amount 300 gallons -> 500 gallons" in chat.text
    chat.say("the motor oil is actually in the wash bay", "change_chemical")
    assert "Changed Motor oil (new): location Back shop -> Wash bay" in chat.text
    chat.say("make the motor oil 4 drums not 3", "change_chemical")
    assert "maximum daily amount 165 gallons -> 220 gallons" in chat.text
    chat.say("change the diesel average to 900 gallons", "change_chemical")
    assert "can't be more than the maximum" in chat.text
    chat.say("400 gallons")  # the same question again, for the saved diesel
    assert "average daily amount 300 gallons -> 400 gallons" in chat.text  # 300 was the assumption
    diesel, oil = items(db)
    assert (diesel.maximum_daily_amount, diesel.average_daily_amount) == (500, 400)
    assert (oil.location, oil.maximum_daily_amount) == ("Wash bay", 220)
    assert len(audit_rows(db, "inventory.update")) == 4

    # the open material is untouched; "change the amount" now edits it
    assert chat.pending["values"]["common_name"] == "Antifreeze (ethylene glycol)"
    chat.say("330 gallons")
    assert "So the maximum is 2 x 330 gallons = 660 gallons" in chat.text
    chat.say("change the amount to 600 gallons", "change_chemical")
    assert chat.pending["values"]["maximum_daily_amount"] == 600 and "Maximum daily amount: 600 gallons" in chat.text
    chat.say("cancel", "stop")
    assert chat.pending is None and "dropped Antifreeze" in chat.text
    assert len(items(db)) == 2  # cancelling drops only the open material


def test_remove_asks_which_one_and_can_be_declined(db: Session, chat: Chat) -> None:
    _save_quick(chat, "acetone, 30 gallons in cans in the paint room")
    _save_quick(chat, "acetone, 30 gallons in cans in the lab")
    assert "must be reported" in chat.text and "1 other location" in chat.text  # aggregate of the same material
    chat.say("delete the acetone", "remove_chemical")
    assert "Which one do you want to remove?" in chat.text and len(chat.buttons) == 3
    chat.say(chat.payload("Acetone: 30 gallons max, can or pail, Lab"))
    assert "Remove Acetone: 30 gallons max, can or pail, Lab" in chat.text
    chat.say("no", "deny")
    assert "kept it" in chat.text and len(items(db)) == 2
    chat.say("remove the gasoline", "remove_chemical")
    assert "I can't find “gasoline”" in chat.text and "Acetone" in chat.text


def test_duplicate_material_is_pointed_out(db: Session, chat: Chat) -> None:
    _save_quick(chat, "acetone, 30 gallons in cans in the paint room")
    chat.say("acetone 10 gallons in the lab", "add_chemical")
    assert "You already listed Acetone: 30 gallons max" in chat.text and "another line" in chat.text


def test_threshold_message_below_threshold_but_reportable_together(db: Session, chat: Chat) -> None:
    _save_quick(chat, "motor oil, 50 gallons in a drum in the lube bay")
    assert "need not be reported" in chat.text
    _save_quick(chat, "hydraulic oil 200 gallons in a tank")
    _save_quick(chat, "gear oil, 50 gallons in a drum")  # below 55 on its own; all lube oils: 300 gallons
    assert "On its own it would be below the threshold" in chat.text and "300 gallons, more than 275" in chat.text
    assert "must be reported" in chat.text


def test_another_material_said_mid_way_is_taken_next(db: Session, chat: Chat) -> None:
    chat.say("motor oil, three 55 gallon drums", "add_chemical")
    chat.say("also 20 gallons of acetone in the paint booth", "add_chemical")
    assert "I'll take that one next" in chat.text and chat.pending["values"]["common_name"] == "Motor oil (new)"
    chat.say("save")
    assert "Saved Motor oil (new)" in chat.text and "Found Acetone in the chemical library" in chat.text
    assert chat.pending["values"]["maximum_daily_amount"] == 20


def test_explain_skip_upload_and_done(db: Session, chat: Chat) -> None:
    chat.say("a 500 gallon diesel tank", "add_chemical")
    assert "Where on site" in chat.text
    chat.say("what does that mean?", "explain_question")
    assert "Where on site it is kept" in chat.text
    chat.say("skip", "skip_question")
    assert "Please check it" in chat.text and "Location: not given" in chat.text
    chat.say("I have a spreadsheet of my chemicals", "upload_inventory")
    upload = [m for m in chat.last.messages if m.custom and m.custom.get("form")]
    assert upload and upload[0].custom == {"form": "upload_inventory"} and "not saved yet" in chat.text
    assert "/inventory/template.xlsx" in chat.text  # the empty template is offered with the upload
    chat.say("can I upload our site map here?", "upload_document")  # the documents' widget, the material kept
    widgets = [m.custom for m in chat.last.messages if m.custom and m.custom.get("form")]
    assert [w["form"] for w in widgets] == ["upload_document"] and widgets[0]["element"] == "site_map"
    assert "north arrow" in chat.text and "is still open: let's finish it" in chat.text
    chat.say("that's all")
    assert "isn't saved yet" in chat.text and "Please check it" in chat.text  # review before stopping
    chat.say("cancel")
    chat.say("no", "deny")
    assert chat.last.done and dialogue.is_finished(chat.state) and "inventory is still empty" in chat.text
    assert count(db, InventoryItem) == 0 and count(db, InventoryComponent) == 0


def test_a_user_without_a_role_gets_permission_denied(db: Session, setup: tuple[Actor, Facility]) -> None:  # noqa: F811
    _actor, facility = setup
    stranger = User(email="stranger@example.com", full_name="Sam", status="active", is_inspector=False,
                    is_staff=False, failed_logins=0, created_at=utcnow())
    db.add(stranger)
    db.commit()
    actor = Actor(user_id=stranger.id, channel="chat")
    with pytest.raises(PermissionDenied):
        dialogue.prompt(db, actor, facility.id, {})
    with pytest.raises(PermissionDenied):
        dialogue.handle(db, actor, facility.id, {}, "three 55-gallon drums of motor oil", "add_chemical")
    assert db.execute(select(func.count(FacilityRole.id)).where(FacilityRole.user_id == stranger.id)).scalar_one() == 0
    assert count(db, InventoryItem) == 0


def test_a_change_to_an_imported_line_asks_for_what_the_line_lacks(db: Session, chat: Chat) -> None:
    from bot.excel.service import draft_submittal

    draft = draft_submittal(db, chat.actor, chat.facility_id)
    db.add(InventoryItem(submittal_id=draft.id, position=1, common_name="Degreaser", physical_state="b", units="a",
                         maximum_daily_amount=30, ehs=False, sc_steel_drum=True))  # HMType left blank in the file
    db.commit()
    chat.say("the degreaser is actually in the wash bay", "change_chemical")
    assert "say whether it is a pure chemical, a mixture or a waste" in chat.text and "Nothing is changed yet" in chat.text
    assert "a mixture" in chat.text and items(db)[0].location is None
    chat.say("no, a single chemical")
    assert "Changed Degreaser: location not given -> Wash bay; type not given -> pure" in chat.text
    (row,) = items(db)
    assert (row.location, row.hm_type) == ("Wash bay", "a")
    assert len(audit_rows(db, "inventory.update")) == 1


def test_several_materials_in_one_message_are_taken_one_after_another(db: Session, chat: Chat) -> None:
    chat.say("we have 2 drums of motor oil in the lube bay and a 20 gallon can of acetone in the paint booth, "
             "plus 100 lb of sodium hydroxide in the wash room", "add_chemical")
    assert "You named 3 materials" in chat.text and "Acetone and Sodium hydroxide come right after" in chat.text
    assert len(chat.state["queue"]) == 2
    for _ in range(8):
        if "Please check it" in chat.text:
            chat.say("save", "affirm")
        elif "How much does each" in chat.text:
            chat.say("55 gallons")
        elif "stored in" in chat.text:
            chat.say("bags")
        elif "Anything else?" in chat.text:
            break
        else:
            raise AssertionError(chat.text)
    assert [i.common_name for i in items(db)] == ["Motor oil (new)", "Acetone", "Sodium hydroxide"]
    assert [i.maximum_daily_amount for i in items(db)] == [110, 20, 100]


def test_a_material_left_open_survives_a_new_conversation(db: Session, chat: Chat,
                                                          setup: tuple[Actor, Facility]) -> None:  # noqa: F811
    chat.say("2 totes of antifreeze by the rollup door", "add_chemical")
    assert "How much does each tote bin hold" in chat.text
    # another browser: a new conversation, an empty slot - the database still has the open material
    actor, facility = setup
    other = Chat(db, actor, facility.id)
    assert "We were in the middle of Antifreeze (ethylene glycol)" in other.text
    assert "How much does each tote bin hold" in other.text
    other.say("275 gallons")
    assert "2 x 275 gallons = 550 gallons" in other.text
    other.say("save", "affirm")
    (row,) = items(db)
    assert (row.maximum_daily_amount, row.location) == (550, "By the rollup door")
    assert Chat(db, actor, facility.id).pending is None  # nothing open any more


def test_go_back_undoes_the_last_answer(db: Session, chat: Chat) -> None:
    chat.say("acetone", "add_chemical")
    chat.say("30 gallons")
    assert "stored in" in chat.text
    chat.say("go back", "go_back")
    assert "back one step" in chat.text and "most Acetone" in chat.text
    assert chat.pending["values"].get("maximum_daily_amount") is None
    chat.say("25 gallons")
    assert chat.pending["values"]["maximum_daily_amount"] == 25


def test_a_question_is_answered_and_the_material_stays_open(db: Session, chat: Chat) -> None:
    chat.say("sulfuric acid, 2 drums", "add_chemical")
    chat.say("is sulfuric acid an ehs? what's the tpq?", "ask_ehs")
    assert "Extremely Hazardous Substance" in chat.text and "1,000" in chat.text
    assert chat.pending["values"]["common_name"] == "Sulfuric acid" and "How much does each" in chat.text


def test_an_ehs_in_gallons_is_shown_in_pounds_for_confirmation(db: Session, chat: Chat) -> None:
    chem(db, "cas:7664-93-9").density_g_ml = 1.83  # the library's density (ChEDL's, in the full build)
    db.commit()
    chat.say("a 10 gallon carboy of sulfuric acid in the battery room", "add_chemical")
    assert "pounds (an Extremely Hazardous Substance is reported in pounds)" in chat.text
    card = chat.last.messages[-1].custom["fields"]
    assert card["Maximum daily amount"].endswith("pounds") and card["EHS"].startswith("yes")


def test_the_checklist_says_in_progress_until_the_filer_says_complete(db: Session, chat: Chat) -> None:
    from bot.facility_info import service as fi

    def inventory_status() -> str:
        return next(i for i in fi.checklist(db, chat.actor, chat.facility_id) if i.key == "inventory").status

    chat.say("acetone, 30 gallons in cans in the paint room", "add_chemical")
    chat.say("save", "affirm")
    assert inventory_status() == "in progress"
    chat.say("toluene 5 gallons", "add_chemical")  # open, not saved
    assert inventory_status() == "in progress"
    chat.say("cancel")
    chat.say("that's all")
    assert inventory_status() == "complete"
    chat.say("change the acetone to 40 gallons", "change_chemical")  # a change reopens the list
    assert inventory_status() == "in progress"


def test_a_pure_chemical_from_its_sentence_is_saved_within_four_turns(db: Session, chat: Chat) -> None:
    turns = 0
    chat.say("we keep 4 five-gallon cans of acetone in the paint booth", "add_chemical")
    turns += 1
    while chat.pending is not None and turns < 10:
        chat.say("save" if "Please check it" in chat.text else "skip")
        turns += 1
    assert turns <= 4 and [i.maximum_daily_amount for i in items(db)] == [20]


def test_a_new_material_said_like_a_change_is_an_add(db: Session, chat: Chat) -> None:
    _save_quick(chat, "acetone, 30 gallons in cans in the paint room")
    chat.say("also we have 20 gallons of toluene in the paint room", "change_chemical")  # the classifier's slip
    assert "Found Toluene in the chemical library" in chat.text
    chat.say("change the acetone to 40 gallons", "change_chemical")
    assert "Changed Acetone: maximum daily amount 30 gallons -> 40 gallons" in chat.text


def test_a_material_being_entered_can_be_turned_into_a_waste_stream(db: Session, chat: Chat) -> None:
    chat.say("acetone 30 gallons in a drum in the paint room", "add_chemical")
    assert "Please check it" in chat.text
    chat.say("actually this is waste, it's from the gun cleaner", "change_chemical")
    assert "is now a waste stream" in chat.text and chat.pending["kind"] == "waste"
    assert chat.pending["values"]["common_name"] == "Waste acetone"
    assert "Use: Acetone 100%" in " ".join(chat.buttons)  # the library's chemical offered as its component
    chat.say(chat.payload("Use: Acetone"))
    assert "state waste code" in chat.text
    chat.say("212")
    chat.say("about 200 gallons")
    chat.say("save", "affirm")
    (row,) = items(db)
    assert (row.hm_type, row.chemical_id, row.state_waste_code, row.annual_waste_amount) == ("c", None, "212", 200)
    assert [(c.name, c.percent) for c in row.components] == [("Acetone", 100)]
