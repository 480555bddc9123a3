"""Factories for the service tests: users made through the services (or straight in the DB when the test
is not about accounts)."""
from __future__ import annotations

import re
from typing import Callable, Optional
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import passwords
from bot.actor import Actor
from bot.models import AuditEvent, User
from bot.timeutil import utcnow

PASSWORD = "Harbor7Lantern"


def token_from(url_or_text: str, path: str = "") -> str:
    """The `token` query parameter of the first link (containing `path`) in a URL or an email body."""
    links = re.findall(r"https?://\S+", url_or_text)
    link = next(link for link in links if path in link)
    return parse_qs(urlsplit(link).query)["token"][0]


def audit_rows(db: Session, action: str) -> list[AuditEvent]:
    return list(db.execute(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).scalars())


@pytest.fixture
def make_user(db: Session) -> Callable[..., User]:
    """An active user (committed), made directly: for tests that are not about signing up."""
    counter = {"n": 0}

    def make(email: Optional[str] = None, name: str = "Pat Lee", *, status: str = "active",
             is_inspector: bool = False, password: str = PASSWORD) -> User:
        counter["n"] += 1
        user = User(email=email or f"user{counter['n']}@example.com", full_name=name, phone="(559) 555-0100",
                    password_hash=passwords.hash_password(password), status=status, is_inspector=is_inspector,
                    is_staff=False, failed_logins=0, created_at=utcnow(),
                    activated_at=utcnow() if status == "active" else None)
        db.add(user)
        db.commit()
        return user

    return make


@pytest.fixture
def actor_for() -> Callable[[User], Actor]:
    return lambda user: Actor(user_id=user.id, channel="chat")
