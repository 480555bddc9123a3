"""Inventory upload/download on the web server: the API, the plain page, size and type checks on the stream,
Replace/Append, row errors, the export round trip, and the permission checks on every endpoint."""
from __future__ import annotations

import asyncio
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Optional

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from bot.excel.template import HEADERS
from bot.models import AuditEvent, Facility, FacilityRole, InventoryItem, User
from bot.timeutil import utcnow
from bot.web.sessions import SESSION_COOKIE
from tests.people import add_user

CERS_ID = "10000042"
OTHER_CERS_ID = "10000077"
PASSWORD = "Harbor7Lantern"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MB = 1024 * 1024


# ---- workbooks ------------------------------------------------------------------------------------------------
def row(**over: Any) -> dict[str, Any]:
    """One valid material row of the CERS template (override any column)."""
    base = {"CERSID": CERS_ID, "ChemicalLocation": "Back shop", "CommonName": "Motor oil", "EHS": "N",
            "PhysicalState": "b", "MaximumDailyAmount": 165, "AverageDailyAmount": 110, "Units": "a",
            "LargestContainer": 55, "SCSteelDrum": "Y", "HMType": "b", "DaysOnSite": 365, "StoragePressure": "a",
            "StorageTemperature": "a", "HC1PercentByWeight": 95, "HC1Name": "Base oil", "HC1EHS": "N",
            "HC1CAS": "64742-65-0", "PFCodeHazardClass": 4}
    base.update(over)
    return base


