"""The inspector's review console over HTTP on SQLite and PostgreSQL: the queue of the inspector's CUPA, the filing
page with every element, its PDF shown in the page and a form per element, decisions posted with the CSRF field
until the filing is Not Accepted (the Lead User's email over real SMTP has the reason and the due date), the
escalated access requests of the CUPA granted from the console, and every endpoint refused to an inspector of
another CUPA, to a filer and without a session or the CSRF field."""
from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from bot.actor import Actor
from bot.models import AccessRequest, Cupa, Facility, FacilityRole, ReviewDecision, Submittal, User
from bot.review.cupas import assign_cupas, ensure_cupas, find_cupa
from bot.services import access
from bot.submittals import service as submittals
from bot.timeutil import utcnow
from tests.mailcatcher import SmtpServer
from tests.unit.test_submit import fill
from tests.web.test_documents_web import text_of
from tests.web.test_inventory_web import PASSWORD, login
from tests.people import add_user

CERS_ID, KERN_ID = "10000088", "10000090"
ELEMENTS = ("business_activities", "owner_operator", "inventory", "site_map", "emergency_response_plan",
            "employee_training_plan", "certification")


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def _user(db: Session, email: str, name: str, *, cupa: Cupa | None = None) -> User:
    return add_user(db, email, name, password=PASSWORD, inspector=cupa is not None, cupa=cupa)


@pytest.fixture
def world(db: Session) -> SimpleNamespace:
    ensure_cupas(db)
    lead = _user(db, "lead@example.com", "Maria Lopez")
    inspector = _user(db, "dana@fresno.example.gov", "Dana Whitfield", cupa=find_cupa(db, "Fresno"))
    _user(db, "kim@kern.example.gov", "Kim Park", cupa=find_cupa(db, "Kern"))
    facility = Facility(cers_id=CERS_ID, name="Valley Paint Shop", street="1234 W Shaw Ave", street_number="1234",
                        city="Fresno", zip="93711", county="Fresno", created_at=utcnow())
    db.add(facility)
    db.flush()
    db.add(FacilityRole(user_id=lead.id, facility_id=facility.id, role="lead", granted_at=utcnow()))
    assign_cupas(db)
    db.commit()
    actor = Actor(user_id=lead.id, channel="web")
    fill(db, SimpleNamespace(actor=actor, fid=facility.id))
    filing_id = submittals.submit(db, actor, facility.id, certified=True).submittal_id
    db.commit()
    return SimpleNamespace(lead_id=lead.id, inspector_id=inspector.id, fid=facility.id, filing_id=filing_id)


def _decide(client: TestClient, filing_id: int, token: str, element: str, decision: str, reasons=(), note="",
            headers=None):  # type: ignore[no-untyped-def]
    data = {"csrf_token": token, "element": element, "decision": decision, "reasons": list(reasons), "note": note}
    return client.post(f"/review/decide?id={filing_id}", data=data, headers=headers or {})


