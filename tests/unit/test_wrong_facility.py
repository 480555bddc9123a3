"""A correction that names another facility by its CERS ID ("change the emergency phone of 10149706 to ...")
said while filing for a different facility never writes to the facility being filed (finding 8)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.facility_info import corrections, dialogue, service
from bot.models import AuditEvent, Facility, FacilityRole, User
from bot.timeutil import utcnow


@pytest.fixture
def two_facilities(db: Session) -> tuple[Actor, Facility, Facility]:
    user = User(email="lead@example.com", full_name="Maria Lopez", phone="(559) 555-0100", status="active",
                is_inspector=False, is_staff=False, failed_logins=0, created_at=utcnow())
    here = Facility(cers_id="10000077", name="Fresno Auto Repair", street="1234 W Shaw Ave", street_number="1234",
                    city="Fresno", zip="93711", created_at=utcnow())
    there = Facility(cers_id="10149706", name="Clovis Tire", street="12 Main St", street_number="12",
                     city="Clovis", zip="93612", created_at=utcnow())
    db.add_all([user, here, there])
    db.flush()
    for facility in (here, there):
        db.add(FacilityRole(user_id=user.id, facility_id=facility.id, role="lead", granted_at=utcnow()))
    db.commit()
    return Actor(user_id=user.id, channel="chat"), here, there


@pytest.mark.parametrize("text", [
    "Change the emergency phone of 10149706 to 559-555-0144",
    "set the 24 hour emergency phone for facility 10149706 to 559 555 0144",
    "the emergency phone of 10149706 should be 559-555-0144",
    "the emergency phone of 10149706 is 559-555-0144, not 559-555-0100",
])
def test_a_correction_about_another_facility_writes_nothing_here(db: Session, two_facilities, text: str) -> None:  # type: ignore[no-untyped-def]
    actor, here, there = two_facilities
    state: dict = {}
    for _ in range(2):
        state = dialogue.prompt(db, actor, here.id, state).state
    db.commit()
    writes_before = db.execute(select(func.count(AuditEvent.id))).scalar_one()
    turn = dialogue.handle(db, actor, here.id, state, text, intent="correct_field")
    db.commit()
    said = " ".join(m.text for m in turn.messages)
    assert "0144" not in said and "Saved" not in said and "Changed" not in said
    for facility in (here, there):
        assert "(559) 555-0144" not in service.get_owner_operator(db, actor, facility.id).values()
    assert db.execute(select(func.count(AuditEvent.id))).scalar_one() == writes_before


def test_the_same_correction_without_a_facility_still_works(db: Session, two_facilities) -> None:  # type: ignore[no-untyped-def]
    actor, here, _ = two_facilities
    turn = dialogue.handle(db, actor, here.id, {}, "change the primary emergency 24 hour phone to 559-555-0144",
                           intent="correct_field")
    db.commit()
    assert service.get_owner_operator(db, actor, here.id)["pec_24hr_phone"] == "(559) 555-0144", turn.messages


def test_facility_named_finds_cers_ids_only() -> None:
    assert corrections.facility_named("the emergency phone of 10149706") == "10149706"
    for text in ("559-555-0144", "EPA ID CAL000123456", "zip 93711", "5595550144", "the owner's phone"):
        assert corrections.facility_named(text) is None
