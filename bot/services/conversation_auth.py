"""Who is talking in a conversation: a signed, expiring token that binds a conversation to a logged-in user.

The web server signs a fresh token for every message it forwards (never for another conversation than the
browser's own) and sends it to Rasa in the message metadata; the action server verifies it against the
conversation's sender id, and `check_current` against the database, before any read or write. The token
carries the account's session version: log-out, a password change or disabling the account makes every token
issued before it fail (`check_current`). Rasa's tracker store never keeps it (see docs/security.md).

The same module signs the `client` claim (the browser's IP, for the throttles), so an action can trust an IP
only when the web server vouched for it.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Optional

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from bot.config import get_settings
from bot.errors import InvalidToken

SALT = "conversation"
CLIENT_SALT = "conversation-client"
CLIENT_MAX_AGE = 300
_ROLES = ("user", "staff", "inspector")
LOGGED_OUT = "Please log in again: you logged out, or the account's password was changed."


@dataclass(frozen=True)
class Identity:
    user_id: int
    role: str = "user"
    on_behalf_of: Optional[int] = None
    version: int = 0  # the account's session version when the token was issued

    @property
    def subject_user_id(self) -> int:
        """The user whose data the conversation is about (the caller when staff act on behalf)."""
        return self.on_behalf_of if self.on_behalf_of is not None else self.user_id


def _serializer(salt: str = SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret_key, salt=salt)


def issue_token(
    user_id: int,
    sender_id: str,
    *,
    on_behalf_of: Optional[int] = None,
    role: str = "user",
    ttl: Optional[int] = None,
    version: int = 0,
) -> str:
    """A token for `user_id` in conversation `sender_id`, valid for `ttl` seconds (default
    CONVERSATION_TOKEN_TTL; never longer) and while the account's session version is `version`."""
    if role not in _ROLES:
        raise ValueError(f"unknown role {role!r}")
    payload: dict = {"uid": int(user_id), "sid": str(sender_id), "role": role, "obo": on_behalf_of,
                     "v": int(version)}
    if ttl is not None:
        payload["ttl"] = int(ttl)
    return _serializer().dumps(payload)


def verify_token(token: str, sender_id: str) -> Identity:
    """The identity in a token issued for `sender_id`; InvalidToken when forged, expired or for another chat.
    (Whether the account logged out since is `check_current`'s question: it needs the database.)"""
    settings = get_settings()
    if not token or not isinstance(token, str):
        raise InvalidToken("Please log in again: I couldn't verify who you are.")
    try:
        data, signed_at = _serializer().loads(
            token, max_age=settings.conversation_token_ttl, return_timestamp=True
        )
    except SignatureExpired:
        raise InvalidToken("Please log in again: your login has expired.") from None
    except BadSignature:
        raise InvalidToken("Please log in again: I couldn't verify who you are.") from None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        raise InvalidToken("Please log in again: I couldn't verify who you are.")
    ttl = data.get("ttl")
    if isinstance(ttl, int) and time.time() - signed_at.timestamp() > ttl:
        raise InvalidToken("Please log in again: your login has expired.")
    if data.get("sid") != str(sender_id):
        raise InvalidToken("Please log in again: this login belongs to another conversation.")
    role = data.get("role") if data.get("role") in _ROLES else "user"
    obo = data.get("obo")
    version = data.get("v") if isinstance(data.get("v"), int) else 0
    return Identity(user_id=data["uid"], role=role, on_behalf_of=obo if isinstance(obo, int) else None,
                    version=version)


def check_current(db: Any, identity: Identity) -> None:
    """InvalidToken unless the token's account is active and none of its sessions was ended since the
    token was issued (log-out, password change, disabled)."""
    from bot.services.accounts import session_user

    if session_user(db, identity.user_id, identity.version) is None:
        raise InvalidToken(LOGGED_OUT)


def issue_client_claim(sender_id: str, ip: Optional[str]) -> str:
    """The web server's word for which IP a message came from (bound to the conversation, 5 minutes)."""
    return _serializer(CLIENT_SALT).dumps({"sid": str(sender_id), "ip": ip or ""})


def verify_client_claim(claim: Any, sender_id: str) -> Optional[str]:
    """The IP in a claim the web server signed for this conversation; None when absent, forged or old."""
    if not isinstance(claim, str) or not claim:
        return None
    try:
        data = _serializer(CLIENT_SALT).loads(claim, max_age=CLIENT_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("sid") != str(sender_id):
        return None
    ip = data.get("ip")
    return ip if isinstance(ip, str) and ip else None
