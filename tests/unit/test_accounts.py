"""Accounts on SQLite and PostgreSQL: sign up, set password, activation email over real SMTP, login, lockout,
resend limits and password reset."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import passwords
from bot.actor import Actor
from bot.errors import AccountNotActive, Conflict, InvalidCredentials, InvalidToken, RateLimited, ValidationError
from bot.link_tokens import hash_token
from bot.models import User, UserToken
from bot.services import accounts
from bot.timeutil import utcnow
from bot.validation import PasswordTooWeak
from tests.unit.conftest import PASSWORD, audit_rows, token_from

EMAIL = "maria.lopez@example.com"


def _signup(db: Session, email: str = EMAIL) -> accounts.SignupStarted:
    started = accounts.start_signup(db, "Maria Lopez", email.upper(), "559-555-0123", Actor.anonymous("chat"))
    db.commit()
    return started


def _activation_token(smtp_server, email: str = EMAIL) -> str:  # type: ignore[no-untyped-def]
    return token_from(smtp_server.last_to(email).get_content(), "/account/activate")


def test_signup_set_password_activate_login(db: Session, smtp_server) -> None:  # type: ignore[no-untyped-def]
    started = _signup(db)
    user = db.get(User, started.user_id)
    assert (user.email, user.status, user.password_hash, user.phone) == (EMAIL, "pending", None, "(559) 555-0123")
    assert started.set_password_url == f"http://127.0.0.1:8000/account/password?token={started.token}"
    assert smtp_server.messages == []  # the set-password link is shown in the chat, not emailed

    with pytest.raises(PasswordTooWeak) as weak:
        accounts.set_password(db, started.token, "short1")
    assert "at least 10 characters" in weak.value.message
    db.rollback()

    accounts.set_password(db, started.token, PASSWORD)
    assert smtp_server.messages == []  # not before the commit
    db.commit()
    user = db.get(User, started.user_id)
    assert user.status == "pending" and passwords.verify_password(user.password_hash, PASSWORD)
    assert PASSWORD not in user.password_hash

    mail = smtp_server.last_to(EMAIL)
    assert mail["Subject"] == "Activate your CERS Filing Assistant account"
    body = mail.get_content()
    assert "Hello Maria Lopez" in body and "http://127.0.0.1:8000/account/activate?token=" in body
    assert "expires in 24 hours" in body

    with pytest.raises(AccountNotActive) as pending:
        accounts.authenticate(db, EMAIL, PASSWORD)
    assert "Open the activation link we emailed you" in pending.value.message
    db.rollback()

    token = _activation_token(smtp_server)
    accounts.activate(db, token)
    db.commit()
    user = db.get(User, started.user_id)
    assert user.status == "active" and user.activated_at is not None

    logged_in = accounts.authenticate(db, " Maria.Lopez@Example.com ", PASSWORD)
    db.commit()
    assert logged_in.id == started.user_id

    actions = [(e.action, e.actor_user_id, e.channel) for e in
               audit_rows(db, "user.signup") + audit_rows(db, "user.password_set")
               + audit_rows(db, "user.activate") + audit_rows(db, "user.login")]
    assert actions == [("user.signup", user.id, "chat"), ("user.password_set", user.id, "web"),
                       ("user.activate", user.id, "email_link"), ("user.login", user.id, "web")]
    for event in audit_rows(db, "user.password_set"):
        assert PASSWORD not in str(event.details)


def test_links_work_once_and_expire(db: Session, smtp_server) -> None:  # type: ignore[no-untyped-def]
    started = _signup(db)
    accounts.set_password(db, started.token, PASSWORD)
    db.commit()
    with pytest.raises(InvalidToken) as used:
        accounts.set_password(db, started.token, "Another7Password")
    assert "already used" in used.value.message
    db.rollback()

    token = _activation_token(smtp_server)
    db.execute(update(UserToken).where(UserToken.token_hash == hash_token(token))
               .values(expires_at=utcnow() - timedelta(minutes=1)))
    db.commit()
    with pytest.raises(InvalidToken) as expired:
        accounts.activate(db, token)
    assert expired.value.message.startswith("This link has expired.")
    assert "resend" in expired.value.message
    db.rollback()
    assert db.get(User, started.user_id).status == "pending"

    with pytest.raises(InvalidToken) as unknown:
        accounts.activate(db, "not-a-real-token")
    assert "isn't valid" in unknown.value.message
    db.rollback()

    db.execute(update(UserToken).where(UserToken.purpose == "activate").values(created_at=utcnow() - timedelta(minutes=5)))
    db.commit()
    accounts.resend_activation(db, EMAIL)
    db.commit()
    fresh = _activation_token(smtp_server)
    assert fresh != token
    accounts.activate(db, fresh)
    db.commit()
    with pytest.raises(InvalidToken) as again:
        accounts.activate(db, fresh)
    assert "already active" in again.value.message


def test_same_email_twice(db: Session, smtp_server) -> None:  # type: ignore[no-untyped-def]
    first = _signup(db)
    second = accounts.start_signup(db, "Maria L. Lopez", EMAIL, "(559) 555 0199", Actor.anonymous())
    db.commit()
    assert second.user_id == first.user_id and second.token != first.token
    user = db.get(User, first.user_id)
    assert (user.full_name, user.phone) == ("Maria L. Lopez", "(559) 555-0199")
    with pytest.raises(InvalidToken):  # the older link stopped working
        accounts.set_password(db, first.token, PASSWORD)
    db.rollback()
    accounts.set_password(db, second.token, PASSWORD)
    db.commit()
    accounts.activate(db, _activation_token(smtp_server))
    db.commit()

    with pytest.raises(Conflict) as taken:
        accounts.start_signup(db, "Someone Else", EMAIL, "559-555-0123", Actor.anonymous())
    assert taken.value.message == ("An account with this email already exists. Log in, or reset your password if "
                                   "you forgot it.")
    db.rollback()
    assert db.execute(select(User)).scalars().all() == [user]


def test_signup_rejects_bad_fields(db: Session) -> None:
    with pytest.raises(ValidationError) as bad_email:
        accounts.start_signup(db, "Maria", "maria@", "559-555-0123", Actor.anonymous())
    assert bad_email.value.field == "email"
    with pytest.raises(ValidationError) as bad_phone:
        accounts.start_signup(db, "Maria", EMAIL, "555-0123", Actor.anonymous())
    assert bad_phone.value.field == "phone"
    db.rollback()
    assert db.execute(select(User)).first() is None


def test_wrong_passwords_lock_the_account(db: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(EMAIL)
    with pytest.raises(InvalidCredentials) as unknown:
        accounts.authenticate(db, "nobody@example.com", PASSWORD)
    for attempt in range(4):
        with pytest.raises(InvalidCredentials) as wrong:
            accounts.authenticate(db, EMAIL, f"Wrong{attempt}Password")
        db.rollback()  # the caller rolls back: the failures must still be counted
    assert wrong.value.message == unknown.value.message  # no hint whether the email exists
    with pytest.raises(RateLimited) as locked:
        accounts.authenticate(db, EMAIL, "Wrong5Password")
    assert "paused for 15 more minutes" in locked.value.message
    db.rollback()
    with pytest.raises(RateLimited):  # even the right password waits for the lock to end
        accounts.authenticate(db, EMAIL, PASSWORD)
    db.rollback()
    assert len(audit_rows(db, "user.login_failed")) == 5
    assert audit_rows(db, "user.login_failed")[-1].details["locked"] is True

    db.execute(update(User).where(User.id == user.id).values(locked_until=utcnow() - timedelta(seconds=1)))
    db.commit()
    assert accounts.authenticate(db, EMAIL, PASSWORD).id == user.id
    db.commit()
    db.refresh(user)
    assert user.failed_logins == 0 and user.locked_until is None


def test_resend_activation_is_rate_limited(db: Session, smtp_server) -> None:  # type: ignore[no-untyped-def]
    started = _signup(db)
    accounts.set_password(db, started.token, PASSWORD)
    db.commit()
    assert len(smtp_server.to(EMAIL)) == 1

    with pytest.raises(RateLimited) as too_soon:
        accounts.resend_activation(db, EMAIL)
    assert "less than a minute ago" in too_soon.value.message and "spam" in too_soon.value.message
    db.rollback()

    def age_tokens() -> None:  # as if every email so far was sent 2 minutes earlier
        for token in db.execute(select(UserToken).where(UserToken.purpose == "activate")).scalars():
            token.created_at = token.created_at - timedelta(minutes=2)
        db.commit()

    for _ in range(2):
        age_tokens()
        accounts.resend_activation(db, EMAIL)
        db.commit()
    assert len(smtp_server.to(EMAIL)) == 3
    age_tokens()
    with pytest.raises(RateLimited) as hourly:
        accounts.resend_activation(db, EMAIL.upper())
    assert "3 emails in the last hour" in hourly.value.message and "minutes" in hourly.value.message
    db.rollback()
    assert len(smtp_server.to(EMAIL)) == 3
    assert len(audit_rows(db, "user.activation_resent")) == 2

    accounts.resend_activation(db, "nobody@example.com")  # same answer, no email, nothing stored
    db.commit()
    assert len(smtp_server.messages) == 3


def test_password_reset(db: Session, make_user, smtp_server) -> None:  # type: ignore[no-untyped-def]
    make_user(EMAIL)
    accounts.request_password_reset(db, EMAIL)
    db.commit()
    mail = smtp_server.last_to(EMAIL)
    assert mail["Subject"] == "Reset your CERS Filing Assistant password"
    token = token_from(mail.get_content(), "/account/password")
    with pytest.raises(PasswordTooWeak):
        accounts.reset_password(db, token, "password123")
    db.rollback()
    accounts.set_password(db, token, "New7Password!")  # the same web form serves both links
    db.commit()
    assert accounts.authenticate(db, EMAIL, "New7Password!").email == EMAIL
    db.commit()
    with pytest.raises(InvalidCredentials):
        accounts.authenticate(db, EMAIL, PASSWORD)
    db.rollback()
    assert smtp_server.last_to(EMAIL)["Subject"] == "Your CERS Filing Assistant password was changed"
    accounts.request_password_reset(db, "nobody@example.com")
    db.commit()
    assert len(smtp_server.messages) == 2


def test_email_failure_after_commit_keeps_the_data(db_url: str) -> None:
    """No mail server: the password is saved, and the error says so."""
    from bot.db import session_scope
    from bot.services.mailer import MailNotSent

    with session_scope() as db:
        started = accounts.start_signup(db, "Maria Lopez", EMAIL, "559-555-0123", Actor.anonymous())
    with pytest.raises(MailNotSent) as err:
        with session_scope() as db:
            accounts.set_password(db, started.token, PASSWORD)
    assert "Your password is saved" in err.value.message and "resend" in err.value.message
    with session_scope() as db:
        assert db.get(User, started.user_id).password_hash is not None


def test_failed_login_after_a_write_in_the_same_transaction_does_not_hang(db: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user(EMAIL)
    accounts.authenticate(db, EMAIL, PASSWORD)  # writes (audit row) and holds the locks
    with pytest.raises(InvalidCredentials):
        accounts.authenticate(db, EMAIL, "Wrong7Password")
    db.commit()
    assert [e.details["attempts"] for e in audit_rows(db, "user.login_failed")] == [1]


def test_resend_before_the_password_is_chosen_points_to_the_password_form(db: Session, smtp_server) -> None:  # type: ignore[no-untyped-def]
    """Right after sign-up the set-password link was shown in the chat, not emailed: say so, send nothing."""
    _signup(db)
    db.commit()
    with pytest.raises(RateLimited) as too_soon:
        accounts.resend_activation(db, EMAIL)
    assert "as soon as you choose your password" in too_soon.value.message
    assert "I sent the email" not in too_soon.value.message
    db.rollback()
    assert smtp_server.to(EMAIL) == []
    for token in db.execute(select(UserToken).where(UserToken.purpose == "set_password")).scalars():
        token.created_at = token.created_at - timedelta(minutes=2)
    db.commit()
    accounts.resend_activation(db, EMAIL)  # later: a new set-password link by email
    db.commit()
    mail = smtp_server.to(EMAIL)
    assert len(mail) == 1 and "/account/password?token=" in mail[0].get_content()
