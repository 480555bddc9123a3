"""Deadline reminders (bot.deadlines) with a frozen clock, on SQLite and PostgreSQL: each reminder goes once to
every active Lead User over real SMTP however often the command runs; only the most urgent stage is sent after a
gap; a filing submitted for the year, or a resubmittal, stops them."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import deadlines
from bot.models import Cupa, Facility, FacilityRole, ReminderSent, ReviewDecision, Submittal, User
from bot.timeutil import utcnow
from tests.mailcatcher import SmtpServer

LEAD, SECOND = "lead@example.com", "second@example.com"


def at(day: str, hour: int = 17) -> datetime:
    """A UTC time on that California day (17:00 UTC is 09:00 in Los Angeles)."""
    y, m, d = (int(x) for x in day.split("-"))
    return datetime(y, m, d, hour, tzinfo=timezone.utc)


@pytest.fixture
def facility(db: Session) -> Facility:
    cupa = Cupa(key="test-fresno", name="Fresno County CUPA", county="Fresno", phone="(559) 555-0100",
                email="cupa@example.gov", contact_is_placeholder=True, annual_due_month=3, annual_due_day=1)
    db.add(cupa)
    db.flush()
    fac = Facility(cers_id="10000555", name="Valley Paint Shop", street="1234 W Shaw Ave", street_number="1234",
                   city="Fresno", zip="93711", cupa_id=cupa.id, created_at=utcnow())
    db.add(fac)
    db.flush()
    for email, name, status in ((LEAD, "Maria Lopez", "active"), (SECOND, "Ken Ito", "active"),
                                ("gone@example.com", "Old Owner", "disabled")):
        user = User(email=email, full_name=name, phone="(559) 555-0101", status=status, is_inspector=False,
                    is_staff=False, failed_logins=0, created_at=utcnow())
        db.add(user)
        db.flush()
        db.add(FacilityRole(user_id=user.id, facility_id=fac.id, role="lead", granted_at=utcnow()))
    db.commit()
    return fac


def sent_rows(db: Session) -> list[tuple[str, str, date]]:
    db.expire_all()
    return [(r.kind, r.stage, r.due_on) for r in db.execute(select(ReminderSent).order_by(ReminderSent.id)).scalars()]


def test_stages() -> None:
    assert deadlines.stage_for(40, deadlines.ANNUAL_STAGES) is None
    assert deadlines.stage_for(30, deadlines.ANNUAL_STAGES) == "30 days"
    assert deadlines.stage_for(7, deadlines.ANNUAL_STAGES) == "7 days"
    assert deadlines.stage_for(0, deadlines.ANNUAL_STAGES) == "7 days"
    assert deadlines.stage_for(-1, deadlines.ANNUAL_STAGES, 60) == "overdue"
    assert deadlines.stage_for(-61, deadlines.ANNUAL_STAGES, 60) is None
    assert deadlines.annual_date(2027, 2, 29) == date(2027, 2, 28)
    assert deadlines.california_today(datetime(2027, 3, 1, 5, tzinfo=timezone.utc)) == date(2027, 2, 28)


def test_annual_reminders_go_once_per_stage_to_every_active_lead_user(db: Session, facility: Facility,
                                                                      smtp_server: SmtpServer) -> None:
    assert deadlines.send_due(db, at("2027-01-20")) == []  # 40 days ahead: nothing yet
    [first] = deadlines.send_due(db, at("2027-02-01"))
    assert (first.kind, first.stage, first.due_on, first.days_left) == ("annual", "30 days", date(2027, 3, 1), 28)
    for address in (LEAD, SECOND):
        mail = smtp_server.wait_for(address, "Annual filing due soon: Valley Paint Shop")
        assert "is due on March 1, 2027 (in 28 days)" in smtp_server.body(mail)
    assert smtp_server.to("gone@example.com") == []
    # run again the same day, and the next days: nothing twice
    for day in ("2027-02-01", "2027-02-02", "2027-02-10"):
        assert deadlines.send_due(db, at(day)) == []
    assert [r.stage for r in deadlines.send_due(db, at("2027-02-22"))] == ["7 days"]
    assert deadlines.send_due(db, at("2027-02-23")) == []
    [late] = deadlines.send_due(db, at("2027-03-03"))
    assert late.stage == "overdue"
    mail = smtp_server.wait_for(LEAD, "Annual filing overdue")
    assert "was due on March 1, 2027 (2 days ago)" in smtp_server.body(mail)
    assert deadlines.send_due(db, at("2027-03-04")) == []
    assert sent_rows(db) == [("annual", "30 days", date(2027, 3, 1)), ("annual", "7 days", date(2027, 3, 1)),
                             ("annual", "overdue", date(2027, 3, 1))]
    assert len(smtp_server.to(LEAD)) == 3


def test_after_a_gap_only_the_most_urgent_stage_is_sent(db: Session, facility: Facility) -> None:
    [only] = deadlines.send_due(db, at("2027-02-25"))  # the command did not run in February until now
    assert only.stage == "7 days"
    assert sent_rows(db) == [("annual", "7 days", date(2027, 3, 1))]


def test_a_filing_submitted_this_year_stops_the_annual_reminder(db: Session, facility: Facility) -> None:
    db.add(Submittal(facility_id=facility.id, year=2026, status="Accepted",
                     submitted_at=datetime(2026, 11, 2, tzinfo=timezone.utc)))
    db.commit()
    assert deadlines.send_due(db, at("2027-02-22")) == []
    # a year later it is due again
    assert [r.due_on for r in deadlines.send_due(db, at("2028-02-22"))] == [date(2028, 3, 1)]


def test_corrections_coming_due_and_overdue_until_submitted_again(db: Session, facility: Facility,
                                                                  smtp_server: SmtpServer) -> None:
    filing = Submittal(facility_id=facility.id, year=2026, status="Not Accepted",
                       submitted_at=datetime(2026, 12, 1, tzinfo=timezone.utc), due_date=date(2027, 1, 8))
    db.add(filing)
    db.flush()
    db.add(ReviewDecision(submittal_id=filing.id, element="site_map", decision="Not Accepted",
                          reasons=["site_map_missing_items"], decided_at=utcnow()))
    db.commit()
    assert deadlines.send_due(db, at("2026-12-20")) == []
    [soon] = deadlines.send_due(db, at("2027-01-03"))
    assert (soon.kind, soon.stage, soon.days_left) == ("resubmittal", "7 days", 5)
    body = smtp_server.body(smtp_server.wait_for(SECOND, "Corrections due soon: Valley Paint Shop"))
    assert "is due on January 8, 2027 (in 5 days)" in body and "Not Accepted: Site Map." in body
    assert "what do I need to fix?" in body
    assert deadlines.send_due(db, at("2027-01-04")) == []
    [overdue] = deadlines.send_due(db, at("2027-01-09"))
    assert overdue.stage == "overdue"
    # submitted again: no more reminders about it
    db.add(Submittal(facility_id=facility.id, year=2027, status="Submitted",
                     submitted_at=datetime(2027, 1, 10, tzinfo=timezone.utc)))
    db.commit()
    assert [r for r in deadlines.send_due(db, at("2027-01-20")) if r.kind == "resubmittal"] == []


def test_dry_run_sends_nothing_and_the_command_prints_what_it_sent(db: Session, facility: Facility,
                                                                   smtp_server: SmtpServer,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert len(deadlines.send_due(db, at("2027-02-01"), dry_run=True)) == 1
    assert sent_rows(db) == [] and smtp_server.to(LEAD) == []
    assert deadlines.main(["--now", "2027-02-01T17:00", "--dry-run"]) == 0
    assert "would send 1 reminder" in capsys.readouterr().out
    assert deadlines.main(["--now", "2027-02-01T17:00"]) == 0
    out = capsys.readouterr().out
    assert "sent 1 reminder" in out and "10000555 annual due 2027-03-01 (30 days)" in out
    assert deadlines.main(["--now", "2027-02-01T17:00"]) == 0
    assert "sent 0 reminders" in capsys.readouterr().out
    smtp_server.wait_for(LEAD, "Annual filing due soon")
    db.expire_all()
    assert db.execute(select(func.count(ReminderSent.id))).scalar_one() == 1
    assert deadlines.main(["--now", "yesterday"]) == 2
