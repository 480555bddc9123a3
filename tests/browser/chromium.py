"""Debian's Chromium for the Playwright tests: where it is, how it starts, and what to do when it is missing."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pytest

from tests.web.fakes import FakeRasa, ServerThread

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def require_chromium() -> None:
    """Call at module level: fail (CERS_REQUIRE_BROWSER=1, as scripts/test.sh sets) or skip the module when
    Chromium is not installed."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CERS_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"CERS_REQUIRE_BROWSER=1 but {CHROMIUM} is missing: apt-get install chromium")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); browser tests skipped",
                allow_module_level=True)


@contextmanager
def web_with_fake_rasa(monkeypatch: pytest.MonkeyPatch,
                       reply: Callable[[dict], list]) -> Iterator[tuple[str, FakeRasa]]:
    """The real web server in front of a fake Rasa answering each message with `reply(body)`: (web URL, rasa)."""
    from bot.config import reset_settings
    from bot.web.app import create_app

    rasa = FakeRasa()
    rasa.reply = reply
    with ServerThread(rasa.app) as rasa_server:
        monkeypatch.setenv("RASA_URL", rasa_server.url)
        reset_settings()
        try:
            with ServerThread(create_app()) as web:
                yield web.url, rasa
        finally:
            reset_settings()
