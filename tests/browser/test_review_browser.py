"""The inspector's review console in headless Chromium against the real web server: the queue, the filing with its
site map PDF shown in the page, a Not Accepted decision with a reason from the pick list and a note; a screenshot of
the console is kept in var/test-results/review-console.png."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import session_scope
from bot.models import ReviewDecision
from tests.browser.chromium import require_chromium
from tests.web.fakes import ServerThread
from tests.web.test_inventory_web import PASSWORD
from tests.web.test_review_web import world  # noqa: F401 (fixture)

require_chromium()

from playwright.sync_api import Browser, expect  # noqa: E402

RESULTS = Path(__file__).resolve().parents[2] / "var" / "test-results"


@pytest.fixture
def web(db: Session, smtp_server, world):  # type: ignore[no-untyped-def]  # noqa: F811
    from bot.web.app import create_app

    with ServerThread(create_app()) as server:
        yield server.url


def test_the_console_shows_the_filing_and_saves_a_not_accepted_decision(browser: Browser, web: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(web + "/login")
    page.get_by_label("Email address").fill("dana@fresno.example.gov")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(web + "/")
    page.goto(web + "/review")
    expect(page.locator("#queue-table")).to_contain_text("Valley Paint Shop")
    page.get_by_role("link", name="Review").click()
    expect(page.locator("#filing-status")).to_contain_text("Status: Under Review")
    frame = page.locator("#element-site_map iframe.pdf-view")
    expect(frame).to_be_visible()
    form = page.locator("#decide-inventory")
    form.get_by_label("Not Accepted").check()
    form.get_by_label("An average daily amount is greater than the maximum daily amount.").check()
    form.get_by_label("Note to the filer").fill("Acetone: the average is above the maximum.")
    form.get_by_role("button", name="Save the decision on Hazardous Materials Inventory").click()
    expect(page.locator("#decision-result")).to_contain_text("6 elements still to decide")
    expect(page.locator("#element-inventory h2")).to_contain_text("Not Accepted")
    RESULTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(RESULTS / "review-console.png"), full_page=True)
    with session_scope() as db:
        [row] = db.execute(select(ReviewDecision)).scalars().all()
        assert (row.element, row.decision, row.reasons) == ("inventory", "Not Accepted", ["inv_average_over_max"])
