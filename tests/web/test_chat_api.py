"""POST /api/chat: forwarding to Rasa, the conversation token and client claim in the metadata, what is
refused, and what is screened out before Rasa (which keeps everything in its tracker store) sees it."""
from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from bot import errors
from bot.config import reset_settings
from bot.services import conversation_auth
from bot.web.sessions import CONV_COOKIE
from tests.web.conftest import PASSWORD
from tests.web.fakes import FakeRasa, free_port


def test_anonymous_message_is_forwarded_without_token(client: TestClient, fake_rasa: FakeRasa) -> None:
    client.get("/")
    conv = client.cookies[CONV_COOKIE]
    response = client.post("/api/chat", json={"message": "  hello there "})
    assert response.status_code == 200
    assert response.json() == [{"recipient_id": conv, "text": "echo: hello there"}]
    [sent] = fake_rasa.requests
    assert (sent["sender"], sent["message"]) == (conv, "hello there") and "auth_token" not in sent["metadata"]
    # the web server vouches for the browser's IP (for the sign-up throttles), for this conversation only
    assert conversation_auth.verify_client_claim(sent["metadata"]["client"], conv) == "testclient"


def test_first_chat_without_page_visit_gets_a_conversation_cookie(client: TestClient, fake_rasa: FakeRasa) -> None:
    response = client.post("/api/chat", json={"message": "hi"})
    assert response.status_code == 200
    conv = response.cookies.get(CONV_COOKIE)
    assert conv and fake_rasa.requests[0]["sender"] == conv
    client.post("/api/chat", json={"message": "again"})
    assert fake_rasa.requests[1]["sender"] == conv  # the same conversation continues


