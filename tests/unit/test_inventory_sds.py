"""A new material filled from its Safety Data Sheet through the inventory engine: the upload offer under the
questions an SDS answers, the reading kept by the upload and applied on the chat page's notice, the card marking
what came from the SDS, and the saved row with its components and hazard categories. Also a scan, a reading
that never came, and a library material that the SDS does not overwrite."""
from __future__ import annotations

from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.inventory.conversation import from_sds
from bot.models import Facility
from bot.sds import UPLOADED_SDS, is_sds_notice
from bot.sds.extract import read_sds
from bot.routing import digression
from tests import sds_layouts
from tests.unit.test_inventory_dialogue import Chat, chat, finish_optional, items  # noqa: F401 - fixtures
from tests.unit.test_inventory_service import chem, count, library, setup  # noqa: F401 - fixtures


def _upload(db: Session, c: Chat, pdf: bytes) -> None:
    """What POST /api/inventory/sds does after its checks: the reading kept for this filer at this facility."""
    from_sds.keep_reading(db, c.facility_id, c.actor.subject_user_id, read_sds(pdf), "sds.pdf")
    db.commit()


def _widgets(c: Chat) -> list[dict]:
    return [m.custom for m in c.last.messages if m.custom and m.custom.get("form") == "upload_sds"]


def test_an_unknown_product_is_filled_from_its_sds_checked_on_the_card_and_saved(db: Session, chat: Chat,  # noqa: F811
                                                                                 setup: tuple[Actor, Facility]) -> None:  # noqa: F811
    chat.say("we also have BrightSol 200 in the paint room", "add_chemical")
    assert chat.pending["kind"] == "new"
    widget = _widgets(chat)
    assert widget and widget[0]["facility"] == setup[1].cers_id  # offered under "solid, liquid or gas?"
    _upload(db, chat, sds_layouts.big_chemical())
    chat.say(UPLOADED_SDS)
    text = chat.text
    assert "I read the Safety Data Sheet of BrightSol 200 Industrial Solvent" in text
    assert "Toluene 60% (108-88-3)" in text and "Fire, Acute health" in text
    assert not _widgets(chat)  # not offered again once filled
    # the highest ends (60 + 30 + 10 + 5) pass 100%: the filer is asked, with the middles of the ranges offered
    assert "add up to 105%" in text and "Use: Toluene 45%" in chat.buttons[0]
    chat.say(chat.payload("Use:"))
    assert "most BrightSol 200 Industrial Solvent" in chat.text  # then the amount: nothing else asked
    chat.say("two 55 gallon drums")
    finish_optional(chat)
    card = next(m.custom for m in chat.last.messages if m.custom and m.custom.get("card"))
    fields = card["fields"]
    assert fields["Physical state"] == "liquid (from your SDS: please check)"
    assert fields["Type"] == "mixture (from your SDS: please check)"
    assert fields["Hazard categories"] == "Fire, Acute health (from your SDS: please check)"
    assert fields["Components"].startswith("Toluene 45% (108-88-3), Acetone 20% (67-64-1)")
    assert "from your SDS" not in fields["Components"]  # the filer chose these percents: theirs now
    assert "Save confirms them" in chat.text
    chat.say("save")
    assert "Saved" in chat.text, chat.text
    [item] = items(db)
    assert item.common_name == "BrightSol 200 Industrial Solvent" and item.hm_type == "b" and item.physical_state == "b"
    assert (item.fhc_fire, item.fhc_reactive, item.fhc_pressure_release, item.fhc_acute_health,
            item.fhc_chronic_health) == (True, False, False, True, False)
    assert "FHCPhysicalFlammable" in item.ghs_hazards and item.cas_number is None
    assert [(c.name, c.cas, c.percent) for c in item.components] == [
        ("Toluene", "108-88-3", 45), ("Acetone", "67-64-1", 20), ("Xylene", "1330-20-7", 7.5),
        ("Ethylbenzene", "100-41-4", 3)]


