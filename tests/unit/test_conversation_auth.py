"""Conversation tokens: bound to one conversation, signed with SECRET_KEY, expiring."""
from __future__ import annotations

import time

import pytest
from itsdangerous import URLSafeTimedSerializer

from bot.config import reset_settings
from bot.errors import InvalidToken
from bot.services.conversation_auth import Identity, issue_token, verify_token


def test_good_token() -> None:
    token = issue_token(42, "conv-1")
    assert verify_token(token, "conv-1") == Identity(user_id=42, role="user", on_behalf_of=None)
    staff = verify_token(issue_token(7, "conv-2", on_behalf_of=42, role="staff"), "conv-2")
    assert (staff.user_id, staff.role, staff.on_behalf_of, staff.subject_user_id) == (7, "staff", 42, 42)


def test_token_of_another_conversation_is_refused() -> None:
    with pytest.raises(InvalidToken) as err:
        verify_token(issue_token(42, "conv-1"), "conv-2")
    assert err.value.message.startswith("Please log in again:")


@pytest.mark.parametrize("forge", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
    lambda t: URLSafeTimedSerializer("another-key", salt="conversation").dumps(
        {"uid": 1, "sid": "conv-1", "role": "user", "obo": None}),
    lambda t: URLSafeTimedSerializer("test-secret-key-not-for-production-0123456789abcdef", salt="other").dumps(
        {"uid": 1, "sid": "conv-1", "role": "user", "obo": None}),
    lambda t: "",
    lambda t: "garbage",
])
def test_forged_tokens_are_refused(forge) -> None:  # type: ignore[no-untyped-def]
    token = forge(issue_token(1, "conv-1"))
    with pytest.raises(InvalidToken) as err:
        verify_token(token, "conv-1")
    assert err.value.message.startswith("Please log in again:")


def test_token_from_another_secret_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    token = issue_token(1, "conv-1")
    monkeypatch.setenv("SECRET_KEY", "a-rotated-key-9876543210")
    reset_settings()
    with pytest.raises(InvalidToken):
        verify_token(token, "conv-1")


def test_expired_tokens_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONVERSATION_TOKEN_TTL", "600")
    reset_settings()
    default_ttl = issue_token(1, "conv-1")
    short_ttl = issue_token(1, "conv-1", ttl=60)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 120)
    assert verify_token(default_ttl, "conv-1").user_id == 1
    with pytest.raises(InvalidToken) as short:
        verify_token(short_ttl, "conv-1")
    assert "expired" in short.value.message
    monkeypatch.setattr(time, "time", lambda: real_time() + 601)
    with pytest.raises(InvalidToken) as err:
        verify_token(default_ttl, "conv-1")
    assert err.value.message == "Please log in again: your login has expired."


# --- tokens that end with the account's sessions, checked by the action server's door -----------------------
def test_a_token_stops_working_when_the_account_logs_out_changes_its_password_or_is_disabled(db, make_user) -> None:  # type: ignore[no-untyped-def]
    from bot.actor import Actor
    from bot.services import accounts
    from bot.services.conversation_auth import check_current

    user = make_user("ann@example.com")
    identity = verify_token(issue_token(user.id, "conv-1", version=user.session_version), "conv-1")
    check_current(db, identity)  # holds
    accounts.log_out(db, user.id, user.session_version)
    db.commit()
    with pytest.raises(InvalidToken) as ended:
        check_current(db, identity)
    assert "log in again" in ended.value.message
    db.refresh(user)
    fresh = verify_token(issue_token(user.id, "conv-2", version=user.session_version), "conv-2")
    check_current(db, fresh)  # a new login's token holds
    accounts.disable_account(db, Actor.system(), user.id)
    db.commit()
    with pytest.raises(InvalidToken):
        check_current(db, fresh)


def test_the_action_servers_door_takes_away_a_token_that_no_longer_holds(db, make_user) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from actions import gate
    from bot.services import accounts

    user = make_user("ann@example.com")
    token = issue_token(user.id, "conv-1", version=user.session_version)

    def call() -> dict:
        return {"next_action": "action_welcome_user", "sender_id": "conv-1",
                "tracker": {"sender_id": "conv-1", "latest_message": {"text": "hi", "metadata": {"auth_token": token}}}}

    kept = call()
    assert asyncio.run(gate.screen_identity(kept)) is False
    assert kept["tracker"]["latest_message"]["metadata"]["auth_token"] == token
    accounts.log_out(db, user.id, user.session_version)
    db.commit()
    taken = call()
    assert asyncio.run(gate.screen_identity(taken)) is True
    assert taken["tracker"]["latest_message"]["metadata"]["auth_token"] == gate.REVOKED


def test_the_action_servers_door_wants_rasas_shared_token() -> None:
    from actions import gate
    from bot.config import get_settings

    assert not gate.authorized({})
    assert not gate.authorized({gate.HEADER: "guess"})
    assert gate.authorized({gate.HEADER: get_settings().action_server_token})
    assert get_settings().action_server_token != get_settings().secret_key


def test_client_claims_are_signed_for_one_conversation() -> None:
    from bot.services.conversation_auth import issue_client_claim, verify_client_claim

    claim = issue_client_claim("conv-1", "203.0.113.5")
    assert verify_client_claim(claim, "conv-1") == "203.0.113.5"
    assert verify_client_claim(claim, "conv-2") is None
    assert verify_client_claim(claim[:-2] + "xx", "conv-1") is None
    assert verify_client_claim(None, "conv-1") is None and verify_client_claim(42, "conv-1") is None
