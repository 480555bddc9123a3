"""A person's name out of what someone typed when asked for it: "My full name is Alma Reyes. It's just me
here" -> "Alma Reyes"; "i'm ana lopez" -> "Ana Lopez". A reply that is not one person's name ("my husband
Miguel Delgado and me", "just a sec", "the owner") is refused with what to type instead, never stored.

Used for the account's name at sign-up and for the people named in Facility Information. Pure function of the
text; raises `bot.errors.ValidationError` whose message the user reads.
"""
from __future__ import annotations

import re

from bot.errors import ValidationError

_LEAD_RE = re.compile(
    r"^\s*(?:(?:hi|hello|hey|ok|okay|sure|yes|yeah|yep|well|so|um|uh)[,!.\s]+)*"
    r"(?:(?:my|his|her|the|our)\s+(?:full\s+|legal\s+|first\s+and\s+last\s+)?name\s*(?:is|'s|:|=)?|"
    r"name\s*(?:is|:|=)|i\s*'?\s*a?m|i am|this is|it'?s|its|it is|call me|me llamo|mi nombre es|soy)\s+",
    re.IGNORECASE)
_TAIL_RE = re.compile(r"\s*(?:,?\s*(?:thanks|thank you|thx|please|pls|here)\s*)+[.!]*$", re.IGNORECASE)
_NOT_ONE_PERSON = re.compile(
    r"\b(?:and|&|with|plus|y|husband|wife|partner|spouse|boss|son|daughter|brother|sister|dad|mom|father|mother|"
    r"we|us|our|both|team)\b", re.IGNORECASE)
_NOT_A_NAME = re.compile(
    r"\b(?:owner|manager|me|myself|same|above|n/?a|none|nobody|unknown|sec|second|minute|wait|hold on|idk|dunno|"
    r"don'?t know|not sure|later|skip|company|inc|llc|corp|corporation|shop|store|business|facility|the|is|are|"
    r"have|has|was|will|would|can|could|email|phone|password)\b", re.IGNORECASE)
_WORD_RE = re.compile(r"^[^\W\d_](?:[^\W\d_]|['\u2019.\-])*$")
_PARTICLES = {"de", "del", "la", "van", "von", "da", "di", "du", "le", "bin", "al", "st."}


def person_name(text: str) -> str:
    """The name of one person in `text`, capitalised when typed all lower case. ValidationError otherwise."""
    s = " ".join((text or "").split())
    if not s:
        raise ValidationError("Please give your name, like Maria Lopez.", field="full_name")
    s = _LEAD_RE.sub("", s, count=1)
    s = re.split(r"(?<=[a-z])[.!?;]\s+|\s+[-\u2013\u2014]\s+|\(|\s*,\s*(?:it'?s|i'?m|and|but|just|she|he|they|"
                 r"who|the|our|my|our|owner|manager|president|ceo)\b", s, maxsplit=1, flags=re.IGNORECASE)[0]
    s = _TAIL_RE.sub("", s).strip(" ,.;:!?\"'")
    if _NOT_ONE_PERSON.search(s):
        raise ValidationError("Just one person's name please (the account belongs to one person; others can get "
                              "their own access later). For example: Maria Lopez.", field="full_name")
    words = s.split()
    if not words or len(words) > 5 or _NOT_A_NAME.search(s) or not all(_WORD_RE.match(w) for w in words):
        raise ValidationError("I need a person's name here, first and last, like Maria Lopez.", field="full_name")
    if len(s) > 120:
        raise ValidationError("That name is too long: at most 120 characters.", field="full_name")
    if s.islower() or s.isupper():
        s = " ".join(w if w.lower() in _PARTICLES and i > 0 else w[:1].upper() + w[1:].lower()
                     for i, w in enumerate(words))
    return s
