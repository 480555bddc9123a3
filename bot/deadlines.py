"""Deadline reminders: corrections of a Not Accepted filing coming due, and the annual filing by the CUPA's date.

Run from cron as often as you like: `python -m bot.deadlines [--now 2027-02-22T08:00] [--dry-run]`. Each
reminder is sent once: a `reminders_sent` row per facility, kind, due date and stage, written in the same
transaction as the emails (which go through the durable outbox to every active Lead User). Two runs at once send
it once too (the row's unique key). When the command did not run for a while, only the most urgent stage due is
sent, never a backlog of stale ones.

- resubmittal: the facility's last filing is Not Accepted with a due date (bot.review, 30 days after the
  decision) and nothing was submitted since. Stages: "7 days" (due within a week), "overdue" (the day after).
- annual: the CUPA's annual filing date (month/day, default March 1), for facilities with a CUPA and no filing
  submitted in the twelve months before it (AB 1429: the plan is reviewed and certified every year). Stages:
  "30 days", "7 days", "overdue" (within 60 days after the date; later the CUPA follows it up itself).

Dates are California dates (America/Los_Angeles).
"""
from __future__ import annotations

import argparse
import calendar
import sys
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Iterable, Optional, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.config import get_settings
from bot.models import Cupa, Facility, FacilityRole, ReminderSent, ReviewDecision, Submittal, User
from bot.services import mailer
from bot.services.facilities import active_lead_users
from bot.timeutil import utcnow

CALIFORNIA = ZoneInfo("America/Los_Angeles")
RESUBMITTAL_STAGES = ((7, "7 days"),)  # (days left at most, stage); after the due date: "overdue"
ANNUAL_STAGES = ((30, "30 days"), (7, "7 days"))
OVERDUE = "overdue"
ANNUAL_OVERDUE_WINDOW = 60  # days after the annual date during which the overdue reminder may still go


@dataclass(frozen=True)
class Reminder:
    facility_id: int
    kind: str  # resubmittal | annual
    due_on: date
    stage: str
    days_left: int


def california_today(now: datetime) -> date:
    return (now if now.tzinfo else now.replace(tzinfo=timezone.utc)).astimezone(CALIFORNIA).date()


