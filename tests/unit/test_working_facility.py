"""Which facility a user works on: only their own, the last worked-on first, "switch to the Fresno site"."""
from __future__ import annotations

from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.facility_info import service as fi
from bot.models import Facility, FacilityRole
from bot.services import working_facility
from bot.timeutil import utcnow
from tests.unit.test_facility_info import _user


def _facility(db: Session, cers_id: str, name: str, street: str, city: str, zip5: str) -> Facility:
    f = Facility(cers_id=cers_id, name=name, street=street, street_number=street.split()[0], city=city, zip=zip5,
                 created_at=utcnow())
    db.add(f)
    db.flush()
    return f


def test_choices_are_the_users_own_facilities_last_worked_on_first(db: Session) -> None:
    me = _user(db, "me@example.com")
    other = _user(db, "other@example.com")
    fresno = _facility(db, "10000101", "Valley Auto Repair", "4410 N Blackstone Ave", "Fresno", "93726")
    bakersfield = _facility(db, "10000102", "Valley Auto Repair Bakersfield", "2210 Oak St", "Bakersfield", "93301")
    theirs = _facility(db, "10000103", "Sierra Dry Cleaners", "118 E Olive Ave", "Fresno", "93728")
    for f in (fresno, bakersfield):
        db.add(FacilityRole(user_id=me.id, facility_id=f.id, role="lead", granted_at=utcnow()))
    db.add(FacilityRole(user_id=other.id, facility_id=theirs.id, role="lead", granted_at=utcnow()))
    db.commit()

    names = [c.facility.cers_id for c in working_facility.choices(db, me.id)]
    assert names == ["10000101", "10000102"]  # by name when nothing was worked on yet
    assert not any(c.last_worked for c in working_facility.choices(db, me.id))

    fi.set_business_activity(db, Actor(user_id=me.id, channel="chat"), bakersfield.id, "hm_on_site", True)
    db.commit()
    options = working_facility.choices(db, me.id)
    assert [c.facility.cers_id for c in options] == ["10000102", "10000101"]
    assert options[0].last_worked and not options[1].last_worked
    assert "10000103" not in [c.facility.cers_id for c in options]


def test_match_by_city_name_street_and_cers_id(db: Session) -> None:
    fresno = _facility(db, "10000111", "Valley Auto Repair", "4410 N Blackstone Ave", "Fresno", "93726")
    bakersfield = _facility(db, "10000112", "Kern Tire Center", "2210 Oak St", "Bakersfield", "93301")
    visalia = _facility(db, "10000113", "Valley Auto Repair", "600 W Main St", "Visalia", "93291")
    options = [fresno, bakersfield, visalia]
    assert working_facility.match(options, "switch to the Fresno site") == [fresno]
    assert working_facility.match(options, "now do the bakersfield shop") == [bakersfield]
    assert working_facility.match(options, "the tire center") == [bakersfield]
    assert working_facility.match(options, "the one on main street") == [visalia]
    assert working_facility.match(options, "use 10000113 please") == [visalia]
    assert set(working_facility.match(options, "valley auto repair")) == {fresno, visalia}  # ambiguous: ask
    assert working_facility.match(options, "switch facility") == []
