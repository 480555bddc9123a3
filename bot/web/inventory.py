"""Inventory upload and download on the web server: the HMI template .xlsx in and out of a facility's Draft.

- `POST /api/inventory/upload` (multipart: file, facility, mode, valid_rows_only) → JSON; used by the chat's
  upload widget and by the plain page's script.
- `POST /inventory/upload` the same form without JavaScript (csrf_token field) → the page with the result.
- `GET /api/inventory/export?facility=` → the template .xlsx, or a .zip of several when over 500 materials.
- `GET /inventory/upload?facility=` → the plain upload page.

The body is read as a stream and counted: a file over the limit is refused before it is all received (the
Content-Length is checked first), and a picture or PDF renamed .xlsx is refused from its first bytes. Every
handler checks the login session and the user's role on the facility before it reads or writes facility data;
the import itself runs in a worker thread (`in_db`) through `bot.excel.service` with an `Actor` for the user.

Memory stays bounded: at most MAX_UPLOADS_AT_ONCE uploads are received or imported at once in this process
(503 beyond), and one facility's inventory is imported by one upload at a time (409 for a second one; the
Draft row lock in `bot.excel.service` does the same across processes).
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any, Optional

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot import errors
from bot.actor import Actor
from bot.excel import safety
from bot.excel.blank import TEMPLATE_FILENAME, TEMPLATE_PATH, template_bytes
from bot.excel.service import IMPORT_RUNNING, ImportResult, export_inventory, import_inventory
from bot.models import Facility, InventoryItem, Submittal
from bot.services import facilities
from bot.validation import normalize_cers_id
from bot.web.api import error_status
from bot.web.limits import AtOnce
from bot.web.blocking import in_db
from bot.web.pages import csrf_failed, logged_in_page, message_page, render
from bot.web.sessions import CSRF_FIELD, WebSession, csrf_ok, read_session, same_origin

MAX_FILE_BYTES = safety.MAX_FILE_BYTES
MAX_BODY_BYTES = MAX_FILE_BYTES + 64 * 1024  # the file plus the form's few small fields and multipart framing
MAX_FIELD_BYTES = 1024
MAX_FIELDS = 20
MAX_ERRORS_SHOWN = 100  # row errors sent back; `errors_total` says how many there are
MAX_UPLOADS_AT_ONCE = 3
BUSY = "The server is busy importing other inventories. Please try again in a minute."
UPLOADS = AtOnce(MAX_UPLOADS_AT_ONCE)
_facilities_importing: set[str] = set()
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NO_STORE = {"Cache-Control": "no-store"}
MODES = ("replace", "append")
UPLOADED_CHAT_MESSAGE = "I uploaded my inventory file"  # what the chat widget sends afterwards (for the bot)

LOGIN_FIRST = "Please log in first: the inventory belongs to your account. Log in in the chat or at /login."
CROSS_SITE = "This upload came from another website and was refused."
NOT_MULTIPART = "Send the file as a form upload (multipart/form-data) with the file in the field “file”."
DAMAGED_UPLOAD = "The upload was cut off or damaged on the way. Please choose the file again and upload it again."
NO_FILE = "Choose the inventory file (.xlsx) to upload."
NO_FACILITY = "Say which facility the inventory is for (its CERS ID)."
TWO_FACILITIES = "The page and the form name two different facilities. Reload the page and upload again."
ONE_FILE = "Upload one file at a time: the inventory workbook (.xlsx)."
_MAX_MB = MAX_FILE_BYTES // 1024 // 1024
TOO_BIG = (f"The file is larger than {_MAX_MB} MB; I accept inventory files up to {_MAX_MB} MB. An inventory of even "
           "10,000 materials is far smaller: please check you picked the right file, or remove pictures and extra "
           "sheets from it.")
BAD_MODE = ("Choose Replace (the file replaces the current inventory) or Append (the file's materials are added to "
            "it).")
ROWS_HINT = ("Fix these rows in the file and upload it again, or import only the valid rows (the rows listed here "
             "are then left out).")
NO_VALID_ROWS = "None of the rows can be imported: every row has errors. Fix them in the file and upload it again."
# First bytes of files people pick by mistake (anything else goes to bot.excel.safety for the verdict).
_NOT_WORKBOOK = (
    (b"\xff\xd8\xff", "a picture (JPEG)"),
    (b"\x89PNG\r\n\x1a\n", "a picture (PNG)"),
    (b"GIF87a", "a picture (GIF)"),
    (b"GIF89a", "a picture (GIF)"),
    (b"%PDF-", "a PDF document"),
)
_SNIFF_BYTES = 8


class UploadRefused(Exception):
    """The request cannot be used; `status` and the user-facing `message` say why."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


