"""Facility Information core: Business Activities and Owner/Operator answers saved step by step, validation,
required elements, the checklist, permissions and the audit trail."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.errors import PermissionDenied, ValidationError
from bot.facility_info import service as fi
from bot.facility_info.questions import BUSINESS_QUESTIONS, OWNER_OPERATOR_FIELDS
from bot.models import AuditEvent, BusinessActivities, Facility, FacilityRole, InventoryItem, OwnerOperator, \
    Submittal
from bot.timeutil import utcnow
from tests.people import add_user


_user = add_user  # a user straight in the database (tests.people)


@pytest.fixture
def setup(db: Session) -> tuple[Actor, Facility]:
    lead = _user(db, "lead@example.com")
    facility = Facility(cers_id="10000077", name="Fresno Auto Repair", street="1234 W Shaw Ave", street_number="1234",
                        city="Fresno", zip="93711", created_at=utcnow())
    db.add(facility)
    db.flush()
    db.add(FacilityRole(user_id=lead.id, facility_id=facility.id, role="lead", granted_at=utcnow()))
    db.commit()
    return Actor(user_id=lead.id, channel="chat"), facility


def _audit(db: Session, action: str) -> list[AuditEvent]:
    return list(db.execute(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).scalars())


def test_business_activities_saved_and_read_back(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    assert fi.next_missing_business_activity(db, actor, facility.id).key == "hm_on_site"
    result = fi.set_business_activity(db, actor, facility.id, "hm_on_site", True)
    assert {e.key for e in result.newly_required} == {"inventory", "site_map", "emergency_response_plan",
                                                      "training_plan"}
    assert result.message().startswith("Hazardous Materials Inventory, Site map, Emergency response plan and "
                                       "Employee training plan are now required, because you said you have "
                                       "hazardous materials")
    fi.set_business_activity(db, actor, facility.id, "OwnOrOperateUST", False)  # CERS tag accepted
    db.commit()
    db.expire_all()
    row = db.execute(select(BusinessActivities)).scalar_one()
    assert row.hm_on_site is True and row.own_or_operate_ust is False and row.hw_generator is None
    assert row.updated_by_user_id == actor.user_id
    draft = db.get(Submittal, row.submittal_id)
    assert draft.facility_id == facility.id and draft.status == "Draft"
    answers = fi.get_business_activities(db, actor, facility.id)
    assert answers["hm_on_site"] is True and answers["own_or_operate_ust"] is False
    assert fi.next_missing_business_activity(db, actor, facility.id).key == "calarp_regulated_substances"
    # changing an answer keeps the others
    fi.set_business_activity(db, actor, facility.id, "hm_on_site", False)
    db.commit()
    answers = fi.get_business_activities(db, actor, facility.id)
    assert answers["hm_on_site"] is False and answers["own_or_operate_ust"] is False


def test_follow_up_questions_and_epa_id(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    for q in BUSINESS_QUESTIONS:
        if q.only_if is None:
            fi.set_business_activity(db, actor, facility.id, q.key, q.key == "hw_generator")
    # the LQG follow-up applies (generator = yes), financial assurance doesn't (no onsite treatment)
    assert fi.next_missing_business_activity(db, actor, facility.id).key == "rcra_large_quantity_generator"
    fi.set_business_activity(db, actor, facility.id, "rcra_large_quantity_generator", False)
    db.commit()
    assert fi.next_missing_business_activity(db, actor, facility.id) is None
    assert fi.epa_id_missing(db, actor, facility.id) is True
    status = {i.key: i for i in fi.checklist(db, actor, facility.id)}["business_activities"]
    assert status.status == "in progress" and "EPA ID" in status.next_step
    with pytest.raises(ValidationError) as err:
        fi.set_epa_id(db, actor, facility.id, "12-34")
    assert "CAL000123456" in err.value.message
    assert fi.set_epa_id(db, actor, facility.id, "cal 000-123-456") == "CAL000123456"
    db.commit()
    assert fi.epa_id_missing(db, actor, facility.id) is False
    items = {i.key: i for i in fi.checklist(db, actor, facility.id)}
    assert items["business_activities"].status == "complete"
    assert items["waste_streams"].status == "not started"


def test_required_elements_follow_the_answers(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    req = {e.key: e for e in fi.required_elements(db, actor, facility.id)}
    assert req["owner_operator"].required is True and req["certification"].required is True
    assert req["inventory"].required is None and req["ust"].required is None
    fi.set_business_activity(db, actor, facility.id, "hm_on_site", False)
    fi.set_business_activity(db, actor, facility.id, "own_or_operate_ust", True)
    fi.set_business_activity(db, actor, facility.id, "own_or_operate_apst", False)
    fi.set_business_activity(db, actor, facility.id, "onsite_hw_treatment", False)
    db.commit()
    req = {e.key: e for e in fi.required_elements(db, actor, facility.id)}
    assert req["ust"].required is True
    assert req["inventory"].required is True  # the tank's contents go in the inventory
    assert any("underground storage tank" in r for r in req["inventory"].reasons)
    assert req["site_map"].required is False and req["apsa"].required is False
    assert req["financial_assurance"].required is False  # follow-up of a "no" counts as no
    assert req["calarp"].required is None
    # turning UST off drops the inventory again
    result = fi.set_business_activity(db, actor, facility.id, "own_or_operate_ust", False)
    assert {e.key for e in result.no_longer_required} == {"ust", "inventory"}


def test_owner_operator_validation_and_normalization(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    fid = facility.id
    assert fi.set_owner_operator_field(db, actor, fid, "pec_24hr_phone", "559.555.0123") == "(559) 555-0123"
    assert fi.set_owner_operator_field(db, actor, fid, "econtact_email", " Ann@Example.COM ") == "ann@example.com"
    assert fi.set_owner_operator_field(db, actor, fid, "owner_state", "nevada") == "NV"
    assert fi.set_owner_operator_field(db, actor, fid, "owner_zip", "89501-1234") == "89501-1234"
    assert fi.set_owner_operator_field(db, actor, fid, "mailing_state", "Calif.") == "CA"
    assert fi.set_owner_operator_field(db, actor, fid, "mailing_city", "fresno") == "Fresno"
    assert fi.set_owner_operator_field(db, actor, fid, "identification_signed_date", "3/1/2024") == date(2024, 3, 1)
    assert fi.set_owner_operator_field(db, actor, fid, "naics_code", "811-111") == "811111"
    db.commit()
    cases = [
        ("pec_24hr_phone", "555-0123", "area code"),
        ("econtact_email", "ann at example", "name@example.com"),
        ("owner_state", "Ontario", "two-letter code"),
        ("owner_zip", "8950", "5 digits"),
        ("mailing_zip", "89501", "California"),  # business mailing state is CA
        ("mailing_zip", "93721", "Fresno"),  # 93721 is Fresno... city matches: accepted below
        ("business_name", "x" * 71, "at most 70"),
        ("identification_signed_date", "31/31/2024", "date"),
        ("sic_code", "741", "leading zero"),
    ]
    for key, raw, hint in cases:
        if raw == "93721":
            continue
        with pytest.raises(ValidationError) as err:
            fi.set_owner_operator_field(db, actor, fid, key, raw)
        assert hint in err.value.message, (key, err.value.message)
        assert err.value.field == key
        db.rollback()
    with pytest.raises(ValidationError) as err:
        fi.set_owner_operator_field(db, actor, fid, "mailing_zip", "90210")  # Beverly Hills, not Fresno
    assert "90210" in err.value.message and "Fresno" in err.value.message
    db.rollback()
    # earlier answers are intact after every rejected value
    values = fi.get_owner_operator(db, actor, fid)
    assert values["pec_24hr_phone"] == "(559) 555-0123" and values["econtact_email"] == "ann@example.com"
    assert values["owner_state"] == "NV" and values["owner_zip"] == "89501-1234" and values["mailing_zip"] is None
    assert fi.set_owner_operator_field(db, actor, fid, "mailing_zip", "93721") == "93721"


def test_prefill_and_next_missing(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    fid = facility.id
    assert fi.next_missing_owner_operator_field(db, actor, fid).key == "business_name"
    fi.set_owner_operator_field(db, actor, fid, "phone", "(559) 555-0199")
    result = fi.prefill_owner_operator(db, actor, fid)
    db.commit()
    row = db.execute(select(OwnerOperator)).scalar_one()
    assert row.business_name == "Fresno Auto Repair" and row.mailing_address == "1234 W Shaw Ave"
    assert (row.mailing_city, row.mailing_state, row.mailing_zip) == ("Fresno", "CA", "93711")
    assert row.owner_name == "Fresno Auto Repair" and row.owner_phone == "(559) 555-0199"
    assert row.operator_name == "Fresno Auto Repair" and row.billing_address == "1234 W Shaw Ave"
    assert row.billing_country == "United States" and row.owner_country == "United States"
    assert row.document_preparer_name == "Maria Lopez" and row.econtact_email == "lead@example.com"
    assert result.sources["business_name"] == "the facility's name"
    # a value the user gave is not overwritten by the prefill, unless they say "same as the business"
    fi.set_owner_operator_field(db, actor, fid, "owner_name", "Maria Lopez")
    fi.prefill_owner_operator(db, actor, fid, ("owner",))
    assert fi.get_owner_operator(db, actor, fid)["owner_name"] == "Maria Lopez"
    fi.prefill_owner_operator(db, actor, fid, ("owner",), overwrite=True)
    assert fi.get_owner_operator(db, actor, fid)["owner_name"] == "Fresno Auto Repair"
    nxt = fi.next_missing_owner_operator_field(db, actor, fid)
    assert nxt.key == "econtact_mail_address" and nxt.required
    # skipping: only fields that are not required
    with pytest.raises(ValidationError):
        fi.skip_owner_operator_field(db, actor, fid, "identification_signer_title")
    fi.set_owner_operator_field(db, actor, fid, "sec_title", "Shop foreman")
    fi.skip_owner_operator_field(db, actor, fid, "sec_name")  # no secondary contact: the whole block
    assert fi.get_owner_operator(db, actor, fid)["sec_title"] is None
    assert fi.next_missing_owner_operator_field(db, actor, fid, levels=("recommended",)).key == "econtact_state"
    fi.set_owner_operator_field(db, actor, fid, "econtact_state", "ca")
    fi.set_owner_operator_field(db, actor, fid, "econtact_zip", "93711")
    assert fi.next_missing_owner_operator_field(db, actor, fid, levels=("recommended",)) is None
    fi.set_owner_operator_field(db, actor, fid, "sec_title", "Manager")  # given after all: no longer skipped
    db.commit()
    assert db.execute(select(OwnerOperator)).scalar_one().skipped == [
        k for k in ("sec_24hr_phone", "sec_business_phone", "sec_name", "sec_pager")]


def test_checklist_statuses_and_certification(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    fid = facility.id
    items = {i.key: i for i in fi.checklist(db, actor, fid)}
    assert items["business_activities"].status == "not started"
    assert items["owner_operator"].status == "not started"
    assert items["certification"].status == "not started" and "Not Accepted" in items["certification"].reason
    assert items["inventory"].status == "not started" and "ust" not in items
    assert fi.next_step(list(items.values())).key == "business_activities"
    for q in BUSINESS_QUESTIONS:
        if q.only_if is None:
            fi.set_business_activity(db, actor, fid, q.key, q.key in ("hm_on_site", "own_or_operate_apst"))
    for f in OWNER_OPERATOR_FIELDS:
        if f.required and f.group != "certification":
            raw = {"phone": "559-555-0123", "address": "1 Main St", "city": "Fresno", "state": "CA",
                   "zip": "93721", "email": "a@example.com"}.get(f.validator, "Pat Lee")
            fi.set_owner_operator_field(db, actor, fid, f.key, raw)
    fi.set_owner_operator_field(db, actor, fid, "document_preparer_name", "Pat Lee")
    draft = db.execute(select(Submittal)).scalar_one()
    db.add(InventoryItem(submittal_id=draft.id, position=1, common_name="Motor oil", ehs=False, physical_state="b",
                         maximum_daily_amount=165, units="a"))
    db.commit()
    items = {i.key: i for i in fi.checklist(db, actor, fid)}
    assert items["business_activities"].status == "complete"
    assert items["owner_operator"].status == "complete"
    assert items["certification"].status == "in progress"
    assert "signer's name" in items["certification"].next_step and "Not Accepted" in items["certification"].reason
    assert items["inventory"].status == "in progress" and "storage container" in items["inventory"].next_step
    assert items["apsa"].status == "not started" and "1,320" in items["apsa"].reason
    assert items["site_map"].status == "not started" and "ust" not in items
    fi.set_owner_operator_field(db, actor, fid, "identification_signer_name", "Maria Lopez")
    fi.set_owner_operator_field(db, actor, fid, "identification_signer_title", "Owner")
    fi.set_owner_operator_field(db, actor, fid, "identification_signed_date", "today")
    item = db.execute(select(InventoryItem)).scalar_one()
    item.sc_steel_drum = True
    db.commit()
    items = {i.key: i for i in fi.checklist(db, actor, fid)}
    # every line valid, but the filer has not said the list is complete yet
    assert items["certification"].status == "complete" and items["inventory"].status == "in progress"
    assert "that's all" in items["inventory"].next_step
    from bot.inventory import service as inventory

    inventory.mark_complete(db, actor, fid)
    db.commit()
    items = {i.key: i for i in fi.checklist(db, actor, fid)}
    assert items["inventory"].status == "complete"
    assert "Site map: not started" in fi.format_checklist(list(items.values()))
    # hazardous materials = no: the core plan elements are not required
    fi.set_business_activity(db, actor, fid, "hm_on_site", False)
    fi.set_business_activity(db, actor, fid, "own_or_operate_apst", False)
    items = {i.key: i for i in fi.checklist(db, actor, fid)}
    assert items["site_map"].status == "not required" and items["training_plan"].status == "not required"
    assert items["inventory"].status == "not required" and "apsa" not in items


def test_permission_denied_without_a_role(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    fi.set_business_activity(db, actor, facility.id, "hm_on_site", True)
    db.commit()
    stranger = Actor(user_id=_user(db, "stranger@example.com").id)
    ended = _user(db, "left@example.com")
    db.add(FacilityRole(user_id=ended.id, facility_id=facility.id, role="user", granted_at=utcnow(),
                        ended_at=utcnow()))
    db.commit()
    for who in (stranger, Actor(user_id=ended.id), Actor.anonymous(),
                Actor(user_id=actor.user_id, role="staff", on_behalf_of=stranger.user_id)):
        for call in (
            lambda: fi.get_business_activities(db, who, facility.id),
            lambda: fi.get_owner_operator(db, who, facility.id),
            lambda: fi.checklist(db, who, facility.id),
            lambda: fi.required_elements(db, who, facility.id),
            lambda: fi.set_business_activity(db, who, facility.id, "hm_on_site", False),
            lambda: fi.set_owner_operator_field(db, who, facility.id, "owner_name", "Eve"),
            lambda: fi.prefill_owner_operator(db, who, facility.id),
            lambda: fi.next_missing_owner_operator_field(db, who, facility.id),
        ):
            with pytest.raises(PermissionDenied) as err:
                call()
            assert "Fresno Auto Repair" in err.value.message
        db.rollback()
    assert fi.get_business_activities(db, actor, facility.id)["hm_on_site"] is True
    assert db.execute(select(OwnerOperator)).scalar_one_or_none() is None


def test_audit_rows_with_actor_and_on_behalf_of(db: Session, setup: tuple[Actor, Facility]) -> None:
    caller, facility = setup
    staff_user = _user(db, "staff@example.com", name="Sam Staff")
    staff = Actor(user_id=staff_user.id, role="staff", on_behalf_of=caller.user_id, channel="staff_console")
    fi.set_business_activity(db, caller, facility.id, "hm_on_site", True)
    fi.set_business_activity(db, staff, facility.id, "hm_on_site", False)
    fi.set_owner_operator_field(db, staff, facility.id, "pec_24hr_phone", "559 555 0123")
    db.commit()
    rows = _audit(db, "business_activities.answer")
    assert [(r.actor_user_id, r.actor_role, r.on_behalf_of_user_id) for r in rows] == [
        (caller.user_id, "user", None), (staff_user.id, "staff", caller.user_id)]
    assert rows[1].details["key"] == "hm_on_site" and rows[1].details["value"] is False
    assert rows[1].details["previous"] is True
    oo = _audit(db, "owner_operator.set")[0]
    assert oo.actor_user_id == staff_user.id and oo.on_behalf_of_user_id == caller.user_id
    assert oo.channel == "staff_console" and oo.details["value"] == "(559) 555-0123"
    assert len(_audit(db, "submittal.create")) == 1  # one Draft, created once
    assert db.execute(select(OwnerOperator)).scalar_one().updated_by_user_id == staff_user.id
