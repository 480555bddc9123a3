"""Steps of end-to-end conversations, as a user of the chat page takes them."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import httpx

from bot.db import session_scope
from bot.services import accounts
from bot.services.conversation_auth import issue_token
from tests.e2e.chat import Conversation, WebChat
from tests.mailcatcher import SmtpServer
from tests.e2e.servers import Stack

PASSWORD = "Tamarack-Glen-4471"


@dataclass
class Account:
    name: str
    email: str
    password: str
    conversation: Conversation


def click(conv: Conversation, replies: List[Dict[str, Any]], title_contains: str) -> List[Dict[str, Any]]:
    """Press the button whose title contains `title_contains` (case-insensitive), as the page does."""
    for button in Conversation.buttons(replies):
        if title_contains.lower() in button["title"].lower():
            return conv.say(button["payload"])
    raise AssertionError(f"no button {title_contains!r} in {Conversation.buttons(replies)}\n{conv.transcript()}")


def sign_up_in_chat(stack: Stack, mailbox: SmtpServer, name: str, conv: Optional[Conversation] = None) -> Account:
    """Sign up through the chat (the chat only says the link was emailed), choose the password with the link
    from the email (which activates the account), log in on the web server, and carry on in the chat. With a
    `WebChat` every step goes through the web server as the chat page's would (the login in the same browser);
    otherwise straight to Rasa with the token the web server would sign."""
    conv = conv or Conversation(stack.rasa_url)
    email = f"{name.split()[0].lower()}.{uuid.uuid4().hex[:8]}@example.com"
    conv.say("hi")
    conv.say("I need to create an account")
    conv.say(name)
    conv.say(f"my email is {email}")
    replies = conv.say("(559) 555-0123")
    said = Conversation.text(replies)
    assert email in said, f"the sign-up reply does not name the address\n{conv.transcript()}"
    assert "token=" not in str(replies), f"a link token was shown in the chat\n{conv.transcript()}"
    assert not Conversation.custom(replies), f"a form was offered in the chat\n{conv.transcript()}"

    link = mailbox.link(mailbox.wait_for(email, "Finish creating"), "/account/password")
    token = link.split("token=")[1].split("&")[0]
    resp = httpx.post(f"{stack.web_url}/api/account/password", json={"token": token, "password": PASSWORD}, timeout=30)
    assert resp.status_code == 200, resp.text
    assert "active" in resp.json()["message"].lower(), resp.text

    if isinstance(conv, WebChat):
        login = conv.log_in(email, PASSWORD)
    else:
        login = httpx.post(f"{stack.web_url}/api/login", json={"email": email, "password": PASSWORD}, timeout=30)
    assert login.status_code == 200, login.text
    assert "token" not in login.json(), login.text  # the web server signs a token per message, never hands one out
    with session_scope() as db:
        user = accounts.get_user_by_email(db, email)
        assert user is not None and user.status == "active"
        user_id, version = user.id, int(user.session_version or 0)
    if not isinstance(conv, WebChat):
        conv.token = issue_token(user_id, conv.sender, version=version)
    welcome = conv.say("/logged_in")
    assert name.split()[0] in Conversation.text(welcome), conv.transcript()
    return Account(name=name, email=email, password=PASSWORD, conversation=conv)


def add_facility_in_chat(conv: Conversation, name: str, street: str, city: str, zip5: str) -> List[Dict[str, Any]]:
    """Search by the street address (nothing found), then "Add a new facility" and its questions; the replies to
    the last answer (or to the confirmation button, when one is asked)."""
    conv.say("find my facility")
    replies = conv.say(f"we're at {street}")
    assert "add a new facility" in " ".join(b["title"].lower() for b in Conversation.buttons(replies)), conv.transcript()
    click(conv, replies, "add a new facility")
    conv.say(name)
    conv.say(street)
    conv.say(city)
    replies = conv.say(zip5)
    if any("add it" in b["title"].lower() or b["payload"] == "/confirm_add_facility" for b in Conversation.buttons(replies)):
        replies = click(conv, replies, "add")
    return replies
