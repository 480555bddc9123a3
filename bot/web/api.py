"""JSON endpoints used by the chat page: chat forwarding, set password, login/logout, resend activation."""
from __future__ import annotations

import json
import logging
from typing import Any, Optional

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse

from bot import errors
from bot.services import accounts, conversation_auth
from bot.web import rasa_proxy
from bot.web.blocking import SavedButMailFailed, in_db
from bot.web.sessions import (
    clear_session,
    new_conversation_id,
    read_conversation_id,
    read_session,
    same_origin,
    set_conversation_cookie,
    set_session,
)

log = logging.getLogger("bot.web.api")

ERROR_STATUS: dict[type, int] = {
    errors.InvalidCredentials: 401,
    errors.AccountNotActive: 403,
    errors.PermissionDenied: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.RateLimited: 429,
}
PASSWORD_MISMATCH = "The two passwords don't match. Type the same password in both boxes."
SET_PASSWORD_DONE = (
    "Your password is saved. We sent an activation link to {email}. "
    "Check your email for the activation link (look in spam too)."
)
PASSWORD_CHANGED = "Your password was changed. You can log in now."
RESEND_DONE = (
    "If an account at {email} is waiting for activation, we sent it a new link. "
    "Check your email (look in spam too)."
)


class BadRequest(Exception):
    """The request body is not what the endpoint expects; `response` says why."""

    def __init__(self, response: JSONResponse) -> None:
        self.response = response


def error_status(exc: errors.ServiceError) -> int:
    for cls in type(exc).__mro__:
        if cls in ERROR_STATUS:
            return ERROR_STATUS[cls]
    return 400


def fail(status: int, *messages: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"ok": False, "errors": list(messages), **extra}, status_code=status)


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object, after the CSRF checks (JSON content type, same origin)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise BadRequest(fail(415, "Send the request as JSON (Content-Type: application/json)."))
    if not same_origin(request):
        raise BadRequest(fail(403, "This request came from another website and was refused."))
    try:
        body = json.loads(await request.body() or b"null")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(fail(400, "The request body is not valid JSON."))
    if not isinstance(body, dict):
        raise BadRequest(fail(400, "The request body must be a JSON object."))
    return body


def text_field(body: dict[str, Any], name: str, label: str, *, required: bool = True) -> Optional[str]:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise BadRequest(fail(400, f"Enter your {label}.", field=name))
    return value


def password_errors(exc: errors.ServiceError, password: str) -> list[str]:
    """All the problems with a rejected password (the service may report only the first)."""
    problems = getattr(exc, "problems", None)
    if isinstance(problems, (list, tuple)) and problems:
        return [str(p) for p in problems]
    if exc.field == "password":
        try:
            from bot.validation import password_problems

            listed = password_problems(password)
            if listed and exc.message not in listed:
                return [exc.message, *listed]
            if listed:
                return list(listed)
        except Exception:  # the extra detail is optional; the service's message is enough
            pass
    return [exc.message]


def _http_client(request: Request) -> httpx.AsyncClient:
    client = getattr(request.app.state, "rasa_client", None)
    if client is None or client.is_closed:
        client = httpx.AsyncClient(timeout=rasa_proxy.RASA_TIMEOUT_S)
        request.app.state.rasa_client = client
    return client


async def chat(request: Request) -> JSONResponse:
    try:
        body = await json_body(request)
    except BadRequest as bad:
        return bad.response
    conv_id = read_conversation_id(request)
    new_conv = conv_id is None
    if conv_id is None:
        conv_id = new_conversation_id()
    message = body.get("message")
    problem = rasa_proxy.message_problem(message, body.get("sig"), conv_id)
    if problem:
        response = fail(400, problem)
    else:
        session = read_session(request)
        token = conversation_auth.issue_token(session.user_id, conv_id) if session else None
        try:
            replies = await rasa_proxy.forward(_http_client(request), conv_id, message.strip(), token)
            response = JSONResponse(rasa_proxy.sign_buttons(replies, conv_id))
        except rasa_proxy.RasaUnavailable:
            response = JSONResponse({"error": rasa_proxy.UNAVAILABLE}, status_code=503)
    if new_conv:
        set_conversation_cookie(response, conv_id)
    return response


async def set_password(request: Request) -> JSONResponse:
    try:
        body = await json_body(request)
        token = text_field(body, "token", "set-password link")
        password = body.get("password")
        if not isinstance(password, str) or not password:
            return fail(400, "Enter a password.", field="password")
        confirm = text_field(body, "confirm", "password again", required=False)
    except BadRequest as bad:
        return bad.response
    if confirm is not None and confirm != password:
        return fail(400, PASSWORD_MISMATCH, field="confirm")
    try:
        message = await in_db(lambda db: password_saved_message(accounts.set_password(db, token, password)))
    except SavedButMailFailed as exc:  # the password is saved; the user must ask for the email again
        return JSONResponse({"ok": True, "message": exc.message, "mail_sent": False})
    except errors.ServiceError as exc:
        return fail(400, *password_errors(exc, password), field=exc.field)
    return JSONResponse({"ok": True, "message": message})


def password_saved_message(user: Any) -> str:
    """What to say after `accounts.set_password` (which also takes password-reset links)."""
    if user.status == "active":
        return PASSWORD_CHANGED
    return SET_PASSWORD_DONE.format(email=user.email)


async def login(request: Request) -> JSONResponse:
    try:
        body = await json_body(request)
        email = text_field(body, "email", "email address")
        password = body.get("password")
        if not isinstance(password, str) or not password:
            return fail(400, "Enter your password.", field="password")
        conv_given = body.get("conversation_id")
    except BadRequest as bad:
        return bad.response
    try:
        user_id, name = await in_db(lambda db: _login_user(db, email, password))
    except errors.ServiceError as exc:
        return fail(error_status(exc), exc.message, field=exc.field)
    conv_id = conv_given if isinstance(conv_given, str) and conv_given.strip() else read_conversation_id(request)
    token = conversation_auth.issue_token(user_id, conv_id) if conv_id else None
    response = JSONResponse({"ok": True, "name": name, "token": token})
    set_session(response, user_id)
    return response


def _login_user(db: Any, email: str, password: str) -> tuple[int, str]:
    user = accounts.authenticate(db, email, password)
    return user.id, user.full_name


async def logout(request: Request) -> JSONResponse:
    try:
        await json_body(request)
    except BadRequest as bad:
        return bad.response
    conv_id = new_conversation_id()
    response = JSONResponse({"ok": True, "message": "You are logged out."})
    clear_session(response)
    # A fresh conversation: the next person at this browser does not continue the logged-in one.
    set_conversation_cookie(response, conv_id)
    return response


async def resend(request: Request) -> JSONResponse:
    try:
        body = await json_body(request)
        email = text_field(body, "email", "email address")
    except BadRequest as bad:
        return bad.response
    try:
        await in_db(lambda db: accounts.resend_activation(db, email))
    except SavedButMailFailed as exc:
        return fail(503, exc.message)
    except errors.ServiceError as exc:
        return fail(error_status(exc), exc.message, field=exc.field)
    return JSONResponse({"ok": True, "message": RESEND_DONE.format(email=email.strip())})
