"""Fixtures for end-to-end conversations: one real stack (action server, Rasa server, web server) per
test session, on a fresh SQLite database, with a real local SMTP server receiving the emails."""
from __future__ import annotations

import uuid
from typing import Iterator

import pytest

from tests.e2e.servers import Stack, start_stack
from tests.mailcatcher import SmtpServer, running_smtp_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def mailbox() -> Iterator[SmtpServer]:
    with running_smtp_server() as server:
        yield server


@pytest.fixture(scope="session")
def e2e_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh SQLite file, migrated, with the chemical library loaded (as the set-up step does)."""
    import subprocess
    import sys

    from bot.db import migrate

    path = tmp_path_factory.mktemp("e2e-db") / "cers.db"
    url = f"sqlite:///{path}"
    migrate(url)
    subprocess.run([sys.executable, "-m", "bot.chemicals.build", "--database-url", url], check=True,
                   capture_output=True, timeout=300)
    return url


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, mailbox: SmtpServer, e2e_db_url: str) -> Iterator[Stack]:
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
