"""Submit and status through Rasa's REST channel and the real action server: a filing complete but for its site map;
"submit my filing" lists the missing site map with a button that leads to its upload; after the upload "submit my
filing" shows the summary and the certification question naming the signer; a "yes" said after another message
submits nothing; the Yes button right after the question submits: the Submitted row, the Lead User's confirmation
email over SMTP; a second "submit" says it was already submitted; "what's the status of my filing?" says who and
what is next."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.actor import Actor
from bot.db import session_scope
from bot.documents import chat as documents_chat
from bot.documents import service as documents
from bot.models import AuditEvent, Submittal
from bot.services.conversation_auth import issue_token
from bot.submittals import chat
from tests.e2e.chat import Conversation
from tests.e2e.servers import Stack
from tests.e2e.test_filing_permissions import active_user_with_facility
from tests.mailcatcher import SmtpServer
from tests.pdfs import SITE_MAP_LINES, text_pdf
from tests.unit.test_submit import fill_filing

pytestmark = pytest.mark.e2e


def _filled_but_the_site_map(actor: Actor, facility_id: int) -> None:
    """Facility Information, the certification, the inventory and two of the three documents, through the
    services (each has its own chat tests): what is left is the site map."""
    with session_scope() as db:
        fill_filing(db, actor, facility_id, name="Luis Ortega", signer="Luis Ortega", site_map=False)


def _filings(facility_id: int) -> list[Submittal]:
    with session_scope() as db:
        rows = list(db.execute(select(Submittal).where(Submittal.facility_id == facility_id)).scalars())
        for row in rows:
            db.expunge(row)
        return rows


def test_submit_by_chat(stack: Stack, mailbox: SmtpServer) -> None:
    user, facility = active_user_with_facility("Luis Ortega", "Ortega Body Shop", "2210 N Blackstone Ave",
                                               "Fresno", "93703")
    actor = Actor(user_id=user.id, channel="web")
    _filled_but_the_site_map(actor, facility.id)
    conv = Conversation(stack.rasa_url)
    conv.token = issue_token(user.id, conv.sender)

    replies = conv.say("submit my filing")
    text = conv.text(replies)
    assert "can't be submitted yet: 1 thing to fix" in text and "Site Map is missing" in text, conv.transcript()
    assert "Advice" in text and "Lead User" in text, conv.transcript()  # one Lead User: advice, not blocking
    site_map = documents_chat.payload("site_map")
    assert [b["payload"] for b in conv.buttons(replies)] == [site_map], conv.transcript()
    assert "Do you certify" not in text

    replies = conv.say(site_map)  # the finding's button leads to the site map's upload
    assert [c["element"] for c in conv.custom(replies)] == ["site_map"], conv.transcript()
    with session_scope() as db:  # what the web server does with the widget's file
        documents.upload(db, actor, facility.id, "site_map", "site-map.pdf", text_pdf(SITE_MAP_LINES))
    conv.say(documents_chat.UPLOADED_NOTICE["site_map"])

    replies = conv.say("submit my filing")
    text = conv.text(replies)
    assert "Ortega Body Shop's filing" in text and "Acetone" in text, conv.transcript()
    assert "Do you certify, as Luis Ortega, Owner" in text, conv.transcript()
    assert f"/submit?facility={facility.cers_id}" in text, conv.transcript()
    yes = next(b for b in conv.buttons(replies) if b["payload"] == chat.YES_PAYLOAD)

    conv.say("where am i")  # another message: the question is no longer open
    replies = conv.say("yes")
    assert "Submitted on" not in conv.text(replies), conv.transcript()
    assert [f.status for f in _filings(facility.id)] == ["Draft"]

    replies = conv.say("submit my filing")
    assert "Do you certify" in conv.text(replies), conv.transcript()
    replies = conv.say(yes["payload"])
    text = conv.text(replies)
    assert text.startswith("Submitted on") and "confirmation email went to the Lead Users (Luis Ortega)" in text, \
        conv.transcript()
    [filing] = _filings(facility.id)
    assert filing.status == "Submitted" and filing.submitted_by_user_id == user.id and filing.certified_at
    with session_scope() as db:
        audit = [e for e in db.execute(select(AuditEvent).where(AuditEvent.action == "submittal.submit")).scalars()
                 if e.entity_id == str(filing.id)]
        assert len(audit) == 1 and audit[0].channel == "chat"
    mail = mailbox.wait_for(user.email, "Submitted: Ortega Body Shop")
    body = mailbox.body(mail)
    assert "Luis Ortega submitted the Hazardous Materials Business Plan of Ortega Body Shop" in body
    assert "Certified as true, accurate and complete by: Luis Ortega, Owner" in body

    replies = conv.say("submit my filing")
    assert "already submitted on" in conv.text(replies), conv.transcript()
    assert len(mailbox.to(user.email)) == 1 and [f.status for f in _filings(facility.id)] == ["Submitted"]

    replies = conv.say("what's the status of my filing?")
    text = conv.text(replies)
    assert "Status: Submitted, submitted by Luis Ortega on" in text and "Accepted or Not Accepted" in text, \
        conv.transcript()
