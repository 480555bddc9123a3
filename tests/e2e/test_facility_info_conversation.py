"""Facility Information through Rasa's REST channel (issue 4): both forms filled completely with digressions,
an explanation, a correction, "go back" and rejected answers; every field checked in the database; a new
browser session resumes at the same question; killing the Rasa server and the action server mid-form
loses nothing."""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Dict, List, Optional

import httpx
import pytest

from bot.actor import Actor
from bot.db import session_scope
from bot.facility_info import dialogue, service
from bot.models import Facility, User
from bot.services.conversation_auth import issue_token
from tests.e2e.chat import Conversation
from tests.e2e.flows import click
from tests.e2e.servers import Stack, kill, respawn
from tests.e2e.test_filing_permissions import active_user_with_facility

pytestmark = pytest.mark.e2e

# How a filer answers each question (the key the engine is asking, from the database and the tracker).
BA_ANSWERS = {
    "hm_on_site": "yes we have diesel and motor oil",
    "calarp_regulated_substances": "no",
    "own_or_operate_ust": "nope",
    "own_or_operate_apst": "no we dont",
    "hw_generator": "yeah, used oil and old filters",
    "recycle": "no",
    "onsite_hw_treatment": "no",
    "financial_assurance": "no",
    "rw_consolidation_site": "no",
    "hw_tank_closure": "nah",
    "rcra_large_quantity_generator": "no",
    "hhw_collection": "no",
    "epa_id": "cal 000-123-456",
    "comments": "no comments",
    "summary:business_activities": "looks right",
}
OO_ANSWERS = {
    "business_name": "Valley Auto Repair",
    "phone": "559 555 0100",
    "mailing_address": "4410 N Blackstone Ave",
    "mailing_city": "Fresno",
    "mailing_state": "CA",
    "mailing_zip": "93726",
    "operator_name": "Jose Ramirez",
    "operator_phone": "(559) 555-0111",
    "owner_name": "Ana Ramirez",
    "owner_phone": "559.555.0112",
    "owner_mail_address": "4410 N Blackstone Ave",
    "owner_city": "Fresno",
    "owner_state": "ca",
    "owner_zip": "93726",
    "econtact_name": "Ana Ramirez",
    "econtact_phone": "559-555-0112",
    "econtact_email": "ana@valleyauto.example.com",
    "econtact_mail_address": "4410 N Blackstone Ave",
    "econtact_city": "Fresno",
    "econtact_state": "CA",
    "econtact_zip": "93726",
    "pec_name": "Luis Ortega",
    "pec_title": "shop foreman",
    "pec_business_phone": "559-555-0120",
    "pec_24hr_phone": "559 555 0121",
    "sec_name": "skip",
    "billing_contact_name": "Maria Lopez",
    "billing_contact_phone": "559-555-0130",
    "billing_contact_email": "billing@valleyauto.example.com",
    "billing_address": "1200 Van Ness Ave",
    "billing_city": "Fresno",
    "billing_state": "California",
    "billing_zip": "93721",
    "document_preparer_name": "Ana Ramirez",
    "identification_signer_name": "Ana Ramirez",
    "identification_signer_title": "Owner",
    "identification_signed_date": "today",
    "same_as_business:owner": "yes",
    "same_as_business:econtact": "yes, same",
    "same_as_business:billing": "no it's different",
    "summary:owner_operator": "yes that's all correct",
}
ANSWERS = {**BA_ANSWERS, **OO_ANSWERS}


