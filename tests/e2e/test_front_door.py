"""One front door, against the real processes (action server, Rasa server, web server on one database):
the action server and Rasa's HTTP API refuse a call without the product's shared secret and listen on
loopback only; a conversation token stops working the moment its account logs out; and what goes through
the web server leaves no token, client claim, password or link token in Rasa's tracker store."""
from __future__ import annotations

import re
import sqlite3
import uuid

import httpx
import psutil
import pytest

from bot.actor import Actor
from bot.db import session_scope
from bot.services import accounts
from bot.services.conversation_auth import issue_token
from tests.e2e.chat import Conversation
from tests.e2e.servers import Stack
from tests.mailcatcher import SmtpServer

pytestmark = pytest.mark.e2e
PASSWORD = "Juniper-Quarry-5182"
LINK_TOKEN = "Zq3Yk2m9Xw8L4vP1sR7tU6aB5cD0eF2gH4jK8nM1pQ3"


def _action_call(sender: str) -> dict:
    return {"next_action": "action_greet", "sender_id": sender, "version": "3.6.21", "domain": {},
            "tracker": {"sender_id": sender, "slots": {}, "latest_message": {"text": "hi", "metadata": {}},
                        "events": [], "paused": False, "followup_action": None, "active_loop": {},
                        "latest_action_name": "action_listen"}}


def test_the_action_server_refuses_a_call_without_rasas_token(stack: Stack) -> None:
    url = f"{stack.actions_url}/webhook"
    assert httpx.post(url, json=_action_call("door-1"), timeout=30).status_code == 401
    assert httpx.post(url, json=_action_call("door-1"), headers={"X-CERS-Action-Token": "guess"},
                      timeout=30).status_code == 401
    assert httpx.get(f"{stack.actions_url}/actions", timeout=30).status_code == 401
    assert httpx.get(f"{stack.actions_url}/health", timeout=30).status_code == 200
    allowed = httpx.post(url, json=_action_call("door-1"), headers={"X-CERS-Action-Token": stack.action_token},
                         timeout=30)
    assert allowed.status_code == 200 and allowed.json()["responses"]  # Rasa's own calls go through


def test_rasas_http_api_refuses_a_call_without_its_token(stack: Stack) -> None:
    conv = Conversation(stack.rasa_url)
    conv.say("hello")
    tracker_url = f"{stack.rasa_url}/conversations/{conv.sender}/tracker"
    assert httpx.get(tracker_url, timeout=30).status_code == 401
    events = httpx.post(f"{tracker_url}/events", json=[{"event": "slot", "name": "current_facility",
                                                        "value": "10000001"}], timeout=30)
    assert events.status_code == 401
    assert httpx.get(tracker_url, params={"token": "guess"}, timeout=30).status_code == 401
    assert httpx.get(tracker_url, params=stack.rasa_api, timeout=30).status_code == 200


def test_the_action_server_and_rasa_listen_on_loopback_only(stack: Stack) -> None:
    for name in ("actions", "rasa"):
        pids = [stack.named[name].pid] + [c.pid for c in psutil.Process(stack.named[name].pid).children(recursive=True)]
        listening = {c.laddr.ip for pid in pids for c in psutil.Process(pid).net_connections(kind="inet")
                     if c.status == psutil.CONN_LISTEN}
        assert listening and listening <= {"127.0.0.1"}, (name, listening)


def _active_user(mailbox: SmtpServer, name: str) -> tuple[int, str]:
    email = f"{name.split()[0].lower()}.{uuid.uuid4().hex[:8]}@example.com"
    with session_scope() as db:
        accounts.start_signup(db, name, email, "559-555-0142", Actor.anonymous(channel="web"))
    link = mailbox.link(mailbox.wait_for(email, "Finish creating"), "/account/password")
    with session_scope() as db:
        user = accounts.set_password(db, link.split("token=")[1], PASSWORD)
        return user.id, email


def test_a_conversation_token_stops_working_when_the_account_logs_out(stack: Stack, mailbox: SmtpServer) -> None:
    user_id, _ = _active_user(mailbox, "Lena Logout")
    conv = Conversation(stack.rasa_url)
    conv.token = issue_token(user_id, conv.sender, version=0)
    before = Conversation.text(conv.say("/logged_in"))
    assert "Lena" in before and "log in again" not in before.lower(), conv.transcript()
    with session_scope() as db:
        accounts.log_out(db, user_id, 0)
    after = Conversation.text(conv.say("/logged_in"))
    assert "log in again" in after.lower() and "Lena" not in after, conv.transcript()


def test_the_tracker_store_keeps_no_token_claim_password_or_link(stack: Stack, mailbox: SmtpServer) -> None:
    _, email = _active_user(mailbox, "Tara Tracker")
    web = httpx.Client(base_url=stack.web_url, timeout=60)
    assert web.post("/api/login", json={"email": email, "password": PASSWORD}).status_code == 200
    sender = web.cookies.get("cers_conv")
    welcome = web.post("/api/chat", json={"message": "/logged_in"}).json()
    assert any("Tara" in r.get("text", "") for r in welcome), welcome  # the token reached the actions
    refused = web.post("/api/chat", json={"message": PASSWORD}).json()
    assert "looked like a password" in refused[0]["text"]  # never forwarded
    web.post("/api/chat", json={"message": f"my link http://x/account/password?token={LINK_TOKEN} fails"})
    conv = Conversation(stack.rasa_url, sender=sender)  # straight to Rasa, not through the web server
    conv.say(f"my password is {PASSWORD}")

    rows = [r[0] for r in sqlite3.connect(stack.workdir / "tracker.db").execute(
        "SELECT data FROM events WHERE sender_id = ?", (sender,))]
    stored = "\n".join(rows)
    assert rows and "Tara" in stored  # the right conversation
    assert '"auth_token"' not in stored and '"client"' not in stored
    assert PASSWORD not in stored and LINK_TOKEN not in stored
    assert not re.search(r"\b[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}\b", stored)  # no signed token at all
    api = httpx.get(f"{stack.rasa_url}/conversations/{sender}/tracker", params=stack.rasa_api, timeout=30).json()
    assert "auth_token" not in str(api) and PASSWORD not in str(api)
