"""`POST /api/inventory/sds?facility=CERSID` (multipart: file): the chat's "upload its Safety Data Sheet" widget.

The same checks as a document upload, through the same helpers (`bot.web.documents`): a logged-in session from
this site, a role on the facility before the body is read, the document size limit while the body streams, and
the PDF content check (`bot.documents.pdf_check`) with its messages. The sheet is then read (`bot.sds`) and the
reading kept for the filer's open material (`bot.inventory.conversation.from_sds`); the PDF itself is not stored.
A scan without text or a PDF that is not an SDS is answered 422 with a plain message and nothing is kept, so the
chat's questions simply go on.
"""
from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from bot import errors
from bot.documents import pdf_check
from bot.inventory.answers import HAZARD_FIELDS, HAZARD_LABELS
from bot.inventory.conversation import from_sds
from bot.sds import UPLOADED_SDS
from bot.sds.extract import SdsReading, read_sds
from bot.web import documents as docs
from bot.web.blocking import in_db
from bot.web.inventory import UploadRefused
from bot.web.sessions import read_session, same_origin

NO_FILE = "Choose the Safety Data Sheet (PDF) to upload."


def _read_and_keep(db: Session, user_id: int, cers_id: str, filename: str, data: bytes) -> docs.Outcome:
    facility = docs.facility_for(db, user_id, cers_id)
    pdf_check.check_pdf(data, docs.max_bytes(), filename=filename)
    reading = read_sds(data)
    if not reading.has_text or not reading.is_sds:
        return docs.failure(422, " ".join(reading.notes[:1]), field="file",
                             reason="no_text" if not reading.has_text else "not_sds")
    from_sds.keep_reading(db, facility.id, user_id, reading, filename)
    return docs.Outcome(200, {"ok": True, "facility": cers_id, "message": summary(reading),
                              "notice": UPLOADED_SDS, "reading": _public(reading)})


def summary(reading: SdsReading) -> str:
    """What was read, in one plain sentence for the widget (the chat then asks the filer to check it)."""
    bits = [f"Read the Safety Data Sheet of {reading.product_name or 'the product'}"]
    if reading.components:
        bits.append(f"{len(reading.components)} ingredient{'s' if len(reading.components) != 1 else ''}")
    if reading.physical_state:
        bits.append(reading.physical_state)
    hazards = [HAZARD_LABELS[h] for h in HAZARD_FIELDS if h in reading.cers_hazards]
    if hazards:
        bits.append("hazards: " + ", ".join(hazards))
    return ", ".join(bits) + "."


def _public(reading: SdsReading) -> dict[str, Any]:
    d = reading.to_dict()
    return {k: d[k] for k in ("product_name", "manufacturer", "components", "physical_state", "ghs_classes",
                              "cers_hazards", "flash_point", "notes")}


async def _perform(request: Request, user_id: int) -> docs.Outcome:
    try:
        cers_id, form = await docs.receive_pdf(request, user_id, no_file=NO_FILE)
    except UploadRefused as refused:
        return docs.failure(refused.status, refused.message, **refused.extra)
    except errors.ServiceError as exc:
        return docs.service_failure(exc)
    filename, data = form.filename or "", form.data or b""
    try:
        return await in_db(lambda db: _read_and_keep(db, user_id, cers_id, filename, data))
    except errors.ServiceError as exc:
        return docs.service_failure(exc)


async def sds_api(request: Request) -> Response:
    """POST /api/inventory/sds?facility=CERSID → JSON: the reading (200), or why the file can't be used."""
    session = read_session(request)
    if session is None:
        return JSONResponse({"ok": False, "message": docs.LOGIN_FIRST, "login_url": "/login"}, status_code=401,
                            headers=docs.NO_STORE)
    if not same_origin(request):
        return JSONResponse({"ok": False, "message": docs.CROSS_SITE}, status_code=403, headers=docs.NO_STORE)
    with docs.PDF_UPLOADS.taken() as free:
        outcome = await _perform(request, session.user_id) if free else docs.failure(503, docs.BUSY)
    return JSONResponse(outcome.body, status_code=outcome.status, headers=docs.NO_STORE)
