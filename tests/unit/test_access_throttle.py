"""Access requests through the throttles (bot.services.access_throttle): each one emails every Lead User of
the facility, so a requester may ask only so often, a facility's Lead Users get only so many a day, and the
job title (which goes into that email) may hold no link or phone number (finding 4)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.errors import RateLimited, ValidationError
from bot.models import AccessRequest, ThrottleHit
from bot.services import access_throttle, facilities


@pytest.fixture
def sites(db: Session, make_user):  # type: ignore[no-untyped-def]
    lead = make_user("lead@example.com", "Lena Lead")
    made = [facilities.create_facility(db, Actor(user_id=lead.id), f"Shop {i}", f"{100 + i} W Shaw Ave", "Fresno",
                                       "93721") for i in range(7)]
    db.commit()
    return made


def test_a_requester_may_ask_five_times_an_hour(db: Session, make_user, sites, smtp_server) -> None:  # type: ignore[no-untyped-def]
    requester = make_user("req@example.com", "Ray Quest")
    for facility in sites[:5]:
        access_throttle.request_access(db, Actor(user_id=requester.id), facility.id, "559 555 0188", "Owner")
        db.commit()
    with pytest.raises(RateLimited) as too_many:
        access_throttle.request_access(db, Actor(user_id=requester.id), sites[5].id, "559 555 0188", "Owner")
    assert "Please wait" in too_many.value.message
    db.rollback()
    assert len(smtp_server.to("lead@example.com")) == 5
    db.execute(update(ThrottleHit).values(created_at=ThrottleHit.created_at - timedelta(hours=1, minutes=1)))
    db.commit()
    access_throttle.request_access(db, Actor(user_id=requester.id), sites[5].id, "559 555 0188", "Owner")
    db.commit()
    assert len(db.execute(select(AccessRequest)).scalars().all()) == 6


def test_one_facilitys_lead_users_get_at_most_twenty_requests_a_day(db: Session, make_user, sites,
                                                                    smtp_server) -> None:  # type: ignore[no-untyped-def]
    for i in range(20):
        asker = make_user(f"asker{i}@example.com", f"Asker Number {chr(65 + i)}")
        access_throttle.request_access(db, Actor(user_id=asker.id), sites[0].id, "559 555 0188", "Owner")
        db.commit()
    late = make_user("late@example.com", "Late Asker")
    with pytest.raises(RateLimited):
        access_throttle.request_access(db, Actor(user_id=late.id), sites[0].id, "559 555 0188", "Owner")
    db.rollback()
    assert len(smtp_server.to("lead@example.com")) == 20


@pytest.mark.parametrize("title", ["Call 559 555 0100 now", "see http://evil.example", "owner (www.x.example)"])
def test_a_title_with_a_link_or_phone_number_is_refused(db: Session, make_user, sites, smtp_server, title) -> None:  # type: ignore[no-untyped-def]
    requester = make_user("req@example.com", "Ray Quest")
    with pytest.raises(ValidationError) as refused:
        access_throttle.request_access(db, Actor(user_id=requester.id), sites[0].id, "559 555 0188", title)
    assert refused.value.field == "title"
    db.rollback()
    assert smtp_server.messages == [] and db.execute(select(AccessRequest)).first() is None
