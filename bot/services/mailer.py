"""Outgoing email through a durable outbox: written in the same transaction as the change that causes it,
sent right after the commit, retried by the outbox worker (`python -m bot.outbox`) when the mail server did
not take it, and kept as `failed` (shown to staff on /staff/outbox) when every retry failed.

Services call `queue_email(db, ...)`: it adds an `outbox_emails` row to the caller's transaction, so the email
exists if and only if the change was committed. When the outermost transaction commits, the queued emails are
tried at once; one that fails stays queued for the worker. `bot.db.session_scope()` then raises `MailNotSent`
(the data is saved, the email is late) unless the caller queued it with `report_failure=False` - for replies
that must not differ between a known and an unknown email address. A sent email's body is blanked: it may
hold a one-time link, which must not stay at rest.

Never send before the commit; never lose an email the commit promised.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any, Optional

from sqlalchemy import event, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.config import get_settings
from bot.errors import ServiceError
from bot.models import OutboxEmail
from bot.timeutil import utcnow

log = logging.getLogger(__name__)

OUTBOX_KEY = "outbox"
FAILURES_KEY = "mail_failures"
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
# How long the worker leaves a new row to the sender that runs right after the commit.
IMMEDIATE_GRACE = timedelta(minutes=2)
# A row the worker took is its own for this long (so two workers don't send it twice).
LEASE = timedelta(minutes=5)
LATE_MESSAGE = ("I couldn't send the email just now because the mail server did not answer. It is saved and "
                "I'll keep trying for the next few hours; please check your inbox (and spam) later.")


class MailNotSent(ServiceError):
    """The email could not be handed to the mail server yet (what caused it is saved, and so is the email)."""


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    text: str
    # Said to the user if this message cannot be sent at once, e.g. "Your password is saved, but ..."
    failure_message: str = ""
    report_failure: bool = True
    outbox_id: Optional[int] = None


def build_message(to: str, subject: str, text: str) -> EmailMessage:
    settings = get_settings()
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    domain = parseaddr(settings.mail_from)[1].partition("@")[2] or "localhost"
    msg["Message-ID"] = make_msgid(domain=domain)
    msg.set_content(text)
    return msg


def send_email(to: str, subject: str, text: str) -> None:
    """Send one plain-text email now; MailNotSent (a ServiceError) when the mail server can't take it."""
    settings = get_settings()
    msg = build_message(to, subject, text)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user and settings.smtp_password:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("could not send email %r to %s via %s:%s: %s",
                  subject, to, settings.smtp_host, settings.smtp_port, exc)
        raise MailNotSent(LATE_MESSAGE) from exc
    log.info("sent email %r to %s", subject, to)


def queue_email(db: Session, to: str, subject: str, text: str, *, failure_message: str = "",
                report_failure: bool = True) -> None:
    """Write this email to the outbox in `db`'s transaction; it is sent after the commit (never if it rolls
    back). `report_failure=False`: a failed first try is not reported to the caller (the worker retries)."""
    now = utcnow()
    row = OutboxEmail(to_address=to, subject=subject[:255], body=text, status="queued", attempts=0,
                      created_at=now, next_attempt_at=now + IMMEDIATE_GRACE)
    db.add(row)
    db.flush()
    db.info.setdefault(OUTBOX_KEY, []).append(
        OutgoingEmail(to, subject, text, failure_message, report_failure, row.id))


def pending(db: Session) -> list[OutgoingEmail]:
    """Messages waiting for `db` to commit."""
    return list(db.info.get(OUTBOX_KEY, []))


def _retry_delay(attempts: int) -> timedelta:
    return min(LONGEST_RETRY, FIRST_RETRY * 2 ** max(0, attempts - 1))


def _engine_of(db: Session) -> Any:
    bind = db.get_bind()
    return bind.engine if isinstance(bind, Connection) else bind


def _attempt(session: Session, row: OutboxEmail) -> Optional[MailNotSent]:
    """Try to send one outbox row and record the outcome on it (the caller commits). None when sent."""
    row.attempts = (row.attempts or 0) + 1
    try:
        send_email(row.to_address, row.subject, row.body)
    except MailNotSent as exc:
        cause = exc.__cause__
        row.last_error = (f"{type(cause).__name__}: {cause}" if cause else exc.message)[:500]
        if row.attempts >= MAX_ATTEMPTS:
            row.status = "failed"
            log.error("gave up sending email %s %r to %s after %s attempts", row.id, row.subject,
                      row.to_address, row.attempts)
        else:
            row.next_attempt_at = utcnow() + _retry_delay(row.attempts)
        return exc
    row.status, row.sent_at, row.body, row.last_error = "sent", utcnow(), "", None
    return None


