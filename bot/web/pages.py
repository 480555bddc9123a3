"""HTML pages: chat, choose a password, activation, login, password reset, access decisions, dev mail, and
the staff page of emails not delivered.

A page opened from an emailed link never changes anything by being opened (mail scanners open links): it
shows what the link is for and a form; the POST acts."""
from __future__ import annotations

import functools
import logging
import re
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from bot import errors
from bot.config import get_settings
from bot.services import accounts
from bot.web.api import (
    PASSWORD_MISMATCH,
    choose_password,
    client_of,
    end_session,
    error_status,
    login_user,
    password_errors,
    start_logged_in,
)
from bot.web.blocking import SavedButMailFailed, in_db
from bot.web.sessions import (
    CSRF_FIELD,
    WebSession,
    conversation_marker,
    csrf_cookie_value,
    csrf_ok,
    csrf_token_for,
    new_conversation_id,
    read_conversation_id,
    read_session,
    same_origin,
    set_conversation_cookie,
    set_csrf_cookie,
)

log = logging.getLogger("bot.web.pages")

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
URL_RE = re.compile(r"https?://[^\s<>\"']+")
CSRF_FAILED = (
    "This form expired or was opened in another browser. Reload the page and submit it again."
)


def linkify(text: Optional[str]) -> Markup:
    """HTML-escape `text` and turn its http(s) URLs into links."""
    text = text or ""
    out: list[str] = []
    last = 0
    for match in URL_RE.finditer(text):
        url = match.group(0).rstrip(".,;:!?)")
        end = match.start() + len(url)
        out.append(str(escape(text[last : match.start()])))
        out.append(f'<a href="{escape(url)}" rel="noopener noreferrer">{escape(url)}</a>')
        last = end
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


TEMPLATES.env.filters["linkify"] = linkify


def password_rules() -> list[str]:
    try:
        from bot.validation import PASSWORD_RULES
    except ImportError:
        return []
    if isinstance(PASSWORD_RULES, str):
        return [PASSWORD_RULES]
    return [str(rule) for rule in PASSWORD_RULES]


def render(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    """Render a page; every page gets a CSRF field value (and the cookie it is bound to)."""
    cookie, is_new = csrf_cookie_value(request)
    context.setdefault("logged_in", read_session(request) is not None)
    context["csrf_field"] = Markup(
        f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf_token_for(cookie))}">'
    )
    response = TEMPLATES.TemplateResponse(request, template, context, status_code=status)
    if is_new:
        set_csrf_cookie(response, cookie)
    response.headers["Cache-Control"] = "no-store"
    return response


def message_page(request: Request, title: str, *paragraphs: str, status: int = 200, **context: Any) -> Response:
    return render(request, "message.html", status, title=title, paragraphs=paragraphs, **context)


async def form_data(request: Request) -> Optional[dict[str, str]]:
    """The posted form fields, or None when the CSRF checks fail."""
    if not same_origin(request):
        return None
    form = await request.form()
    data = {key: value for key, value in form.items() if isinstance(value, str)}
    if not csrf_ok(request, data.get(CSRF_FIELD)):
        return None
    return data


def csrf_failed(request: Request) -> Response:
    return message_page(request, "Please try again", CSRF_FAILED, status=403)


def logged_in_page(handler: Callable[[Request, WebSession], Awaitable[Response]]
                   ) -> Callable[[Request], Awaitable[Response]]:
    """A page for logged-in users: without a session, to /login; the handler gets the session."""
    @functools.wraps(handler)
    async def page(request: Request) -> Response:
        session = read_session(request)
        if session is None:
            return RedirectResponse("/login", status_code=303)
        return await handler(request, session)

    return page


def logged_in_form(handler: Callable[[Request, WebSession, dict[str, str]], Awaitable[Response]]
                   ) -> Callable[[Request], Awaitable[Response]]:
    """A form post for logged-in users: without a session, to /login; failed origin or CSRF checks, the "please try
    again" page; the handler gets the session and the form's fields."""
    @functools.wraps(handler)
    async def post(request: Request) -> Response:
        session = read_session(request)
        if session is None:
            return RedirectResponse("/login", status_code=303)
        data = await form_data(request)
        if data is None:
            return csrf_failed(request)
        return await handler(request, session, data)

    return post


