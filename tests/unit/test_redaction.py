"""Nothing secret is kept by the chat's tracker store: the conversation token, the client claim, a password
typed by mistake and one-time link tokens are removed from every event Rasa's SQL tracker store writes
(rasa_addons.tracker_store, with the rules of bot.redaction)."""
from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot import redaction

LINK_TOKEN = "Zq3Yk2m9Xw8L4vP1sR7tU6aB5cD0eF2gH4jK8nM1pQ3"


@pytest.mark.parametrize("text", ["Harbor7Lantern", "Tamarack-Glen-4471x", "my password is harborlantern",
                                  "Password: tr0ub4dor&3", "my pw = Sunny-Day-2024", "the password Blue7Bird99"])
def test_password_look_alikes_are_hidden(text: str) -> None:
    assert redaction.looks_like_password(text)
    assert redaction.redact_user_text(text) == redaction.PASSWORD_HIDDEN


@pytest.mark.parametrize("text", ["2-Butoxyethanol", "1,1,1-Trichloroethane", "CAL000123456", "10149706",
                                  "(559) 555-0123", "ana@example.com", "I forgot my password", "reset my password please",
                                  "we keep 3 drums of WD-40", "55 gallons of 10W-30 motor oil", "93711",
                                  "change the owner phone to 559-555-0100"])
def test_ordinary_answers_are_kept(text: str) -> None:
    assert not redaction.looks_like_password(text)
    assert redaction.redact_user_text(text) == text


def test_link_tokens_and_signed_tokens_are_removed() -> None:
    text = f"open http://127.0.0.1:8000/account/password?token={LINK_TOKEN}&x=1 or {LINK_TOKEN}"
    out = redaction.redact_links(text)
    assert LINK_TOKEN not in out and "token=[removed]&x=1" in out
    signed = "eyJ1aWQiOjEsInNpZCI6ImMifQ.ZzAbCd.0123456789abcdefABCDEF_-xyz"
    assert redaction.redact_links(f"token {signed}") == "token [removed]"


def test_events_keep_everything_else() -> None:
    event = {"event": "user", "text": "hello", "metadata": {"auth_token": "T", "client": "C", "lang": "en"},
             "parse_data": {"text": "hello", "intent": {"name": "greet"}, "metadata": {"auth_token": "T"},
                            "entities": [{"entity": "email", "value": "ana@example.com"}]}}
    clean = redaction.redact_event(event)
    assert clean["metadata"] == {"lang": "en"} and clean["parse_data"]["metadata"] == {}
    assert clean["parse_data"]["entities"] == event["parse_data"]["entities"] and clean["text"] == "hello"
    assert event["metadata"]["auth_token"] == "T"  # the input is not changed


def test_rasas_sql_tracker_store_never_writes_a_secret(tmp_path: Path) -> None:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from rasa_addons.tracker_store import RedactingSQLTrackerStore

    db_file = tmp_path / "tracker.db"
    store = RedactingSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(db_file))
    tracker = DialogueStateTracker("conv-1", [])
    tracker.update(UserUttered("my password is Harbor7Lantern", intent={"name": "inform", "confidence": 0.9},
                               metadata={"auth_token": "CONVERSATION-TOKEN", "client": "CLIENT-CLAIM"}))
    tracker.update(BotUttered(f"choose it at http://x/account/password?token={LINK_TOKEN}",
                              data={"custom": {"form": "set_password", "token": LINK_TOKEN, "url": "/account/password"}}))
    tracker.update(SlotSet("email", "ana@example.com"))
    tracker.update(UserUttered("we keep 55 gallons of diesel", intent={"name": "add_chemical", "confidence": 0.9},
                               metadata={"auth_token": "CONVERSATION-TOKEN"}))
    assert tracker.latest_message.metadata["auth_token"] == "CONVERSATION-TOKEN"  # actions still get it
    asyncio.run(store.save(tracker))

    stored = " ".join(row[0] for row in sqlite3.connect(db_file).execute("SELECT data FROM events"))
    for secret in ("CONVERSATION-TOKEN", "CLIENT-CLAIM", "Harbor7Lantern", LINK_TOKEN):
        assert secret not in stored
    assert "55 gallons of diesel" in stored and "ana@example.com" in stored and "set_password" in stored
    again = asyncio.run(store.retrieve("conv-1"))
    assert [e.type_name for e in again.events] == ["user", "bot", "slot", "user"]


def test_the_session_start_metadata_slot_loses_the_token_and_claim() -> None:
    event = {"event": "slot", "name": "session_started_metadata",
             "value": {"auth_token": "T", "client": "C", "source": "web"}}
    assert redaction.redact_event(event)["value"] == {"source": "web"}


def test_a_text_slot_filled_from_the_message_is_screened_like_the_message() -> None:
    """A form slot filled "from_text" (the resend form's email) holds the message word for word."""
    event = {"event": "slot", "name": "email", "value": "my password is Juniper-Quarry-5182"}
    assert redaction.redact_event(event)["value"] == redaction.PASSWORD_HIDDEN
    kept = {"event": "slot", "name": "email", "value": "maria.lopez@example.com"}
    assert redaction.redact_event(kept)["value"] == "maria.lopez@example.com"
    assert redaction.redact_event({"event": "slot", "name": "inv_answer", "value": "3 drums of acetone"})[
        "value"] == "3 drums of acetone"
