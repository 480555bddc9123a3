"""Cookies and signatures of the web server: login session, conversation id, CSRF tokens, button signatures.

Everything is signed with `settings.secret_key` (itsdangerous / HMAC); nothing secret is stored in a cookie.
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
from starlette.requests import Request
from starlette.responses import Response

from bot.config import get_settings

SESSION_COOKIE = "cers_session"
CONV_COOKIE = "cers_conv"
CSRF_COOKIE = "cers_csrf"
SESSION_MAX_AGE = 12 * 3600
CONV_MAX_AGE = 30 * 24 * 3600
CSRF_MAX_AGE = 24 * 3600
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class WebSession:
    """A logged-in browser: who, and when they logged in (epoch seconds)."""

    user_id: int
    login_at: int


def _secure_cookies() -> bool:
    return get_settings().web_base_url.startswith("https://")


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret_key, salt=salt)


# ---- login session ---------------------------------------------------------------------------------------
def read_session(request: Request) -> Optional[WebSession]:
    """The logged-in user of this browser, or None (no cookie, forged, or older than 12 h)."""
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        data = _serializer("web-session").loads(raw, max_age=SESSION_MAX_AGE)
        return WebSession(user_id=int(data["uid"]), login_at=int(data["at"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def set_session(response: Response, user_id: int) -> None:
    value = _serializer("web-session").dumps({"uid": user_id, "at": int(time.time())})
    response.set_cookie(
        SESSION_COOKIE, value, max_age=SESSION_MAX_AGE, httponly=True, samesite="lax", secure=_secure_cookies()
    )


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=_secure_cookies())


# ---- conversation id -------------------------------------------------------------------------------------
def read_conversation_id(request: Request) -> Optional[str]:
    value = request.cookies.get(CONV_COOKIE)
    if value and 8 <= len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value):
        return value
    return None


def new_conversation_id() -> str:
    return secrets.token_urlsafe(16)


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
