"""Debian's Chromium for the Playwright tests: where it is, how it starts, and what to do when it is missing."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

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
