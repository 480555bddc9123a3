"""Property-based fuzzing (hypothesis) of the two endpoints that take the most arbitrary input: the chat proxy
and the inventory upload. Whatever is sent, the answer is never a server error (500), and an answer with a
body always has `ok: false` or a list of replies."""
from __future__ import annotations

import io
import json
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from bot import passwords
from bot.excel.template import HEADERS
from bot.models import Facility, FacilityRole, User
from bot.timeutil import utcnow
from tests.web.fakes import FakeRasa

FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
PASSWORD = "Harbor7Lantern"
CERS_ID = "10000042"

# Text with everything people (and attackers) send: any code point, and - often, so they are really tried -
# lone surrogates, NUL and other controls, RTL marks, JSON and payload syntax, astral characters.
SPECIAL = ["\ud800", "\udfff", "\udc80", "\x00", "\x1b", "\u202e", "\ufeff", "/", "{", "}", '"', "\\", "\n",
           "é", "\U0001d54f", "=", "@"]
# (built from lists: hypothesis' text() leaves lone surrogates out, and they are what broke the proxy)
any_text = st.lists(st.one_of(st.characters(min_codepoint=0, max_codepoint=0x10FFFF), st.sampled_from(SPECIAL)),
                    max_size=300).map("".join)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | any_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=12,
)
chat_bodies = st.one_of(
    st.fixed_dictionaries({"message": any_text}),
    st.fixed_dictionaries({"message": any_text, "sig": any_text}),
    st.dictionaries(st.sampled_from(["message", "sig", "metadata", "sender"]), json_values, max_size=4),
    json_values,
)


def _raw_json(value: Any) -> bytes:
    # ensure_ascii keeps lone surrogates as \\udxxx escapes, the way a hostile client can send them
    return json.dumps(value, ensure_ascii=True).encode()


@pytest.fixture
def lead(db: Session) -> None:
    user = User(email="lead@example.com", full_name="Lee Lead", phone="(559) 555-0100",
                password_hash=passwords.hash_password(PASSWORD), status="active", is_inspector=False,
                is_staff=False, failed_logins=0, created_at=utcnow(), activated_at=utcnow())
    facility = Facility(cers_id=CERS_ID, name="Valley Auto Repair", street="1234 W Shaw Ave", street_number="1234",
                        city="Fresno", zip="93711", created_at=utcnow())
    db.add_all([user, facility])
    db.flush()
    db.add(FacilityRole(user_id=user.id, facility_id=facility.id, role="lead", granted_at=utcnow()))
    db.commit()


@FUZZ
@given(body=chat_bodies, content_type=st.sampled_from(["application/json", "application/json; charset=utf-8",
                                                      "text/plain", ""]))
def test_the_chat_proxy_never_fails_with_a_server_error(client: TestClient, fake_rasa: FakeRasa, body: Any,
                                                        content_type: str) -> None:
    response = client.post("/api/chat", content=_raw_json(body), headers={"Content-Type": content_type})
    assert response.status_code < 500 or response.status_code == 503, response.text
    answer = response.json()
    assert isinstance(answer, list) or answer.get("ok") is False


@FUZZ
@given(raw=st.binary(max_size=2000))
def test_the_chat_proxy_takes_any_bytes(client: TestClient, fake_rasa: FakeRasa, raw: bytes) -> None:
    response = client.post("/api/chat", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code < 500, response.text


cell_values = st.one_of(st.none(), st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
                        st.text(max_size=60).map(lambda s: "".join(ch for ch in s if ch.isprintable())),
                        st.sampled_from(["=1+1", "@SUM(A1)", "+cmd", "-", "Y", "N", "a", "b", "c", "gallons"]))


def _workbook(rows: list[dict[str, Any]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for r in rows:
        ws.append([r.get(h) for h in HEADERS])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


files = st.one_of(
    st.binary(max_size=4000),
    st.lists(st.dictionaries(st.sampled_from(HEADERS), cell_values, max_size=8), max_size=5).map(_workbook),
    st.tuples(st.lists(st.dictionaries(st.sampled_from(HEADERS), cell_values, max_size=4), max_size=2),
              st.integers(0, 3000)).map(lambda t: _workbook(t[0])[: t[1] or None]),  # cut short
)


@FUZZ
@given(data=files, mode=st.sampled_from(["", "replace", "append", "REPLACE", "sideways"]),
       valid=st.sampled_from(["", "1", "yes", "x"]), facility=st.sampled_from([CERS_ID, "", "abc", "29999998"]),
       filename=any_text)
def test_the_upload_endpoint_never_fails_with_a_server_error(client: TestClient, lead: None, data: bytes, mode: str,
                                                             valid: str, facility: str, filename: str) -> None:
    if client.cookies.get("cers_session") is None:
        assert client.post("/api/login", json={"email": "lead@example.com", "password": PASSWORD}).status_code == 200
    safe_name = filename.encode("utf-8", "replace").decode("utf-8")[:80] or "f.xlsx"
    response = client.post(f"/api/inventory/upload?facility={facility}",
                           data={"mode": mode, "valid_rows_only": valid, "facility": facility},
                           files={"file": (safe_name, data, "application/octet-stream")})
    assert response.status_code < 500, response.text
    assert isinstance(response.json()["errors"], list)


@FUZZ
@given(raw=st.binary(max_size=3000), boundary=st.text(alphabet="abcdefXYZ0123456789-'", min_size=0, max_size=70))
def test_the_upload_endpoint_takes_any_multipart_bytes(client: TestClient, lead: None, raw: bytes,
                                                       boundary: str) -> None:
    if client.cookies.get("cers_session") is None:
        assert client.post("/api/login", json={"email": "lead@example.com", "password": PASSWORD}).status_code == 200
    response = client.post(f"/api/inventory/upload?facility={CERS_ID}", content=raw,
                           headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code < 500, response.text
