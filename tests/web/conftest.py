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


def start_signup(email: str, name: str = "Maria Lopez", phone: str = "559-555-0123") -> str:
    """Start a signup through the service; return the set-password token from its link."""
    with session_scope() as db:
        started = accounts.start_signup(db, name, email, phone, Actor.anonymous("chat"))
        url = started.set_password_url
    return parse_qs(urlsplit(url).query)["token"][0]


@pytest.fixture
def signup() -> Callable[..., str]:
    return start_signup


@pytest.fixture
def active_user(client: TestClient, smtp_server) -> Callable[..., str]:  # type: ignore[no-untyped-def]
    """Make an active account through the web endpoints (set password, activation link); return its email."""

    def make(email: str, password: str = PASSWORD, name: str = "Maria Lopez") -> str:
        token = start_signup(email, name)
        response = client.post("/api/account/password", json={"token": token, "password": password})
        assert response.status_code == 200, response.text
        mail = wait_for_mail(smtp_server, email, "/account/activate")
        page = client.get(link_in(mail_text(mail), "/account/activate"))
        assert page.status_code == 200, page.text
        return email

    return make
