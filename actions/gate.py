"""The action server's door: only Rasa (which sends the shared secret header of endpoints.yml) may run an
action, and a conversation token whose account logged out since is taken away before any action sees it.

- every request but /health needs `X-CERS-Action-Token` = settings.action_server_token (401 otherwise);
- on /webhook, the latest message's `auth_token` is verified and checked against the database in a worker
  thread (`conversation_auth.check_current`: account active, session version unchanged); a token that no
  longer holds is replaced by `REVOKED`, which `actions.identity` reads as "please log in again";
- a 500 answers with a generic message (rasa-sdk's own handler would echo the whole tracker back).

`install(app)` is called by `python -m actions.server` and, as a safety net, when `actions.identity` is
imported inside any rasa-sdk server (e.g. `rasa run actions`), so the door is closed however it was started.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import zlib
from typing import Any, Optional

logger = logging.getLogger(__name__)

HEADER = "X-CERS-Action-Token"
REVOKED = "revoked"
OPEN_PATHS = frozenset({"/health"})


def _expected_token() -> str:
    from bot.config import get_settings

    return get_settings().action_server_token


def authorized(headers: Any) -> bool:
    given = headers.get(HEADER) or headers.get(HEADER.lower()) or ""
    return hmac.compare_digest(str(given).encode(), _expected_token().encode())


def _latest_metadata(action_call: Any) -> Optional[dict]:
    tracker = action_call.get("tracker") if isinstance(action_call, dict) else None
    latest = tracker.get("latest_message") if isinstance(tracker, dict) else None
    metadata = latest.get("metadata") if isinstance(latest, dict) else None
    return metadata if isinstance(metadata, dict) else None


def _still_current(token: str, sender_id: str) -> bool:
    """False when the token is valid as signed but its account logged out (or was disabled) since."""
    from bot.db import session_scope
    from bot.errors import InvalidToken
    from bot.services import conversation_auth

    try:
        identity = conversation_auth.verify_token(token, sender_id)
    except InvalidToken:
        return True  # forged or expired: actions.identity already refuses it with its own message
    with session_scope() as db:
        try:
            conversation_auth.check_current(db, identity)
        except InvalidToken:
            return False
    return True


async def screen_identity(action_call: Any) -> bool:
    """Replace a conversation token that no longer holds by REVOKED; True when the call was changed."""
    metadata = _latest_metadata(action_call)
    token = metadata.get("auth_token") if metadata else None
    if not isinstance(token, str) or not token or token == REVOKED:
        return False
    sender_id = str(action_call.get("sender_id") or action_call.get("tracker", {}).get("sender_id") or "")
    if await asyncio.to_thread(_still_current, token, sender_id):
        return False
    metadata["auth_token"] = REVOKED
    return True


async def _guard(request: Any) -> Any:
    from sanic import response

    if request.path in OPEN_PATHS:
        return None
    if not authorized(request.headers):
        logger.warning("refused a call to %s without the action server token", request.path)
        return response.json({"error": "This action server only answers the assistant's own Rasa server."},
                             status=401)
    if request.path == "/webhook" and request.method == "POST":
        deflated = request.headers.get("Content-Encoding") == "deflate"
        try:
            action_call = json.loads(zlib.decompress(request.body)) if deflated else request.json
        except Exception:  # noqa: BLE001 - not JSON, or not deflated as announced
            return response.json({"error": "Invalid body request"}, status=400)
        try:
            changed = await screen_identity(action_call)
        except Exception:  # noqa: BLE001 - the database may be down: fail closed, nobody is logged in
            logger.exception("could not check the conversation token against the database")
            metadata = _latest_metadata(action_call)
            changed = bool(metadata and metadata.get("auth_token"))
            if changed:
                metadata["auth_token"] = REVOKED
        if changed:
            if deflated:
                request.body = zlib.compress(json.dumps(action_call).encode())
            else:
                request.parsed_json = action_call
    return None


async def _no_tracker_in_errors(request: Any, response_: Any) -> Any:
    from sanic import response

    if getattr(response_, "status", 200) >= 500:
        return response.json({"error": "The action failed; see the action server's log."}, status=500)
    return None


def install(app: Any) -> None:
    """Add the door to a rasa-sdk Sanic app (once)."""
    if getattr(app.ctx, "cers_gate", False):
        return
    app.ctx.cers_gate = True
    app.register_middleware(_guard, "request")
    app.register_middleware(_no_tracker_in_errors, "response")


def install_on_running_app() -> None:
    """Install on rasa-sdk's app when this import happens inside one (rasa-sdk imports the actions package
    after creating its app named "rasa_sdk"); nothing otherwise (tests, scripts)."""
    try:
        from sanic import Sanic

        app = Sanic.get_app("rasa_sdk")
    except Exception:  # noqa: BLE001 - not inside a rasa-sdk server
        return
    install(app)
