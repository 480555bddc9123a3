"""The chat's sign-up through the real action, on a real database with a real SMTP server: the link to choose
the password goes only to the inbox, the chat shows no link and answers the same for every address, a second
sign-up cannot claim a pending account, and the throttles see the IP the web server vouched for."""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, Optional

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select, update

from actions.account import ActionSubmitSignup
from bot.models import ThrottleHit, User
from bot.services.conversation_auth import issue_client_claim
from tests.actions.conftest import make_tracker


async def _signup(domain: dict, email: str, *, name: str = "Ana Lopez", phone: str = "(559) 555-0123",
                  sender: str = "conv-1", ip: Optional[str] = None) -> str:
    """What the chat says to a sign-up with these answers (the slots the sign-up form filled)."""
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("", slots={"full_name": name, "email": email, "phone": phone}, sender_id=sender)
    if ip:
        tracker.latest_message["metadata"] = {"client": issue_client_claim(sender, ip)}
    await ActionSubmitSignup().run(dispatcher, tracker, domain)
    assert not [m for m in dispatcher.messages if m.get("custom") or m.get("json_message")]  # no form, no link
    return "\n".join(json.dumps({"text": m.get("text"), "buttons": m.get("buttons")}) for m in dispatcher.messages)


async def test_the_chat_never_shows_a_link_and_answers_the_same_for_every_address(db: Any, domain: dict,
                                                                                  smtp_server) -> None:  # type: ignore[no-untyped-def]
    db.add(User(email="taken@example.com", full_name="Lee Park", phone="(559) 555-0100", status="active",
                is_inspector=False, is_staff=False, failed_logins=0))
    db.commit()
    new = await _signup(domain, "ana.lopez@example.com", sender="conv-1")
    taken = await _signup(domain, "taken@example.com", sender="conv-2")
    assert "token=" not in new and "/account/password" not in new and "spam" in new
    assert new.replace("ana.lopez@example.com", "X") == taken.replace("taken@example.com", "X")
    assert "/account/password?token=" in smtp_server.last_to("ana.lopez@example.com").get_content()
    assert smtp_server.last_to("taken@example.com")["Subject"] == "You already have a CERS Filing Assistant account"


async def test_a_second_signup_in_the_chat_cannot_claim_a_pending_account(db: Any, domain: dict,
                                                                          smtp_server) -> None:  # type: ignore[no-untyped-def]
    await _signup(domain, "victim@example.com", name="Vera Victim", sender="conv-victim")
    db.execute(update(ThrottleHit).values(created_at=ThrottleHit.created_at - timedelta(minutes=2)))
    db.commit()
    said = await _signup(domain, "victim@example.com", name="Mallory Attacker", phone="(209) 555-0666",
                         sender="conv-attacker")
    assert "token=" not in said
    db.expire_all()
    user = db.execute(select(User).where(User.email == "victim@example.com")).scalar_one()
    assert (user.full_name, user.phone, user.password_hash) == ("Vera Victim", "(559) 555-0123", None)
    assert len(smtp_server.to("victim@example.com")) == 2  # both links went to the victim's inbox


async def test_signups_from_one_ip_are_capped_even_across_conversations(db: Any, domain: dict,
                                                                        smtp_server) -> None:  # type: ignore[no-untyped-def]
    for i in range(10):
        await _signup(domain, f"p{i}@example.com", sender=f"conv-{i}", ip="203.0.113.5")
    said = await _signup(domain, "p10@example.com", sender="conv-10", ip="203.0.113.5")
    assert "your network" in said
    assert len(smtp_server.messages) == 10
