"""Steps of end-to-end conversations, as a user of the chat page takes them."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Dict, List

import httpx

from tests.e2e.chat import Conversation
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


def sign_up_in_chat(stack: Stack, mailbox: SmtpServer, name: str) -> Account:
    """Sign up through the chat, set the password in the secure form, open the activation link, log in."""
    conv = Conversation(stack.rasa_url)
    email = f"{name.split()[0].lower()}.{uuid.uuid4().hex[:8]}@example.com"
    conv.say("hi")
    conv.say("I need to create an account")
    conv.say(name)
    conv.say(f"my email is {email}")
    replies = conv.say("(559) 555-0123")
    forms = [c for c in Conversation.custom(replies) if c.get("form") == "set_password"]
    assert forms, f"no secure password form offered\n{conv.transcript()}"
    token = forms[0]["token"]
    assert token and forms[0]["url"].startswith(stack.web_url)

    resp = httpx.post(f"{stack.web_url}/api/account/password", json={"token": token, "password": PASSWORD}, timeout=30)
    assert resp.status_code == 200, resp.text

    msg = mailbox.wait_for(email, "activ")
    link = mailbox.link(msg, "/account/activate")
    page = httpx.get(link, timeout=30)
    assert page.status_code == 200 and "active" in page.text.lower(), page.text

    login = httpx.post(f"{stack.web_url}/api/login",
                       json={"email": email, "password": PASSWORD, "conversation_id": conv.sender}, timeout=30)
    assert login.status_code == 200, login.text
    conv.token = login.json()["token"]
    welcome = conv.say("/logged_in")
    assert name.split()[0] in Conversation.text(welcome), conv.transcript()
    return Account(name=name, email=email, password=PASSWORD, conversation=conv)