def test_the_inspector_reviews_a_filing_to_not_accepted_and_the_lead_user_is_emailed(
        client: TestClient, db: Session, world: SimpleNamespace, smtp_server: SmtpServer) -> None:
    login(client, "dana@fresno.example.gov")
    queue = client.get("/review")
    assert queue.status_code == 200 and queue.headers["cache-control"] == "no-store"
    assert "Valley Paint Shop" in text_of(queue.text) and f"/review/filing?id={world.filing_id}" in queue.text
    page = client.get(f"/review/filing?id={world.filing_id}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Status: Under Review" in text and "No earlier Accepted filing" in text
    for element in ELEMENTS:
        assert f'id="decide-{element}"' in page.text
    assert "Acetone" in text and "EHS material is not reported in pounds" not in text
    assert "An Extremely Hazardous Substance is not reported in pounds." in text  # the pick list
    db.expire_all()
    assert db.get(Submittal, world.filing_id).status == "Under Review"
    # the site map is shown in the page, from the document route the inspector may use
    src = re.search(r'<iframe[^>]+src="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    pdf = client.get(src)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-disposition"].startswith("inline") and pdf.headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in pdf.headers["content-security-policy"]
    token = _csrf(page.text)
    # a Not Accepted without a reason is refused with the reason why, nothing saved
    refused = _decide(client, world.filing_id, token, "inventory", "not_accepted")
    assert refused.status_code == 400 and "Choose at least one reason" in text_of(refused.text)
    assert db.execute(select(ReviewDecision)).first() is None
    for element in ELEMENTS:
        if element == "inventory":
            response = _decide(client, world.filing_id, token, element, "not_accepted", ["inv_average_over_max"],
                               "Acetone: average 30 above a maximum of 25?")
        else:
            response = _decide(client, world.filing_id, token, element, "accepted")
        assert response.status_code == 200, text_of(response.text)
    done = text_of(response.text)
    due = (utcnow() + timedelta(days=30)).date()
    assert "The filing is Not Accepted" in done and "Status: Not Accepted" in done
    assert 'id="decide-inventory"' not in response.text  # decided: no more forms
    body = smtp_server.body(smtp_server.wait_for("lead@example.com", "Not Accepted: Valley Paint Shop"))
    assert "An average daily amount is greater than the maximum daily amount." in body
    assert "Acetone: average 30 above a maximum of 25?" in body
    assert f"Corrections are due by {due:%B} {due.day}, {due:%Y}" in body
    assert client.get("/review").text.count("queue-row") == 0


def test_another_cupas_inspector_and_a_filer_are_refused_on_every_endpoint(
        client: TestClient, db: Session, world: SimpleNamespace) -> None:
    doc_id = re.search(r"/documents/file\?id=(\d+)", _as_inspector_page(client, world)).group(1)
    client.post("/logout", data={"csrf_token": _csrf(client.get("/review").text)})
    for email, queue_status in (("kim@kern.example.gov", 200), ("lead@example.com", 403)):
        client.cookies.clear()
        login(client, email)
        queue = client.get("/review")
        assert queue.status_code == queue_status and "Valley Paint Shop" not in queue.text
        assert client.get(f"/review/filing?id={world.filing_id}").status_code == 403
        token = _csrf(client.get("/").text)
        assert _decide(client, world.filing_id, token, "inventory", "accepted").status_code == 403
        assert client.get("/review/access").status_code == queue_status
        if email != "lead@example.com":  # the filer may download the facility's own documents
            assert client.get(f"/documents/file?id={doc_id}&inline=1").status_code == 403
    db.expire_all()
    assert db.execute(select(ReviewDecision)).first() is None
    # no session: to the login page; no CSRF field: refused
    client.cookies.clear()
    assert client.get("/review", follow_redirects=False).headers["location"] == "/login"
    login(client, "dana@fresno.example.gov")
    assert _decide(client, world.filing_id, "forged", "inventory", "accepted").status_code == 403
    assert db.execute(select(ReviewDecision)).first() is None


def _as_inspector_page(client: TestClient, world: SimpleNamespace) -> str:
    login(client, "dana@fresno.example.gov")
    return client.get(f"/review/filing?id={world.filing_id}").text


def test_escalated_requests_are_shown_to_the_cupas_inspector_and_granted(
        client: TestClient, db: Session, world: SimpleNamespace, smtp_server: SmtpServer) -> None:
    for role in db.execute(select(FacilityRole)).scalars():
        role.ended_at = utcnow()
    newcomer = _user(db, "new@example.com", "Joe New")
    db.commit()
    request = access.request_access(db, Actor(user_id=newcomer.id), world.fid, "559-555-0111", "Shop manager")
    db.commit()
    login(client, "kim@kern.example.gov")
    other = client.get("/review/access")
    assert other.status_code == 200 and "Joe New" not in other.text
    grab = client.post("/review/access", data={"csrf_token": _csrf(other.text), "request_id": str(request.id),
                                               "decision": "grant"})
    assert grab.status_code == 403
    client.cookies.clear()
    login(client, "dana@fresno.example.gov")
    assert "Access requests escalated to the CUPA: 1" in text_of(client.get("/review").text)
    page = client.get("/review/access")
    assert "Joe New (Shop manager, (559) 555-0111) asks for access to Valley Paint Shop" in text_of(page.text)
    granted = client.post("/review/access", data={"csrf_token": _csrf(page.text), "request_id": str(request.id),
                                                  "decision": "grant"})
    assert granted.status_code == 200 and "Access granted" in text_of(granted.text)
    db.expire_all()
    assert db.get(AccessRequest, request.id).status == "granted"
    smtp_server.wait_for("new@example.com", "was granted")


def test_the_filing_page_shows_what_changed_since_the_last_accepted_filing(
        client: TestClient, db: Session, world: SimpleNamespace) -> None:
    from bot.inventory import service as inventory
    from bot.review import service as review
    from bot.submittals import annual
    from tests.unit.test_submit import ACETONE

    inspecting = Actor(user_id=world.inspector_id, role="inspector", channel="web")
    for element in ELEMENTS:
        review.decide_element(db, inspecting, world.filing_id, element, True)
    actor = Actor(user_id=world.lead_id, channel="web")
    inventory.add_item(db, actor, world.fid, dict(ACETONE, common_name="Toluene", location="Back shop"))
    inventory.mark_complete(db, actor, world.fid)
    for element in annual.ELEMENT_KEYS:  # a Draft copied from an Accepted filing: each part confirmed this year
        annual.confirm_element(db, actor, world.fid, element)
    db.commit()
    second = submittals.submit(db, actor, world.fid, certified=True).submittal_id
    db.commit()
    login(client, "dana@fresno.example.gov")
    text = text_of(client.get(f"/review/filing?id={second}").text)
    assert "Changes are shown against the last Accepted filing" in text
    assert "Added: Toluene" in text and "No change since the last Accepted filing." in text
