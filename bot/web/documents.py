"""The Documents page of a facility: the Site Map, the Emergency Response / Contingency Plan and the Employee
Training Plan, each with its status, what the content check advised, and an upload form; for the training plan
also "provided elsewhere in CERS".

- `GET /documents?facility=CERSID` — the page (log in first; a role on the facility).
- `POST /documents/upload?facility=CERSID` — one PDF from the page's form (multipart: csrf_token, element, file);
  the page again with the result.
- `POST /documents/provided-elsewhere?facility=CERSID` — the training plan's answer (csrf_token); the page again.
- `POST /api/documents/upload?facility=CERSID` — the same upload as JSON (the chat's upload widget).
- `GET /documents/site-map-checklist` — what a site map must show, a page to print and draw on.
- `GET /documents/file?id=N` — a stored PDF, as a download, to whoever has a role on its facility.
- `GET /documents/draft/emergency-response-plan?facility=CERSID` and `/documents/draft/training-plan?...` — a draft
  of the plan filled in from the filing (`bot.documents.plan_drafts`), as a PDF download, to whoever has a role.

As for the inventory upload: the session, the origin and the role are checked before the body is read; the
Content-Length is checked first and the body counted while it streams (413 past the limit); a file that does not
start like a PDF is refused from its first bytes; at most MAX_UPLOADS_AT_ONCE PDFs (documents and Safety Data Sheets
together, `PDF_UPLOADS`) are in memory at once.
The checks of the file itself and every write are in `bot.documents.service`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot import errors
from bot.actor import Actor
from bot.config import get_settings
from bot.documents import pdf_check, plan_drafts, service, storage
from bot.documents.advice import ELEMENT_LABELS, SITE_MAP_CHECKLIST, SITE_MAP_ITEMS, items_for
from bot.models import Facility
from bot.services import facilities
from bot.validation import normalize_cers_id
from bot.web.api import error_status
from bot.web.limits import AtOnce
from bot.web.blocking import in_db
from bot.web.inventory import UploadForm, UploadRefused, _Collector
from bot.web.pages import csrf_failed, logged_in_form, logged_in_page, message_page, render
from bot.web.sessions import CSRF_FIELD, WebSession, csrf_ok, read_session, same_origin

MAX_UPLOADS_AT_ONCE = 3
FORM_OVERHEAD = 64 * 1024  # the small fields and the multipart framing around the file
NO_STORE = {"Cache-Control": "no-store"}
BUSY = "The server is busy receiving other files. Please try again in a minute."
LOGIN_FIRST = "Please log in first: the documents belong to your account. Log in in the chat or at /login."
CROSS_SITE = "This upload came from another website and was refused."
NOT_MULTIPART = "Send the file as a form upload (multipart/form-data) with the PDF in the field “file”."
DAMAGED_UPLOAD = "The upload was cut off or damaged on the way. Please choose the file again and upload it again."
NO_FILE = "Choose the PDF file to upload."
FORM_EXPIRED = "This form expired or was opened in another browser. Reload the page and upload again."
STATUS_FOR_REASON = {"too_big": 413, "not_pdf": 415}
PDF_UPLOADS = AtOnce(MAX_UPLOADS_AT_ONCE)  # documents and Safety Data Sheets: PDFs in memory at once


def max_bytes() -> int:
    return get_settings().document_max_bytes


def _max_mb() -> str:
    return f"{max_bytes() / 1024 / 1024:g}"


# ---- the multipart body, read as a counted stream --------------------------------------------------------------
class _PdfCollector(_Collector):
    """The inventory upload's multipart callbacks, with the document size limit and a PDF check of the first
    bytes instead of the workbook one."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__()
        self._max_bytes = max_bytes

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._filename is None:
            super().on_part_data(data, start, end)
            return
        chunk = data[start:end]
        if len(self._buffer) + len(chunk) > self._max_bytes:
            raise UploadRefused(413, pdf_check.too_big_message(self._max_bytes, self._filename or ""))
        self._buffer.extend(chunk)
        if not self._sniffed and len(self._buffer) >= 5:
            self._sniff()

    def _sniff(self) -> None:
        self._sniffed = True
        head = bytes(self._buffer[:512])
        if head and not head.startswith(b"%PDF-"):
            try:
                pdf_check.check_pdf(head, self._max_bytes, filename=self._filename or "")
            except pdf_check.PdfRejected as exc:
                raise UploadRefused(415, exc.message, field="file") from None


