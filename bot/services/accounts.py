"""Accounts: sign up, set the password on the web page, activate by email link, log in, reset a password.

Services never commit: the caller's transaction does (`bot.db.session_scope()`), and queued emails are sent
after that commit (bot.services.mailer). The one exception is a failed login: its counter and audit row are
written in their own short transaction, so that the lockout holds even though the caller rolls back.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Optional

from sqlalchemy import select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from bot import audit, link_tokens, passwords
from bot.actor import Actor
from bot.config import get_settings
from bot.errors import (
    AccountNotActive,
    Conflict,
    InvalidCredentials,
    InvalidToken,
    RateLimited,
    ValidationError,
)
from bot.models import User, UserToken
from bot.services import mailer
from bot.timeutil import as_utc, utcnow
from bot.validation import check_password, normalize_email, normalize_full_name, normalize_phone

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
EMAILS_PER_HOUR = 3
MIN_SECONDS_BETWEEN_EMAILS = 60

WRONG_CREDENTIALS = (
    "The email or password is wrong. Please try again, or reset your password if you forgot it."
)
NOT_ACTIVATED = (
    "Your account isn't activated yet. Open the activation link we emailed you; "
    "ask me to resend it if it didn't arrive (check your spam folder too)."
)


@dataclass(frozen=True)
class SignupStarted:
    user_id: int
    set_password_url: str
    token: str  # the raw set-password token, for a form shown inside the chat page


def get_user(db: Session, user_id: int) -> Optional[User]:
    return db.get(User, user_id)


def get_user_by_email(db: Session, email: str) -> Optional[User]:
    try:
        address = normalize_email(email)
    except ValidationError:
        return None
    return db.execute(select(User).where(User.email == address)).scalar_one_or_none()


def _actor_for(user_id: int, actor: Optional[Actor], channel: str) -> Actor:
    """The audit actor for a write on a user's own account: staff keep their name, with on_behalf_of."""
    if actor is not None and actor.user_id is not None and actor.user_id != user_id:
        return Actor(user_id=actor.user_id, role=actor.role, on_behalf_of=user_id, channel=actor.channel)
    return Actor(user_id=user_id, role="user", channel=actor.channel if actor else channel)


def _password_url(raw: str) -> str:
    return f"{get_settings().web_base_url}/account/password?token={raw}"


def _activation_url(raw: str) -> str:
    return f"{get_settings().web_base_url}/account/activate?token={raw}"


# --- sign up -----------------------------------------------------------------------------------------


def start_signup(db: Session, full_name: str, email: str, phone: str, actor: Actor) -> SignupStarted:
    """Create a pending account (no password yet) and a set-password link.

    An email of an active account -> Conflict. A pending account signing up again gets its name and phone
    refreshed and a fresh link (older links stop working).
    """
    name = normalize_full_name(full_name)
    address = normalize_email(email)
    phone_number = normalize_phone(phone)
    settings = get_settings()
    ttl = timedelta(hours=settings.set_password_ttl_hours)

    user = db.execute(select(User).where(User.email == address)).scalar_one_or_none()
    again = user is not None
    if user is not None:
        if user.status != "pending":
            raise Conflict(
                "An account with this email already exists. Log in, or reset your password if you forgot it.",
                field="email",
            )
        user.full_name = name
        user.phone = phone_number
        link_tokens.revoke_all(db, user.id, "set_password")
    else:
        user = User(email=address, full_name=name, phone=phone_number, status="pending",
                    is_inspector=False, is_staff=False, failed_logins=0, created_at=utcnow())
        db.add(user)
        try:
            db.flush()
        except IntegrityError:
            raise Conflict(
                "An account with this email already exists. Log in, or reset your password if you forgot it.",
                field="email",
            ) from None
    raw = link_tokens.issue(db, user.id, "set_password", ttl)
    audit.record(db, _actor_for(user.id, actor, "chat"), "user.signup", "user", user.id,
                 email=address, again=again)
    return SignupStarted(user_id=user.id, set_password_url=_password_url(raw), token=raw)


