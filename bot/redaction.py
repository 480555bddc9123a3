"""What must never be kept by the chat's tracker store (and so never reach Rasa): a password typed into the
chat by mistake, one-time link tokens, the signed conversation token and the client claim.

Pure functions over text and JSON-like values. The web server screens every message with them before Rasa
sees it (a password is not forwarded at all; a link token is replaced), and the Rasa tracker store
(`rasa_addons.tracker_store`) applies `redact_event` to every event it writes, which also covers messages
posted to Rasa by anything else than the web server.
"""
from __future__ import annotations

import re
from typing import Any, Optional

SECRET_METADATA_KEYS = frozenset({"auth_token", "client"})
SECRET_KEYS = frozenset({"token", "auth_token", "client", "password"})
REMOVED = "[removed]"
PASSWORD_HIDDEN = "[hidden: it looked like a password]"

_EXPLICIT = re.compile(r"\b(?:pass\s?word|passwd|pwd|passcode|pw)\b\s*(?:is|was|=|:)\s*[\"']?(\S{4,})",
                       re.IGNORECASE)
_MENTION = re.compile(r"\b(?:pass\s?word|passwd|pwd|passcode)\b\s+[\"']?(\S{6,})", re.IGNORECASE)
_EMAIL = re.compile(r"^[^\s@]+@[^\s@]+\.[^\s@]+$")
_URL = re.compile(r"^(https?://|www\.)", re.IGNORECASE)
_NUMBERISH = re.compile(r"^[\d\s()+.,\-#/x]+$", re.IGNORECASE)  # phones, ZIPs, dates, CAS numbers
_LOCANTS = re.compile(r"^\(?[0-9]+(?:[,'][0-9]+)*[-)]", re.IGNORECASE)  # "2-butoxyethanol", "1,1,1-tri..."
_TOKEN_PARAM = re.compile(r"((?:[?&;]|\b)token=)[^\s&#\"'<>]+", re.IGNORECASE)
_SIGNED = re.compile(r"\b[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{8,}\b")
_RANDOM = re.compile(r"(?<![A-Za-z0-9_\-])[A-Za-z0-9_\-]{32,}(?![A-Za-z0-9_\-])")


def _password_like_token(word: str, *, strict: bool) -> bool:
    w = word.strip("\"'.,;!?()[]")
    if not 8 <= len(w) <= 128 or _EMAIL.match(w) or _URL.match(w) or _NUMBERISH.match(w) or _LOCANTS.match(w):
        return False
    letters = any(ch.isalpha() for ch in w)
    digits = any(ch.isdigit() for ch in w)
    upper, lower = any(ch.isupper() for ch in w), any(ch.islower() for ch in w)
    symbol = any(not ch.isalnum() for ch in w)
    if strict:
        return letters and digits and ((upper and lower) or symbol)
    return (digits or symbol or (upper and lower)) and letters


def looks_like_password(text: Optional[str]) -> bool:
    """True for "my password is X" (or "password: X"), and for a message that is one word mixing letters,
    digits and cases or symbols the way passwords do. Chemical names ("2-Butoxyethanol"), emails, phones,
    ZIP and CAS numbers, IDs in capitals and digits are not."""
    t = (text or "").strip()
    if not t:
        return False
    if _EXPLICIT.search(t):
        return True
    mention = _MENTION.search(t)
    if mention and _password_like_token(mention.group(1), strict=False):
        return True
    return " " not in t and _password_like_token(t, strict=True)


def redact_links(text: str) -> str:
    """`text` with one-time link tokens, signed tokens and long random strings replaced by "[removed]"."""
    if not text:
        return text
    out = _TOKEN_PARAM.sub(lambda m: m.group(1) + REMOVED, text)
    out = _SIGNED.sub(REMOVED, out)
    return _RANDOM.sub(lambda m: REMOVED if _has_letters_and_digits(m.group(0)) else m.group(0), out)


def _has_letters_and_digits(s: str) -> bool:
    return any(ch.isalpha() for ch in s) and any(ch.isdigit() for ch in s)


def redact_user_text(text: Optional[str]) -> Optional[str]:
    """A user's message as it may be kept: a password look-alike hidden whole, link tokens removed."""
    if not isinstance(text, str):
        return text
    if looks_like_password(text):
        return PASSWORD_HIDDEN
    return redact_links(text)


def redact_metadata(metadata: Any) -> Any:
    """Message metadata without the conversation token and the client claim."""
    if not isinstance(metadata, dict):
        return metadata
    return {k: v for k, v in metadata.items() if k not in SECRET_METADATA_KEYS}


def redact_value(value: Any) -> Any:
    """A bot message's data, a slot value...: strings without link tokens, no key named like a secret."""
    if isinstance(value, str):
        return redact_links(value)
    if isinstance(value, dict):  # e.g. Rasa's `session_started_metadata` slot holds a message's metadata
        return {k: (REMOVED if k in SECRET_KEYS else redact_value(v)) for k, v in value.items()
                if k not in SECRET_METADATA_KEYS}
    if isinstance(value, list):
        return [redact_value(v) for v in value]
    return value


def redact_event(event: dict) -> dict:
    """A Rasa event (as `Event.as_dict()`) as the tracker store may keep it."""
    data = dict(event)
    kind = data.get("event")
    if kind == "user":
        data["text"] = redact_user_text(data.get("text"))
        if "metadata" in data:
            data["metadata"] = redact_metadata(data.get("metadata"))
        parse = data.get("parse_data")
        if isinstance(parse, dict):
            parse = dict(parse)
            parse["text"] = redact_user_text(parse.get("text"))
            if "metadata" in parse:
                parse["metadata"] = redact_metadata(parse.get("metadata"))
            if isinstance(parse.get("entities"), list):
                parse["entities"] = [_redact_entity(e) for e in parse["entities"]]
            data["parse_data"] = parse
    elif kind == "bot":
        data["text"] = redact_links(data["text"]) if isinstance(data.get("text"), str) else data.get("text")
        if "data" in data:
            data["data"] = redact_value(data.get("data"))
        if "metadata" in data:
            data["metadata"] = redact_value(redact_metadata(data.get("metadata")))
    elif kind == "slot":
        # a text slot filled from the message ("from_text") holds the message itself: screened like it
        value = data.get("value")
        data["value"] = redact_user_text(value) if isinstance(value, str) else redact_value(value)
    elif "metadata" in data:
        data["metadata"] = redact_metadata(data.get("metadata"))
    return data


def _redact_entity(entity: Any) -> Any:
    if isinstance(entity, dict) and isinstance(entity.get("value"), str):
        entity = dict(entity)
        value = entity["value"]
        entity["value"] = PASSWORD_HIDDEN if looks_like_password(value) else redact_links(value)
    return entity
