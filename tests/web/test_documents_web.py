"""The Documents page and its uploads on the web server: real multipart uploads, the page's forms with their CSRF
field, the messages a filer reads for each bad file, the file on disk once, the training plan's "provided
elsewhere in CERS", downloads, and the session / origin / role checks before anything is read or written."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from bot.config import get_settings
from bot.models import AuditEvent, Document
from tests.pdfs import JPEG, SITE_MAP_LINES, blank_pdf, damaged_pdf, encrypted_pdf, text_pdf
from tests.web.test_inventory_web import CERS_ID, OTHER_CERS_ID, World, login, world  # noqa: F401  (fixture)

PDF = "application/pdf"
MB = 1024 * 1024


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def api_upload(client: TestClient, data: bytes, element: str = "site_map", filename: str = "site-map.pdf", *,
               facility: str = CERS_ID, headers: Optional[dict] = None):
    return client.post(f"/api/documents/upload?facility={facility}", data={"element": element},
                       files={"file": (filename, data, PDF)}, headers=headers or {})


def page_upload(client: TestClient, data: bytes, element: str = "site_map", filename: str = "site-map.pdf",
                token: Optional[str] = None):
    token = token or _csrf(client.get(f"/documents?facility={CERS_ID}").text)
    return client.post(f"/documents/upload?facility={CERS_ID}", data={"element": element, "csrf_token": token},
                       files={"file": (filename, data, PDF)})


def documents(db: Session) -> list[Document]:
    db.expire_all()
    return list(db.execute(select(Document).order_by(Document.id)).scalars())


def audits(db: Session) -> int:
    db.expire_all()
    return db.execute(select(func.count(AuditEvent.id))).scalar_one()


def stored_files() -> list[Path]:
    base = get_settings().documents_dir
    return sorted(p for p in base.rglob("*") if p.is_file()) if base.exists() else []


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'").replace("&amp;", "&")


# ---- the page ------------------------------------------------------------------------------------------------------
def test_the_page_lists_the_three_elements_with_forms_and_the_checklist(client: TestClient, world: World) -> None:
    login(client)
    response = client.get(f"/documents?facility={CERS_ID}")
    assert response.status_code == 200
    html, text = response.text, text_of(response.text)
    for label in ("Site Map", "Emergency Response / Contingency Plan", "Employee Training Plan"):
        assert f"{label} Not uploaded yet" in text
    assert html.count('enctype="multipart/form-data"') == 3
    assert html.count('action="/documents/provided-elsewhere?facility=10000042"') == 1
    assert "a north arrow" in text and "the evacuation assembly / staging area" in text
    assert "PDF of up to 25 MB" in text
    assert response.headers["cache-control"] == "no-store"
    # Linked from the inventory upload page.
    assert f'href="/documents?facility={CERS_ID}"' in client.get(f"/inventory/upload?facility={CERS_ID}").text


def test_uploading_on_the_page_saves_the_file_and_shows_the_advice(client: TestClient, db: Session,
                                                                    world: World) -> None:
    login(client)
    data = text_pdf(["Valley Auto Repair site map", "W Shaw Ave", "Main entrance", "Drum storage area"])
    response = page_upload(client, data)
    assert response.status_code == 200, response.text
    text = text_of(response.text)
    assert "Site Map saved (1 page" in text
    assert "I couldn't find these in the text of your site map: - a north arrow" in text
    assert "Uploaded: site-map.pdf" in text and "Download" in text
    [doc] = documents(db)
    assert (doc.element, doc.uploaded_by_user_id, doc.sha256) == ("site_map", world.lead_id,
                                                                  hashlib.sha256(data).hexdigest())
    assert stored_files() == [get_settings().documents_dir / doc.stored_path]
    event = db.execute(select(AuditEvent).where(AuditEvent.action == "document.upload")).scalar_one()
    assert (event.actor_user_id, event.channel) == (world.lead_id, "web")
    # The page shows the advice again later, from what was stored.
    later = text_of(client.get(f"/documents?facility={CERS_ID}").text)
    assert "Advice: I couldn't find these in its text" in later and "a north arrow" in later


def test_the_page_form_needs_its_csrf_field(client: TestClient, db: Session, world: World) -> None:
    login(client)
    client.get(f"/documents?facility={CERS_ID}")
    response = page_upload(client, blank_pdf(), token="forged")
    assert response.status_code == 403
    assert "expired" in text_of(response.text)
    assert documents(db) == [] and stored_files() == []


@pytest.mark.parametrize("data,status,words", [
    (JPEG, 415, "is a picture (JPEG), not a PDF, even if its name ends in .pdf"),
    (b"", 400, "is empty (0 bytes)"),
    (damaged_pdf(), 400, "is a damaged PDF"),
    (encrypted_pdf(), 400, "is protected with a password (encrypted)"),
])
def test_each_bad_file_is_told_and_nothing_is_stored(client: TestClient, db: Session, world: World, data: bytes,
                                                     status: int, words: str) -> None:
    login(client)
    before = audits(db)
    response = page_upload(client, data, filename="site-map.pdf")
    assert response.status_code == status
    assert f"“site-map.pdf” {words}" in text_of(response.text)
    assert documents(db) == [] and stored_files() == [] and audits(db) == before
    api = api_upload(client, data)
    assert api.status_code == status and api.json()["ok"] is False and words in api.json()["message"]
    assert documents(db) == [] and stored_files() == [] and audits(db) == before


def test_the_same_file_twice_is_stored_once_and_replacing_keeps_history(client: TestClient, db: Session,
                                                                          world: World) -> None:
    login(client)
    plan = text_pdf(["Emergency Response Plan", "Revised: 01/05/2026", "Call 911, then (559) 555-0123",
                     "State Warning Center (800) 852-7550"])
    first = api_upload(client, plan, "emergency_response_plan", "plan.pdf")
    assert first.status_code == 200, first.text
    body: dict[str, Any] = first.json()
    assert body["stored"] and not body["unchanged"] and body["advice"] == {"has_text": True, "missing": []}
    assert body["document"]["sha256"] == hashlib.sha256(plan).hexdigest() and body["document"]["pages"] == 1
    again = api_upload(client, plan, "emergency_response_plan", "plan copy.pdf")
    assert again.status_code == 200 and again.json()["unchanged"] is True
    assert len(documents(db)) == 1 and len(stored_files()) == 1
    newer = api_upload(client, blank_pdf(), "emergency_response_plan", "plan-v2.pdf")
    assert newer.status_code == 200
    assert "couldn't read any text" in newer.json()["message"]
    rows = documents(db)
    assert [(d.original_filename, d.replaced_at is None) for d in rows] == [("plan.pdf", False), ("plan-v2.pdf", True)]
    assert len(stored_files()) == 2


def test_the_training_plan_provided_elsewhere(client: TestClient, db: Session, world: World) -> None:
    login(client)
    token = _csrf(client.get(f"/documents?facility={CERS_ID}").text)
    response = client.post(f"/documents/provided-elsewhere?facility={CERS_ID}",
                           data={"csrf_token": token, "element": "employee_training_plan"})
    assert response.status_code == 200
    text = text_of(response.text)
    assert "Saved: your Employee Training Plan is provided elsewhere in CERS." in text
    assert "Employee Training Plan Provided elsewhere in CERS" in text
    [doc] = documents(db)
    assert doc.provided_elsewhere and doc.stored_path is None and stored_files() == []
    assert db.execute(select(AuditEvent).where(AuditEvent.action == "document.provided_elsewhere")).scalar_one()
    refused = client.post(f"/documents/provided-elsewhere?facility={CERS_ID}",
                          data={"csrf_token": token, "element": "site_map"})
    assert refused.status_code == 400 and "must be uploaded as a PDF" in text_of(refused.text)
    forged = client.post(f"/documents/provided-elsewhere?facility={CERS_ID}",
                         data={"csrf_token": "forged", "element": "employee_training_plan"})
    assert forged.status_code == 403 and len(documents(db)) == 1


def test_the_download_gives_the_stored_pdf_to_the_facility_only(client: TestClient, db: Session,
                                                                 world: World) -> None:
    login(client)
    data = text_pdf(SITE_MAP_LINES)
    doc_id = api_upload(client, data).json()["document"]["id"]
    response = client.get(f"/documents/file?id={doc_id}")
    assert response.status_code == 200 and response.content == data
    assert response.headers["content-type"] == PDF
    assert response.headers["content-disposition"] == f'attachment; filename="CERSID_{CERS_ID}_site_map_{doc_id}.pdf"'
    assert client.post("/api/logout", json={}).status_code == 200
    assert client.get(f"/documents/file?id={doc_id}", follow_redirects=False).status_code == 303
    login(client, "stranger@example.com")
    refused = client.get(f"/documents/file?id={doc_id}")
    assert refused.status_code == 403 and data not in refused.content
    assert client.get("/documents/file?id=../../etc").status_code == 400


# ---- who may, and the size limit --------------------------------------------------------------------------------
def test_a_user_without_the_facility_is_refused_everywhere(client: TestClient, db: Session, world: World) -> None:
    login(client, "stranger@example.com")
    before = audits(db)
    page = client.get(f"/documents?facility={CERS_ID}")
    assert page.status_code == 403 and "You don't have access to Valley Auto Repair" in text_of(page.text)
    api = api_upload(client, text_pdf(SITE_MAP_LINES))
    assert api.status_code == 403 and "You don't have access" in api.json()["message"]
    token = _csrf(client.get(f"/documents?facility={OTHER_CERS_ID}").text)  # their own facility's page works
    form = client.post(f"/documents/upload?facility={CERS_ID}", data={"element": "site_map", "csrf_token": token},
                       files={"file": ("x.pdf", blank_pdf(), PDF)})
    assert form.status_code == 403
    elsewhere = client.post(f"/documents/provided-elsewhere?facility={CERS_ID}",
                            data={"csrf_token": token, "element": "employee_training_plan"})
    assert elsewhere.status_code == 403
    assert documents(db) == [] and stored_files() == [] and audits(db) == before


def test_login_origin_and_facility_are_checked(client: TestClient, db: Session, world: World) -> None:
    anonymous = api_upload(client, blank_pdf())
    assert anonymous.status_code == 401 and anonymous.json()["login_url"] == "/login"
    assert client.get(f"/documents?facility={CERS_ID}", follow_redirects=False).status_code == 303
    login(client)
    cross = api_upload(client, blank_pdf(), headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403
    assert api_upload(client, blank_pdf(), facility="12").status_code == 400
    assert api_upload(client, blank_pdf(), facility="29999999").status_code == 404
    assert client.get("/documents?facility=29999999").status_code == 404
    unknown = api_upload(client, blank_pdf(), element="floor_plan")
    assert unknown.status_code == 400 and "Site Map" in unknown.json()["message"]
    no_file = client.post(f"/api/documents/upload?facility={CERS_ID}", data={"element": "site_map"},
                          files={"other": ("", b"", PDF)})
    assert no_file.status_code == 400
    assert documents(db) == [] and stored_files() == []


def test_a_file_over_the_limit_is_refused_from_its_size(client: TestClient, db: Session, world: World,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.config import reset_settings

    monkeypatch.setenv("DOCUMENT_MAX_MB", "1")
    reset_settings()
    login(client)
    big = blank_pdf() + b"\n%" + b"0" * (2 * MB)
    response = api_upload(client, big)
    assert response.status_code == 413
    assert "CERS takes files up to 1 MB" in response.json()["message"]
    # A declared Content-Length over the limit is refused before the body is read.
    declared = client.post(f"/api/documents/upload?facility={CERS_ID}", content=b"x" * 10,
                           headers={"Content-Type": "multipart/form-data; boundary=b",
                                    "Content-Length": str(3 * MB)})
    assert declared.status_code == 413
    assert documents(db) == [] and stored_files() == []


# ---- whatever is sent, never a server error --------------------------------------------------------------------
def _mutated(args: tuple[int, int, int]) -> bytes:
    """A real PDF cut short or with one byte changed (what a damaged download looks like)."""
    cut, position, value = args
    data = bytearray(text_pdf(SITE_MAP_LINES))
    data[position % len(data)] = value
    return bytes(data[: cut or None])


_pdf_like = st.one_of(
    st.binary(max_size=3000),
    st.binary(max_size=3000).map(lambda b: b"%PDF-1.7\n" + b),
    st.tuples(st.integers(0, 2000), st.integers(0, 5000), st.integers(0, 255)).map(_mutated),
)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=_pdf_like, element=st.sampled_from(["site_map", "employee_training_plan", "", "map", "SITE_MAP"]),
       filename=st.text(max_size=40))
def test_the_upload_never_fails_with_a_server_error(client: TestClient, world: World, data: bytes, element: str,
                                                     filename: str) -> None:
    if client.cookies.get("cers_session") is None:
        login(client)
    safe_name = filename.encode("utf-8", "replace").decode("utf-8") or "f.pdf"
    response = client.post(f"/api/documents/upload?facility={CERS_ID}", data={"element": element},
                           files={"file": (safe_name, data, "application/octet-stream")})
    assert response.status_code in (200, 400, 413, 415), response.text
    body = response.json()
    assert isinstance(body["message"], str) and body["ok"] is (response.status_code == 200)
