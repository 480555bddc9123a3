"""Import a real list of facilities (and their Lead Users) from a CSV file, as an administrator does with
`python -m bot.seed import-csv FILE`.

Columns: cers_id,name,street,city,zip,lead_name,lead_email,lead_phone (lead_* optional). The whole file is
validated first with the chat's own rules; nothing is stored while any row fails.

A Lead User without an account gets a pending account and an invitation email with a link to choose the
password (`bot.services.accounts.invite`): only that inbox can claim the account - a sign-up in the chat with
the same address just emails that inbox too. Emails go through the outbox, after the import commits.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Optional, Sequence, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.errors import ServiceError
from bot.models import Facility, FacilityRole, User
from bot.review.cupas import assign_cupas

_CHUNK = 500  # rows per IN (...) lookup


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


CSV_COLUMNS = ("cers_id", "name", "street", "city", "zip", "lead_name", "lead_email", "lead_phone")
REQUIRED_COLUMNS = ("cers_id", "name", "street", "city", "zip")
_HEADER_ALIASES = {
    "cersid": "cers_id", "cers": "cers_id", "facility_name": "name", "business_name": "name",
    "address": "street", "street_address": "street", "zip_code": "zip", "zipcode": "zip", "postal_code": "zip",
    "lead_user_name": "lead_name", "lead_user_email": "lead_email", "lead_user_phone": "lead_phone",
}


@dataclass(frozen=True)
class RowError:
    row: int  # the line in the file as a spreadsheet numbers it: the header is row 1
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.reason}" if self.row else f"{self.column}: {self.reason}"


@dataclass(frozen=True)
class ImportRow:
    row: int
    cers_id: str
    name: str
    street: str
    street_number: str
    city: str
    zip: str
    county: Optional[str]
    lead_name: Optional[str]
    lead_email: Optional[str]
    lead_phone: Optional[str]


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    users_created: int = 0
    roles_added: int = 0
    invited: int = 0  # invitation emails queued (new Lead Users)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _canonical_header(name: Optional[str]) -> str:
    key = re.sub(r"[\s\-]+", "_", (name or "").replace("\ufeff", "").strip().lower())
    return _HEADER_ALIASES.get(key, key)


def _read_text(source: str | Path | TextIO) -> str:
    if hasattr(source, "read"):
        return source.read()  # type: ignore[union-attr]
    path = Path(source)
    if not path.is_file():
        raise ServiceError(f"{path} was not found. Give the path of a CSV file.", field="file")
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):  # Excel on Windows saves "CSV" as cp1252
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ServiceError(f"{path} is not a text CSV file. Save it from the spreadsheet as 'CSV UTF-8'.", field="file")


def _dialect(text: str) -> type[csv.Dialect]:
    """Comma-separated unless the header row uses semicolons or tabs instead (some spreadsheet locales)."""
    header = text.split("\n", 1)[0]
    if "," not in header:
        for delimiter in (";", "\t", "|"):
            if delimiter in header:
                return type("Delimited", (csv.excel,), {"delimiter": delimiter})
    return csv.excel


def _clean(value: Optional[str]) -> str:
    return re.sub(r"\s+", " ", value or "").strip()


def parse_csv(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[RowError], list[str]]:
    """Rows as (row number, {canonical column: value}), header errors, and warnings about ignored columns."""
    reader = csv.reader(io.StringIO(text), _dialect(text))
    try:
        header = next(reader)
    except StopIteration:
        return [], [RowError(1, "header", "the file is empty; the first row must name the columns "
                                          f"({','.join(CSV_COLUMNS)})")], []
    except csv.Error as exc:
        return [], [RowError(1, "header", f"the file is not readable as CSV ({exc})")], []
    columns = [_canonical_header(h) for h in header]
    errors: list[RowError] = []
    warnings: list[str] = []
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        errors.append(RowError(1, "header", f"missing column(s) {', '.join(missing)}; the header row must name "
                                            f"{','.join(REQUIRED_COLUMNS)} (lead_name,lead_email,lead_phone optional)"))
    dupes = sorted({c for c in columns if c and columns.count(c) > 1})
    if dupes:
        errors.append(RowError(1, "header", f"column(s) {', '.join(dupes)} appear more than once"))
    ignored = [h for h, c in zip(header, columns) if c and c not in CSV_COLUMNS]
    if ignored:
        warnings.append(f"ignored column(s): {', '.join(ignored)}")
    if errors:
        return [], errors, warnings
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for values in reader:
            row_no = reader.line_num  # physical line; equals the spreadsheet row unless a cell holds a newline
            if not any(v.strip() for v in values):
                continue
            record = {c: _clean(values[i]) if i < len(values) else "" for i, c in enumerate(columns) if c in CSV_COLUMNS}
            if len(values) > len(columns) and any(v.strip() for v in values[len(columns):]):
                errors.append(RowError(row_no, "row", f"has {len(values)} values but the header names "
                                                      f"{len(columns)} columns (a comma inside a value needs quotes)"))
            rows.append((row_no, record))
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "row", f"is not valid CSV ({exc})"))
    return rows, errors, warnings


def validate_rows(rows: Sequence[tuple[int, dict[str, str]]]) -> tuple[list[ImportRow], list[RowError]]:
    """Check every value as the chat does (bot.validation, bot.services.facilities); report all problems."""
    from bot import validation
    from bot.services import facilities

    good: list[ImportRow] = []
    errors: list[RowError] = []
    seen_cers: dict[str, int] = {}
    for row_no, rec in rows:
        row_errors: list[RowError] = []

        def check(column: str, fn, value: str):  # type: ignore[no-untyped-def]
            try:
                return fn(value)
            except ServiceError as exc:
                row_errors.append(RowError(row_no, exc.field if column == "row" and exc.field else column,
                                           exc.message))
                return None

        def required(column: str, what: str) -> str:
            value = rec.get(column, "")
            if not value:
                row_errors.append(RowError(row_no, column, f"is empty; give the {what}"))
            return value

        cers_raw = required("cers_id", "facility's 8-digit CERS ID")
        cers_id = check("cers_id", validation.normalize_cers_id, cers_raw) if cers_raw else None
        if cers_id:
            if cers_id in seen_cers:
                row_errors.append(RowError(row_no, "cers_id", f"CERS ID {cers_id} is also on row {seen_cers[cers_id]}; "
                                                              "each facility must appear once"))
            else:
                seen_cers[cers_id] = row_no
        name = required("name", "facility name")
        if name:
            check("name", lambda v: validation.clean_text(v, field="name", label="facility name",
                                                          max_len=facilities.NAME_MAX), name)
        street = required("street", "street address, e.g. 1234 W Shaw Ave")
        if street:
            check("street", facilities.split_street, street)
        zip_raw = required("zip", "5-digit California ZIP code")
        zip_code = check("zip", validation.parse_ca_zip, zip_raw) if zip_raw else None
        city_raw = required("city", "city")
        if zip_code and city_raw:
            check("city", lambda c: validation.check_city_zip(c, zip_code), city_raw)
        fields: dict[str, str] = {}
        if not row_errors:  # the same cleaning as a facility added in the chat
            fields = check("row", lambda _: facilities.validate_facility_fields(name, street, city_raw, zip_raw), "")

        lead_name = rec.get("lead_name") or None
        lead_email_raw = rec.get("lead_email") or ""
        lead_phone_raw = rec.get("lead_phone") or ""
        lead_email = check("lead_email", validation.normalize_email, lead_email_raw) if lead_email_raw else None
        lead_phone = check("lead_phone", validation.normalize_phone, lead_phone_raw) if lead_phone_raw else None
        if (lead_name or lead_phone_raw) and not lead_email_raw:
            row_errors.append(RowError(row_no, "lead_email", "is empty; a Lead User needs an email address "
                                                             "(or leave lead_name and lead_phone empty too)"))
        if lead_name:
            lead_name = check("lead_name", validation.normalize_full_name, lead_name)

        if row_errors:
            errors.extend(row_errors)
            continue
        good.append(ImportRow(
            row=row_no, cers_id=cers_id, name=fields["name"], street=fields["street"],  # type: ignore[arg-type]
            street_number=fields["street_number"], city=fields["city"], zip=fields["zip"],
            county=fields["county"] or None, lead_name=lead_name, lead_email=lead_email, lead_phone=lead_phone,
        ))
    return good, errors


def import_facilities_csv(
    db: Session,
    source: str | Path | TextIO,
    *,
    update: bool = False,
    dry_run: bool = False,
    actor: Optional[Actor] = None,
) -> ImportResult:
    """Validate the whole file, then (unless any row failed, or dry_run) store it in the caller's transaction."""
    from bot import audit

    result = ImportResult(dry_run=dry_run)
    text = _read_text(source)
    raw_rows, header_errors, result.warnings = parse_csv(text)
    if header_errors:
        result.errors = header_errors
        return result
    if not raw_rows:
        result.errors = [RowError(2, "row", "the file has a header but no facilities")]
        return result
    good, errors = validate_rows(raw_rows)
    result.errors = errors

    existing = {f.cers_id: f for chunk in _chunks([r.cers_id for r in good])
                for f in db.execute(select(Facility).where(Facility.cers_id.in_(chunk))).scalars()}
    if not update:
        result.errors.extend(
            RowError(r.row, "cers_id", f"CERS ID {r.cers_id} already exists ({existing[r.cers_id].name}, "
                                       f"{existing[r.cers_id].address}); use --update to change its name and address")
            for r in good if r.cers_id in existing
        )
    lead_rows = [r for r in good if r.lead_email]
    users = {u.email: u for chunk in _chunks(sorted({r.lead_email for r in lead_rows}))  # type: ignore[type-var]
             for u in db.execute(select(User).where(User.email.in_(chunk))).scalars()}
    new_leads: dict[str, ImportRow] = {}  # email without an account -> the first row that names the person
    for r in lead_rows:
        if r.lead_email not in users and (r.lead_email not in new_leads or not new_leads[r.lead_email].lead_name):
            new_leads[r.lead_email] = r  # type: ignore[index]
    result.errors.extend(
        RowError(r.row, "lead_name", f"is empty; {r.lead_email} has no account yet, so give the Lead User's "
                                     "name to create one")
        for r in new_leads.values() if not r.lead_name
    )
    result.errors.sort(key=lambda e: (e.row, CSV_COLUMNS.index(e.column) if e.column in CSV_COLUMNS else -1))
    result.rows = good
    if result.errors:
        return result

    result.created = sum(1 for r in good if r.cers_id not in existing)
    result.updated = len(good) - result.created
    result.users_created = len(new_leads)
    if dry_run:
        result.roles_added = len(lead_rows)
        return result

    now = datetime.now(timezone.utc)
    for email, r in new_leads.items():
        users[email] = User(email=email, full_name=r.lead_name, phone=r.lead_phone, password_hash=None,
                            status="pending", is_inspector=False, is_staff=False, failed_logins=0, created_at=now)
        db.add(users[email])
    facilities: dict[str, Facility] = {}
    for r in good:
        facility = existing.get(r.cers_id)
        if facility is None:
            facility = Facility(cers_id=r.cers_id, created_at=now)
            db.add(facility)
        if (facility.city, facility.zip, facility.county) != (r.city, r.zip, r.county):
            facility.cupa_id = None  # a new or moved facility: its CUPA is the one of its (new) city or county
        facility.name, facility.street, facility.street_number = r.name, r.street, r.street_number
        facility.city, facility.zip, facility.county = r.city, r.zip, r.county
        facilities[r.cers_id] = facility
    db.flush()
    assign_cupas(db, [f.id for f in facilities.values()])
    for r in lead_rows:
        user, facility = users[r.lead_email], facilities[r.cers_id]  # type: ignore[index]
        role = db.execute(select(FacilityRole).where(FacilityRole.user_id == user.id,
                                                     FacilityRole.facility_id == facility.id)).scalar_one_or_none()
        if role is None:
            db.add(FacilityRole(user_id=user.id, facility_id=facility.id, role="lead", granted_at=now))
            result.roles_added += 1
        elif role.role != "lead" or role.ended_at is not None:
            role.role, role.ended_at = "lead", None
            result.roles_added += 1
    _invite_new_leads(db, actor or Actor.system("cli"), new_leads, users, lead_rows, facilities, result)
    audit.record(
        db, actor or Actor.system("cli"), "facility.import", "facility", None,
        source=str(getattr(source, "name", "stream")) if hasattr(source, "read") else str(source),
        count=len(good), created=result.created, updated=result.updated,
        users_created=result.users_created, roles_added=result.roles_added,
    )
    db.flush()
    return result


def _invite_new_leads(db: Session, actor: Actor, new_leads: dict, users: dict, lead_rows: list,
                      facilities: dict, result: ImportResult) -> None:
    """An invitation email for every Lead User whose account this import created."""
    from bot.services import accounts

    for email in new_leads:
        names = [facilities[r.cers_id].name for r in lead_rows if r.lead_email == email]
        accounts.invite(db, actor, users[email], names)
        result.invited += 1

