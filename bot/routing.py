"""Telling an answer from a digression inside a guided step (Facility Information, Inventory), whatever the
channel: the Rasa forms call it, and so can the staff console or Slack without Rasa.

Every reply inside a step is an answer for the step's engine unless it clearly is a digression: the NLU's
intent is confident AND the words say it, so an answer the classifier takes for something else ("Fresno" as
switch_facility, "no" as stop, "California" as "what is CERS?") stays an answer. A reply that repeats a
button the assistant just offered is always an answer. Pure function over text: it decides nothing about
what the digression then does.
"""
from __future__ import annotations

import re
from typing import Callable, Iterable, Optional

from bot.replies import mentions_pause, says_pause
from bot.sds import is_sds_notice

DIGRESSION_CONFIDENCE = 0.6
QUESTION_INTENTS = ("help", "ask_what_is_cers_id", "ask_what_is_cers", "ask_what_is_cupa", "ask_what_is_lead_user",
                    "ask_why_phone", "ask_password_in_chat", "chitchat", "bot_challenge", "out_of_scope",
                    "ask_thresholds", "ask_ehs", "ask_deadline", "ask_consequences", "ask_definition")
# Parts of the filing not built yet: answered with what the filer can do, wherever they are asked (none is an
# intent of its own today: next year's filing is recognised inside a submit request, bot.submittals.chat).
NOT_BUILT: tuple[str, ...] = ()
# Submit and the filing's status (bot.submittals.chat): inside a step, "submit" ends the step and the submit
# follows; the status is shown and the step's question asked again.
SUBMITTALS = ("submit_filing", "check_status")
# Requests answered apart from the step, wherever they are asked: the documents (bot.documents.chat).
DOCUMENTS = ("upload_document",)

_STOP_RE = re.compile(r"\b(stop|cancel|quit|exit|enough|end this|never ?mind|forget it)\b")
_SWITCH_RE = re.compile(r"\b(switch|other|another|different|instead|change (?:the )?(?:facility|site|"
                        r"location|shop|store))\b|^/switch_facility")
_WHERE_RE = re.compile(r"\b(where|left|progress|am i (?:done|finished)|remaining|how far|how much more|"
                       r"status|checklist|what else|missing)\b|^/where_am_i")
# the words that must say it too, for an intent to count as a digression
_SAYS_IT: dict[str, Callable[[str], object]] = {
    "stop": _STOP_RE.search,
    "pause_filing": mentions_pause,
    "switch_facility": _SWITCH_RE.search,
    "where_am_i": _WHERE_RE.search,
}
# A question looks like one: "California" taken for "what is CERS?" is an answer to "which state?".
_QUESTION_RE = re.compile(r"\?|^(?:what|whats|what's|wat|why|how|who|where|when|which|do|does|did|is|are|am|can|could|"
                          r"should|would|will|explain|tell me|i don'?t (?:know|understand|get)|help|que|qué|como|"
                          r"cómo|por ?que|por ?qué)\b")


def digression(text: str, intent: Optional[str], confidence: float, offered: Iterable[str] = ()) -> Optional[str]:
    """The digression this reply is (an intent name), or None when it is an answer for the step's engine.

    `intent` and `confidence`: the NLU's top intent for `text`; `offered`: the payloads of the buttons shown
    since the user's previous message."""
    intent = intent or ""
    low = " ".join(text.lower().split())
    if low in {str(p).strip().lower() for p in offered} or is_sds_notice(low):  # the chat page's SDS notice
        return None
    if low.startswith("/"):
        return intent or None  # a button of an earlier message, or a page trigger
    if says_pause(low):
        return "pause_filing"
    if confidence < DIGRESSION_CONFIDENCE:
        return None
    if intent in NOT_BUILT + DOCUMENTS + SUBMITTALS and len(low.split()) >= 2:
        return intent
    if intent in QUESTION_INTENTS and _QUESTION_RE.search(low) and len(low.split()) >= 2 or low == "help":
        return intent
    if intent in _SAYS_IT and _SAYS_IT[intent](low):
        return intent
    if intent in ("continue_filing", "export_inventory"):
        return intent
    return None
