"""Submit and status in the conversation (bot.submittals.chat), on SQLite and PostgreSQL: "submit my filing" lists
what blocks with a button to where each is fixed (advice apart); a complete filing gets its summary and the
certification question naming the signer; "yes" submits once (Submitted, the Lead Users emailed), "no" submits
nothing, a yes that is not an answer to that question submits nothing; "what's the status?" says status, who,
when and what is next; "what do I need to fix?" lists the findings; Not Accepted reasons and due date when the
review gives them; no role, nothing read."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.errors import PermissionDenied
from bot.knowledge.not_built import NOT_BUILT_INTENTS, not_built_reply
from bot.models import OutboxEmail, OwnerOperator, Submittal
from bot.submittals import chat, service
from tests.unit.test_submit import World, fill


@pytest.fixture
def world(db: Session) -> World:
    return World(db)


def _payloads(turn: Any) -> list[str]:
    return [b.payload for m in turn.messages for b in m.buttons]


def _status(db: Session, fid: int) -> list[str]:
    return [s.status for s in db.execute(select(Submittal).where(Submittal.facility_id == fid)).scalars()]


def test_submit_and_status_are_no_longer_not_yet() -> None:
    assert "submit_filing" not in NOT_BUILT_INTENTS and "check_status" not in NOT_BUILT_INTENTS
    assert not_built_reply("submit_filing") is None and not_built_reply("check_status") is None


def test_submit_lists_what_blocks_with_a_button_to_each_place_and_writes_nothing(db: Session, world: World) -> None:
    fill(db, world)
    row = db.execute(select(OwnerOperator)).scalar_one()
    row.pec_24hr_phone = None
    db.commit()
    from bot.documents import service as documents

    draft = db.execute(select(Submittal)).scalar_one()
    for d in documents.current_documents(db, world.actor, world.fid).values():
        if d is not None and d.element == "site_map":
            d.replaced_at = draft.created_at
    db.commit()

    turn = chat.reply(db, world.actor, world.fid, "submit_filing", "submit my filing to the county")
    text = turn.text
    assert "can't be submitted yet: 2 things to fix" in text
    assert "24-hour" in text and "Site Map is missing" in text
    payloads = _payloads(turn)
    assert "/continue_filing" in payloads  # the emergency phone: Facility Information
    assert '/upload_document{"document_element":"site_map"}' in payloads
    assert chat.YES_PAYLOAD not in payloads and turn.state.get("awaiting") is None
    assert _status(db, world.fid) == ["Draft"]


def test_inventory_findings_lead_to_the_inventory(db: Session, world: World) -> None:
    fill(db, world)
    from bot.inventory import service as inventory

    for item in inventory.list_items(db, world.actor, world.fid):
        inventory.remove_item(db, world.actor, world.fid, item.id)
    db.commit()
    turn = chat.start(db, world.actor, world.fid)
    assert "inventory is empty" in turn.text and "/start_inventory" in _payloads(turn)


def test_a_complete_filing_gets_its_summary_and_the_certification_question(db: Session, world: World) -> None:
    fill(db, world)
    turn = chat.start(db, world.actor, world.fid)
    text = turn.text
    assert "Valley Paint Shop's filing (CERS ID 10000088" in text
    assert "Inventory: 1 material" in text and "Acetone" in text
    assert "Site Map" in text and "Employee Training Plan" in text
    assert "Do you certify, as Maria Lopez, Owner" in text and "true, accurate and complete" in text
    assert "/submit?facility=10000088" in text
    assert _payloads(turn)[-2:] == [chat.YES_PAYLOAD, chat.NO_PAYLOAD]
    assert turn.state == {"awaiting": chat.AWAITING, "facility": "10000088"}
    assert _status(db, world.fid) == ["Draft"]


def test_yes_submits_once_and_emails_the_lead_users(db: Session, world: World) -> None:
    fill(db, world)
    chat.start(db, world.actor, world.fid)
    turn = chat.reply(db, world.actor, world.fid, "submit_filing", "", answer="yes", confirming=True)
    db.commit()
    assert turn.text.startswith("Submitted on ")
    assert "confirmation email went to the Lead Users (" in turn.text and "Maria Lopez" in turn.text
    assert _status(db, world.fid) == ["Submitted"]
    mails = db.execute(select(OutboxEmail)).scalars().all()
    assert sorted(m.to_address for m in mails) == ["lead@example.com", "second@example.com"]
    # a second "submit" (and a second yes) does nothing twice
    again = chat.reply(db, world.actor, world.fid, "submit_filing", "submit my filing")
    assert "already submitted on" in again.text and again.state.get("awaiting") is None
    twice = chat.reply(db, world.actor, world.fid, "submit_filing", "", answer="yes", confirming=True)
    db.commit()
    assert "already submitted" in twice.text
    assert len(db.execute(select(OutboxEmail)).scalars().all()) == 2


def test_no_or_a_stale_yes_submits_nothing(db: Session, world: World) -> None:
    fill(db, world)
    no = chat.reply(db, world.actor, world.fid, "submit_filing", "", answer="no", confirming=True)
    assert "nothing was submitted" in no.text
    stale = chat.reply(db, world.actor, world.fid, "submit_filing", "", answer="yes", confirming=False)
    assert "Do you certify" in stale.text  # asked again, not submitted
    db.commit()
    assert _status(db, world.fid) == ["Draft"]


def test_status_says_who_when_and_what_is_next(db: Session, world: World) -> None:
    empty = chat.status_turn(db, world.actor, world.fid, "whats the status of my filing")
    assert "Nothing is filed" in empty.text and "/continue_filing" in _payloads(empty)
    fill(db, world)
    draft = chat.status_turn(db, world.actor, world.fid, "whats the status of my filing")
    assert "Status: Draft, started by Maria Lopez" in draft.text and "/submit_filing" in _payloads(draft)
    service.submit(db, world.actor, world.fid, certified=True)
    db.commit()
    sent = chat.status_turn(db, world.actor, world.fid, "status?")
    assert "Status: Submitted, submitted by Maria Lopez on " in sent.text and "Accepted or Not Accepted" in sent.text
    fix = chat.status_turn(db, world.actor, world.fid, "what do i need to fix?")
    assert "Nothing to fix for now" in fix.text


def test_what_do_i_need_to_fix_lists_a_drafts_findings(db: Session, world: World) -> None:
    fill(db, world)
    row = db.execute(select(OwnerOperator)).scalar_one()
    row.identification_signer_title = None
    db.commit()
    short = chat.status_turn(db, world.actor, world.fid, "status")
    assert "1 thing to fix" in short.text and chat.FIX_PAYLOAD in _payloads(short)
    turn = chat.reply(db, world.actor, world.fid, "check_status", "", detail="fix")
    assert "To fix before it can be submitted:" in turn.text and "signer's title" in turn.text
    assert "/continue_filing" in _payloads(turn)
    assert chat.asks_what_to_fix("what do I need to fix?") and chat.asks_what_to_fix("why was it not accepted")
    assert not chat.asks_what_to_fix("whats the status of my filing")


def test_not_accepted_reasons_and_due_date_with_a_button_to_each_element(db: Session) -> None:
    from bot.inventory import service as inventory
    from tests.unit.test_review import ACETONE, ALL_ACCEPTED, decide_all
    from tests.unit.test_review import World as ReviewWorld

    w = ReviewWorld(db)
    filing_id = w.submit(db, w.fid)
    decisions = dict(ALL_ACCEPTED)
    decisions["inventory"] = (False, ["inv_ehs_pounds"], "Chlorine is listed in gallons.")
    decisions["site_map"] = (False, ["map_north_arrow"], "")
    decisions["owner_operator"] = (False, ["other"], "The owner's phone is disconnected.")
    decide_all(db, w, filing_id, decisions)
    due = db.get(Submittal, filing_id).due_date
    day = f"{due:%B} {due.day}, {due:%Y}"

    turn = chat.status_turn(db, w.actor, w.fid, "whats the status of my filing")
    text = turn.text
    assert "Status: Not Accepted, submitted by Maria Lopez on" in text and "Not accepted by Dana Whitfield" in text
    assert "not reported in pounds" in text and "Inspector's note: Chlorine is listed in gallons." in text
    assert "no north arrow" in text and "The owner's phone is disconnected." in text
    assert f"The corrections are due by {day}." in text and "change the emergency phone" in text
    assert text.count("not reported in pounds") == 1  # said once, not again in the status line
    assert _payloads(turn) == ["/list_chemicals", '/upload_document{"document_element":"site_map"}']

    # the filer starts fixing: the Draft copied from it still lists them, with what blocks its submit
    inventory.add_item(db, w.actor, w.fid, dict(ACETONE, common_name="Toluene"))
    db.commit()
    turn = chat.status_turn(db, w.actor, w.fid, "status")
    assert "Status: Draft" in turn.text and "corrections to the filing the inspector did not accept" in turn.text
    assert f"due by {day}" in turn.text and "/submit_filing" in _payloads(turn)


@dataclass(frozen=True)
class _Reviewed:  # a status with reasons as plain strings and dicts
    status: str
    who: str
    when: datetime
    message: str
    reasons: tuple[Any, ...]
    due_date: date


def test_reasons_of_other_shapes_are_read_too(db: Session, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    reviewed = _Reviewed("Not Accepted", "Maria Lopez", datetime(2026, 12, 1, tzinfo=timezone.utc), "unused",
                         ({"element": "inventory", "reason": "Acetone: the maximum amount is missing"},
                          "Site map: no north arrow",
                          {"element": "site_map", "reason": "No north arrow"}), date(2026, 12, 31))
    monkeypatch.setattr(service, "status", lambda db, actor, fid: reviewed)
    turn = chat.status_turn(db, world.actor, world.fid, "what do I need to fix?")
    text = turn.text
    assert "Status: Not Accepted, submitted by Maria Lopez on December 1, 2026." in text
    assert "due by December 31, 2026" in text
    assert "1. Inventory: Acetone: the maximum amount is missing" in text and "2. Site map: no north arrow" in text
    assert _payloads(turn) == ["/list_chemicals", '/upload_document{"document_element":"site_map"}']


def test_no_role_no_submit_no_status(db: Session, world: World) -> None:
    fill(db, world)
    stranger = Actor(user_id=world.stranger.id)
    for call in (lambda: chat.start(db, stranger, world.fid),
                 lambda: chat.confirm(db, stranger, world.fid, True),
                 lambda: chat.status_turn(db, stranger, world.fid)):
        with pytest.raises(PermissionDenied):
            call()
    db.rollback()
    assert _status(db, world.fid) == ["Draft"]


def test_nothing_to_submit_yet(db: Session, world: World) -> None:
    turn = chat.start(db, world.actor, world.fid)
    assert "nothing to submit yet" in turn.text.lower() and "/continue_filing" in _payloads(turn)


def test_the_day_is_written_in_words() -> None:
    assert chat._day(datetime(2026, 3, 1, 12, tzinfo=timezone.utc)) == "March 1, 2026"
    assert chat._day(date(2026, 12, 31)) == "December 31, 2026"


def test_next_years_filing_waits_for_the_accepted_filing(db: Session, world: World) -> None:
    fill(db, world)
    service.submit(db, world.actor, world.fid, certified=True)
    db.commit()
    turn = chat.start(db, world.actor, world.fid, "nothing changed since last year, do the annual certification")
    assert "starts from an accepted filing" in turn.text and "inspector's decision" in turn.text
    assert not_built_reply("next_year_filing") is None  # tests/unit/test_annual.py: the walk itself
    assert chat.asks_next_year("same as last year, recertify") and not chat.asks_next_year("submit my filing")


def test_inside_a_step_submit_and_status_are_digressions() -> None:
    from bot.routing import digression

    assert digression("submit my filing to the county", "submit_filing", 0.9) == "submit_filing"
    assert digression("whats the status of my filing", "check_status", 0.9) == "check_status"
    assert digression("submit", "submit_filing", 0.9) is None  # one word: the step's engine reads it