class _NeedMode(Exception):
    """Raised inside the import transaction to roll back a trial import: the user must choose a mode first."""

    def __init__(self, existing: int) -> None:
        super().__init__(existing)
        self.existing = existing


@dataclass
class UploadForm:
    """The parsed multipart body: the small text fields and the one file."""

    fields: dict[str, str] = field(default_factory=dict)
    filename: str = ""
    data: Optional[bytes] = None


@dataclass
class Outcome:
    """What an upload came to: HTTP status and the JSON body (the page renders the same body)."""

    status: int
    body: dict[str, Any]


# ---- reading the multipart body as a counted stream ---------------------------------------------------------
def _not_workbook_kind(head: bytes) -> Optional[str]:
    for magic, kind in _NOT_WORKBOOK:
        if head.startswith(magic):
            return kind
    return None


def _basename(filename: str) -> str:
    # Old browsers send the full client path; only the name is shown back.
    return filename.replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]


class _Collector:
    """python-multipart callbacks that keep the text fields and the one file part, with limits."""

    def __init__(self) -> None:
        self.form = UploadForm()
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._name = ""
        self._filename: Optional[str] = None
        self._buffer = bytearray()
        self._sniffed = False
        self._files = 0

    def on_part_begin(self) -> None:
        self._disposition, self._name, self._filename = b"", "", None
        self._buffer = bytearray()
        self._sniffed = False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if self._header_name.strip().lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name, self._header_value = b"", b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options:
            self._files += 1
            if self._files > 1:
                raise UploadRefused(400, ONE_FILE)
            self._filename = _basename(options[b"filename"].decode("utf-8", "replace"))
        elif len(self.form.fields) >= MAX_FIELDS:
            raise UploadRefused(400, "The form has too many fields.")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._filename is None:
            if len(self._buffer) + len(chunk) > MAX_FIELD_BYTES:
                raise UploadRefused(400, f"The form field “{self._name[:40]}” is too long.")
            self._buffer.extend(chunk)
            return
        if len(self._buffer) + len(chunk) > MAX_FILE_BYTES:
            raise UploadRefused(413, TOO_BIG)
        self._buffer.extend(chunk)
        if not self._sniffed and len(self._buffer) >= _SNIFF_BYTES:
            self._sniff()

    def _sniff(self) -> None:
        self._sniffed = True
        kind = _not_workbook_kind(bytes(self._buffer[:_SNIFF_BYTES]))
        if kind:
            shown = f"“{self._filename}”" if self._filename else "This file"
            raise UploadRefused(
                415, f"{shown} is {kind}, not an Excel workbook, even if its name ends in .xlsx. Please upload the "
                     "inventory workbook saved from Excel (.xlsx): the CERS inventory template, one row per material.")

    def on_part_end(self) -> None:
        if self._filename is None:
            self.form.fields[self._name] = bytes(self._buffer).decode("utf-8", "replace")
        elif self._filename or self._buffer:  # a file input left empty sends a part with no name and no bytes
            if not self._sniffed:
                self._sniff()
            self.form.filename = self._filename
            self.form.data = bytes(self._buffer)
        self._buffer = bytearray()

    def callbacks(self) -> dict[str, Any]:
        return {
            "on_part_begin": self.on_part_begin, "on_part_data": self.on_part_data, "on_part_end": self.on_part_end,
            "on_header_field": self.on_header_field, "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end, "on_headers_finished": self.on_headers_finished,
        }


