"""Documents service on SQLite and PostgreSQL: an upload is checked by content, stored once by content hash,
recorded with its metadata and an audit row; a refused file leaves nothing; replacing keeps the history; the
training plan may be "provided elsewhere in CERS"; only users granted the facility may read or write."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.config import get_settings, reset_settings
from bot.documents import service, storage
from bot.errors import PermissionDenied, ValidationError
from bot.documents.pdf_check import PdfRejected
from bot.models import AuditEvent, Document, Facility, FacilityRole, Submittal
from bot.timeutil import utcnow
from tests.pdfs import JPEG, SITE_MAP_LINES, blank_pdf, damaged_pdf, encrypted_pdf, text_pdf
from tests.unit.conftest import audit_rows
from tests.people import add_user


_user = add_user  # a user straight in the database (tests.people)


@pytest.fixture
def world(db: Session) -> tuple[Actor, Actor, int]:
    """(a Lead User of the facility, a user without a role on it, the facility id)."""
    lead, stranger = _user(db, "lead@example.com"), _user(db, "stranger@example.com")
    facility = Facility(cers_id="10000042", name="Valley Auto Repair", street="1234 W Shaw Ave",
                        street_number="1234", city="Fresno", zip="93711", created_at=utcnow())
    db.add(facility)
    db.flush()
    db.add(FacilityRole(user_id=lead.id, facility_id=facility.id, role="lead", granted_at=utcnow()))
    db.commit()
    return Actor(user_id=lead.id, channel="web"), Actor(user_id=stranger.id, channel="web"), facility.id


def _files() -> list[Path]:
    base = get_settings().documents_dir
    return sorted(p for p in base.rglob("*") if p.is_file()) if base.exists() else []


def _count(db: Session, model: type) -> int:
    return db.execute(select(func.count()).select_from(model)).scalar_one()


def test_an_upload_stores_the_file_by_hash_and_its_metadata(db: Session, world: tuple[Actor, Actor, int]) -> None:
    lead, _, facility_id = world
    data = text_pdf(SITE_MAP_LINES)
    result = service.upload(db, lead, facility_id, "site_map", "C:\\Users\\maria\\Desktop\\site map.pdf", data)
    db.commit()
    doc = db.execute(select(Document)).scalar_one()
    digest = hashlib.sha256(data).hexdigest()
    assert (doc.element, doc.original_filename, doc.pages, doc.size_bytes, doc.sha256) == (
        "site_map", "site map.pdf", 1, len(data), digest)
    assert doc.uploaded_by_user_id == lead.user_id and doc.provided_elsewhere is False and doc.replaced_at is None
    draft = db.execute(select(Submittal)).scalar_one()
    assert doc.submittal_id == draft.id and draft.status == "Draft" and doc.facility_id == facility_id
    assert doc.stored_path == f"{digest[:2]}/{digest}.pdf"
    assert _files() == [get_settings().documents_dir / doc.stored_path]
    assert storage.read(doc.stored_path) == data
    assert doc.findings == {"has_text": True, "missing": []}
    assert not result.unchanged and "Site Map saved (1 page" in result.message
    event = audit_rows(db, "document.upload")[0]
    assert (event.actor_user_id, event.channel, event.entity_id) == (lead.user_id, "web", str(doc.id))
    assert event.details["element"] == "site_map" and event.details["sha256"] == digest


def test_the_same_file_twice_is_stored_once(db: Session, world: tuple[Actor, Actor, int]) -> None:
    lead, _, facility_id = world
    data = text_pdf(["Emergency Response Plan, revised 01/05/2026", "Call 911, then 559-555-0123"])
    service.upload(db, lead, facility_id, "emergency_response_plan", "plan.pdf", data)
    db.commit()
    again = service.upload(db, lead, facility_id, "emergency_response_plan", "plan (1).pdf", data)
    db.commit()
    assert again.unchanged and "already your Emergency Response / Contingency Plan" in again.message
    assert _count(db, Document) == 1 and len(audit_rows(db, "document.upload")) == 1
    # The same bytes as another element: a second row, still one file on disk.
    service.upload(db, lead, facility_id, "employee_training_plan", "plan.pdf", data)
    db.commit()
    assert _count(db, Document) == 2
    assert len(_files()) == 1
    assert audit_rows(db, "document.upload")[-1].details["already_on_disk"] is True


def test_replacing_keeps_the_history_and_one_current_document(db: Session, world: tuple[Actor, Actor, int]) -> None:
    lead, _, facility_id = world
    first = service.upload(db, lead, facility_id, "site_map", "old.pdf", blank_pdf()).document
    db.commit()
    second = service.upload(db, lead, facility_id, "site_map", "new.pdf", text_pdf(SITE_MAP_LINES)).document
    db.commit()
    db.refresh(first)
    assert first.replaced_at is not None and second.replaced_at is None
    assert service.current_documents(db, lead, facility_id)["site_map"].id == second.id
    assert [d.original_filename for d in service.history(db, lead, facility_id, "site_map")] == ["new.pdf", "old.pdf"]
    assert audit_rows(db, "document.upload")[-1].details["replaced"] == first.id
    assert len(_files()) == 2  # the old file stays: the history points at it


@pytest.mark.parametrize("data,reason", [
    (JPEG, "not_pdf"), (b"", "empty"), (damaged_pdf(), "damaged"), (encrypted_pdf(), "encrypted"),
])
def test_a_refused_file_leaves_no_file_no_row_no_audit(db: Session, world: tuple[Actor, Actor, int], data: bytes,
                                                       reason: str) -> None:
    lead, _, facility_id = world
    audits = _count(db, AuditEvent)
    with pytest.raises(PdfRejected) as caught:
        service.upload(db, lead, facility_id, "site_map", "map.pdf", data)
    db.rollback()
    assert caught.value.reason == reason
    assert _count(db, Document) == 0 and _count(db, Submittal) == 0 and _count(db, AuditEvent) == audits
    assert _files() == []


def test_the_size_limit_comes_from_the_settings(db: Session, world: tuple[Actor, Actor, int],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    lead, _, facility_id = world
    assert get_settings().document_max_bytes == 25 * 1024 * 1024
    monkeypatch.setenv("DOCUMENT_MAX_MB", "0.001")  # about 1 KB
    reset_settings()
    with pytest.raises(PdfRejected) as caught:
        service.upload(db, lead, facility_id, "site_map", "map.pdf", text_pdf(SITE_MAP_LINES * 3))
    assert caught.value.reason == "too_big"
    assert _files() == []


def test_only_users_granted_the_facility(db: Session, world: tuple[Actor, Actor, int]) -> None:
    lead, stranger, facility_id = world
    service.upload(db, lead, facility_id, "site_map", "map.pdf", blank_pdf())
    db.commit()
    audits, files = _count(db, AuditEvent), _files()
    for call in (
        lambda: service.upload(db, stranger, facility_id, "site_map", "mine.pdf", text_pdf(["x"])),
        lambda: service.provided_elsewhere(db, stranger, facility_id),
        lambda: service.current_documents(db, stranger, facility_id),
        lambda: service.history(db, stranger, facility_id, "site_map"),
        lambda: service.get_document(db, stranger, db.execute(select(Document.id)).scalar_one()),
    ):
        with pytest.raises(PermissionDenied) as caught:
            call()
        assert "You don't have access to Valley Auto Repair" in caught.value.message
        db.rollback()
    assert _count(db, Document) == 1 and _count(db, AuditEvent) == audits and _files() == files
    # Staff acting on behalf of the Lead User go through.
    staff = Actor(user_id=stranger.user_id, role="staff", on_behalf_of=lead.user_id, channel="staff_console")
    assert service.current_documents(db, staff, facility_id)["site_map"] is not None


def test_the_training_plan_can_be_provided_elsewhere(db: Session, world: tuple[Actor, Actor, int]) -> None:
    lead, _, facility_id = world
    service.upload(db, lead, facility_id, "employee_training_plan", "training.pdf", blank_pdf())
    db.commit()
    row = service.provided_elsewhere(db, lead, facility_id)
    db.commit()
    assert row.provided_elsewhere and row.stored_path is None and row.sha256 is None and row.replaced_at is None
    assert service.describe(service.current_documents(db, lead, facility_id)["employee_training_plan"]) == \
        "Provided elsewhere in CERS"
    assert service.provided_elsewhere(db, lead, facility_id).id == row.id  # saying it twice changes nothing
    db.commit()
    assert len(audit_rows(db, "document.provided_elsewhere")) == 1
    assert len(service.history(db, lead, facility_id, "employee_training_plan")) == 2
    with pytest.raises(ValidationError) as caught:
        service.provided_elsewhere(db, lead, facility_id, "site_map")
    assert "must be uploaded as a PDF" in caught.value.message


def test_an_unknown_element_is_refused(db: Session, world: tuple[Actor, Actor, int]) -> None:
    lead, _, facility_id = world
    with pytest.raises(ValidationError) as caught:
        service.upload(db, lead, facility_id, "floor_plan", "map.pdf", blank_pdf())
    assert "Site Map" in caught.value.message and _files() == []


def test_the_status_of_each_element(db: Session, world: tuple[Actor, Actor, int]) -> None:
    lead, _, facility_id = world
    assert {e: service.describe(d) for e, d in service.current_documents(db, lead, facility_id).items()} == {
        "site_map": "Not uploaded yet", "emergency_response_plan": "Not uploaded yet",
        "employee_training_plan": "Not uploaded yet"}
    service.upload(db, lead, facility_id, "site_map", "map.pdf", blank_pdf(2))
    db.commit()
    status = service.describe(service.current_documents(db, lead, facility_id)["site_map"])
    assert status.startswith("Uploaded: map.pdf (2 pages, 1 KB)")


def test_the_migration_made_the_table_and_its_one_current_index(db: Session) -> None:
    insp = inspect(db.get_bind())
    columns = {c["name"] for c in insp.get_columns("documents")}
    assert {"facility_id", "submittal_id", "element", "uploaded_by_user_id", "original_filename", "pages",
            "size_bytes", "sha256", "stored_path", "provided_elsewhere", "created_at", "replaced_at"} <= columns
    indexes = {i["name"]: i for i in insp.get_indexes("documents")}
    assert indexes["uq_documents_one_current"]["unique"]


def test_the_migration_goes_down_and_up_again(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    from bot.db import alembic_config, migrate, reset_engines

    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate(url)
    command.downgrade(alembic_config(url), "0006")
    engine = create_engine(url)
    assert "documents" not in inspect(engine).get_table_names()
    engine.dispose()
    command.upgrade(alembic_config(url), "head")
    engine = create_engine(url)
    assert "documents" in inspect(engine).get_table_names()
    engine.dispose()
    reset_engines()


def test_the_database_allows_one_current_document_per_element(db: Session,
                                                              world: tuple[Actor, Actor, int]) -> None:
    from sqlalchemy.exc import IntegrityError

    lead, _, facility_id = world
    current = service.upload(db, lead, facility_id, "site_map", "map.pdf", blank_pdf()).document
    db.commit()
    db.add(Document(facility_id=facility_id, submittal_id=current.submittal_id, element="site_map",
                    provided_elsewhere=False, created_at=utcnow()))
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()
    db.add(Document(facility_id=facility_id, submittal_id=current.submittal_id, element="site_map",
                    provided_elsewhere=False, created_at=utcnow(), replaced_at=utcnow()))
    db.commit()  # replaced rows (the history) are not limited
    assert _count(db, Document) == 2
