"""Forwarding chat messages to Rasa's REST channel, and the checks made before a message is forwarded."""
from __future__ import annotations

import logging
from typing import Any, Optional

import httpx

from bot.config import get_settings
from bot.web.sessions import payload_signature_ok, sign_payload

log = logging.getLogger("bot.web.rasa")

MAX_MESSAGE_CHARS = 2000
RASA_TIMEOUT_S = 30.0
UNAVAILABLE = "The assistant is starting or unavailable, try again in a minute."
PASSWORD_NOT_SENT = (
    "That looked like a password, so I didn't pass it on or keep it. Never type your password in the chat: "
    "use the log-in form (say \"log in\"). If it wasn't a password, write it with spaces or in other words."
)
# Triggers the page itself sends ("/intent" messages that are not replies to a button the bot showed).
PAGE_TRIGGERS = frozenset({"/sign_up", "/log_in", "/find_facility", "/logged_in"})


class RasaUnavailable(Exception):
    """Rasa did not answer (down, starting, timed out, or answered with an error)."""


def message_problem(message: Any, signature: Optional[str], conv_id: str) -> Optional[str]:
    """Why this chat message cannot be forwarded, or None when it can."""
    if not isinstance(message, str):
        return 'Send your message as text: {"message": "..."}.'
    text = message.strip()
    if not text:
        return "Your message is empty. Type something and press Send."
    if len(message) > MAX_MESSAGE_CHARS:
        return (
            f"Your message is {len(message):,} characters long; the limit is {MAX_MESSAGE_CHARS:,}. "
            "Shorten it or send it in parts."
        )
    if text.startswith("/") and text not in PAGE_TRIGGERS and not payload_signature_ok(conv_id, text, signature):
        return "Messages can't start with \"/\". Type your answer in words, or use the buttons the assistant shows."
    return None


def sign_buttons(replies: Any, conv_id: str) -> Any:
    """Add a `sig` to every button whose payload is an "/intent" message, so the page may send it back."""
    if not isinstance(replies, list):
        return replies
    for reply in replies:
        buttons = reply.get("buttons") if isinstance(reply, dict) else None
        if not isinstance(buttons, list):
            continue
        for button in buttons:
            payload = button.get("payload") if isinstance(button, dict) else None
            if isinstance(payload, str) and payload.strip().startswith("/"):
                button["sig"] = sign_payload(conv_id, payload.strip())
    return replies


async def forward(client: httpx.AsyncClient, conv_id: str, message: str, auth_token: Optional[str],
                  client_claim: Optional[str] = None) -> list:
    """Send one message to Rasa's REST webhook and return its list of replies. The conversation token and the
    client claim go in the metadata (Rasa's tracker store drops both: rasa_addons.tracker_store)."""
    body: dict[str, Any] = {"sender": conv_id, "message": message}
    metadata: dict[str, str] = {}
    if auth_token:
        metadata["auth_token"] = auth_token
    if client_claim:
        metadata["client"] = client_claim
    if metadata:
        body["metadata"] = metadata
    url = f"{get_settings().rasa_url}/webhooks/rest/webhook"
    try:
        response = await client.post(url, json=body, timeout=RASA_TIMEOUT_S)
    except httpx.HTTPError as exc:
        log.warning("Rasa did not answer: %s", type(exc).__name__)
        raise RasaUnavailable() from exc
    if response.status_code != 200:
        log.warning("Rasa answered HTTP %s", response.status_code)
        raise RasaUnavailable()
    try:
        replies = response.json()
    except ValueError as exc:
        raise RasaUnavailable() from exc
    if not isinstance(replies, list):
        raise RasaUnavailable()
    return replies
