"""Facilities on SQLite and PostgreSQL: add (new CERS ID, Lead User, audit), search, duplicate-address
warning, roles."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.errors import NotFound, PermissionDenied, ValidationError
from bot.models import Facility, FacilityRole
from bot.services import facilities
from bot.timeutil import utcnow
from tests.unit.conftest import audit_rows


def _add(db: Session, user, name: str = "Valley Auto Repair", street: str = "1234 W Shaw Ave",  # type: ignore[no-untyped-def]
         city: str = "Fresno", zip: str = "93721") -> Facility:  # noqa: A002
    facility = facilities.create_facility(db, Actor(user_id=user.id, channel="chat"), name, street, city, zip)
    db.commit()
    return facility


def test_create_facility_gives_a_new_cers_id_and_makes_the_creator_lead_user(db: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    maria = make_user("maria@example.com")
    first = _add(db, maria, street="1234  w shaw avenue", city="fresno", zip="93721-4410")
    second = _add(db, maria, name="Sierra Dry Cleaners", street="88 N Blackstone Ave")
    assert (first.cers_id, second.cers_id) == ("10000001", "10000002")
    assert (first.street, first.street_number, first.city, first.zip, first.county) == (
        "1234 W Shaw Avenue", "1234", "Fresno", "93721", "Fresno")
    role = db.execute(select(FacilityRole).where(FacilityRole.facility_id == first.id)).scalar_one()
    assert (role.user_id, role.role, role.ended_at) == (maria.id, "lead", None)
    assert facilities.role_of(db, maria.id, first.id) == "lead"
    assert facilities.facilities_for_user(db, maria.id) == [second, first]  # by name

    event = audit_rows(db, "facility.create")[0]
    assert (event.actor_user_id, event.channel, event.entity_type, event.entity_id) == (
        maria.id, "chat", "facility", str(first.id))
    assert event.details["cers_id"] == "10000001" and event.details["address"] == "1234 W Shaw Avenue, Fresno, CA 93721"

    db.execute(update(Facility).where(Facility.id == second.id).values(cers_id="24999999"))
    db.commit()
    assert _add(db, maria, name="Third", street="1 Main St").cers_id == "25000000"  # above the highest in use


def test_staff_on_behalf_makes_the_caller_lead_user(db: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    staff, caller = make_user("staff@example.com"), make_user("caller@example.com")
    actor = Actor(user_id=staff.id, role="staff", on_behalf_of=caller.id, channel="staff_console")
    facility = facilities.create_facility(db, actor, "Caller's Shop", "5 Oak St", "Fresno", "93721")
    db.commit()
    assert facilities.role_of(db, caller.id, facility.id) == "lead"
    assert facilities.role_of(db, staff.id, facility.id) is None
    event = audit_rows(db, "facility.create")[0]
    assert (event.actor_user_id, event.on_behalf_of_user_id, event.actor_role) == (staff.id, caller.id, "staff")


@pytest.mark.parametrize("field,kwargs,expected", [
    ("name", {"name": ""}, "Please give the facility name"),
    ("name", {"name": "x" * 71}, "at most 70 characters"),
    ("street", {"street": "W Shaw Ave"}, "doesn't start with a street number"),
    ("street", {"street": "PO Box 123"}, "not a P.O. Box"),
    ("street", {"street": "12 P.O. Box 77"}, "not a P.O. Box"),
    ("zip", {"zip": "10001"}, "California ZIP codes start with 9"),
    ("zip", {"zip": "99999"}, "can't find ZIP code 99999 in California"),
    ("city", {"city": "Clovis"}, "ZIP code 93721 is in Fresno, not Clovis"),
])
def test_create_facility_rejects_bad_fields_and_writes_nothing(db: Session, make_user, field, kwargs, expected) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    values = {"name": "Valley Auto", "street": "1234 W Shaw Ave", "city": "Fresno", "zip": "93721", **kwargs}
    with pytest.raises(ValidationError) as err:
        facilities.create_facility(db, Actor(user_id=user.id), **values)
    assert expected in err.value.message and err.value.field == field
    db.rollback()
    assert db.execute(select(func.count(Facility.id))).scalar_one() == 0


def test_anonymous_cannot_create(db: Session) -> None:
    with pytest.raises(PermissionDenied):
        facilities.create_facility(db, Actor.anonymous(), "Valley Auto", "1234 W Shaw Ave", "Fresno", "93721")


def test_cers_id_is_retried_when_taken_meanwhile(db: Session, make_user, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    existing = _add(db, user)
    real = facilities._next_cers_id
    calls: list[str] = []

    def stale(session: Session) -> str:  # first answer: an ID another transaction just took
        calls.append("x")
        return existing.cers_id if len(calls) == 1 else real(session)

    monkeypatch.setattr(facilities, "_next_cers_id", stale)
    second = _add(db, user, name="Second", street="9 Elm St")
    assert second.cers_id == "10000002" and len(calls) == 2
    assert db.execute(select(func.count(Facility.id))).scalar_one() == 2


def test_concurrent_creates_get_distinct_cers_ids(db: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    from bot.db import session_scope

    user = make_user()
    errors: list[BaseException] = []

    def create(i: int) -> None:
        try:
            with session_scope() as session:
                facilities.create_facility(session, Actor(user_id=user.id), f"Shop {i}", f"{100 + i} Main St",
                                           "Fresno", "93721")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=create, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    ids = db.execute(select(Facility.cers_id).order_by(Facility.cers_id)).scalars().all()
    assert ids == ["10000001", "10000002", "10000003", "10000004"]


def test_search(db: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    shaw = _add(db, user, "Valley Auto Repair", "1234 W Shaw Avenue", "Fresno", "93721")
    blackstone = _add(db, user, "Blackstone Cleaners", "1234 N Blackstone Ave", "Fresno", "93721")
    la = _add(db, user, "Acme Plating", "1234 S Main St", "Los Angeles", "90002")
    _add(db, user, "Other Number", "4321 W Shaw Ave", "Fresno", "93721")

    assert facilities.search_by_address(db, "1234") == [la, blackstone, shaw]  # ordered by name
    assert facilities.search_by_address(db, " 1234 ", street="shaw ave") == [shaw]
    assert facilities.search_by_address(db, "1234", street="West Shaw") == [shaw]
    assert facilities.search_by_address(db, "1234", street="1234 BLACKSTONE") == [blackstone]
    assert facilities.search_by_address(db, "1234", city="los angeles") == [la]
    # nothing matches every word: all facilities at that number, the closest to the words first
    assert facilities.search_by_address(db, "1234", street="shaw av", city="Clovis") == [shaw, la, blackstone]
    assert facilities.search_by_address(db, "1234", street="blackstone", city="Fresno")[0] == blackstone
    assert facilities.search_by_address(db, "1234", street="camino del rio s") == [la, blackstone, shaw]
    assert facilities.search_by_address(db, "98765", street="Harbor Blvd", city="Oxnard") == []
    assert facilities.search_by_address(db, "1234", limit=2) == [la, blackstone]
    assert facilities.search_by_address(db, "99") == []
    with pytest.raises(ValidationError) as err:
        facilities.search_by_address(db, "Shaw Ave")
    assert "just the number part" in err.value.message

    assert facilities.find_by_cers_id(db, "1000 0001") == shaw
    assert facilities.find_by_cers_id(db, "19999999") is None
    with pytest.raises(ValidationError):
        facilities.find_by_cers_id(db, "123")


def test_address_match_warning(db: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    shaw = _add(db, user, "Valley Auto Repair", "1234 W Shaw Avenue", "Fresno", "93721")
    assert facilities.address_matches(db, "1234 West Shaw Ave", "Fresno", "93721") == [shaw]
    assert facilities.address_matches(db, "1234 shaw ave.", "FRESNO", "93721-0001") == [shaw]
    assert facilities.address_matches(db, "1234 W Shaw Ave Suite 5", "Fresno", "93721") == [shaw]
    assert facilities.address_matches(db, "1234 W Shaw Ave", "Clovis", "93612") == []
    assert facilities.address_matches(db, "1235 W Shaw Ave", "Fresno", "93721") == []
    assert facilities.address_matches(db, "1234 W Ashlan Ave", "Fresno", "93721") == []
    assert facilities.address_matches(db, "no number", "Fresno", "93721") == []


def test_roles_and_permissions(db: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    lead, member, stranger = make_user(), make_user(), make_user()
    facility = _add(db, lead)
    db.add(FacilityRole(user_id=member.id, facility_id=facility.id, role="user", granted_at=utcnow()))
    db.commit()
    assert facilities.require_role(db, lead.id, facility.id) == "lead"
    assert facilities.require_role(db, member.id, facility.id) == "user"
    with pytest.raises(PermissionDenied) as no_access:
        facilities.require_role(db, stranger.id, facility.id)
    assert "don't have access to Valley Auto Repair (CERS ID 10000001)" in no_access.value.message
    with pytest.raises(PermissionDenied) as not_lead:
        facilities.require_role(db, member.id, facility.id, roles=("lead",))
    assert "Only a Lead User" in not_lead.value.message
    with pytest.raises(NotFound):
        facilities.require_role(db, lead.id, 999999)

    db.execute(update(FacilityRole).where(FacilityRole.user_id == lead.id).values(ended_at=utcnow()))
    db.commit()
    assert facilities.role_of(db, lead.id, facility.id) is None
    assert facilities.facilities_for_user(db, lead.id) == []
    assert facilities.active_lead_users(db, facility.id) == []