def test_logged_in_message_carries_a_token_for_this_user_and_conversation(
    client: TestClient, fake_rasa: FakeRasa, active_user
) -> None:
    email = active_user("owner@example.com")
    client.get("/")
    before = client.cookies[CONV_COOKIE]
    login = client.post("/api/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    conv = client.cookies[CONV_COOKIE]
    assert conv != before  # a login starts a new conversation
    client.post("/api/chat", json={"message": "/logged_in"})
    sent = fake_rasa.requests[-1]
    assert sent["sender"] == conv and sent["message"] == "/logged_in"
    identity = conversation_auth.verify_token(sent["metadata"]["auth_token"], conv)
    with pytest.raises(errors.InvalidToken):  # bound to this conversation only
        conversation_auth.verify_token(sent["metadata"]["auth_token"], "another-conversation")
    assert "token" not in login.json()  # the page never holds a token: the web server signs one per message

    client.post("/api/logout", json={})
    client.post("/api/chat", json={"message": "who am I"})
    after = fake_rasa.requests[-1]
    assert "auth_token" not in after["metadata"] and after["sender"] != conv  # a new, anonymous conversation
    from bot.db import session_scope

    with session_scope() as db:  # and the token signed before the log-out no longer holds
        with pytest.raises(errors.InvalidToken):
            conversation_auth.check_current(db, identity)


def test_forged_session_cookie_is_anonymous(client: TestClient, fake_rasa: FakeRasa) -> None:
    client.cookies.set("cers_session", "eyJ1aWQiOjF9.forged.signature")
    assert client.post("/api/chat", json={"message": "hi"}).status_code == 200
    assert "auth_token" not in fake_rasa.requests[-1]["metadata"]


def test_rasa_down_gives_503_with_a_clear_message(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_URL", f"http://127.0.0.1:{free_port()}")
    reset_settings()
    response = client.post("/api/chat", json={"message": "hello"})
    assert response.status_code == 503
    assert response.json() == {"error": "The assistant is starting or unavailable, try again in a minute."}


@pytest.mark.parametrize(
    "body, expected",
    [
        ({"message": "x" * 2001}, "limit is 2,000"),
        ({"message": "   "}, "empty"),
        ({"message": 42}, "as text"),
        ({}, "as text"),
        ({"message": '/inform{"email": "x@example.com"}'}, "can't start with"),
    ],
)
def test_bad_messages_are_refused_and_not_forwarded(client: TestClient, fake_rasa: FakeRasa, body, expected) -> None:
    response = client.post("/api/chat", json=body)
    assert response.status_code == 400
    assert expected in response.json()["errors"][0]
    assert fake_rasa.requests == []


def test_page_triggers_and_signed_buttons_are_forwarded(client: TestClient, fake_rasa: FakeRasa) -> None:
    payload = '/choose_facility{"facility_id": "12"}'
    fake_rasa.reply = lambda body: [{"text": "Pick one", "buttons": [{"title": "Shop", "payload": payload}]}]
    client.get("/")
    reply = client.post("/api/chat", json={"message": "/sign_up"}).json()
    assert fake_rasa.messages == ["/sign_up"]
    button = reply[0]["buttons"][0]
    assert button["payload"] == payload and button["title"] == "Shop"

    assert client.post("/api/chat", json={"message": payload, "sig": button["sig"]}).status_code == 200
    assert fake_rasa.messages[-1] == payload
    # a payload the bot did not offer, or a signature copied onto another payload, is refused
    forged = client.post("/api/chat", json={"message": '/choose_facility{"facility_id": "13"}', "sig": button["sig"]})
    assert forged.status_code == 400
    # ...and so is a signature from another conversation
    other = TestClient(client.app)
    other.get("/")
    assert other.post("/api/chat", json={"message": payload, "sig": button["sig"]}).status_code == 400
    assert len(fake_rasa.requests) == 2


def test_json_endpoints_refuse_other_content_types_and_other_sites(client: TestClient, fake_rasa: FakeRasa) -> None:
    form = client.post("/api/chat", data={"message": "hi"})
    assert form.status_code == 415
    evil = client.post("/api/chat", json={"message": "hi"}, headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403
    cross = client.post("/api/chat", json={"message": "hi"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403
    same = client.post("/api/chat", json={"message": "hi"}, headers={"Origin": "http://testserver"})
    assert same.status_code == 200
    hidden = client.post("/api/chat", json={"message": "hi again"},
                         headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"})
    assert hidden.status_code == 200  # a browser hiding the origin but vouching same-origin
    assert client.post("/api/chat", json={"message": "x"}, headers={"Origin": "null"}).status_code == 403
    assert fake_rasa.messages == ["hi", "hi again"]


# --- screened before Rasa sees it -------------------------------------------------------------------------
@pytest.mark.parametrize("message", ["Tamarack-Glen-4471", "my password is Harbor7Lantern",
                                     "password: hunter2hunter2", "Harbor7Lantern"])
def test_a_password_typed_into_the_chat_is_never_forwarded(client: TestClient, fake_rasa: FakeRasa, message) -> None:
    response = client.post("/api/chat", json={"message": message})
    assert response.status_code == 200
    assert "looked like a password" in response.json()[0]["text"]
    assert fake_rasa.requests == []


@pytest.mark.parametrize("message", ["2-Butoxyethanol", "we keep 55 gallons of 1,1,1-trichloroethane",
                                     "CAL000123456", "maria.lopez@example.com", "(559) 555-0123", "10149706",
                                     "the password form didn't open"])
def test_ordinary_answers_are_not_taken_for_passwords(client: TestClient, fake_rasa: FakeRasa, message) -> None:
    assert client.post("/api/chat", json={"message": message}).status_code == 200
    assert fake_rasa.messages == [message]


def test_a_pasted_one_time_link_reaches_rasa_without_its_token(client: TestClient, fake_rasa: FakeRasa) -> None:
    secret = "Zq3Yk2m9Xw8L4vP1sR7tU6aB5cD0eF2gH4jK8nM1pQ3"
    client.post("/api/chat", json={"message": f"the link http://127.0.0.1:8000/account/password?token={secret} fails"})
    client.post("/api/chat", json={"message": f"it says {secret}"})
    assert secret not in str(fake_rasa.requests)
    assert fake_rasa.messages[0].startswith("the link http://127.0.0.1:8000/account/password?token=[removed]")


def test_a_lone_surrogate_is_a_clear_400_not_a_server_error(client: TestClient, fake_rasa: FakeRasa) -> None:
    response = client.post("/api/chat", content=b'{"message": "hi \\ud800 there"}',
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and "valid text" in response.json()["errors"][0]
    assert fake_rasa.requests == []


def test_a_big_json_body_is_refused_before_it_is_read(client: TestClient, fake_rasa: FakeRasa) -> None:
    declared = client.post("/api/chat", content=b"{}", headers={"Content-Type": "application/json",
                                                               "Content-Length": str(5 * 1024 * 1024)})
    assert declared.status_code == 413
    streamed = client.post("/api/chat", content=iter([b'{"message": "', b"x" * 70_000, b'"}']),
                           headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413 and "too large" in streamed.json()["errors"][0]
    assert fake_rasa.requests == []
