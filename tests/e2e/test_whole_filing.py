"""The whole filing, end to end (issue 11, item 10), as the chat page, the upload pages and the inspector's console
use the real servers: every chat message goes through the web server's /api/chat to Rasa's REST channel and the
action server, every file over HTTP to the web server, every email through the outbox to a real SMTP server.

A filer signs up in the chat (the set-password link by email), logs in, adds the facility (Fresno: the Fresno
County CUPA), fills Facility Information in the chat, uploads the inventory as the CERS Excel template and the site
map and the emergency response plan as PDFs, leaving the training plan out: "submit my filing" names it as
blocking; uploaded on the Documents page, the submit shows the certification and Yes submits (a second submit
does nothing twice). An inspector of another CUPA gets 403 on the filing; the Fresno inspector opens it and marks
the inventory Not Accepted with a reason; the Lead User's email has the reason and the due date 30 days out;
"what do I need to fix?" lists it; the material is changed in the chat, the filing submitted again, every element
accepted, and the Lead User gets the acceptance."""
from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Dict, List

import httpx
import pytest
from sqlalchemy import select

from bot.db import session_scope
from bot.manage import create_inspector
from bot.models import REVIEW_ELEMENTS, Document, Facility, InventoryItem, Submittal
from bot.review.reasons import label_of
from bot.services import accounts
from tests.e2e.chat import WebChat
from tests.e2e.flows import PASSWORD, add_facility_in_chat, click, sign_up_in_chat
from tests.e2e.servers import Stack
from tests.e2e.test_facility_info_conversation import Filer, answer_until
from tests.mailcatcher import SmtpServer
from tests.pdfs import SITE_MAP_LINES, text_pdf
from tests.unit.test_submit import PLAN_LINES
from tests.web.test_inventory_web import row, upload, workbook

pytestmark = pytest.mark.e2e

FACILITY = ("Sierra Auto Body", "7731 N Cedar Ave", "Fresno", "93720")
TRAINING_LINES = ["Employee Training Plan - revised 01/05/2026", "Annual hazardous materials training for all shop staff",
                  "Topics: spill response, evacuation, fire extinguisher use, SDS", "Records kept for three years"]
REASON, NOTE = "inv_average_over_max", "Motor oil: we counted two drums on site, so at most 110 gallons."


def _filings(facility_id: int) -> List[Submittal]:
    with session_scope() as db:
        rows = list(db.execute(select(Submittal).where(Submittal.facility_id == facility_id)
                               .order_by(Submittal.id)).scalars())
        for r in rows:
            db.expunge(r)
        return rows


def _items(submittal_id: int) -> Dict[str, InventoryItem]:
    with session_scope() as db:
        rows = list(db.execute(select(InventoryItem).where(InventoryItem.submittal_id == submittal_id)).scalars())
        for r in rows:
            db.expunge(r)
        return {r.common_name: r for r in rows}


def _day(day: dt.date) -> str:
    """A date as the emails and the chat write it: December 6, 2026."""
    return f"{day:%B} {day.day}, {day:%Y}"


def _csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text[:2000]
    return found.group(1)


def _inspector(stack: Stack, cupa: str, name: str) -> httpx.Client:
    """An inspector made as `bot.manage create-inspector --cupa` does, who chooses the password with the printed
    link and logs in on the web server: their browser."""
    email = f"{name.split()[0].lower()}.{uuid.uuid4().hex[:8]}@example.gov"
    with session_scope() as db:
        _, link, created = create_inspector(db, email, name, cupa)
    assert created
    browser = httpx.Client(base_url=stack.web_url, timeout=60)
    chosen = browser.post("/api/account/password", json={"token": link.split("token=")[1].split("&")[0],
                                                          "password": PASSWORD})
    assert chosen.status_code == 200, chosen.text
    assert browser.post("/api/login", json={"email": email, "password": PASSWORD}).status_code == 200
    return browser


def _decide(inspector: httpx.Client, filing_id: int, element: str, accepted: bool) -> httpx.Response:
    page = inspector.get(f"/review/filing?id={filing_id}")
    assert page.status_code == 200, page.text[:2000]
    form = {"csrf_token": _csrf(page), "element": element, "decision": "accepted" if accepted else "not_accepted"}
    if not accepted:
        form.update({"reasons": REASON, "note": NOTE})
    resp = inspector.post(f"/review/decide?id={filing_id}", data=form)
    assert resp.status_code == 200, resp.text[:3000]
    return resp


def _certify_and_submit(conv: WebChat) -> str:
    replies = conv.say("submit my filing")
    assert "Do you certify, as Ana Ramirez, Owner" in conv.text(replies), conv.transcript()[-4000:]
    return conv.text(click(conv, replies, "yes"))


