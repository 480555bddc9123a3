"""Filers' questions answered from the product's facts: the figures an answer must state, a named material's
EHS listing, the filer's own amount against the thresholds. Questions written for these tests."""
from __future__ import annotations

import copy

import pytest
from sqlalchemy.orm import Session

from bot.chemicals import build, lookup
from bot.knowledge.answers import answer_question
from bot.knowledge.not_built import NOT_BUILT_INTENTS, not_built_reply

_SUBSET = {"7664-93-9", "7782-50-5", "7664-41-7", "124-38-9", "67-64-1", "7722-84-1", "7647-01-0", "7727-37-9"}


@pytest.fixture(scope="module")
def _entries() -> list[build.Entry]:
    return [e for e in build.library_entries(include_chedl=True) if e.source != "chedl" or e.cas in _SUBSET]


@pytest.fixture
def library(db: Session, _entries: list[build.Entry]) -> Session:
    build.load(db.connection(), [copy.deepcopy(e) for e in _entries])
    db.commit()
    lookup.reset_index()
    yield db
    lookup.reset_index()


@pytest.mark.parametrize("question, facts", [
    ("at what amount does a liquid have to go in the plan", ["55 gallons", "500 pounds", "200 cubic feet"]),
    ("when's our business plan due each year?", ["march 1"]),
    ("what if the county rejects our inventory", ["not accepted", "30 days", "lead user"]),
    ("can they fine us for not filing", ["$2,000", "$5,000"]),
    ("we only have to do the full plan every 3 years right?", ["three years", "certify", "tier ii"]),
    ("we bought the business from the old owner, do we have to tell anyone", ["30 days"]),
    ("do air conditioning refrigerants count", ["exempt"]),
    ("what's a cupa", ["certified unified program agency"]),
    ("what goes on the site map", ["north arrow"]),
])
def test_general_questions_state_the_facts(question: str, facts: list[str]) -> None:
    answer = answer_question(question)
    assert answer is not None
    for fact in facts:
        assert fact in answer.text.lower(), (question, answer.text)


def test_a_named_material_gets_its_own_ehs_listing(library: Session) -> None:
    answer = answer_question("is sulphuric acid one of those extremely hazardous substances? what's its tpq", db=library)
    assert answer is not None and answer.topic == "ehs"
    assert "1,000 lb" in answer.text or "1,000 pounds" in answer.text
    assert "500 pounds" in answer.text  # the lower of TPQ and 500 lb decides


def test_a_concentration_below_the_listing_is_not_ehs(library: Session) -> None:
    answer = answer_question("is 35% hydrogen peroxide an EHS?", db=library)
    assert answer is not None and "not an extremely hazardous" in answer.text.lower()


def test_the_filers_own_amount_is_checked(library: Session) -> None:
    small = answer_question("do we need to report 3 gallons of acetone?", db=library)
    assert small is not None and "below" in small.text.lower()
    big = answer_question("we keep about 80 gallons of acetone, does that need reporting?", db=library)
    assert big is not None and big.text.lower().startswith("yes")


def test_gases_with_a_special_threshold_say_it(library: Session) -> None:
    answer = answer_question("we have four nitrogen cylinders of 300 cubic feet, reportable?", db=library)
    assert answer is not None and "1,000 cubic feet" in answer.text


def test_nonsense_gets_no_answer_and_never_raises() -> None:
    assert answer_question("") is None
    assert answer_question("purple monkey dishwasher") is None


def test_features_not_built_yet_say_so() -> None:
    for intent in NOT_BUILT_INTENTS:
        reply = not_built_reply(intent)
        assert reply and "yet" in reply
    assert not_built_reply("add_chemical") is None
