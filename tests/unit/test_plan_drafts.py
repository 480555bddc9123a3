"""Drafted plans (bot.documents.plan_drafts), on SQLite and PostgreSQL: the Emergency Response / Contingency Plan
and the Employee Training Plan come out as PDFs filled in from the facility's own filing (facility, emergency
contacts and 24-hour phones, the CUPA's and the State Warning Center's numbers, every material with where it is
stored), marked DRAFT on each page, with blanks for what the filing does not hold; a filing with nothing in it still
gives both, blanks and notes; the PDF passes the product's own upload check; only a user with a role gets one."""
from __future__ import annotations

import io
from dataclasses import replace

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.config import get_settings
from bot.documents import advice, pdf_check, plan_drafts, service
from bot.documents.plan_drafts import emergency, training
from bot.documents.plan_drafts.filing import Material
from bot.documents.plan_drafts.layout import DRAFT_MARKER
from bot.errors import PermissionDenied, ValidationError
from bot.facility_info import service as facility_info
from bot.inventory import service as inventory
from bot.models import Facility, FacilityRole
from bot.review.cupas import assign_cupas, cupa_of
from bot.timeutil import utcnow
from tests.unit.conftest import audit_rows
from tests.people import add_user

ACETONE = {"common_name": "Acetone", "physical_state": "liquid", "hm_type": "pure", "units": "gallons",
           "maximum_daily_amount": 55, "average_daily_amount": 30, "largest_container": 55, "sc_steel_drum": True,
           "location": "Paint room", "fhc_fire": True, "ghs_hazards": ["FHCPhysicalFlammable"]}
ARGON = {"common_name": "Argon", "physical_state": "gas", "hm_type": "pure", "units": "cubic feet",
         "maximum_daily_amount": 1000, "average_daily_amount": 500, "largest_container": 330, "sc_cylinder": True,
         "location": "Welding bay", "fhc_pressure_release": True, "ghs_hazards": ["FHCPhysicalGasUnderPressure"]}
ERP, TRAINING = "emergency_response_plan", "employee_training_plan"


_user = add_user  # a user straight in the database (tests.people)


@pytest.fixture
def world(db: Session) -> tuple[Actor, Actor, int]:
    """(a Lead User of a Fresno facility with its CUPA, a user without a role on it, the facility id)."""
    lead, stranger = _user(db, "lead@example.com"), _user(db, "stranger@example.com")
    facility = Facility(cers_id="10000042", name="Valley Auto Repair", street="1234 W Shaw Ave",
                        street_number="1234", city="Fresno", zip="93711", county="Fresno", created_at=utcnow())
    db.add(facility)
    db.flush()
    db.add(FacilityRole(user_id=lead.id, facility_id=facility.id, role="lead", granted_at=utcnow()))
    assign_cupas(db)
    db.commit()
    return Actor(user_id=lead.id, channel="web"), Actor(user_id=stranger.id, channel="web"), facility.id


def _fill(db: Session, actor: Actor, facility_id: int) -> None:
    for key, value in (("business_name", "Valley Auto LLC"), ("pec_name", "Maria Lopez"), ("pec_title", "Owner"),
                       ("pec_business_phone", "559-555-0101"), ("pec_24hr_phone", "559-555-0199"),
                       ("sec_name", "Ken Ito"), ("sec_24hr_phone", "559-555-0188")):
        facility_info.set_owner_operator_field(db, actor, facility_id, key, value)
    inventory.add_item(db, actor, facility_id, ACETONE)
    inventory.add_item(db, actor, facility_id, ARGON)
    db.commit()


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(pdf: bytes) -> str:
    return " ".join(_text(pdf).split())


