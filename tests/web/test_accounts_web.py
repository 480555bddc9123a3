"""Choose the password from the emailed link, activation links behind a confirmation, login and its back-off,
sessions that end (log-out, password reset, disabling), resend, password reset - through the web server."""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from sqlalchemy import select, update
from starlette.testclient import TestClient

from bot import link_tokens, passwords
from bot.actor import Actor
from bot.db import session_scope
from bot.models import ThrottleHit, User
from bot.services import accounts
from bot.web.sessions import CONV_COOKIE, SESSION_COOKIE
from tests.web.conftest import PASSWORD
from tests.web.fakes import FakeRasa, link_in, mail_text, wait_for_mail


def user_row(email: str) -> User:
    with session_scope() as db:
        return db.execute(select(User).where(User.email == email)).scalar_one()


def csrf_of(page_html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page_html)
    assert match, "page has no CSRF field"
    return match.group(1)


def age_throttles(minutes: int = 2) -> None:
    with session_scope() as db:
        db.execute(update(ThrottleHit).values(created_at=ThrottleHit.created_at - timedelta(minutes=minutes)))


def test_weak_password_is_refused_with_the_rule_and_nothing_saved(client: TestClient, signup) -> None:
    token = signup("weak@example.com")
    response = client.post("/api/account/password", json={"token": token, "password": "abc"})
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False
    assert any("10 characters" in e for e in body["errors"]), body
    assert user_row("weak@example.com").password_hash is None
    # the token was not used up: a good password still works with the same link
    ok = client.post("/api/account/password", json={"token": token, "password": PASSWORD})
    assert ok.status_code == 200, ok.text


