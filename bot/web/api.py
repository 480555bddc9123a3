"""JSON endpoints used by the chat page: chat forwarding, set password, login/logout, resend the sign-up email.

Every body is read with a size cap before it is parsed, every string in it must be valid text, and every
request that can send an email or try a password goes through the throttles with the browser's IP.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Optional

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse

from bot import errors, redaction
from bot.services import accounts, conversation_auth
from bot.web import rasa_proxy
from bot.web.blocking import SavedButMailFailed, in_db
from bot.web.sessions import (
    clear_session,
    client_ip,
    conversation_marker,
    known_devices,
    new_conversation_id,
    read_conversation_id,
    read_session,
    remember_device,
    same_origin,
    set_conversation_cookie,
    set_session,
)

log = logging.getLogger("bot.web.api")

MAX_JSON_BYTES = 64 * 1024  # the biggest legitimate body is a 2,000-character chat message
ERROR_STATUS: dict[type, int] = {
    errors.InvalidCredentials: 401,
    errors.AccountNotActive: 403,
    errors.PermissionDenied: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.RateLimited: 429,
}
PASSWORD_MISMATCH = "The two passwords don't match. Type the same password in both boxes."
SET_PASSWORD_DONE = "Your password is saved and your account is active. Go back to the chat and log in."
PASSWORD_CHANGED = "Your password was changed. You can log in now."
RESEND_DONE = (
    "If an account at {email} is waiting for its password, we emailed it a new link. "
    "Check your email (look in spam too)."
)
TOO_LARGE = f"The request is too large (the limit is {MAX_JSON_BYTES // 1024} KB)."
NOT_TEXT = "The request contains characters that aren't valid text. Please type your message again."


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


async def read_capped(request: Request, limit: int) -> bytes:
    """The body, refused (413) as soon as it is over `limit`: the Content-Length first, then while reading."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise BadRequest(fail(413, TOO_LARGE))
        except ValueError:
            raise BadRequest(fail(400, "The request's Content-Length is not a number.")) from None
    chunks: list[bytes] = []
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise BadRequest(fail(413, TOO_LARGE))
        chunks.append(chunk)
    return b"".join(chunks)


