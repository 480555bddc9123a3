"""Cookies and signatures of the web server: login session, conversation id, CSRF tokens, button signatures,
the device cookie, and the middleware that checks the login session against the database on every request.

Everything is signed with `settings.secret_key` (itsdangerous / HMAC); nothing secret is stored in a cookie.
A login cookie carries the account's session version: `SessionCheck` accepts it only while the account is
active and the version unchanged (log-out, a password change and disabling end every session at once).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Optional
from urllib.parse import urlsplit

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.config import get_settings

SESSION_COOKIE = "cers_session"
CONV_COOKIE = "cers_conv"
CSRF_COOKIE = "cers_csrf"
SESSION_MAX_AGE = 12 * 3600
CONV_MAX_AGE = 30 * 24 * 3600
CSRF_MAX_AGE = 24 * 3600
CSRF_FIELD = "csrf_token"
DEVICE_COOKIE = "cers_device"
DEVICE_MAX_AGE = 180 * 24 * 3600
DEVICES_KEPT = 5
SESSION_SCOPE_KEY = "cers.session"
UNCHECKED_PATHS = ("/static/", "/healthz")


@dataclass(frozen=True)
class WebSession:
    """A logged-in browser: who, when they logged in (epoch seconds), and the account's session version."""

    user_id: int
    login_at: int
    version: int = 0


def _secure_cookies() -> bool:
    return get_settings().web_base_url.startswith("https://")


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret_key, salt=salt)


# ---- login session ---------------------------------------------------------------------------------------
def parse_session_cookie(request: Request) -> Optional[WebSession]:
    """The login cookie's content when its signature holds and it is under 12 h old (not checked against
    the database: `read_session` is what handlers use)."""
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        data = _serializer("web-session").loads(raw, max_age=SESSION_MAX_AGE)
        return WebSession(user_id=int(data["uid"]), login_at=int(data["at"]), version=int(data.get("v", 0)))
    except (BadSignature, KeyError, TypeError, ValueError, AttributeError):
        return None


def read_session(request: Request) -> Optional[WebSession]:
    """The logged-in user of this browser as `SessionCheck` found it for this request: None without a cookie,
    with a forged or old one, or when the account logged out, changed its password or was disabled since."""
    return request.scope.get(SESSION_SCOPE_KEY)


def set_session(response: Response, user_id: int, version: int) -> None:
    value = _serializer("web-session").dumps({"uid": user_id, "at": int(time.time()), "v": int(version)})
    response.set_cookie(
        SESSION_COOKIE, value, max_age=SESSION_MAX_AGE, httponly=True, samesite="lax", secure=_secure_cookies()
    )


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=_secure_cookies())


def _current(candidate: WebSession) -> Optional[WebSession]:
    from bot.db import session_scope
    from bot.services.accounts import session_user

    with session_scope() as db:
        return candidate if session_user(db, candidate.user_id, candidate.version) is not None else None


class SessionCheck:
    """ASGI middleware: checks the login cookie against the database once per request (account active,
    session version unchanged), puts the verdict where `read_session` finds it, and deletes a cookie that
    no longer holds."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        scope[SESSION_SCOPE_KEY] = None
        if request.url.path.startswith(UNCHECKED_PATHS) or SESSION_COOKIE not in request.cookies:
            await self.app(scope, receive, send)
            return
        candidate = parse_session_cookie(request)
        session: Optional[WebSession] = None
        if candidate is not None:
            try:
                session = await run_in_threadpool(_current, candidate)
            except Exception:  # noqa: BLE001 - the database is unreachable: nobody is logged in meanwhile
                import logging

                logging.getLogger("bot.web").exception("could not check the login session")
        scope[SESSION_SCOPE_KEY] = session
        if session is not None:
            await self.app(scope, receive, send)
            return

        async def send_clearing(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if not any(v.startswith(f"{SESSION_COOKIE}=") for v in headers.getlist("set-cookie")):
                    expired = Response()
                    clear_session(expired)
                    headers.append("set-cookie", expired.headers["set-cookie"])
            await send(message)

        await self.app(scope, receive, send_clearing)


# ---- device cookie (the log-in back-off does not hold back a browser the account used before) --------------
def known_devices(request: Request) -> frozenset[str]:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return frozenset()
    try:
        data = _serializer("web-device").loads(raw, max_age=DEVICE_MAX_AGE)
    except BadSignature:
        return frozenset()
    return frozenset(str(k) for k in data if isinstance(k, str)) if isinstance(data, list) else frozenset()


def remember_device(request: Request, response: Response, device_key: str) -> None:
    keys = [device_key] + [k for k in known_devices(request) if k != device_key]
    value = _serializer("web-device").dumps(keys[:DEVICES_KEPT])
    response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_MAX_AGE, httponly=True, samesite="lax",
                        secure=_secure_cookies())


def client_ip(request: Request) -> Optional[str]:
    """The browser's IP (uvicorn puts X-Forwarded-For of a trusted proxy here)."""
    return request.client.host if request.client else None


