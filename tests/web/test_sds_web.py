"""POST /api/inventory/sds on the web server: a generated SDS is read and kept for the filer's open material, a
bad file gets the documents' message, a scan or a non-SDS gets a plain message and keeps nothing, and a user
without a role on the facility, or without a session, is refused before anything is read."""
from __future__ import annotations

from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from bot.inventory.conversation.from_sds import STEP
from bot.models import StepDraft
from bot.sds import UPLOADED_SDS
from tests import sds_layouts
from tests.pdfs import JPEG, encrypted_pdf
from tests.web.test_inventory_web import CERS_ID, World, login, world  # noqa: F401  (fixture)

PDF = "application/pdf"


def post_sds(client: TestClient, data: bytes, filename: str = "sds.pdf", facility: str = CERS_ID):
    return client.post(f"/api/inventory/sds?facility={facility}", files={"file": (filename, data, PDF)})


def kept(db: Session, world: World) -> Optional[dict]:  # noqa: F811
    db.expire_all()
    row = db.execute(select(StepDraft).where(StepDraft.facility_id == world.facility_id,
                                             StepDraft.user_id == world.lead_id, StepDraft.step == STEP)
                     ).scalar_one_or_none()
    return dict(row.state) if row is not None else None


def test_a_generated_sds_is_read_and_kept_for_the_chat(client: TestClient, db: Session, world: World) -> None:  # noqa: F811
    login(client)
    response = post_sds(client, sds_layouts.janitorial())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] and body["notice"] == UPLOADED_SDS
    assert body["reading"]["product_name"] == "Heavy Duty Degreaser Concentrate"
    assert [c["cas"] for c in body["reading"]["components"]] == ["111-76-2", "1310-73-2", "6834-92-0", None]
    assert "Heavy Duty Degreaser Concentrate" in body["message"] and "4 ingredients" in body["message"]
    assert kept(db, world)["reading"]["physical_state"] == "liquid"


def test_bad_files_get_the_documents_messages_and_nothing_is_kept(client: TestClient, db: Session,
                                                                  world: World) -> None:  # noqa: F811
    login(client)
    jpeg = post_sds(client, JPEG, "sds.pdf")
    assert jpeg.status_code == 415 and "a picture (JPEG), not a PDF" in jpeg.json()["message"]
    locked = post_sds(client, encrypted_pdf())
    assert locked.status_code == 400 and "password" in locked.json()["message"]
    empty = post_sds(client, b"")
    assert empty.status_code == 400 and "empty (0 bytes)" in empty.json()["message"]
    assert kept(db, world) is None


def test_a_scan_or_a_pdf_that_is_not_an_sds_gets_a_plain_message(client: TestClient, db: Session,
                                                                 world: World) -> None:  # noqa: F811
    login(client)
    scan = post_sds(client, sds_layouts.scanned())
    assert scan.status_code == 422 and "no text I can read" in scan.json()["message"]
    other = post_sds(client, sds_layouts.not_an_sds())
    assert other.status_code == 422 and "doesn't look like a Safety Data Sheet" in other.json()["message"]
    assert kept(db, world) is None


def test_a_user_without_a_role_or_a_session_is_refused(client: TestClient, db: Session, world: World) -> None:  # noqa: F811
    anonymous = post_sds(client, sds_layouts.acetone())
    assert anonymous.status_code == 401
    login(client, "stranger@example.com")
    refused = post_sds(client, sds_layouts.acetone())
    assert refused.status_code == 403 and "You don't have access" in refused.json()["message"]
    assert kept(db, world) is None


def test_sheets_and_documents_share_the_limit_of_pdfs_in_memory(client: TestClient, db: Session, world: World,  # noqa: F811
                                                                monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bot.web import documents

    login(client)
    monkeypatch.setattr(documents.PDF_UPLOADS, "in_progress", documents.MAX_UPLOADS_AT_ONCE)
    busy = post_sds(client, sds_layouts.janitorial())
    assert busy.status_code == 503 and busy.json()["message"] == documents.BUSY
    upload = client.post(f"/api/documents/upload?facility={CERS_ID}", data={"element": "site_map"},
                         files={"file": ("map.pdf", sds_layouts.janitorial(), PDF)})
    assert upload.status_code == 503 and kept(db, world) is None
    monkeypatch.setattr(documents.PDF_UPLOADS, "in_progress", documents.MAX_UPLOADS_AT_ONCE - 1)
    assert post_sds(client, sds_layouts.janitorial()).status_code == 200
    assert documents.PDF_UPLOADS.in_progress == documents.MAX_UPLOADS_AT_ONCE - 1  # the slot was given back
