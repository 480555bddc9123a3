"""`python -m bot.manage disable-user`: the account can't log in any more, every session and conversation token
it had ends at once, its emailed links stop working, and the audit trail says the system did it and why."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import link_tokens
from bot.errors import AccountNotActive, InvalidToken
from bot.manage import main as manage_main
from bot.models import User
from bot.services import accounts, conversation_auth
from tests.unit.conftest import PASSWORD, audit_rows


def test_disable_user_ends_sessions_and_logins_and_is_audited(db: Session, make_user, capsys) -> None:  # type: ignore[no-untyped-def]
    user = make_user("leaving@example.com", "Sam Leaving")
    other = make_user("staying@example.com", "Kim Staying")
    version = int(user.session_version or 0)
    token = conversation_auth.issue_token(user.id, "conv-1", version=version)
    other_token = conversation_auth.issue_token(other.id, "conv-2", version=int(other.session_version or 0))
    reset_link = link_tokens.issue(db, user.id, "reset_password", timedelta(hours=1))
    db.commit()

    assert manage_main(["disable-user", "--email", "Leaving@Example.com", "--reason", "left the company"]) == 0
    assert "leaving@example.com" in capsys.readouterr().out

    db.expire_all()
    row = db.execute(select(User).where(User.email == "leaving@example.com")).scalar_one()
    assert row.status == "disabled" and int(row.session_version) == version + 1
    with pytest.raises(InvalidToken):  # the conversation token issued before ends now
        conversation_auth.check_current(db, conversation_auth.verify_token(token, "conv-1"))
    assert accounts.session_user(db, user.id, version) is None  # and so does the login cookie's session
    conversation_auth.check_current(db, conversation_auth.verify_token(other_token, "conv-2"))  # others untouched
    with pytest.raises(AccountNotActive):
        accounts.authenticate(db, "leaving@example.com", PASSWORD)
    db.rollback()
    with pytest.raises((InvalidToken, AccountNotActive)):  # an emailed link no longer sets a password
        accounts.set_password(db, reset_link, "Another-Harbor-88")
    db.rollback()

    disabled = audit_rows(db, "user.disable")
    assert [(e.entity_id, e.actor_user_id, e.actor_role, e.channel) for e in disabled] == [
        (str(user.id), None, "system", "cli")]
    assert disabled[0].details == {"reason": "left the company"}
    ended = audit_rows(db, "user.sessions_ended")
    assert [(e.entity_id, e.actor_role, (e.details or {}).get("reason")) for e in ended] == [
        (str(user.id), "system", "disabled")]


def test_disable_user_with_an_unknown_address_changes_nothing(db: Session, make_user, capsys) -> None:  # type: ignore[no-untyped-def]
    make_user("someone@example.com")
    assert manage_main(["disable-user", "--email", "nobody@example.com"]) == 2
    assert "nobody@example.com" in capsys.readouterr().err
    db.expire_all()
    assert db.execute(select(User.status).where(User.email == "someone@example.com")).scalar_one() == "active"
    assert audit_rows(db, "user.disable") == [] and audit_rows(db, "user.sessions_ended") == []
