"""Who is talking in a conversation: a signed, expiring token that binds a conversation to a logged-in user.

The web server issues it after a login and sends it to Rasa in the message metadata; actions verify it
against the conversation's sender id before any read or write.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from bot.config import get_settings
from bot.errors import InvalidToken

SALT = "conversation"
_ROLES = ("user", "staff", "inspector")


@dataclass(frozen=True)
class Identity:
    user_id: int
    role: str = "user"
    on_behalf_of: Optional[int] = None

    @property
    def subject_user_id(self) -> int:
        """The user whose data the conversation is about (the caller when staff act on behalf)."""
        return self.on_behalf_of if self.on_behalf_of is not None else self.user_id


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret_key, salt=SALT)


def issue_token(
    user_id: int,
    sender_id: str,
    *,
    on_behalf_of: Optional[int] = None,
    role: str = "user",
    ttl: Optional[int] = None,
) -> str:
    """A token for `user_id` in conversation `sender_id`, valid for `ttl` seconds (default
    CONVERSATION_TOKEN_TTL; never longer)."""
    if role not in _ROLES:
        raise ValueError(f"unknown role {role!r}")
    payload: dict = {"uid": int(user_id), "sid": str(sender_id), "role": role, "obo": on_behalf_of}
    if ttl is not None:
        payload["ttl"] = int(ttl)
    return _serializer().dumps(payload)


def verify_token(token: str, sender_id: str) -> Identity:
    """The identity in a token issued for `sender_id`; InvalidToken when forged, expired or for another chat."""
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
    return Identity(user_id=data["uid"], role=role, on_behalf_of=obo if isinstance(obo, int) else None)
