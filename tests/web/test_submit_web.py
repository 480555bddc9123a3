"""The "Review and submit" page on the web server: the summary, the findings with links to where they are fixed,
the certification and the Submit button; a real form post with its CSRF field, the confirmation email over SMTP, a
second submit that does nothing twice, and the session / origin / CSRF / role checks before anything is written."""
from __future__ import annotations

import re
from types import SimpleNamespace

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from bot.actor import Actor
from bot.models import AuditEvent, Submittal
from tests.mailcatcher import SmtpServer
from tests.unit.test_submit import fill
from tests.web.test_documents_web import text_of
from tests.web.test_inventory_web import CERS_ID, OTHER_CERS_ID, World, login, world  # noqa: F401  (fixture)

PAGE = f"/submit?facility={CERS_ID}"


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def filled(db: Session, w: World) -> None:
    fill(db, SimpleNamespace(actor=Actor(user_id=w.lead_id, channel="web"), fid=w.facility_id))


def submits(db: Session) -> int:
    db.expire_all()
    return db.execute(select(func.count(AuditEvent.id)).where(AuditEvent.action == "submittal.submit")).scalar_one()


def post(client: TestClient, token: str, certified: bool = True, headers: dict | None = None):
    data = {"csrf_token": token, **({"certified": "yes"} if certified else {})}
    return client.post(PAGE, data=data, headers=headers or {})


def test_an_unfinished_filing_shows_what_blocks_with_links_and_no_submit_button(client: TestClient,
                                                                               world: World) -> None:
    login(client)
    response = client.get(PAGE)
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    html, text = response.text, text_of(response.text)
    assert "Review and submit: Valley Auto Repair" in text and "Nothing is filed for this facility yet" in text
    assert 'id="submit-form"' not in html
    # linked from the documents page
    assert f'href="{PAGE}"' in client.get(f"/documents?facility={CERS_ID}").text
    assert "The Business Activities page is not complete" in text and "Fix it in Facility Information" in text
    assert "The certification is not complete" in text and html.index("blocking-findings") < html.index("advice")


def test_the_page_shows_summary_findings_and_submits_once(client: TestClient, db: Session, world: World,
                                                          smtp_server: SmtpServer) -> None:
    filled(db, world)
    login(client)
    html = client.get(PAGE).text
    text = text_of(html)
    assert "Status: Draft, started by Lee Lead" in text and "Nothing blocks the submit." in text
    assert "Acetone: 55 gallons max (avg 30)" in text and "Employee Training Plan Provided elsewhere in CERS" in text
    assert "signer's name Maria Lopez" in text and "signer's title Owner" in text
    # advice with a link to where it is looked at: one Lead User only
    assert "has 1 active Lead User" in text and 'id="submit-form"' in html
    # without ticking the certification: refused, nothing written
    refused = post(client, _csrf(html), certified=False)
    assert refused.status_code == 422 and "confirm the certification first" in text_of(refused.text)
    assert submits(db) == 0
    done = post(client, _csrf(html))
    assert done.status_code == 200, done.text
    assert "Submitted on" in text_of(done.text) and "Status: Submitted, submitted by Lee Lead" in text_of(done.text)
    assert 'id="submit-form"' not in done.text
    filing = db.execute(select(Submittal)).scalar_one()
    assert filing.status == "Submitted" and filing.submitted_by_user_id == world.lead_id
    mail = smtp_server.wait_for("lead@example.com", "Submitted: Valley Auto Repair")
    assert "Lee Lead submitted the Hazardous Materials Business Plan" in smtp_server.body(mail)
    event = db.execute(select(AuditEvent).where(AuditEvent.action == "submittal.submit")).scalar_one()
    assert (event.actor_user_id, event.channel) == (world.lead_id, "web")
    # a second press (another tab, a double click): nothing twice
    again = post(client, _csrf(html))
    assert again.status_code == 200 and "already submitted on" in text_of(again.text)
    assert submits(db) == 1 and len(smtp_server.to("lead@example.com")) == 1


def test_blocking_findings_link_to_where_they_are_fixed(client: TestClient, db: Session, world: World) -> None:
    filled(db, world)
    from bot.models import Document

    db.execute(Document.__table__.delete().where(Document.element == "site_map"))
    db.commit()
    login(client)
    html = client.get(PAGE).text
    assert "The Site Map is missing" in text_of(html)
    assert f'href="/documents?facility={CERS_ID}#element-site_map"' in html and 'id="submit-form"' not in html
    refused = post(client, _csrf(html))
    assert refused.status_code == 422 and "can't be submitted yet" in text_of(refused.text)
    assert submits(db) == 0


def test_login_origin_csrf_and_role_are_checked_before_anything_is_written(client: TestClient, db: Session,
                                                                           world: World) -> None:
    filled(db, world)
    anonymous = client.get(PAGE, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login"
    assert client.post(PAGE, data={"certified": "yes"}, follow_redirects=False).status_code == 303
    login(client)
    token = _csrf(client.get(PAGE).text)
    assert post(client, "forged").status_code == 403
    assert post(client, token, headers={"Origin": "https://evil.example"}).status_code == 403
    assert submits(db) == 0
    # a user without a role on the facility: refused on the page and on the post
    client.post("/api/logout")
    login(client, "stranger@example.com")
    assert client.get(PAGE).status_code == 403
    token = _csrf(client.get(f"/submit?facility={OTHER_CERS_ID}").text)
    assert post(client, token).status_code == 403
    assert submits(db) == 0 and db.execute(select(Submittal.status)).scalar_one() == "Draft"
    assert client.get("/submit?facility=12").status_code == 400