async def read_upload_form(request: Request) -> UploadForm:
    """The multipart body, read chunk by chunk; UploadRefused as soon as it is too big or clearly not a workbook."""
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data":
        raise UploadRefused(415, NOT_MULTIPART)
    boundary = params.get(b"boundary")
    if not boundary:
        raise UploadRefused(400, NOT_MULTIPART)
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise UploadRefused(400, DAMAGED_UPLOAD) from None
        if size > MAX_BODY_BYTES:
            try:
                safety.check_size(size)
            except safety.ExcelFileError as exc:  # its message names the size in MB
                raise UploadRefused(413, exc.message) from None
            raise UploadRefused(413, TOO_BIG)
    collector = _Collector()
    parser = MultipartParser(boundary, collector.callbacks())
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > MAX_BODY_BYTES:  # Content-Length missing or wrong: counted here
                raise UploadRefused(413, TOO_BIG)
            parser.write(chunk)
        parser.finalize()
    except FormParserError:
        raise UploadRefused(400, DAMAGED_UPLOAD) from None
    return collector.form


# ---- facility, role, counts (run in a worker thread) -----------------------------------------------------------
def _facility_for(db: Session, user_id: int, cers_id: str) -> Facility:
    """The facility with this CERS ID, if the user has a role on it (NotFound / PermissionDenied otherwise)."""
    facility = facilities.find_by_cers_id(db, cers_id)
    if facility is None:
        raise errors.NotFound(f"I can't find a facility with CERS ID {cers_id}. Check the number, or search for "
                              "your facility in the chat.")
    facilities.require_role(db, user_id, facility.id)
    return facility


def draft_item_count(db: Session, facility_id: int) -> int:
    """Materials in the facility's Draft inventory (what Replace would replace)."""
    return int(db.execute(
        select(func.count(InventoryItem.id)).join(Submittal, InventoryItem.submittal_id == Submittal.id)
        .where(Submittal.facility_id == facility_id, Submittal.status == "Draft")).scalar_one())


def _check_access(db: Session, user_id: int, cers_id: str) -> None:
    _facility_for(db, user_id, cers_id)


def _import(db: Session, user_id: int, cers_id: str, data: bytes, filename: str, mode: Optional[str],
            valid_rows_only: bool) -> tuple[ImportResult, Optional[str], int]:
    """(result, mode used or None, materials in the Draft afterwards). Raises _NeedMode (rolled back)."""
    facility = _facility_for(db, user_id, cers_id)
    actor = Actor(user_id=user_id, channel="web")
    if mode is None:
        existing = draft_item_count(db, facility.id)
        if existing:
            # A trial import, so that file and row errors are reported before asking Replace or Append.
            trial = import_inventory(db, actor, facility.id, data, filename=filename, mode="append",
                                     valid_rows_only=valid_rows_only)
            if trial.stored:
                raise _NeedMode(existing)
            return trial, None, existing
        mode = "replace"
    result = import_inventory(db, actor, facility.id, data, filename=filename, mode=mode,
                              valid_rows_only=valid_rows_only)
    return result, mode, draft_item_count(db, facility.id)


# ---- the upload, shared by the JSON endpoint and the form page ---------------------------------------------------
def _failure(status: int, message: str, **extra: Any) -> Outcome:
    return Outcome(status, {"ok": False, "message": message, "errors": [], **extra})


def _service_failure(exc: errors.ServiceError, data: Optional[bytes] = None) -> Outcome:
    if isinstance(exc, safety.ExcelFileError):
        # Not a zip at all (old .xls, CSV, encrypted, anything else): a type problem; a zip that fails: content.
        status = 415 if data and not data.startswith(b"PK\x03\x04") else 400
        return _failure(status, exc.message, field=exc.field)
    return _failure(error_status(exc), exc.message, field=exc.field)


def _parse_mode(value: Optional[str]) -> Optional[str]:
    text = (value or "").strip().lower()
    if not text:
        return None
    if text not in MODES:
        raise UploadRefused(400, BAD_MODE, field="mode")
    return text


def _parse_flag(value: Optional[str]) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on", "y")


def _cers_id(value: str) -> str:
    try:
        return normalize_cers_id(value)
    except errors.ValidationError as exc:
        raise UploadRefused(400, exc.message, field="facility") from None


def _row_errors(result: ImportResult) -> list[dict[str, Any]]:
    return [{"row": e.row, "column": e.column, "reason": e.reason} for e in result.errors[:MAX_ERRORS_SHOWN]]


