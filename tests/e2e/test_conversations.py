"""End-to-end conversations through Rasa's REST channel against a running Rasa server, action server and
web server, on one database, with a real SMTP server receiving the mail (issue 3, item 7)."""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Tuple

import httpx
import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from bot.actor import Actor
from bot.db import session_scope
from bot.models import AccessRequest, AuditEvent, Facility, FacilityRole, User
from bot.services import accounts, facilities
from bot.services.conversation_auth import issue_token
from tests.e2e.chat import Conversation
from tests.mailcatcher import SmtpServer
from tests.e2e.flows import PASSWORD, add_facility_in_chat, click, sign_up_in_chat
from tests.e2e.servers import Stack

pytestmark = pytest.mark.e2e


def _facility_with_lead(stack: Stack, mailbox: SmtpServer, name: str, street: str, city: str, zip5: str) -> Tuple[Facility, User]:
    """A facility whose Lead User has an active account (made through the services, as on the web)."""
    email = f"lead.{uuid.uuid4().hex[:8]}@example.com"
    with session_scope() as db:
        accounts.start_signup(db, "Maria Lopez", email, "559-555-0199", Actor.anonymous(channel="web"))
    link = mailbox.link(mailbox.wait_for(email, "Finish creating"), "/account/password")
    with session_scope() as db:  # choosing the password with the emailed link activates the account
        accounts.set_password(db, link.split("token=")[1].split("&")[0], PASSWORD)
    with session_scope() as db:
        lead = accounts.get_user_by_email(db, email)
        assert lead is not None
        facility = facilities.create_facility(db, Actor(user_id=lead.id, channel="web"), name, street, city, zip5)
    return facility, lead


def _counts() -> Tuple[int, int, int, int]:
    with session_scope() as db:
        return (
            db.scalar(select(func.count()).select_from(Facility)),
            db.scalar(select(func.count()).select_from(AccessRequest)),
            db.scalar(select(func.count()).select_from(FacilityRole)),
            db.scalar(select(func.count()).select_from(AuditEvent)),
        )


def test_a_sign_up_find_by_cers_id_request_access_lead_grants(stack: Stack, mailbox: SmtpServer) -> None:
    facility, lead = _facility_with_lead(stack, mailbox, "Valley Auto Repair", "4410 N Blackstone Ave", "Fresno", "93726")
    filer = sign_up_in_chat(stack, mailbox, "Ana Ramirez")
    conv = filer.conversation

    conv.say("I want to find my facility")
    replies = conv.say(f"the CERS ID is {facility.cers_id}")
    assert facility.name in Conversation.text(replies) or any(
        facility.cers_id in b["title"] for b in Conversation.buttons(replies)), conv.transcript()
    if any(facility.cers_id in b["title"] for b in Conversation.buttons(replies)):
        replies = click(conv, replies, facility.cers_id)
    replies = click(conv, replies, "request access")
    conv.say("559 555 0147")
    replies = conv.say("Environmental compliance manager")
    assert "lead user" in Conversation.text(replies).lower(), conv.transcript()

    with session_scope() as db:
        filer_row = accounts.get_user_by_email(db, filer.email)
        request = db.execute(select(AccessRequest).where(AccessRequest.requester_user_id == filer_row.id)).scalar_one()
        assert request.status == "pending"
        assert request.facility_id == facility.id
        assert request.title == "Environmental compliance manager"
        assert "147" in request.phone
    # the Lead User got an email with grant/deny links
    lead_mail = mailbox.wait_for(lead.email, "access")
    assert "grant" in mailbox.body(lead_mail).lower() and "/access/decide" in mailbox.body(lead_mail)

    # the Lead User grants it in the chat
    lead_conv = Conversation(stack.rasa_url)
    login = httpx.post(f"{stack.web_url}/api/login", json={"email": lead.email, "password": PASSWORD}, timeout=30)
    assert login.status_code == 200, login.text
    lead_conv.token = issue_token(lead.id, lead_conv.sender)  # what the web server signs for each message
    replies = lead_conv.say("show me the access requests")
    assert "Ana Ramirez" in Conversation.text(replies), lead_conv.transcript()
    replies = click(lead_conv, replies, "grant")
    assert "Ana Ramirez" in Conversation.text(replies) or "granted" in Conversation.text(replies).lower(), lead_conv.transcript()

    with session_scope() as db:
        request = db.get(AccessRequest, request.id)
        assert request.status == "granted" and request.decided_by_user_id == lead.id
        role = db.execute(select(FacilityRole).where(FacilityRole.user_id == filer_row.id,
                                                     FacilityRole.facility_id == facility.id)).scalar_one()
        assert role.role == "user" and role.ended_at is None
        grant_audit = db.execute(select(AuditEvent).where(AuditEvent.action == "access.grant",
                                                          AuditEvent.entity_id == str(request.id))).scalar_one()
        assert grant_audit.actor_user_id == lead.id and grant_audit.channel == "chat"
    mailbox.wait_for(filer.email, "access")  # the requester is told