class Filer:
    """A Lead User filling Facility Information: a new one (an account and a facility made for the test), or
    `user` and `facility` already made (detached rows) in the conversation `conv`."""

    def __init__(self, stack: Stack, name: str, facility_name: str, *, user: Optional[User] = None,
                 facility: Optional[Facility] = None, conv: Optional[Conversation] = None) -> None:
        self.stack = stack
        if user is None or facility is None:
            user, facility = active_user_with_facility(name, facility_name, "4410 N Blackstone Ave", "Fresno", "93726")
        self.user, self.facility = user, facility
        self.actor = Actor(user_id=self.user.id, channel="chat")
        self.conv = conv or self.new_conversation()

    def new_conversation(self) -> Conversation:
        conv = Conversation(self.stack.rasa_url)
        conv.token = issue_token(self.user.id, conv.sender)
        return conv

    def slot(self, name: str) -> Any:
        tracker = httpx.get(f"{self.stack.rasa_url}/conversations/{self.conv.sender}/tracker",
                             params=self.stack.rasa_api, timeout=30).json()
        return tracker["slots"].get(name)

    def key(self, state: Optional[Dict[str, Any]] = None) -> Optional[str]:
        st = self.slot("fi_state") if state is None else state
        with session_scope() as db:
            return dialogue.current_key(db, self.actor, self.facility.id, st if isinstance(st, dict) else {})

    def active_loop(self) -> Optional[str]:
        tracker = httpx.get(f"{self.stack.rasa_url}/conversations/{self.conv.sender}/tracker",
                             params=self.stack.rasa_api, timeout=30).json()
        return (tracker.get("active_loop") or {}).get("name")


def answer_until(filer: Filer, stop: Callable[[Optional[str], int], bool], extra: Optional[Dict[int, Callable[[str], None]]] = None,
                 limit: int = 120) -> List[str]:
    """Answer the current question with ANSWERS until `stop(key, turn)`; `extra[turn](key)` runs before turn."""
    asked: List[str] = []
    for turn in range(limit):
        key = filer.key()
        if stop(key, turn):
            return asked
        if len(asked) >= 3 and asked[-3:] == [key] * 3:
            raise AssertionError(f"stuck at {key!r}\n{filer.conv.transcript()[-6000:]}")
        assert key in ANSWERS, f"no answer for {key!r}\n{filer.conv.transcript()[-4000:]}"
        if extra and turn in extra:
            extra[turn](key)
            assert filer.key() == key, f"the question changed after a digression at {key}\n{filer.conv.transcript()[-3000:]}"
        asked.append(key)
        filer.conv.say(ANSWERS[key])
    raise AssertionError(f"form did not finish in {limit} turns\n{filer.conv.transcript()[-4000:]}")


def check_everything_saved(filer: Filer) -> None:
    with session_scope() as db:
        ba = service.get_business_activities(db, filer.actor, filer.facility.id)
        oo = service.get_owner_operator(db, filer.actor, filer.facility.id)
        info = service.get_facility_info_state(db, filer.actor, filer.facility.id)
    assert ba["hm_on_site"] is True and ba["hw_generator"] is True
    for key in ("calarp_regulated_substances", "own_or_operate_ust", "own_or_operate_apst", "recycle",
                "onsite_hw_treatment", "rw_consolidation_site", "hw_tank_closure", "hhw_collection"):
        assert ba[key] is False, (key, ba[key])
    assert ba["epa_id"] == "CAL000123456"
    assert info.ba_confirmed_at is not None and info.oo_confirmed_at is not None
    expected = {
        "business_name": "Valley Auto Repair", "operator_name": "Jose Ramirez", "operator_phone": "(559) 555-0111",
        "owner_name": "Ana Ramirez", "owner_phone": "(559) 555-0199",  # corrected mid-form
        "owner_mail_address": "4410 N Blackstone Ave", "owner_city": "Fresno", "owner_state": "CA", "owner_zip": "93726",
        "econtact_mail_address": "4410 N Blackstone Ave", "econtact_city": "Fresno", "econtact_zip": "93726",
        "pec_name": "Luis Ortega", "pec_business_phone": "(559) 555-0120", "pec_24hr_phone": "(559) 555-0121",
        "billing_contact_name": "Maria Lopez",  # pre-filled from the account, corrected after the form
        "billing_contact_phone": "(559) 555-0142", "billing_address": "1200 Van Ness Ave",
        "billing_city": "Fresno", "billing_state": "CA", "billing_zip": "93721",
        "document_preparer_name": "Ana Ramirez", "identification_signer_name": "Ana Ramirez",
        "identification_signer_title": "Owner",
    }
    for key, value in expected.items():
        assert oo[key] == value, (key, oo[key], value)
    assert oo["sec_name"] in (None, "")
    signed = oo["identification_signed_date"]
    assert signed is not None and abs((dt.date.fromisoformat(str(signed)) - dt.date.today()).days) <= 1