def _result_body(result: ImportResult, mode: Optional[str], total: int, cers_id: str,
                 valid_rows_only: bool) -> Outcome:
    body: dict[str, Any] = {
        "ok": result.stored, "stored": result.stored, "imported": result.imported,
        "rejected_rows": result.rejected_rows, "skipped_blank": result.skipped_blank, "mode": mode,
        "summary": result.summary(), "errors": _row_errors(result), "errors_total": len(result.errors),
        "facility": cers_id, "total": total, "valid_rows_only": valid_rows_only,
    }
    if result.stored:
        return Outcome(200, body)
    if valid_rows_only:
        body["message"] = NO_VALID_ROWS
    else:
        n = result.rejected_rows
        body["message"] = f"Nothing was imported: {n} row{'s' if n != 1 else ''} {'have' if n != 1 else 'has'} errors."
        body["hint"] = ROWS_HINT
        body["can_import_valid_rows"] = True
    return Outcome(422, body)


async def perform_upload(request: Request, user_id: int, *, check_csrf_field: bool = False) -> Outcome:
    """Everything after the session and origin checks: role, body, import. Never raises for user problems."""
    with UPLOADS.taken() as free:
        return await _perform_upload(request, user_id, check_csrf_field=check_csrf_field) if free else \
            _failure(503, BUSY)


async def _perform_upload(request: Request, user_id: int, *, check_csrf_field: bool) -> Outcome:
    query_facility = request.query_params.get("facility", "").strip()
    try:
        cers_id = _cers_id(query_facility) if query_facility else None
        if cers_id:  # the role is checked before the body is read
            await in_db(lambda db: _check_access(db, user_id, cers_id))
        form = await read_upload_form(request)
        if check_csrf_field and not csrf_ok(request, form.fields.get(CSRF_FIELD)):
            raise UploadRefused(403, "This form expired or was opened in another browser. Reload the page and "
                                     "upload again.")
        form_facility = form.fields.get("facility", "").strip()
        if form_facility:
            from_form = _cers_id(form_facility)
            if cers_id and from_form != cers_id:
                raise UploadRefused(400, TWO_FACILITIES, field="facility")
            cers_id = from_form
        if not cers_id:
            raise UploadRefused(400, NO_FACILITY, field="facility")
        if form.data is None:
            raise UploadRefused(400, NO_FILE, field="file")
        mode = _parse_mode(form.fields.get("mode"))
        valid_only = _parse_flag(form.fields.get("valid_rows_only"))
    except UploadRefused as refused:
        return _failure(refused.status, refused.message, **refused.extra)
    except errors.ServiceError as exc:
        return _service_failure(exc)
    data, filename, chosen = form.data, form.filename, cers_id
    if chosen in _facilities_importing:
        return _failure(409, IMPORT_RUNNING, facility=chosen)
    _facilities_importing.add(chosen)
    try:
        result, used_mode, total = await in_db(
            lambda db: _import(db, user_id, chosen, data, filename, mode, valid_only))
    except _NeedMode as need:
        return _failure(409, f"Your inventory already has {need.existing} material"
                             f"{'s' if need.existing != 1 else ''}. Choose Replace (the file replaces them) or Append "
                             "(the file's materials are added to them), then upload again.",
                        need_mode=True, existing=need.existing, facility=chosen)
    except errors.ServiceError as exc:
        return _service_failure(exc, data)
    finally:
        _facilities_importing.discard(chosen)
    return _result_body(result, used_mode, total, chosen, valid_only)


# ---- handlers ---------------------------------------------------------------------------------------------------
def _json(outcome: Outcome) -> JSONResponse:
    return JSONResponse(outcome.body, status_code=outcome.status, headers=NO_STORE)


async def upload_api(request: Request) -> Response:
    """POST /api/inventory/upload (see the module docstring)."""
    session = read_session(request)
    if session is None:
        return _json(_failure(401, LOGIN_FIRST, login_url="/login"))
    if not same_origin(request):
        return _json(_failure(403, CROSS_SITE))
    return _json(await perform_upload(request, session.user_id))