# ---- chat ----------------------------------------------------------------------------------------------
async def chat_page(request: Request) -> Response:
    session = read_session(request)
    name: Optional[str] = None
    if session:
        try:
            name = await in_db(lambda db: _user_name(db, session.user_id))
        except Exception:  # the page still works; the name is only a greeting
            log.exception("could not read the logged-in user's name")
    conv_id = read_conversation_id(request)
    new_conv = conv_id is None
    if conv_id is None:
        conv_id = new_conversation_id()
    # The page keeps the transcript of its conversation; the marker tells it when the conversation changed
    # (another login in this browser), so one person's transcript is never shown to the next.
    response = render(request, "chat.html", logged_in=session is not None, user_name=name,
                      conversation=conversation_marker(conv_id))
    if new_conv:
        set_conversation_cookie(response, conv_id)
    return response


def _user_name(db: Any, user_id: int) -> Optional[str]:
    user = accounts.get_user(db, user_id)
    return user.full_name if user is not None else None


# ---- choose a password (sign-up link, reset link) -------------------------------------------------------
async def password_page(request: Request) -> Response:
    token = request.query_params.get("token", "")
    if not token:
        return message_page(
            request,
            "Link incomplete",
            "This link has no token. Open the link exactly as it is in the email, or ask the assistant to send "
            "you a new one.",
            status=400,
        )
    try:
        info = await in_db(lambda db: accounts.describe_link(db, token))
    except errors.ServiceError as exc:
        return _bad_link_page(request, exc.message)
    return _password_form(request, token, info, errors=[])


def _password_form(request: Request, token: str, info: Any, *, errors: list[str], status: int = 200,
                   full_name: Optional[str] = None, phone: Optional[str] = None) -> Response:
    signup = info is not None and info.purpose == "set_password"
    return render(request, "password.html", status, token=token, rules=password_rules(), errors=errors,
                  email=info.email if info else None, signup=signup,
                  full_name=full_name if full_name is not None else (info.full_name if signup else ""),
                  phone=phone if phone is not None else ((info.phone or "") if signup else ""))


async def password_submit(request: Request) -> Response:
    data = await form_data(request)
    if data is None:
        return csrf_failed(request)
    token, password, confirm = data.get("token", ""), data.get("password", ""), data.get("confirm", "")
    full_name, phone = data.get("full_name"), data.get("phone")
    try:
        info = await in_db(lambda db: accounts.describe_link(db, token))
    except errors.ServiceError as exc:
        return _bad_link_page(request, exc.message)
    problems: list[str] = []
    status = 400
    if not password:
        problems = ["Enter a password."]
    elif password != confirm:
        problems = [PASSWORD_MISMATCH]
    else:
        client = client_of(request)
        try:
            message = await in_db(lambda db: choose_password(db, token, password, full_name, phone, client))
            return message_page(request, "Password saved", message, links=[("/", "Back to the chat")])
        except SavedButMailFailed as exc:
            return message_page(request, "Password saved", exc.message, links=[("/", "Back to the chat")])
        except errors.InvalidToken as exc:
            return _bad_link_page(request, exc.message)
        except errors.ServiceError as exc:
            problems = password_errors(exc, password)
            status = error_status(exc) if isinstance(exc, errors.RateLimited) else 400
    return _password_form(request, token, info, errors=problems, status=status, full_name=full_name, phone=phone)


def _bad_link_page(request: Request, message: str) -> Response:
    return message_page(
        request,
        "This link can't be used",
        message,
        "To get a new link, go back to the chat and sign up again with the same email, or ask for a password "
        "reset: the new link goes to your inbox.",
        status=400,
        links=[("/", "Back to the chat"), ("/account/reset", "Reset my password")],
    )


# ---- activation and resend -------------------------------------------------------------------------------
async def activate_page(request: Request) -> Response:
    """GET of an (older) activation link: says what it does and asks; only the button's POST activates."""
    token = request.query_params.get("token", "")
    if not token:
        return render(request, "activate_failed.html", 400,
                      message="This activation link is incomplete (it has no token).", result=None)
    return render(request, "activate_confirm.html", token=token)


async def activate_submit(request: Request) -> Response:
    data = await form_data(request)
    if data is None:
        return csrf_failed(request)
    token = data.get("token", "")
    try:
        if not token:
            raise errors.InvalidToken("This activation link is incomplete (it has no token).")
        await in_db(lambda db: accounts.activate(db, token).id)
    except errors.ServiceError as exc:
        return render(request, "activate_failed.html", 400, message=exc.message, result=None)
    return message_page(
        request,
        "Your account is active",
        "Your account is active. Go back to the chat and log in.",
        links=[("/", "Go back to the chat")],
    )


