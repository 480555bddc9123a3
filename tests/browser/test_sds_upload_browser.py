"""The chat's Safety Data Sheet widget in headless Chromium against the real web server (fake Rasa): a picture
renamed .pdf is refused with the reason, a scan gets the plain "no text" message, a generated SDS is read, what was
read is shown, the assistant is told "I uploaded the Safety Data Sheet", and the file never passes through the
chat."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bot.sds import UPLOADED_SDS
from tests import sds_layouts
from tests.browser.chromium import require_chromium, web_with_fake_rasa
from tests.browser.test_inventory_upload_browser import log_in
from tests.pdfs import JPEG
from tests.web.test_inventory_web import CERS_ID, World, world  # noqa: F401 (fixture)

require_chromium()

from playwright.sync_api import Browser, expect  # noqa: E402


@pytest.fixture
def stack(db: Session, smtp_server, world: World,  # type: ignore[no-untyped-def]  # noqa: F811
          monkeypatch: pytest.MonkeyPatch):
    def reply(body: dict) -> list:
        message = body["message"]
        if message == "we have brightsol 200":
            return [{"text": "Is BrightSol 200 a solid, a liquid or a gas, as you store it?"},
                    {"text": "Or upload its Safety Data Sheet (PDF) and I'll fill it in from there."},
                    {"custom": {"form": "upload_sds", "facility": CERS_ID, "material": "BrightSol 200"}}]
        if message == UPLOADED_SDS:
            return [{"text": "I read the Safety Data Sheet of BrightSol 200 Industrial Solvent."}]
        return [{"text": f"echo: {message}"}]

    with web_with_fake_rasa(monkeypatch, reply) as (url, rasa):
        yield url, rasa


def test_the_sds_widget_reads_the_sheet_then_tells_the_assistant(browser: Browser, stack, tmp_path: Path) -> None:
    url, rasa = stack
    picture = tmp_path / "sds.pdf"
    picture.write_bytes(JPEG)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(sds_layouts.scanned())
    good = tmp_path / "brightsol.pdf"
    good.write_bytes(sds_layouts.big_chemical())

    page = browser.new_page()
    log_in(page, url)
    page.get_by_label("Your message").fill("we have brightsol 200")
    page.get_by_label("Your message").press("Enter")
    widget = page.locator("form.sds-upload-form")
    expect(widget).to_be_visible()
    expect(widget).to_contain_text("Upload the Safety Data Sheet of BrightSol 200")

    widget.locator('input[type="file"]').set_input_files(str(picture))
    widget.get_by_role("button", name="Upload").click()
    expect(widget.locator(".errors")).to_contain_text("picture")
    widget.locator('input[type="file"]').set_input_files(str(scan))
    widget.get_by_role("button", name="Upload").click()
    expect(widget.locator(".errors")).to_contain_text("no text I can read")
    assert UPLOADED_SDS not in rasa.messages

    widget.locator('input[type="file"]').set_input_files(str(good))
    widget.get_by_role("button", name="Upload").click()
    expect(widget.locator(".upload-ok")).to_contain_text("BrightSol 200 Industrial Solvent, 4 ingredients, liquid")
    expect(page.locator("#messages li.msg.user").last).to_contain_text(UPLOADED_SDS)
    expect(page.locator("#messages li.msg.bot").last).to_contain_text("I read the Safety Data Sheet")
    expect(widget.get_by_role("button", name="Upload")).to_be_disabled()
    assert rasa.messages == ["we have brightsol 200", UPLOADED_SDS]
    assert "%PDF" not in str(rasa.requests)
    page.close()
