"""Pages and headers: health, chat page, security headers, no tokens in logs, dev mail."""
from __future__ import annotations

import logging
import re

import pytest
from starlette.testclient import TestClient

from bot.config import reset_settings
from bot.web.app import create_app
from bot.web.pages import linkify
from bot.web.sessions import CONV_COOKIE


def test_healthz() -> None:
    response = TestClient(create_app()).get("/healthz")
    assert response.status_code == 200 and response.text == "ok"


def test_chat_page_is_self_contained_and_sets_the_conversation_cookie() -> None:
    client = TestClient(create_app())
    page = client.get("/")
    assert page.status_code == 200
    conv = page.cookies.get(CONV_COOKIE)
    assert conv and len(conv) >= 20
    cookie_header = ",".join(page.headers.get_list("set-cookie"))
    assert "HttpOnly" in cookie_header
    assert 'name="viewport"' in page.text
    # no external resources: everything from this server
    for ref in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        assert ref.startswith("/"), ref
    assert client.get("/static/chat.js").status_code == 200
    assert client.get("/static/style.css").status_code == 200
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert page.headers["referrer-policy"] == "same-origin"
    # the same conversation on reload
    assert CONV_COOKIE not in client.get("/").cookies


def test_linkify_escapes_html_and_links_urls() -> None:
    html = str(linkify('<b>hi</b> see https://example.com/a?b=1&c=2. ok'))
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert '<a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer">' in html
    assert html.endswith(". ok")


def test_tokens_in_query_strings_are_not_logged(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "SECRETTOKEN1234567890"
    client.get(f"/account/activate?token={secret}")
    client.get(f"/access/decide?token={secret}&decision=grant")
    server_log = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    assert "/account/activate" in server_log  # the request was logged (httpx is the test's own client)...
    assert secret not in server_log  # ...without its token


def test_unknown_page_is_a_friendly_404() -> None:
    response = TestClient(create_app()).get("/nope")
    assert response.status_code == 404 and "Go to the chat" in response.text


def test_dev_mail_is_off_without_a_mail_catcher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEVMAIL_DIR", raising=False)
    reset_settings()
    try:
        assert TestClient(create_app()).get("/dev/mail").status_code == 404
    finally:
        reset_settings()


def test_dev_mail_lists_caught_messages_newest_first(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from email.utils import format_datetime
    from datetime import datetime, timezone

    from bot.services.mailer import build_message

    folder = tmp_path / "mail"
    folder.mkdir()
    for name, subject, day, body in [
        ("a.eml", "Older message", 1, "old"),
        ("b.eml", "Activate your account", 2, "Open http://127.0.0.1:8000/account/activate?token=abc <b>now</b>"),
    ]:
        msg = build_message("maria@example.com", subject, body)
        del msg["Date"]
        msg["Date"] = format_datetime(datetime(2024, 5, day, tzinfo=timezone.utc))
        (folder / name).write_bytes(msg.as_bytes())
    monkeypatch.setenv("DEVMAIL_DIR", str(folder))
    reset_settings()
    page = TestClient(create_app()).get("/dev/mail")
    assert page.status_code == 200
    assert page.text.index("Activate your account") < page.text.index("Older message")
    assert '<a href="http://127.0.0.1:8000/account/activate?token=abc"' in page.text
    assert "<b>now</b>" not in page.text and "&lt;b&gt;now&lt;/b&gt;" in page.text
    assert "maria@example.com" in page.text
    remote = TestClient(create_app(), client=("203.0.113.9", 5000)).get("/dev/mail")
    assert remote.status_code == 404  # only this machine may read caught mail