def test_b_search_finds_nothing_then_add_facility(stack: Stack, mailbox: SmtpServer) -> None:
    filer = sign_up_in_chat(stack, mailbox, "Dev Patel")
    conv = filer.conversation
    replies = add_facility_in_chat(conv, "Patel Pool Supply", "98765 Harbor Blvd", "Oxnard", "93035")
    text = Conversation.text(replies)
    with session_scope() as db:
        user = accounts.get_user_by_email(db, filer.email)
        facility = db.execute(select(Facility).where(Facility.name == "Patel Pool Supply")).scalar_one()
        assert facility.cers_id in text, conv.transcript()
        assert len(facility.cers_id) == 8 and facility.cers_id.isdigit()
        assert (facility.street, facility.city, facility.zip) == ("98765 Harbor Blvd", "Oxnard", "93035")
        assert facilities.role_of(db, user.id, facility.id) == "lead"
        audit = db.execute(select(AuditEvent).where(AuditEvent.action == "facility.create",
                                                    AuditEvent.entity_id == str(facility.id))).scalar_one()
        assert audit.actor_user_id == user.id and audit.channel == "chat"


@pytest.mark.parametrize("kind", ["forged", "other_conversation", "expired"])
def test_c_bad_token_reads_and_writes_nothing(stack: Stack, mailbox: SmtpServer, kind: str) -> None:
    facility, lead = _facility_with_lead(stack, mailbox, f"Sierra Dry Cleaners {kind}", "1200 J St", "Sacramento", "95814")
    conv = Conversation(stack.rasa_url)
    if kind == "forged":
        forged = URLSafeTimedSerializer("not-the-server-secret", salt="conversation")
        conv.token = forged.dumps({"uid": lead.id, "sid": conv.sender, "role": "user", "obo": None})
    elif kind == "other_conversation":
        conv.token = issue_token(lead.id, "someone-elses-conversation")
    else:
        conv.token = issue_token(lead.id, conv.sender, ttl=1)
        import time

        time.sleep(2.5)
    before = _counts()
    texts = []
    for message in ("/logged_in", "find my facility", facility.cers_id, "show access requests",
                    "/request_access", "559-555-0100", "owner", "/add_new_facility", "Shady Oaks Farm"):
        texts.append(Conversation.text(conv.say(message)))
    transcript = conv.transcript()
    assert "log in again" in transcript.lower(), transcript
    assert facility.name not in transcript and lead.full_name not in transcript and lead.email not in transcript, transcript
    assert _counts() == before, transcript


def test_d_no_password_in_tracker_store_or_logs(stack: Stack, mailbox: SmtpServer) -> None:
    filer = sign_up_in_chat(stack, mailbox, "Grace Kim")
    # and a user who types a password into the chat by mistake: the bot must not keep it in a slot
    filer.conversation.say(f"my password is {PASSWORD}x")
    tracker = httpx.get(f"{stack.rasa_url}/conversations/{filer.conversation.sender}/tracker",
                        params=stack.rasa_api, timeout=30).json()
    assert filer.email in str(tracker)  # the tracker is the right one
    assert PASSWORD not in str(tracker.get("slots"))
    searched = [stack.workdir / "tracker.db"] + list(stack.logs) + sorted(Path(stack.env["CERS_VAR_DIR"]).rglob("*"))
    for path in searched:
        if path.is_file():
            data = path.read_bytes()
            assert PASSWORD.encode() not in data.replace(f"{PASSWORD}x".encode(), b""), f"password found in {path}"