def _queue_activation_email(db: Session, user: User, *, failure_message: str) -> None:
    settings = get_settings()
    hours = settings.activation_ttl_hours
    raw = link_tokens.issue(db, user.id, "activate", timedelta(hours=hours))
    text = (
        f"Hello {user.full_name},\n\n"
        "To activate your CERS Filing Assistant account, open this link:\n\n"
        f"{_activation_url(raw)}\n\n"
        f"The link works once and expires in {hours} hours. After that, go back to the chat and log in.\n\n"
        "If you did not create this account, ignore this email: nothing happens without the link.\n"
    )
    mailer.queue_email(db, user.email, "Activate your CERS Filing Assistant account", text,
                       failure_message=failure_message)


def set_password(db: Session, token: str, password: str, *, channel: str = "web") -> User:
    """Set the password with a set-password link token, then email the activation link.

    A password-reset token is accepted too (it is handed to `reset_password`), so one web form serves both.
    """
    found = link_tokens.peek(db, token, "set_password", "reset_password")
    if found.purpose == "reset_password":
        return reset_password(db, token, password, channel=channel)
    user = db.get(User, found.user_id)
    if user is None or user.status == "disabled":
        raise AccountNotActive("This account is disabled. Please contact your CUPA for help.")
    if user.status == "active":
        raise Conflict("Your account is already active. Log in, or reset your password if you forgot it.")
    check_password(password, user.email)
    link_tokens.consume(db, token, "set_password")
    user.password_hash = passwords.hash_password(password)
    link_tokens.revoke_all(db, user.id, "activate")
    _queue_activation_email(
        db, user,
        failure_message=(
            "Your password is saved, but I couldn't send the activation email just now. "
            "Please ask me to resend it in a few minutes."
        ),
    )
    audit.record(db, _actor_for(user.id, None, channel), "user.password_set", "user", user.id)
    return user


def activate(db: Session, token: str, *, channel: str = "email_link") -> User:
    """Activate the account of an activation link (single use, expires after ACTIVATION_TTL_HOURS)."""
    try:
        found = link_tokens.consume(db, token, "activate")
    except InvalidToken:
        known = db.execute(
            select(UserToken).where(UserToken.token_hash == link_tokens.hash_token(token or ""))
        ).scalar_one_or_none()
        if known is not None and known.purpose == "activate" and known.user.status == "active":
            raise InvalidToken("Your account is already active: this link was used before. Just log in.") from None
        raise
    user = db.get(User, found.user_id)
    if user is None or user.status == "disabled":
        raise AccountNotActive("This account is disabled. Please contact your CUPA for help.")
    if user.password_hash is None:
        raise InvalidToken("Please set your password first, with the link I gave you in the chat.")
    user.status = "active"
    user.activated_at = utcnow()
    user.failed_logins = 0
    user.locked_until = None
    link_tokens.revoke_all(db, user.id, "activate")
    link_tokens.revoke_all(db, user.id, "set_password")
    audit.record(db, _actor_for(user.id, None, channel), "user.activate", "user", user.id)
    return user


def _check_email_rate(db: Session, user_id: int, purpose: str) -> None:
    """RateLimited when `purpose` emails were sent EMAILS_PER_HOUR times this hour, or under a minute ago."""
    now = utcnow()
    since = now - timedelta(hours=1)
    rows = db.execute(
        select(UserToken.created_at)
        .where(UserToken.user_id == user_id, UserToken.purpose == purpose, UserToken.created_at > since)
        .order_by(UserToken.created_at)
    ).scalars().all()
    times = [as_utc(t) for t in rows]
    if len(times) >= EMAILS_PER_HOUR:
        wait = times[-EMAILS_PER_HOUR] + timedelta(hours=1) - now
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        raise RateLimited(
            f"I have already sent {len(times)} emails in the last hour. Please check your spam or junk folder; "
            f"you can ask for another one in {minutes} minute{'s' if minutes != 1 else ''}."
        )
    if times and (now - times[-1]).total_seconds() < MIN_SECONDS_BETWEEN_EMAILS:
        seconds = max(1, math.ceil(MIN_SECONDS_BETWEEN_EMAILS - (now - times[-1]).total_seconds()))
        if purpose == "set_password":
            # the newest set-password link may have been shown in the chat, not emailed
            raise RateLimited(
                "The activation email is sent as soon as you choose your password: use the password form "
                "(or link) I gave you a moment ago. If you closed it, ask me again in "
                f"{seconds} seconds and I'll email you a new link."
            )
        raise RateLimited(
            "I sent the email less than a minute ago; emails can take a minute or two to arrive. "
            f"Please check your spam folder, and ask again in {seconds} seconds if it still isn't there."
        )


