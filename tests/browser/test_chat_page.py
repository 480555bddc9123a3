"""The chat page in headless Chromium against the real web server and a fake Rasa: bot text (escaped, links),
buttons, the set-password form that posts to /api/account/password (never through the chat), login."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.db import session_scope
from bot.models import User
from bot.validation import PASSWORD_RULES
from tests.browser.chromium import require_chromium, web_with_fake_rasa
from tests.web.conftest import PASSWORD, start_signup

require_chromium()

from playwright.sync_api import Browser, Page, expect  # noqa: E402

EMAIL = "browser.user@example.com"


@pytest.fixture
def stack(db, smtp_server, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """(web server URL, fake Rasa, set-password token of a fresh signup)."""
    token = start_signup(EMAIL, "Ana Browser")
    def reply(body: dict) -> list:
        message = body["message"]
        if message == "hello":
            return [{"text": "Hi <b>there</b>. Help: https://example.com/help."},
                    {"text": "Do you have a CERS ID?", "buttons": [{"title": "Yes, I have one", "payload": "/affirm"},
                                                                 {"title": "No", "payload": "/deny"}]}]
        if message == "/affirm":
            return [{"text": "Great, type it."}]
        if message == "/sign_up":
            return [{"text": "Choose your password in this secure form."},
                    {"custom": {"form": "set_password", "url": f"/account/password?token={token}", "token": token,
                                "rules": [PASSWORD_RULES]}}]
        if message == "/log_in":
            return [{"custom": {"form": "login"}}]
        if message == "/logged_in":
            who = "with a token" if body.get("metadata", {}).get("auth_token") else "without a token"
            return [{"text": f"You are in, {who}."}]
        return [{"text": f"echo: {message}"}]

    with web_with_fake_rasa(monkeypatch, reply) as (url, rasa):
        yield url, rasa, token


def bot_messages(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("#messages li.msg.bot")


def test_chat_page_renders_replies_buttons_and_the_secure_password_form(browser: Browser, stack, smtp_server) -> None:
    url, rasa, token = stack
    page = browser.new_page()
    page.goto(url + "/")
    expect(page.get_by_role("button", name="Sign up")).to_be_visible()
    expect(page.get_by_role("button", name="Find my facility")).to_be_visible()
    assert rasa.requests == []  # nothing is sent on load

    page.get_by_label("Your message").fill("hello")
    page.get_by_label("Your message").press("Enter")
    first = bot_messages(page).filter(has_text="Help:")
    expect(first).to_contain_text("Hi <b>there</b>.")  # HTML shown as text, not rendered
    assert first.locator("b").count() == 0
    expect(first.locator("a")).to_have_attribute("href", "https://example.com/help")

    page.get_by_role("button", name="Yes, I have one").click()
    expect(bot_messages(page).filter(has_text="Great, type it.")).to_be_visible()
    assert rasa.messages[-1] == "/affirm"
    expect(page.locator("#messages li.msg.user").last).to_contain_text("Yes, I have one")

    page.reload()  # the conversation so far stays on screen, and nothing is re-sent
    expect(bot_messages(page).filter(has_text="Great, type it.")).to_be_visible()
    expect(page.get_by_text("You can carry on where you left off")).to_be_visible()
    assert rasa.messages == ["hello", "/affirm"]
    page.evaluate("window.sessionStorage.clear()")
    page.reload()

    page.get_by_role("button", name="Sign up").click()
    form = page.locator("form.set-password-form")
    expect(form).to_be_visible()
    expect(form).to_contain_text("at least 10 characters")
    assert form.locator('input[type="password"][autocomplete="new-password"]').count() == 2

    form.get_by_label("Password", exact=True).fill("short1")
    form.get_by_label("Type it again").fill("short1")
    form.get_by_role("button", name="Save password").click()
    expect(form.locator(".errors")).to_contain_text("10 characters")
    with session_scope() as db:
        assert db.execute(select(User.password_hash).where(User.email == EMAIL)).scalar_one() is None

    form.get_by_label("Password", exact=True).fill(PASSWORD)
    form.get_by_label("Type it again").fill(PASSWORD)
    form.get_by_role("button", name="Save password").click()
    expect(bot_messages(page).filter(has_text="account is active")).to_be_visible()  # choosing it activates
    with session_scope() as db:
        assert db.execute(select(User.password_hash).where(User.email == EMAIL)).scalar_one()
    sent_to_rasa = json.dumps(rasa.requests)
    assert PASSWORD not in sent_to_rasa and "short1" not in sent_to_rasa

    with session_scope() as db:
        assert db.execute(select(User.status).where(User.email == EMAIL)).scalar_one() == "active"

    # back to the chat (a fresh page offers Log in again: the first choice, Sign up, used up that row), then
    # log in with the inline form
    page.reload()
    page.get_by_role("button", name="Log in").click()
    login = page.locator("form.login-form")
    login.get_by_label("Email address").fill(EMAIL)
    login.get_by_label("Password").fill("Wrong-password-9")
    login.get_by_role("button", name="Log in").click()
    expect(login.locator(".errors")).to_contain_text("wrong")
    login.get_by_label("Password").fill(PASSWORD)
    login.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("You are logged in as Ana Browser.")).to_be_visible()
    expect(bot_messages(page).filter(has_text="You are in, with a token.")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert PASSWORD not in json.dumps(rasa.requests)

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Sign up")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_hidden()
    page.close()
