"""Pre-submit check and submit on SQLite and PostgreSQL: a finding for each check (blocking or advice, with where
to fix it), submit refused while something blocks, Submitted with who/when/certification, an audit row, an email to
every Lead User over real SMTP, a second submit that does nothing twice, no role no submit, and a change after
submit that starts a new Draft copied from the submitted filing, which stays as it was."""
from __future__ import annotations

from typing import Any, Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.documents import service as documents
from bot.errors import NotFound, PermissionDenied, ValidationError
from bot.facility_info import service as fi
from bot.facility_info.questions import BUSINESS_QUESTIONS, OWNER_OPERATOR_FIELDS
from bot.inventory import service as inventory
from bot.models import (
    BusinessActivities, Document, Facility, FacilityRole, InventoryItem, OutboxEmail, OwnerOperator, Submittal,
)
from bot.submittals import precheck as pc
from bot.submittals import service
from bot.timeutil import utcnow
from tests.mailcatcher import SmtpServer
from tests.pdfs import SITE_MAP_LINES, text_pdf
from tests.unit.conftest import audit_rows
from tests.people import add_user

CERS_ID = "10000088"
PLAN_LINES = ["Emergency Response / Contingency Plan - revised 01/05/2026",
              "Call 911, then the CUPA at 559-600-3271 and the State Warning Center 800-852-7550",
              "Emergency coordinator Maria Lopez 559-555-0123"]
ACETONE = {"common_name": "Acetone", "physical_state": "liquid", "hm_type": "pure", "units": "gallons",
           "maximum_daily_amount": 55, "average_daily_amount": 30, "largest_container": 55, "sc_steel_drum": True,
           "location": "Paint room", "fhc_fire": True, "ghs_hazards": ["FHCPhysicalFlammable"]}


_user = add_user  # a user straight in the database (tests.people)


class World:
    def __init__(self, db: Session) -> None:
        self.lead = _user(db, "lead@example.com", "Maria Lopez")
        self.second = _user(db, "second@example.com", "Ken Ito")
        self.stranger = _user(db, "stranger@example.com", "Sam Doe")
        facility = Facility(cers_id=CERS_ID, name="Valley Paint Shop", street="1234 W Shaw Ave",
                            street_number="1234", city="Fresno", zip="93711", created_at=utcnow())
        db.add(facility)
        db.flush()
        self.fid = facility.id
        for user in (self.lead, self.second):
            db.add(FacilityRole(user_id=user.id, facility_id=facility.id, role="lead", granted_at=utcnow()))
        db.commit()
        self.actor = Actor(user_id=self.lead.id, channel="web")


@pytest.fixture
def world(db: Session) -> World:
    return World(db)


def fill(db: Session, w: World) -> None:
    """A complete filing through the services (see fill_filing), signed by the Lead User Maria Lopez."""
    fill_filing(db, w.actor, w.fid)


def fill_filing(db: Session, actor: Actor, fid: int, *, name: str = "Pat Lee", signer: str = "Maria Lopez",
                site_map: bool = True) -> None:
    """A complete filing through the services: Business Activities (hazardous materials on site, nothing
    else), every required Owner/Operator field (`name` where a name goes), the certification by `signer`, one valid
    material, the three documents (without the site map: `site_map=False`)."""
    for q in BUSINESS_QUESTIONS:
        if q.only_if is None:
            fi.set_business_activity(db, actor, fid, q.key, q.key == "hm_on_site")
    for f in OWNER_OPERATOR_FIELDS:
        if f.required and f.group != "certification":
            raw = {"phone": "559-555-0123", "address": "1 Main St", "city": "Fresno", "state": "CA",
                   "zip": "93721", "email": "a@example.com", "title": "Owner"}.get(f.validator, name)
            fi.set_owner_operator_field(db, actor, fid, f.key, raw)
    for key, value in (("econtact_email", "env@example.com"), ("document_preparer_name", name),
                       ("identification_signer_name", signer), ("identification_signer_title", "Owner"),
                       ("identification_signed_date", "today")):
        fi.set_owner_operator_field(db, actor, fid, key, value)
    inventory.add_item(db, actor, fid, dict(ACETONE))
    inventory.mark_complete(db, actor, fid)
    if site_map:
        documents.upload(db, actor, fid, "site_map", "map.pdf", text_pdf(SITE_MAP_LINES))
    documents.upload(db, actor, fid, "emergency_response_plan", "plan.pdf", text_pdf(PLAN_LINES))
    documents.provided_elsewhere(db, actor, fid)
    db.commit()


