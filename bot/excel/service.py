"""Import and export of a facility's inventory in the CERS HMI upload template (services: Actor + audit).

- `import_inventory`: validates the whole file first; stores nothing while any row fails unless
  `valid_rows_only=True`; `mode="replace"` (the draft's inventory is replaced) or `"append"`; one transaction
  (the caller's session; commit it). At most `safety.MAX_IMPORT_ROWS` materials a file. One import at a time
  per facility: the Draft row is locked for the transaction (PostgreSQL `FOR UPDATE NOWAIT`: a second import
  meanwhile gets a Conflict at once instead of interleaving its rows; SQLite's write lock does the same).
- `export_inventory`: the inventory as template workbooks of at most 500 materials each (CERS's limit). Every
  text is written as a text cell (never a formula), and one that starts like a formula is also marked as
  text for Excel ("quote prefix"), whatever was stored.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

import openpyxl
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from bot import audit
from bot.actor import Actor
from bot.errors import Conflict, ValidationError
from bot.excel.reader import ParsedSheet, RowError, formula_like, read_workbook
from bot.excel.safety import check_size
from bot.excel.template import BY_HEADER, EXPORT_HEADERS, GHS_HEADERS, MAX_COMPONENTS, MAX_ITEMS_PER_FILE
from bot.models import Facility, InventoryComponent, InventoryItem, Submittal
from bot.services import facilities
from bot.submittals.drafts import copy_last_filing
from bot.timeutil import utcnow

MODES = ("replace", "append")


@dataclass
class ImportResult:
    stored: bool  # False: nothing was written (errors, see `errors`)
    imported: int  # materials written
    rejected_rows: int  # rows with errors (not written)
    skipped_blank: int  # empty rows skipped
    errors: list[RowError] = field(default_factory=list)
    submittal_id: Optional[int] = None
    mode: str = "replace"

    def summary(self, limit: int = 25) -> str:
        """Plain-English outcome; at most `limit` row errors listed (CERS shows 25 too)."""
        if self.stored:
            text = f"Imported {self.imported} material{'s' if self.imported != 1 else ''}" + (
                " (replacing the previous inventory)." if self.mode == "replace" else " (added to the inventory).")
            if self.rejected_rows:
                text += f" {self.rejected_rows} row{'s' if self.rejected_rows != 1 else ''} with errors were left out."
            return text
        lines = [f"Nothing was imported: {self.rejected_rows} row{'s' if self.rejected_rows != 1 else ''} "
                 f"{'have' if self.rejected_rows != 1 else 'has'} errors. Fix them and upload again, or import only the "
                 "valid rows."]
        lines += [f"Row {e.row}, {e.column}: {e.reason}" for e in self.errors[:limit]]
        if len(self.errors) > limit:
            lines.append(f"... and {len(self.errors) - limit} more.")
        return "\n".join(lines)


@dataclass
class ExportFile:
    filename: str
    content: bytes
    items: int


def draft_submittal(db: Session, actor: Actor, facility_id: int, year: Optional[int] = None) -> Submittal:
    """The facility's Draft inventory submittal, created when there is none (one Draft per facility). A new Draft
    starts as a copy of the facility's last submitted filing, which stays as it was (`bot.submittals.drafts`)."""
    draft = db.execute(select(Submittal).where(Submittal.facility_id == facility_id,
                                               Submittal.status == "Draft")).scalar_one_or_none()
    if draft is not None:
        return draft
    draft = Submittal(facility_id=facility_id, year=year or utcnow().year, status="Draft",
                      created_by_user_id=actor.subject_user_id)
    try:
        with db.begin_nested():
            db.add(draft)
            db.flush()
    except IntegrityError:  # another request created it meanwhile
        return db.execute(select(Submittal).where(Submittal.facility_id == facility_id,
                                                  Submittal.status == "Draft")).scalar_one()
    source = copy_last_filing(db, draft)
    audit.record(db, actor, "submittal.create", "submittal", draft.id, facility_id=facility_id, year=draft.year,
                 copied_from=source.id if source is not None else None)
    return draft