def _every_page_is_marked(pdf: bytes) -> bool:
    return all(DRAFT_MARKER in page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_contingency_plan_is_filled_from_the_filing(db: Session, world: tuple[Actor, Actor, int]) -> None:
    lead, _, facility_id = world
    _fill(db, lead, facility_id)
    cupa = cupa_of(db, db.get(Facility, facility_id))
    draft = plan_drafts.draft_plan(db, lead, facility_id, ERP)
    db.commit()
    text = _flat(draft.content)
    assert draft.content.startswith(b"%PDF") and draft.filename == "CERSID_10000042_emergency_response_plan_DRAFT.pdf"
    assert "Emergency Response / Contingency Plan" in text and "Valley Auto Repair" in text and "10000042" in text
    assert "1234 W Shaw Ave, Fresno, CA 93711" in text and "Valley Auto LLC" in text
    assert "Maria Lopez" in text and "(559) 555-0199" in text and "Ken Ito" in text and "(559) 555-0188" in text
    assert "911" in text and "800-852-7550" in text and "800-424-8802" in text
    assert cupa is not None and cupa.phone in text and cupa.name in text
    for name, amount, location in (("Acetone", "55 gallons", "Paint room"), ("Argon", "1,000 cubic feet",
                                                                               "Welding bay")):
        assert f"{name} {amount} {location}" in text
    assert "Fire, Flammable" in text and "Pressure release, Gas under pressure" in text
    for blank in ("Assembly area", "Where everyone meets outside: ____", "Nearest hospital: ____",
                  "Regional Water Quality Control Board: ____", "Gas", "Electric", "Water",
                  "Earthquake-vulnerable systems", "Date of this revision: ____", "Prepared by",
                  "Approved by (owner or operator)", "[ ] Fire alarm bell or horn"):
        assert blank in text, blank
    assert _every_page_is_marked(draft.content)
    event = audit_rows(db, "document.draft")[0]
    assert event.details == {"facility_id": facility_id, "element": ERP, "materials": 2}
    assert event.actor_user_id == lead.user_id and event.channel == "web"


def test_the_training_plan_covers_new_hires_a_yearly_refresher_and_the_materials(
        db: Session, world: tuple[Actor, Actor, int]) -> None:
    lead, _, facility_id = world
    _fill(db, lead, facility_id)
    draft = plan_drafts.draft_plan(db, lead, facility_id, TRAINING)
    text = _flat(draft.content)
    assert draft.filename == "CERSID_10000042_employee_training_plan_DRAFT.pdf"
    assert "Employee Training Plan" in text and "Valley Auto Repair" in text and "10000042" in text
    assert "before handling any hazardous material" in text and "Annual refresher" in text
    assert "Acetone Fire, Flammable Paint room" in text and "Argon" in text and "Welding bay" in text
    assert "Safety Data Sheets (SDS)" in text and "spill kit" in text and "Evacuation" in text
    assert "Maria Lopez, 24-hour phone (559) 555-0199" in text and "800-852-7550" in text
    assert "at least 3 years" in text and "Trainer" in text and "Date of this revision: ____" in text
    assert _every_page_is_marked(draft.content)


def test_an_empty_filing_still_gives_both_plans_with_blanks_and_notes(
        db: Session, world: tuple[Actor, Actor, int]) -> None:
    lead, _, facility_id = world
    erp = _flat(plan_drafts.draft_plan(db, lead, facility_id, ERP).content)
    assert "Valley Auto Repair" in erp and "10000042" in erp
    assert "Your filing has no hazardous materials inventory yet" in erp
    assert "An emergency contact's name or 24-hour phone is missing" in erp and "Not in your filing yet" in erp
    assert "800-852-7550" in erp and "____" in erp
    tp = _flat(plan_drafts.draft_plan(db, lead, facility_id, TRAINING).content)
    assert "Your filing has no hazardous materials inventory yet" in tp
    assert "No emergency contact with a 24-hour phone in your filing" in tp
    assert "the emergency coordinator: ____" in tp


def test_a_facility_without_a_cupa_gets_a_blank_for_it(db: Session, world: tuple[Actor, Actor, int]) -> None:
    lead, _, facility_id = world
    data = replace(plan_drafts.gather(db, lead, facility_id), cupa=None)
    text = _flat(emergency.build(data))
    assert "Your CUPA (the local agency that reviews this plan): ____" in text
    assert "your CUPA ____" in _flat(training.build(data))


def test_a_long_inventory_continues_across_pages_with_its_header(
        db: Session, world: tuple[Actor, Actor, int]) -> None:
    lead, _, facility_id = world
    many = tuple(Material(f"Solvent blend {n:03d} <A&B>", "5 gallons", f"Cabinet {n}", "liquid", ("Fire",))
                 for n in range(120))
    data = replace(plan_drafts.gather(db, lead, facility_id), materials=many)
    pdf = emergency.build(data)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 5
    text = _flat(pdf)
    assert "Solvent blend 000 <A&B> 5 gallons Cabinet 0" in text and "Solvent blend 119 <A&B>" in text
    headers = sum("Where it is stored" in page.extract_text() for page in reader.pages)
    assert headers >= 2  # the table's header row repeats on the pages it continues to


@pytest.mark.parametrize("element", [ERP, TRAINING])
def test_the_draft_passes_the_upload_check_and_reads_as_the_plan(
        db: Session, world: tuple[Actor, Actor, int], element: str) -> None:
    lead, _, facility_id = world
    _fill(db, lead, facility_id)
    content = plan_drafts.draft_plan(db, lead, facility_id, element).content
    info = pdf_check.check_pdf(content, get_settings().document_max_bytes, filename="draft.pdf")
    assert info.pages >= 2 and "800-852-7550" in info.text
    found = advice.advice(element, info.text)
    assert found.has_text and "emergency_phones" in found.found
    assert "revision_date" in found.missing_keys  # still to be written in by the filer
    result = service.upload(db, lead, facility_id, element, "plan.pdf", content)
    db.commit()
    assert result.document.element == element and result.document.pages == info.pages


def test_only_a_user_with_a_role_gets_a_draft(db: Session, world: tuple[Actor, Actor, int]) -> None:
    lead, stranger, facility_id = world
    _fill(db, lead, facility_id)
    with pytest.raises(PermissionDenied):
        plan_drafts.draft_plan(db, stranger, facility_id, ERP)
    with pytest.raises(ValidationError):
        plan_drafts.draft_plan(db, lead, facility_id, "site_map")
    assert audit_rows(db, "document.draft") == []
    assert plan_drafts.draft_path(TRAINING, "10000042") == "/documents/draft/training-plan?facility=10000042"


def test_long_names_and_characters_outside_the_font_never_break_a_draft(
        db: Session, world: tuple[Actor, Actor, int]) -> None:
    lead, _, facility_id = world
    odd = (Material("X" * 500, "1 gallon", "Y" * 140, "liquid", ("Fire",) * 30),
           Material("Ácido clorhídrico (CO₂ 中文)", "5 pounds", "Café <back> & yard", "gas"))
    data = replace(plan_drafts.gather(db, lead, facility_id), materials=odd,
                   facility_name="Tést & Co <b>")
    for build in (emergency.build, training.build):
        info = pdf_check.check_pdf(build(data), get_settings().document_max_bytes)
        text = " ".join(info.text.split())
        assert "Tést & Co <b>" in text and "Ácido clorhídrico" in text and "Café <back> & yard" in text