def checks(findings: list[pc.Finding], severity: str = "") -> list[str]:
    return [f.check for f in findings if not severity or f.severity == severity]


def draft_of(db: Session, fid: int) -> Submittal:
    return db.execute(select(Submittal).where(Submittal.facility_id == fid, Submittal.status == "Draft")).scalar_one()


def raw_item(db: Session, fid: int, **values: Any) -> InventoryItem:
    """A line written straight to the Draft, as an old import or an earlier version of the rules left it."""
    base: dict[str, Any] = {"common_name": "Old line", "ehs": False, "physical_state": "b", "hm_type": "a",
                            "units": "a", "maximum_daily_amount": 10, "sc_steel_drum": True, "fhc_fire": True,
                            "ghs_hazards": ["FHCPhysicalFlammable"]}
    base.update(values)
    item = InventoryItem(submittal_id=draft_of(db, fid).id, position=99, **base)
    db.add(item)
    db.commit()
    return item


# ---- the check --------------------------------------------------------------------------------------------------
def test_a_complete_filing_has_nothing_blocking(db: Session, world: World) -> None:
    fill(db, world)
    findings = pc.precheck(db, world.actor, world.fid)
    assert pc.blocking(findings) == [], [f.message for f in findings]
    assert "lead_users" not in checks(findings)  # two Lead Users


def test_an_empty_filing_is_blocked_by_the_business_activities_and_certification(db: Session, world: World) -> None:
    findings = pc.precheck(db, world.actor, world.fid)
    assert {"business_activities", "owner_operator", "emergency_phone", "certification"} <= set(
        checks(findings, "blocking"))
    ba = next(f for f in findings if f.check == "business_activities")
    assert ba.field == "hm_on_site" and ba.step == "facility_info" and ba.url == "/"
    assert "hazardous material" in ba.message.lower()
    # blocking findings come first
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=lambda s: s != "blocking")


def _blank(model: type, column: str) -> Callable[[Session, World], None]:
    """A breaker that empties one column of the filing's only row of `model`."""
    def breaker(db: Session, w: World) -> None:
        setattr(db.execute(select(model)).scalar_one(), column, None)
        db.commit()
    breaker.__name__ = f"_without_{model.__name__}_{column}"
    return breaker


def _no_document(element: str) -> Callable[[Session, World], None]:
    def breaker(db: Session, w: World) -> None:
        db.execute(Document.__table__.delete().where(Document.element == element))
        db.commit()
    breaker.__name__ = f"_no_{element}"
    return breaker


_without_24h_phone = _blank(OwnerOperator, "pec_24hr_phone")
_without_signer = _blank(OwnerOperator, "identification_signer_title")
_without_business_name = _blank(OwnerOperator, "business_name")
_without_ba_answer = _blank(BusinessActivities, "recycle")
_no_site_map = _no_document("site_map")
_no_training_plan = _no_document("employee_training_plan")


def _empty_inventory(db: Session, w: World) -> None:
    for item in inventory.list_items(db, w.actor, w.fid):
        inventory.remove_item(db, w.actor, w.fid, item.id)
    db.commit()


def _one_lead_user(db: Session, w: World) -> None:
    role = db.execute(select(FacilityRole).where(FacilityRole.user_id == w.second.id)).scalar_one()
    role.ended_at = utcnow()
    db.commit()


def _no_econtact_email(db: Session, w: World) -> None:
    fi.skip_owner_operator_field(db, w.actor, w.fid, "econtact_email")
    db.commit()


def _said_no_hazardous_materials(db: Session, w: World) -> None:
    fi.set_business_activity(db, w.actor, w.fid, "hm_on_site", False)
    db.commit()


def _waste_generator_without_waste(db: Session, w: World) -> None:
    fi.set_business_activity(db, w.actor, w.fid, "hw_generator", True)
    fi.set_business_activity(db, w.actor, w.fid, "rcra_large_quantity_generator", False)
    fi.set_epa_id(db, w.actor, w.fid, "CAL000123456")
    db.commit()


