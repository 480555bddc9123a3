"""Outgoing email over SMTP, sent only after the database transaction that caused it has committed.

Services call `queue_email(db, ...)`, which puts the message in `db.info["outbox"]`. When that session commits
(the outermost transaction), the outbox is sent; a rollback discards it. A message that could not be sent is
logged and kept in `db.info["mail_failures"]`; `bot.db.session_scope()` then raises `MailNotSent` (the data is
saved, only the email is missing). Code that commits a session itself can call `raise_mail_failures(db)`.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from bot.config import get_settings
from bot.errors import ServiceError

log = logging.getLogger(__name__)

OUTBOX_KEY = "outbox"
FAILURES_KEY = "mail_failures"


class MailNotSent(ServiceError):
    """The email could not be handed to the mail server (what caused it is saved)."""


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    text: str
    # Said to the user if this message cannot be sent, e.g. "Your password is saved, but ..."
    failure_message: str = ""


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
        log.error(
            "could not send email %r to %s via %s:%s: %s",
            subject, to, settings.smtp_host, settings.smtp_port, exc,
        )
        raise MailNotSent(
            "I couldn't send the email just now because the mail server did not answer. "
            "Please try again in a few minutes."
        ) from exc
    log.info("sent email %r to %s", subject, to)


def queue_email(db: Session, to: str, subject: str, text: str, *, failure_message: str = "") -> None:
    """Send this email after `db` commits (dropped if it rolls back)."""
    db.connection()  # make sure a transaction is open, so that its commit or rollback decides
    db.info.setdefault(OUTBOX_KEY, []).append(OutgoingEmail(to, subject, text, failure_message))


def pending(db: Session) -> list[OutgoingEmail]:
    """Messages waiting for `db` to commit."""
    return list(db.info.get(OUTBOX_KEY, []))


def send_outbox(db: Session) -> list[MailNotSent]:
    """Send everything queued on `db` now; returns (and records) the failures, never raises."""
    outbox: list[OutgoingEmail] = db.info.pop(OUTBOX_KEY, [])
    failures: list[MailNotSent] = []
    for item in outbox:
        try:
            send_email(item.to, item.subject, item.text)
        except MailNotSent as exc:
            if item.failure_message:
                exc = MailNotSent(item.failure_message)
            failures.append(exc)
    if failures:
        db.info.setdefault(FAILURES_KEY, []).extend(failures)
    return failures


def raise_mail_failures(db: Session) -> None:
    """Raise the first MailNotSent recorded on `db` since the last call (and forget them)."""
    failures: list[MailNotSent] = db.info.pop(FAILURES_KEY, [])
    if failures:
        raise failures[0]


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    # after_commit also fires when a SAVEPOINT is released: send only when the real transaction commits.
    if session.info.get(OUTBOX_KEY) and session.get_nested_transaction() is None:
        send_outbox(session)


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_rollback(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:
        session.info.pop(OUTBOX_KEY, None)