def _valid_text(value: Any) -> bool:
    """False when a string anywhere in the value holds a lone surrogate (JSON allows "\\ud800"; UTF-8 doesn't)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_valid_text(k) and _valid_text(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_valid_text(v) for v in value)
    return True


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object, after the CSRF checks (JSON content type, same origin) and the size cap."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise BadRequest(fail(415, "Send the request as JSON (Content-Type: application/json)."))
    if not same_origin(request):
        raise BadRequest(fail(403, "This request came from another website and was refused."))
    raw = await read_capped(request, MAX_JSON_BYTES)
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadRequest(fail(400, "The request body is not valid JSON."))
    if not isinstance(body, dict):
        raise BadRequest(fail(400, "The request body must be a JSON object."))
    if not _valid_text(body):
        raise BadRequest(fail(400, NOT_TEXT))
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


def client_of(request: Request, *, devices: bool = False) -> accounts.Client:
    """Who is asking, for the throttles."""
    return accounts.Client(ip=client_ip(request), conversation=read_conversation_id(request),
                           known_devices=known_devices(request) if devices else frozenset())


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
    elif redaction.looks_like_password(message):
        # Never forwarded: Rasa would keep it in the tracker store.
        response = JSONResponse([{"recipient_id": conv_id, "text": rasa_proxy.PASSWORD_NOT_SENT}])
    else:
        session = read_session(request)
        token = (conversation_auth.issue_token(session.user_id, conv_id, version=session.version)
                 if session else None)
        claim = conversation_auth.issue_client_claim(conv_id, client_ip(request))
        try:
            replies = await rasa_proxy.forward(_http_client(request), conv_id,
                                               redaction.redact_links(message.strip()), token, claim)
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
        full_name = text_field(body, "full_name", "name", required=False)
        phone = text_field(body, "phone", "phone number", required=False)
    except BadRequest as bad:
        return bad.response
    if confirm is not None and confirm != password:
        return fail(400, PASSWORD_MISMATCH, field="confirm")
    client = client_of(request)
    try:
        message = await in_db(lambda db: choose_password(db, token, password, full_name, phone, client))
    except SavedButMailFailed as exc:  # the password is saved; the confirmation email is late
        return JSONResponse({"ok": True, "message": exc.message, "mail_sent": False})
    except errors.RateLimited as exc:
        return fail(429, exc.message)
    except errors.ServiceError as exc:
        return fail(400, *password_errors(exc, password), field=exc.field)
    return JSONResponse({"ok": True, "message": message})


def choose_password(db: Any, token: str, password: str, full_name: Optional[str], phone: Optional[str],
                    client: accounts.Client) -> str:
    """`accounts.set_password` (a sign-up or a reset link), and what to say after it."""
    purpose = accounts.describe_link(db, token).purpose
    accounts.set_password(db, token, password, full_name=full_name, phone=phone, client=client)
    return PASSWORD_CHANGED if purpose == "reset_password" else SET_PASSWORD_DONE


async def login(request: Request) -> JSONResponse:
    """Log in: a new login session and a new conversation (whatever conversation the page was in, or the
    body names: a login never takes over another conversation). No conversation token is handed out: the
    web server signs one for each message it forwards."""
    try:
        body = await json_body(request)
        email = text_field(body, "email", "email address")
        password = body.get("password")
        if not isinstance(password, str) or not password:
            return fail(400, "Enter your password.", field="password")
    except BadRequest as bad:
        return bad.response
    client = client_of(request, devices=True)
    try:
        user_id, name, version, device = await in_db(lambda db: login_user(db, email, password, client))
    except errors.ServiceError as exc:
        return fail(error_status(exc), exc.message, field=exc.field)
    conv_id = new_conversation_id()
    response = JSONResponse({"ok": True, "name": name, "conversation": conversation_marker(conv_id)})
    start_logged_in(request, response, user_id, version, device, conv_id)
    return response


def login_user(db: Any, email: str, password: str, client: accounts.Client) -> tuple[int, str, int, str]:
    """(user id, name, session version, device key) after `accounts.authenticate`."""
    user = accounts.authenticate(db, email, password, client=client)
    return user.id, user.full_name, int(user.session_version or 0), accounts.device_key(user.email)


def start_logged_in(request: Request, response: Any, user_id: int, version: int, device: str,
                    conv_id: Optional[str] = None) -> None:
    """The cookies of a fresh login: session, a new conversation, this browser remembered for the account."""
    set_session(response, user_id, version)
    set_conversation_cookie(response, conv_id or new_conversation_id())
    remember_device(request, response, device)


async def end_session(request: Request, response: Any) -> None:
    """Log out: every session and conversation token of the account ends, and this browser starts a new,
    anonymous conversation."""
    session = read_session(request)
    if session is not None:
        await in_db(lambda db: accounts.log_out(db, session.user_id, session.version))
    clear_session(response)
    set_conversation_cookie(response, new_conversation_id())


async def logout(request: Request) -> JSONResponse:
    try:
        await json_body(request)
    except BadRequest as bad:
        return bad.response
    response = JSONResponse({"ok": True, "message": "You are logged out."})
    await end_session(request, response)
    return response


async def resend(request: Request) -> JSONResponse:
    try:
        body = await json_body(request)
        email = text_field(body, "email", "email address")
    except BadRequest as bad:
        return bad.response
    client = client_of(request)
    try:
        await in_db(lambda db: accounts.resend_activation(db, email, client=client))
    except SavedButMailFailed as exc:
        return fail(503, exc.message)
    except errors.ServiceError as exc:
        return fail(error_status(exc), exc.message, field=exc.field)
    return JSONResponse({"ok": True, "message": RESEND_DONE.format(email=email.strip())})