def _tank_without_contents(db: Session, w: World) -> None:
    fi.set_business_activity(db, w.actor, w.fid, "own_or_operate_ust", True)
    db.commit()


def _epa_id_missing(db: Session, w: World) -> None:
    fi.set_business_activity(db, w.actor, w.fid, "hw_generator", True)
    fi.set_business_activity(db, w.actor, w.fid, "rcra_large_quantity_generator", False)
    db.commit()


def _site_map_without_north_arrow(db: Session, w: World) -> None:
    documents.upload(db, w.actor, w.fid, "site_map", "map2.pdf",
                     text_pdf([line for line in SITE_MAP_LINES if "North" not in line]))
    db.commit()


def _line_without_hazards(db: Session, w: World) -> None:
    raw_item(db, w.fid, fhc_fire=None, ghs_hazards=None)


def _line_with_old_hazards_only(db: Session, w: World) -> None:
    raw_item(db, w.fid, ghs_hazards=None)


@pytest.mark.parametrize("breaks,check,severity,element,step,url_part", [
    (_without_24h_phone, "emergency_phone", "blocking", "owner_operator", "facility_info", "/"),
    (_without_signer, "certification", "blocking", "certification", "facility_info", "/"),
    (_without_business_name, "owner_operator", "blocking", "owner_operator", "facility_info", "/"),
    (_without_ba_answer, "business_activities", "blocking", "business_activities", "facility_info", "/"),
    (_epa_id_missing, "business_activities", "blocking", "business_activities", "facility_info", "/"),
    (_empty_inventory, "inventory_empty", "blocking", "inventory", "inventory", "/inventory/upload?facility="),
    (_no_site_map, "document_missing", "blocking", "site_map", "documents", "#element-site_map"),
    (_no_training_plan, "document_missing", "blocking", "training_plan", "documents",
     "#element-employee_training_plan"),
    (_one_lead_user, "lead_users", "advice", "lead_users", "access", "/"),
    (_no_econtact_email, "econtact_email", "advice", "owner_operator", "facility_info", "/"),
    (_said_no_hazardous_materials, "inventory_not_expected", "advice", "business_activities", "facility_info", "/"),
    (_waste_generator_without_waste, "waste_streams", "advice", "waste_streams", "inventory", "/inventory/"),
    (_tank_without_contents, "tank_contents", "advice", "inventory", "inventory", "/inventory/"),
    (_tank_without_contents, "program_element", "advice", "ust", "facility_info", "/"),
    (_site_map_without_north_arrow, "document_content", "advice", "site_map", "documents", "/documents?facility="),
    (_line_without_hazards, "hazard_categories", "advice", "inventory", "inventory", "/inventory/"),
    (_line_with_old_hazards_only, "hazard_categories", "advice", "inventory", "inventory", "/inventory/"),
])
def test_each_check_has_its_finding_and_where_to_fix_it(db: Session, world: World, breaks: Callable[..., None],
                                                        check: str, severity: str, element: str, step: str,
                                                        url_part: str) -> None:
    fill(db, world)
    breaks(db, world)
    found = [f for f in pc.precheck(db, world.actor, world.fid) if f.check == check and f.element == element]
    assert found, [(f.check, f.element) for f in pc.precheck(db, world.actor, world.fid)]
    finding = found[0]
    assert (finding.severity, finding.step) == (severity, step)
    assert url_part in finding.url and finding.message and finding.where
    if step == "documents" or step == "inventory":
        assert CERS_ID in finding.url


@pytest.mark.parametrize("values,field,words", [
    ({"physical_state": "a", "units": "a"}, "units", "solid is reported in pounds or tons"),
    ({"ehs": True, "units": "a"}, "units", "Extremely Hazardous Substance"),
    ({"average_daily_amount": 20}, "average_daily_amount", "can't be more than the maximum"),
    ({"largest_container": 55}, "largest_container", "bigger than the maximum daily amount"),
    ({"hm_type": "b"}, "components", "a mixture needs its hazardous components"),
    ({"hm_type": "c", "state_waste_code": "221", "annual_waste_amount": 100}, "components",
     "a waste needs its hazardous components"),
    ({"sc_steel_drum": False}, "container", "at least one storage container"),
])
def test_inventory_lines_are_checked_by_the_inventory_rules(db: Session, world: World, values: dict[str, Any],
                                                            field: str, words: str) -> None:
    fill(db, world)
    item = raw_item(db, world.fid, **values)
    found = [f for f in pc.precheck(db, world.actor, world.fid) if f.check == "inventory_line"]
    assert [(f.item_id, f.field, f.severity) for f in found if f.field == field] == [(item.id, field, "blocking")]
    expected = [p.message for p in inventory.problems(inventory.item_values(item), [])]
    assert any(words.lower() in f.message.lower() and f.message.startswith("Old line: ") for f in found)
    assert len(found) == len(expected)  # one finding per problem the inventory service names, no more