IMPORT_RUNNING = ("Another inventory upload for this facility is being imported right now. Wait until it is "
                  "finished (a minute at most), then upload again.")


def lock_draft(db: Session, draft: Submittal) -> None:
    """Hold the Draft row for this transaction: a second import of the same facility meanwhile gets a
    Conflict (PostgreSQL); on SQLite the database's write lock already runs one writer at a time."""
    if db.get_bind().dialect.name != "postgresql":
        return
    try:
        with db.begin_nested():
            db.execute(select(Submittal.id).where(Submittal.id == draft.id).with_for_update(nowait=True))
    except OperationalError:
        raise Conflict(IMPORT_RUNNING) from None


def _read_source(source: Union[bytes, str, Path]) -> bytes:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    path = Path(source)
    check_size(path.stat().st_size)  # before reading a huge file into memory
    return path.read_bytes()


def import_inventory(
    db: Session,
    actor: Actor,
    facility_id: int,
    source: Union[bytes, str, Path],
    *,
    filename: str = "",
    mode: str = "replace",
    valid_rows_only: bool = False,
) -> ImportResult:
    """Import an HMI template workbook into the facility's Draft submittal (see the module docstring).

    Raises PermissionDenied (no role on the facility), ExcelFileError (a ValidationError: the file itself is
    wrong - its message says how to fix it) and ValidationError (bad mode).
    """
    if mode not in MODES:
        raise ValidationError("Choose Replace (the file replaces the current inventory) or Append (the file's "
                              "materials are added).", field="mode")
    facilities.require_role(db, actor.subject_user_id, facility_id)
    facility = db.get(Facility, facility_id)
    if not filename and isinstance(source, (str, Path)):
        filename = Path(source).name
    sheet: ParsedSheet = read_workbook(_read_source(source), filename)
    errors = list(sheet.errors)
    good = []
    for row in sheet.rows:
        if row.cers_id != facility.cers_id:
            errors.append(RowError(row.row, "CERSID", f"“{row.cers_id}” is not this facility's CERS ID "
                                                       f"({facility.cers_id})"))
        else:
            good.append(row)
    errors.sort(key=lambda e: e.row)
    rejected = len({e.row for e in errors})
    if errors and not valid_rows_only:
        return ImportResult(False, 0, rejected, sheet.skipped_blank, errors, None, mode)
    if not good:
        if not errors:
            raise ValidationError("The sheet has the template's columns but no materials under the header row. "
                                  "Please add one row per material and upload again.", field="file")
        return ImportResult(False, 0, rejected, sheet.skipped_blank, errors, None, mode)

    draft = draft_submittal(db, actor, facility_id)
    lock_draft(db, draft)
    removed = 0
    if mode == "replace":
        removed = db.execute(select(func.count(InventoryItem.id)).where(InventoryItem.submittal_id == draft.id)).scalar_one()
        db.execute(delete(InventoryItem).where(InventoryItem.submittal_id == draft.id))
        start = 0
    else:
        start = db.execute(select(func.coalesce(func.max(InventoryItem.position), 0))
                           .where(InventoryItem.submittal_id == draft.id)).scalar_one()
    now = utcnow()
    rows = [{**r.values, "submittal_id": draft.id, "position": start + i, "created_at": now, "updated_at": now}
            for i, r in enumerate(good, start=1)]
    defaults = {c.name: None for c in InventoryItem.__table__.c if c.name != "id"}
    for chunk_start in range(0, len(rows), 2000):
        db.execute(insert(InventoryItem.__table__), [{**defaults, **r} for r in rows[chunk_start:chunk_start + 2000]])
    ids = dict(db.execute(select(InventoryItem.position, InventoryItem.id).where(
        InventoryItem.submittal_id == draft.id, InventoryItem.position > start)).all())
    components = [{**c, "item_id": ids[start + i]} for i, r in enumerate(good, start=1) for c in r.components]
    for chunk_start in range(0, len(components), 5000):
        db.execute(insert(InventoryComponent.__table__), components[chunk_start:chunk_start + 5000])
    audit.record(db, actor, "inventory.import", "submittal", draft.id, facility_id=facility_id, mode=mode,
                 file=filename or None, imported=len(good), rejected_rows=rejected, replaced=removed)
    db.flush()
    db.expire_all()
    return ImportResult(True, len(good), rejected, sheet.skipped_blank, errors, draft.id, mode)


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def export_inventory(
    db: Session, actor: Actor, facility_id: int, *, submittal_id: Optional[int] = None,
    max_items: int = MAX_ITEMS_PER_FILE,
) -> list[ExportFile]:
    """The Draft (else the last submitted filing, or the given submittal's) inventory as .xlsx files of at most `max_items` materials each."""
    facilities.require_role(db, actor.subject_user_id, facility_id)
    facility = db.get(Facility, facility_id)
    if submittal_id:
        submittal = db.execute(select(Submittal).where(Submittal.facility_id == facility_id,
                                                       Submittal.id == submittal_id)).scalar_one_or_none()
    else:  # the Draft, else the last submitted filing
        from bot.submittals.drafts import current_filing

        submittal = current_filing(db, facility_id)
    if submittal is None:
        raise ValidationError(f"{facility.name} has no inventory yet to export.", field="submittal")
    items = list(db.execute(select(InventoryItem).where(InventoryItem.submittal_id == submittal.id)
                            .order_by(InventoryItem.position)).scalars())
    comps: dict[int, list[InventoryComponent]] = {}
    for comp in db.execute(select(InventoryComponent).join(InventoryItem).where(
            InventoryItem.submittal_id == submittal.id).order_by(InventoryComponent.position)).scalars():
        comps.setdefault(comp.item_id, []).append(comp)
    chunks = [items[i:i + max_items] for i in range(0, len(items), max_items)] or [[]]
    files: list[ExportFile] = []
    for n, chunk in enumerate(chunks, start=1):
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("HazMatInventory")
        ws.append(EXPORT_HEADERS)
        for item in chunk:
            ws.append([_export_cell(ws, v) for v in _row_with(facility.cers_id, item, comps.get(item.id, []))])
        buffer = io.BytesIO()
        wb.save(buffer)
        suffix = f"_part{n}of{len(chunks)}" if len(chunks) > 1 else ""
        files.append(ExportFile(f"CERSID_{facility.cers_id}_HazMatInventory{suffix}.xlsx", buffer.getvalue(), len(chunk)))
    audit.record(db, actor, "inventory.export", "submittal", submittal.id, facility_id=facility_id,
                 items=len(items), files=len(files))
    return files


def _export_cell(ws: object, value: object) -> object:
    """A value as the exported cell: text always as a text cell (openpyxl would write "=..." as a formula)."""
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    if formula_like(value):
        cell.quotePrefix = True  # Excel shows it as text even when the cell is edited and saved again
    return cell


def _row_with(cers_id: str, item: InventoryItem, components: list[InventoryComponent]) -> list[object]:
    values: dict[str, object] = {"CERSID": cers_id}
    for header, col in BY_HEADER.items():
        if col.attr is not None:
            values[header] = _cell(getattr(item, col.attr))
    ghs = set(item.ghs_hazards or [])
    for header in GHS_HEADERS:
        values[header] = "Y" if header in ghs else None
    for comp in components[:MAX_COMPONENTS]:
        n = comp.position
        values[f"HC{n}PercentByWeight"] = _cell(comp.percent)
        values[f"HC{n}Name"] = comp.name
        values[f"HC{n}EHS"] = _cell(comp.ehs)
        values[f"HC{n}CAS"] = comp.cas
    return [values.get(h) for h in EXPORT_HEADERS]
