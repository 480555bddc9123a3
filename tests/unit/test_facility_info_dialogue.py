"""The Facility Information conversation engine (bot.facility_info.dialogue) driven through prompt/handle with
the replies real filers type, on a real database: every answer is checked in the tables, and the things a
filer does besides answering (ask what a question means, correct an earlier answer, go back, skip, leave and
come back) are checked to change exactly what they should."""
from __future__ import annotations

import json
from typing import Any, Optional

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from bot.actor import Actor
from bot.dialogue import Turn
from tests.unit.conftest import audit_rows
from tests.unit import test_facility_info as facility_info_tests
from bot.errors import PermissionDenied
from bot.facility_info import corrections, dialogue as dl, replies, service as fi
from bot.facility_info.questions import BUSINESS_QUESTION_BY_KEY, BUSINESS_QUESTIONS, OWNER_OPERATOR_FIELDS
from bot.models import (
    BUSINESS_ACTIVITY_COLUMNS,
    OWNER_OPERATOR_COLUMNS,
    AuditEvent,
    BusinessActivities,
    Facility,
    OwnerOperator,
    Submittal,
    User,
)
from bot.timeutil import utcnow


# The same Lead User and facility as the service tests (`setup` is a fixture)
setup, _user = facility_info_tests.setup, facility_info_tests._user


class Chat:
    """One conversation as a channel runs it: handle() each reply, then prompt() unless done; commit each step."""

    def __init__(self, db: Session, actor: Actor, facility_id: int, state: Optional[dict[str, Any]] = None) -> None:
        self.db, self.actor, self.fid = db, actor, facility_id
        self.state: dict[str, Any] = dict(state or {})
        self.next: Optional[Turn] = None
        self.transcript: list[str] = []

    def _log(self, who: str, turn: Turn) -> None:
        for m in turn.messages:
            self.transcript.append(f"{who}: {m.text} {[b.title for b in m.buttons] if m.buttons else ''}")

    def prompt(self) -> Turn:
        turn = dl.prompt(self.db, self.actor, self.fid, self.state)
        self.db.commit()
        assert json.loads(json.dumps(turn.state)) == turn.state  # the channel keeps it in a slot
        self.state = turn.state
        self._log("bot", turn)
        self.next = turn
        return turn

    def say(self, text: str, intent: Optional[str] = None) -> Turn:
        self.transcript.append(f"user: {text}")
        turn = dl.handle(self.db, self.actor, self.fid, self.state, text, intent)
        self.db.commit()
        assert json.loads(json.dumps(turn.state)) == turn.state
        self.state = turn.state
        self._log("bot", turn)
        self.next = None if turn.done else self.prompt()
        return turn

    @property
    def key(self) -> Optional[str]:
        return dl.current_key(self.db, self.actor, self.fid, self.state)

    def answer(self, expected_key: str, text: str, intent: Optional[str] = None) -> Turn:
        """Reply `text` to the question `expected_key`, failing with the transcript if another one is asked."""
        assert self.key == expected_key, "\n".join(self.transcript[-8:])
        return self.say(text, intent)


def _ba(db: Session) -> BusinessActivities:
    db.expire_all()
    return db.execute(select(BusinessActivities)).scalar_one()


def _oo(db: Session) -> OwnerOperator:
    db.expire_all()
    return db.execute(select(OwnerOperator)).scalar_one()


def _oo_values(db: Session) -> dict[str, Any]:
    row = _oo(db)
    return {k: getattr(row, k) for k in OWNER_OPERATOR_COLUMNS}


def _audit_count(db: Session, action: Optional[str] = None) -> int:
    q = select(func.count(AuditEvent.id))
    if action:
        q = q.where(AuditEvent.action == action)
    return db.execute(q).scalar_one()


BA_REPLIES = [  # (key, reply, stored)
    ("hm_on_site", "yeah we do, we keep 3 drums of motor oil and a 500 gallon diesel tank", True),
    ("calarp_regulated_substances", "nope", False),
    ("own_or_operate_ust", "No we don't", False),
    ("own_or_operate_apst", "not that I know of", False),
    ("hw_generator", "yes, used oil and oily rags", True),
    ("recycle", "no", False),
    ("onsite_hw_treatment", "NO", False),
    ("rw_consolidation_site", "nah", False),
    ("hw_tank_closure", "no.", False),
    ("rcra_large_quantity_generator", "no way, we're tiny", False),
    ("hhw_collection", "N", False),
]


def _answer_business_activities(chat: Chat) -> None:
    for key, reply, _stored in BA_REPLIES:
        chat.answer(key, reply)
    chat.answer("epa_id", "it's CAL 000-123-456")
    chat.answer(dl.SUMMARY_BA, "looks right")


# --- the whole conversation ------------------------------------------------------------------------------