def test_the_check_needs_a_role(db: Session, world: World) -> None:
    with pytest.raises(PermissionDenied):
        pc.precheck(db, Actor(user_id=world.stranger.id, channel="web"), world.fid)


# ---- submit -----------------------------------------------------------------------------------------------------
def test_submit_is_refused_with_the_blocking_findings_and_writes_nothing(db: Session, world: World) -> None:
    fill(db, world)
    _without_24h_phone(db, world)
    with pytest.raises(service.SubmitBlocked) as caught:
        service.submit(db, world.actor, world.fid, certified=True)
    db.rollback()
    assert [f.check for f in caught.value.findings] == ["emergency_phone"]
    assert "can't be submitted yet: 1 thing to fix" in caught.value.message and "24-hour" in caught.value.message
    assert draft_of(db, world.fid).submitted_at is None and audit_rows(db, "submittal.submit") == []
    assert db.execute(select(func.count(OutboxEmail.id))).scalar_one() == 0


def test_submit_needs_the_certification_confirmed(db: Session, world: World) -> None:
    fill(db, world)
    with pytest.raises(ValidationError) as caught:
        service.submit(db, world.actor, world.fid)
    assert caught.value.field == "certified"
    db.rollback()
    assert draft_of(db, world.fid).status == "Draft"


def test_submit_marks_it_submitted_audits_and_emails_every_lead_user(db: Session, world: World,
                                                                      smtp_server: SmtpServer) -> None:
    fill(db, world)
    draft_id = draft_of(db, world.fid).id
    result = service.submit(db, world.actor, world.fid, certified=True)
    db.commit()
    assert not result.already_submitted and result.submittal_id == draft_id and "Submitted on" in result.message
    db.expire_all()
    filing = db.get(Submittal, draft_id)
    assert filing.status == "Submitted" and filing.submitted_by_user_id == world.lead.id
    assert filing.submitted_at is not None and filing.certified_at is not None
    assert db.execute(select(func.count(Submittal.id)).where(Submittal.status == "Draft")).scalar_one() == 0
    [event] = audit_rows(db, "submittal.submit")
    assert (event.actor_user_id, event.channel, event.entity_id) == (world.lead.id, "web", str(draft_id))
    assert event.details["cers_id"] == CERS_ID
    for address in ("lead@example.com", "second@example.com"):
        mail = smtp_server.wait_for(address, "Submitted: Valley Paint Shop")
        body = smtp_server.body(mail)
        assert "Maria Lopez submitted the Hazardous Materials Business Plan" in body
        assert "Certified as true, accurate and complete by: Maria Lopez, Owner" in body
        assert "within 30 days" in body and f"/submit?facility={CERS_ID}" in body
    assert smtp_server.to("stranger@example.com") == []
    rows = db.execute(select(OutboxEmail)).scalars().all()
    assert sorted(r.to_address for r in rows) == ["lead@example.com", "second@example.com"]
    assert {r.status for r in rows} == {"sent"}


def test_a_second_submit_does_nothing_twice(db: Session, world: World, smtp_server: SmtpServer) -> None:
    fill(db, world)
    first = service.submit(db, world.actor, world.fid, certified=True)
    db.commit()
    again = service.submit(db, Actor(user_id=world.second.id, channel="web"), world.fid, certified=True)
    db.commit()
    assert again.already_submitted and again.submittal_id == first.submittal_id
    assert "already submitted on" in again.message and "by Maria Lopez" in again.message
    assert len(audit_rows(db, "submittal.submit")) == 1
    assert db.execute(select(func.count(OutboxEmail.id))).scalar_one() == 2
    assert db.execute(select(func.count(Submittal.id))).scalar_one() == 1


