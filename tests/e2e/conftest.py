"""Fixtures for end-to-end conversations: one real stack (action server, Rasa server, web server) per
test session, on a fresh SQLite database, with a real local SMTP server receiving the emails."""
from __future__ import annotations

import email
import email.policy
import re
import time
import uuid
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
from aiosmtpd.controller import Controller

from tests.e2e.servers import Stack, free_port, start_stack

pytestmark = pytest.mark.e2e


class _Collector:
    def __init__(self) -> None:
        self.messages: List[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


class MailBox:
    def __init__(self, collector: _Collector, port: int) -> None:
        self._collector = collector
        self.port = port

    @property
    def messages(self) -> List[email.message.EmailMessage]:
        return list(self._collector.messages)

    def wait_for(self, to: str, subject_contains: str = "", timeout: float = 15) -> email.message.EmailMessage:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for msg in reversed(self._collector.messages):
                if to.lower() in str(msg["To"]).lower() and subject_contains.lower() in str(msg["Subject"]).lower():
                    return msg
            time.sleep(0.2)
        raise AssertionError(f"no email to {to} with {subject_contains!r}; got {[m['Subject'] for m in self.messages]}")

    @staticmethod
    def body(msg: email.message.EmailMessage) -> str:
        part = msg.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part else msg.get_content()

    def link(self, msg: email.message.EmailMessage, path_part: str) -> str:
        for url in re.findall(r"https?://[^\s<>\"']+", self.body(msg)):
            if path_part in url:
                return url
        raise AssertionError(f"no link containing {path_part!r} in:\n{self.body(msg)}")


@pytest.fixture(scope="session")
def mailbox() -> Iterator[MailBox]:
    collector = _Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield MailBox(collector, port)
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def e2e_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("e2e-db") / "cers.db"
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, mailbox: MailBox, e2e_db_url: str) -> Iterator[Stack]:
    import os

    from bot.db import migrate

    workdir = tmp_path_factory.mktemp("e2e-stack")
    env = {
        "DATABASE_URL": e2e_db_url,
        "CERS_VAR_DIR": str(workdir / "var"),
        "SECRET_KEY": "e2e-secret-" + uuid.uuid4().hex,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(mailbox.port),
    }
    migrate(e2e_db_url)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # the test process signs tokens and reads the DB with the same settings
    from bot.config import reset_settings
    from bot.db import reset_engines

    reset_settings()
    reset_engines()
    s = start_stack(workdir, env)
    try:
        yield s
    finally:
        s.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        reset_settings()
        reset_engines()



@pytest.fixture(autouse=True)
def _stack_env(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The suite-wide fixture gives every test its own settings; end-to-end tests share the stack's."""
    from bot.config import reset_settings
    from bot.db import reset_engines

    for key in ("DATABASE_URL", "CERS_VAR_DIR", "SECRET_KEY", "SMTP_HOST", "SMTP_PORT", "WEB_BASE_URL", "RASA_URL"):
        monkeypatch.setenv(key, stack.env[key])
    reset_settings()
    reset_engines()
    yield
    reset_settings()
    reset_engines()
