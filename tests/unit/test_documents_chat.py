"""Documents in the conversation (bot.documents.chat), on SQLite and PostgreSQL: "upload my site map" says what a
site map must show and offers the upload widget; the training plan also "provided elsewhere in CERS"; after an
upload the assistant says what is on file and what is next; the "where am I?" checklist counts the documents
and leads to them; the inventory step offers the same instead of a "not yet"."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.documents import chat, service
from bot.documents.advice import SITE_MAP_CHECKLIST
from bot.errors import PermissionDenied
from bot.facility_info import service as filing
from bot.knowledge.not_built import NOT_BUILT_INTENTS, not_built_reply
from bot.models import Document, Facility, FacilityRole, User
from bot.timeutil import utcnow
from tests.pdfs import SITE_MAP_LINES, text_pdf


@pytest.fixture
def world(db: Session) -> tuple[Actor, Actor, int]:
    """(a Lead User of the facility, a user without a role on it, the facility id)."""
    users = []
    for email in ("lead@example.com", "stranger@example.com"):
        user = User(email=email, full_name="Maria Lopez", phone="(559) 555-0100", status="active",
                    is_inspector=False, is_staff=False, failed_logins=0, created_at=utcnow())
        db.add(user)
        users.append(user)
    facility = Facility(cers_id="10000042", name="Valley Auto Repair", street="1234 W Shaw Ave",
                        street_number="1234", city="Fresno", zip="93711", created_at=utcnow())
    db.add(facility)
    db.flush()
    db.add(FacilityRole(user_id=users[0].id, facility_id=facility.id, role="lead", granted_at=utcnow()))
    db.commit()
    return Actor(user_id=users[0].id), Actor(user_id=users[1].id), facility.id


def _widgets(turn):  # type: ignore[no-untyped-def]
    return [m.custom for m in turn.messages if m.custom]


def _payloads(turn) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.payload for m in turn.messages for b in m.buttons]


@pytest.mark.parametrize("text, element", [
    ("upload my site map", "site_map"),
    ("i drew a map of the shop, where does it go", "site_map"),
    ("here's our floor plan", "site_map"),
    ("attach the emergency response plan", "emergency_response_plan"),
    ("our contingency plan is ready", "emergency_response_plan"),
    ("upload the employee training plan", "employee_training_plan"),
    ("the training plan is part of the contingency plan", "employee_training_plan"),
    ("upload a document", None),
])
def test_the_document_a_sentence_names(text: str, element: str) -> None:
    assert chat.element_named(text) == element


def test_the_widget_sentences_and_provided_elsewhere_are_recognised() -> None:
    assert chat.upload_notice("I uploaded my site map") == "site_map"
    assert chat.upload_notice("I uploaded my emergency response plan.") == "emergency_response_plan"
    assert chat.upload_notice("i uploaded my training plan") == "employee_training_plan"
    assert chat.upload_notice("I uploaded my site map yesterday, is it ok?") is None
    assert chat.says_provided_elsewhere("our training plan is provided elsewhere in CERS")
    assert chat.says_provided_elsewhere("it's in the emergency response plan")
    assert not chat.says_provided_elsewhere("upload my training plan")
    assert json.loads(chat.payload("site_map")[len("/upload_document"):]) == {"document_element": "site_map"}


def test_upload_my_site_map_says_what_it_must_show_then_offers_the_widget(
        db: Session, world: tuple[Actor, Actor, int]) -> None:
    lead, _, facility_id = world
    turn = chat.reply(db, lead, facility_id, "upload my site map")
    text = turn.text
    assert SITE_MAP_CHECKLIST.split("\n", 1)[0] in text and "a north arrow" in text
    assert "http://127.0.0.1:8000/documents/site-map-checklist" in text
    assert text.index("north arrow") < text.index("Choose the PDF below")  # the checklist before the upload
    assert _widgets(turn) == [{"form": "upload_document", "facility": "10000042", "element": "site_map",
                               "label": "Site Map", "max_mb": 25}]
    assert not _payloads(turn)  # no "provided elsewhere" for a site map


def test_the_training_plan_can_be_provided_elsewhere(db: Session, world: tuple[Actor, Actor, int]) -> None:
    lead, _, facility_id = world
    offer = chat.reply(db, lead, facility_id, "upload the training plan")
    assert _widgets(offer)[0]["element"] == "employee_training_plan"
    elsewhere = chat.payload("employee_training_plan", chat.PROVIDED_ELSEWHERE)
    assert elsewhere in _payloads(offer) and "provided elsewhere in CERS" in offer.text
    turn = chat.reply(db, lead, facility_id, "", "employee_training_plan", chat.PROVIDED_ELSEWHERE)
    db.commit()
    row = db.execute(select(Document)).scalar_one()
    assert row.provided_elsewhere and row.element == "employee_training_plan"
    assert "Noted" in turn.text and "Next: the Site Map" in turn.text
    assert chat.payload("site_map") in _payloads(turn)
    # a plan that must be a PDF is not "provided elsewhere": the widget is offered instead
    turn = chat.reply(db, lead, facility_id, "the emergency plan is provided elsewhere")
    assert _widgets(turn)[0]["element"] == "emergency_response_plan"


def test_a_plan_with_nothing_on_file_comes_with_a_link_to_its_draft(
        db: Session, world: tuple[Actor, Actor, int]) -> None:
    lead, _, facility_id = world
    for text, slug in (("upload the emergency response plan", "emergency-response-plan"),
                       ("upload the training plan", "training-plan")):
        turn = chat.reply(db, lead, facility_id, text)
        assert chat.DRAFT_OFFER in turn.text
        assert f"http://127.0.0.1:8000/documents/draft/{slug}?facility=10000042" in turn.text
        assert turn.text.index(chat.DRAFT_OFFER) < turn.text.index("Choose the PDF below")
    assert chat.DRAFT_OFFER not in chat.reply(db, lead, facility_id, "upload my site map").text
    service.upload(db, lead, facility_id, "emergency_response_plan", "plan.pdf", text_pdf(["Call 911"]))
    db.commit()
    assert chat.DRAFT_OFFER not in chat.reply(db, lead, facility_id, "upload the emergency response plan").text
    # asked for in words, the draft comes first even with a plan on file
    turn = chat.reply(db, lead, facility_id, "can you draft the emergency plan for me")
    assert turn.messages[0].text.startswith("Here is a draft of your Emergency Response")
    assert "/documents/draft/emergency-response-plan?facility=10000042" in turn.messages[0].text
    assert _widgets(turn)[0]["element"] == "emergency_response_plan"


@pytest.mark.parametrize("text, wants", [
    ("we don't have a training plan", True), ("is there a template for the contingency plan", True),
    ("we have no written emergency plan", True), ("can you make one for us", True),
    ("upload the training plan", False), ("our consultant made the contingency plan, can i upload it", False),
    ("i have the employee training plan ready", False),
])
def test_asking_for_a_draft_in_words(text: str, wants: bool) -> None:
    assert chat.asks_for_draft(text) is wants


def test_no_document_named_asks_which_with_each_status(db: Session, world: tuple[Actor, Actor, int]) -> None:
    lead, _, facility_id = world
    turn = chat.reply(db, lead, facility_id, "I want to upload a document")
    assert not _widgets(turn) and "Which document" in turn.text
    assert _payloads(turn) == [chat.payload(e) for e in service.ELEMENTS]
    assert "(not uploaded yet)" in turn.messages[0].buttons[0].title


def test_after_the_upload_it_reports_what_is_on_file_and_what_is_next(
        db: Session, world: tuple[Actor, Actor, int]) -> None:
    lead, _, facility_id = world
    service.upload(db, lead, facility_id, "site_map", "map.pdf", text_pdf(SITE_MAP_LINES[:3]))
    db.commit()
    turn = chat.reply(db, lead, facility_id, chat.UPLOADED_NOTICE["site_map"])
    assert "Thanks, your Site Map is on file" in turn.text and "map.pdf (1 page" in turn.text
    assert "advice, not a refusal" in turn.text  # some checklist items were not in its text
    assert "Next: the Emergency Response / Contingency Plan" in turn.text and not _widgets(turn)
    again = chat.reply(db, lead, facility_id, "upload my site map")
    assert "On file now: Uploaded: map.pdf" in again.text and _widgets(again)


def test_a_user_without_a_role_gets_nothing(db: Session, world: tuple[Actor, Actor, int]) -> None:
    _, stranger, facility_id = world
    with pytest.raises(PermissionDenied):
        chat.reply(db, stranger, facility_id, "upload my site map")
    with pytest.raises(PermissionDenied):
        chat.reply(db, stranger, facility_id, "", "employee_training_plan", chat.PROVIDED_ELSEWHERE)
    assert db.execute(select(Document)).first() is None


def test_the_checklist_counts_the_documents_and_leads_to_them(db: Session, world: tuple[Actor, Actor, int]) -> None:
    lead, _, facility_id = world
    filing.set_business_activity(db, lead, facility_id, "hm_on_site", True)
    db.commit()
    items = {i.key: i for i in filing.checklist(db, lead, facility_id)}
    assert items["site_map"].status == "not started" and "upload my site map" in items["site_map"].next_step
    assert "provided elsewhere" in items["training_plan"].next_step
    service.upload(db, lead, facility_id, "site_map", "map.pdf", text_pdf(SITE_MAP_LINES))
    service.provided_elsewhere(db, lead, facility_id)
    db.commit()
    items = {i.key: i for i in filing.checklist(db, lead, facility_id)}
    assert items["site_map"].status == "complete" and "map.pdf" in items["site_map"].reason
    assert items["training_plan"].status == "complete" and "Provided elsewhere" in items["training_plan"].reason
    assert items["emergency_response_plan"].status == "not started"
    assert chat.next_document(db, lead, facility_id) == "emergency_response_plan"


def test_documents_submit_and_status_are_no_longer_not_yet() -> None:
    assert "upload_document" not in NOT_BUILT_INTENTS and not_built_reply("upload_document") is None
    # submit and status are answered by bot.submittals.chat now (tests/unit/test_submittals_chat.py)
    assert not_built_reply("submit_filing") is None and not_built_reply("check_status") is None
