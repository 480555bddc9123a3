"""Link tokens: stored hashed, single use (also when two requests race), expiring, with clear messages."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import link_tokens
from bot.errors import InvalidToken
from bot.models import UserToken


def test_only_the_hash_is_stored_and_a_token_works_once(db: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    raw = link_tokens.issue(db, user.id, "activate", timedelta(hours=1))
    db.commit()
    row = db.execute(select(UserToken)).scalar_one()
    assert row.token_hash == link_tokens.hash_token(raw) and raw not in row.token_hash
    assert link_tokens.peek(db, raw, "activate").id == row.id

    used = link_tokens.consume(db, raw, "activate")
    db.commit()
    assert used.used_at is not None and used.user_id == user.id
    with pytest.raises(InvalidToken) as again:
        link_tokens.consume(db, raw, "activate")
    assert "already used" in again.value.message


def test_expired_unknown_and_wrong_purpose(db: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    old = link_tokens.issue(db, user.id, "reset_password", timedelta(seconds=-1))
    other = link_tokens.issue(db, user.id, "access_decision", timedelta(days=1), subject_id=5)
    db.commit()
    with pytest.raises(InvalidToken) as expired:
        link_tokens.consume(db, old, "reset_password")
    assert expired.value.message.startswith("This link has expired.") and "ask for a new" in expired.value.message.lower()
    with pytest.raises(InvalidToken) as unknown:
        link_tokens.consume(db, "x" * 43, "activate")
    assert "isn't valid" in unknown.value.message
    with pytest.raises(InvalidToken):  # a token for another purpose is not accepted
        link_tokens.consume(db, other, "activate")
    assert link_tokens.consume(db, other, "access_decision").subject_id == 5


def test_two_concurrent_uses_only_one_wins(db: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    from bot.db import new_session

    user = make_user()
    raw = link_tokens.issue(db, user.id, "activate", timedelta(hours=1))
    db.commit()

    first = new_session()
    link_tokens.consume(first, raw, "activate")  # not committed yet: holds the row
    outcome: list[object] = []

    def second_click() -> None:
        session = new_session()
        try:
            link_tokens.consume(session, raw, "activate")
            session.commit()
            outcome.append("used twice")
        except Exception as exc:  # noqa: BLE001  (InvalidToken, or SQLite's busy error)
            session.rollback()
            outcome.append(exc)
        finally:
            session.close()

    thread = threading.Thread(target=second_click)
    thread.start()
    time.sleep(0.3)
    first.commit()
    first.close()
    thread.join(30)
    assert len(outcome) == 1 and outcome[0] != "used twice"
    if isinstance(outcome[0], InvalidToken):
        assert "already used" in outcome[0].message


def test_revoke_all_ends_older_links(db: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    a = link_tokens.issue(db, user.id, "activate", timedelta(hours=1))
    link_tokens.revoke_all(db, user.id, "activate")
    b = link_tokens.issue(db, user.id, "activate", timedelta(hours=1))
    db.commit()
    with pytest.raises(InvalidToken):
        link_tokens.consume(db, a, "activate")
    assert link_tokens.consume(db, b, "activate").user_id == user.id