def send_outbox(db: Session) -> list[MailNotSent]:
    """Try now every email queued on `db` (already committed); returns (and records) the failures to report.
    Never raises: an email that fails stays in the outbox for the worker."""
    outbox: list[OutgoingEmail] = db.info.pop(OUTBOX_KEY, [])
    failures: list[MailNotSent] = []
    if not outbox:
        return failures
    session = Session(bind=_engine_of(db), future=True, expire_on_commit=False)
    try:
        for item in outbox:
            row = session.get(OutboxEmail, item.outbox_id) if item.outbox_id is not None else None
            if row is None or row.status != "queued":
                continue  # rolled back in a savepoint, or taken by the worker meanwhile
            failed = _attempt(session, row)
            session.commit()
            if failed is not None and item.report_failure:
                failures.append(MailNotSent(item.failure_message) if item.failure_message else failed)
    except Exception:  # noqa: BLE001 - the rows stay queued; the worker will send them
        log.exception("could not record the outcome of sending queued emails")
        session.rollback()
    finally:
        session.close()
    if failures:
        db.info.setdefault(FAILURES_KEY, []).extend(failures)
    return failures


def raise_mail_failures(db: Session) -> None:
    """Raise the first MailNotSent recorded on `db` since the last call (and forget them)."""
    failures: list[MailNotSent] = db.info.pop(FAILURES_KEY, [])
    if failures:
        raise failures[0]


# ---- the worker's side ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DeliveryReport:
    sent: int
    retrying: int
    failed: int


def deliver_due(db: Session, limit: int = 50) -> DeliveryReport:
    """Send the queued emails whose time has come (oldest first), each taken with a compare-and-set so two
    workers never send the same one. Commits `db` after each email."""
    now = utcnow()
    ids = db.execute(
        select(OutboxEmail.id).where(OutboxEmail.status == "queued", OutboxEmail.next_attempt_at <= now)
        .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id).limit(limit)
    ).scalars().all()
    db.commit()
    sent = retrying = failed = 0
    for outbox_id in ids:
        taken = db.execute(
            update(OutboxEmail)
            .where(OutboxEmail.id == outbox_id, OutboxEmail.status == "queued", OutboxEmail.next_attempt_at <= now)
            .values(next_attempt_at=utcnow() + LEASE)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.commit()
        if taken != 1:
            continue
        row = db.get(OutboxEmail, outbox_id, populate_existing=True)
        problem = _attempt(db, row)
        db.commit()
        if problem is None:
            sent += 1
        elif row.status == "failed":
            failed += 1
        else:
            retrying += 1
    return DeliveryReport(sent, retrying, failed)


def undelivered(db: Session, limit: int = 200) -> list[OutboxEmail]:
    """Emails not sent yet: the ones given up on first, then those still being retried (for staff)."""
    rows = db.execute(
        select(OutboxEmail).where(OutboxEmail.status.in_(("failed", "queued")))
        .order_by(OutboxEmail.status.desc(), OutboxEmail.created_at.desc()).limit(limit)
    ).scalars().all()
    return [r for r in rows if r.status == "failed" or (r.attempts or 0) > 0]


def retry_now(db: Session, outbox_id: int) -> bool:
    """Put a failed (or waiting) email back in the queue for an attempt at once (staff action)."""
    row = db.get(OutboxEmail, outbox_id)
    if row is None or row.status == "sent":
        return False
    row.status, row.next_attempt_at = "queued", utcnow()
    if row.attempts >= MAX_ATTEMPTS:
        row.attempts = MAX_ATTEMPTS - 1
    return True


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    # after_commit also fires when a SAVEPOINT is released: send only when the real transaction commits.
    if session.info.get(OUTBOX_KEY) and session.get_nested_transaction() is None:
        send_outbox(session)


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_rollback(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:
        session.info.pop(OUTBOX_KEY, None)