async def resend_submit(request: Request) -> Response:
    data = await form_data(request)
    if data is None:
        return csrf_failed(request)
    email = data.get("email", "").strip()
    try:
        if not email:
            raise errors.ValidationError("Enter the email address you signed up with.", field="email")
        client = client_of(request)
        await in_db(lambda db: accounts.resend_activation(db, email, client=client))
    except SavedButMailFailed as exc:
        return render(request, "activate_failed.html", 503, message=None, result=exc.message, email=email)
    except errors.ServiceError as exc:
        return render(request, "activate_failed.html", error_status(exc), message=None, result=exc.message,
                      email=email)
    return message_page(
        request,
        "Link sent",
        f"If an account at {email} is waiting for its password, we emailed it a new link. Check your email, and "
        f"look in spam too. The link works once and expires in {get_settings().set_password_ttl_hours} hours.",
        links=[("/", "Back to the chat")],
    )


# ---- login -------------------------------------------------------------------------------------------------
async def login_page(request: Request) -> Response:
    return render(request, "login.html", error=None, email="")


async def login_submit(request: Request) -> Response:
    data = await form_data(request)
    if data is None:
        return csrf_failed(request)
    email, password = data.get("email", "").strip(), data.get("password", "")
    client = client_of(request, devices=True)
    try:
        if not email or not password:
            raise errors.ValidationError("Enter your email address and your password.")
        user_id, _name, version, device = await in_db(lambda db: login_user(db, email, password, client))
    except errors.ServiceError as exc:
        return render(request, "login.html", error_status(exc), error=exc.message, email=email,
                      not_active=isinstance(exc, errors.AccountNotActive))
    response = RedirectResponse("/", status_code=303)
    start_logged_in(request, response, user_id, version, device)  # a new conversation, never the last user's
    return response


# ---- password reset --------------------------------------------------------------------------------------
async def reset_request_page(request: Request) -> Response:
    return render(request, "reset_request.html", error=None, email="")


async def reset_request_submit(request: Request) -> Response:
    data = await form_data(request)
    if data is None:
        return csrf_failed(request)
    email = data.get("email", "").strip()
    try:
        if not email:
            raise errors.ValidationError("Enter the email address you signed up with.", field="email")
        client = client_of(request)
        await in_db(lambda db: accounts.request_password_reset(db, email, client=client))
    except SavedButMailFailed as exc:
        return render(request, "reset_request.html", 503, error=exc.message, email=email)
    except errors.ServiceError as exc:
        return render(request, "reset_request.html", error_status(exc), error=exc.message, email=email)
    hours = get_settings().reset_ttl_hours
    return message_page(
        request,
        "Check your email",
        f"If an account uses {email}, we sent it a link to choose a new password. The link works once and "
        f"expires in {hours} hour{'s' if hours != 1 else ''}. Look in spam too.",
        links=[("/", "Back to the chat")],
    )


async def reset_confirm_page(request: Request) -> Response:
    token = request.query_params.get("token", "")
    if not token:
        return message_page(request, "Link incomplete", "This link has no token. Open the link exactly as it "
                            "is in the email, or ask for a new one.", status=400,
                            links=[("/account/reset", "Ask for a new link")])
    return render(request, "reset_confirm.html", token=token, rules=password_rules(), errors=[])


async def reset_confirm_submit(request: Request) -> Response:
    data = await form_data(request)
    if data is None:
        return csrf_failed(request)
    token = data.get("token", "") or request.query_params.get("token", "")
    password, confirm = data.get("password", ""), data.get("confirm", "")
    problems: list[str] = []
    if not password:
        problems = ["Enter a new password."]
    elif password != confirm:
        problems = [PASSWORD_MISMATCH]
    else:
        try:
            await in_db(lambda db: accounts.reset_password(db, token, password).id)
            return message_page(request, "Password changed", "Your password was changed. You can log in now.",
                                links=[("/login", "Log in"), ("/", "Back to the chat")])
        except errors.InvalidToken as exc:
            return message_page(request, "This link can't be used", exc.message, status=400,
                                links=[("/account/reset", "Ask for a new link")])
        except errors.ServiceError as exc:
            problems = password_errors(exc, password)
    return render(request, "reset_confirm.html", 400, token=token, rules=password_rules(), errors=problems)


# ---- access decisions (links in Lead Users' emails) -------------------------------------------------------
DECISIONS = {"grant": True, "deny": False}
LOCAL_CLIENTS = frozenset({"127.0.0.1", "::1", "localhost", "testclient"})