def test_a_single_substance_becomes_a_pure_chemical_with_its_cas(db: Session, chat: Chat) -> None:  # noqa: F811
    chat.say("Acetone ACS Reagent from Valley Scientific, 4 one-gallon bottles in the lab", "add_chemical")
    if chat.pending.get("kind") != "new":  # the library knows acetone: start from an unknown name instead
        chat.say("cancel")
        chat.say("Zorbex reagent 7, 4 one-gallon bottles in the lab", "add_chemical")
    _upload(db, chat, sds_layouts.acetone())
    chat.say(UPLOADED_SDS)
    assert chat.pending["values"]["hm_type"] == "a" and chat.pending["values"]["cas_number"] == "67-64-1"
    assert chat.pending["components"] == []


def test_a_trade_secret_percent_is_left_for_the_filer_and_asked(db: Session, chat: Chat) -> None:  # noqa: F811
    chat.say("Heavy duty degreaser concentrate from Golden State, 30 gallons in the wash bay", "add_chemical")
    if chat.pending.get("kind") != "new":
        chat.say("none of these")
    _upload(db, chat, sds_layouts.janitorial())
    chat.say(UPLOADED_SDS)
    assert "withheld as a trade secret" in chat.text
    assert "hazardous components" in chat.text or "has these components" in chat.text  # asked, not guessed
    secret = chat.pending["components"][-1]
    assert secret["name"] == "Surfactant blend" and secret["percent"] is None


def test_a_scan_changes_nothing_and_the_questions_go_on(db: Session, chat: Chat) -> None:  # noqa: F811
    chat.say("we have Glimmex polish in the shop", "add_chemical")
    chat.say("liquid")
    before = dict(chat.pending["values"])
    _upload(db, chat, sds_layouts.scanned())
    chat.say(UPLOADED_SDS)
    assert "no text I can read" in chat.text and "CAS number" in chat.text
    assert chat.pending["values"] == before


def test_a_notice_without_an_upload_says_so(chat: Chat) -> None:  # noqa: F811
    chat.say("we have Glimmex polish in the shop", "add_chemical")
    chat.say(UPLOADED_SDS)
    assert "don't have a Safety Data Sheet from you yet" in chat.text and chat.pending["kind"] == "new"


def test_the_notice_is_an_answer_for_the_step_never_a_digression() -> None:
    assert is_sds_notice("I uploaded the Safety Data Sheet.") and is_sds_notice("i uploaded the SDS")
    assert digression(UPLOADED_SDS, "upload_document", 0.99) is None


def test_the_upload_is_offered_once_and_again_when_the_filer_asks(chat: Chat) -> None:  # noqa: F811
    chat.say("we have Glimmex polish in the shop", "add_chemical")
    assert _widgets(chat)
    chat.say("liquid")
    assert "CAS number" in chat.text and not _widgets(chat)  # answering one by one: not offered under each question
    chat.say("can I upload the SDS instead?")
    assert _widgets(chat) and "Choose its Safety Data Sheet" in chat.text


def test_an_sds_offered_before_any_material_asks_which_material_first(chat: Chat) -> None:  # noqa: F811
    chat.say("can I upload the safety data sheet", "upload_inventory")
    assert "Tell me the product's name first" in chat.text and not _widgets(chat)
    assert chat.pending is None


def test_hydrogen_chloride_in_an_acid_solution_read_from_its_sds_is_not_an_ehs(db: Session, chat: Chat) -> None:  # noqa: F811
    """The EHS listing of hydrogen chloride is the gas only: the component of a 31.45% muriatic acid is not an EHS
    (the same listing check as a line's and a typed component's)."""
    chat.say("Sunset pool acid, 2 one-gallon jugs in the pump room", "add_chemical")
    if chat.pending.get("kind") != "new":
        chat.say("none of these")
    _upload(db, chat, sds_layouts.osha_174())
    chat.say(UPLOADED_SDS)
    comps = {c["cas"]: c for c in chat.pending["components"]}
    assert comps["7647-01-0"]["percent"] == 31.45 and comps["7647-01-0"]["ehs"] is False, chat.text
    assert not chat.pending["values"].get("ehs")
