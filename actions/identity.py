"""Who is talking: the signed conversation token in the message metadata, verified for this conversation.

The action server's door (`actions.gate`) has already replaced a token whose account logged out since by
`gate.REVOKED`; importing this module inside a rasa-sdk server installs that door (see actions/gate.py).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import gate
from bot.actor import Actor
from bot.errors import InvalidToken

if TYPE_CHECKING:
    from bot.services.accounts import Client

logger = logging.getLogger(__name__)

ANONYMOUS = "anonymous"
VERIFIED = "verified"
INVALID = "invalid"


@dataclass(frozen=True)
class ChatIdentity:
    """`status`: anonymous (no token), verified, or invalid (forged, expired or for another conversation)."""

    status: str
    user_id: Optional[int] = None
    role: str = "anonymous"
    on_behalf_of: Optional[int] = None

    @property
    def is_verified(self) -> bool:
        return self.status == VERIFIED and self.user_id is not None

    @property
    def is_anonymous(self) -> bool:
        return self.status == ANONYMOUS

    @property
    def is_invalid(self) -> bool:
        return self.status == INVALID

    @property
    def subject_user_id(self) -> Optional[int]:
        """The user whose data this is (the caller when staff act on behalf of someone)."""
        return self.on_behalf_of if self.on_behalf_of is not None else self.user_id

    def actor(self) -> Actor:
        if not self.is_verified:
            return Actor.anonymous(channel="chat")
        return Actor(user_id=self.user_id, role=self.role, on_behalf_of=self.on_behalf_of, channel="chat")


def _token(tracker: Tracker) -> Optional[str]:
    metadata: Any = (tracker.latest_message or {}).get("metadata") or {}
    if not isinstance(metadata, dict):
        return None
    token = metadata.get("auth_token")
    return token if isinstance(token, str) and token else None


def current_identity(tracker: Tracker) -> ChatIdentity:
    """Verify the latest message's `auth_token` against this conversation (sender id)."""
    token = _token(tracker)
    if token is None:
        return ChatIdentity(ANONYMOUS)
    if token == gate.REVOKED:
        logger.info("conversation token of sender %s no longer holds (logged out)", tracker.sender_id)
        return ChatIdentity(INVALID)
    from bot.services.conversation_auth import verify_token

    try:
        ident = verify_token(token, tracker.sender_id)
    except InvalidToken:
        logger.info("rejected conversation token for sender %s", tracker.sender_id)
        return ChatIdentity(INVALID)
    except Exception:  # noqa: BLE001 - a malformed token must never crash the action
        logger.exception("conversation token check failed for sender %s", tracker.sender_id)
        return ChatIdentity(INVALID)
    return ChatIdentity(
        VERIFIED,
        user_id=ident.user_id,
        role=getattr(ident, "role", "user") or "user",
        on_behalf_of=getattr(ident, "on_behalf_of", None),
    )


def require_user(tracker: Tracker, dispatcher: CollectingDispatcher) -> Optional[ChatIdentity]:
    """The verified identity, or None after telling the user to log in (again)."""
    ident = current_identity(tracker)
    if ident.is_verified:
        return ident
    if ident.is_invalid:
        from actions.replies import offer_login

        dispatcher.utter_message(response="utter_login_again")
        offer_login(dispatcher, with_text=False)
    else:
        from actions.replies import offer_login

        dispatcher.utter_message(response="utter_login_first")
        offer_login(dispatcher, with_text=True)
    return None


def client_of(tracker: Tracker) -> "Client":
    """Who is asking, for the throttles: the IP the web server vouched for (its signed `client` claim; a
    message posted to Rasa some other way has none) and the conversation."""
    from bot.services.accounts import Client
    from bot.services.conversation_auth import verify_client_claim

    metadata: Any = (tracker.latest_message or {}).get("metadata") or {}
    claim = metadata.get("client") if isinstance(metadata, dict) else None
    return Client(ip=verify_client_claim(claim, tracker.sender_id), conversation=str(tracker.sender_id))


gate.install_on_running_app()