def test_nothing_to_submit_and_no_role(db: Session, world: World) -> None:
    with pytest.raises(ValidationError):
        service.submit(db, world.actor, world.fid, certified=True)  # nothing started: blocked
    db.rollback()
    fill(db, world)
    with pytest.raises(PermissionDenied):
        service.submit(db, Actor(user_id=world.stranger.id, channel="web"), world.fid, certified=True)
    db.rollback()
    assert draft_of(db, world.fid).status == "Draft" and audit_rows(db, "submittal.submit") == []
    with pytest.raises(PermissionDenied):
        service.status(db, Actor(user_id=world.stranger.id, channel="web"), world.fid)


def test_status_says_who_when_and_what_is_next(db: Session, world: World) -> None:
    assert service.status(db, world.actor, world.fid).status == "Not started"
    fill(db, world)
    draft = service.status(db, world.actor, world.fid)
    assert (draft.status, draft.who, draft.blocking) == ("Draft", "Maria Lopez", 0)
    assert "nothing blocking" in draft.next_step
    service.submit(db, world.actor, world.fid, certified=True)
    db.commit()
    done = service.status(db, world.actor, world.fid)
    assert (done.status, done.who) == ("Submitted", "Maria Lopez") and done.when is not None
    assert "CUPA reviews it" in done.message and "30 days" in done.message


# ---- a change after submit --------------------------------------------------------------------------------------
def test_a_change_after_submit_starts_a_new_draft_copied_from_it(db: Session, world: World) -> None:
    fill(db, world)
    submitted_id = service.submit(db, world.actor, world.fid, certified=True).submittal_id
    db.commit()
    before = db.execute(select(func.count(InventoryItem.id)).where(InventoryItem.submittal_id == submitted_id)
                        ).scalar_one()
    # a change through the inventory service
    inventory.add_item(db, world.actor, world.fid, dict(ACETONE, common_name="Xylene", location="Back room"))
    db.commit()
    draft = draft_of(db, world.fid)
    assert draft.id != submitted_id and draft.parent_submittal_id == submitted_id
    assert [i.common_name for i in inventory.list_items(db, world.actor, world.fid)] == ["Acetone", "Xylene"]
    # the rest came along: answers, Owner/Operator with the certification, documents (the same stored files)
    assert fi.get_business_activities(db, world.actor, world.fid)["hm_on_site"] is True
    values = fi.get_owner_operator(db, world.actor, world.fid)
    assert values["identification_signer_name"] == "Maria Lopez" and values["pec_24hr_phone"]
    current = documents.current_documents(db, world.actor, world.fid)
    old = {d.element: d for d in db.execute(select(Document).where(Document.submittal_id == submitted_id)).scalars()}
    assert current["site_map"].sha256 == old["site_map"].sha256 and current["site_map"].id != old["site_map"].id
    assert current["employee_training_plan"].provided_elsewhere is True
    # the submitted filing is unchanged
    db.expire_all()
    assert db.get(Submittal, submitted_id).status == "Submitted"
    assert db.execute(select(func.count(InventoryItem.id)).where(InventoryItem.submittal_id == submitted_id)
                      ).scalar_one() == before == 1
    event = audit_rows(db, "submittal.create")[-1]
    assert event.details["copied_from"] == submitted_id
    # the new Draft can be submitted again; the status tells the new Draft apart until then
    status = service.status(db, world.actor, world.fid)
    assert status.status == "Draft" and "copied from the filing submitted on" in status.next_step
    second = service.submit(db, world.actor, world.fid, certified=True)
    db.commit()
    assert not second.already_submitted and second.submittal_id == draft.id


@pytest.mark.parametrize("change", ["facility_info", "documents"])
def test_facility_info_and_document_changes_after_submit_copy_too(db: Session, world: World, change: str) -> None:
    fill(db, world)
    submitted_id = service.submit(db, world.actor, world.fid, certified=True).submittal_id
    db.commit()
    if change == "facility_info":
        fi.set_owner_operator_field(db, world.actor, world.fid, "pec_24hr_phone", "559-555-0999")
    else:
        documents.upload(db, world.actor, world.fid, "site_map", "new-map.pdf", text_pdf(SITE_MAP_LINES + ["v2"]))
    db.commit()
    draft = draft_of(db, world.fid)
    assert draft.parent_submittal_id == submitted_id
    assert [i.common_name for i in inventory.list_items(db, world.actor, world.fid)] == ["Acetone"]
    old = db.execute(select(OwnerOperator).where(OwnerOperator.submittal_id == submitted_id)).scalar_one()
    new = db.execute(select(OwnerOperator).where(OwnerOperator.submittal_id == draft.id)).scalar_one()
    assert old.pec_24hr_phone == "(559) 555-0123"
    assert new.pec_24hr_phone == ("(559) 555-0999" if change == "facility_info" else "(559) 555-0123")
    assert pc.blocking(pc.precheck(db, world.actor, world.fid)) == []