def test_the_emailed_link_sets_the_password_and_activates_once(client: TestClient, signup) -> None:
    token = signup("good@example.com")
    response = client.post("/api/account/password", json={"token": token, "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 200, response.text
    assert response.json()["ok"] is True and "active" in response.json()["message"]
    row = user_row("good@example.com")
    assert row.status == "active" and row.password_hash and PASSWORD not in row.password_hash
    again = client.post("/api/account/password", json={"token": token, "password": PASSWORD + "x"})
    assert again.status_code == 400 and again.json()["errors"]
    assert client.post("/api/login", json={"email": "good@example.com", "password": PASSWORD}).status_code == 200


def test_set_password_mismatch_and_bad_token(client: TestClient, signup) -> None:
    token = signup("typo@example.com")
    mismatch = client.post("/api/account/password", json={"token": token, "password": PASSWORD, "confirm": PASSWORD + "1"})
    assert mismatch.status_code == 400 and "don't match" in mismatch.json()["errors"][0]
    bad = client.post("/api/account/password", json={"token": "not-a-real-token", "password": PASSWORD})
    assert bad.status_code == 400 and bad.json()["errors"][0]
    assert user_row("typo@example.com").password_hash is None


def test_password_page_shows_the_account_and_lets_the_inbox_owner_fix_name_and_phone(client: TestClient, signup) -> None:
    token = signup("page@example.com", name="Maria Lopez", phone="559-555-0123")
    page = client.get(f"/account/password?token={token}")
    assert page.status_code == 200
    assert "page@example.com" in page.text and 'value="Maria Lopez"' in page.text and "(559) 555-0123" in page.text
    assert 'type="password"' in page.text and 'autocomplete="new-password"' in page.text
    assert "at least 10 characters" in page.text  # rules said up front
    form = {"token": token, "password": PASSWORD, "confirm": PASSWORD, "full_name": "Maria Teresa Lopez",
            "phone": "209 555 0188"}
    refused = client.post("/account/password", data=form)
    assert refused.status_code == 403
    assert user_row("page@example.com").password_hash is None
    done = client.post("/account/password", data={**form, "csrf_token": csrf_of(page.text)})
    assert done.status_code == 200 and "active" in done.text
    row = user_row("page@example.com")
    assert (row.status, row.full_name, row.phone) == ("active", "Maria Teresa Lopez", "(209) 555-0188")
    used = client.get(f"/account/password?token={token}")
    assert used.status_code == 400 and "already used" in unescape(used.text)


def test_an_activation_link_only_asks_until_the_button_is_pressed(client: TestClient) -> None:
    """Mail scanners open links: the GET of an (older) activation link must change nothing."""
    with session_scope() as db:
        user = User(email="old@example.com", full_name="Olga Old", status="pending", is_inspector=False,
                    is_staff=False, failed_logins=0, password_hash=passwords.hash_password(PASSWORD))
        db.add(user)
        db.flush()
        token = link_tokens.issue(db, user.id, "activate", timedelta(hours=24))
    page = client.get(f"/account/activate?token={token}")
    assert page.status_code == 200 and "Activate my account" in page.text
    assert user_row("old@example.com").status == "pending"
    assert client.post("/account/activate", data={"token": token}).status_code == 403  # no CSRF field
    done = client.post("/account/activate", data={"token": token, "csrf_token": csrf_of(page.text)})
    assert done.status_code == 200 and "Your account is active" in done.text
    assert user_row("old@example.com").status == "active"
    again = client.post("/account/activate", data={"token": token, "csrf_token": csrf_of(page.text)})
    assert again.status_code == 400 and 'action="/account/resend"' in again.text


def test_wrong_passwords_slow_the_guessing_browser_not_the_owner(client: TestClient, active_user) -> None:
    email = active_user("lock@example.com")
    statuses = [client.post("/api/login", json={"email": email, "password": "wrong-password-1"}).status_code
                for _ in range(5)]
    assert statuses == [401] * 5
    slowed = client.post("/api/login", json={"email": email, "password": PASSWORD})
    assert slowed.status_code == 429 and "wait 30 seconds" in slowed.json()["errors"][0]
    assert SESSION_COOKIE not in slowed.cookies
    owner = TestClient(client.app, client=("198.51.100.7", 50000))
    assert owner.post("/api/login", json={"email": email, "password": PASSWORD}).status_code == 200


def test_lockout_answers_the_same_for_an_unknown_email(client: TestClient, active_user) -> None:
    email = active_user("known@example.com")
    answers = {}
    for address in (email, "nobody@example.com"):
        answers[address] = [client.post("/api/login", json={"email": address, "password": "wrong-password-1"})
                            .status_code for _ in range(6)]
    assert answers[email] == answers["nobody@example.com"] == [401] * 5 + [429]


def test_pending_account_login_and_the_12_hour_http_only_session(client: TestClient, signup, active_user) -> None:
    signup("pending@example.com")
    pending = client.post("/api/login", json={"email": "pending@example.com", "password": PASSWORD})
    assert pending.status_code == 401  # no password chosen yet: the same answer as a wrong password
    email = active_user("login@example.com")
    response = client.post("/api/login", json={"email": email.upper(), "password": PASSWORD})
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Maria Lopez" and "token" not in response.json()
    cookie = ",".join(response.headers.get_list("set-cookie"))
    assert "cers_session=" in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    assert "Max-Age=43200" in cookie
    assert "Maria Lopez" in client.get("/").text  # greeted by name, logged in


def test_login_never_issues_a_token_for_a_conversation_the_caller_names(client: TestClient, active_user) -> None:
    email = active_user("named@example.com")
    client.get("/")
    before = client.cookies[CONV_COOKIE]
    response = client.post("/api/login", json={"email": email, "password": PASSWORD,
                                               "conversation_id": "someone-elses-conversation"})
    assert response.status_code == 200 and "token" not in response.json()
    after = response.cookies.get(CONV_COOKIE)
    assert after and after not in (before, "someone-elses-conversation")  # a login starts a new conversation


def test_logging_in_as_b_where_a_was_logged_in_starts_a_new_conversation(client: TestClient, active_user,
                                                                         fake_rasa: FakeRasa) -> None:
    a, b = active_user("a@example.com", name="Ann Able"), active_user("b@example.com", name="Bob Baker")
    assert client.post("/api/login", json={"email": a, "password": PASSWORD}).status_code == 200
    client.post("/api/chat", json={"message": "hello"})
    conv_a = fake_rasa.requests[-1]["sender"]
    page = client.get("/login")
    done = client.post("/login", data={"email": b, "password": PASSWORD, "csrf_token": csrf_of(page.text)},
                       follow_redirects=False)
    assert done.status_code == 303
    client.post("/api/chat", json={"message": "hello"})
    assert fake_rasa.requests[-1]["sender"] != conv_a  # B does not continue A's conversation


def test_plain_login_page(client: TestClient, active_user) -> None:
    email = active_user("plain@example.com")
    page = client.get("/login")
    assert 'autocomplete="current-password"' in page.text
    wrong = client.post("/login", data={"email": email, "password": "nope-nope-1", "csrf_token": csrf_of(page.text)})
    assert wrong.status_code == 401 and 'role="alert"' in wrong.text
    ok = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_of(page.text)},
                     follow_redirects=False)
    assert ok.status_code == 303 and "cers_session=" in ",".join(ok.headers.get_list("set-cookie"))


