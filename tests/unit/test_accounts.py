"""Accounts on SQLite and PostgreSQL: email-first sign-up (the link to choose the password goes only to the
inbox, over real SMTP), the same answer for every address, throttles, log-in back-off that does not lock the
owner out, sessions that end, password reset, disabling."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import link_tokens, passwords
from bot.actor import Actor
from bot.errors import AccountNotActive, InvalidCredentials, InvalidToken, PermissionDenied, RateLimited, \
    ValidationError
from bot.models import AuditEvent, ThrottleHit, User
from bot.services import accounts
from bot.services.accounts import Client
from bot.validation import PasswordTooWeak
from tests.unit.conftest import PASSWORD, audit_rows, token_from

EMAIL = "maria.lopez@example.com"


def _signup(db: Session, email: str = EMAIL, name: str = "Maria Lopez", phone: str = "559-555-0123",
            client: Client = accounts.NO_CLIENT) -> accounts.SignupStarted:
    started = accounts.start_signup(db, name, email.upper(), phone, Actor.anonymous("chat"), client=client)
    db.commit()
    return started


def _link_token(smtp_server, email: str = EMAIL, nth: int = -1) -> str:  # type: ignore[no-untyped-def]
    return token_from(smtp_server.to(email)[nth].get_content(), "/account/password")


def _age_throttles(db: Session, minutes: int = 2) -> None:
    """As if every counted attempt so far happened `minutes` earlier."""
    for hit in db.execute(select(ThrottleHit)).scalars():
        hit.created_at = hit.created_at - timedelta(minutes=minutes)
    db.commit()


def _user(db: Session, email: str = EMAIL) -> User:
    db.expire_all()
    return db.execute(select(User).where(User.email == email)).scalar_one()


def test_signup_emails_the_link_and_choosing_the_password_activates(db: Session, smtp_server) -> None:  # type: ignore[no-untyped-def]
    started = _signup(db)
    assert started.email == EMAIL and EMAIL in started.message and "spam" in started.message
    assert not hasattr(started, "token") and "token=" not in started.message  # nothing to hand to the chat
    user = _user(db)
    assert (user.status, user.password_hash, user.phone) == ("pending", None, "(559) 555-0123")
    mail = smtp_server.last_to(EMAIL)
    assert mail["Subject"] == "Finish creating your CERS Filing Assistant account"
    body = mail.get_content()
    assert "http://127.0.0.1:8000/account/password?token=" in body and "expires in 24 hours" in body
    assert "Maria" not in body  # a name typed by whoever signed up is not the greeting
    token = _link_token(smtp_server)

    assert accounts.describe_link(db, token) == accounts.LinkInfo("set_password", EMAIL, "Maria Lopez",
                                                                   "(559) 555-0123")
    with pytest.raises(PasswordTooWeak):
        accounts.set_password(db, token, "short1")
    db.rollback()
    with pytest.raises(InvalidCredentials):  # no password until the inbox owner chooses one
        accounts.authenticate(db, EMAIL, PASSWORD)
    db.rollback()
    accounts.set_password(db, token, PASSWORD, full_name="Maria T. Lopez")
    db.commit()
    user = _user(db)
    assert user.status == "active" and user.activated_at and passwords.verify_password(user.password_hash, PASSWORD)
    assert user.full_name == "Maria T. Lopez"  # the inbox owner confirmed or corrected the sign-up's name
    assert accounts.authenticate(db, EMAIL, PASSWORD).id == user.id
    db.commit()
    with pytest.raises(InvalidToken) as used:
        accounts.set_password(db, token, "Another7Password")
    assert "already used" in used.value.message
    db.rollback()
    assert [e.action for e in db.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()] == [
        "user.signup", "user.login_failed", "user.password_set", "user.activate", "user.login"]


def test_a_pending_account_cannot_be_claimed_by_a_second_signup(db: Session, smtp_server) -> None:  # type: ignore[no-untyped-def]
    _signup(db)  # the victim
    victim_token = _link_token(smtp_server)
    _age_throttles(db)
    attacker = _signup(db, name="Mallory Attacker", phone="(209) 555-0666")
    assert not hasattr(attacker, "token") and "token" not in attacker.message  # nothing to set a password with
    user = _user(db)
    assert (user.full_name, user.phone, user.password_hash) == ("Maria Lopez", "(559) 555-0123", None)
    assert len(smtp_server.to(EMAIL)) == 2  # the new link went to the victim's inbox, not to the chat
    accounts.set_password(db, victim_token, PASSWORD)  # the victim's first link still works
    db.commit()
    assert _user(db).status == "active"
    with pytest.raises(InvalidToken):  # and the link the attacker caused is used up with it
        accounts.set_password(db, _link_token(smtp_server), "Attacker7Password")


def test_signup_answers_the_same_for_a_new_a_pending_and_an_active_address(db: Session, make_user,
                                                                       smtp_server) -> None:  # type: ignore[no-untyped-def]
    make_user("active@example.com")
    answers = [_signup(db, email).message.replace(email, "X")
               for email in ("new@example.com", "active@example.com", "new@example.com".replace("new", "pend"))]
    assert len(set(answers)) == 1
    note = smtp_server.last_to("active@example.com")
    assert note["Subject"] == "You already have a CERS Filing Assistant account"
    assert "token=" not in note.get_content() and "/account/reset" in note.get_content()
    assert _user(db, "active@example.com").full_name == "Pat Lee"  # nothing about it changed


def test_names_with_links_or_phone_numbers_are_refused(db: Session, smtp_server) -> None:  # type: ignore[no-untyped-def]
    for name in ("Hello Your CERS account is suspended call 559 555 0100", "Visit www.evil.example now",
                 "Maria http://x.example/a", "Ana ana@x.com", "Bob 5595550100"):
        with pytest.raises(ValidationError) as refused:
            accounts.start_signup(db, name, EMAIL, "559-555-0123", Actor.anonymous())
        assert refused.value.field == "full_name" and "web address" in refused.value.message
        db.rollback()
    assert smtp_server.messages == [] and db.execute(select(User)).first() is None
    assert accounts.check_name("Mary-Jo O'Neil Jr.") == "Mary-Jo O'Neil Jr."


def test_thirty_signups_to_one_address_send_one_email(db: Session, smtp_server) -> None:  # type: ignore[no-untyped-def]
    refused = 0
    for i in range(30):
        try:
            accounts.start_signup(db, "Maria Lopez", EMAIL, "559-555-0123", Actor.anonymous(),
                                  client=Client(ip=f"198.51.100.{i}"))
            db.commit()
        except RateLimited as exc:
            db.rollback()
            refused += 1
            assert "spam" in exc.message
    assert refused == 29 and len(smtp_server.to(EMAIL)) == 1
    for _ in range(2):  # then one a minute, three an hour
        _age_throttles(db)
        _signup(db)
    _age_throttles(db)
    with pytest.raises(RateLimited) as hourly:
        _signup(db)
    assert "minutes" in hourly.value.message
    db.rollback()
    assert len(smtp_server.to(EMAIL)) == 3


def test_an_unknown_address_is_throttled_exactly_like_a_known_one(db: Session, make_user, smtp_server) -> None:  # type: ignore[no-untyped-def]
    make_user(EMAIL)
    for fn in (accounts.request_password_reset, accounts.resend_activation):
        outcomes = {}
        for email in (EMAIL, "nobody@example.com"):
            seen = []
            for _ in range(3):
                try:
                    fn(db, email)
                    db.commit()
                    seen.append("ok")
                except RateLimited as exc:
                    db.rollback()
                    seen.append(exc.message)
            outcomes[email] = seen
        assert outcomes[EMAIL] == outcomes["nobody@example.com"] and outcomes[EMAIL][0] == "ok"
        assert outcomes[EMAIL][1] != "ok"
        _age_throttles(db, 70)
    assert [m["Subject"] for m in smtp_server.messages] == ["Reset your CERS Filing Assistant password"]


def test_signups_from_one_ip_are_capped(db: Session, smtp_server) -> None:  # type: ignore[no-untyped-def]
    client = Client(ip="203.0.113.5")
    for i in range(10):
        _signup(db, f"person{i}@example.com", client=client)
    with pytest.raises(RateLimited) as from_here:
        _signup(db, "person10@example.com", client=client)
    assert "your network" in from_here.value.message
    db.rollback()
    _signup(db, "person10@example.com", client=Client(ip="203.0.113.6"))  # another network is not held back
    assert len(smtp_server.messages) == 11


def test_wrong_passwords_slow_that_ip_but_never_lock_the_owner_out(db: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(EMAIL)
    attacker, owner = Client(ip="203.0.113.66"), Client(ip="198.51.100.7")
    for attempt in range(5):
        with pytest.raises(InvalidCredentials):
            accounts.authenticate(db, EMAIL, f"Wrong{attempt}Password", client=attacker)
        db.rollback()  # the caller rolls back: the failures must still be counted
    with pytest.raises(RateLimited) as slowed:
        accounts.authenticate(db, EMAIL, PASSWORD, client=attacker)  # even the right password waits
    assert "30 seconds" in slowed.value.message and "reset your password" in slowed.value.message
    db.rollback()
    assert accounts.authenticate(db, EMAIL, PASSWORD, client=owner).id == user.id  # the owner is not locked out
    db.commit()
    _age_throttles(db, 1)
    assert accounts.authenticate(db, EMAIL, PASSWORD, client=attacker).id == user.id  # the wait is over
    db.commit()
    db.refresh(user)
    assert user.locked_until is None
    assert len(audit_rows(db, "user.login_failed")) == 5


def test_the_back_off_doubles_and_answers_the_same_for_an_unknown_address(db: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user(EMAIL)
    client = Client(ip="203.0.113.66")
    replies = {}
    for email in (EMAIL, "nobody@example.com"):
        seen = []
        for attempt in range(7):
            try:
                accounts.authenticate(db, email, f"Wrong{attempt}Password", client=client)
            except (InvalidCredentials, RateLimited) as exc:
                seen.append((type(exc).__name__, exc.message))
            db.rollback()
            if attempt == 5:
                _age_throttles(db, 1)  # the 30-second wait passed: one more try, then 60 seconds
        replies[email] = seen
    assert replies[EMAIL] == replies["nobody@example.com"]
    assert [kind for kind, _ in replies[EMAIL]] == ["InvalidCredentials"] * 5 + ["RateLimited", "InvalidCredentials"]
    with pytest.raises(RateLimited) as longer:  # one more wrong password after a wait: twice as long
        accounts.authenticate(db, "nobody@example.com", "Wrong9Password", client=client)
    assert "1 minute" in longer.value.message


def test_a_browser_the_account_used_before_is_not_held_back_by_a_distributed_guess(db: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user(EMAIL)
    for i in range(accounts.LOGIN_FREE_PER_ACCOUNT):  # from many IPs, under each IP's own limit
        with pytest.raises(InvalidCredentials):
            accounts.authenticate(db, EMAIL, "Wrong7Password", client=Client(ip=f"192.0.2.{i}"))
        db.rollback()
    with pytest.raises(RateLimited):  # a new browser now waits
        accounts.authenticate(db, EMAIL, PASSWORD, client=Client(ip="198.51.100.7"))
    db.rollback()
    known = Client(ip="198.51.100.7", known_devices=frozenset({accounts.device_key(EMAIL)}))
    assert accounts.authenticate(db, EMAIL, PASSWORD, client=known).email == EMAIL


def test_log_out_password_reset_and_disabling_end_every_session(db: Session, make_user, smtp_server) -> None:  # type: ignore[no-untyped-def]
    user = make_user(EMAIL)
    version = user.session_version
    assert accounts.session_user(db, user.id, version) is not None
    accounts.log_out(db, user.id, version)
    db.commit()
    assert accounts.session_user(db, user.id, version) is None
    version = _user(db).session_version
    accounts.log_out(db, user.id, version - 1)  # a stale cookie's log-out changes nothing
    db.commit()
    assert accounts.session_user(db, user.id, version) is not None

    accounts.request_password_reset(db, EMAIL)
    db.commit()
    accounts.set_password(db, token_from(smtp_server.last_to(EMAIL).get_content(), "/account/password"),
                          "New7Password!")
    db.commit()
    assert accounts.session_user(db, user.id, version) is None
    version = _user(db).session_version

    with pytest.raises(PermissionDenied):
        accounts.disable_account(db, Actor(user_id=user.id), user.id)
    db.rollback()
    accounts.disable_account(db, Actor.system(), user.id, "left the company")
    db.commit()
    assert accounts.session_user(db, user.id, version) is None and _user(db).status == "disabled"
    with pytest.raises(AccountNotActive):
        accounts.authenticate(db, EMAIL, "New7Password!")
    assert [e.details["reason"] for e in audit_rows(db, "user.sessions_ended")] == [
        "logout", "password_reset", "disabled"]


def test_signup_rejects_bad_fields(db: Session) -> None:
    with pytest.raises(ValidationError) as bad_email:
        accounts.start_signup(db, "Maria", "maria@", "559-555-0123", Actor.anonymous())
    assert bad_email.value.field == "email"
    with pytest.raises(ValidationError) as bad_phone:
        accounts.start_signup(db, "Maria", EMAIL, "555-0123", Actor.anonymous())
    assert bad_phone.value.field == "phone"
    db.rollback()
    assert db.execute(select(User)).first() is None


def test_old_activation_links_still_work_but_only_once(db: Session, smtp_server) -> None:  # type: ignore[no-untyped-def]
    """Pending accounts from before email-first sign-up: a password and an activation link."""
    user = User(email=EMAIL, full_name="Maria Lopez", status="pending", password_hash=passwords.hash_password(PASSWORD),
                is_inspector=False, is_staff=False, failed_logins=0)
    db.add(user)
    db.flush()
    token = link_tokens.issue(db, user.id, "activate", timedelta(hours=24))
    db.commit()
    accounts.activate(db, token)
    db.commit()
    assert _user(db).status == "active"
    with pytest.raises(InvalidToken) as again:
        accounts.activate(db, token)
    assert "already active" in again.value.message


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


def test_a_mail_failure_never_loses_the_email_nor_tells_who_has_an_account(db_url: str) -> None:
    """No mail server: the sign-up is saved, its email waits in the outbox, and the answer is the usual one."""
    from bot.db import session_scope
    from bot.models import OutboxEmail

    with session_scope() as db:
        started = accounts.start_signup(db, "Maria Lopez", EMAIL, "559-555-0123", Actor.anonymous())
    assert EMAIL in started.message
    with session_scope() as db:
        row = db.execute(select(OutboxEmail)).scalar_one()
        assert (row.status, row.attempts, row.to_address) == ("queued", 1, EMAIL)
        assert "/account/password?token=" in row.body and row.last_error


def test_failed_login_after_a_write_in_the_same_transaction_does_not_hang(db: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user(EMAIL)
    accounts.authenticate(db, EMAIL, PASSWORD)  # writes (audit row) and holds the locks
    with pytest.raises(InvalidCredentials):
        accounts.authenticate(db, EMAIL, "Wrong7Password")
    db.commit()
    assert len(audit_rows(db, "user.login_failed")) == 1
    assert db.execute(select(ThrottleHit)).scalars().all()


def test_throttle_counts_hold_no_email_or_ip_in_clear(db: Session, smtp_server) -> None:  # type: ignore[no-untyped-def]
    _signup(db, client=Client(ip="203.0.113.5", conversation="conv-1"))
    stored = " ".join(h.bucket for h in db.execute(select(ThrottleHit)).scalars())
    assert stored and EMAIL not in stored and "203.0.113.5" not in stored and "conv-1" not in stored


def test_set_password_attempts_are_throttled(db: Session, smtp_server) -> None:  # type: ignore[no-untyped-def]
    _signup(db)
    token = _link_token(smtp_server)
    for _ in range(accounts.PASSWORD_FORMS_PER_ACCOUNT[0].limit):
        with pytest.raises(PasswordTooWeak):
            accounts.set_password(db, token, "short1", client=Client(ip="203.0.113.9"))
        db.rollback()
    with pytest.raises(RateLimited):
        accounts.set_password(db, token, PASSWORD, client=Client(ip="203.0.113.9"))
    db.rollback()
    db.execute(update(ThrottleHit).values(created_at=ThrottleHit.created_at - timedelta(hours=2)))
    db.commit()
    accounts.set_password(db, token, PASSWORD)
    db.commit()
    assert _user(db).status == "active"
