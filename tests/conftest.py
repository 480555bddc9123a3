"""Fixtures shared by the whole suite.

- every test runs with its own var dir (CERS_VAR_DIR), a fixed SECRET_KEY and a mail server address that
  refuses connections (so no test mails a real server by accident);
- `db_url`: the database, parametrized over SQLite (a temp file) and PostgreSQL (TEST_POSTGRES_URL; skipped
  only when that variable is unset; a schema of its own per test run). The schema is migrated once per run,
  then emptied for each test;
- `db`: a Session on that database;
- `smtp_server`: a real aiosmtpd server on 127.0.0.1 collecting the messages it receives.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from tests.mailcatcher import SmtpServer, running_smtp_server

TEST_SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdef"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _reset() -> None:
    from bot.config import reset_settings
    from bot.db import reset_engines

    reset_settings()
    reset_engines()


@pytest.fixture(autouse=True)
def _test_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    monkeypatch.setenv("CERS_VAR_DIR", str(var_dir))
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET_KEY)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{var_dir / 'default.db'}")
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", "9")  # nothing listens: a test that mails must use `smtp_server`
    for name in ("SMTP_USER", "SMTP_PASSWORD", "SMTP_STARTTLS", "DEVMAIL_DIR", "CONVERSATION_TOKEN_TTL"):
        monkeypatch.delenv(name, raising=False)
    _reset()
    yield
    _reset()


# --- databases ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once keeps the suite fast)."""
    from bot.db import migrate

    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def _postgres_schema() -> Iterator[str]:
    """TEST_POSTGRES_URL pointed at a schema of this test run (dropped, recreated and migrated once per run).

    Each pytest process gets its own schema (search_path in the URL), so two runs against the same database
    (several developers, or parallel suites) cannot empty each other's tables.
    """
    base = os.environ.get("TEST_POSTGRES_URL")
    if not base:
        pytest.skip("TEST_POSTGRES_URL is not set")
    from sqlalchemy import create_engine, text

    from bot.db import migrate

    schema = f"test_run_{os.getpid()}"
    sep = "&" if "?" in base else "?"
    url = f"{base}{sep}options=-csearch_path%3D{schema}"
    engine = create_engine(base, future=True)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        for stale in conn.execute(text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'test\\_run\\_%'")).scalars():
            if not _pid_alive(int(stale.rsplit("_", 1)[1])):  # left by a run that was killed
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{stale}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    migrate(url)
    yield url
    from bot.db import reset_engines

    reset_engines()
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def _empty_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, future=True)
    try:
        with engine.begin() as conn:
            tables = conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                     "AND tablename <> 'alembic_version'")
            ).scalars().all()
            if tables:
                names = ", ".join(f'"{t}"' for t in tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """DATABASE_URL of an empty, migrated database (SQLite file or PostgreSQL), set in the environment."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("_sqlite_template")
        path = tmp_path / "test.db"
        shutil.copyfile(template, path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("_postgres_schema")
        _empty_postgres(url)
    monkeypatch.setenv("DATABASE_URL", url)
    _reset()
    yield url
    _reset()


@pytest.fixture
def db(db_url: str) -> Iterator["Session"]:  # noqa: F821
    """A Session on the test database (commit it to make writes visible and send queued emails)."""
    from bot.db import new_session

    session = new_session()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


# --- mail --------------------------------------------------------------------------------------------


@pytest.fixture
def smtp_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a free local port; SMTP_HOST/SMTP_PORT point at it."""
    from bot.config import reset_settings

    with running_smtp_server() as server:
        monkeypatch.setenv("SMTP_HOST", server.host)
        monkeypatch.setenv("SMTP_PORT", str(server.port))
        reset_settings()
        try:
            yield server
        finally:
            reset_settings()
