"""Set password, activation link, login, logout, resend and password reset through the web server."""
from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select
from starlette.testclient import TestClient

from bot.db import session_scope
from bot.models import User
from tests.web.conftest import PASSWORD
from tests.web.fakes import link_in, mail_text, wait_for_mail


def user_row(email: str) -> User:
    with session_scope() as db:
        return db.execute(select(User).where(User.email == email)).scalar_one()


def csrf_of(page_html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page_html)
    assert match, "page has no CSRF field"
    return match.group(1)


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


def test_good_password_sends_activation_link_that_works_once(client: TestClient, signup, smtp_server) -> None:
    token = signup("good@example.com")
    response = client.post("/api/account/password", json={"token": token, "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 200, response.text
    assert response.json()["ok"] is True
    assert "spam" in response.json()["message"]
    row = user_row("good@example.com")
    assert row.password_hash and PASSWORD not in row.password_hash

    mail = wait_for_mail(smtp_server, "good@example.com", "/account/activate")
    link = link_in(mail_text(mail), "/account/activate")
    first = client.get(link)
    assert first.status_code == 200
    assert "Your account is active. Go back to the chat and log in" in first.text
    assert 'href="/"' in first.text
    assert user_row("good@example.com").status == "active"

    second = client.get(link)
    assert second.status_code == 400
    assert "can't be used" in unescape(second.text)
    assert 'action="/account/resend"' in second.text  # how to get a new link

    # the set-password link is single-use too
    again = client.post("/api/account/password", json={"token": token, "password": PASSWORD + "x"})
    assert again.status_code == 400 and again.json()["errors"]


def test_set_password_mismatch_and_bad_token(client: TestClient, signup) -> None:
    token = signup("typo@example.com")
    mismatch = client.post("/api/account/password", json={"token": token, "password": PASSWORD, "confirm": PASSWORD + "1"})
    assert mismatch.status_code == 400 and "don't match" in mismatch.json()["errors"][0]
    bad = client.post("/api/account/password", json={"token": "not-a-real-token", "password": PASSWORD})
    assert bad.status_code == 400 and bad.json()["errors"][0]
    assert user_row("typo@example.com").password_hash is None


def test_password_page_form_needs_csrf_and_sets_the_password(client: TestClient, signup) -> None:
    token = signup("page@example.com")
    page = client.get(f"/account/password?token={token}")
    assert page.status_code == 200
    assert 'type="password"' in page.text and 'autocomplete="new-password"' in page.text
    assert "at least 10 characters" in page.text  # rules said up front
    form = {"token": token, "password": PASSWORD, "confirm": PASSWORD}
    refused = client.post("/account/password", data=form)
    assert refused.status_code == 403
    assert user_row("page@example.com").password_hash is None
    done = client.post("/account/password", data={**form, "csrf_token": csrf_of(page.text)})
    assert done.status_code == 200 and "spam" in done.text
    assert user_row("page@example.com").password_hash


def test_login_errors_and_lockout(client: TestClient, signup, active_user) -> None:
    pending_token = signup("pending@example.com")
    client.post("/api/account/password", json={"token": pending_token, "password": PASSWORD})
    not_active = client.post("/api/login", json={"email": "pending@example.com", "password": PASSWORD})
    assert not_active.status_code == 403 and not_active.json()["errors"][0]

    email = active_user("lock@example.com")
    statuses = [client.post("/api/login", json={"email": email, "password": "wrong-password-1"}).status_code
                for _ in range(5)]
    assert statuses[0] == 401
    locked = client.post("/api/login", json={"email": email, "password": PASSWORD})
    assert locked.status_code == 429, (statuses, locked.text)
    assert locked.json()["errors"][0]
    assert "cers_session" not in locked.cookies


def test_login_sets_a_12_hour_http_only_session(client: TestClient, active_user) -> None:
    email = active_user("login@example.com")
    response = client.post("/api/login", json={"email": email.upper(), "password": PASSWORD, "conversation_id": "conv-abc-123"})
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Maria Lopez"
    cookie = response.headers["set-cookie"]
    assert "cers_session=" in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    assert "Max-Age=43200" in cookie
    from bot.services import conversation_auth

    identity = conversation_auth.verify_token(response.json()["token"], "conv-abc-123")
    assert identity.user_id == user_row("login@example.com").id
    page = client.get("/")
    assert "Maria Lopez" in page.text  # greeted by name, logged in
    client.post("/api/logout", json={})
    assert "Maria Lopez" not in client.get("/").text


def test_plain_login_page(client: TestClient, active_user) -> None:
    email = active_user("plain@example.com")
    page = client.get("/login")
    assert 'autocomplete="current-password"' in page.text
    wrong = client.post("/login", data={"email": email, "password": "nope-nope-1", "csrf_token": csrf_of(page.text)})
    assert wrong.status_code == 401 and 'role="alert"' in wrong.text
    ok = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_of(page.text)},
                     follow_redirects=False)
    assert ok.status_code == 303 and "cers_session=" in ok.headers["set-cookie"]


def test_resend_activation(client: TestClient, signup, smtp_server) -> None:
    token = signup("resend@example.com")
    client.post("/api/account/password", json={"token": token, "password": PASSWORD})
    wait_for_mail(smtp_server, "resend@example.com", "/account/activate")
    first = client.post("/api/account/resend", json={"email": "resend@example.com"})
    if first.status_code == 429:  # the service may count the first email as a send (60 s apart)
        assert first.json()["errors"][0]
        return
    assert first.status_code == 200, first.text
    mail = wait_for_mail(smtp_server, "resend@example.com", "/account/activate", skip=1)
    assert client.get(link_in(mail_text(mail), "/account/activate")).status_code == 200
    too_soon = client.post("/api/account/resend", json={"email": "resend@example.com"})
    assert too_soon.status_code in (400, 409, 429)  # already active or too soon: refused with a message
    assert too_soon.json()["errors"][0]


def test_password_reset(client: TestClient, active_user, smtp_server) -> None:
    email = active_user("reset@example.com")
    page = client.get("/account/reset")
    sent = client.post("/account/reset", data={"email": email, "csrf_token": csrf_of(page.text)})
    assert sent.status_code == 200 and "Check your email" in sent.text
    mail = wait_for_mail(smtp_server, email, "reset the password")
    link = link_in(mail_text(mail), "/account/password")  # the same secure password page serves resets
    form_page = client.get(link)
    assert form_page.status_code == 200 and 'autocomplete="new-password"' in form_page.text
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


def test_reset_link_on_the_password_page_says_changed_not_activation(client: TestClient, active_user,
                                                                     smtp_server) -> None:
    email = active_user("reset2@example.com")
    page = client.get("/account/reset")
    client.post("/account/reset", data={"email": email, "csrf_token": csrf_of(page.text)})
    link = link_in(mail_text(wait_for_mail(smtp_server, email, "reset the password")), "/account/password")
    token = link.split("token=", 1)[1]
    done = client.post("/api/account/password", json={"token": token, "password": "Another8Password"})
    assert done.status_code == 200 and "changed" in done.json()["message"]
