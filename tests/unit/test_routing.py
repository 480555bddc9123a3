"""Telling an answer from a digression inside a step, without Rasa (`bot.routing`): a digression needs a
confident intent AND words that say it; a button just offered is always an answer."""
from __future__ import annotations

import pytest

from bot.routing import DIGRESSION_CONFIDENCE, digression


@pytest.mark.parametrize("text,intent", [
    ("California", "ask_what_is_cers"),      # the answer to "which state?"
    ("bakersfield", "switch_facility"),      # a city
    ("my name is linda chen", "stop"),       # a name
    ("no we dont", "deny"),
    ("tomorrow morning shift", "stop"),      # "stop" intent without its words
    ("i need a plumber", "out_of_scope"),    # not phrased as a question
])
def test_answers_the_classifier_mistakes_for_digressions_reach_the_engine(text: str, intent: str) -> None:
    assert digression(text, intent, 0.95) is None


@pytest.mark.parametrize("text,intent", [
    ("what is a CUPA?", "ask_what_is_cupa"),
    ("help", "help"),
    ("let's continue tomorrow", "pause_filing"),
    ("Stop", "stop"),
    ("switch to the other site", "switch_facility"),
    ("where am i", "where_am_i"),
    ("continue", "continue_filing"),
    ("/where_am_i", "where_am_i"),
])
def test_clear_digressions_are_told_apart(text: str, intent: str) -> None:
    assert digression(text, intent, 0.9) == intent


def test_a_doubtful_intent_is_an_answer_but_a_page_trigger_is_not() -> None:
    assert digression("what is a cupa?", "ask_what_is_cupa", DIGRESSION_CONFIDENCE - 0.01) is None
    assert digression("what is a cupa?", "ask_what_is_cupa", DIGRESSION_CONFIDENCE) == "ask_what_is_cupa"
    assert digression("/switch_facility{\"facility_cers_id\": \"10000077\"}", "switch_facility", 0.1) == \
        "switch_facility"
    assert digression("/start", None, 1.0) is None


def test_a_button_just_offered_is_always_an_answer() -> None:
    assert digression("Stop", "stop", 0.99, offered=["yes", " STOP "]) is None
    assert digression("stop", "stop", 0.99, offered=["yes", "no"]) == "stop"