def resend_activation(db: Session, email: str, *, actor: Optional[Actor] = None) -> None:
    """Email a new activation link to a pending account (3 an hour, 60 s apart).

    Unknown or already active emails get the same silent success, and no email (no account enumeration).
    An account that has no password yet gets a new set-password link instead.
    """
    address = normalize_email(email)
    user = db.execute(select(User).where(User.email == address)).scalar_one_or_none()
    if user is None or user.status != "pending":
        return
    failure = "I couldn't send the email just now. Please ask me again in a few minutes."
    if user.password_hash is None:
        _check_email_rate(db, user.id, "set_password")
        hours = get_settings().set_password_ttl_hours
        link_tokens.revoke_all(db, user.id, "set_password")
        raw = link_tokens.issue(db, user.id, "set_password", timedelta(hours=hours))
        text = (
            f"Hello {user.full_name},\n\n"
            "To finish creating your CERS Filing Assistant account, choose your password here:\n\n"
            f"{_password_url(raw)}\n\n"
            f"The link works once and expires in {hours} hours. We will then email you an activation link.\n\n"
            "If you did not ask for this, ignore this email.\n"
        )
        mailer.queue_email(db, user.email, "Finish creating your CERS Filing Assistant account", text,
                           failure_message=failure)
    else:
        _check_email_rate(db, user.id, "activate")
        link_tokens.revoke_all(db, user.id, "activate")
        _queue_activation_email(db, user, failure_message=failure)
    audit.record(db, _actor_for(user.id, actor, "chat"), "user.activation_resent", "user", user.id)


# --- log in ------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return passwords.hash_password("not-a-real-password-0")


def _side_session(db: Session) -> Session:
    bind = db.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    return Session(bind=engine, future=True, expire_on_commit=False)


def _count_failure(session: Session, user: User, channel: str) -> Optional[datetime]:
    user.failed_logins = (user.failed_logins or 0) + 1
    attempts = user.failed_logins
    locked_until: Optional[datetime] = None
    if attempts >= MAX_FAILED_LOGINS:
        locked_until = utcnow() + LOCKOUT
        user.locked_until = locked_until
        user.failed_logins = 0
    audit.record(session, Actor(user_id=None, role="anonymous", channel=channel), "user.login_failed",
                 "user", user.id, attempts=attempts, locked=locked_until is not None)
    return locked_until


def _has_written(db: Session) -> bool:
    """True when the session's SQLite connection already holds the write lock (a DML ran uncommitted)."""
    if db.get_bind().dialect.name != "sqlite":
        return False
    return bool(getattr(db.connection().connection, "in_transaction", False))


def _record_login_failure(db: Session, user_id: int, channel: str) -> Optional[datetime]:
    """Count a wrong password in its own transaction (so it survives the caller's rollback); returns the
    lock end when this failure locked the account. If the caller's transaction already holds the locks
    needed, the failure is recorded in it instead of waiting on itself."""
    if not _has_written(db):
        side = _side_session(db)
        try:
            if side.get_bind().dialect.name == "postgresql":
                side.execute(text("SET LOCAL lock_timeout = '1s'"))
            user = side.execute(select(User).where(User.id == user_id).with_for_update()).scalar_one()
            locked_until = _count_failure(side, user, channel)
            side.commit()
            return locked_until
        except OperationalError:
            side.rollback()
        finally:
            side.close()
    user = db.get(User, user_id, populate_existing=True)
    return _count_failure(db, user, channel)


def _locked_message(until: datetime) -> str:
    minutes = max(1, math.ceil((until - utcnow()).total_seconds() / 60))
    return (
        "Too many wrong passwords: for your safety, logging in to this account is paused for "
        f"{minutes} more minute{'s' if minutes != 1 else ''}. You can reset your password meanwhile."
    )


