"""Next year's filing on SQLite and PostgreSQL: "file this year's plan" starts a Draft copied from the last Accepted
filing (or says what to do first), every element must be confirmed or changed before submit — also when nothing
changed, with the certification signed again — and AB 1429 is applied to the filer's own answers: who may submit the
full plan every three years, and which changes must be reported within 30 days. In the chat: element by element
with "No change" / "Change it", then the advice and the certification question; yes submits."""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import PermissionDenied, ValidationError
from bot.facility_info import service as fi
from bot.inventory import service as inventory
from bot.knowledge.not_built import NOT_BUILT_INTENTS
from bot.models import InventoryItem, OwnerOperator, Submittal
from bot.submittals import annual, annual_chat, chat, precheck as pc
from bot.submittals import service as submittals
from bot.timeutil import utcnow
from tests.unit.conftest import audit_rows
from tests.unit.test_review import ALL_ACCEPTED, World, decide_all
from tests.unit.test_submit import ACETONE, fill

NEXT_YEAR = date(2027, 2, 1)


@pytest.fixture
def world(db: Session) -> World:
    return World(db)


def accepted(db: Session, w: World) -> int:
    filing_id = w.submit(db, w.fid)
    decide_all(db, w, filing_id, ALL_ACCEPTED)
    return filing_id


def draft(db: Session, fid: int) -> Submittal:
    return db.execute(select(Submittal).where(Submittal.facility_id == fid, Submittal.status == "Draft")).scalar_one()


def confirm_all(db: Session, w: World) -> None:
    for element in annual.ELEMENT_KEYS:
        annual.confirm_element(db, w.actor, w.fid, element)
    db.commit()


def _payloads(turn: Any) -> list[str]:
    return [b.payload for m in turn.messages for b in m.buttons]


# ---- starting this year's filing -----------------------------------------------------------------------------------
def test_this_years_draft_is_a_copy_of_the_accepted_filing(db: Session, world: World) -> None:
    first = accepted(db, world)
    started = annual.start_annual(db, world.actor, world.fid, NEXT_YEAR)
    db.commit()
    assert started.started and started.created and "2027 filing" in started.message
    new = draft(db, world.fid)
    assert new.id == started.submittal_id and new.parent_submittal_id == first and new.year == 2027
    assert annual.is_annual(db, new) and annual.unconfirmed(new) == list(annual.ELEMENT_KEYS)
    assert [i.common_name for i in inventory.list_items(db, world.actor, world.fid)] == ["Acetone"]
    assert db.get(Submittal, first).status == "Accepted"  # the accepted filing itself is never changed
    assert audit_rows(db, "submittal.annual_start")[0].entity_id == str(new.id)

    again = annual.start_annual(db, world.actor, world.fid, NEXT_YEAR)
    assert again.started and not again.created and again.submittal_id == new.id
    assert "already started" in again.message and "7 of 7 parts still to confirm" in again.message
    assert len(db.execute(select(Submittal).where(Submittal.facility_id == world.fid)).all()) == 2


def test_without_an_accepted_filing_it_says_what_to_do_first(db: Session, world: World) -> None:
    none = annual.start_annual(db, world.actor, world.fid, NEXT_YEAR)
    assert not none.started and none.blocker == "no_filing" and "first full filing" in none.message
    fill(db, SimpleWorld(world))
    first_draft = annual.start_annual(db, world.actor, world.fid, NEXT_YEAR)
    assert first_draft.blocker == "draft_open" and "submit it first" in first_draft.message
    filing_id = submittals.submit(db, world.actor, world.fid, certified=True).submittal_id
    db.commit()
    waiting = annual.start_annual(db, world.actor, world.fid, NEXT_YEAR)
    assert waiting.blocker == "in_review" and "inspector's decision" in waiting.message
    decide_all(db, world, filing_id, dict(ALL_ACCEPTED, inventory=(False, ["inv_average_over_max"], "")))
    assert db.get(Submittal, filing_id).status == "Not Accepted"
    sent_back = annual.start_annual(db, world.actor, world.fid, NEXT_YEAR)
    assert sent_back.blocker == "not_accepted" and "what do I need to fix" in sent_back.message
    assert db.execute(select(Submittal).where(Submittal.status == "Draft")).first() is None


class SimpleWorld:
    def __init__(self, w: World) -> None:
        self.actor, self.fid = w.actor, w.fid


def test_every_element_must_be_confirmed_before_submit(db: Session, world: World) -> None:
    accepted(db, world)
    annual.start_annual(db, world.actor, world.fid, NEXT_YEAR)
    db.commit()
    findings = pc.precheck(db, world.actor, world.fid)
    [finding] = [f for f in findings if f.check == "annual_confirmations"]
    assert finding.blocking and finding.step == "annual" and finding.element == "business_activities"
    assert "Site Map" in finding.message and "Certification" in finding.message
    with pytest.raises(submittals.SubmitBlocked):
        submittals.submit(db, world.actor, world.fid, certified=True)
    db.rollback()
    for element in annual.ELEMENT_KEYS[:-1]:
        annual.confirm_element(db, world.actor, world.fid, element)
    db.commit()
    [finding] = [f for f in pc.precheck(db, world.actor, world.fid) if f.check == "annual_confirmations"]
    assert finding.element == "certification" and "Not confirmed yet: Certification." in finding.message
    assert draft(db, world.fid).status == "Draft"