async def export_api(request: Request) -> Response:
    """GET /api/inventory/export?facility=CERSID: one .xlsx, or a .zip of several files (over 500 materials)."""
    session = read_session(request)
    if session is None:
        return _json(_failure(401, LOGIN_FIRST, login_url="/login"))
    try:
        cers_id = _cers_id(request.query_params.get("facility", ""))
    except UploadRefused as refused:
        return _json(_failure(refused.status, refused.message, **refused.extra))
    user_id = session.user_id
    try:
        filename, content, media_type = await in_db(lambda db: _export(db, user_id, cers_id))
    except errors.ServiceError as exc:
        if isinstance(exc, errors.ValidationError) and exc.field == "submittal":
            # No inventory yet (the role was checked first): the empty template, to fill in and upload.
            filename, content, media_type = f"CERSID_{cers_id}_HazMatInventory.xlsx", template_bytes(), XLSX_TYPE
        else:
            return _json(_service_failure(exc))
    headers = {**NO_STORE, "Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(content, media_type=media_type, headers=headers)


async def template_download(request: Request) -> Response:
    """GET /inventory/template.xlsx: the empty CERS HMI upload template (headers and the code lists; no data of
    anyone, so no log-in needed)."""
    return Response(template_bytes(), media_type=XLSX_TYPE, headers={
        "Content-Disposition": f'attachment; filename="{TEMPLATE_FILENAME}"', "Cache-Control": "public, max-age=3600"})


def _export(db: Session, user_id: int, cers_id: str) -> tuple[str, bytes, str]:
    facility = _facility_for(db, user_id, cers_id)
    files = export_inventory(db, Actor(user_id=user_id, channel="web"), facility.id)
    if len(files) == 1:
        return files[0].filename, files[0].content, XLSX_TYPE
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # .xlsx files are compressed already
        for f in files:
            archive.writestr(f.filename, f.content)
    return f"CERSID_{facility.cers_id}_HazMatInventory.zip", buffer.getvalue(), "application/zip"


def _page_context(db: Session, user_id: int, cers_id: str) -> dict[str, Any]:
    facility = _facility_for(db, user_id, cers_id)
    return {"facility_name": facility.name, "cers_id": facility.cers_id, "address": facility.address,
            "existing": draft_item_count(db, facility.id)}


async def _page_or_problem(
    request: Request, user_id: int, raw_cers_id: str
) -> tuple[Optional[dict[str, Any]], Optional[Response]]:
    """(page context, None) when the user may use the page; (None, an error page) otherwise."""
    try:
        cers_id = normalize_cers_id(raw_cers_id)
    except errors.ValidationError as exc:
        return None, message_page(request, "Which facility?", exc.message, status=400,
                                  links=[("/", "Back to the chat")])
    try:
        return await in_db(lambda db: _page_context(db, user_id, cers_id)), None
    except errors.ServiceError as exc:
        title = "Facility not found" if isinstance(exc, errors.NotFound) else "You can't upload for this facility"
        return None, message_page(request, title, exc.message, status=error_status(exc),
                                  links=[("/", "Back to the chat")])


def _page(request: Request, context: dict[str, Any], result: Optional[Outcome] = None) -> Response:
    return render(request, "inventory_upload.html", result.status if result else 200, template_path=TEMPLATE_PATH,
                  title=f"Upload the inventory of {context['facility_name']}",
                  result=result.body if result else None, max_mb=_MAX_MB, max_rows=safety.MAX_IMPORT_ROWS,
                  **context)


@logged_in_page
async def upload_page(request: Request, session: WebSession) -> Response:
    """GET /inventory/upload?facility=CERSID: the plain upload page (log in first; a role on the facility)."""
    context, problem = await _page_or_problem(request, session.user_id, request.query_params.get("facility", ""))
    if problem is not None:
        return problem
    return _page(request, context)


@logged_in_page
async def upload_form_submit(request: Request, session: WebSession) -> Response:
    """POST /inventory/upload: the page's form when JavaScript is off; the page again, with the result."""
    if not same_origin(request):
        return csrf_failed(request)
    outcome = await perform_upload(request, session.user_id, check_csrf_field=True)
    cers_id = outcome.body.get("facility") or request.query_params.get("facility", "")
    context, problem = await _page_or_problem(request, session.user_id, cers_id)
    if problem is not None:
        return problem
    return _page(request, context, outcome)