def authenticate(db: Session, email: str, password: str, *, channel: str = "web") -> User:
    """The user for a correct email + password.

    InvalidCredentials (same message for an unknown email and a wrong password); RateLimited while locked
    (5 wrong passwords lock the account for 15 minutes); AccountNotActive for a pending or disabled account.
    Call it before other writes in the transaction (a failure is recorded in a transaction of its own).
    """
    address = normalize_email(email)
    user = db.execute(select(User).where(User.email == address)).scalar_one_or_none()
    if user is None:
        passwords.verify_password(_dummy_hash(), password or "")  # same time as a real check
        raise InvalidCredentials(WRONG_CREDENTIALS)
    locked_until = as_utc(user.locked_until)
    if locked_until and locked_until > utcnow():
        raise RateLimited(_locked_message(locked_until))
    if not user.password_hash:
        passwords.verify_password(_dummy_hash(), password or "")  # same time as a real check
    if not passwords.verify_password(user.password_hash, password or ""):
        user_id = user.id
        db.expire(user)
        lock = _record_login_failure(db, user_id, channel)
        if lock is not None:
            raise RateLimited(_locked_message(lock))
        raise InvalidCredentials(WRONG_CREDENTIALS)
    if user.status == "pending":
        raise AccountNotActive(NOT_ACTIVATED)
    if user.status != "active":
        raise AccountNotActive("This account is disabled. Please contact your CUPA for help.")
    user.failed_logins = 0
    user.locked_until = None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    audit.record(db, _actor_for(user.id, None, channel), "user.login", "user", user.id)
    return user


# --- password reset ----------------------------------------------------------------------------------


def request_password_reset(db: Session, email: str, *, actor: Optional[Actor] = None) -> None:
    """Email a password-reset link (3 an hour, 60 s apart). Unknown emails: same answer, no email."""
    address = normalize_email(email)
    user = db.execute(select(User).where(User.email == address)).scalar_one_or_none()
    if user is None or user.status == "disabled":
        return
    _check_email_rate(db, user.id, "reset_password")
    hours = get_settings().reset_ttl_hours
    link_tokens.revoke_all(db, user.id, "reset_password")
    raw = link_tokens.issue(db, user.id, "reset_password", timedelta(hours=hours))
    text = (
        f"Hello {user.full_name},\n\n"
        "Someone (we hope you) asked to reset the password of your CERS Filing Assistant account. "
        "Choose a new password here:\n\n"
        f"{_password_url(raw)}\n\n"
        f"The link works once and expires in {hours} hours. "
        "If you did not ask for this, ignore this email: your password stays as it is.\n"
    )
    mailer.queue_email(db, user.email, "Reset your CERS Filing Assistant password", text,
                       failure_message="I couldn't send the email just now. Please ask me again in a few minutes.")
    audit.record(db, _actor_for(user.id, actor, "chat"), "user.password_reset_requested", "user", user.id)


def reset_password(db: Session, token: str, password: str, *, channel: str = "web") -> User:
    """Set a new password with a reset link token; unlocks the account, and activates a pending one
    (opening the emailed link proves the address)."""
    found = link_tokens.peek(db, token, "reset_password")
    user = db.get(User, found.user_id)
    if user is None or user.status == "disabled":
        raise AccountNotActive("This account is disabled. Please contact your CUPA for help.")
    check_password(password, user.email)
    link_tokens.consume(db, token, "reset_password")
    user.password_hash = passwords.hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    if user.status == "pending":
        user.status = "active"
        user.activated_at = utcnow()
        link_tokens.revoke_all(db, user.id, "activate")
        link_tokens.revoke_all(db, user.id, "set_password")
    audit.record(db, _actor_for(user.id, None, channel), "user.password_reset", "user", user.id)
    mailer.queue_email(
        db, user.email, "Your CERS Filing Assistant password was changed",
        f"Hello {user.full_name},\n\nThe password of your CERS Filing Assistant account was just changed. "
        "If this was not you, reset it again right away and tell your CUPA.\n",
    )
    return user

