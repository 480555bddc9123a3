"""What the filer can take before uploading: the empty CERS HMI template (headers and code lists) at a fixed
address, linked wherever the inventory upload is offered and importable once filled in; the printable site-map
checklist, linked from the documents page; and the chat page's script that renders the documents widget."""
from __future__ import annotations

import io
import re

import openpyxl
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from bot.documents.advice import SITE_MAP_ITEMS
from bot.excel.template import EXPORT_HEADERS, HEADERS
from tests.web.test_inventory_web import CERS_ID, XLSX, World, login, upload, world  # noqa: F401  (fixture)


def test_the_empty_template_downloads_with_the_headers_and_the_code_lists(client: TestClient) -> None:
    response = client.get("/inventory/template.xlsx")  # no data of anyone: no log-in needed
    assert response.status_code == 200 and response.headers["content-type"].startswith(XLSX)
    assert 'attachment; filename="CERS_HazMatInventory_template.xlsx"' == response.headers["content-disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["HazMatInventory", "Codes"]
    rows = list(wb["HazMatInventory"].iter_rows(values_only=True))
    assert list(rows[0]) == EXPORT_HEADERS and set(HEADERS) <= set(rows[0]) and len(rows) == 1
    codes = {(column, str(code)): meaning for column, code, meaning in
             list(wb["Codes"].iter_rows(values_only=True))[1:]}
    assert codes[("Units", "a")] == "Gallons" and codes[("PhysicalState", "c")] == "Gas"
    assert codes[("HMType", "c")] == "Waste" and codes[("StorageTemperature", "d")] == "Cryogenic"
    assert ("DOTHazardClassificationID", "8") in codes


def test_the_template_filled_in_imports(client: TestClient, world: World) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(client.get("/inventory/template.xlsx").content))
    sheet = wb["HazMatInventory"]
    values = {"CERSID": CERS_ID, "ChemicalLocation": "Back shop", "CommonName": "Motor oil", "EHS": "N",
              "HMType": "b", "PhysicalState": "b", "MaximumDailyAmount": 165, "Units": "a", "SCSteelDrum": "Y"}
    sheet.append([values.get(h) for h in EXPORT_HEADERS])
    buffer = io.BytesIO()
    wb.save(buffer)
    login(client)
    response = upload(client, buffer.getvalue(), "filled-template.xlsx")
    assert response.status_code == 200, response.text
    assert response.json()["imported"] == 1


def test_the_upload_page_offers_the_template(client: TestClient, world: World) -> None:
    login(client)
    page = client.get(f"/inventory/upload?facility={CERS_ID}")
    assert page.status_code == 200 and 'href="/inventory/template.xlsx"' in page.text


def test_the_site_map_checklist_page_prints_the_checklist_and_a_box_to_draw_in(client: TestClient) -> None:
    response = client.get("/documents/site-map-checklist")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    for item in SITE_MAP_ITEMS:
        assert item.label.replace("'", "&#39;") in response.text
    assert 'class="draw-area"' in response.text and 'id="print-checklist"' in response.text
    assert "onclick" not in response.text  # the page's script wires the button (no inline script under the CSP)
    css = client.get("/static/style.css").text
    assert re.search(r"@media print \{[^}]*\.site-header", css)


def test_the_documents_page_links_the_printable_checklist(client: TestClient, world: World) -> None:
    login(client)
    page = client.get(f"/documents?facility={CERS_ID}")
    assert page.status_code == 200 and 'href="/documents/site-map-checklist"' in page.text


def test_the_chat_script_renders_the_documents_widget_and_offers_the_template(client: TestClient) -> None:
    script = client.get("/static/chat.js").text
    assert 'custom.form === "upload_document"' in script and "/api/documents/upload?facility=" in script
    assert '"I uploaded my site map"' in script and '"/inventory/template.xlsx"' in script