def annual_date(year: int, month: int, day: int) -> date:
    """The CUPA's date in `year` (a 29 February becomes the 28th in other years)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def stage_for(days_left: int, stages: Sequence[tuple[int, str]], overdue_window: Optional[int] = None) -> Optional[str]:
    """The most urgent stage `days_left` has reached (None: too early, or overdue for too long)."""
    if days_left < 0:
        return OVERDUE if overdue_window is None or -days_left <= overdue_window else None
    reached = [name for limit, name in stages if days_left <= limit]
    return reached[-1] if reached else None


def _with_lead_users(db: Session) -> list[int]:
    return list(db.execute(
        select(FacilityRole.facility_id).join(User, User.id == FacilityRole.user_id)
        .where(FacilityRole.role == "lead", FacilityRole.ended_at.is_(None), User.status == "active")
        .distinct()).scalars())


def _last_filing(db: Session, facility_id: int) -> Optional[Submittal]:
    return db.execute(select(Submittal).where(Submittal.facility_id == facility_id, Submittal.status != "Draft")
                      .order_by(Submittal.submitted_at.desc().nulls_last(), Submittal.id.desc()).limit(1)
                      ).scalar_one_or_none()


def due_reminders(db: Session, now: datetime) -> list[Reminder]:
    """Every reminder whose stage has been reached today (sent or not)."""
    today = california_today(now)
    out: list[Reminder] = []
    for facility_id in _with_lead_users(db):
        last = _last_filing(db, facility_id)
        if last is not None and last.status == "Not Accepted" and last.due_date is not None:
            days = (last.due_date - today).days
            stage = stage_for(days, RESUBMITTAL_STAGES)
            if stage:
                out.append(Reminder(facility_id, "resubmittal", last.due_date, stage, days))
        facility = db.get(Facility, facility_id)
        cupa = db.get(Cupa, facility.cupa_id) if facility is not None and facility.cupa_id else None
        if cupa is None:
            continue
        due = annual_date(today.year, cupa.annual_due_month, cupa.annual_due_day)
        if (due - today).days < -ANNUAL_OVERDUE_WINDOW:  # long past: next year's date
            due = annual_date(today.year + 1, cupa.annual_due_month, cupa.annual_due_day)
        cycle_start = annual_date(due.year - 1, cupa.annual_due_month, cupa.annual_due_day)
        submitted = last.submitted_at if last is not None else None
        if submitted is not None and california_today(submitted) > cycle_start:
            continue  # filed for this year already
        days = (due - today).days
        stage = stage_for(days, ANNUAL_STAGES, ANNUAL_OVERDUE_WINDOW)
        if stage:
            out.append(Reminder(facility_id, "annual", due, stage, days))
    return out


def _when(reminder: Reminder) -> str:
    day = f"{reminder.due_on:%B} {reminder.due_on.day}, {reminder.due_on.year}"
    if reminder.days_left < 0:
        return f"was due on {day} ({-reminder.days_left} day{'s' if reminder.days_left != -1 else ''} ago)"
    if reminder.days_left == 0:
        return f"is due today, {day}"
    return f"is due on {day} (in {reminder.days_left} day{'s' if reminder.days_left != 1 else ''})"


def _text(db: Session, reminder: Reminder, facility: Facility, lead: User) -> tuple[str, str]:
    link = f"{get_settings().web_base_url.rstrip('/')}/submit?facility={facility.cers_id}"
    name = f"{facility.name} (CERS ID {facility.cers_id})"
    if reminder.kind == "resubmittal":
        from bot.review.reasons import ELEMENT_LABELS

        last = _last_filing(db, facility.id)
        rows = db.execute(select(ReviewDecision).where(ReviewDecision.submittal_id == last.id,
                                                       ReviewDecision.decision == "Not Accepted")).scalars()
        elements = ", ".join(ELEMENT_LABELS.get(r.element, r.element) for r in rows) or "the filing"
        subject = f"Corrections {'overdue' if reminder.stage == OVERDUE else 'due soon'}: {name}"
        body = (f"The corrections the CUPA asked for in the Hazardous Materials Business Plan of {name} "
                f"{_when(reminder)}.\nNot Accepted: {elements}.\n\n"
                "Say \"what do I need to fix?\" in the chat to go to each one, then submit again. "
                f"The filing: {link}\n")
    else:
        subject = f"Annual filing {'overdue' if reminder.stage == OVERDUE else 'due soon'}: {name}"
        body = (f"The annual Hazardous Materials Business Plan of {name} {_when(reminder)} (the CUPA's date). "
                "Every year the plan is reviewed and certified as complete and accurate; when nothing changed, each "
                "element is still confirmed and certified.\n\n"
                f"Start it in the chat (\"file this year's plan\") or on the web: {link}\n")
    return subject, f"Hello {lead.full_name},\n\n{body}You receive this because you are a Lead User of this facility.\n"


def send_due(db: Session, now: Optional[datetime] = None, *, dry_run: bool = False) -> list[Reminder]:
    """Send every reminder due and not sent yet; the ones sent (or, with `dry_run`, that would be)."""
    now = now or utcnow()
    sent: list[Reminder] = []
    for reminder in due_reminders(db, now):
        if db.execute(select(ReminderSent.id).where(
                ReminderSent.facility_id == reminder.facility_id, ReminderSent.kind == reminder.kind,
                ReminderSent.due_on == reminder.due_on, ReminderSent.stage == reminder.stage)).first():
            continue
        facility = db.get(Facility, reminder.facility_id)
        leads = active_lead_users(db, reminder.facility_id)
        if dry_run:
            sent.append(reminder)
            continue
        try:
            with db.begin_nested():
                db.add(ReminderSent(facility_id=reminder.facility_id, kind=reminder.kind, due_on=reminder.due_on,
                                    stage=reminder.stage, recipients=len(leads), sent_at=now))
                db.flush()
        except IntegrityError:  # another run sent it meanwhile
            continue
        for lead in leads:
            subject, text = _text(db, reminder, facility, lead)
            mailer.queue_email(db, lead.email, subject, text, report_failure=False)
        db.commit()  # the row and its emails together; the emails go after the commit
        sent.append(reminder)
    return sent


def _describe(reminders: Iterable[Reminder], db: Session) -> list[str]:
    lines = []
    for r in reminders:
        facility = db.get(Facility, r.facility_id)
        lines.append(f"{facility.cers_id} {r.kind} due {r.due_on.isoformat()} ({r.stage})")
    return lines


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--now", help="the time to act as (ISO 8601, UTC when no offset), for a test or a replay")
    parser.add_argument("--dry-run", action="store_true", help="print what would be sent; send nothing")
    args = parser.parse_args(argv)
    try:
        now = datetime.fromisoformat(args.now) if args.now else utcnow()
    except ValueError:
        print(f"--now {args.now!r} is not a date and time like 2027-02-22T08:00", file=sys.stderr)
        return 2
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    from bot.db import session_scope

    with session_scope() as db:
        done = send_due(db, now, dry_run=args.dry_run)
        lines = _describe(done, db)
    verb = "would send" if args.dry_run else "sent"
    print(f"{verb} {len(lines)} reminder{'s' if len(lines) != 1 else ''}")
    for line in lines:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

