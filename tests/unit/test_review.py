"""The CUPA inspector's review on SQLite and PostgreSQL: the queue holds only the filings of the inspector's CUPA
(oldest first), opening a filing makes it Under Review, per-element decisions set the filing's status once every
element is decided, the Not Accepted email (reasons per element, due date 30 days out) and the Accepted email reach
every Lead User over real SMTP, `status()` tells the filer what to fix, an inspector of another CUPA, a filer and
staff are refused, the diff against the last Accepted filing, escalated access requests reach the right CUPA, and
facilities get the CUPA of their city or county."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.documents import service as documents
from bot.errors import Conflict, NotFound, PermissionDenied, ValidationError
from bot.facility_info import service as fi
from bot.inventory import service as inventory
from bot.manage import main as manage_main
from bot.models import AccessRequest, Cupa, Facility, FacilityRole, InventoryItem, Submittal, User
from bot.review import service as review
from bot.review.cupas import assign_cupas, ensure_cupas, find_cupa
from bot.services import access, facilities
from bot.submittals import annual
from bot.submittals import service as submittals
from bot.timeutil import utcnow
from tests.mailcatcher import SmtpServer
from tests.pdfs import SITE_MAP_LINES, text_pdf
from tests.unit.conftest import audit_rows
from tests.unit.test_submit import ACETONE, fill
from tests.people import add_user

FRESNO_ID, FRESNO2_ID, KERN_ID = "10000088", "10000089", "10000090"
ALL_ACCEPTED = {e: (True, [], "") for e in ("business_activities", "owner_operator", "inventory", "site_map",
                                             "emergency_response_plan", "employee_training_plan", "certification")}


_user = add_user  # a user straight in the database (tests.people)


def _facility(db: Session, cers_id: str, name: str, city: str, zip5: str, county: str, leads: list[User]) -> int:
    facility = Facility(cers_id=cers_id, name=name, street="1234 W Shaw Ave", street_number="1234", city=city,
                        zip=zip5, county=county, created_at=utcnow())
    db.add(facility)
    db.flush()
    for lead in leads:
        db.add(FacilityRole(user_id=lead.id, facility_id=facility.id, role="lead", granted_at=utcnow()))
    db.flush()
    return facility.id


class World:
    def __init__(self, db: Session) -> None:
        ensure_cupas(db)
        self.fresno, self.kern = find_cupa(db, "Fresno"), find_cupa(db, "county:kern")
        self.lead = _user(db, "lead@example.com", "Maria Lopez")
        self.second = _user(db, "second@example.com", "Ken Ito")
        self.kern_lead = _user(db, "kern@example.com", "Ana Ruiz")
        self.inspector = _user(db, "dana@fresno.example.gov", "Dana Whitfield", inspector=True, cupa=self.fresno)
        self.kern_inspector = _user(db, "kim@kern.example.gov", "Kim Park", inspector=True, cupa=self.kern)
        self.staff = _user(db, "staff@example.com", "Sue Staff", staff=True)
        self.fid = _facility(db, FRESNO_ID, "Valley Paint Shop", "Fresno", "93711", "Fresno", [self.lead, self.second])
        self.fid2 = _facility(db, FRESNO2_ID, "Clovis Dry Cleaners", "Clovis", "93612", "Fresno", [self.lead])
        self.kid = _facility(db, KERN_ID, "Kern Fuel Stop", "Bakersfield", "93301", "Kern", [self.kern_lead])
        assert assign_cupas(db) == 3
        db.commit()
        self.actor = Actor(user_id=self.lead.id, channel="web")
        self.inspecting = Actor(user_id=self.inspector.id, role="inspector", channel="web")
        self.kern_inspecting = Actor(user_id=self.kern_inspector.id, role="inspector", channel="web")

    def submit(self, db: Session, fid: int, lead: User | None = None) -> int:
        actor = Actor(user_id=(lead or self.lead).id, channel="web")
        fill(db, SimpleNamespace(actor=actor, fid=fid))
        result = submittals.submit(db, actor, fid, certified=True)
        db.commit()
        return result.submittal_id


@pytest.fixture
def world(db: Session) -> World:
    return World(db)


def decide_all(db: Session, w: World, filing_id: int, decisions: dict) -> review.DecisionResult:
    result = None
    for element, (accepted, reasons, note) in decisions.items():
        result = review.decide_element(db, w.inspecting, filing_id, element, accepted, reasons, note)
        db.commit()
    return result


# ---- CUPAs ------------------------------------------------------------------------------------------------------------
def test_facilities_get_the_cupa_of_their_city_or_county(db: Session, world: World) -> None:
    assert db.get(Facility, world.fid).cupa_id == world.fresno.id
    assert db.get(Facility, world.fid2).cupa_id == world.fresno.id  # Clovis: no CUPA of its own, Fresno County's
    assert db.get(Facility, world.kid).cupa_id == world.kern.id
    # a city that runs its own CUPA, through the service that adds facilities
    la = facilities.create_facility(db, world.actor, "Sunset Auto", "100 W Sunset Blvd", "Los Angeles", "90012")
    pasadena = facilities.create_facility(db, world.actor, "Arroyo Print", "10 E Colorado Blvd", "Pasadena", "91105")
    db.commit()
    assert db.get(Cupa, la.cupa_id).key == "city:los-angeles"
    assert db.get(Cupa, pasadena.cupa_id).key == "city:pasadena"
    assert assign_cupas(db) == 0  # nothing left without a CUPA; a second run changes nothing


def test_loaded_facilities_get_their_cupa_and_a_moved_one_gets_the_new_one(db: Session, world: World) -> None:
    import io

    from bot.seed import generate_facilities, import_facilities_csv

    generated = generate_facilities(db, 40, seed=3)
    db.commit()
    ids = [f.cers_id for f in generated.facilities]
    assert db.execute(select(Facility).where(Facility.cers_id.in_(ids), Facility.cupa_id.is_(None))).first() is None
    header = "cers_id,name,street,city,zip\n"
    result = import_facilities_csv(db, io.StringIO(header + "10000555,Delta Marine,1 Harbor Way,Stockton,95202\n"))
    db.commit()
    assert result.ok, result.errors
    imported = facilities.find_by_cers_id(db, "10000555")
    assert db.get(Cupa, imported.cupa_id).key == "county:san-joaquin"
    moved = import_facilities_csv(db, io.StringIO(header + "10000555,Delta Marine,5 Main St,Bakersfield,93301\n"),
                                  update=True)
    db.commit()
    assert moved.ok, moved.errors
    db.expire_all()
    assert facilities.find_by_cers_id(db, "10000555").cupa_id == world.kern.id


def test_create_inspector_takes_a_cupa(db: Session, world: World, capsys) -> None:  # type: ignore[no-untyped-def]
    assert manage_main(["create-inspector", "--email", "Lee@Kern.example.gov", "--name", "Lee Wong",
                        "--cupa", "Kern"]) == 0
    assert "of Kern County CUPA" in capsys.readouterr().out
    db.expire_all()
    user = db.execute(select(User).where(User.email == "lee@kern.example.gov")).scalar_one()
    assert user.is_inspector and user.cupa_id == world.kern.id
    assert manage_main(["create-inspector", "--email", "x@y.example.gov", "--name", "X Y", "--cupa", "Atlantis"]) == 2
    assert "no CUPA called" in capsys.readouterr().err


# ---- the queue, opening ------------------------------------------------------------------------------------------------
def test_the_queue_holds_only_the_cupas_filings_oldest_first(db: Session, world: World) -> None:
    first = world.submit(db, world.fid)
    kern = world.submit(db, world.kid, world.kern_lead)
    second = world.submit(db, world.fid2)
    assert [e.submittal_id for e in review.queue(db, world.inspecting)] == [first, second]
    assert [e.submittal_id for e in review.queue(db, world.kern_inspecting)] == [kern]
    entry = review.queue(db, world.inspecting)[0]
    assert (entry.cers_id, entry.status, entry.submitted_by) == (FRESNO_ID, "Submitted", "Maria Lopez")
    # a Draft is not in anyone's queue
    inventory.add_item(db, world.actor, world.fid, dict(ACETONE, common_name="Toluene"))
    db.commit()
    assert [e.submittal_id for e in review.queue(db, world.inspecting)] == [first, second]


def test_opening_a_filing_marks_it_under_review_once_audited(db: Session, world: World) -> None:
    filing_id = world.submit(db, world.fid)
    view = review.open_filing(db, world.inspecting, filing_id)
    db.commit()
    assert view.status == "Under Review" and db.get(Submittal, filing_id).status == "Under Review"
    assert [el.key for el in view.elements][:3] == ["business_activities", "owner_operator", "inventory"]
    inventory_view = next(el for el in view.elements if el.key == "inventory")
    assert inventory_view.lines and inventory_view.lines[0].startswith("Acetone")
    site_map = next(el for el in view.elements if el.key == "site_map")
    assert site_map.document.document_id is not None and site_map.document.pages == 1
    training = next(el for el in view.elements if el.key == "employee_training_plan")
    assert training.document.provided_elsewhere and training.document.document_id is None
    assert view.diff.against_submittal_id is None  # the first filing: nothing to compare
    review.open_filing(db, world.inspecting, filing_id)
    db.commit()
    [event] = audit_rows(db, "review.open")
    assert (event.actor_user_id, event.actor_role, event.entity_id) == (world.inspector.id, "inspector",
                                                                         str(filing_id))
    assert submittals.status(db, world.actor, world.fid).status == "Under Review"
    # the inspector may read the filing's documents
    assert documents.get_document(db, world.inspecting, site_map.document.document_id).element == "site_map"
    with pytest.raises(PermissionDenied):
        documents.get_document(db, world.kern_inspecting, site_map.document.document_id)


# ---- decisions -------------------------------------------------------------------------------------------------------------
def test_every_element_accepted_makes_the_filing_accepted_and_emails_the_lead_users(
        db: Session, world: World, smtp_server: SmtpServer) -> None:
    filing_id = world.submit(db, world.fid)
    first = review.decide_element(db, world.inspecting, filing_id, "inventory", True)
    db.commit()
    assert not first.finished and first.filing_status == "Under Review" and "6 elements still to decide" in first.message
    result = decide_all(db, world, filing_id, ALL_ACCEPTED)
    assert result.finished and result.filing_status == "Accepted" and result.due_date is None
    db.expire_all()
    filing = db.get(Submittal, filing_id)
    assert (filing.status, filing.reviewed_by_user_id, filing.due_date) == ("Accepted", world.inspector.id, None)
    for address in ("lead@example.com", "second@example.com"):
        body = smtp_server.body(smtp_server.wait_for(address, "Accepted: Valley Paint Shop"))
        assert "Dana Whitfield of Fresno County CUPA reviewed" in body and "marked every element Accepted" in body
    [event] = audit_rows(db, "review.accept")
    assert event.actor_user_id == world.inspector.id
    assert len(audit_rows(db, "review.decide_element")) == 8  # inventory twice: a decision can change until the end
    state = submittals.status(db, world.actor, world.fid)
    assert state.status == "Accepted" and state.reviewed_by == "Dana Whitfield" and "Accepted by Dana" in state.next_step
    assert review.queue(db, world.inspecting) == []
    with pytest.raises(Conflict):
        review.decide_element(db, world.inspecting, filing_id, "inventory", False, ["inv_incomplete"])


def test_one_element_not_accepted_emails_the_reasons_and_the_due_date(db: Session, world: World,
                                                                     smtp_server: SmtpServer) -> None:
    filing_id = world.submit(db, world.fid)
    decisions = dict(ALL_ACCEPTED)
    decisions["inventory"] = (False, ["inv_ehs_pounds", "inv_average_over_max"], "Chlorine is listed in gallons.")
    decisions["site_map"] = (False, ["map_north_arrow"], "")
    result = decide_all(db, world, filing_id, decisions)
    due = (utcnow() + timedelta(days=30)).date()
    assert result.filing_status == "Not Accepted" and result.due_date == due
    db.expire_all()
    assert db.get(Submittal, filing_id).due_date == due
    for address in ("lead@example.com", "second@example.com"):
        mail = smtp_server.wait_for(address, "Not Accepted: Valley Paint Shop")
        body = smtp_server.body(mail)
        assert "- Hazardous Materials Inventory: Not Accepted" in body
        assert "An Extremely Hazardous Substance is not reported in pounds." in body
        assert "An average daily amount is greater than the maximum daily amount." in body
        assert "Inspector's note: Chlorine is listed in gallons." in body
        assert "- Site Map: Not Accepted" in body and "The site map has no north arrow." in body
        assert f"Corrections are due by {due:%B} {due.day}, {due:%Y} (30 days)" in body
        assert "what do I need to fix?" in body and "Accepted as they are: Business Activities" in body
    assert [e.details["not_accepted"] for e in audit_rows(db, "review.not_accept")] == [["inventory", "site_map"]]
    # what the chat reads for "what do I need to fix?"
    state = submittals.status(db, world.actor, world.fid)
    assert state.status == "Not Accepted" and state.due_date == due and state.reviewed_by == "Dana Whitfield"
    assert [f.element for f in state.to_fix] == ["inventory", "site_map"]
    assert state.to_fix[0].url == f"/inventory/upload?facility={FRESNO_ID}" and state.to_fix[1].url.startswith("/documents")
    assert "not reported in pounds" in state.message and f"{due:%B} {due.day}, {due:%Y}" in state.message
    # the filer starts fixing: the Draft copied from the filing still says what to fix and by when
    inventory.add_item(db, world.actor, world.fid, dict(ACETONE, common_name="Toluene"))
    db.commit()
    draft_state = submittals.status(db, world.actor, world.fid)
    assert draft_state.status == "Draft" and draft_state.due_date == due and len(draft_state.to_fix) == 2
    assert "corrections due by" in draft_state.next_step


def test_decisions_need_reasons_from_the_elements_pick_list(db: Session, world: World) -> None:
    filing_id = world.submit(db, world.fid)
    cases = [("inventory", False, [], ""), ("inventory", False, ["map_north_arrow"], ""),
             ("inventory", True, ["inv_incomplete"], ""), ("inventory", False, ["other"], ""),
             ("warehouse", True, [], "")]
    for element, accepted, reasons, note in cases:
        with pytest.raises(ValidationError):
            review.decide_element(db, world.inspecting, filing_id, element, accepted, reasons, note)
        db.rollback()
    ok = review.decide_element(db, world.inspecting, filing_id, "inventory", False, ["other"], "Call me.")
    assert ok.decision == "Not Accepted" and not ok.finished


def test_another_cupas_inspector_a_filer_and_staff_are_refused(db: Session, world: World) -> None:
    filing_id = world.submit(db, world.fid)
    lead = Actor(user_id=world.lead.id, channel="web")
    staff = Actor(user_id=world.staff.id, role="staff", channel="staff_console")
    on_behalf = Actor(user_id=world.inspector.id, role="staff", on_behalf_of=world.lead.id, channel="staff_console")
    for actor in (world.kern_inspecting, lead, staff, on_behalf):
        with pytest.raises(PermissionDenied):
            review.open_filing(db, actor, filing_id)
        with pytest.raises(PermissionDenied):
            review.decide_element(db, actor, filing_id, "inventory", True)
        if actor is not world.kern_inspecting:
            with pytest.raises(PermissionDenied):
                review.queue(db, actor)
            with pytest.raises(PermissionDenied):
                review.escalated_requests(db, actor)
    db.rollback()
    assert db.get(Submittal, filing_id).status == "Submitted" and audit_rows(db, "review.open") == []
    with pytest.raises(NotFound):
        review.open_filing(db, world.inspecting, 999999)


# ---- the diff ------------------------------------------------------------------------------------------------------------------
def test_the_diff_is_against_the_last_accepted_filing(db: Session, world: World) -> None:
    first = world.submit(db, world.fid)
    decide_all(db, world, first, ALL_ACCEPTED)
    old_map = review.open_filing(db, world.inspecting, first)
    # the next filing: a new material, a changed amount, a replaced site map, a changed phone
    inventory.add_item(db, world.actor, world.fid, dict(ACETONE, common_name="Toluene", location="Back shop"))
    draft = db.execute(select(Submittal).where(Submittal.facility_id == world.fid, Submittal.status == "Draft")
                       ).scalar_one()
    acetone = db.execute(select(InventoryItem).where(InventoryItem.submittal_id == draft.id,
                                                     InventoryItem.common_name == "Acetone")).scalar_one()
    inventory.update_item(db, world.actor, world.fid, acetone.id, {"average_daily_amount": 20})
    inventory.mark_complete(db, world.actor, world.fid)
    documents.upload(db, world.actor, world.fid, "site_map", "map-2026.pdf",
                     text_pdf(SITE_MAP_LINES + ["Evacuation staging area: north parking lot"]))
    fi.set_owner_operator_field(db, world.actor, world.fid, "phone", "559-555-0199")
    for element in annual.ELEMENT_KEYS:  # a Draft copied from an Accepted filing: each part confirmed this year
        annual.confirm_element(db, world.actor, world.fid, element)
    db.commit()
    second = submittals.submit(db, world.actor, world.fid, certified=True).submittal_id
    db.commit()
    view = review.open_filing(db, world.inspecting, second)
    assert view.diff.against_submittal_id == first
    inv = view.diff.elements["inventory"]
    assert [line.split(":")[0] for line in inv.added] == ["Toluene"] and inv.removed == []
    [(line, fields)] = inv.changed
    assert line.startswith("Acetone") and ("average_daily_amount", "30", "20") in fields
    assert view.diff.elements["site_map"].documents[0].startswith("replaced:")
    assert "map-2026.pdf" in view.diff.elements["site_map"].documents[0]
    assert view.diff.elements["emergency_response_plan"].empty
    assert any(after == "(559) 555-0199" for _, _, after in view.diff.elements["owner_operator"].fields)
    assert view.diff.elements["business_activities"].empty
    assert old_map.diff.against_submittal_id is None


# ---- escalated access requests ---------------------------------------------------------------------------------------------------
def _lead_left(db: Session, fid: int) -> None:
    for role in db.execute(select(FacilityRole).where(FacilityRole.facility_id == fid)).scalars():
        role.ended_at = utcnow()
    db.commit()


def test_an_escalated_request_reaches_the_inspectors_of_the_facilitys_cupa(db: Session, world: World,
                                                                          smtp_server: SmtpServer) -> None:
    _lead_left(db, world.fid)
    newcomer = _user(db, "new@example.com", "Joe New")
    db.commit()
    request = access.request_access(db, Actor(user_id=newcomer.id), world.fid, "559-555-0111", "Shop manager")
    db.commit()
    assert request.status == "escalated"
    smtp_server.wait_for("dana@fresno.example.gov", "Access request for Valley Paint Shop")
    assert smtp_server.to("kim@kern.example.gov") == []
    assert "went to the inspectors of Fresno County CUPA" in access.escalation_message(db, request)
    assert [r.id for r in review.escalated_requests(db, world.inspecting)] == [request.id]
    assert review.escalated_requests(db, world.kern_inspecting) == []
    with pytest.raises(PermissionDenied):
        review.decide_access(db, world.kern_inspecting, request.id, True)
    with pytest.raises(PermissionDenied):  # nor through the access service directly
        access.decide(db, world.kern_inspecting, request.id, True)
    db.rollback()
    review.decide_access(db, world.inspecting, request.id, True)
    db.commit()
    assert db.get(AccessRequest, request.id).status == "granted"
    assert facilities.role_of(db, newcomer.id, world.fid) == "user"
    [event] = audit_rows(db, "access.grant")
    assert event.actor_user_id == world.inspector.id and event.details["as_inspector"] is True


def test_where_the_cupa_has_no_inspector_the_filer_is_told_whom_to_call(db: Session, world: World,
                                                                       smtp_server: SmtpServer) -> None:
    la = facilities.create_facility(db, world.actor, "Sunset Auto", "100 W Sunset Blvd", "Los Angeles", "90012")
    db.commit()
    _lead_left(db, la.id)
    newcomer = _user(db, "new@example.com", "Joe New")
    db.commit()
    request = access.request_access(db, Actor(user_id=newcomer.id), la.id, "559-555-0111", "Shop manager")
    db.commit()
    cupa = db.get(Cupa, la.cupa_id)
    message = access.escalation_message(db, request)
    assert "City of Los Angeles Fire Department CUPA has no inspector set up" in message and cupa.phone in message
    body = smtp_server.body(smtp_server.wait_for("new@example.com", "whom to call"))
    assert cupa.phone in body and "CERS ID" in body
    assert smtp_server.to("dana@fresno.example.gov") == []
