"""Single-use, expiring link tokens (set password, activate, reset password, access decision).

Only the SHA-256 of a token is stored (`user_tokens.token_hash`); the raw token appears only in the link.
Consuming is a compare-and-set (`UPDATE ... WHERE used_at IS NULL`), so two clicks at once cannot both win.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Optional

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.errors import InvalidToken
from bot.models import UserToken
from bot.timeutil import as_utc, utcnow

PURPOSES = ("set_password", "activate", "reset_password", "access_decision")

# What to do to get a fresh link, per purpose.
_NEW_LINK_HINT = {
    "set_password": "Sign up again in the chat with the same email (or ask me to send the email again), and "
                    "I'll email you a new link.",
    "activate": "Ask me to send the sign-up email again and use the newest link: choosing your password "
                "activates the account.",
    "reset_password": "Ask for a new password reset email and use the newest one.",
    "access_decision": "You can still grant or deny the request in the chat after you log in.",
}


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue(
    db: Session, user_id: int, purpose: str, ttl: timedelta, subject_id: Optional[int] = None
) -> str:
    """Store a new token for `user_id` and return the raw token (to put in a link)."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    db.add(
        UserToken(
            user_id=user_id,
            purpose=purpose,
            token_hash=hash_token(raw),
            subject_id=subject_id,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    db.flush()
    return raw


def _find(db: Session, raw: str, purposes: tuple[str, ...]) -> UserToken:
    hint = _NEW_LINK_HINT.get(purposes[0], "Ask for a new link.")
    token = None
    if raw and len(raw) <= 200:
        token = db.execute(select(UserToken).where(UserToken.token_hash == hash_token(raw.strip()))).scalar_one_or_none()
    if token is None or token.purpose not in purposes:
        raise InvalidToken(
            "This link isn't valid. Make sure you opened the whole link from the email "
            f"(long links are sometimes cut in two). {hint}"
        )
    hint = _NEW_LINK_HINT.get(token.purpose, hint)
    if token.used_at is not None:
        raise InvalidToken(f"This link was already used, and each link works only once. {hint}")
    if as_utc(token.expires_at) <= utcnow():
        raise InvalidToken(f"This link has expired. {hint}")
    return token


def peek(db: Session, raw: str, *purposes: str) -> UserToken:
    """The valid (unused, unexpired) token for `raw` without using it up; InvalidToken otherwise."""
    return _find(db, raw, purposes)


def consume(db: Session, raw: str, purpose: str, *more_purposes: str) -> UserToken:
    """Mark the token used and return it; InvalidToken when unknown, already used or expired."""
    purposes = (purpose, *more_purposes)
    token = _find(db, raw, purposes)
    now = utcnow()
    result = db.execute(
        update(UserToken)
        .where(UserToken.id == token.id, UserToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        hint = _NEW_LINK_HINT.get(token.purpose, "Ask for a new link.")
        raise InvalidToken(f"This link was already used, and each link works only once. {hint}")
    db.refresh(token)
    return token


def revoke_all(db: Session, user_id: int, purpose: str, subject_id: Optional[int] = None) -> int:
    """Use up every open token of `purpose` for a user (e.g. older links after a new one was sent)."""
    stmt = update(UserToken).where(
        UserToken.user_id == user_id, UserToken.purpose == purpose, UserToken.used_at.is_(None)
    )
    if subject_id is not None:
        stmt = stmt.where(UserToken.subject_id == subject_id)
    result = db.execute(stmt.values(used_at=utcnow()).execution_options(synchronize_session=False))
    return int(result.rowcount or 0)
