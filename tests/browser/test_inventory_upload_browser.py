"""Inventory upload in headless Chromium against the real web server: the plain page /inventory/upload (row
errors, "import only the valid rows", Replace/Append) and the chat's upload widget and summary card (fake Rasa)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import session_scope
from bot.models import InventoryItem
from tests.browser.chromium import require_chromium, web_with_fake_rasa
from tests.web.test_inventory_web import CERS_ID, PASSWORD, World, row, workbook, world  # noqa: F401 (fixture)

require_chromium()

from playwright.sync_api import Browser, Page, expect  # noqa: E402

UPLOADED = "I uploaded my inventory file"


@pytest.fixture
def stack(db: Session, smtp_server, world: World,  # type: ignore[no-untyped-def]  # noqa: F811
          monkeypatch: pytest.MonkeyPatch):
    """(web server URL, fake Rasa) with a Lead User of facility CERS_ID (lead@example.com)."""
    def reply(body: dict) -> list:
        message = body["message"]
        if message == "upload my inventory":
            return [{"text": "Upload the CERS inventory template here."},
                    {"custom": {"form": "upload_inventory", "facility": CERS_ID, "existing": 0}}]
        if message == "upload more":
            return [{"custom": {"form": "upload_inventory", "facility": CERS_ID, "existing": 2}}]
        if message == UPLOADED:
            return [{"text": "Thanks! The first material:"},
                    {"custom": {"card": "inventory_item", "fields": {
                        "Common name": "Motor oil", "Maximum daily amount": "165 gallons", "EHS": False,
                        "Containers": ["Steel drum"], "Location": None}}}]
        return [{"text": f"echo: {message}"}]

    with web_with_fake_rasa(monkeypatch, reply) as (url, rasa):
        yield url, rasa


def log_in(page: Page, url: str) -> None:
    page.goto(url + "/login")
    page.get_by_label("Email address").fill("lead@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(url + "/")


def stored_names() -> list[str]:
    with session_scope() as db:
        return list(db.execute(select(InventoryItem.common_name).order_by(InventoryItem.position)).scalars())


def test_plain_page_uploads_a_file_and_shows_the_result(browser: Browser, stack, tmp_path: Path) -> None:
    url, rasa = stack
    with_errors = tmp_path / "inventory with errors.xlsx"
    with_errors.write_bytes(workbook([row(), row(CommonName="Acetone", Units="liters")]))
    more = tmp_path / "more.xlsx"
    more.write_bytes(workbook([row(CommonName="Diesel")]))
    picture = tmp_path / "photo.xlsx"
    picture.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 2000)

    page = browser.new_page()
    log_in(page, url)
    page.goto(f"{url}/inventory/upload?facility={CERS_ID}")
    expect(page.get_by_role("heading", name="Upload the inventory of Valley Auto Repair")).to_be_visible()
    result = page.locator(".upload-result")

    page.set_input_files("#inventory-file", str(picture))
    page.get_by_role("button", name="Upload").click()
    expect(result.locator(".errors")).to_contain_text("picture (JPEG)")

    page.set_input_files("#inventory-file", str(with_errors))
    page.get_by_role("button", name="Upload").click()
    errors = result.locator("table.error-table")
    expect(errors).to_be_visible()
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr").first).to_contain_text("Units")
    expect(errors.locator("tbody tr").first).to_contain_text("liters")
    assert stored_names() == []

    page.get_by_role("button", name="Import only the valid rows").click()
    table = result.locator("table.result-table")
    expect(table).to_be_visible()
    expect(table.locator("tr", has_text="Materials imported")).to_contain_text("1")
    expect(result).to_contain_text("Imported 1 material")
    assert stored_names() == ["Motor oil"]

    # the inventory is not empty now: the page asks Replace or Append before the next upload
    page.set_input_files("#inventory-file", str(more))
    page.get_by_role("button", name="Upload").click()
    expect(result).to_contain_text("Choose Replace or Append first")
    page.get_by_label("Append: add the file's materials to it").check()
    page.get_by_role("button", name="Upload").click()
    expect(result.locator("table.result-table tr", has_text="Materials in the inventory now")).to_contain_text("2")
    assert stored_names() == ["Motor oil", "Diesel"]
    assert rasa.requests == []  # the page works without the chat
    page.close()


def test_chat_widget_uploads_then_the_conversation_goes_on(browser: Browser, stack, tmp_path: Path) -> None:
    url, rasa = stack
    good = tmp_path / "inventory.xlsx"
    good.write_bytes(workbook([row(), row(CommonName="Acetone")]))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([row(CommonName="Toluene", MaximumDailyAmount="lots")]))

    page = browser.new_page()
    log_in(page, url)
    page.get_by_label("Your message").fill("upload my inventory")
    page.get_by_label("Your message").press("Enter")
    widget = page.locator("form.inventory-upload-form")
    expect(widget).to_be_visible()
    expect(widget.locator("fieldset.mode-choice")).to_be_hidden()  # nothing to replace yet

    widget.locator('input[type="file"]').set_input_files(str(bad))
    widget.get_by_role("button", name="Upload").click()
    expect(widget.locator("table.error-table")).to_contain_text("MaximumDailyAmount")
    expect(widget.get_by_role("button", name="Import only the valid rows")).to_be_visible()
    assert UPLOADED not in rasa.messages

    widget.locator('input[type="file"]').set_input_files(str(good))
    widget.get_by_role("button", name="Upload").click()
    expect(widget.locator("table.result-table")).to_contain_text("2")
    expect(page.locator("#messages li.msg.user").last).to_contain_text(UPLOADED)
    card = page.locator("#messages li.msg.bot table.summary-card")
    expect(card).to_be_visible()
    expect(card.locator("tr", has_text="Common name")).to_contain_text("Motor oil")
    expect(card.locator("tr", has_text="EHS")).to_contain_text("No")
    expect(card.locator("tr", has_text="Containers")).to_contain_text("Steel drum")
    card_message = page.locator("#messages li.msg.bot", has_text="Thanks! The first material:")
    expect(card_message.locator("table.summary-card")).to_be_visible()  # under the message text
    assert rasa.messages == ["upload my inventory", UPLOADED]
    assert stored_names() == ["Motor oil", "Acetone"]
    assert "PK" not in json.dumps(rasa.requests)  # the file never goes through the chat
    expect(widget.get_by_role("button", name="Upload")).to_be_disabled()

    # a second widget, for an inventory that has materials: Replace or Append is asked up front
    page.get_by_label("Your message").fill("upload more")
    page.get_by_label("Your message").press("Enter")
    second = page.locator("form.inventory-upload-form").last
    expect(second.locator("fieldset.mode-choice")).to_be_visible()
    expect(second.locator("legend")).to_contain_text("already has 2 materials")
    second.locator('input[type="file"]').set_input_files(str(good))
    second.get_by_label("Replace the current inventory").check()
    second.get_by_role("button", name="Upload").click()
    expect(second.locator("table.result-table")).to_contain_text("Replace")
    assert stored_names() == ["Motor oil", "Acetone"]

    page.reload()  # the card comes back with the rest of the conversation
    expect(page.locator("#messages table.summary-card").first).to_contain_text("Motor oil")
    page.close()
