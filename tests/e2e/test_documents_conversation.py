"""Documents through Rasa's REST channel and the real action server: "upload my site map" gets the checklist and
then the upload widget for the user's facility; after the web server stored the PDF, the page's "I uploaded my
site map" gets what is on file and the next document; the training plan's "provided elsewhere in CERS" button
writes it; "submit" now runs the pre-submit check (the Facility Information still to do blocks it)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.actor import Actor
from bot.db import session_scope
from bot.documents import chat, service
from bot.models import Document
from bot.services.conversation_auth import issue_token
from tests.e2e.chat import Conversation
from tests.e2e.servers import Stack
from tests.e2e.test_filing_permissions import active_user_with_facility
from tests.pdfs import SITE_MAP_LINES, text_pdf

pytestmark = pytest.mark.e2e


def test_documents_by_chat(stack: Stack) -> None:
    user, facility = active_user_with_facility("Rosa Diaz", "Diaz Dry Cleaning", "455 E Olive Ave", "Fresno",
                                               "93728")
    conv = Conversation(stack.rasa_url)
    conv.token = issue_token(user.id, conv.sender)

    replies = conv.say("upload my site map")
    text = conv.text(replies)
    assert "north arrow" in text and "/documents/site-map-checklist" in text, conv.transcript()
    assert conv.custom(replies) == [{"form": "upload_document", "facility": facility.cers_id, "element": "site_map",
                                     "label": "Site Map", "max_mb": 25}], conv.transcript()

    with session_scope() as db:  # what the web server does with the widget's file
        service.upload(db, Actor(user_id=user.id, channel="web"), facility.id, "site_map", "site-map.pdf",
                       text_pdf(SITE_MAP_LINES))
    replies = conv.say(chat.UPLOADED_NOTICE["site_map"])
    assert "Thanks, your Site Map is on file" in conv.text(replies), conv.transcript()
    payloads = [b["payload"] for b in conv.buttons(replies)]
    assert chat.payload("emergency_response_plan") in payloads, conv.transcript()

    replies = conv.say(chat.payload("employee_training_plan", chat.PROVIDED_ELSEWHERE))
    assert "provided elsewhere in CERS" in conv.text(replies), conv.transcript()
    with session_scope() as db:
        rows = {d.element: d for d in db.execute(select(Document).where(Document.facility_id == facility.id,
                                                                        Document.replaced_at.is_(None))).scalars()}
        assert rows["employee_training_plan"].provided_elsewhere and rows["site_map"].pages == 1

    replies = conv.say("submit my filing to the county")
    text = conv.text(replies)
    assert "can't be submitted yet" in text and "Business Activities" in text, conv.transcript()
    assert "Do you certify" not in text and not conv.custom(replies), conv.transcript()
    assert "/continue_filing" in [b["payload"] for b in conv.buttons(replies)], conv.transcript()
