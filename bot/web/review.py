"""The CUPA inspector's review console (inspectors only; everything it shows or changes is decided in
`bot.review.service`, which refuses anyone but an inspector of the facility's CUPA).

- `GET /review` — the queue: Submitted and Under Review filings of the CUPA's facilities, oldest first.
- `GET /review/filing?id=N` — one filing: every element with its data, its PDF shown in the page (an <iframe> of
  `/documents/file?id=..&inline=1`), the diff against the last Accepted filing, and per element a form Accepted /
  Not Accepted with the reasons pick list and a note. Opening it makes a Submitted filing Under Review.
- `POST /review/decide?id=N` — one element's decision (form: csrf_token, element, decision, reasons..., note); the
  filing page again with the outcome.
- `GET /review/access`, `POST /review/access` — the escalated access requests of the CUPA's facilities, granted or
  denied (form: csrf_token, request_id, decision=grant|deny).

The session, the origin and the CSRF field are checked as on the other form pages (`form_data`).
"""
from __future__ import annotations

from typing import Any, Optional

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot import errors
from bot.actor import Actor
from bot.review import service
from bot.services import access
from bot.web.api import error_status
from bot.web.blocking import in_db
from bot.web.pages import logged_in_form, logged_in_page, message_page, render
from bot.web.sessions import WebSession

BACK = [("/review", "Back to the review queue")]


def _actor(user_id: int) -> Actor:
    return Actor(user_id=user_id, role="inspector", channel="web")


def _refused(request: Request, exc: errors.ServiceError) -> Response:
    title = "Not found" if isinstance(exc, errors.NotFound) else "Only the CUPA's inspectors can see this"
    return message_page(request, title, exc.message, status=error_status(exc), links=[("/", "Back to the chat")])


def _id(request: Request) -> Optional[int]:
    raw = request.query_params.get("id", "")
    return int(raw) if raw.isdigit() and len(raw) <= 12 else None


# ---- the queue ------------------------------------------------------------------------------------------------------
@logged_in_page
async def queue_page(request: Request, session: WebSession) -> Response:
    """GET /review."""
    user_id = session.user_id

    def load(db: Session) -> dict[str, Any]:
        return {"entries": service.queue(db, _actor(user_id)),
                "escalated": len(service.escalated_requests(db, _actor(user_id)))}

    try:
        context = await in_db(load)
    except errors.ServiceError as exc:
        return _refused(request, exc)
    return render(request, "review_queue.html", title="Review queue", **context)


# ---- one filing -----------------------------------------------------------------------------------------------------
async def _filing_page(request: Request, user_id: int, submittal_id: Optional[int],
                       result: Optional[dict[str, Any]] = None, status: int = 200) -> Response:
    if submittal_id is None:
        return message_page(request, "Which filing?", "That link is not complete. Open the queue again.", status=400,
                            links=BACK)
    try:
        review = await in_db(lambda db: service.open_filing(db, _actor(user_id), submittal_id))
    except errors.ServiceError as exc:
        return _refused(request, exc)
    return render(request, "review_filing.html", status, title=f"Review: {review.facility_name}", review=review,
                  result=result)


@logged_in_page
async def filing_page(request: Request, session: WebSession) -> Response:
    """GET /review/filing?id=N."""
    return await _filing_page(request, session.user_id, _id(request))


@logged_in_form
async def decide_submit(request: Request, session: WebSession, data: dict[str, str]) -> Response:
    """POST /review/decide?id=N (form: csrf_token, element, decision=accepted|not_accepted, reasons, note)."""
    reasons = [r for r in (await request.form()).getlist("reasons") if isinstance(r, str)]
    user_id, submittal_id = session.user_id, _id(request)
    if submittal_id is None:
        return await _filing_page(request, user_id, None)
    element, note = data.get("element", ""), data.get("note", "")
    decision = data.get("decision", "")
    if decision not in ("accepted", "not_accepted"):
        return await _filing_page(request, user_id, submittal_id,
                                  {"ok": False, "element": element, "message": "Choose Accepted or Not Accepted."}, 422)
    try:
        outcome = await in_db(lambda db: service.decide_element(db, _actor(user_id), submittal_id, element,
                                                                decision == "accepted", reasons, note))
    except (errors.PermissionDenied, errors.NotFound) as exc:
        return _refused(request, exc)
    except errors.ServiceError as exc:
        return await _filing_page(request, user_id, submittal_id,
                                  {"ok": False, "element": element, "message": exc.message}, error_status(exc))
    return await _filing_page(request, user_id, submittal_id,
                              {"ok": True, "element": element, "message": outcome.message})


# ---- escalated access requests -------------------------------------------------------------------------------------------
def _requests(db: Session, user_id: int) -> list[dict[str, Any]]:
    rows = []
    for req in service.escalated_requests(db, _actor(user_id)):
        rows.append({"id": req.id, "line": access.describe_request(req), "email": req.requester.email,
                     "address": req.facility.address, "since": req.escalated_at or req.created_at})
    return rows


async def _access_page(request: Request, user_id: int, result: Optional[dict[str, Any]] = None,
                       status: int = 200) -> Response:
    try:
        rows = await in_db(lambda db: _requests(db, user_id))
    except errors.ServiceError as exc:
        return _refused(request, exc)
    return render(request, "review_access.html", status, title="Access requests escalated to the CUPA",
                  requests=rows, result=result)


@logged_in_page
async def access_page(request: Request, session: WebSession) -> Response:
    """GET /review/access."""
    return await _access_page(request, session.user_id)


@logged_in_form
async def access_submit(request: Request, session: WebSession, data: dict[str, str]) -> Response:
    """POST /review/access (form: csrf_token, request_id, decision=grant|deny)."""
    user_id, raw = session.user_id, data.get("request_id", "")
    decision = data.get("decision", "")
    if not raw.isdigit() or len(raw) > 12 or decision not in ("grant", "deny"):
        return await _access_page(request, user_id, {"ok": False, "message": "Choose Grant or Deny."}, 400)
    try:
        req = await in_db(lambda db: _decided(db, user_id, int(raw), decision == "grant"))
    except (errors.PermissionDenied, errors.NotFound) as exc:
        return _refused(request, exc)
    except errors.ServiceError as exc:
        return await _access_page(request, user_id, {"ok": False, "message": exc.message}, error_status(exc))
    return await _access_page(request, user_id, {"ok": True, "message": req})


def _decided(db: Session, user_id: int, request_id: int, grant: bool) -> str:
    req = service.decide_access(db, _actor(user_id), request_id, grant)
    return (f"Access {'granted' if grant else 'denied'}: {access.describe_request(req)}. "
            "The requester gets an email.")


ROUTES = [
    Route("/review", queue_page),
    Route("/review/filing", filing_page),
    Route("/review/decide", decide_submit, methods=["POST"]),
    Route("/review/access", access_page),
    Route("/review/access", access_submit, methods=["POST"]),
]