def test_summary_of_the_draft_and_of_the_submitted_filing(db: Session, world: World) -> None:
    empty = service.summary(db, world.actor, world.fid)
    assert empty.status == "Not started" and not empty.certified
    fill(db, world)
    summary = service.summary(db, world.actor, world.fid)
    assert summary.status == "Draft" and summary.certified and summary.materials[0].startswith("Acetone: 55 gallons")
    assert ("signer's name", "Maria Lopez") in summary.certification
    assert dict(summary.documents)["Employee Training Plan"] == "Provided elsewhere in CERS"
    service.submit(db, world.actor, world.fid, certified=True)
    db.commit()
    after = service.summary(db, world.actor, world.fid)
    assert after.status == "Submitted" and after.submitted_by == "Maria Lopez" and after.materials == summary.materials


def test_two_submits_at_once_submit_once(db: Session, world: World, db_url: str) -> None:
    """Two requests press Submit at the same moment: one submits, the other is told it already was."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite runs one writer at a time; the conditional status change covers it (above)")
    import threading

    from bot.db import session_scope

    fill(db, world)
    db.close()
    barrier = threading.Barrier(2)
    results: list[Any] = []

    def press(user_id: int) -> None:
        barrier.wait()
        with session_scope() as session:
            results.append(service.submit(session, Actor(user_id=user_id, channel="web"), world.fid,
                                          certified=True))

    threads = [threading.Thread(target=press, args=(uid,)) for uid in (world.lead.id, world.second.id)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(r.already_submitted for r in results) == [False, True]
    assert len(audit_rows(db, "submittal.submit")) == 1
    assert db.execute(select(func.count(OutboxEmail.id))).scalar_one() == 2


def test_after_submit_the_pages_and_the_chat_show_the_submitted_filing_until_a_change(db: Session,
                                                                                       world: World) -> None:
    """No Draft right after a submit: every read shows the submitted filing (not an empty one), and changing a
    material shown there changes its copy in a new Draft, never the submitted line."""
    fill(db, world)
    submitted_id = service.submit(db, world.actor, world.fid, certified=True).submittal_id
    db.commit()
    [shown] = inventory.list_items(db, world.actor, world.fid)
    assert shown.submittal_id == submitted_id and shown.common_name == "Acetone"
    assert inventory.is_complete(db, world.fid)
    assert fi.get_business_activities(db, world.actor, world.fid)["hm_on_site"] is True
    assert fi.get_owner_operator(db, world.actor, world.fid)["identification_signer_name"] == "Maria Lopez"
    current = documents.current_documents(db, world.actor, world.fid)
    assert current["site_map"] is not None and current["site_map"].submittal_id == submitted_id
    items = {i.key: i.status for i in fi.checklist(db, world.actor, world.fid)}
    assert items["inventory"] == "complete", items
    assert db.execute(select(func.count(Submittal.id)).where(Submittal.status == "Draft")).scalar_one() == 0

    changed = inventory.update_item(db, world.actor, world.fid, shown.id, {"maximum_daily_amount": 110})
    db.commit()
    draft = draft_of(db, world.fid)
    assert changed.submittal_id == draft.id and draft.parent_submittal_id == submitted_id
    assert changed.common_name == "Acetone" and changed.maximum_daily_amount == 110
    db.expire_all()
    assert db.get(InventoryItem, shown.id).maximum_daily_amount == 55  # the submitted line as it was
    # a line of the submitted filing is not the Draft's any more: it can't be changed twice
    with pytest.raises(NotFound):
        inventory.remove_item(db, world.actor, world.fid, shown.id)
    assert [i.id for i in inventory.list_items(db, world.actor, world.fid)] == [changed.id]
