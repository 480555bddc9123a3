"""The users the tests put straight into the database when a test is not about signing up."""
from __future__ import annotations

from typing import Any, Optional

from sqlalchemy.orm import Session

from bot import passwords
from bot.models import User
from bot.timeutil import utcnow


def add_user(db: Session, email: str, name: str = "Maria Lopez", phone: str = "(559) 555-0100", *,
             password: Optional[str] = None, inspector: bool = False, staff: bool = False,
             cupa: Any = None) -> User:
    """An active user (flushed, not committed); with `password` it can log in, with `cupa` it belongs to that CUPA."""
    user = User(email=email, full_name=name, phone=phone, status="active", is_inspector=inspector, is_staff=staff,
                failed_logins=0, created_at=utcnow(), cupa_id=cupa.id if cupa is not None else None,
                password_hash=passwords.hash_password(password) if password else None,
                activated_at=utcnow() if password else None)
    db.add(user)
    db.flush()
    return user