# ---- conversation id -------------------------------------------------------------------------------------
def read_conversation_id(request: Request) -> Optional[str]:
    value = request.cookies.get(CONV_COOKIE)
    if value and 8 <= len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value):
        return value
    return None


def new_conversation_id() -> str:
    return secrets.token_urlsafe(16)


def conversation_marker(conv_id: str) -> str:
    """A short, non-reversible name of a conversation, for the page to tell when its conversation changed."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"conversation-marker\n{conv_id}".encode(), hashlib.sha256).hexdigest()[:16]


def set_conversation_cookie(response: Response, conv_id: str) -> None:
    response.set_cookie(
        CONV_COOKIE, conv_id, max_age=CONV_MAX_AGE, httponly=True, samesite="lax", secure=_secure_cookies()
    )


# ---- CSRF --------------------------------------------------------------------------------------------------
def csrf_cookie_value(request: Request) -> tuple[str, bool]:
    """The browser's CSRF cookie value, and whether it is new (the response must then set it)."""
    value = request.cookies.get(CSRF_COOKIE)
    if value and 16 <= len(value) <= 64:
        return value, False
    return secrets.token_urlsafe(24), True


def set_csrf_cookie(response: Response, value: str) -> None:
    response.set_cookie(CSRF_COOKIE, value, max_age=CSRF_MAX_AGE, httponly=True, samesite="lax", secure=_secure_cookies())


def csrf_token_for(cookie_value: str) -> str:
    """The signed form field that proves a form was rendered by this server for this browser."""
    return _serializer("web-csrf").dumps(cookie_value)


def csrf_ok(request: Request, field_value: Optional[str]) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or not field_value:
        return False
    try:
        signed_for = _serializer("web-csrf").loads(field_value, max_age=CSRF_MAX_AGE)
    except BadSignature:
        return False
    return isinstance(signed_for, str) and hmac.compare_digest(signed_for, cookie)


def same_origin(request: Request) -> bool:
    """False when the browser says the request comes from another site (Origin or Sec-Fetch-Site)."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site not in (None, "same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    if origin == "null":  # privacy settings hide the origin: trust only the browser's own same-origin flag
        return fetch_site == "same-origin"
    netloc = urlsplit(origin).netloc.lower()
    allowed = {request.headers.get("host", "").lower(), urlsplit(get_settings().web_base_url).netloc.lower()}
    return netloc in allowed


# ---- button payload signatures ---------------------------------------------------------------------------
def sign_payload(conv_id: str, payload: str) -> str:
    """Signature the page sends back with a button's "/intent{...}" payload; binds it to this conversation."""
    key = get_settings().secret_key.encode()
    mac = hmac.new(key, f"button\n{conv_id}\n{payload}".encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def payload_signature_ok(conv_id: str, payload: str, signature: Optional[str]) -> bool:
    return bool(signature) and hmac.compare_digest(sign_payload(conv_id, payload), str(signature))