def test_nothing_changed_still_confirms_each_element_and_the_certification_then_submits(db: Session,
                                                                                        world: World) -> None:
    accepted(db, world)
    annual.start_annual(db, world.actor, world.fid, NEXT_YEAR)
    row = db.execute(select(OwnerOperator).join(Submittal, Submittal.id == OwnerOperator.submittal_id)
                     .where(Submittal.status == "Draft")).scalar_one()
    row.identification_signed_date = date(2020, 1, 2)  # last year's signature
    db.commit()
    confirm_all(db, world)
    assert annual.unconfirmed(draft(db, world.fid)) == []
    assert row.identification_signed_date == utcnow().date()  # certified again, today
    assert not [f for f in pc.precheck(db, world.actor, world.fid) if f.check == "annual_confirmations"]
    assert len(audit_rows(db, "submittal.annual_confirm")) == len(annual.ELEMENT_KEYS)
    confirmed = draft(db, world.fid).confirmed_elements
    assert confirmed["inventory"]["by"] == world.lead.id
    result = submittals.submit(db, world.actor, world.fid, certified=True)
    db.commit()
    assert db.get(Submittal, result.submittal_id).status == "Submitted"


def test_confirming_needs_this_years_draft_and_a_role(db: Session, world: World) -> None:
    with pytest.raises(ValidationError):
        annual.confirm_element(db, world.actor, world.fid, "inventory")
    accepted(db, world)
    annual.start_annual(db, world.actor, world.fid, NEXT_YEAR)
    with pytest.raises(ValidationError):
        annual.confirm_element(db, world.actor, world.fid, "the whole thing")
    with pytest.raises(PermissionDenied):
        annual.start_annual(db, world.kern_inspecting, world.fid, NEXT_YEAR)
    with pytest.raises(PermissionDenied):
        annual.confirm_element(db, type(world.actor)(user_id=world.kern_lead.id, channel="chat"), world.fid,
                               "inventory")
    with pytest.raises(PermissionDenied):
        annual.ab1429_advice(db, type(world.actor)(user_id=world.kern_lead.id, channel="chat"), world.fid)


# ---- AB 1429 -------------------------------------------------------------------------------------------------------
def test_no_apsa_no_tier_two_and_no_change_may_file_every_three_years(db: Session, world: World) -> None:
    accepted(db, world)
    annual.start_annual(db, world.actor, world.fid, NEXT_YEAR)
    advice = annual.ab1429_advice(db, world.actor, world.fid)
    assert advice.every_three_years and advice.yearly_reasons == [] and advice.updates == []
    assert "every three years" in advice.message and "certify" in advice.message
    assert "Nothing you changed needs a report within 30 days" in advice.message


def test_apsa_tanks_or_an_ehs_mean_the_full_plan_every_year(db: Session, world: World) -> None:
    accepted(db, world)
    annual.start_annual(db, world.actor, world.fid, NEXT_YEAR)
    fi.set_business_activity(db, world.actor, world.fid, "own_or_operate_apst", True)
    db.commit()
    advice = annual.ab1429_advice(db, world.actor, world.fid)
    assert not advice.every_three_years and "aboveground petroleum" in advice.message
    assert "every year" in advice.message
    fi.set_business_activity(db, world.actor, world.fid, "own_or_operate_apst", False)
    inventory.add_item(db, world.actor, world.fid, dict(ACETONE, common_name="Sulfuric acid", cas_number="7664-93-9",
                                                        ehs=True, units="pounds", maximum_daily_amount=600,
                                                        average_daily_amount=300, largest_container=600,
                                                        location="Battery room"))
    db.commit()
    advice = annual.ab1429_advice(db, world.actor, world.fid)
    assert not advice.every_three_years and "Extremely Hazardous Substance (Sulfuric acid)" in advice.message


def test_changes_that_need_an_update_within_30_days(db: Session, world: World) -> None:
    accepted(db, world)
    annual.start_annual(db, world.actor, world.fid, NEXT_YEAR)
    fi.set_owner_operator_field(db, world.actor, world.fid, "business_name", "Valley Paint & Body")
    fi.set_owner_operator_field(db, world.actor, world.fid, "owner_name", "New Owner LLC")
    fi.set_owner_operator_field(db, world.actor, world.fid, "mailing_address", "9 New St")
    acetone = db.execute(select(InventoryItem).where(InventoryItem.submittal_id == draft(db, world.fid).id)
                         ).scalar_one()
    inventory.update_item(db, world.actor, world.fid, acetone.id, {"maximum_daily_amount": 110,
                                                                   "largest_container": 55})
    inventory.add_item(db, world.actor, world.fid, dict(ACETONE, common_name="Toluene", location="Back shop"))
    db.commit()
    updates = annual.ab1429_advice(db, world.actor, world.fid).updates
    kinds = [u.split(":")[0] for u in updates]
    assert kinds == ["a new business name", "a new owner (ownership change)", "a new address",
                     "a quantity at least doubled", "a new hazardous material at or above the reporting amount"]
    assert "Acetone from 55 to 110" in updates[3] and updates[4].endswith("Toluene")
    message = annual.ab1429_advice(db, world.actor, world.fid).message
    assert "must be reported within 30 days" in message and "Valley Paint & Body" in message


