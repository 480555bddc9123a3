"""Mail leaves only after a commit, through a durable outbox retried by the worker; the audit trail never holds
secrets; the dev mail catcher stores .eml."""
from __future__ import annotations

import smtplib

import pytest
from sqlalchemy.orm import Session

from bot import audit
from bot.actor import Actor
from bot.services import mailer


def test_send_email_over_smtp(smtp_server) -> None:  # type: ignore[no-untyped-def]
    mailer.send_email("ann@example.com", "Hello", "Body line\nhttp://x/y?token=abc")
    msg = smtp_server.last_to("ann@example.com")
    assert msg["Subject"] == "Hello" and "CERS Filing Assistant" in msg["From"] and msg["Message-ID"]
    assert msg.get_content().strip() == "Body line\nhttp://x/y?token=abc"


def test_send_failure_is_a_clear_service_error() -> None:  # SMTP_PORT=9: nothing listens
    with pytest.raises(mailer.MailNotSent) as err:
        mailer.send_email("ann@example.com", "Hello", "Body")
    assert "keep trying" in err.value.message


def test_starttls_and_login_are_used_when_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.config import reset_settings

    calls: list[str] = []

    class FakeSMTP:
        def __init__(self, host: str, port: int, timeout: float) -> None:
            calls.append(f"connect {host}:{port} timeout={timeout}")

        def __enter__(self):  # type: ignore[no-untyped-def]
            return self

        def __exit__(self, *exc: object) -> None:
            calls.append("quit")

        def starttls(self, context: object) -> None:
            calls.append("starttls")

        def login(self, user: str, password: str) -> None:
            calls.append(f"login {user}")

        def send_message(self, msg: object) -> None:
            calls.append("send")

    monkeypatch.setenv("SMTP_HOST", "mail.example.com")
    monkeypatch.setenv("SMTP_PORT", "587")
    monkeypatch.setenv("SMTP_STARTTLS", "1")
    monkeypatch.setenv("SMTP_USER", "bot")
    monkeypatch.setenv("SMTP_PASSWORD", "pw")
    reset_settings()
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    mailer.send_email("ann@example.com", "Hi", "Body")
    assert calls == ["connect mail.example.com:587 timeout=10", "starttls", "login bot", "send", "quit"]


def test_outbox_is_sent_after_commit_and_dropped_on_rollback(db: Session, smtp_server) -> None:  # type: ignore[no-untyped-def]
    mailer.queue_email(db, "a@example.com", "Dropped", "x")
    db.rollback()
    assert mailer.pending(db) == []
    mailer.queue_email(db, "a@example.com", "Kept", "x")
    with db.begin_nested():  # a savepoint release is not the commit
        pass
    assert smtp_server.messages == [] and len(mailer.pending(db)) == 1
    db.commit()
    assert [m["Subject"] for m in smtp_server.messages] == ["Kept"]
    assert mailer.pending(db) == []


def test_session_scope_reports_a_mail_failure_after_committing(db_url: str) -> None:
    from bot.db import session_scope
    from bot.models import AuditEvent

    with pytest.raises(mailer.MailNotSent) as err:
        with session_scope() as db:
            audit.record(db, Actor.system(), "user.signup", "user", None)
            mailer.queue_email(db, "a@example.com", "S", "x", failure_message="Saved, but no email.")
    assert err.value.message == "Saved, but no email."
    with session_scope() as db:
        assert db.query(AuditEvent).count() == 1