async def access_confirm_page(request: Request) -> Response:
    token = request.query_params.get("token", "")
    decision = request.query_params.get("decision", "")
    if not token or decision not in DECISIONS:
        return message_page(request, "Link incomplete", "This link is missing part of its address. Open the link "
                            "exactly as it is in the email.", status=400)
    # Mail scanners open links on their own: a GET only reads and asks; the POST below acts.
    try:
        summary = await in_db(lambda db: _describe_decision(db, token))
    except errors.ServiceError as exc:
        return message_page(request, "This link can't be used", exc.message, status=error_status(exc))
    return render(request, "access_confirm.html", token=token, decision=decision, summary=summary)


def _describe_decision(db: Any, token: str) -> str:
    """What the decision link is about; the service's error when the link or the request is no longer open."""
    from bot import link_tokens
    from bot.services import access

    found = link_tokens.peek(db, token, "access_decision")
    if found.subject_id is None:
        raise errors.NotFound("I can't find the access request of this link.")
    req = access.get_request(db, found.subject_id)
    if req.status not in access.OPEN_STATUSES:
        raise access._already_decided(db, req)
    return access.describe_request(req)


async def access_decide(request: Request) -> Response:
    data = await form_data(request)
    if data is None:
        return csrf_failed(request)
    token, decision = data.get("token", ""), data.get("decision", "")
    if not token or decision not in DECISIONS:
        return message_page(request, "Link incomplete", "Open the link exactly as it is in the email.", status=400)
    try:
        outcome = await in_db(lambda db: _decide(db, token, DECISIONS[decision]))
    except SavedButMailFailed as exc:
        return message_page(request, "Decision saved", "Your decision is saved.", exc.message)
    except errors.ServiceError as exc:
        return message_page(request, "This link can't be used", exc.message, status=error_status(exc))
    who, facility, status = outcome
    verb = "granted" if status == "granted" else "denied"
    return message_page(
        request,
        f"Access {verb}",
        f"You {verb} {who} access to {facility}."
        if status in ("granted", "denied") else f"The request is now {status}.",
    )


def _decide(db: Any, token: str, grant: bool) -> tuple[str, str, str]:
    from bot.services import access

    req = access.decide_by_token(db, token, grant)
    facility = f"{req.facility.name} (CERS ID {req.facility.cers_id})"
    return req.requester.full_name, facility, req.status


# ---- dev mail catcher ----------------------------------------------------------------------------------
def _field(message: Any, *names: str) -> Any:
    for name in names:
        value = message.get(name) if isinstance(message, dict) else getattr(message, name, None)
        if value:
            return value
    return ""


async def devmail_page(request: Request) -> Response:
    directory = get_settings().devmail_dir
    client_host = request.client.host if request.client else ""
    # Development only: the caught mail holds live links, so only this machine may read it.
    if directory is None or client_host not in LOCAL_CLIENTS:
        return not_found_page(request)
    from bot import devmail

    from starlette.concurrency import run_in_threadpool

    raw = await run_in_threadpool(devmail.list_messages, directory)
    messages = [
        {
            "subject": _field(m, "subject", "Subject"),
            "to": _field(m, "to", "To"),
            "sender": _field(m, "sender", "from_", "from", "From"),
            "date": _field(m, "date", "Date", "received_at"),
            "text": _field(m, "text", "body", "text_body"),
        }
        for m in raw
    ]
    return render(request, "devmail.html", messages=messages, directory=str(directory))


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


def not_found_page(request: Request) -> HTMLResponse:
    return message_page(request, "Page not found", "There is no page at this address.", status=404,
                        links=[("/", "Go to the chat")])  # type: ignore[return-value]


async def logout_submit(request: Request) -> Response:
    data = await form_data(request)
    if data is None:
        return csrf_failed(request)
    response = RedirectResponse("/", status_code=303)
    await end_session(request, response)  # every session of the account ends; a new, anonymous conversation
    return response


# ---- staff: emails not delivered -----------------------------------------------------------------------------
@logged_in_page
async def staff_outbox_page(request: Request, session: WebSession) -> Response:
    """Emails the outbox gave up on (and those still being retried), for staff. Never shows a body."""
    rows = await in_db(lambda db: _undelivered_for_staff(db, session.user_id))
    if rows is None:
        return message_page(request, "Staff only", "This page is for staff accounts.", status=403,
                            links=[("/", "Back to the chat")])
    return render(request, "staff_outbox.html", rows=rows)


def _undelivered_for_staff(db: Any, user_id: int) -> Optional[list[dict[str, Any]]]:
    from bot.services import mailer

    user = accounts.get_user(db, user_id)
    if user is None or not user.is_staff:
        return None
    return [{"id": r.id, "to": r.to_address, "subject": r.subject, "status": r.status, "attempts": r.attempts,
             "error": r.last_error or "", "created": r.created_at} for r in mailer.undelivered(db)]