def test_a_smaller_increase_or_a_material_below_the_threshold_needs_no_update(db: Session, world: World) -> None:
    accepted(db, world)
    annual.start_annual(db, world.actor, world.fid, NEXT_YEAR)
    acetone = db.execute(select(InventoryItem).where(InventoryItem.submittal_id == draft(db, world.fid).id)
                         ).scalar_one()
    inventory.update_item(db, world.actor, world.fid, acetone.id, {"maximum_daily_amount": 100})
    inventory.add_item(db, world.actor, world.fid, dict(ACETONE, common_name="Toluene", maximum_daily_amount=5,
                                                        average_daily_amount=5, largest_container=5))
    db.commit()
    assert annual.ab1429_advice(db, world.actor, world.fid).updates == []


# ---- in the chat ---------------------------------------------------------------------------------------------------
def test_next_years_filing_is_no_longer_not_yet() -> None:
    assert "next_year_filing" not in NOT_BUILT_INTENTS


def test_the_chat_walks_each_element_then_advises_and_asks_to_certify(db: Session, world: World) -> None:
    accepted(db, world)
    turn = chat.reply(db, world.actor, world.fid, "submit_filing", "file this year's plan")
    db.commit()
    assert "as a copy of the accepted one" in turn.text and "1 of 7. Business Activities" in turn.text
    assert _payloads(turn) == [annual_chat.keep_payload("business_activities"), "/continue_filing"]
    assert [b.title for m in turn.messages for b in m.buttons] == ["No change", "Change it"]
    # "submit" in the middle: the unconfirmed parts block it, with a button back to the walk
    blocked = chat.reply(db, world.actor, world.fid, "submit_filing", "submit my filing")
    assert "confirm or change each part" in blocked.text and annual_chat.WALK_PAYLOAD in _payloads(blocked)
    texts = []
    for element in annual.ELEMENT_KEYS:
        turn = chat.reply(db, world.actor, world.fid, "submit_filing", "", answer=f"keep:{element}")
        db.commit()
        texts.append(turn.text)
    assert "Acetone" in texts[1] and "3 of 7. Hazardous Materials Inventory" in texts[1]
    last = texts[-1]
    assert "Certification: confirmed for this year" in last and "every three years" in last
    assert "Do you certify, as Maria Lopez, Owner" in last
    assert turn.state.get("awaiting") == chat.AWAITING
    done = chat.reply(db, world.actor, world.fid, "submit_filing", "", answer="yes", confirming=True)
    db.commit()
    assert "Submitted on" in done.text
    assert [s.status for s in db.execute(select(Submittal).where(Submittal.facility_id == world.fid)
                                         .order_by(Submittal.id)).scalars()] == ["Accepted", "Submitted"]


def test_change_it_goes_to_the_step_and_the_walk_resumes_there(db: Session, world: World) -> None:
    accepted(db, world)
    chat.reply(db, world.actor, world.fid, "submit_filing", "nothing changed this year")
    for element in ("business_activities", "owner_operator"):
        turn = chat.reply(db, world.actor, world.fid, "submit_filing", "", answer=f"keep:{element}")
    db.commit()
    assert "3 of 7. Hazardous Materials Inventory" in turn.text and "/list_chemicals" in _payloads(turn)
    turn = chat.reply(db, world.actor, world.fid, "submit_filing", "", answer=f"keep:inventory")
    assert "Site Map" in turn.text and any(p.startswith("/upload_document") for p in _payloads(turn))
    again = chat.reply(db, world.actor, world.fid, "submit_filing", "file this year's plan")
    assert "let's continue: 4 of 7 parts still to confirm" in again.text and "4 of 7. Site Map" in again.text


def test_the_chat_says_what_to_do_when_there_is_nothing_accepted(db: Session, world: World) -> None:
    fill(db, SimpleWorld(world))
    submittals.submit(db, world.actor, world.fid, certified=True)
    db.commit()
    turn = chat.start(db, world.actor, world.fid, "nothing changed since last year, do the annual certification")
    assert "inspector's decision" in turn.text and _payloads(turn) == [chat.payload(chat.STATUS_INTENT)]


def test_asked_before_anything_was_filed_the_first_filing_comes_first(db: Session, world: World) -> None:
    turn = chat.start(db, world.actor, world.fid, "I'm here to do the annual filing")
    assert "no filing yet" in turn.text and _payloads(turn) == ["/continue_filing"]
    assert db.execute(select(Submittal)).first() is None