def test_fill_facility_information_with_corrections_digressions_and_resume(stack: Stack) -> None:
    filer = Filer(stack, "Ana Ramirez", "Valley Auto Repair")
    replies = filer.conv.say("/logged_in")
    replies = filer.conv.say("lets keep going with my filing")
    assert filer.active_loop() == "facility_info_form", filer.conv.transcript()
    assert "?" in Conversation.text(replies)

    def digress(key: str) -> None:
        replies = filer.conv.say("what is a CUPA?")
        assert "unified program" in Conversation.text(replies).lower(), filer.conv.transcript()

    def explain(key: str) -> None:
        replies = filer.conv.say("what does this mean?")
        assert len(Conversation.text(replies)) > 80, filer.conv.transcript()

    # Business Activities: a question in the middle, an explanation, then "go back" to re-answer.
    answer_until(filer, lambda key, turn: turn == 4, extra={1: digress, 2: explain})
    before = filer.key()
    filer.conv.say("go back")
    back = filer.key()
    assert back != before and back in BA_ANSWERS, filer.conv.transcript()
    filer.conv.say(ANSWERS[back])
    assert filer.key() == before, filer.conv.transcript()

    # A new browser session after logging in again: same question, earlier answers kept.
    at = filer.key()
    filer.conv = filer.new_conversation()
    replies = filer.conv.say("/logged_in")
    assert "welcome back" in Conversation.text(replies).lower(), filer.conv.transcript()
    click(filer.conv, replies, "continue")
    assert filer.active_loop() == "facility_info_form" and filer.key() == at, filer.conv.transcript()

    # Owner/Operator: a ZIP outside California and a bad email are refused, nothing else changes.
    answer_until(filer, lambda key, turn: key == "billing_zip")
    replies = filer.conv.say("90210-12")
    assert filer.key() == "billing_zip", filer.conv.transcript()
    filer.conv.say(ANSWERS["billing_zip"])
    # a correction of an earlier field, then the form goes on where it was
    at = filer.key()
    replies = filer.conv.say("actually change the owner phone to 559-555-0199")
    assert "0199" in Conversation.text(replies), filer.conv.transcript()
    assert filer.key() == at, filer.conv.transcript()
    replies = filer.conv.say("where am i")
    assert "business activities" in Conversation.text(replies).lower(), filer.conv.transcript()
    answer_until(filer, lambda key, turn: key is None)
    assert filer.active_loop() is None, filer.conv.transcript()
    # a correction after the form is finished (the billing contact was pre-filled from the account)
    replies = filer.conv.say("the billing contact should be Maria Lopez")
    assert "maria lopez" in Conversation.text(replies).lower(), filer.conv.transcript()
    check_everything_saved(filer)


def test_killing_rasa_and_the_action_server_mid_form_loses_nothing(stack: Stack) -> None:
    filer = Filer(stack, "Rosa Chavez", "Chavez Body Shop")
    filer.conv.say("continue my filing")
    asked = answer_until(filer, lambda key, turn: turn == 6)
    at = filer.key()
    with session_scope() as db:
        saved = service.get_business_activities(db, filer.actor, filer.facility.id)
    kill(stack, "rasa")
    kill(stack, "actions")
    respawn(stack, "actions")
    respawn(stack, "rasa")
    assert filer.active_loop() == "facility_info_form"
    assert filer.key() == at
    with session_scope() as db:
        assert service.get_business_activities(db, filer.actor, filer.facility.id) == saved
    answer_until(filer, lambda key, turn: key is None)
    assert len(asked) == 6
    check_everything_saved_after_restart(filer)


def check_everything_saved_after_restart(filer: Filer) -> None:
    with session_scope() as db:
        ba = service.get_business_activities(db, filer.actor, filer.facility.id)
        oo = service.get_owner_operator(db, filer.actor, filer.facility.id)
        info = service.get_facility_info_state(db, filer.actor, filer.facility.id)
    assert ba["hm_on_site"] is True and ba["own_or_operate_ust"] is False and ba["epa_id"] == "CAL000123456"
    assert oo["pec_24hr_phone"] == "(559) 555-0121" and oo["billing_zip"] == "93721"
    assert oo["identification_signer_title"] == "Owner"
    assert info.oo_confirmed_at is not None
