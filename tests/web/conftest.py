"""Fixtures for the web server tests: the app under a TestClient, a fake Rasa, users created through the
services, on each database of `db_url` (tests/conftest.py), with emails going to the real `smtp_server`."""
from __future__ import annotations

from typing import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from bot.actor import Actor
from bot.config import reset_settings
from bot.db import session_scope
from bot.services import accounts
from tests.web.fakes import FakeRasa, ServerThread, link_in, mail_text, wait_for_mail

PASSWORD = "Harbor7Lantern"


@pytest.fixture
def fake_rasa(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeRasa]:
    rasa = FakeRasa()
    with ServerThread(rasa.app) as server:
        monkeypatch.setenv("RASA_URL", server.url)
        reset_settings()
        yield rasa
    reset_settings()


@pytest.fixture
def client(db, smtp_server) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    from bot.web.app import create_app

    with TestClient(create_app()) as test_client:
        yield test_client


def start_signup(email: str, name: str = "Maria Lopez", phone: str = "559-555-0123", smtp_server=None) -> str:  # type: ignore[no-untyped-def]
    """Sign up through the service; return the token of the set-password link it emailed (read from the
    `smtp_server` fixture when given; otherwise a second link is issued as the email's would be)."""
    with session_scope() as db:
        accounts.start_signup(db, name, email, phone, Actor.anonymous("chat"))
    if smtp_server is not None:
        mail = wait_for_mail(smtp_server, email, "/account/password")
        return parse_qs(urlsplit(link_in(mail_text(mail), "/account/password")).query)["token"][0]
    from datetime import timedelta

    from bot import link_tokens

    with session_scope() as db:
        user = accounts.get_user_by_email(db, email)
        return link_tokens.issue(db, user.id, "set_password", timedelta(hours=24))


@pytest.fixture
def signup(smtp_server) -> Callable[..., str]:  # type: ignore[no-untyped-def]
    def make(email: str, name: str = "Maria Lopez", phone: str = "559-555-0123") -> str:
        return start_signup(email, name, phone, smtp_server)

    return make


@pytest.fixture
def active_user(client: TestClient, smtp_server) -> Callable[..., str]:  # type: ignore[no-untyped-def]
    """Make an active account the way a person does: sign up, open the emailed link, choose the password
    (which activates the account); return its email."""

    def make(email: str, password: str = PASSWORD, name: str = "Maria Lopez") -> str:
        token = start_signup(email, name, smtp_server=smtp_server)
        response = client.post("/api/account/password", json={"token": token, "password": password})
        assert response.status_code == 200, response.text
        return email

    return make
