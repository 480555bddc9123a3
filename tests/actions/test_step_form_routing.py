"""Inside a step form, a reply is an answer unless it clearly is a digression: a confident intent AND words that
say it. Answers the classifier takes for something else must reach the engine."""
from __future__ import annotations

from typing import Any, Optional

import pytest
from rasa_sdk import Tracker

from actions.filing import digression
from tests.actions.conftest import make_tracker


def _tracker(text: str, intent: str, confidence: float = 0.9, offered: Optional[list[str]] = None) -> Tracker:
    tracker = make_tracker(text, intent=intent, active_loop="facility_info_form")
    tracker.latest_message["intent"]["confidence"] = confidence
    if offered:
        events: list[dict[str, Any]] = [
            {"event": "user", "text": "earlier"},
            {"event": "bot", "text": "question?", "data": {"buttons": [{"title": p, "payload": p} for p in offered]}},
        ]
        tracker.events = events + list(tracker.events)
    return tracker


@pytest.mark.parametrize("text,intent", [
    ("California", "ask_what_is_cers"),          # "which state?" answered, not a question about CERS
    ("bakersfield", "switch_facility"),          # a city answer, not a switch
    ("my name is linda chen", "stop"),           # a name, not "stop"
    ("the back shop", "go_back"),                # an answer the engine reads
    ("no we dont", "deny"),
    ("i need a plumber", "out_of_scope"),        # not phrased as a question: the engine says what it needs
])
def test_answers_mistaken_for_digressions_stay_answers(text: str, intent: str) -> None:
    assert digression(_tracker(text, intent), text) is None


@pytest.mark.parametrize("text,intent", [
    ("what is a CUPA?", "ask_what_is_cupa"),
    ("are you a real person", "bot_challenge"),
    ("let's continue tomorrow", "pause_filing"),
    ("stop", "stop"),
    ("switch to the other site", "switch_facility"),
    ("where am i", "where_am_i"),
    ("what are the reporting amounts", "ask_thresholds"),
])
def test_clear_digressions_are_recognised(text: str, intent: str) -> None:
    assert digression(_tracker(text, intent), text) == intent


def test_a_low_confidence_intent_is_an_answer() -> None:
    assert digression(_tracker("what is a cupa", "ask_what_is_cupa", confidence=0.45), "what is a cupa") is None


def test_a_button_just_offered_is_always_an_answer() -> None:
    tracker = _tracker("looks right", "find_facility", offered=["looks right", "change hm_on_site"])
    assert digression(tracker, "looks right") is None
    # the same words without the button are judged by intent and words
    assert digression(_tracker("stop", "stop", offered=["yes", "no"]), "stop") == "stop"