async def read_document_form(request: Request, max_bytes: int) -> UploadForm:
    """The multipart body; UploadRefused as soon as it is too big or clearly not a PDF."""
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data":
        raise UploadRefused(415, NOT_MULTIPART)
    boundary = params.get(b"boundary")
    if not boundary:
        raise UploadRefused(400, NOT_MULTIPART)
    limit = max_bytes + FORM_OVERHEAD
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise UploadRefused(400, DAMAGED_UPLOAD) from None
        if size > limit:
            raise UploadRefused(413, pdf_check.too_big_message(max_bytes))
    collector = _PdfCollector(max_bytes)
    parser = MultipartParser(boundary, collector.callbacks())
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:  # Content-Length missing or wrong: counted here
                raise UploadRefused(413, pdf_check.too_big_message(max_bytes))
            parser.write(chunk)
        parser.finalize()
    except FormParserError:
        raise UploadRefused(400, DAMAGED_UPLOAD) from None
    return collector.form


# ---- facility, role, service calls (in a worker thread) -----------------------------------------------------------
def facility_for(db: Session, user_id: int, cers_id: str) -> Facility:
    facility = facilities.find_by_cers_id(db, cers_id)
    if facility is None:
        raise errors.NotFound(f"I can't find a facility with CERS ID {cers_id}. Check the number, or search for "
                              "your facility in the chat.")
    facilities.require_role(db, user_id, facility.id)
    return facility


def _actor(user_id: int) -> Actor:
    return Actor(user_id=user_id, channel="web")


def _upload(db: Session, user_id: int, cers_id: str, element: str, filename: str, data: bytes) -> dict[str, Any]:
    facility = facility_for(db, user_id, cers_id)
    result = service.upload(db, _actor(user_id), facility.id, element, filename, data)
    doc = result.document
    return {
        "ok": True, "stored": True, "unchanged": result.unchanged, "facility": cers_id, "element": doc.element,
        "label": ELEMENT_LABELS[doc.element], "message": result.message,
        "advice": {"has_text": result.advice.has_text, "missing": [i.label for i in result.advice.missing]},
        "document": {"id": doc.id, "filename": doc.original_filename, "pages": doc.pages,
                     "size_bytes": doc.size_bytes, "sha256": doc.sha256, "status": service.describe(doc)},
    }


def _provided_elsewhere(db: Session, user_id: int, cers_id: str, element: str) -> dict[str, Any]:
    facility = facility_for(db, user_id, cers_id)
    doc = service.provided_elsewhere(db, _actor(user_id), facility.id, element)
    label = ELEMENT_LABELS[doc.element]
    return {"ok": True, "stored": True, "facility": cers_id, "element": doc.element, "label": label,
            "message": f"Saved: your {label} is provided elsewhere in CERS."}


def _page_context(db: Session, user_id: int, cers_id: str) -> dict[str, Any]:
    facility = facility_for(db, user_id, cers_id)
    current = service.current_documents(db, _actor(user_id), facility.id)
    rows = []
    for element, doc in current.items():
        findings = (doc.findings or {}) if doc is not None else {}
        labels = {item.key: item.label for item in items_for(element)}
        rows.append({
            "element": element, "label": ELEMENT_LABELS[element], "status": service.describe(doc),
            "done": doc is not None, "document_id": doc.id if doc is not None and doc.stored_path else None,
            "provided_elsewhere": bool(doc is not None and doc.provided_elsewhere),
            "can_be_elsewhere": element in service.PROVIDED_ELSEWHERE_ELEMENTS,
            "has_text": findings.get("has_text"),
            "missing": [labels.get(key, key) for key in findings.get("missing", [])],
            "draft_url": plan_drafts.draft_path(element, facility.cers_id) if element in plan_drafts.BUILDERS else None,
        })
    return {"facility_name": facility.name, "cers_id": facility.cers_id, "address": facility.address, "rows": rows}


# ---- shared by the page and the JSON endpoint -------------------------------------------------------------------
@dataclass
class Outcome:
    status: int
    body: dict[str, Any]


def failure(status: int, message: str, **extra: Any) -> Outcome:
    return Outcome(status, {"ok": False, "message": message, **extra})


def service_failure(exc: errors.ServiceError) -> Outcome:
    if isinstance(exc, pdf_check.PdfRejected):
        return failure(STATUS_FOR_REASON.get(exc.reason, 400), exc.message, field="file", reason=exc.reason)
    return failure(error_status(exc), exc.message, field=exc.field)