def test_whole_facility_information_conversation(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    chat = Chat(db, actor, facility.id)
    first = chat.prompt()
    assert first.text.startswith("Business Activities, question 1 of 12:")
    assert [b.title for b in first.messages[-1].buttons] == ["Yes", "No", "What does this mean?"]
    reply = chat.answer("hm_on_site", BA_REPLIES[0][1])
    assert "Site map" in reply.text and "now required, because you said you have hazardous materials" in reply.text
    for key, text, _ in BA_REPLIES[1:]:
        chat.answer(key, text)
    assert "EPA ID" in chat.next.text
    chat.answer("epa_id", "it's CAL 000-123-456")
    summary = chat.next
    assert chat.key == dl.SUMMARY_BA
    assert "5. Hazardous waste generator: Yes" in summary.text and "EPA ID number: CAL000123456" in summary.text
    assert "Financial assurance for treatment: No (follows from your answer" in summary.text
    titles = [b.title for b in summary.messages[-1].buttons]
    assert titles[0] == "Looks right" and "Change underground storage tanks" in titles
    assert "Change financial assurance for treatment" not in titles  # a follow-up that doesn't apply
    confirmed = chat.say("looks right")
    assert "confirmed" in confirmed.text and "from the facility: Fresno Auto Repair, 1234 W Shaw Ave" in confirmed.text
    assert "you (Maria Lopez, (559) 555-0100, lead@example.com) as the environmental contact" in confirmed.text
    assert _ba(db).confirmed_at is not None and _oo(db).prefilled_at is not None

    # Owner/Operator: pre-filled business name and address are not asked
    assert chat.key == "phone" and "Owner/Operator, question 2 of" in chat.next.text
    chat.answer("phone", "our number is (559) 555-0199")
    assert "Same as the business: Fresno Auto Repair" in [b.title for b in chat.next.messages[-1].buttons]
    chat.answer("operator_name", "same as the business")
    chat.answer("operator_phone", "same")
    both = chat.answer("owner_name", "Ana Ruiz, 559.555.0142")
    assert "Also saved: owner's phone (559) 555-0142" in both.text
    assert "Is the owner's mailing address the same as the business address".lower() in chat.next.text.lower()
    chat.answer("same_as_business:owner", "no, it's different")
    address = chat.answer("owner_mail_address", "500 Main St, Visalia, CA 93291")
    assert "Got it: 500 Main St, Visalia, CA 93291." in address.text
    chat.answer("same_as_business:econtact", "yes")
    chat.answer("pec_name", "Joe Diaz")
    chat.answer("pec_title", "he's the shop manager")
    chat.answer("pec_business_phone", "559 555 0177")
    chat.answer("pec_24hr_phone", "his cell is 559-555-0178")
    ask_sec = chat.next
    assert "Skip" in [b.title for b in ask_sec.messages[-1].buttons]
    chat.answer("sec_name", "Luis Ortega")
    chat.answer("sec_title", "Mechanic")
    chat.answer("sec_business_phone", "same as the business")
    skipped = chat.answer("sec_24hr_phone", "we don't have one")
    assert "left the secondary emergency contact's 24-hour phone empty" in skipped.text
    chat.answer("same_as_business:billing", "yep")
    # certification: the why is said when it is first asked
    assert "Not Accepted" in chat.next.text and "Certification, question 2 of 4" in chat.next.text
    chat.answer("identification_signer_name", "me")
    chat.answer("identification_signer_title", "Owner")
    chat.answer("identification_signed_date", "today")
    summary = chat.next
    assert chat.key == dl.SUMMARY_OO
    assert "Owner: name: Ana Ruiz; phone: (559) 555-0142; address: 500 Main St, Visalia, CA 93291" in summary.text
    assert "signed by Maria Lopez, Owner" in summary.text
    end = chat.say("looks good")
    assert end.done is True and "Facility Information is complete" in end.text
    assert dl.is_finished(db, actor, facility.id, chat.state) and dl.current_key(db, actor, facility.id, {}) is None

    # every column as stored
    ba = _ba(db)
    expected_ba = {k: stored for k, _, stored in BA_REPLIES}
    expected_ba["financial_assurance"] = None  # not asked: it follows from "no onsite treatment"
    assert {k: getattr(ba, k) for k in BUSINESS_ACTIVITY_COLUMNS} == expected_ba
    assert (ba.epa_id, ba.epa_id_skipped, ba.comments) == ("CAL000123456", None, None)
    expected_oo = {k: None for k in OWNER_OPERATOR_COLUMNS}
    expected_oo.update(
        business_name="Fresno Auto Repair", phone="(559) 555-0199", mailing_address="1234 W Shaw Ave",
        mailing_city="Fresno", mailing_state="CA", mailing_zip="93711",
        operator_name="Fresno Auto Repair", operator_phone="(559) 555-0199",
        owner_name="Ana Ruiz", owner_phone="(559) 555-0142", owner_mail_address="500 Main St", owner_city="Visalia",
        owner_state="CA", owner_zip="93291",
        econtact_name="Maria Lopez", econtact_phone="(559) 555-0100", econtact_email="lead@example.com",
        econtact_mail_address="1234 W Shaw Ave", econtact_city="Fresno", econtact_state="CA", econtact_zip="93711",
        econtact_country="United States",
        pec_name="Joe Diaz", pec_title="shop manager", pec_business_phone="(559) 555-0177",
        pec_24hr_phone="(559) 555-0178",
        sec_name="Luis Ortega", sec_title="Mechanic", sec_business_phone="(559) 555-0199",
        billing_contact_name="Maria Lopez", billing_contact_phone="(559) 555-0100",
        billing_contact_email="lead@example.com", billing_address="1234 W Shaw Ave", billing_city="Fresno",
        billing_state="CA", billing_zip="93711", billing_country="United States",
        document_preparer_name="Maria Lopez", identification_signer_name="Maria Lopez",
        identification_signer_title="Owner", identification_signed_date=utcnow().date(),
    )
    assert _oo_values(db) == expected_oo
    oo = _oo(db)
    assert oo.skipped == ["sec_24hr_phone"]
    assert oo.same_as_business == {"owner": False, "econtact": True, "billing": True}
    assert oo.confirmed_at is not None and oo.updated_by_user_id == actor.user_id
    assert _audit_count(db, "business_activities.confirm") == 1 and _audit_count(db, "owner_operator.confirm") == 1
    assert _audit_count(db, "owner_operator.prefill") == 1
    assert fi.checklist(db, actor, facility.id)[1].status == "complete"


# --- yes / no ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reply,intent,expected", [
    ("yes", None, True), ("Yep", None, True), ("yeah we do", None, True), ("YES", None, True),
    ("we have a 500 gallon diesel tank", None, True), ("yse", None, True), ("sure do", None, True),
    ("there's a couple of drums of solvent in back", None, True), ("Yes!!", "deny", True),
    ("nope", None, False), ("no we don't", None, False), ("not that I know of", None, False),
    ("NO", None, False), ("nah", None, False), ("we don't have anything like that", None, False),
    ("no wait, yes", None, True), ("nopw", None, False), ("of course not", None, False),
    ("si", "affirm", True), ("k", "affirm", True), ("/affirm", None, True), ("/deny", None, False),
])
def test_yes_no_replies(db: Session, setup: tuple[Actor, Facility], reply: str, intent: Optional[str],
                        expected: bool) -> None:
    actor, facility = setup
    chat = Chat(db, actor, facility.id)
    chat.prompt()
    chat.answer("hm_on_site", reply, intent)
    assert _ba(db).hm_on_site is expected
    assert chat.key == "calarp_regulated_substances"


