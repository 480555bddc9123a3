"""The chat's document widget in headless Chromium against the real web server (fake Rasa): a picture renamed
.pdf is refused with the reason and nothing is stored; a real PDF is stored, its pages and what its text lacks are
shown, the conversation goes on with "I uploaded my site map", and the file never passes through the chat."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import session_scope
from bot.models import Document
from tests.browser.chromium import require_chromium, web_with_fake_rasa
from tests.browser.test_inventory_upload_browser import log_in
from tests.pdfs import JPEG, SITE_MAP_LINES, text_pdf
from tests.web.test_inventory_web import CERS_ID, World, world  # noqa: F401 (fixture)

require_chromium()

from playwright.sync_api import Browser, expect  # noqa: E402

UPLOADED = "I uploaded my site map"


@pytest.fixture
def stack(db: Session, smtp_server, world: World,  # type: ignore[no-untyped-def]  # noqa: F811
          monkeypatch: pytest.MonkeyPatch):
    """(web server URL, fake Rasa) with a Lead User of facility CERS_ID (lead@example.com)."""
    def reply(body: dict) -> list:
        message = body["message"]
        if message == "upload my site map":
            return [{"text": "A site map must show a north arrow..."},
                    {"text": "Choose the PDF below."},
                    {"custom": {"form": "upload_document", "facility": CERS_ID, "element": "site_map",
                                "label": "Site Map", "max_mb": 25}}]
        if message == UPLOADED:
            return [{"text": "Thanks, your Site Map is on file."}]
        return [{"text": f"echo: {message}"}]

    with web_with_fake_rasa(monkeypatch, reply) as (url, rasa):
        yield url, rasa


def stored() -> list[tuple[str, int]]:
    with session_scope() as db:
        return [(d.element, d.pages) for d in db.execute(select(Document).order_by(Document.id)).scalars()]


def test_chat_widget_uploads_a_pdf_then_the_conversation_goes_on(browser: Browser, stack, tmp_path: Path) -> None:
    url, rasa = stack
    picture = tmp_path / "site map.pdf"
    picture.write_bytes(JPEG)
    good = tmp_path / "site-map.pdf"
    good.write_bytes(text_pdf(SITE_MAP_LINES[:2], ["Page two"]))

    page = browser.new_page()
    log_in(page, url)
    page.get_by_label("Your message").fill("upload my site map")
    page.get_by_label("Your message").press("Enter")
    widget = page.locator("form.document-upload-form")
    expect(widget).to_be_visible()
    expect(widget).to_contain_text("Upload your Site Map: a PDF, up to 25 MB")
    expect(widget.locator('input[type="file"]')).to_have_attribute("accept", ".pdf,application/pdf")

    widget.locator('input[type="file"]').set_input_files(str(picture))
    widget.get_by_role("button", name="Upload").click()
    expect(widget.locator(".errors")).to_contain_text("picture")
    assert stored() == [] and UPLOADED not in rasa.messages

    widget.locator('input[type="file"]').set_input_files(str(good))
    widget.get_by_role("button", name="Upload").click()
    table = widget.locator("table.result-table")
    expect(table.locator("tr", has_text="Pages")).to_contain_text("2")
    expect(table.locator("tr", has_text="Not found in its text")).to_contain_text("emergency shut-offs")
    expect(widget.locator(".upload-ok")).to_contain_text("Site Map saved")
    expect(page.locator("#messages li.msg.user").last).to_contain_text(UPLOADED)
    expect(page.locator("#messages li.msg.bot").last).to_contain_text("Thanks, your Site Map is on file.")
    expect(widget.get_by_role("button", name="Upload")).to_be_disabled()
    assert stored() == [("site_map", 2)]
    assert rasa.messages == ["upload my site map", UPLOADED]
    assert "%PDF" not in str(rasa.requests)  # the file never goes through the chat
    page.close()