def _logged_in(client: TestClient, email: str) -> str:
    response = client.post("/api/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.cookies[SESSION_COOKIE]


def _chat_page_logged_in(app, cookie: str) -> bool:  # type: ignore[no-untyped-def]
    other = TestClient(app)
    other.cookies.set(SESSION_COOKIE, cookie)
    return 'data-logged-in="true"' in other.get("/").text


def test_after_log_out_the_old_session_cookie_no_longer_works(client: TestClient, active_user, fake_rasa) -> None:  # type: ignore[no-untyped-def]
    email = active_user("out@example.com")
    elsewhere = TestClient(client.app)
    other_device = _logged_in(elsewhere, email)
    cookie = _logged_in(client, email)
    assert _chat_page_logged_in(client.app, cookie)
    client.post("/api/logout", json={})
    assert not _chat_page_logged_in(client.app, cookie)  # replaying the copied cookie
    assert not _chat_page_logged_in(client.app, other_device)  # and every other session of the account
    client.cookies.set(SESSION_COOKIE, cookie)  # the same browser, replaying the old cookie
    client.post("/api/chat", json={"message": "who am I"})
    assert "auth_token" not in fake_rasa.requests[-1].get("metadata", {})
    cleared = client.get("/")
    assert any(c.startswith(f"{SESSION_COOKIE}=") and "Max-Age=0" in c for c in cleared.headers.get_list("set-cookie"))
    assert _chat_page_logged_in(client.app, _logged_in(client, email))  # logging in again works


def test_a_password_reset_ends_every_session(client: TestClient, active_user, smtp_server) -> None:  # type: ignore[no-untyped-def]
    email = active_user("reset-ends@example.com")
    cookie = _logged_in(client, email)
    page = client.get("/account/reset")
    client.post("/account/reset", data={"email": email, "csrf_token": csrf_of(page.text)})
    link = link_in(mail_text(wait_for_mail(smtp_server, email, "reset the password")), "/account/password")
    token = link.split("token=", 1)[1]
    assert client.post("/api/account/password", json={"token": token, "password": "Another8Password"}).status_code == 200
    assert not _chat_page_logged_in(client.app, cookie)


def test_a_disabled_account_stops_working_at_once(client: TestClient, active_user) -> None:
    email = active_user("gone@example.com")
    cookie = _logged_in(client, email)
    with session_scope() as db:
        accounts.disable_account(db, Actor.system(), accounts.get_user_by_email(db, email).id, "left")
    assert not _chat_page_logged_in(client.app, cookie)
    refused = client.post("/api/login", json={"email": email, "password": PASSWORD})
    assert refused.status_code == 403 and "disabled" in refused.json()["errors"][0]


def test_resend_and_reset_answer_the_same_for_known_and_unknown_addresses(client: TestClient, signup,
                                                                          smtp_server) -> None:  # type: ignore[no-untyped-def]
    signup("waiting@example.com")
    age_throttles()
    for path in ("/api/account/resend",):
        known = [client.post(path, json={"email": "waiting@example.com"}).status_code for _ in range(2)]
        unknown = [client.post(path, json={"email": "nobody@example.com"}).status_code for _ in range(2)]
        assert known == unknown == [200, 429]
    page = client.get("/account/reset")
    reset = {}
    for address in ("waiting@example.com", "nobody@example.com"):
        reset[address] = [client.post("/account/reset", data={"email": address, "csrf_token": csrf_of(page.text)})
                          .status_code for _ in range(2)]
    assert reset["waiting@example.com"] == reset["nobody@example.com"] == [200, 429]
    assert len(smtp_server.to("nobody@example.com")) == 0
    mail = wait_for_mail(smtp_server, "waiting@example.com", "/account/password", skip=1)  # the resent link
    assert client.post("/api/account/password", json={
        "token": link_in(mail_text(mail), "/account/password").split("token=")[1], "password": PASSWORD}
    ).status_code == 200


def test_password_reset(client: TestClient, active_user, smtp_server) -> None:  # type: ignore[no-untyped-def]
    email = active_user("reset@example.com")
    page = client.get("/account/reset")
    sent = client.post("/account/reset", data={"email": email, "csrf_token": csrf_of(page.text)})
    assert sent.status_code == 200 and "Check your email" in sent.text
    mail = wait_for_mail(smtp_server, email, "reset the password")
    link = link_in(mail_text(mail), "/account/password")  # the same secure password page serves resets
    form_page = client.get(link)
    assert form_page.status_code == 200 and 'autocomplete="new-password"' in form_page.text
    assert 'name="full_name"' not in form_page.text  # a reset changes the password only
    token = re.search(r'name="token" value="([^"]+)"', form_page.text).group(1)
    csrf = csrf_of(form_page.text)
    new_password = "Different9Password"
    weak = client.post("/account/password", data={"token": token, "password": "short", "confirm": "short",
                                                  "csrf_token": csrf})
    assert weak.status_code == 400 and "10 characters" in weak.text
    confirm_page = client.get(f"/account/reset/confirm?token={token}")
    assert confirm_page.status_code == 200 and "new password" in confirm_page.text.lower()
    done = client.post("/account/reset/confirm", data={"token": token, "password": new_password,
                                                       "confirm": new_password, "csrf_token": csrf})
    assert done.status_code == 200 and "changed" in done.text
    assert client.post("/api/login", json={"email": email, "password": PASSWORD}).status_code == 401
    assert client.post("/api/login", json={"email": email, "password": new_password}).status_code == 200
    used = client.post("/account/reset/confirm", data={"token": token, "password": new_password + "2",
                                                       "confirm": new_password + "2", "csrf_token": csrf})
    assert used.status_code == 400 and "can't be used" in unescape(used.text)


def test_reset_link_on_the_password_page_says_changed(client: TestClient, active_user, smtp_server) -> None:  # type: ignore[no-untyped-def]
    email = active_user("reset2@example.com")
    page = client.get("/account/reset")
    client.post("/account/reset", data={"email": email, "csrf_token": csrf_of(page.text)})
    link = link_in(mail_text(wait_for_mail(smtp_server, email, "reset the password")), "/account/password")
    token = link.split("token=", 1)[1]
    done = client.post("/api/account/password", json={"token": token, "password": "Another8Password"})
    assert done.status_code == 200 and "changed" in done.json()["message"]


def test_staff_see_the_emails_that_could_not_be_sent(client: TestClient, active_user, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bot.config import reset_settings
    from bot.services import mailer

    email = active_user("staff@example.com", name="Sam Staff")
    monkeypatch.setenv("SMTP_PORT", "9")  # the mail server is down
    reset_settings()
    with session_scope() as db:
        mailer.queue_email(db, "lost@example.com", "Your access request", "body with a link", report_failure=False)
    _logged_in(client, email)
    assert client.get("/staff/outbox").status_code == 403  # not staff yet
    with session_scope() as db:
        db.execute(update(User).where(User.email == email).values(is_staff=True))
    page = client.get("/staff/outbox")
    assert page.status_code == 200 and "lost@example.com" in page.text and "Your access request" in page.text
    assert "body with a link" not in page.text