@pytest.mark.parametrize("reply,says", [
    ("I don't know", "Please answer yes or no; you can change it later."),
    ("maybe", "Please answer yes or no; you can change it later."),
    ("does propane count?", "For propane, check with your CUPA"),  # a question: the explanation
    ("123", "Please answer yes or no."), ("yes and no", "Please answer yes or no."),
    ("the blue one", "Please answer yes or no."),
])
def test_unclear_yes_no_asks_again(db: Session, setup: tuple[Actor, Facility], reply: str, says: str) -> None:
    actor, facility = setup
    chat = Chat(db, actor, facility.id)
    chat.prompt()
    turn = chat.answer("hm_on_site", reply)
    assert says in turn.text
    assert chat.key == "hm_on_site"
    assert db.execute(select(BusinessActivities)).scalar_one_or_none() is None  # nothing written
    assert [b.title for b in chat.next.messages[-1].buttons] == ["Yes", "No", "What does this mean?"]


def test_skip_is_not_an_answer_to_a_yes_no_question(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    chat = Chat(db, actor, facility.id)
    chat.prompt()
    turn = chat.answer("hm_on_site", "skip", "skip_question")
    assert "needs a yes or no" in turn.text and chat.key == "hm_on_site"


# --- explanations ---------------------------------------------------------------------------------------------


def test_explanations(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    chat = Chat(db, actor, facility.id)
    chat.prompt()
    chat.answer("hm_on_site", "yes")
    chat.answer("calarp_regulated_substances", "no")
    turn = chat.answer("own_or_operate_ust", "what does this mean?")
    q = BUSINESS_QUESTION_BY_KEY["own_or_operate_ust"]
    assert q.explanation in turn.text and "Underground Storage Tank (UST) forms" in turn.text
    assert chat.key == "own_or_operate_ust" and q.question in chat.next.text  # asked again
    assert _ba(db).own_or_operate_ust is None
    turn = chat.say("why do you need this?")
    assert q.explanation in turn.text
    turn = chat.say("huh", "explain_question")
    assert q.explanation in turn.text
    turn = chat.say("what's an EPA ID number?")  # about another question
    assert "Department of Toxic Substances Control" in turn.text
    turn = chat.say("what is an aboveground petroleum tank", "explain_question")
    assert BUSINESS_QUESTION_BY_KEY["own_or_operate_apst"].explanation in turn.text
    assert chat.key == "own_or_operate_ust"
    for key, reply, _ in BA_REPLIES[2:]:
        chat.answer(key, reply)
    chat.answer("epa_id", "CAL000123456")
    chat.answer(dl.SUMMARY_BA, "yes")
    chat.answer("phone", "559-555-0199")
    turn = chat.answer("operator_name", "what do you mean by operator")
    assert "runs the business at this site day to day" in turn.text and "required" in turn.text
    turn = chat.answer("operator_name", "why?", "explain_question")
    assert "day to day" in turn.text and _oo(db).operator_name is None


# --- corrections ---------------------------------------------------------------------------------------------


def _to_owner_operator(chat: Chat) -> None:
    chat.prompt()
    _answer_business_activities(chat)


def _fill_until(chat: Chat, stop_key: str) -> None:
    answers = {"phone": "559-555-0199", "operator_name": "Pat Lee", "operator_phone": "559-555-0110",
               "owner_name": "Ana Ruiz", "owner_phone": "559-555-0142", "same_as_business:owner": "no",
               "owner_mail_address": "500 Main St, Visalia, CA 93291", "same_as_business:econtact": "yes",
               "pec_name": "Joe Diaz", "pec_title": "Manager", "pec_business_phone": "559-555-0177",
               "pec_24hr_phone": "559-555-0178", "sec_name": "no secondary contact",
               "same_as_business:billing": "yes", "identification_signer_name": "Maria Lopez",
               "identification_signer_title": "Owner", "identification_signed_date": "today"}
    while chat.key != stop_key:
        key = chat.key
        assert key in answers, "\n".join(chat.transcript[-6:])
        chat.say(answers[key])


def test_correction_with_a_value(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    chat = Chat(db, actor, facility.id)
    _to_owner_operator(chat)
    _fill_until(chat, "sec_name")
    turn = chat.say("change the emergency phone to 559-555-0123")
    assert turn.text == ("Changed the primary emergency contact's 24-hour phone from (559) 555-0178 to "
                         "(559) 555-0123.")
    assert _oo(db).pec_24hr_phone == "(559) 555-0123" and _oo(db).pec_business_phone == "(559) 555-0177"
    assert chat.key == "sec_name"  # the form goes on where it was
    turn = chat.say("actually the owner is Maria Lopez")
    assert "Changed the owner's name from Ana Ruiz to Maria Lopez." == turn.text and _oo(db).owner_name == "Maria Lopez"
    turn = chat.say("wait the operator phone is 209 555 1111 not 1112")
    assert _oo(db).operator_phone == "(209) 555-1111" and "(209) 555-1111" in turn.text
    turn = chat.say("change the 24 hr phone to (559) 555-0124", "correct_field")
    assert _oo(db).pec_24hr_phone == "(559) 555-0124"
    turn = chat.say("change the underground tank answer to yes")
    assert "Changed your answer about underground storage tanks from no to yes." in turn.text
    assert "Underground Storage Tank (UST) forms" in turn.text and "now required" in turn.text
    assert _ba(db).own_or_operate_ust is True
    assert _ba(db).confirmed_at is not None  # a deliberate fix that leaves the page complete keeps it
    assert chat.key == "sec_name"
    turn = chat.say("the signer title should be President")
    assert _oo(db).identification_signer_title == "President"
    assert chat.key == "sec_name"


def test_the_zip_is_wrong_means_the_zip_just_given(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    chat = Chat(db, actor, facility.id)
    _to_owner_operator(chat)
    _fill_until(chat, "owner_mail_address")
    chat.say("500 Main St")
    chat.answer("owner_city", "Visalia")
    chat.answer("owner_state", "CA")
    chat.answer("owner_zip", "93292")
    turn = chat.say("the zip is wrong it should be 93291")
    assert turn.text == "Changed the owner's ZIP code from 93292 to 93291."
    row = _oo(db)
    assert row.owner_zip == "93291" and row.mailing_zip == "93711"


def test_correction_without_a_value_asks_that_field_next(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    chat = Chat(db, actor, facility.id)
    _to_owner_operator(chat)
    _fill_until(chat, "pec_name")
    turn = chat.say("Change owner phone")
    assert chat.key == "owner_phone" and "owner's phone" in turn.text
    ask = chat.next
    assert "(Right now: (559) 555-0142.)" in ask.text
    assert "Keep (559) 555-0142" in [b.title for b in ask.messages[-1].buttons]
    changed = chat.say("559 555 0111")
    assert changed.text == "Changed the owner's phone from (559) 555-0142 to (559) 555-0111."
    assert _oo(db).owner_phone == "(559) 555-0111" and chat.key == "pec_name"
    chat.say("fix the business address")
    assert chat.key == "mailing_address"
    kept = chat.say("keep")
    assert "Kept the business mailing address: 1234 W Shaw Ave." == kept.text and chat.key == "pec_name"
    chat.say("fix the billing address")  # not given yet: nothing to keep
    assert chat.key == "billing_address"
    turn = chat.say("keep")
    assert "no billing address saved yet" in turn.text and chat.key == "billing_address"
    chat.say("1 Main St, Fresno, CA 93721")
    assert _oo(db).billing_address == "1 Main St" and _oo(db).billing_zip == "93721" and chat.key == "pec_name"
    # through the summary's button: the same
    chat.say("change hm_on_site")
    assert chat.key == "hm_on_site" and "(Your answer now: Yes.)" in chat.next.text
    chat.say("no")
    assert _ba(db).hm_on_site is False and chat.key == "pec_name"


def test_ambiguous_correction_asks_which(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    chat = Chat(db, actor, facility.id)
    _to_owner_operator(chat)
    _fill_until(chat, "pec_name")
    before = _oo_values(db)
    ask = chat.say("change the phone to 559-555-0123")
    assert chat.key == dl.CHOOSE
    assert ask.text.startswith("Which one should be 559-555-0123?")  # asked by handle() itself...
    assert chat.next.messages == []  # ...so the prompt right after stays silent
    assert "Which one should be" in dl.prompt(db, actor, facility.id, chat.state).text  # but asks it later
    payloads = {b.title: b.payload for b in ask.messages[-1].buttons}
    assert "Owner's phone ((559) 555-0142)" in payloads and "Never mind" in payloads
    assert _oo_values(db) == before  # nothing changed yet
    turn = chat.say(payloads["Owner's phone ((559) 555-0142)"])
    assert turn.text == "Changed the owner's phone from (559) 555-0142 to (559) 555-0123."
    after = _oo_values(db)
    assert after["owner_phone"] == "(559) 555-0123"
    del after["owner_phone"], before["owner_phone"]
    assert after == before  # nothing else
    assert chat.key == "pec_name"
    # typed instead of tapped, and "never mind"
    chat.say("the email is wrong")
    assert chat.key == dl.CHOOSE
    chat.say("the billing one")
    assert chat.key == "billing_contact_email"
    chat.say("ap@fresnoauto.com")
    assert _oo(db).billing_contact_email == "ap@fresnoauto.com" and _oo(db).econtact_email == "lead@example.com"
    chat.say("change the tank answer")
    assert chat.key == dl.CHOOSE
    turn = chat.say("never mind")
    assert "changed nothing" in turn.text and chat.key == "pec_name"


def test_invalid_correction_changes_nothing(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    chat = Chat(db, actor, facility.id)
    _to_owner_operator(chat)
    _fill_until(chat, "pec_name")
    before, audits = _oo_values(db), _audit_count(db)
    turn = chat.say("change the owner's phone to 555-0123")
    assert "area code" in turn.text
    turn = chat.say("change the owner address to 12 Main St, Fresno, CA 90210")  # 90210 isn't Fresno
    assert "90210" in turn.text
    turn = chat.say("change the signer title to boss@example.com")
    assert "email address" in turn.text
    turn = chat.say("change the pony to 5")
    assert "not sure which answer you mean" in turn.text and "owner's phone" in turn.text
    assert _oo_values(db) == before and _audit_count(db) == audits
    assert chat.key == "pec_name"


# --- go back, skip, same as the business ------------------------------------------------------------------


def test_go_back(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    chat = Chat(db, actor, facility.id)
    chat.prompt()
    chat.answer("hm_on_site", "yes")
    chat.answer("calarp_regulated_substances", "no")
    chat.answer("own_or_operate_ust", "no")
    turn = chat.answer("own_or_operate_apst", "go back")
    assert "underground storage tanks" in turn.text and chat.key == "own_or_operate_ust"
    assert "(Your answer now: No.)" in chat.next.text
    chat.say("previous question", "go_back")
    assert chat.key == "calarp_regulated_substances"
    chat.say("oops yes we do")
    assert _ba(db).calarp_regulated_substances is True
    assert chat.key == "own_or_operate_apst"  # back where it was
    # a new session: "go back" finds the last answer in the audit trail
    fresh = Chat(db, actor, facility.id)
    fresh.prompt()
    fresh.say("go back")
    assert fresh.key == "calarp_regulated_substances"


def test_skip_and_same_as_business(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    chat = Chat(db, actor, facility.id)
    _to_owner_operator(chat)
    _fill_until(chat, "same_as_business:owner")
    turn = chat.say("yes")
    assert "1234 W Shaw Ave, Fresno, CA 93711" in turn.text
    row = _oo(db)
    assert (row.owner_mail_address, row.owner_city, row.owner_state, row.owner_zip, row.owner_country) == (
        "1234 W Shaw Ave", "Fresno", "CA", "93711", "United States")
    assert chat.key == "same_as_business:econtact"
    chat.say("no")
    assert chat.key == "econtact_mail_address"
    chat.say("PO Box 55, Fresno 93721")
    row = _oo(db)
    assert (row.econtact_mail_address, row.econtact_city, row.econtact_state, row.econtact_zip) == (
        "PO Box 55", "Fresno", "CA", "93721")
    _fill_until(chat, "sec_name")
    refused = chat.say("skip")
    assert chat.key == "same_as_business:billing" and "no secondary emergency contact" in refused.text
    assert set(_oo(db).skipped) == {"sec_name", "sec_title", "sec_business_phone", "sec_24hr_phone", "sec_pager"}
    # a required field can't be skipped
    chat.say("change the operator's phone")
    turn = chat.say("n/a", "skip_question")
    assert "required, so I can't skip it" in turn.text and _oo(db).operator_phone == "(559) 555-0110"
    chat.say("keep")
    # a recommended one can, with any of the usual words
    chat.say("change the billing email")
    turn = chat.say("we don't have one")
    assert _oo(db).billing_contact_email is None and "billing_contact_email" in _oo(db).skipped
    assert chat.key == "same_as_business:billing"
    # same-as answers are kept in the database
    assert _oo(db).same_as_business == {"owner": True, "econtact": False}


def test_epa_id_not_yet(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    chat = Chat(db, actor, facility.id)
    chat.prompt()
    for key, reply, _ in BA_REPLIES:
        chat.answer(key, reply)
    turn = chat.answer("epa_id", "yes")
    assert "EPA ID number itself" in turn.text and _ba(db).epa_id is None
    turn = chat.answer("epa_id", "I don't have one")
    assert "DTSC" in turn.text and _ba(db).epa_id_skipped is True and chat.key == dl.SUMMARY_BA
    assert "EPA ID number: none yet" in chat.next.text
    chat.say("change the EPA ID to CAD 123 456 789")
    ba = _ba(db)
    assert ba.epa_id == "CAD123456789" and ba.epa_id_skipped is None


# --- resuming, confirmation, safety ----------------------------------------------------------------------------


def test_resume_with_a_fresh_state(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    chat = Chat(db, actor, facility.id)
    chat.prompt()
    for key, reply, _ in BA_REPLIES[:5]:
        chat.answer(key, reply)
    # a new browser session / restarted server: state {}
    later = Chat(db, actor, facility.id)
    turn = later.prompt()
    assert later.key == "recycle" and "question 6 of 12" in turn.text
    for key, reply, _ in BA_REPLIES[5:]:
        later.answer(key, reply)
    later.answer("epa_id", "CAL000123456")
    later.answer(dl.SUMMARY_BA, "yes")
    _fill_until(later, "owner_name")
    later.say("change the billing email")
    later.say("skip")
    third = Chat(db, actor, facility.id)
    turn = third.prompt()
    assert third.key == "owner_name" and "Who owns the business?" in turn.text
    assert "filled in" not in turn.text  # the pre-fill runs once...
    assert _oo(db).billing_contact_email is None  # ...so a skipped value is not put back
    assert _audit_count(db, "owner_operator.prefill") == 1
    answers = fi.get_business_activities(db, actor, facility.id)
    assert [answers[k] for k, _, _ in BA_REPLIES] == [stored for _, _, stored in BA_REPLIES]


def test_confirmation_kept_or_cleared(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    chat = Chat(db, actor, facility.id)
    _to_owner_operator(chat)
    confirmed = _ba(db).confirmed_at
    assert confirmed is not None
    # a fix that opens a new question: the confirmation goes, the new question and the summary come back
    chat.say("change the onsite treatment answer to yes")
    assert _ba(db).confirmed_at is None and _ba(db).onsite_hw_treatment is True
    assert chat.key == "financial_assurance"
    chat.say("no")
    assert chat.key == dl.SUMMARY_BA
    chat.say("looks right")
    assert _ba(db).confirmed_at is not None and chat.key == "phone"
    # a write from elsewhere (no keep_confirmed) clears it
    fi.set_business_activity(db, actor, facility.id, "recycle", True)
    db.commit()
    assert _ba(db).confirmed_at is None
    rows = db.execute(select(AuditEvent).where(AuditEvent.action == "business_activities.answer")
                      .order_by(AuditEvent.id.desc())).scalars().first()
    assert rows.details["confirmation_cleared"] is True


def test_password_is_never_stored(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    chat = Chat(db, actor, facility.id)
    _to_owner_operator(chat)
    _fill_until(chat, "owner_name")
    audits = _audit_count(db)
    turn = chat.say("Harbor7Lantern!")
    assert "password" in turn.text and _oo(db).owner_name is None and _audit_count(db) == audits
    turn = chat.say("change the owner to Tr0ub4dor&3x")
    assert "password" in turn.text and _oo(db).owner_name is None
    assert not any("Harbor7Lantern" in str(r.details) for r in db.execute(select(AuditEvent)).scalars())


def test_no_role_no_access(db: Session, setup: tuple[Actor, Facility]) -> None:
    _actor, facility = setup
    stranger = Actor(user_id=_user(db, "stranger@example.com").id)
    db.commit()
    audits = _audit_count(db)
    for call in (
        lambda: dl.prompt(db, stranger, facility.id, {}),
        lambda: dl.handle(db, stranger, facility.id, {}, "yes"),
        lambda: dl.handle(db, stranger, facility.id, {}, "change the owner phone to 559-555-0123"),
        lambda: dl.is_finished(db, stranger, facility.id, {}),
        lambda: dl.current_key(db, stranger, facility.id, {}),
    ):
        with pytest.raises(PermissionDenied):
            call()
        db.rollback()
    assert db.execute(select(Submittal)).scalar_one_or_none() is None
    assert db.execute(select(BusinessActivities)).scalar_one_or_none() is None
    assert _audit_count(db) == audits


def test_migration_0004_columns(db: Session) -> None:
    insp = inspect(db.get_bind())
    ba = {c["name"] for c in insp.get_columns("business_activities")}
    oo = {c["name"] for c in insp.get_columns("owner_operator")}
    assert {"confirmed_at", "epa_id_skipped"} <= ba
    assert {"confirmed_at", "prefilled_at", "same_as_business"} <= oo


# --- reading the words (pure) ------------------------------------------------------------------------------


@pytest.mark.parametrize("text,target,value,keys", [
    ("change the emergency phone to 559-555-0123", "emergency phone", "559-555-0123", ["pec_24hr_phone"]),
    ("actually the owner is Maria Lopez", "owner", "Maria Lopez", ["owner_name"]),
    ("the zip is wrong it should be 93721", "zip", "93721", None),
    ("change the underground tank answer to yes", "underground tank", "yes", ["own_or_operate_ust"]),
    ("Change owner phone", "owner phone", None, ["owner_phone"]),
    ("update billing email: ap@shop.com", "billing email", "ap@shop.com", ["billing_contact_email"]),
    ("please change the secondary 24-hour number to 5595550100", "secondary 24-hour number", "5595550100",
     ["sec_24hr_phone"]),
    ("the preparer should be Ana Ruiz", "preparer", "Ana Ruiz", ["document_preparer_name"]),
    ("fix the signer's tittle", "signer's tittle", None, ["identification_signer_title"]),
    ("I typed my emial wrong", "emial", None, ["econtact_email", "billing_contact_email"]),
    ("change the phone from 559-555-0100 to 559-555-0123", "phone", "559-555-0123", None),
])
def test_parse_and_resolve_corrections(text: str, target: str, value: Optional[str], keys: Optional[list[str]]) -> None:
    corr = corrections.parse_correction(text)
    assert corr is not None and corr.target == target and corr.value == value
    found = corrections.resolve(corr.target)
    if keys is None:
        assert len(found) > 2
    else:
        assert found == keys


def test_every_answer_has_an_unambiguous_button_payload() -> None:
    assert all(corrections.resolve(corrections.payload_target(k)) == [k] for k in corrections.all_keys())
    for f in OWNER_OPERATOR_FIELDS:  # the label of every field names it
        assert corrections.resolve(f.label) == [f.key], f.key
    for q in BUSINESS_QUESTIONS:
        assert corrections.resolve(q.short) == [q.key], q.key


@pytest.mark.parametrize("text,street,city,state,zip_code", [
    ("500 Main St, Visalia, CA 93291", "500 Main St", "Visalia", "CA", "93291"),
    ("500 Main St Visalia CA 93291", "500 Main St", "Visalia", "CA", "93291"),
    ("1234 W Shaw Ave, Suite 5, Fresno, CA 93711", "1234 W Shaw Ave, Suite 5", "Fresno", "CA", "93711"),
    ("77 Elm St, Reno, NV 89501", "77 Elm St", "Reno", "NV", "89501"),
    ("12 Oak Ct", "12 Oak Ct", None, None, None),
    ("it's PO Box 55, Fresno 93721", "PO Box 55", "Fresno", None, "93721"),
])
def test_address_in_one_line(text: str, street: str, city: Optional[str], state: Optional[str],
                             zip_code: Optional[str]) -> None:
    assert replies.parse_address(text) == replies.AddressParts(street, city, state, zip_code)


def test_service_confirm_refuses_incomplete_pages(db: Session, setup: tuple[Actor, Facility]) -> None:
    from bot.errors import ValidationError

    actor, facility = setup
    with pytest.raises(ValidationError) as err:
        fi.confirm_business_activities(db, actor, facility.id)
    assert "hazardous materials on site" in err.value.message
    with pytest.raises(ValidationError) as err:
        fi.confirm_owner_operator(db, actor, facility.id)
    assert "business name" in err.value.message
    db.rollback()
    assert db.execute(select(BusinessActivities.confirmed_at)).scalar_one_or_none() is None
    assert fi.recent_answer_keys(db, actor, facility.id) == []
    fi.set_owner_operator_field(db, actor, facility.id, "owner_phone", "559-555-0101")
    fi.set_same_as_business(db, actor, facility.id, "billing", False)
    assert fi.recent_answer_keys(db, actor, facility.id) == ["same_as_business:billing", "owner_phone"]


def test_summary_replies_and_changes_after_the_end(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    chat = Chat(db, actor, facility.id)
    chat.prompt()
    for key, reply, _ in BA_REPLIES:
        chat.answer(key, reply)
    chat.answer("epa_id", "CAL000123456")
    turn = chat.answer(dl.SUMMARY_BA, "hmm")
    assert "Looks right" in turn.text and _ba(db).confirmed_at is None
    chat.answer(dl.SUMMARY_BA, "no, something is wrong")
    assert chat.next.text.startswith("Which answer should I change?")
    chat.say("the underground tank one")
    assert chat.key == "own_or_operate_ust"
    chat.say("yes we do")
    assert _ba(db).own_or_operate_ust is True and chat.key == dl.SUMMARY_BA
    assert "3. Underground storage tanks: Yes" in chat.next.text
    chat.say("looks right")
    _fill_until(chat, dl.SUMMARY_OO)
    chat.say("change group:pec")
    assert chat.key == dl.CHOOSE
    chat.say("change pec_title")
    chat.say("Service manager")
    assert _oo(db).pec_title == "Service manager" and chat.key == dl.SUMMARY_OO
    end = chat.say("yes, all good")
    assert end.done and _oo(db).confirmed_at is not None
    # after the end: a correction still works, and the filing stays finished and confirmed
    after = dl.handle(db, actor, facility.id, {}, "change the signer title to General Manager", "correct_field")
    db.commit()
    assert after.done is True and "Changed the signer's title from Owner to General Manager." == after.text
    assert _oo(db).confirmed_at is not None
    # a correction without a value reopens just that question
    after = dl.handle(db, actor, facility.id, {}, "fix the billing address", "correct_field")
    db.commit()
    assert after.done is False and dl.current_key(db, actor, facility.id, after.state) == "billing_address"


def test_staff_on_behalf_of_the_filer(db: Session, setup: tuple[Actor, Facility]) -> None:
    caller, facility = setup
    staff_user = _user(db, "staff@example.com", name="Sam Staff")
    db.commit()
    staff = Actor(user_id=staff_user.id, role="staff", on_behalf_of=caller.user_id, channel="staff_console")
    chat = Chat(db, staff, facility.id)
    _to_owner_operator(chat)
    chat.answer("phone", "559-555-0199")
    row = db.execute(select(AuditEvent).where(AuditEvent.action == "owner_operator.set")).scalars().one()
    assert (row.actor_user_id, row.on_behalf_of_user_id, row.channel) == (staff_user.id, caller.user_id,
                                                                          "staff_console")
    assert _oo(db).document_preparer_name == "Maria Lopez"  # the caller's account, not the staff member's
    assert "Me (Maria Lopez)" in [b.title for b in chat.next.messages[-1].buttons]


def test_the_filers_own_name_and_phone_are_corrected_on_the_account(db: Session,
                                                                     setup: tuple[Actor, Facility]) -> None:

    actor, facility = setup
    chat = Chat(db, actor, facility.id)
    turn = chat.say("change my name to Alma Reyes", "correct_field")
    assert "your account's name is now Alma Reyes" in turn.text
    turn = chat.say("update my phone to 559 555 0199", "correct_field")
    assert "(559) 555-0199" in turn.text
    turn = chat.say("change my email to someone@else.example", "correct_field")
    assert "can't be changed in the chat" in turn.text
    db.expire_all()
    user = db.get(User, actor.user_id)
    assert (user.full_name, user.phone) == ("Alma Reyes", "(559) 555-0199") and "someone@" not in user.email
    assert [e.details["changes"] for e in audit_rows(db, "user.update_profile")][0]["full_name"][1] == "Alma Reyes"


def test_a_contact_is_one_persons_name_out_of_the_sentence() -> None:
    from bot.facility_info.questions import OWNER_OPERATOR_FIELDS
    from bot.facility_info.validators import validate_field

    pec = next(f for f in OWNER_OPERATOR_FIELDS if f.key == "pec_name")
    assert validate_field(pec, "it's Karen Wu, she runs the shop") == "Karen Wu"
    with pytest.raises(Exception, match="one person"):
        validate_field(pec, "my husband Miguel Delgado and me")
    owner = next(f for f in OWNER_OPERATOR_FIELDS if f.key == "owner_name")
    assert validate_field(owner, "Ruiz Family Holdings LLC") == "Ruiz Family Holdings LLC"  # owners may be companies


def test_an_epa_id_said_before_its_question_is_kept_and_not_asked(db: Session, setup: tuple[Actor, Facility]) -> None:
    actor, facility = setup
    chat = Chat(db, actor, facility.id)
    for key, reply, _stored in BA_REPLIES:
        if key == "hw_generator":
            reply = "yes, used oil - our EPA ID is CAL000123456"
        if chat.key == key:
            chat.answer(key, reply)
    assert _ba(db).epa_id == "CAL000123456"
    assert "I also saved your EPA ID number, CAL000123456" in "\n".join(chat.transcript)
    assert chat.key != "epa_id" and not any("EPA ID number?" in line for line in chat.transcript)