def workbook(rows: list[dict[str, Any]], headers: Optional[list[str]] = None, above: int = 1) -> bytes:
    """An .xlsx in the CERS template layout: `above` instruction lines, the header row, the rows."""
    headers = headers or HEADERS
    wb = openpyxl.Workbook()
    ws = wb.active
    for i in range(above):
        ws.append([f"Instructions line {i + 1}"])
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def zip_bomb() -> bytes:
    """A small zip that looks like a workbook and expands to 60 MB (ratio far above the limit)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * MB))
    return buf.getvalue()


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) * 40


# ---- people, facility, login ----------------------------------------------------------------------------------
@dataclass
class World:
    lead_id: int
    stranger_id: int
    facility_id: int


def _user(db: Session, email: str, name: str) -> User:
    return add_user(db, email, name, password=PASSWORD)


@pytest.fixture
def world(db: Session) -> World:
    lead = _user(db, "lead@example.com", "Lee Lead")
    stranger = _user(db, "stranger@example.com", "Sam Stranger")
    facility = Facility(cers_id=CERS_ID, name="Valley Auto Repair", street="1234 W Shaw Ave", street_number="1234",
                        city="Fresno", zip="93711", created_at=utcnow())
    other = Facility(cers_id=OTHER_CERS_ID, name="Sam's Pool Supply", street="9 Elm St", street_number="9",
                     city="Fresno", zip="93721", created_at=utcnow())
    db.add_all([facility, other])
    db.flush()
    db.add(FacilityRole(user_id=lead.id, facility_id=facility.id, role="lead", granted_at=utcnow()))
    db.add(FacilityRole(user_id=stranger.id, facility_id=other.id, role="lead", granted_at=utcnow()))
    db.commit()
    return World(lead.id, stranger.id, facility.id)


def login(client: TestClient, email: str = "lead@example.com") -> None:
    response = client.post("/api/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text


def upload(client: TestClient, data: bytes, filename: str = "inventory.xlsx", *, facility: Optional[str] = CERS_ID,
           in_query: bool = True, headers: Optional[dict] = None, **fields: str):
    form = dict(fields)
    if facility is not None:
        form.setdefault("facility", facility)
    url = f"/api/inventory/upload?facility={facility}" if in_query and facility else "/api/inventory/upload"
    return client.post(url, data=form, files={"file": (filename, data, XLSX)}, headers=headers or {})


def counts(db: Session) -> tuple[int, int]:
    db.expire_all()
    return (db.execute(select(func.count(InventoryItem.id))).scalar_one(),
            db.execute(select(func.count(AuditEvent.id))).scalar_one())


def names(db: Session) -> list[str]:
    db.expire_all()
    return list(db.execute(select(InventoryItem.common_name).order_by(InventoryItem.position)).scalars())


def snapshot(db: Session) -> list[tuple]:
    db.expire_all()
    out = []
    for item in db.execute(select(InventoryItem).order_by(InventoryItem.position)).scalars():
        cols = {c.name: getattr(item, c.name) for c in InventoryItem.__table__.c
                if c.name not in ("id", "created_at", "updated_at", "submittal_id", "position")}
        comps = [(c.position, c.percent, c.name, c.ehs, c.cas) for c in item.components]
        out.append((sorted(cols.items()), comps))
    return out


# ---- uploads that work ------------------------------------------------------------------------------------------
def test_good_upload_stores_the_rows_for_the_user(client: TestClient, db: Session, world: World) -> None:
    login(client)
    rows = [row(), row(CommonName="Sulfuric acid", EHS="Y", Units="pounds", MaximumDailyAmount=1200,
                       AverageDailyAmount=800, CASNumber="7664-93-9", HMType="a", HC1PercentByWeight=None,
                       HC1Name=None, HC1EHS=None, HC1CAS=None), {}, row(CommonName="Used oil", HMType="waste")]
    response = upload(client, workbook(rows), "Inventory 2025.xlsx")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is True and body["stored"] is True
    assert (body["imported"], body["rejected_rows"], body["skipped_blank"], body["mode"], body["total"]) == \
        (3, 0, 1, "replace", 3)
    assert body["errors"] == [] and body["summary"].startswith("Imported 3 materials")
    assert response.headers["cache-control"] == "no-store"
    assert names(db) == ["Motor oil", "Sulfuric acid", "Used oil"]
    acid = db.execute(select(InventoryItem).where(InventoryItem.common_name == "Sulfuric acid")).scalar_one()
    assert acid.units == "c" and acid.ehs is True and acid.maximum_daily_amount == 1200
    event = db.execute(select(AuditEvent).where(AuditEvent.action == "inventory.import")).scalar_one()
    assert (event.actor_user_id, event.channel) == (world.lead_id, "web")
    assert event.details["file"] == "Inventory 2025.xlsx" and event.details["imported"] == 3


def test_type_is_read_from_the_content_not_the_name(client: TestClient, db: Session, world: World) -> None:
    login(client)
    response = upload(client, workbook([row()]), "inventory.csv")  # a real workbook with a wrong name
    assert response.status_code == 200, response.text
    assert names(db) == ["Motor oil"]


def test_replace_append_and_asking_for_the_mode(client: TestClient, db: Session, world: World) -> None:
    login(client)
    assert upload(client, workbook([row(CommonName="A"), row(CommonName="B")])).status_code == 200
    before = counts(db)

    asked = upload(client, workbook([row(CommonName="C")]))  # no mode, inventory not empty: ask first
    assert asked.status_code == 409
    assert asked.json()["need_mode"] is True and asked.json()["existing"] == 2 and asked.json()["ok"] is False
    assert "Replace" in asked.json()["message"] and "Append" in asked.json()["message"]
    assert counts(db) == before and names(db) == ["A", "B"]  # the trial import was rolled back, audit too

    appended = upload(client, workbook([row(CommonName="C")]), mode="append")
    assert appended.status_code == 200 and appended.json()["mode"] == "append" and appended.json()["total"] == 3
    assert names(db) == ["A", "B", "C"]

    replaced = upload(client, workbook([row(CommonName="D")]), mode="Replace")
    assert replaced.status_code == 200 and replaced.json()["total"] == 1
    assert names(db) == ["D"]

    bad = upload(client, workbook([row(CommonName="E")]), mode="merge")
    assert bad.status_code == 400 and "Replace" in bad.json()["message"] and names(db) == ["D"]


def test_file_errors_come_before_the_mode_question(client: TestClient, db: Session, world: World) -> None:
    login(client)
    upload(client, workbook([row(CommonName="A")]))
    response = upload(client, workbook([row(MaximumDailyAmount="lots")]))
    assert response.status_code == 422 and "need_mode" not in response.json()
    assert upload(client, b"CERSID,CommonName\n10000042,Diesel\n").status_code == 415
    assert names(db) == ["A"]


# ---- uploads that are refused -----------------------------------------------------------------------------------
def test_missing_column_is_named(client: TestClient, db: Session, world: World) -> None:
    login(client)
    before = counts(db)
    headers = [h for h in HEADERS if h not in ("Units", "SCCan")]
    response = upload(client, workbook([row()], headers=headers))
    assert response.status_code == 400
    message = response.json()["message"]
    assert "missing Units, SCCan" in message and "template" in message
    assert counts(db) == before


def test_row_errors_are_listed_and_nothing_is_stored_unless_valid_rows_only(
    client: TestClient, db: Session, world: World
) -> None:
    login(client)
    before = counts(db)
    rows = [row(), row(MaximumDailyAmount="about 50"), row(Units="liters"), row(CERSID="10000099"),
            row(CommonName="Acetone")]
    response = upload(client, workbook(rows))
    assert response.status_code == 422
    body = response.json()
    assert body["ok"] is False and body["stored"] is False and body["imported"] == 0
    assert body["rejected_rows"] == 3 and body["can_import_valid_rows"] is True
    assert "Nothing was imported" in body["message"] and "only the valid rows" in body["hint"]
    found = {(e["row"], e["column"]): e["reason"] for e in body["errors"]}
    assert set(found) == {(4, "MaximumDailyAmount"), (5, "Units"), (6, "CERSID")}  # header on row 2
    assert "not a number" in found[(4, "MaximumDailyAmount")]
    assert "liters" in found[(5, "Units")] and "10000042" in found[(6, "CERSID")]
    assert counts(db) == before

    partial = upload(client, workbook(rows), valid_rows_only="1")
    assert partial.status_code == 200, partial.text
    body = partial.json()
    assert body["stored"] is True and body["imported"] == 2 and body["rejected_rows"] == 3
    assert [e["row"] for e in body["errors"]] == [4, 5, 6]
    assert names(db) == ["Motor oil", "Acetone"]


def test_valid_rows_only_with_no_valid_row_stores_nothing(client: TestClient, db: Session, world: World) -> None:
    login(client)
    response = upload(client, workbook([row(EHS=None)]), valid_rows_only="1")
    assert response.status_code == 422 and "None of the rows" in response.json()["message"]
    assert counts(db)[0] == 0


@pytest.mark.parametrize("content, filename, status, words", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000, "inventory.xls", 415, "old-format Excel file (.xls)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000, "inventory.xlsx", 415, ".xls"),
    (b"CERSID,CommonName,EHS\n10000042,Diesel,N\n10000042,Acetone,N\n", "inventory.xlsx", 415, "CSV"),
    (JPEG, "inventory.xlsx", 415, "picture (JPEG)"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "inventory.xlsx", 415, "PDF"),
    (zip_bomb(), "inventory.xlsx", 400, "zip bomb"),
    (b"", "inventory.xlsx", 400, "empty"),
])
def test_files_that_are_not_inventory_workbooks_get_a_clear_message(
    client: TestClient, db: Session, world: World, content: bytes, filename: str, status: int, words: str
) -> None:
    login(client)
    before = counts(db)
    response = upload(client, content, filename)
    assert response.status_code == status, response.text
    assert words in response.json()["message"]
    assert counts(db) == before


def test_a_50_mb_upload_is_refused(client: TestClient, db: Session, world: World) -> None:
    login(client)
    before = counts(db)
    response = upload(client, b"PK\x03\x04" + b"\x00" * (50 * MB))
    assert response.status_code == 413
    assert "50 MB" in response.json()["message"] and "20 MB" in response.json()["message"]
    assert counts(db) == before


# ---- the body is read as a counted stream (straight ASGI calls, so the bytes read can be counted) ------------
BOUNDARY = "----cersboundary7"


def multipart_chunks(first_bytes: bytes, total_file_bytes: int, chunk: int = MB) -> Iterator[bytes]:
    """A multipart body (facility field, then the file) in chunks of `chunk` bytes, made lazily."""
    yield (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"facility\"\r\n\r\n{CERS_ID}\r\n"
           f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.xlsx\"\r\n"
           f"Content-Type: {XLSX}\r\n\r\n").encode() + first_bytes
    sent = len(first_bytes)
    while sent < total_file_bytes:
        n = min(chunk, total_file_bytes - sent)
        yield b"\x00" * n
        sent += n
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def call_asgi(client: TestClient, chunks: Iterable[bytes], content_length: Optional[int] = None,
              query: str = f"facility={CERS_ID}") -> tuple[int, dict, int]:
    """POST /api/inventory/upload straight to the app; (status, JSON body, body bytes the app pulled)."""
    import json

    from bot.web.app import create_app

    headers = [(b"host", b"testserver"), (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
               (b"cookie", f"{SESSION_COOKIE}={client.cookies[SESSION_COOKIE]}".encode())]
    if content_length is not None:
        headers.append((b"content-length", str(content_length).encode()))
    scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": "/api/inventory/upload", "raw_path": b"/api/inventory/upload",
             "query_string": query.encode(), "root_path": "", "headers": headers, "client": ("127.0.0.1", 5123),
             "server": ("testserver", 80)}
    pulled = 0
    source = iter(chunks)
    messages: list[dict] = []

    async def receive() -> dict:
        nonlocal pulled
        chunk = next(source, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict) -> None:
        messages.append(message)

    asyncio.run(create_app()(scope, receive, send))
    status = next(m["status"] for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return status, json.loads(body), pulled


def test_declared_50_mb_is_refused_before_reading_the_body(client: TestClient, db: Session, world: World) -> None:
    login(client)
    status, body, pulled = call_asgi(client, multipart_chunks(b"PK\x03\x04", 50 * MB), content_length=50 * MB + 400)
    assert status == 413 and "50 MB" in body["message"]
    assert pulled == 0


def test_50_mb_without_content_length_is_refused_after_the_limit(client: TestClient, db: Session, world: World) -> None:
    login(client)
    before = counts(db)
    status, body, pulled = call_asgi(client, multipart_chunks(b"PK\x03\x04", 50 * MB))
    assert status == 413 and "20 MB" in body["message"]
    assert 20 * MB < pulled <= 22 * MB  # stopped at the limit, not after 50 MB
    assert counts(db) == before


def test_a_picture_is_refused_from_its_first_bytes(client: TestClient, db: Session, world: World) -> None:
    login(client)
    status, body, pulled = call_asgi(client, multipart_chunks(JPEG[:64], 30 * MB))
    assert status == 415 and "JPEG" in body["message"]
    assert pulled < 2 * MB


def test_a_stranger_is_refused_before_the_body_is_read(client: TestClient, db: Session, world: World) -> None:
    login(client, "stranger@example.com")
    status, body, pulled = call_asgi(client, multipart_chunks(b"PK\x03\x04", 10 * MB))
    assert status == 403 and "Valley Auto Repair" in body["message"]
    assert pulled == 0


# ---- export --------------------------------------------------------------------------------------------------
def test_export_then_import_gives_the_same_items(client: TestClient, db: Session, world: World) -> None:
    login(client)
    rows = [row(), row(CommonName="Sulfuric acid", EHS="Y", Units="c", MaximumDailyAmount=1200, AverageDailyAmount=800,
                       SCSteelDrum=None, SCPlasticNonMetallicDrum="Y", CASNumber="7664-93-9", HMType="a",
                       HC1PercentByWeight=None, HC1Name=None, HC1EHS=None, HC1CAS=None, CLConfidential="Y"),
            row(CommonName="Used oil", HMType="c", StateWasteCode="221", AnnualWasteAmount=600.5,
                HC2PercentByWeight=2.25, HC2Name="Lead", HC2CAS="7439-92-1", HC2EHS="N")]
    assert upload(client, workbook(rows)).status_code == 200
    before = snapshot(db)

    response = client.get(f"/api/inventory/export?facility={CERS_ID}")
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    assert f'filename="CERSID_{CERS_ID}_HazMatInventory.xlsx"' in response.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    assert len(list(sheet.iter_rows(values_only=True))) == 4  # header + 3 materials
    exported = db.execute(select(AuditEvent).where(AuditEvent.action == "inventory.export")).scalar_one()
    assert (exported.actor_user_id, exported.channel) == (world.lead_id, "web")

    again = upload(client, response.content, "CERSID_export.xlsx", mode="replace")
    assert again.status_code == 200 and again.json()["imported"] == 3
    assert snapshot(db) == before


def test_export_over_500_items_is_a_zip_of_template_files(client: TestClient, db: Session, world: World) -> None:
    login(client)
    assert upload(client, workbook([row(CommonName=f"Material {i}") for i in range(501)])).json()["imported"] == 501
    response = client.get(f"/api/inventory/export?facility={CERS_ID}")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert f'filename="CERSID_{CERS_ID}_HazMatInventory.zip"' in response.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == [f"CERSID_{CERS_ID}_HazMatInventory_part1of2.xlsx",
                                  f"CERSID_{CERS_ID}_HazMatInventory_part2of2.xlsx"]
    sizes = [len(list(openpyxl.load_workbook(io.BytesIO(archive.read(n)), read_only=True).worksheets[0]
                      .iter_rows(values_only=True))) - 1 for n in archive.namelist()]
    assert sizes == [500, 1]


def test_export_with_no_inventory_gives_the_empty_template(client: TestClient, db: Session, world: World) -> None:
    login(client)
    response = client.get(f"/api/inventory/export?facility={CERS_ID}")
    assert response.status_code == 200 and response.headers["content-type"].startswith(XLSX)
    assert f'filename="CERSID_{CERS_ID}_HazMatInventory.xlsx"' in response.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "CERSID" and "CommonName" in rows[0] and len(rows) == 1  # headers, no material


# ---- permissions on every endpoint ---------------------------------------------------------------------------
def test_a_user_without_a_role_reads_and_writes_nothing(client: TestClient, db: Session, world: World) -> None:
    login(client)
    assert upload(client, workbook([row(CommonName="Secret solvent")])).status_code == 200
    client.post("/api/logout", json={})
    login(client, "stranger@example.com")
    before = counts(db)

    by_query = upload(client, workbook([row(CommonName="Intruder")]), mode="replace")
    assert by_query.status_code == 403 and "Valley Auto Repair" in by_query.json()["message"]
    by_form = upload(client, workbook([row(CommonName="Intruder")]), in_query=False, mode="append")
    assert by_form.status_code == 403
    export = client.get(f"/api/inventory/export?facility={CERS_ID}")
    assert export.status_code == 403 and b"Secret solvent" not in export.content
    page = client.get(f"/inventory/upload?facility={CERS_ID}")
    assert page.status_code == 403 and "Secret solvent" not in page.text and "1 material" not in page.text
    page_post = client.post(f"/inventory/upload?facility={CERS_ID}", data={"facility": CERS_ID, "mode": "replace"},
                            files={"file": ("x.xlsx", workbook([row(CommonName="Intruder")]), XLSX)})
    assert page_post.status_code == 403

    assert counts(db) == before
    assert names(db) == ["Secret solvent"]


def test_without_a_session_nothing_is_read_or_written(client: TestClient, db: Session, world: World) -> None:
    before = counts(db)
    response = upload(client, workbook([row()]))
    assert response.status_code == 401 and "log in" in response.json()["message"]
    assert client.get(f"/api/inventory/export?facility={CERS_ID}").status_code == 401
    page = client.get(f"/inventory/upload?facility={CERS_ID}", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login"
    form = client.post(f"/inventory/upload?facility={CERS_ID}", files={"file": ("x.xlsx", workbook([row()]), XLSX)},
                       follow_redirects=False)
    assert form.status_code == 303
    client.cookies.set(SESSION_COOKIE, "eyJ1aWQiOjF9.forged.signature")
    assert upload(client, workbook([row()])).status_code == 401
    assert counts(db) == before


def test_cross_site_uploads_are_refused(client: TestClient, db: Session, world: World) -> None:
    login(client)
    before = counts(db)
    assert upload(client, workbook([row()]), headers={"Origin": "https://evil.example"}).status_code == 403
    assert upload(client, workbook([row()]), headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert counts(db) == before
    same = upload(client, workbook([row()]), headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 200


def test_unknown_or_malformed_facility(client: TestClient, db: Session, world: World) -> None:
    login(client)
    assert upload(client, workbook([row()]), facility="29999998").status_code == 404
    bad = upload(client, workbook([row()]), facility="12345")
    assert bad.status_code == 400 and "8" in bad.json()["message"]
    two = client.post(f"/api/inventory/upload?facility={CERS_ID}", data={"facility": OTHER_CERS_ID},
                      files={"file": ("x.xlsx", workbook([row()]), XLSX)})
    assert two.status_code == 400 and "two different facilities" in two.json()["message"]
    no_file = client.post(f"/api/inventory/upload?facility={CERS_ID}", data={"facility": CERS_ID},
                          files={"other": ("", b"", "application/octet-stream")})
    assert no_file.status_code == 400 and "Choose the inventory file" in no_file.json()["message"]
    not_multipart = client.post(f"/api/inventory/upload?facility={CERS_ID}", json={"file": "x"})
    assert not_multipart.status_code == 415
    assert counts(db)[0] == 0


# ---- the plain page ------------------------------------------------------------------------------------------
def test_the_page_has_the_upload_form(client: TestClient, db: Session, world: World) -> None:
    login(client)
    page = client.get(f"/inventory/upload?facility={CERS_ID}")
    assert page.status_code == 200
    html = page.text
    assert "Valley Auto Repair" in html and CERS_ID in html
    assert re.search(r'<input[^>]*type="file"[^>]*accept="\.xlsx"', html)
    assert 'value="replace"' in html and 'value="append"' in html and 'name="valid_rows_only"' in html
    assert "/static/chat.js" in html and "Download it" not in html

    upload(client, workbook([row(), row(CommonName="Acetone")]))
    again = client.get(f"/inventory/upload?facility={CERS_ID}")
    assert "Your inventory has 2 materials" in again.text
    assert f"/api/inventory/export?facility={CERS_ID}" in again.text

    assert client.get("/inventory/upload?facility=abc").status_code == 400
    assert client.get("/inventory/upload?facility=29999998").status_code == 404


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_the_page_works_without_javascript(client: TestClient, db: Session, world: World) -> None:
    login(client)
    token = _csrf(client.get(f"/inventory/upload?facility={CERS_ID}").text)
    url = f"/inventory/upload?facility={CERS_ID}"
    rows = [row(), row(Units="liters")]

    refused = client.post(url, data={"facility": CERS_ID, "csrf_token": "forged"},
                          files={"file": ("inv.xlsx", workbook(rows), XLSX)})
    assert refused.status_code == 403 and counts(db)[0] == 0

    errors = client.post(url, data={"facility": CERS_ID, "csrf_token": token},
                         files={"file": ("inv.xlsx", workbook(rows), XLSX)})
    assert errors.status_code == 422
    assert 'class="error-table"' in errors.text and "liters" in errors.text and counts(db)[0] == 0

    stored = client.post(url, data={"facility": CERS_ID, "csrf_token": token, "valid_rows_only": "1"},
                         files={"file": ("inv.xlsx", workbook(rows), XLSX)})
    assert stored.status_code == 200
    assert 'class="result-table"' in stored.text and "Imported 1 material" in stored.text
    assert names(db) == ["Motor oil"]

    ask = client.post(url, data={"facility": CERS_ID, "csrf_token": token},
                      files={"file": ("inv.xlsx", workbook([row(CommonName="B")]), XLSX)})
    assert ask.status_code == 409 and "Choose Replace" in ask.text and names(db) == ["Motor oil"]


# ---- one import at a time, caps said up front ----------------------------------------------------------------
def test_a_second_upload_for_the_same_facility_while_one_is_imported_is_refused(
    client: TestClient, db: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    from bot.web import inventory

    real = inventory.import_inventory
    started = threading.Event()

    def slow_import(*args: Any, **kwargs: Any) -> Any:
        started.set()
        time.sleep(1.0)
        return real(*args, **kwargs)

    monkeypatch.setattr(inventory, "import_inventory", slow_import)
    login(client)
    results: dict[str, Any] = {}
    first = threading.Thread(target=lambda: results.setdefault(
        "first", upload(client, workbook([row(CommonName="First")]), mode="replace")))
    first.start()
    assert started.wait(10)
    second = upload(client, workbook([row(CommonName="Second")]), mode="append")
    first.join(30)
    assert results["first"].status_code == 200
    assert second.status_code == 409 and "being imported right now" in second.json()["message"]
    assert names(db) == ["First"]  # the second upload wrote nothing
    assert upload(client, workbook([row(CommonName="Second")]), mode="append").status_code == 200


def test_the_page_states_the_size_row_and_formula_rules(client: TestClient, db: Session, world: World) -> None:
    login(client)
    html = client.get(f"/inventory/upload?facility={CERS_ID}").text
    assert "20 MB" in html and "10,000 materials" in html and "formulas" in html
