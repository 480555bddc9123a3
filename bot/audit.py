"""The audit trail: one row per write, in the same transaction as the write."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Optional

from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.models import AuditEvent

_SECRET_WORDS = ("password", "token", "secret", "hash", "otp")


def _is_secret(key: str) -> bool:
    lowered = key.lower()
    return any(word in lowered for word in _SECRET_WORDS)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return _jsonable(value.value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items() if not _is_secret(str(k))}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return str(value)


def clean_details(details: dict[str, Any]) -> dict[str, Any]:
    """Details made JSON-safe, without any key that names a password, token, secret or hash."""
    return {k: _jsonable(v) for k, v in details.items() if not _is_secret(k)}


def record(
    db: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: Optional[object],
    **details: Any,
) -> AuditEvent:
    """Add an audit row for `action` on `entity_type`/`entity_id` done by `actor` (flushed, not committed)."""
    event = AuditEvent(
        actor_user_id=actor.user_id,
        actor_role=actor.role,
        on_behalf_of_user_id=actor.on_behalf_of,
        channel=actor.channel,
        action=action,
        entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        details=clean_details(details) or None,
    )
    db.add(event)
    db.flush()
    return event
