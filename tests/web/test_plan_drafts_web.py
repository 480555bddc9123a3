"""The drafted plans on the web server: the Documents page links to a draft of each plan; a logged-in user with a
role on the facility downloads it as a PDF filled in from the filing; logged out goes to the log-in page; a user
without a role gets the Documents page's refusal and no PDF; a wrong or unknown CERS ID, or an unknown plan, gets a
clear message."""
from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from bot.models import AuditEvent
from tests.web.test_documents_web import text_of
from tests.web import test_inventory_web
from tests.web.test_inventory_web import CERS_ID, World, login

world = test_inventory_web.world  # the fixture: a facility with its Lead User, and a user without a role on it

ERP_URL = f"/documents/draft/emergency-response-plan?facility={CERS_ID}"
TRAINING_URL = f"/documents/draft/training-plan?facility={CERS_ID}"


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def test_the_documents_page_links_to_a_draft_of_each_plan(client: TestClient, world: World) -> None:
    login(client)
    html = client.get(f"/documents?facility={CERS_ID}").text
    assert f'href="{ERP_URL}"' in html and f'href="{TRAINING_URL}"' in html
    assert text_of(html).count("No plan yet? Get a draft filled from your filing (PDF)") == 2
    assert "/documents/draft/site-map" not in html


def test_a_user_with_a_role_downloads_each_draft_as_a_pdf(client: TestClient, world: World, db: Session) -> None:
    login(client)
    for url, title, element in ((ERP_URL, "Emergency Response / Contingency Plan", "emergency_response_plan"),
                                (TRAINING_URL, "Employee Training Plan", "employee_training_plan")):
        response = client.get(url)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert response.headers["content-disposition"] == (
            f'attachment; filename="CERSID_{CERS_ID}_{element}_DRAFT.pdf"')
        assert response.headers["cache-control"] == "no-store"
        text = _text(response.content)
        assert title in text and "Valley Auto Repair" in text and CERS_ID in text and "800-852-7550" in text
    db.expire_all()
    drafted = db.execute(select(AuditEvent).where(AuditEvent.action == "document.draft")).scalars().all()
    assert [e.details["element"] for e in drafted] == ["emergency_response_plan", "employee_training_plan"]
    assert all(e.actor_user_id == world.lead_id and e.channel == "web" for e in drafted)


def test_logged_out_goes_to_the_log_in_page(client: TestClient, world: World) -> None:
    response = client.get(ERP_URL, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"


def test_a_user_without_a_role_on_the_facility_is_refused(client: TestClient, world: World, db: Session) -> None:
    login(client, "stranger@example.com")
    for url in (ERP_URL, TRAINING_URL):
        response = client.get(url)
        assert response.status_code == 403 and not response.content.startswith(b"%PDF")
        assert "You don't have access to Valley Auto Repair" in text_of(response.text)
    page = client.get(f"/documents?facility={CERS_ID}")
    assert page.status_code == 403  # the same refusal as the Documents page
    db.expire_all()
    assert db.execute(select(AuditEvent).where(AuditEvent.action == "document.draft")).first() is None


def test_a_wrong_or_unknown_cers_id_or_plan_gets_a_clear_message(client: TestClient, world: World) -> None:
    login(client)
    unknown = client.get("/documents/draft/training-plan?facility=29999999")
    assert unknown.status_code == 404 and "I can't find a facility with CERS ID 29999999" in text_of(unknown.text)
    wrong = client.get("/documents/draft/training-plan?facility=abc")
    assert wrong.status_code == 400 and "Which facility?" in text_of(wrong.text)
    missing = client.get("/documents/draft/training-plan")
    assert missing.status_code == 400
    plan = client.get(f"/documents/draft/site-map?facility={CERS_ID}")
    assert plan.status_code == 404 and "Employee Training Plan" in text_of(plan.text)
    for response in (unknown, wrong, missing, plan):
        assert "Traceback" not in response.text and not response.content.startswith(b"%PDF")
