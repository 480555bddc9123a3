"""Grant/deny links from the Lead User's email: GET only asks, POST (with the CSRF field) decides."""
from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select
from starlette.testclient import TestClient

from bot.actor import Actor
from bot.db import session_scope
from bot.models import AccessRequest, FacilityRole, User
from bot.services import access, facilities
from tests.web.fakes import link_in, mail_text, wait_for_mail


def _user_id(email: str) -> int:
    with session_scope() as db:
        return db.execute(select(User.id).where(User.email == email)).scalar_one()


def _request_state(request_id: int) -> tuple[str, list[str]]:
    with session_scope() as db:
        req = db.get(AccessRequest, request_id)
        roles = db.execute(select(FacilityRole.role).where(FacilityRole.facility_id == req.facility_id,
                                                            FacilityRole.user_id == req.requester_user_id)).scalars()
        return req.status, list(roles)


def _setup(active_user, smtp_server) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    """A facility led by lead@, an access request from asker@; returns (request id, grant link, deny link)."""
    lead = _user_id(active_user("lead@example.com", name="Lee Lead"))
    asker = _user_id(active_user("asker@example.com", name="Ash Asker"))
    with session_scope() as db:
        facility = facilities.create_facility(db, Actor(user_id=lead, channel="web"), "Valley Auto Repair",
                                              "1234 W Shaw Ave", "Fresno", "93711")
        request_id = access.request_access(db, Actor(user_id=asker), facility.id, "559-555-0199", "Shop manager").id
    text = mail_text(wait_for_mail(smtp_server, "lead@example.com", "/access/decide"))
    links = re.findall(r"https?://\S+/access/decide\?\S+", text)
    grant = link_in(next(u for u in links if "decision=grant" in u), "/access/decide")
    deny = link_in(next(u for u in links if "decision=deny" in u), "/access/decide")
    return request_id, grant, deny


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_get_only_asks_and_post_grants(client: TestClient, active_user, smtp_server) -> None:
    request_id, grant, _deny = _setup(active_user, smtp_server)
    page = client.get(grant)
    assert page.status_code == 200
    assert "Ash Asker" in page.text and "Valley Auto Repair" in page.text
    assert 'method="post"' in page.text
    client.get(grant)  # a mail scanner opening the link twice changes nothing
    assert _request_state(request_id) == ("pending", [])

    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    no_csrf = client.post("/access/decide", data={"token": token, "decision": "grant"})
    assert no_csrf.status_code == 403
    assert _request_state(request_id) == ("pending", [])

    done = client.post("/access/decide", data={"token": token, "decision": "grant", "csrf_token": _csrf(page.text)})
    assert done.status_code == 200, done.text
    assert "Access granted" in done.text and "Ash Asker" in done.text
    assert _request_state(request_id) == ("granted", ["user"])

    again = client.get(grant)
    assert again.status_code == 400 and "already used" in unescape(again.text)


def test_deny_link(client: TestClient, active_user, smtp_server) -> None:
    request_id, grant, deny = _setup(active_user, smtp_server)
    page = client.get(deny)
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    done = client.post("/access/decide", data={"token": token, "decision": "deny", "csrf_token": _csrf(page.text)})
    assert done.status_code == 200 and "Access denied" in done.text
    assert _request_state(request_id) == ("denied", [])
    # the grant link of the same email can't flip the decision
    assert client.get(grant).status_code != 200
    assert _request_state(request_id) == ("denied", [])


def test_incomplete_or_forged_links(client: TestClient, db) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/access/decide?token=abc").status_code == 400
    assert client.get("/access/decide?token=abc&decision=maybe").status_code == 400
    forged = client.get("/access/decide?token=not-a-token&decision=grant")
    assert forged.status_code == 400 and "can't be used" in unescape(forged.text)
