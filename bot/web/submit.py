"""The "Review and submit" page of a facility: the summary of the whole filing, what the pre-submit check found
(blocking apart from advice, each with a link to where it is fixed), the certification, and the Submit button.

- `GET /submit?facility=CERSID` — the page (log in first; a role on the facility).
- `POST /submit?facility=CERSID` — Submit (form: csrf_token, certified); the page again with the outcome.

The session, the origin and the CSRF field are checked as on the other form pages (`form_data`), the role by the
services. The check, the submit and its emails are in `bot.submittals`; nothing here decides anything.
"""
from __future__ import annotations

from typing import Any, Optional

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot import errors
from bot.actor import Actor
from bot.submittals import precheck, service
from bot.validation import normalize_cers_id
from bot.web.api import error_status
from bot.web.blocking import in_db
from bot.web.inventory import _facility_for
from bot.web.pages import logged_in_form, logged_in_page, message_page, render
from bot.web.sessions import WebSession

BACK = [("/", "Back to the chat")]


def _actor(user_id: int) -> Actor:
    return Actor(user_id=user_id, channel="web")


def _finding(f: precheck.Finding) -> dict[str, Any]:
    return {"check": f.check, "message": f.message, "url": f.url, "where": f.where, "element": f.element}


def _context(db: Session, user_id: int, cers_id: str) -> dict[str, Any]:
    facility = _facility_for(db, user_id, cers_id)
    actor = _actor(user_id)
    state = service.status(db, actor, facility.id)
    summary = service.summary(db, actor, facility.id)
    open_filing = state.status in ("Draft", "Not started")  # a filing already submitted is not checked again
    findings = precheck.precheck(db, actor, facility.id) if open_filing else []
    return {
        "facility_name": facility.name, "cers_id": facility.cers_id, "address": facility.address,
        "filing_status": state.status, "status_message": state.message, "summary": summary,
        "blocking": [_finding(f) for f in precheck.blocking(findings)],
        "advice": [_finding(f) for f in precheck.advice(findings)],
        "can_submit": state.status == "Draft" and not precheck.blocking(findings), "open_filing": open_filing,
    }


def _submit(db: Session, user_id: int, cers_id: str, certified: bool) -> dict[str, Any]:
    facility = _facility_for(db, user_id, cers_id)
    result = service.submit(db, _actor(user_id), facility.id, certified=certified)
    return {"ok": True, "message": result.message, "already": result.already_submitted}


def _cers_id(request: Request) -> str:
    return normalize_cers_id(request.query_params.get("facility", ""))


async def _page(request: Request, user_id: int, result: Optional[dict[str, Any]] = None,
                status: int = 200) -> Response:
    try:
        cers_id = _cers_id(request)
        context = await in_db(lambda db: _context(db, user_id, cers_id))
    except errors.ValidationError as exc:
        return message_page(request, "Which facility?", exc.message, status=400, links=BACK)
    except errors.ServiceError as exc:
        title = "Facility not found" if isinstance(exc, errors.NotFound) else "You can't see this facility's filing"
        return message_page(request, title, exc.message, status=error_status(exc), links=BACK)
    return render(request, "submit.html", status, title=f"Review and submit: {context['facility_name']}",
                  result=result, **context)


@logged_in_page
async def submit_page(request: Request, session: WebSession) -> Response:
    """GET /submit?facility=CERSID."""
    return await _page(request, session.user_id)


@logged_in_form
async def submit_form(request: Request, session: WebSession, data: dict[str, str]) -> Response:
    """POST /submit?facility=CERSID (form: csrf_token, certified=yes)."""
    user_id, certified = session.user_id, data.get("certified") == "yes"
    try:
        cers_id = _cers_id(request)
        result = await in_db(lambda db: _submit(db, user_id, cers_id, certified))
        status = 200
    except errors.ServiceError as exc:
        if not isinstance(exc, (service.SubmitBlocked, errors.ValidationError)):
            return await _page(request, user_id)  # no role, no facility: the page says so
        result, status = {"ok": False, "message": exc.message.split("\n", 1)[0]}, 422
    return await _page(request, user_id, result, status)


ROUTES = [
    Route("/submit", submit_page),
    Route("/submit", submit_form, methods=["POST"]),
]
