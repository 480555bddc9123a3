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