def checked_cers_id(value: str) -> str:
    try:
        return normalize_cers_id(value)
    except errors.ValidationError as exc:
        raise UploadRefused(400, exc.message, field="facility") from None


async def perform_upload(request: Request, user_id: int, *, check_csrf_field: bool = False) -> Outcome:
    """Role, body, checks, storage. Never raises for a user's problem."""
    with PDF_UPLOADS.taken() as free:
        return await _perform_upload(request, user_id, check_csrf_field) if free else failure(503, BUSY)


async def receive_pdf(request: Request, user_id: int, *, check_csrf_field: bool = False,
                      no_file: str = NO_FILE) -> tuple[str, UploadForm]:
    """The facility's CERS ID from the query (the user's role on it checked before the body is read) and the
    received form with its file, within the size limit. Raises UploadRefused or a ServiceError."""
    cers_id = checked_cers_id(request.query_params.get("facility", ""))
    await in_db(lambda db: facility_for(db, user_id, cers_id).id)
    form = await read_document_form(request, max_bytes())
    if check_csrf_field and not csrf_ok(request, form.fields.get(CSRF_FIELD)):
        raise UploadRefused(403, FORM_EXPIRED)
    if form.data is None:
        raise UploadRefused(400, no_file, field="file")
    return cers_id, form


async def _perform_upload(request: Request, user_id: int, check_csrf_field: bool) -> Outcome:
    try:
        cers_id, form = await receive_pdf(request, user_id, check_csrf_field=check_csrf_field)
    except UploadRefused as refused:
        return failure(refused.status, refused.message, **refused.extra)
    except errors.ServiceError as exc:
        return service_failure(exc)
    element, filename, data = form.fields.get("element", ""), form.filename, form.data
    try:
        body = await in_db(lambda db: _upload(db, user_id, cers_id, element, filename, data))
    except errors.ServiceError as exc:
        return service_failure(exc)
    return Outcome(200, body)


# ---- handlers -----------------------------------------------------------------------------------------------------
async def upload_api(request: Request) -> Response:
    """POST /api/documents/upload?facility=CERSID (multipart: element, file) → JSON."""
    session = read_session(request)
    if session is None:
        return JSONResponse({"ok": False, "message": LOGIN_FIRST, "login_url": "/login"}, status_code=401,
                            headers=NO_STORE)
    if not same_origin(request):
        return JSONResponse({"ok": False, "message": CROSS_SITE}, status_code=403, headers=NO_STORE)
    outcome = await perform_upload(request, session.user_id)
    return JSONResponse(outcome.body, status_code=outcome.status, headers=NO_STORE)


async def _page_or_problem(request: Request, user_id: int,
                           raw_cers_id: str) -> tuple[Optional[dict[str, Any]], Optional[Response]]:
    try:
        cers_id = normalize_cers_id(raw_cers_id)
    except errors.ValidationError as exc:
        return None, message_page(request, "Which facility?", exc.message, status=400,
                                  links=[("/", "Back to the chat")])
    try:
        return await in_db(lambda db: _page_context(db, user_id, cers_id)), None
    except errors.ServiceError as exc:
        return None, _refusal(request, exc)


def _refusal(request: Request, exc: errors.ServiceError) -> Response:
    """The page that says why the facility's documents can't be shown (unknown CERS ID, no role)."""
    title = "Facility not found" if isinstance(exc, errors.NotFound) else "You can't see this facility's documents"
    return message_page(request, title, exc.message, status=error_status(exc), links=[("/", "Back to the chat")])


def _page(request: Request, context: dict[str, Any], result: Optional[Outcome] = None) -> Response:
    return render(request, "documents.html", result.status if result else 200,
                  title=f"Documents of {context['facility_name']}", result=result.body if result else None,
                  max_mb=_max_mb(), checklist_intro=SITE_MAP_CHECKLIST.split("\n", 1)[0],
                  checklist=[item.label for item in SITE_MAP_ITEMS],
                  checklist_after=SITE_MAP_CHECKLIST.rsplit("\n", 1)[-1], **context)


async def site_map_checklist_page(request: Request) -> Response:
    """GET /documents/site-map-checklist: what a site map must show, to print and draw on (no facility data, so
    no log-in needed)."""
    return render(request, "site_map_checklist.html", title="Site map checklist",
                  checklist_intro=SITE_MAP_CHECKLIST.split("\n", 1)[0],
                  checklist=[item.label for item in SITE_MAP_ITEMS],
                  checklist_after=SITE_MAP_CHECKLIST.rsplit("\n", 1)[-1])