def test_sign_up_to_accepted_through_a_not_accepted_review(stack: Stack, mailbox: SmtpServer) -> None:
    conv = WebChat(stack.web_url, stack.rasa_url)
    filer = sign_up_in_chat(stack, mailbox, "Ana Ramirez", conv)

    # the facility: searched first, then added; the Fresno County CUPA reviews it
    replies = add_facility_in_chat(conv, *FACILITY)
    with session_scope() as db:
        user = accounts.get_user_by_email(db, filer.email)
        facility = db.execute(select(Facility).where(Facility.name == FACILITY[0])).scalar_one()
        assert facility.cers_id in conv.text(replies), conv.transcript()
        assert facility.cupa is not None and facility.cupa.name == "Fresno County CUPA"
        db.expunge(user)
        db.expunge(facility)
    cers_id = facility.cers_id

    # Facility Information in the chat, every question answered
    fi = Filer(stack, user.full_name, facility.name, user=user, facility=facility, conv=conv)
    conv.say("lets keep going with my filing")
    assert fi.active_loop() == "facility_info_form", conv.transcript()[-4000:]
    answer_until(fi, lambda key, turn: key is None)
    assert fi.active_loop() is None, conv.transcript()[-4000:]

    # the inventory: the CERS template as an .xlsx, uploaded over HTTP in the same browser session
    sheet = workbook([row(CERSID=cers_id)])
    imported = upload(conv.web, sheet, "Sierra inventory.xlsx", facility=cers_id, mode="replace")
    assert imported.status_code == 200 and imported.json()["imported"] == 1, imported.text
    # two of the three documents over HTTP; the training plan is left out on purpose
    for element, lines in (("site_map", SITE_MAP_LINES), ("emergency_response_plan", PLAN_LINES)):
        stored = conv.web.post(f"/api/documents/upload?facility={cers_id}", data={"element": element},
                               files={"file": (f"{element}.pdf", text_pdf(lines), "application/pdf")})
        assert stored.status_code == 200 and stored.json()["ok"], stored.text

    # the pre-submit check blocks on the missing training plan, with its button
    replies = conv.say("submit my filing")
    text = conv.text(replies)
    assert "can't be submitted yet: 1 thing to fix" in text and "Employee Training Plan is missing" in text, \
        conv.transcript()[-4000:]
    assert "Do you certify" not in text
    assert [f.status for f in _filings(facility.id)] == ["Draft"]

    # fixed on the Documents page (its form, with the page's CSRF token)
    page = conv.web.get(f"/documents?facility={cers_id}")
    assert page.status_code == 200, page.text[:2000]
    stored = conv.web.post(f"/documents/upload?facility={cers_id}",
                           data={"csrf_token": _csrf(page), "element": "employee_training_plan"},
                           files={"file": ("training.pdf", text_pdf(TRAINING_LINES), "application/pdf")})
    assert stored.status_code == 200, stored.text[:2000]
    with session_scope() as db:
        current = {d.element for d in db.execute(select(Document).where(Document.facility_id == facility.id,
                                                                         Document.replaced_at.is_(None))).scalars()}
    assert current == {"site_map", "emergency_response_plan", "employee_training_plan"}

    # submit: the summary, the certification, Yes → Submitted and the Lead User's confirmation
    said = _certify_and_submit(conv)
    assert said.startswith("Submitted on"), conv.transcript()[-4000:]
    [first] = _filings(facility.id)
    assert first.status == "Submitted" and first.submitted_by_user_id == user.id and first.certified_at
    mailbox.wait_for(filer.email, f"Submitted: {facility.name}")
    # a second submit does nothing twice
    replies = conv.say("submit my filing")
    assert "already submitted on" in conv.text(replies), conv.transcript()[-3000:]
    assert [f.status for f in _filings(facility.id)] == ["Submitted"]
    assert len([m for m in mailbox.to(filer.email) if "Submitted:" in str(m["Subject"])]) == 1

    # an inspector of another CUPA may not open it; the Fresno inspector sees it in the queue and opens it
    kern = _inspector(stack, "county:kern", "Kim Park")
    assert kern.get(f"/review/filing?id={first.id}").status_code == 403
    assert facility.name not in kern.get("/review").text
    assert _filings(facility.id)[0].status == "Submitted"
    fresno = _inspector(stack, "Fresno", "Dana Whitfield")
    queue = fresno.get("/review")
    assert queue.status_code == 200 and facility.name in queue.text and cers_id in queue.text
    for element in REVIEW_ELEMENTS:
        _decide(fresno, first.id, element, accepted=element != "inventory")
    first = _filings(facility.id)[0]
    due = dt.date.today() + dt.timedelta(days=30)
    assert first.status == "Not Accepted" and first.due_date == due
    mail = mailbox.wait_for(filer.email, f"Not Accepted: {facility.name}")
    body = mailbox.body(mail)
    assert label_of(REASON) in body and NOTE in body, body
    assert _day(due) in body and _day(due) in str(mail["Subject"]), body

    # "what do I need to fix?" names the reason, the note and the due date, with a button to the inventory
    replies = conv.say("what do I need to fix?")
    text = conv.text(replies)
    assert "Not Accepted" in text and label_of(REASON) in text and NOTE in text, conv.transcript()[-3000:]
    assert f"due by {_day(due)}" in text, conv.transcript()[-3000:]
    replies = click(conv, replies, "inventory")
    conv.say("change motor oil to 110 gallons")
    conv.say("that's all")
    draft = _filings(facility.id)[-1]
    assert draft.id != first.id and draft.status == "Draft", conv.transcript()[-3000:]
    assert _items(draft.id)["Motor oil"].maximum_daily_amount == pytest.approx(110), conv.transcript()[-3000:]
    assert _items(first.id)["Motor oil"].maximum_daily_amount == pytest.approx(165)  # the reviewed filing unchanged

    # submitted again, then every element accepted: the acceptance email
    said = _certify_and_submit(conv)
    assert said.startswith("Submitted on"), conv.transcript()[-4000:]
    second = _filings(facility.id)[-1]
    assert second.id == draft.id and second.status == "Submitted"
    for element in REVIEW_ELEMENTS:
        _decide(fresno, second.id, element, accepted=True)
    assert [f.status for f in _filings(facility.id)] == ["Not Accepted", "Accepted"]
    accepted = mailbox.wait_for(filer.email, f"Accepted: {facility.name}")
    assert not str(accepted["Subject"]).startswith("Not"), accepted["Subject"]
    replies = conv.say("what's the status of my filing?")
    text = conv.text(replies)
    assert text.startswith("Status: Accepted") and "Dana Whitfield" in text, conv.transcript()[-2000:]