def test_audit_row_records_actor_and_never_secrets(db: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    staff, caller = make_user(), make_user()
    actor = Actor(user_id=staff.id, role="staff", on_behalf_of=caller.id, channel="staff_console")
    event = audit.record(db, actor, "user.password_set", "user", caller.id, password="Secret123456",
                         token="abc", new_password_hash="$argon2", note="ok", nested={"api_token": "t", "n": 1})
    db.commit()
    db.expire_all()
    assert (event.actor_user_id, event.actor_role, event.on_behalf_of_user_id, event.channel, event.entity_id) == (
        staff.id, "staff", caller.id, "staff_console", str(caller.id))
    assert event.details == {"note": "ok", "nested": {"n": 1}}


def test_devmail_stores_and_lists_messages(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import socket

    from bot import devmail
    from bot.config import reset_settings

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("SMTP_PORT", str(port))
    monkeypatch.setenv("DEVMAIL_DIR", str(tmp_path / "mail"))
    reset_settings()
    controller = devmail.start_server()
    try:
        mailer.send_email("ann@example.com", "First", "one")
        mailer.send_email("bob@example.com", "Second", "two http://127.0.0.1:8000/account/activate?token=abc")
    finally:
        controller.stop()
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 2
    items = devmail.list_messages(tmp_path / "mail")
    assert {(i.subject, i.to) for i in items} == {("First", "ann@example.com"), ("Second", "bob@example.com")}
    assert any("activate?token=abc" in i.body for i in items)
    assert devmail.list_messages() == devmail.list_messages(tmp_path / "mail")
    assert devmail.list_messages(tmp_path / "nothing-here") == []


def _outbox(db: Session) -> list:
    from sqlalchemy import select

    from bot.models import OutboxEmail

    db.expire_all()
    return list(db.execute(select(OutboxEmail).order_by(OutboxEmail.id)).scalars())


def test_an_email_that_fails_after_the_commit_is_kept_and_sent_by_the_worker(db: Session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from bot import outbox
    from bot.config import reset_settings
    from tests.mailcatcher import running_smtp_server

    mailer.queue_email(db, "ann@example.com", "Your link", "http://x/account/password?token=abc",
                       report_failure=False)
    db.commit()  # SMTP_PORT=9: the first try fails
    [row] = _outbox(db)
    assert (row.status, row.attempts) == ("queued", 1) and "Connection refused" in row.last_error
    assert mailer.raise_mail_failures(db) is None  # not reported: the worker will send it

    with running_smtp_server() as server:
        monkeypatch.setenv("SMTP_HOST", server.host)
        monkeypatch.setenv("SMTP_PORT", str(server.port))
        reset_settings()
        assert outbox.run_once().sent == 0  # not due yet: it waits for its retry time
        row.next_attempt_at = row.next_attempt_at - timedelta(hours=1)
        db.commit()
        report = outbox.run_once()
        assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
        assert [m["Subject"] for m in server.messages] == ["Your link"]
        assert outbox.run_once().sent == 0  # sent once only
    [row] = _outbox(db)
    assert row.status == "sent" and row.body == "" and row.sent_at  # the one-time link is not kept at rest


def test_an_email_every_retry_failed_is_kept_as_failed_for_staff(db: Session, capsys) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from bot import outbox

    mailer.queue_email(db, "ann@example.com", "Access request", "body")
    db.commit()
    with pytest.raises(mailer.MailNotSent):  # reported to the caller (the data is saved, the email is late)
        mailer.raise_mail_failures(db)
    for _ in range(mailer.MAX_ATTEMPTS):
        [row] = _outbox(db)
        if row.status == "failed":
            break
        row.next_attempt_at = row.next_attempt_at - timedelta(days=1)
        db.commit()
        outbox.run_once()
    [row] = _outbox(db)
    assert (row.status, row.attempts) == ("failed", mailer.MAX_ATTEMPTS)
    assert [r.id for r in mailer.undelivered(db)] == [row.id]
    outbox.list_failed()
    listed = capsys.readouterr().out
    assert "failed" in listed and "ann@example.com" in listed and "body" not in listed
    assert mailer.retry_now(db, row.id) and row.status == "queued"


def test_a_rolled_back_change_has_no_email_in_the_outbox(db: Session, smtp_server) -> None:  # type: ignore[no-untyped-def]
    mailer.queue_email(db, "a@example.com", "Dropped", "x")
    db.rollback()
    assert _outbox(db) == [] and smtp_server.messages == []