@logged_in_page
async def documents_page(request: Request, session: WebSession) -> Response:
    """GET /documents?facility=CERSID."""
    context, problem = await _page_or_problem(request, session.user_id, request.query_params.get("facility", ""))
    if problem is not None:
        return problem
    return _page(request, context)


@logged_in_page
async def upload_form_submit(request: Request, session: WebSession) -> Response:
    """POST /documents/upload?facility=CERSID: the page's upload form; the page again, with the result."""
    if not same_origin(request):
        return csrf_failed(request)
    outcome = await perform_upload(request, session.user_id, check_csrf_field=True)
    context, problem = await _page_or_problem(request, session.user_id, request.query_params.get("facility", ""))
    if problem is not None:
        return problem
    return _page(request, context, outcome)


@logged_in_form
async def provided_elsewhere_submit(request: Request, session: WebSession, data: dict[str, str]) -> Response:
    """POST /documents/provided-elsewhere?facility=CERSID (form: csrf_token, element)."""
    user_id = session.user_id
    raw = request.query_params.get("facility", "")
    element = data.get("element", "employee_training_plan")
    try:
        cers_id = checked_cers_id(raw)
        outcome = Outcome(200, await in_db(lambda db: _provided_elsewhere(db, user_id, cers_id, element)))
    except UploadRefused as refused:
        outcome = failure(refused.status, refused.message)
    except errors.ServiceError as exc:
        outcome = service_failure(exc)
    context, problem = await _page_or_problem(request, user_id, raw)
    if problem is not None:
        return problem
    return _page(request, context, outcome)


def _file(db: Session, user_id: int, document_id: int) -> tuple[str, bytes, str]:
    doc = service.get_document(db, _actor(user_id), document_id)
    facility = db.get(Facility, doc.facility_id)
    name = f"CERSID_{facility.cers_id}_{doc.element}_{doc.id}.pdf"  # never the uploaded name in a header
    return name, storage.read(doc.stored_path), doc.sha256


@logged_in_page
async def document_file(request: Request, session: WebSession) -> Response:
    """GET /documents/file?id=N: the PDF as a download (a role on its facility, or an inspector of its CUPA);
    `&inline=1`: shown in a frame of this site's own pages (the review console), never framed by another site."""
    raw = request.query_params.get("id", "")
    if not raw.isdigit() or len(raw) > 12:
        return message_page(request, "Which document?", "That link is not complete. Open the documents page again.",
                            status=400, links=[("/", "Back to the chat")])
    user_id, document_id = session.user_id, int(raw)
    try:
        name, content, _ = await in_db(lambda db: _file(db, user_id, document_id))
    except errors.ServiceError as exc:
        return message_page(request, "Document not available", exc.message, status=error_status(exc),
                            links=[("/", "Back to the chat")])
    if request.query_params.get("inline") == "1":
        headers = {**NO_STORE, "Content-Disposition": f'inline; filename="{name}"', "X-Frame-Options": "SAMEORIGIN",
                   "Content-Security-Policy": "frame-ancestors 'self'"}
    else:
        headers = {**NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(content, media_type="application/pdf", headers=headers)


def _plan_draft(db: Session, user_id: int, cers_id: str, element: str) -> tuple[str, bytes]:
    facility = facility_for(db, user_id, cers_id)
    draft = plan_drafts.draft_plan(db, _actor(user_id), facility.id, element)
    return draft.filename, draft.content


@logged_in_page
async def plan_draft(request: Request, session: WebSession) -> Response:
    """GET /documents/draft/{plan}?facility=CERSID: the plan drafted from the filing, as a PDF download (the same
    role check and refusals as the Documents page)."""
    element = plan_drafts.DRAFT_SLUGS.get(request.path_params.get("plan", ""))
    if element is None:
        return message_page(request, "Which plan?", plan_drafts.NO_SUCH_DRAFT, status=404,
                            links=[("/", "Back to the chat")])
    try:
        cers_id = normalize_cers_id(request.query_params.get("facility", ""))
    except errors.ValidationError as exc:
        return message_page(request, "Which facility?", exc.message, status=400, links=[("/", "Back to the chat")])
    user_id = session.user_id
    try:
        name, content = await in_db(lambda db: _plan_draft(db, user_id, cers_id, element))
    except errors.ServiceError as exc:
        return _refusal(request, exc)
    headers = {**NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(content, media_type="application/pdf", headers=headers)
